"""The document of SOP step 7: the Laporan of the period."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from api.store.enums import EventType, Role, SertifikatStatus
from api.store.master import Sertifikat
from api.store.models import Dokumen, Event, HumanTask, ProcessInstance
from service_tasks import operator, snapshot
from service_tasks.context import ServiceContext
from service_tasks.data_induk import MasterData
from service_tasks.format_indonesia import hari_ini
from service_tasks.guards import objects, require_objects
from service_tasks.jenis_dokumen import JENIS_DOKUMEN
from service_tasks.keputusan import (
    rekap,
    rekomendasi,
    tidak_dinilai,
    total_rab,
    unit_kompeten,
)
from service_tasks.keputusan_tercatat import KeputusanTercatat, asesor_hasil, keputusan_akhir, sk_penetapan_berlaku
from service_tasks.nomor_surat import terbitkan_dokumen
from service_tasks.peserta_dibawa import ALASAN_TANPA_KEPUTUSAN, dibawa_dari


def keputusan_periode(session: Session, root_id: int) -> dict[str, str]:
    """Each candidate's final decision in the period (K, BK or ditunda), as the records hold it: the pleno's as
    the approved SK Penetapan states it, then an upheld appeal's (keputusan_tercatat), never the asesor's
    recommendation. (The Laporan and the Ketua's dashboard count these.)"""
    return {u: k.keputusan for u, k in keputusan_tercatat_periode(session, root_id).items()}


def keputusan_tercatat_periode(session: Session, root_id: int) -> dict[str, KeputusanTercatat]:
    """:func:`keputusan_periode` with each decision's record (its skema, source, document)."""
    penerbitan = session.scalars(
        select(ProcessInstance.id)
        .where(ProcessInstance.root_id == root_id, ProcessInstance.key == "penerbitan_sertifikat")
        .order_by(ProcessInstance.id)
    ).all()
    akhir: dict[str, KeputusanTercatat] = {}
    for instance_id in penerbitan:
        akhir.update(keputusan_akhir(session, instance_id))
    return akhir


def _ditunda(session: Session, root_id: int, m: MasterData, tercatat: dict[str, KeputusanTercatat]) -> dict[str, Any]:
    """What became of the candidates the pleno postponed: K and BK by the follow-up pleno; the others, carried to a
    later batch as the process recorded them (`peserta_dibawa`: what a later period proposes), by name with the skema
    and the reason; a candidate still ditunda without that record (a process version before it), with the reason
    the record would give."""
    lanjutan = [k for k in tercatat.values() if k.sumber == "pleno_lanjutan" and k.keputusan in ("K", "BK")]
    dicatat = {d.username: (d.skema_nomor, d.alasan) for d in dibawa_dari(session, root_id)}
    for k in tercatat.values():
        if k.keputusan == "ditunda" and k.username not in dicatat and k.skema_nomor:
            dicatat[k.username] = (k.skema_nomor, k.alasan or ALASAN_TANPA_KEPUTUSAN)
    m.load_peserta(dicatat)
    judul_di_sk = {u: k.skema_judul for u, k in tercatat.items()}
    return {
        "k": sum(1 for k in lanjutan if k.keputusan == "K"),
        "bk": sum(1 for k in lanjutan if k.keputusan == "BK"),
        "dibawa": [
            {
                "username": username,
                "nama": snapshot.peserta(m, {"username": username})["nama"],
                "skema_judul": judul_di_sk.get(username) or snapshot.skema(m, skema_nomor)["judul"],
                "alasan": alasan,
            }
            for username, (skema_nomor, alasan) in sorted(dicatat.items())
        ],
    }


def _asesmen_ulang(
    session: Session, m: MasterData, hasil: list[dict[str, Any]], tercatat: dict[str, KeputusanTercatat]
) -> list[dict[str, Any]]:
    """The candidates counted under another asesor than the one who first assessed them (an upheld appeal
    re-assessed), by name: the skema, both asesor, the SK Banding and the SK Penetapan in force (the amendment
    naming the re-assessing asesor), for the note under the table per asesor."""
    rows = []
    for h in hasil:
        k = tercatat.get(str(h.get("username")))
        if k is None or not k.asesor_ulang or k.asesor_ulang == h.get("asesor"):
            continue
        sk_banding = session.get(Dokumen, k.dokumen_id)
        banding = session.get(ProcessInstance, sk_banding.instance_id) if sk_banding is not None else None
        penetapan = sk_penetapan_berlaku(session, banding.parent_id) if banding and banding.parent_id else None
        rows.append(
            {
                "username": k.username,
                "nama": snapshot.peserta(m, {"username": k.username})["nama"],
                "skema_judul": k.skema_judul,
                "asesor_awal": snapshot.asesor(m, h.get("asesor")).get("nama") or h.get("asesor"),
                "asesor_ulang": snapshot.asesor(m, k.asesor_ulang).get("nama") or k.asesor_ulang,
                "sk_banding": sk_banding.number if sk_banding is not None else None,
                "sk_penetapan": penetapan.number if penetapan is not None else None,
            }
        )
    return sorted(rows, key=lambda r: str(r["nama"]))


# Where the period's own history says how registration, pre-assessment and FR.AK.03 went: (the child
# process, the role that submits, the form's top-level object).
PENDAFTARAN = ("pendaftaran_uji_kompetensi", Role.KABID_ADMINISTRASI, "pemeriksaan")
PRA_ASESMEN = ("pra_asesmen", Role.ASESOR, "pra_asesmen")
UMPAN_BALIK = ("pelaksanaan_uji_kompetensi", Role.PESERTA, "ak03")
# The re-assessment after an upheld appeal (banding_asesmen.bpmn): its FR.AK.02 and its FR.AK.03.
PENILAIAN_ULANG = ("banding_asesmen", Role.ASESOR, "penilaian")
UMPAN_BALIK_ULANG = ("banding_asesmen", Role.PESERTA, "ak03")
# A skema's registrations and pre-assessments before any is counted.
PENDAFTARAN_NOL = dict.fromkeys(
    ("pendaftar", "diterima", "ditolak", "tidak_dilengkapi", "tidak_diperiksa", "tidak_lanjut"), 0
)
KOMENTAR_DIKUTIP = 5  # the FR.AK.03 comments the Laporan quotes (the most given first)
PANJANG_KUTIPAN = 200


def _komentar_sama(komentar: Iterable[str]) -> list[tuple[str, int]]:
    """Each comment given (empty ones left out) with how many forms gave it, the same comment in any case once
    (as first written), the most given first, then in the order given."""
    jumlah: dict[str, list[Any]] = {}
    for k in komentar:
        if k:
            jumlah.setdefault(k.casefold(), [k, 0])[1] += 1
    return sorted(((t, n) for t, n in jumlah.values()), key=lambda x: -x[1])


def jalannya_proses(session: Session, root_id: int) -> dict[str, Any]:
    """From the history of the period's children, each instance's last submission counting: the registrations
    (pendaftar, diterima, ditolak, tidak dilengkapi: returned and never sent back complete, tidak diperiksa:
    never sent or never checked before registration closed), the
    pre-assessments (lanjut, tidak lanjut), the re-assessments' recommendations (K, BK: one per FR.AK.02 a
    re-assessment issued) and FR.AK.03 (forms, of which after a re-assessment, candidates, "ya" per statement, the
    first comments), the step-5 FR.AK.03 and the re-assessments' alike."""
    sumber = (PENDAFTARAN, PRA_ASESMEN, UMPAN_BALIK, PENILAIAN_ULANG, UMPAN_BALIK_ULANG)
    pendaftar = session.scalar(
        select(func.count())
        .select_from(ProcessInstance)
        .where(ProcessInstance.root_id == root_id, ProcessInstance.key == PENDAFTARAN[0])
    )
    rows = session.execute(
        select(ProcessInstance.key, HumanTask.role, Event.instance_id, Event.actor, Event.data)
        .join(ProcessInstance, ProcessInstance.id == Event.instance_id)
        .join(HumanTask, HumanTask.id == Event.task_id)
        .where(
            Event.root_id == root_id,
            Event.type == EventType.TASK_COMPLETED,
            or_(*(and_(ProcessInstance.key == k, HumanTask.role == r) for k, r, _ in sumber)),
        )
        .order_by(Event.id)
    ).all()
    objek_of = {(k, r): o for k, r, o in sumber}
    # (process, object, instance) -> its last submission, and who submitted it
    terakhir: dict[tuple[str, str, int], tuple[dict[str, Any], str | None]] = {}
    for key, role, instance_id, actor, data in rows:
        objek = objek_of.get((key, role))
        isi = (data or {}).get(objek) if objek else None
        if objek and isinstance(isi, dict):
            terakhir[(key, objek, instance_id)] = (isi, actor)

    def dari(s: tuple[str, Role, str]) -> list[tuple[dict[str, Any], str | None]]:
        return [v for (k, o, _), v in terakhir.items() if (k, o) == (s[0], s[2])]

    keputusan = [d.get("keputusan") for d, _ in dari(PENDAFTARAN)]
    rekomendasi = [d.get("rekomendasi") for d, _ in dari(PRA_ASESMEN)]
    ulang = ["K" if unit_kompeten(objects(d.get("unit"))) else "BK" for d, _ in dari(PENILAIAN_ULANG)]
    umpan_balik_ulang = dari(UMPAN_BALIK_ULANG)
    umpan_balik_semua = dari(UMPAN_BALIK) + umpan_balik_ulang
    umpan_balik = [d for d, _ in umpan_balik_semua]
    butir: dict[str, int] = {}
    for d in umpan_balik:
        for nama, nilai in d.items():
            if isinstance(nilai, bool):
                butir[nama] = butir.get(nama, 0) + (1 if nilai else 0)
    komentar = _komentar_sama(" ".join(str(d.get("komentar") or "").split()) for d in umpan_balik)
    diterima, ditolak, pendaftar = keputusan.count("diterima"), keputusan.count("ditolak"), pendaftar or 0
    dikembalikan = keputusan.count("dikembalikan")  # returned, and never sent back complete
    return {
        "pendaftaran_per_skema": _per_skema(session, root_id, terakhir),
        "pendaftaran": {
            "pendaftar": pendaftar,
            "diterima": diterima,
            "ditolak": ditolak,
            "tidak_dilengkapi": dikembalikan,
            # never sent, or sent and not checked, when registration closed
            "tidak_diperiksa": pendaftar - diterima - ditolak - dikembalikan,
        },
        "pra_asesmen": {"lanjut": rekomendasi.count("lanjut"), "tidak_lanjut": rekomendasi.count("tidak_lanjut")},
        "rekomendasi_ulang": {"k": ulang.count("K"), "bk": ulang.count("BK")},
        "umpan_balik": {
            # FR.AK.03 forms (each candidate's after the assessment, and again after a re-assessment)
            "responden": len(umpan_balik),
            "asesmen_ulang": len(umpan_balik_ulang),
            "asesi": len({a for _, a in umpan_balik_semua}),
            "ya": butir,
            # The same comment once, with how many forms gave it; the most given first.
            "komentar": [{"teks": t[:PANJANG_KUTIPAN], "jumlah": n} for t, n in komentar[:KOMENTAR_DIKUTIP]],
            "komentar_lain": sum(n for _, n in komentar[KOMENTAR_DIKUTIP:]),
        },
    }


def _per_skema(
    session: Session, root_id: int, terakhir: dict[tuple[str, str, int], tuple[dict[str, Any], str | None]]
) -> dict[str, dict[str, int]]:
    """:func:`jalannya_proses`'s registrations and pre-assessments per skema (nomor): each registration or
    pre-assessment instance in the skema its tasks are about (`HumanTask.skema`)."""
    skema_of = {
        instance_id: str(skema)
        for instance_id, skema in session.execute(
            select(HumanTask.instance_id, HumanTask.skema).where(
                HumanTask.root_id == root_id,
                HumanTask.process_key.in_((PENDAFTARAN[0], PRA_ASESMEN[0])),
                HumanTask.skema.is_not(None),
            )
        )
    }
    pendaftaran = session.scalars(
        select(ProcessInstance.id).where(ProcessInstance.root_id == root_id, ProcessInstance.key == PENDAFTARAN[0])
    ).all()
    per_skema: dict[str, dict[str, int]] = defaultdict(lambda: dict(PENDAFTARAN_NOL))
    for instance_id in pendaftaran:
        row = per_skema[skema_of.get(instance_id, "-")]
        row["pendaftar"] += 1
        keputusan = terakhir.get((PENDAFTARAN[0], PENDAFTARAN[2], instance_id), ({}, None))[0].get("keputusan")
        kolom = {"diterima": "diterima", "ditolak": "ditolak", "dikembalikan": "tidak_dilengkapi"}
        row[kolom.get(str(keputusan), "tidak_diperiksa")] += 1
    for (key, _, instance_id), (isi, _) in terakhir.items():
        if key == PRA_ASESMEN[0] and isi.get("rekomendasi") == "tidak_lanjut":
            per_skema[skema_of.get(instance_id, "-")]["tidak_lanjut"] += 1
    return dict(per_skema)


def _aware(value: Any) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) and value else None


def waktu_langkah(steps: dict[str, Any] | None) -> list[dict[str, Any]]:
    """Each SOP step reached, its time against its standard, from the period's step record
    (`process_instance.steps`: name, started, due, completed), which the engine keeps with the step's name in
    the BPMN version the period runs. (The Laporan prints these; the Ketua's dashboard shows them.)"""
    rows = []
    for step in sorted(steps or {}, key=lambda n: (len(n), n)):
        s = (steps or {})[step] or {}
        # A period started before steps carried their name prints the step's number alone.
        nama = s.get("name") or f"Langkah {step}"
        mulai, batas, selesai = _aware(s.get("started_at")), _aware(s.get("due_at")), _aware(s.get("completed_at"))
        rows.append(
            {
                "langkah": step,
                "nama": nama,
                "mulai": mulai.isoformat() if mulai else None,
                "batas": batas.isoformat() if batas else None,
                "selesai": selesai.isoformat() if selesai else None,
                "standar_detik": (batas - mulai).total_seconds() if mulai and batas else None,
                "durasi_detik": (selesai - mulai).total_seconds() if mulai and selesai else None,
                "tepat_waktu": (selesai <= batas) if selesai and batas else None,
            }
        )
    return rows


def _waktu_langkah(ctx: ServiceContext) -> list[dict[str, Any]]:
    root = ctx.session.get(ProcessInstance, ctx.root_id)
    return waktu_langkah(root.steps if root is not None else None)


@operator("terbitkan_laporan")
def terbitkan_laporan(
    ctx: ServiceContext,
    periode: str,
    target: list[dict[str, Any]],
    hasil: list[dict[str, Any]],
    sertifikasi: dict[str, Any] | None,
    evaluasi: dict[str, Any],
    rab: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """Laporan: target vs realisation per skema; per TUK and asesor the final decisions K/BK/ditunda (after the
    pleno, its SK and appeals), absent and refusing FR.AK.01; the asesor's recommendations beside them;
    certificates; budget."""
    m = MasterData(ctx.session)
    hasil = require_objects("hasil", hasil)
    sertifikasi = sertifikasi if isinstance(sertifikasi, dict) else {}

    def baru() -> dict[str, int]:
        return {"peserta": 0, "k": 0, "bk": 0, "ditunda": 0, "tidak_hadir": 0, "tidak_setuju": 0}

    tercatat = keputusan_tercatat_periode(ctx.session, ctx.root_id)
    akhir = {u: k.keputusan for u, k in tercatat.items()}

    per_skema: dict[str, dict[str, Any]] = defaultdict(
        lambda: {"target": 0, **PENDAFTARAN_NOL, **baru(), "sertifikat": 0}
    )
    per_tuk: dict[str, dict[str, Any]] = defaultdict(baru)
    per_asesor: dict[str, dict[str, Any]] = defaultdict(baru)
    for t in require_objects("target", target):
        per_skema[str(t.get("skema_nomor") or t.get("skema_kode") or "-")]["target"] += int(t.get("jumlah", 0))
    for h in hasil:
        # Assessed: the final decision; no decision recorded (the pleno has not decided) counts as ditunda.
        kolom = tidak_dinilai(h) or (
            {"K": "k", "BK": "bk"}.get(akhir.get(str(h.get("username")), ""), "ditunda")
            if rekomendasi(h)
            else "tidak_hadir"
        )
        for table, key in (
            (per_skema, h.get("skema_nomor") or h.get("skema_kode")),
            (per_tuk, h.get("tuk_kode")),
            # keputusan_tercatat.asesor_hasil: the re-assessing asesor of an upheld appeal, as the dashboard counts.
            (per_asesor, asesor_hasil(tercatat.get(str(h.get("username"))), h.get("asesor"))),
        ):
            row = table[str(key or "-")]
            row["peserta"] += 1
            row[kolom] += 1
    for kode, row in per_tuk.items():
        row["nama"] = snapshot.tuk(m, kode).get("nama")
    for username, row in per_asesor.items():
        row.update({k: v for k, v in snapshot.asesor(m, username).items() if k in ("nama", "no_reg_met")})
    # Certificates issued in this period (banding upheld included), per skema: the realisation of the target.
    terbit = ctx.session.execute(
        select(Sertifikat.skema_nomor, func.count())
        # A certificate re-issued on a new blangko counts once: the replaced row is not another certificate.
        .where(Sertifikat.root_id == ctx.root_id, Sertifikat.status != SertifikatStatus.DIGANTI)
        .group_by(Sertifikat.skema_nomor)
    ).all()
    for nomor, jumlah in terbit:
        per_skema[str(nomor)]["sertifikat"] += int(jumlah)
    proses = jalannya_proses(ctx.session, ctx.root_id)
    # Registrations and pre-assessments per skema, so that the table adds up to the summary.
    for nomor, angka in proses.pop("pendaftaran_per_skema").items():
        per_skema[nomor].update(angka)
    for nomor, row in per_skema.items():
        row["judul"] = snapshot.skema(m, nomor)["judul"]
    jumlah_sertifikat = sum(int(j) for _, j in terbit)
    banding = [b for b in sertifikasi.get("banding") or sertifikasi.get("hasil_banding") or [] if isinstance(b, dict)]
    anggaran = total_rab(require_objects("rab", rab or []))
    data: dict[str, Any] = {
        "periode": periode,
        "tanggal": hari_ini(ctx).isoformat(),
        "lsp": snapshot.lsp(m),
        "penandatangan": snapshot.ketua_menandatangani(m, ctx),
        "target": snapshot.target(m, target),
        "langkah": _waktu_langkah(ctx),
        "per_skema": dict(per_skema),
        "per_tuk": dict(per_tuk),
        "per_asesor": dict(per_asesor),
        "asesmen_ulang": _asesmen_ulang(ctx.session, m, hasil, tercatat),
        **rekap(hasil),
        # The rekap's K/BK are the asesor's recommendations; the report's results are the final decisions.
        "rekomendasi_k": rekap(hasil)["jumlah_k"],
        "rekomendasi_bk": rekap(hasil)["jumlah_bk"],
        "jumlah_k": sum(r["k"] for r in per_skema.values()),
        "jumlah_bk": sum(r["bk"] for r in per_skema.values()),
        "jumlah_ditunda": sum(r["ditunda"] for r in per_skema.values()),
        "jumlah_sertifikat": jumlah_sertifikat,
        "banding": {
            "diajukan": sum(1 for b in banding if b.get("status") in ("ditolak", "diterima")),
            "diterima": sum(1 for b in banding if b.get("status") == "diterima"),
            "ditolak": sum(1 for b in banding if b.get("status") == "ditolak"),
            # Decided K by the tim banding after the re-assessment and amended into the SK Penetapan, as recorded.
            "kompeten": sum(1 for k in tercatat.values() if k.sumber == "banding"),
        },
        # The pleno's postponed decisions: decided by the follow-up pleno (amending the SK), or carried over.
        "ditunda": _ditunda(ctx.session, ctx.root_id, m, tercatat),
        **proses,
        "anggaran": anggaran if rab is not None else None,
        "realisasi_anggaran": evaluasi.get("realisasi_anggaran") if isinstance(evaluasi, dict) else None,
        "evaluasi": evaluasi,
    }
    return terbitkan_dokumen(
        ctx, JENIS_DOKUMEN["laporan"], f"Laporan uji kompetensi dan sertifikasi kompetensi {periode}", data
    )
