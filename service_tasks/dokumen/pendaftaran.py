"""Documents of SOP step 3 (registration and assignment): the candidate's FR.APL.01 and FR.APL.02 as decided, the
letters telling a candidate their registration is refused or their pra-asesmen cannot be continued, candidate cards
and the letters of assignment of asesor and TUK verifikator."""

from collections import defaultdict
from typing import Any

from api.store.enums import Role
from api.store.models import Event
from service_tasks import operator, pas_foto, snapshot
from service_tasks.context import ServiceContext, ServiceTaskError
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import as_date, hari_ini
from service_tasks.guards import objects, require_object, require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan_tercatat import terakhir
from service_tasks.nomor_surat import terbitkan_dokumen
from service_tasks.periode import pengajuan_apl
from service_tasks.sesi_jadwal import sesi_menurut_nomor

STATUS_BUKTI = {"ada_tidak_memenuhi": "Ada tetapi tidak memenuhi syarat", "tidak_ada": "Tidak ada"}


KABID_ADMINISTRASI = "Kepala Bidang Administrasi"


def _tanggal(event: Event | None, ctx: ServiceContext) -> str:
    """The day (WIB) a recorded submission was made; today for one not found in the history."""
    when = as_date(event.at) if event is not None else None
    return (when or hari_ini(ctx)).isoformat()


def _penanda(m: MasterData, ctx: ServiceContext, event: Event | None, jabatan: str) -> dict[str, Any]:
    """Who signs as `jabatan` for a recorded submission: the person who submitted it (a substitute "a.n." the
    absent official, as the history names them); the actor of this step when the history has none."""
    actor = event.actor if event is not None and event.actor else ctx.actor
    if event is not None and event.atas_nama:
        return {"jabatan": snapshot.jabatan_pengguna(ctx, actor), **snapshot.orang(m, actor), "atas_nama": jabatan}
    return {"jabatan": jabatan, **snapshot.orang(m, actor)}


@operator("terbitkan_fr_apl_01")
def terbitkan_fr_apl_01(
    ctx: ServiceContext,
    pendaftar: dict[str, Any],
    apl01: dict[str, Any],
    pemeriksaan: dict[str, Any],
    periode: str | None = None,
) -> dict[str, Any]:
    """FR.APL.01 as Kabid Administrasi decided it: the candidate's personal data (master data) with the education
    and work they entered, the skema with its units, each piece of evidence with the status it was checked with,
    the candidate's declaration that the data is true, and the LSP's recommendation (diterima / tidak diterima, the
    reason) signed by whoever checked it; dated the days the candidate submitted it and Kabid Administrasi decided.
    Refused for a berkas returned for revision (nothing is decided yet). The candidate reads it."""
    pendaftar = require_object("pendaftar", pendaftar)
    apl01 = require_object("apl01", apl01)
    pemeriksaan = require_object("pemeriksaan", pemeriksaan)
    keputusan = pemeriksaan.get("keputusan")
    if keputusan not in ("diterima", "ditolak"):
        raise ServiceTaskError("pemeriksaan.keputusan: the registration is not decided; no FR.APL.01 to issue")
    m = MasterData(ctx.session)
    username = str(pendaftar.get("username"))
    m.load_peserta([username])
    diajukan = terakhir(ctx.session, ctx.instance_id, Role.PESERTA, "apl01")
    diperiksa = terakhir(ctx.session, ctx.instance_id, Role.KABID_ADMINISTRASI, "pemeriksaan")
    diperiksa_event = diperiksa.event if diperiksa is not None else None
    status = {b.get("berkas_id"): b for b in objects(pemeriksaan.get("bukti"))}
    bukti = []
    for b in objects(apl01.get("bukti")):
        hasil = status.get(b.get("berkas_id")) or {}
        bukti.append(
            {
                "jenis": b.get("jenis"),
                "nama": b.get("nama"),
                "status": hasil.get("status"),
                "catatan": str(hasil.get("catatan") or "").strip(),
            }
        )
    foto = pas_foto.foto_peserta(ctx.session, ctx.root_id, [username]).get(username)
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "periode": periode,
        "peserta": {**snapshot.peserta(m, {"username": username}), "foto": foto},
        "pendidikan": apl01.get("pendidikan"),
        "pekerjaan": apl01.get("pekerjaan") if isinstance(apl01.get("pekerjaan"), dict) else None,
        "skema": snapshot.skema(m, pendaftar.get("skema_nomor"), pendaftar.get("skema_judul"), unit=True),
        "tujuan_asesmen": apl01.get("tujuan_asesmen"),
        "bukti": bukti,
        # The applicant's declaration (forms/apl01_apl02.json `pernyataan`), printed over their name and the day they
        # submitted; a submission made before the form asked for it has none.
        "pernyataan": apl01.get("pernyataan") is True,
        "tanggal_pengajuan": _tanggal(diajukan.event if diajukan is not None else None, ctx),
        "keputusan": keputusan,
        "alasan": str(pemeriksaan.get("alasan") or "").strip(),
        "pemeriksa": _penanda(m, ctx, diperiksa_event, KABID_ADMINISTRASI),
        "tanggal_pemeriksaan": _tanggal(diperiksa_event, ctx),
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["permohonan_sertifikasi"],
        f"FR.APL.01 permohonan sertifikasi kompetensi {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


@operator("terbitkan_fr_apl_02")
def terbitkan_fr_apl_02(
    ctx: ServiceContext,
    peserta: dict[str, Any],
    pra_asesmen: dict[str, Any],
    periode: str | None = None,
) -> dict[str, Any]:
    """FR.APL.02 as the asesor reviewed it: per unit of the skema, per element its KUK, the candidate's answer
    (K/BK) and the evidence they named, dated the day they submitted it; then the asesor's recommendation (asesmen
    dapat / tidak dapat dilanjutkan), note, name, No. Reg. MET and the day of the review. The candidate and that
    asesor read it."""
    peserta = require_object("peserta", peserta)
    pra_asesmen = require_object("pra_asesmen", pra_asesmen)
    if pra_asesmen.get("rekomendasi") not in ("lanjut", "tidak_lanjut"):
        raise ServiceTaskError("pra_asesmen.rekomendasi: the asesor has not recommended; no FR.APL.02 to issue")
    username = str(peserta.get("username"))
    diajukan = pengajuan_apl(ctx, username)
    ditinjau = terakhir(ctx.session, ctx.instance_id, Role.ASESOR, "pra_asesmen")
    ditinjau_event = ditinjau.event if ditinjau is not None else None
    asesor = ditinjau_event.actor if ditinjau_event is not None and ditinjau_event.actor else peserta.get("asesor")
    m = MasterData(ctx.session)
    m.load_peserta([username])
    m.load_asesor([asesor])
    skema = snapshot.skema(m, peserta.get("skema_nomor"), peserta.get("skema_judul"), unit=True)
    master = m.skema(peserta.get("skema_nomor"))
    elemen = {u.get("kode"): u.get("elemen") or [] for u in (master.unit if master is not None else [])}
    jawaban = {j.get("unit_kode"): j for j in objects(diajukan.data.get("apl02"))}
    unit = []
    for u in skema.get("unit") or [{"kode": k} for k in jawaban]:
        j = jawaban.get(u.get("kode")) or {}
        per_elemen = {a.get("elemen"): a for a in objects(j.get("elemen"))}
        baris = []
        for e in objects(elemen.get(u.get("kode"))):
            a = per_elemen.get(e.get("judul")) or {}
            baris.append(
                {
                    "judul": e.get("judul"),
                    "kuk": [str(k) for k in e.get("kuk") or []],
                    "kompeten": a.get("kompeten") if isinstance(a.get("kompeten"), bool) else None,
                    "bukti": str(a.get("bukti") or "").strip(),
                }
            )
        unit.append(
            {
                **u,
                "elemen": baris,
                # Answered per unit (a submission made before the form asked per element): that answer, else None.
                "kompeten": j.get("kompeten") if isinstance(j.get("kompeten"), bool) else None,
                "bukti": str(j.get("bukti") or "").strip(),
            }
        )
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "periode": periode,
        "peserta": snapshot.peserta(m, {"username": username}),
        "skema": {k: v for k, v in skema.items() if k != "unit"},
        "unit": unit,
        "tanggal_pengajuan": _tanggal(diajukan, ctx),
        "asesor": snapshot.asesor(m, asesor),
        "rekomendasi": pra_asesmen.get("rekomendasi"),
        "catatan": str(pra_asesmen.get("catatan") or "").strip(),
        "tanggal_peninjauan": _tanggal(ditinjau_event, ctx),
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["asesmen_mandiri"],
        f"FR.APL.02 asesmen mandiri {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


@operator("terbitkan_pemberitahuan_ditolak")
def terbitkan_pemberitahuan_ditolak(
    ctx: ServiceContext, pendaftar: dict[str, Any], pemeriksaan: dict[str, Any], periode: str | None = None
) -> dict[str, Any]:
    """The letter to a candidate whose registration Kabid Administrasi refused: the skema and period they
    registered for, the reason, each piece of evidence that fell short (with its note), and that they may
    register again in a later period. Signed by the Ketua LSP; the candidate reads it."""
    m = MasterData(ctx.session)
    username = str(pendaftar.get("username"))
    m.load_peserta([username])
    bukti = [
        {"nama": b.get("nama"), "status": STATUS_BUKTI[str(b.get("status"))], "catatan": b.get("catatan") or ""}
        for b in require_objects("pemeriksaan.bukti", pemeriksaan.get("bukti") or [])
        if b.get("status") in STATUS_BUKTI
    ]
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua(m),
        "tanggal": hari_ini(ctx).isoformat(),
        "peserta": snapshot.peserta(m, {"username": username}),
        "skema": snapshot.skema(m, pendaftar.get("skema_nomor"), None),
        "periode": periode,
        "alasan": str(pemeriksaan.get("alasan") or "").strip(),
        "bukti": bukti,
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["pemberitahuan_pendaftaran"],
        f"Pemberitahuan pendaftaran ditolak {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


@operator("terbitkan_pemberitahuan_pra_asesmen")
def terbitkan_pemberitahuan_pra_asesmen(
    ctx: ServiceContext, peserta: dict[str, Any], pra_asesmen: dict[str, Any], periode: str | None = None
) -> dict[str, Any]:
    """The letter to a candidate whose pra-asesmen (the asesor's review of their FR.APL.02) found the assessment
    cannot be continued: the skema and period, the asesor (No. Reg. MET) and their reason, and what follows (no
    assessment nor kartu peserta this period; prepare, then register again). Signed by the Ketua LSP; the
    candidate reads it. Refused for a recommendation other than "tidak_lanjut"."""
    peserta = require_object("peserta", peserta)
    pra_asesmen = require_object("pra_asesmen", pra_asesmen)
    if pra_asesmen.get("rekomendasi") != "tidak_lanjut":
        raise ServiceTaskError("pra_asesmen.rekomendasi: the assessment may be continued; no notice to issue")
    m = MasterData(ctx.session)
    username = str(peserta.get("username"))
    m.load_peserta([username])
    m.load_asesor([peserta.get("asesor")])
    data: dict[str, Any] = {
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua(m),
        "tanggal": hari_ini(ctx).isoformat(),
        "peserta": snapshot.peserta(m, {"username": username}),
        "skema": snapshot.skema(m, peserta.get("skema_nomor"), None),
        "asesor": snapshot.asesor(m, peserta.get("asesor")) if peserta.get("asesor") else None,
        "periode": periode,
        "alasan": str(pra_asesmen.get("catatan") or "").strip(),
    }
    return terbitkan_dokumen(
        ctx,
        JENIS_DOKUMEN["pemberitahuan_pra_asesmen"],
        f"Pemberitahuan hasil pra-asesmen {data['peserta']['nama'] or username}",
        data,
        key=username,
        candidate=username,
    )


@operator("terbitkan_kartu_peserta")
def terbitkan_kartu_peserta(
    ctx: ServiceContext,
    peserta: list[dict[str, Any]],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    m = MasterData(ctx.session)
    daftar = require_objects("peserta", peserta)
    m.load_peserta(p.get("username") for p in daftar)
    m.load_asesor(p.get("asesor") for p in daftar)
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    sesi = sesi_menurut_nomor(jadwal or {})
    lsp = snapshot.lsp(m)
    foto = pas_foto.foto_peserta(ctx.session, ctx.root_id, [str(p.get("username")) for p in daftar])
    kartu = []
    for p in daftar:
        sesi_peserta = sesi.get(p["sesi"]) if isinstance(p.get("sesi"), int) else None
        data: dict[str, Any] = {
            "lsp": lsp,
            "peserta": {**snapshot.peserta(m, p), "foto": foto.get(str(p.get("username")))},
            "skema": snapshot.skema(m, p.get("skema_nomor"), p.get("skema_judul")),
            "tuk": snapshot.tuk(m, p.get("tuk_kode"), tuk_by_kode.get(p.get("tuk_kode"))),
            "jadwal": {k: jadwal.get(k) for k in ("asesmen_mulai", "asesmen_selesai")} if jadwal else {},
            # The candidate's own session (day and time); a period planned without sessions has the window only.
            "sesi": sesi_peserta.dokumen() if sesi_peserta is not None else None,
            "asesor": snapshot.asesor(m, p.get("asesor")) if p.get("asesor") else None,
        }
        kartu.append(
            terbitkan_dokumen(
                ctx,
                JENIS_DOKUMEN["kartu_peserta"],
                f"Kartu peserta uji kompetensi {data['peserta']['nama'] or p['username']}",
                data,
                key=p["username"],
                candidate=p["username"],
            )
        )
    return {"jumlah": len(kartu), "dokumen": kartu}


# The asesor's report (FR.AK.05) their surat tugas demands: (process id, user task id) in processes/.
TUGAS_LAPORAN = ("laporan_asesmen", "menyusun_laporan_asesmen")


@operator("terbitkan_surat_tugas_asesor")
def terbitkan_surat_tugas_asesor(
    ctx: ServiceContext,
    peserta: list[dict[str, Any]],
    jadwal: dict[str, Any],
    tuk: list[dict[str, Any]] | None = None,
    peserta_lengkap: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One letter per asesor in `peserta`, listing their candidates.

    On a re-issue (candidates moved to another TUK) `peserta` holds only the moved candidates; pass the
    whole `peserta_asesmen` as `peserta_lengkap` so each new letter lists all of that asesor's candidates.
    """
    m = MasterData(ctx.session)
    daftar = require_objects("peserta", peserta)
    asesor_list = sorted({p["asesor"] for p in daftar if p.get("asesor")})
    sumber = require_objects("peserta_lengkap", peserta_lengkap) if peserta_lengkap is not None else daftar
    per_asesor: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for p in sumber:
        if p.get("asesor") in asesor_list:
            per_asesor[p["asesor"]].append(p)
    m.load_asesor(asesor_list)
    m.load_peserta(p.get("username") for p in sumber)
    tuk_by_kode = {t.get("kode"): t for t in require_objects("tuk", tuk or [])}
    sesi = sesi_menurut_nomor(jadwal or {})
    lsp = snapshot.lsp(m)
    # The letter demands the asesor's FR.AK.05 within the report task's own time standard, as deployed.
    batas_laporan = ctx.standar_tugas(*TUGAS_LAPORAN)
    surat = []
    for asesor in asesor_list:
        calon = per_asesor[asesor]
        # Where and when the asesor works: one row per session and TUK, in session order.
        tugas: dict[tuple[int, str], int] = {}
        for p in calon:
            if isinstance(p.get("sesi"), int) and p["sesi"] in sesi:
                key = (p["sesi"], str(p.get("tuk_kode")))
                tugas[key] = tugas.get(key, 0) + 1
        jadwal_tugas = [{**sesi[s].dokumen(), "tuk_kode": k, "jumlah": n} for (s, k), n in sorted(tugas.items())]
        baris = [
            {
                "username": p["username"],
                "nama": snapshot.peserta(m, p)["nama"],
                "nim": snapshot.peserta(m, p)["nim"],
                "prodi": snapshot.peserta(m, p)["prodi"],
                "skema_nomor": p.get("skema_nomor"),
                "skema_judul": snapshot.skema(m, p.get("skema_nomor"), p.get("skema_judul"))["judul"],
                "tuk_kode": p.get("tuk_kode"),
                "sesi": p.get("sesi"),
            }
            for p in calon
        ]
        skema = [snapshot.skema(m, n) for n in dict.fromkeys(p.get("skema_nomor") for p in calon)]
        tuk_rows = [snapshot.tuk(m, k, tuk_by_kode.get(k)) for k in dict.fromkeys(p.get("tuk_kode") for p in calon)]
        data: dict[str, Any] = {
            "lsp": lsp,
            "tanggal": hari_ini(ctx).isoformat(),
            "penandatangan": snapshot.ketua_menandatangani(m, ctx),
            "asesor": snapshot.asesor(m, asesor),
            "peran": "Asesor Kompetensi",
            "skema": skema,
            "tuk": tuk_rows,
            "jadwal": jadwal,
            "jadwal_tugas": jadwal_tugas,
            "peserta": baris,
            "jumlah_peserta": len(baris),
            "batas_laporan": batas_laporan,
        }
        surat.append(
            terbitkan_dokumen(
                ctx,
                JENIS_DOKUMEN["surat_tugas_asesor"],
                f"Surat tugas asesor kompetensi {data['asesor']['nama']}",
                data,
                key=asesor,
            )
        )
    return {"jumlah": len(surat), "dokumen": surat}


@operator("terbitkan_surat_tugas_verifikasi_tuk")
def terbitkan_surat_tugas_verifikasi_tuk(
    ctx: ServiceContext,
    tuk: list[dict[str, Any]],
    jadwal: dict[str, Any],
    peserta: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """One letter per TUK to verify (`tuk_verifikasi` rows: kode, nama, jenis, alamat, verifikator)."""
    m = MasterData(ctx.session)
    daftar = require_objects("tuk", tuk)
    calon = require_objects("peserta", peserta or [])
    m.load_asesor(t.get("verifikator") for t in daftar)
    lsp = snapshot.lsp(m)
    surat = []
    for t in daftar:
        di_tuk = [p for p in calon if p.get("tuk_kode") == t["kode"]]
        data: dict[str, Any] = {
            "lsp": lsp,
            "tanggal": hari_ini(ctx).isoformat(),
            "penandatangan": snapshot.ketua_menandatangani(m, ctx),
            "verifikator": snapshot.asesor(m, t.get("verifikator")),
            "peran": "Verifikator TUK",
            "tuk": snapshot.tuk(m, t["kode"], t),
            "jadwal": jadwal,
            "skema": [snapshot.skema(m, n) for n in dict.fromkeys(p.get("skema_nomor") for p in di_tuk)],
            "jumlah_peserta": len(di_tuk) if peserta is not None else None,
        }
        surat.append(
            terbitkan_dokumen(
                ctx,
                JENIS_DOKUMEN["surat_tugas_verifikasi_tuk"],
                f"Surat tugas verifikasi TUK {data['tuk'].get('nama') or t['kode']}",
                data,
                key=t["kode"],
            )
        )
    return {"jumlah": len(surat), "dokumen": surat}
