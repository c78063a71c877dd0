"""Documents of SOP step 6 up to the certificates: the pleno's Berita Acara, the SK Penetapan, the letter telling
each candidate it decided BK of the result and the right to appeal, the appeal as the candidate filed it
(FR.AK.04), the SK of an appeal, the surat tugas of the
asesor re-assessing after it, and the request for certificate blanks from BNSP.

Each rests on decisions the database recorded (:mod:`service_tasks.keputusan_tercatat`): the pleno Kabid
Sertifikasi submitted, the appeal Ketua LSP decided, the SK Ketua LSP approved; never on workflow data alone."""

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from api.store.models import Dokumen
from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData, gabung_nama
from service_tasks.format_indonesia import WIB, as_date, hari_ini, tanggal
from service_tasks.guards import objects, require_object, require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import (
    KATA_KEPUTUSAN,
    daftar_kompeten,
    diputuskan,
    jumlah_keputusan,
    rekomendasi,
)
from service_tasks.keputusan_tercatat import (
    banding_kompeten,
    banding_tercatat,
    diserahkan_peserta,
    kompeten_tercatat,
    pleno_tercatat,
    sempitkan,
    sk_penetapan_berlaku,
    tindak_lanjut_disetujui,
)
from service_tasks.nomor_surat import (
    dokumen_peserta,
    summary,
    terbit_pada_tugas,
    terbitkan_dokumen,
    terbitkan_perubahan,
)
from service_tasks.pengurus_pleno import pengurus_aktif
from service_tasks.sesi_jadwal import jam, jam_teks

SERTIFIKASI = ("penerbitan_sertifikat",)


def _keputusan_pleno(m: MasterData, pleno: dict[str, Any], hasil: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The pleno's decision per candidate, with the asesor (No. Reg. MET) and the asesor's recommendation."""
    by_user = {h.get("username"): h for h in hasil}
    m.load_peserta(by_user)
    m.load_asesor(h.get("asesor") for h in hasil)
    rows = []
    for i, k in enumerate(require_objects("pleno.keputusan", pleno.get("keputusan") or []), start=1):
        h = by_user.get(k.get("username"), {"username": k.get("username")})
        rows.append(
            {
                "no": i,
                "username": k.get("username"),
                "nama": snapshot.peserta(m, h)["nama"],
                "nim": snapshot.peserta(m, h)["nim"],
                "skema_nomor": h.get("skema_nomor"),
                "skema_judul": snapshot.skema(m, h.get("skema_nomor"), h.get("skema_judul"))["judul"],
                "tuk_kode": h.get("tuk_kode"),
                "asesor": snapshot.asesor(m, h.get("asesor")) if h.get("asesor") else None,
                "rekomendasi_asesor": rekomendasi(h),
                "keputusan": k.get("keputusan"),
                "catatan": k.get("catatan"),
            }
        )
    return rows


@operator("terbitkan_berita_acara_pleno", issuing=SERTIFIKASI)
def terbitkan_berita_acara_pleno(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    pleno = pleno_tercatat(ctx, require_object("pleno", pleno))
    hasil = snapshot.bernama(m, require_objects("hasil", hasil))  # the results carry ids
    keputusan = _keputusan_pleno(m, pleno, hasil)
    anggota = pleno.get("anggota") or []
    notulis = pleno.get("notulis")
    # A pleno recorded before the daftar hadir was a field: every member attended.
    hadir = pleno.get("hadir") or list(anggota)
    m.load_users([*anggota, *hadir, notulis])
    m.load_asesor([*anggota, *hadir, notulis])
    pengurus = pengurus_aktif(ctx.session, [*anggota, *hadir])

    def orang(a: Any) -> dict[str, Any]:
        row = snapshot.asesor(m, a) if m.asesor(a) is not None else snapshot.orang(m, a)
        jabatan = pengurus[a].jabatan if a in pengurus else None
        return {**row, "jabatan": jabatan, "bidang": list(pengurus[a].bidang) if a in pengurus else []}

    def kedudukan(a: Any) -> str:
        if anggota and a == anggota[0]:
            return "Ketua rapat"
        peran = ["Anggota"] if a in anggota else []
        return " dan ".join(peran + (["Notulis"] if a == notulis else []))

    data: dict[str, Any] = {
        "periode": periode,
        "lsp": snapshot.lsp(m),
        "pleno": {k: v for k, v in pleno.items() if k not in ("anggota", "keputusan", "notulis", "hadir")},
        "anggota": [{**orang(a), "hadir": a in hadir} for a in anggota],
        "notulis": orang(notulis) if notulis else None,
        # The pleno's own attendance list (daftar hadir): who attended, in the order recorded.
        "hadir": [{**orang(a), "kedudukan": kedudukan(a)} for a in hadir],
        "keputusan": keputusan,
        "tidak_dinilai": [
            {"username": h.get("username"), "nama": snapshot.peserta(m, h)["nama"], "status": h.get("status")}
            for h in hasil
            if rekomendasi(h) is None
        ],
        "jumlah_asesi": len(hasil),
        # The pleno decides the assessed; the absent and the refusing are named apart ("Tidak dinilai").
        "jumlah_diputuskan": len(keputusan),
        "jumlah_k": jumlah_keputusan(keputusan, "K"),
        "jumlah_bk": jumlah_keputusan(keputusan, "BK"),
        "jumlah_ditunda": jumlah_keputusan(keputusan, "ditunda"),
        "hasil": hasil,
    }
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["berita_acara_pleno"], f"Berita acara rapat pleno {periode}", data)


@operator("terbitkan_sk_penetapan", issuing=SERTIFIKASI)
def terbitkan_sk_penetapan(
    ctx: ServiceContext, periode: str, pleno: dict[str, Any], hasil: list[dict[str, Any]]
) -> dict[str, Any]:
    """SK Penetapan hasil asesmen; lampiran: No | Nama asesi | Asesor (No. Reg. MET) | K/BK, citing the pleno
    as Kabid Sertifikasi recorded it (the workflow's `pleno` may only narrow a K)."""
    m = MasterData(ctx.session)
    pleno = pleno_tercatat(ctx, require_object("pleno", pleno))
    daftar = _keputusan_pleno(m, pleno, require_objects("hasil", hasil))
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "pleno": {k: v for k, v in pleno.items() if k not in ("keputusan",)},
        "daftar": daftar,
        "jumlah_k": jumlah_keputusan(daftar, "K"),
        "jumlah_bk": jumlah_keputusan(daftar, "BK"),
        "jumlah_ditunda": jumlah_keputusan(daftar, "ditunda"),
    }
    return terbitkan_dokumen(ctx, JENIS_DOKUMEN["sk_penetapan"], f"SK penetapan hasil asesmen {periode}", data)


def _rekaman_asesmen(ctx: ServiceContext, username: str) -> Dokumen | None:
    """The candidate's FR.AK.02 in this period as it stands (the last issued, not superseded), or None."""
    rows = list(
        ctx.session.scalars(
            select(Dokumen)
            .where(Dokumen.root_id == ctx.root_id, Dokumen.kind == "rekaman_asesmen", Dokumen.candidate == username)
            .order_by(Dokumen.id)
        )
    )
    superseded = {d.supersedes_id for d in rows}
    current = [d for d in rows if d.id not in superseded]
    return current[-1] if current else None


def _unit_bk(units: Any) -> list[dict[str, Any]]:
    return [
        {k: u.get(k) for k in ("kode", "judul", "catatan", "tindak_lanjut")}
        for u in objects(units)
        if u.get("rekomendasi") == "BK"
    ]


@operator("terbitkan_pemberitahuan_hasil_uji")
def terbitkan_pemberitahuan_hasil_uji(
    ctx: ServiceContext,
    periode: str,
    peserta_banding: list[dict[str, Any]],
    hasil: list[dict[str, Any]],
    batas_banding: str,
) -> dict[str, Any]:
    """One letter to each candidate the approved SK Penetapan decided BK, issued as the appeal window opens
    (after Ketua LSP approved the SK, before any appeal): the SK by number and date and its decision, the units
    the FR.AK.02 found not yet competent, the right to appeal until `batas_banding` (the window's timer in
    banding_asesmen.bpmn), and how to register again. It states what the SK decided and the appeal against it;
    an appeal's outcome is a later SK of its own. The SK and its BK list are the records' (the workflow's
    `peserta_banding` only narrows who gets one); refused when no approved SK is recorded."""
    sk = sk_penetapan_berlaku(ctx.session, ctx.instance_id)
    if sk is None:
        raise ServiceTaskError("tidak ada SK penetapan hasil asesmen yang disetujui Ketua LSP pada proses ini")
    bk = {d.get("username"): d for d in objects(sk.data.get("daftar")) if d.get("keputusan") == "BK"}
    daftar = [p for p in require_objects("peserta_banding", peserta_banding) if p.get("username") in bk]
    hasil_by_user = {h.get("username"): h for h in require_objects("hasil", hasil)}
    batas = datetime.fromisoformat(str(batas_banding)).astimezone(WIB)
    m = MasterData(ctx.session)
    m.load_peserta(p.get("username") for p in daftar)
    lsp = snapshot.lsp(m)
    hari = hari_ini(ctx)
    surat = []
    for p in daftar:
        username = str(p.get("username"))
        ak02 = _rekaman_asesmen(ctx, username)
        units = (ak02.data.get("penilaian") or {}).get("unit") if ak02 is not None else None
        data: dict[str, Any] = {
            "periode": periode,
            "tanggal": hari.isoformat(),
            "lsp": lsp,
            "penandatangan": snapshot.ketua_menandatangani(m, ctx),
            "peserta": snapshot.peserta(m, p),
            "skema": snapshot.skema(m, p.get("skema_nomor"), bk[username].get("skema_judul")),
            "sk_penetapan": {"nomor": sk.number, "tanggal": sk.data.get("tanggal")},
            "rekaman_asesmen": {"nomor": ak02.number, "tanggal": ak02.data.get("tanggal")} if ak02 else None,
            "unit_bk": _unit_bk(units if units is not None else hasil_by_user.get(username, {}).get("unit")),
            "batas_banding": {
                "tanggal": batas.date().isoformat(),
                "pukul": batas.strftime("%H.%M"),
                "hari": (batas.date() - hari).days,
            },
        }
        surat.append(
            terbitkan_dokumen(
                ctx,
                JENIS_DOKUMEN["pemberitahuan_hasil_uji"],
                f"Pemberitahuan hasil uji kompetensi {data['peserta']['nama'] or username}",
                data,
                key=username,
                candidate=username,
            )
        )
    return {"jumlah": len(surat), "dokumen": surat}


@operator("terbitkan_sk_perubahan_penetapan", issuing=SERTIFIKASI)
def terbitkan_sk_perubahan_penetapan(
    ctx: ServiceContext, periode: str, hasil_banding: list[dict[str, Any]]
) -> dict[str, Any]:
    """The SK amending the SK Penetapan after upheld appeals ("Perubahan atas Keputusan Ketua LSP ... tentang
    Penetapan Hasil Asesmen"), signed by the Ketua LSP in office: each candidate the SK made BK whose appeal was
    upheld and whose re-assessment the tim banding decided K, as recorded (the workflow's `hasil_banding` may
    only narrow it), is K in its lampiran, with the re-assessing asesor and the SK Banding. Refused when no such
    decision is recorded: nothing to amend."""
    if (issued := terbit_pada_tugas(ctx, "sk_penetapan")) is not None:
        return summary(issued)
    m = MasterData(ctx.session)
    diterima = {
        b.get("username") for b in require_objects("hasil_banding", hasil_banding) if b.get("status") == "diterima"
    }
    sk = sk_penetapan_berlaku(ctx.session, ctx.instance_id)
    if sk is None:
        raise ServiceTaskError("tidak ada SK penetapan hasil asesmen yang disetujui Ketua LSP pada proses ini")
    daftar = objects(sk.data.get("daftar"))
    bk = {str(d.get("username")) for d in daftar if d.get("keputusan") == "BK"}
    anggota = {a for a in pleno_tercatat(ctx, None).get("anggota") or [] if isinstance(a, str)}
    if (lanjutan := tindak_lanjut_disetujui(ctx.session, ctx.instance_id)) is not None:
        # A BK by the follow-up pleno on a postponed candidate: its members decided too.
        anggota |= {a for a in lanjutan[0].data("pleno_lanjutan").get("anggota") or [] if isinstance(a, str)}
    diubah = {u: b for u, b in banding_kompeten(ctx.session, ctx.instance_id, bk, anggota).items() if u in diterima}
    if not diubah:
        raise ServiceTaskError(
            "tidak ada banding diterima yang diputuskan Kompeten oleh tim banding: SK penetapan tidak diubah"
        )
    m.load_asesor(b.asesor_ulang for b in diubah.values())
    lsp = snapshot.lsp(m)
    rows, alasan, banding = [], [], []
    for d in daftar:
        b = diubah.get(str(d.get("username")))
        if b is None:
            rows.append(d)
            continue
        sk_banding = {"nomor": b.sk_banding.number, "tanggal": b.sk_banding.data.get("tanggal")}
        rows.append(
            {
                **d,
                "keputusan": "K",
                "asesor": snapshot.asesor(m, b.asesor_ulang),
                "banding": sk_banding,
                "catatan": b.alasan,
            }
        )
        banding.append({"nama": d.get("nama"), **sk_banding})
        alasan.append(
            f"banding {d.get('nama')} diterima dengan Keputusan Ketua {lsp['nama']} Nomor {b.sk_banding.number} "
            f"dan, setelah asesmen ulang, tim banding memutuskan {d.get('nama')} Kompeten (K)"
        )
    data: dict[str, Any] = {
        **sk.data,
        "periode": periode,
        "lsp": lsp,
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "daftar": rows,
        "banding": banding,
        "jumlah_k": jumlah_keputusan(rows, "K"),
        "jumlah_bk": jumlah_keputusan(rows, "BK"),
    }
    return terbitkan_perubahan(ctx, sk, data, "; ".join(alasan))


@operator("terbitkan_sk_perubahan_ditunda", issuing=SERTIFIKASI)
def terbitkan_sk_perubahan_ditunda(ctx: ServiceContext, periode: str, pleno_lanjutan: dict[str, Any]) -> dict[str, Any]:
    """The SK amending the SK Penetapan after the follow-up pleno on the candidates it postponed ("Perubahan atas
    Keputusan ..."), signed by the Ketua LSP in office: each postponed candidate the follow-up pleno decided K or BK,
    as Kabid Sertifikasi recorded it (the workflow's `pleno_lanjutan` may only narrow it), is K or BK in its
    lampiran; a candidate carried to a later batch stays ditunda, with the reason. Refused when the follow-up
    decided no one K or BK: nothing to amend."""
    if (issued := terbit_pada_tugas(ctx, "sk_penetapan")) is not None:
        return summary(issued)
    m = MasterData(ctx.session)
    workflow = {
        k.get("username"): k.get("keputusan")
        for k in objects(require_object("pleno_lanjutan", pleno_lanjutan).get("keputusan"))
    }
    sk = sk_penetapan_berlaku(ctx.session, ctx.instance_id)
    lanjutan = tindak_lanjut_disetujui(ctx.session, ctx.instance_id)
    if sk is None or lanjutan is None:
        raise ServiceTaskError("tidak ada keputusan rapat pleno lanjutan atas peserta yang ditunda pada proses ini")
    rapat, kata = lanjutan[0].data("pleno_lanjutan"), lanjutan[1]
    daftar = objects(sk.data.get("daftar"))
    diubah = {
        u: r for u, r in kata.items() if r.get("keputusan") in ("K", "BK") and workflow.get(u) == r.get("keputusan")
    }
    if not any(str(d.get("username")) in diubah and d.get("keputusan") == "ditunda" for d in daftar):
        raise ServiceTaskError(
            "rapat pleno lanjutan tidak memutuskan peserta yang ditunda Kompeten atau Belum Kompeten: "
            "SK penetapan tidak diubah"
        )
    lsp = snapshot.lsp(m)
    pada = {k: v for k, v in rapat.items() if k in ("tanggal", "waktu", "tempat")}
    rows, alasan = [], []
    for d in daftar:
        username = str(d.get("username"))
        r = kata.get(username)
        if d.get("keputusan") != "ditunda" or r is None:
            rows.append(d)
        elif username in diubah:
            rows.append({**d, "keputusan": r.get("keputusan"), "pleno_lanjutan": pada, "catatan": r.get("alasan")})
            alasan.append(f"{d.get('nama')} {KATA_KEPUTUSAN[str(r.get('keputusan'))]}")
        else:
            rows.append({**d, "dibawa": r.get("keputusan") == "dibawa", "catatan": r.get("alasan")})
    data: dict[str, Any] = {
        **sk.data,
        "periode": periode,
        "lsp": lsp,
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "daftar": rows,
        "pleno_lanjutan": pada,
        "jumlah_k": jumlah_keputusan(rows, "K"),
        "jumlah_bk": jumlah_keputusan(rows, "BK"),
        "jumlah_ditunda": jumlah_keputusan(rows, "ditunda"),
    }
    sebab = (
        f"rapat pleno lanjutan tanggal {tanggal(pada.get('tanggal'))}, setelah bukti tambahan, memutuskan "
        f"{gabung_nama(alasan)} atas asesi yang keputusannya ditunda"
    )
    return terbitkan_perubahan(ctx, sk, data, sebab)


@operator("terbitkan_banding_asesmen")
def terbitkan_banding_asesmen(ctx: ServiceContext, peserta: dict[str, Any]) -> dict[str, Any]:
    """FR.AK.04 of the candidate who filed an appeal: the asesi, the asesor whose assessment is appealed, the day of
    that assessment (their FR.AK.02's), the skema, the decision appealed (the SK Penetapan, cited), the candidate's
    answers to the form's questions and their reasons, signed the day they filed it. Refused when the candidate
    filed no appeal here."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    username = str(peserta.get("username") or "")
    banding, pada = diserahkan_peserta(ctx, "banding", username)
    if banding.get("ajukan") is not True:
        raise ServiceTaskError(f"{username}: peserta tidak mengajukan banding; tidak ada yang diterbitkan")
    ak02 = ctx.session.scalars(
        select(Dokumen)
        .where(
            Dokumen.root_id == ctx.root_id,
            Dokumen.kind == "rekaman_asesmen",
            Dokumen.candidate == username,
            Dokumen.version == 1,
        )
        .order_by(Dokumen.id)
        .limit(1)
    ).first()
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "tanggal": pada,
        "peserta": snapshot.peserta(m, peserta),
        "skema": snapshot.skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul")),
        "asesor": snapshot.asesor(m, peserta.get("asesor")) if peserta.get("asesor") else None,
        "tanggal_asesmen": (ak02.data or {}).get("tanggal") if ak02 is not None else None,
        "keputusan": peserta.get("keputusan"),
        "banding": banding,
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["banding_asesmen"],
        f"Banding asesmen (FR.AK.04) {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


@operator("terbitkan_sk_banding", issuing=("banding_asesmen",))
def terbitkan_sk_banding(
    ctx: ServiceContext,
    peserta: dict[str, Any],
    tim: dict[str, Any],
    keputusan: dict[str, Any],
    banding: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """SK hasil banding (FR.AK.04): the candidate, the independent tim banding and its decision, as the
    candidate filed it and Ketua LSP recorded it in this instance (never the workflow's `keputusan`)."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    tim = require_object("tim", tim)
    require_object("keputusan", keputusan)
    keputusan = banding_tercatat(ctx, peserta.get("username"))
    anggota = tim.get("anggota") or []
    m.load_users(anggota)
    data: dict[str, Any] = {
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "peserta": snapshot.peserta(m, peserta),
        "skema": snapshot.skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul")),
        "asesor": snapshot.asesor(m, peserta.get("asesor")) if peserta.get("asesor") else None,
        "keputusan_pleno": peserta.get("keputusan"),
        "banding": banding,
        "tim_banding": [snapshot.orang(m, a) for a in anggota],
        "keputusan": keputusan.get("keputusan"),
        "pertimbangan": keputusan.get("pertimbangan"),
    }
    username = peserta.get("username")
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["sk_banding"],
        f"SK hasil banding asesmen {data['peserta']['nama'] or username}",
        data,
        key=str(username or ""),
        candidate=username,
    )


@operator("terbitkan_surat_tugas_asesor_ulang")
def terbitkan_surat_tugas_asesor_ulang(
    ctx: ServiceContext, peserta: dict[str, Any], asesor_ulang: dict[str, Any], lama_hari: Any = 7
) -> dict[str, Any]:
    """Surat tugas of the asesor re-assessing a candidate after an upheld appeal: the candidate, the skema, the SK
    hasil banding it follows (number and date, as issued in this period), the asesor who assessed first (who may
    not re-assess) and the window: the dates Kabid Sertifikasi gave, else `lama_hari` days from the letter."""
    m = MasterData(ctx.session)
    peserta = require_object("peserta", peserta)
    ulang = require_object("asesor_ulang", asesor_ulang)
    username = str(peserta.get("username") or "")
    hari = hari_ini(ctx)
    mulai = as_date(ulang.get("tanggal_mulai")) or hari
    selesai = as_date(ulang.get("tanggal_selesai")) or mulai + timedelta(days=int(lama_hari))
    m.load_peserta([username])
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "tanggal": hari.isoformat(),
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "asesor": snapshot.asesor(m, ulang.get("asesor")),
        "asesor_semula": snapshot.asesor(m, peserta.get("asesor")) if peserta.get("asesor") else None,
        "peran": "Asesor Kompetensi (asesmen ulang)",
        "peserta": snapshot.peserta(m, peserta),
        "skema": snapshot.skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul")),
        "tuk": snapshot.tuk(m, peserta.get("tuk_kode")) if peserta.get("tuk_kode") else None,
        "sk_banding": dokumen_peserta(ctx, "sk_banding", [username]).get(username),
        "tanggal_mulai": mulai.isoformat(),
        "tanggal_selesai": selesai.isoformat(),
        # The hours on the first day (forms/asesor_ulang.json); FR.AK.01 of the re-assessment prints them as agreed.
        "pukul_mulai": jam_teks(p) if (p := jam(ulang.get("pukul_mulai"))) else None,
        "pukul_selesai": jam_teks(q) if (q := jam(ulang.get("pukul_selesai"))) else None,
        "catatan": ulang.get("catatan") or "",
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["surat_tugas_asesor_ulang"],
        f"Surat tugas asesor asesmen ulang {data['asesor']['nama']} ({data['peserta']['nama'] or username})",
        data,
        key=username,
        candidate=None,
    )


@operator("terbitkan_permohonan_blangko", issuing=SERTIFIKASI)
def terbitkan_permohonan_blangko(
    ctx: ServiceContext,
    periode: str,
    hasil: list[dict[str, Any]],
    pleno: dict[str, Any] | None = None,
    kompeten: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Surat permohonan blangko: the K candidates as BNSP's list wants them (nama, NIK, lahir, skema)."""
    m = MasterData(ctx.session)
    hasil = require_objects("hasil", hasil)
    # Only the candidates recorded K (approved SK, upheld appeals): the workflow data narrows, never widens.
    daftar = sempitkan(daftar_kompeten(kompeten, pleno, hasil), kompeten_tercatat(ctx))
    m.load_peserta([d.get("username") for d in daftar] + [h.get("username") for h in hasil])
    m.load_asesor(h.get("asesor") for h in hasil)
    kompeten_user = {d.get("username") for d in daftar}
    # BK is what the pleno decided (and an appeal did not overturn): a candidate whose decision was
    # postponed (ditunda) is neither K nor BK and is not reported to BNSP.
    diputuskan_bk = set(diputuskan(pleno, "BK"))
    rows = []
    for i, d in enumerate(daftar, start=1):
        skema = snapshot.skema(m, d.get("skema_nomor"), d.get("skema_judul"))
        rows.append({"no": i, **snapshot.peserta(m, d), "skema_nomor": skema["nomor"], "skema_judul": skema["judul"]})
    # The attachment lists every assessed candidate, K and BK, per skema (BNSP's list wants both).
    asesi: list[dict[str, Any]] = []
    for h in sorted(hasil, key=lambda h: (str(h.get("skema_nomor")), str(h.get("username")))):
        if h.get("username") in kompeten_user:
            hasil_akhir = "K"
        elif h.get("username") in diputuskan_bk:
            hasil_akhir = "BK"
        else:
            continue
        skema = snapshot.skema(m, h.get("skema_nomor"), h.get("skema_judul"))
        asesor = snapshot.asesor(m, h.get("asesor"))
        asesi.append(
            {
                "no": len(asesi) + 1,
                **snapshot.peserta(m, h),
                "skema_nomor": skema["nomor"],
                "skema_judul": skema["judul"],
                "tuk_kode": h.get("tuk_kode"),
                # BNSP's list names the day of the test and the asesor (No. Reg. MET) who assessed
                "tanggal_uji": h.get("tanggal"),
                "asesor_nama": asesor["nama"],
                "asesor_met": asesor["no_reg_met"],
                "hasil": hasil_akhir,
            }
        )
    per_skema: dict[Any, dict[str, Any]] = {}
    for h in hasil:
        nomor = h.get("skema_nomor")
        row = per_skema.setdefault(nomor, {"skema": snapshot.skema(m, nomor, h.get("skema_judul")), "k": 0, "bk": 0})
        if h.get("username") in kompeten_user:
            row["k"] += 1
        elif h.get("username") in diputuskan_bk:
            row["bk"] += 1
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "kepada": "Badan Nasional Sertifikasi Profesi (BNSP)",
        "daftar_kompeten": rows,
        "rekap_skema": list(per_skema.values()),
        "jumlah_blangko": len(rows),
        "lampiran": "1 (satu) berkas daftar asesi (.xlsx)",
    }
    surat = terbitkan_dokumen(
        ctx, JENIS_DOKUMEN["permohonan_blangko"], f"Surat permohonan blangko sertifikat {periode}", data
    )
    # The candidate list in a spreadsheet, as BNSP's portal takes it: its own document carrying the letter's number.
    terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["permohonan_blangko_lampiran"],
        f"Lampiran surat permohonan blangko: daftar asesi {periode}",
        {
            "periode": periode,
            "lsp": data["lsp"],
            "tanggal": data["tanggal"],
            "nomor_surat": surat["nomor"],
            "asesi": asesi,
        },
        key="lampiran",
        number=surat["nomor"],
    )
    return surat
