"""Status saya: where a candidate stands in each period, what to do now and by when, their documents.

Everything shown is read from `api.services.status.status_saya` (the same body as GET /api/me/status); the
tracker (`tahapan`) only names what that says: which of the candidate's child processes ran and how they
ended, the recorded results, the open tasks and the documents issued. Nothing here keeps a status by hand.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.routes.deps import Db, Now
from api.schemas.status import DokumenSaya, Menunggu, PeriodeSaya, ProsesSaya, TugasSaya
from api.services import status
from api.store.enums import Role
from api.ui.sesi import PageUser
from api.ui.templating import ROLE_LABELS, env, landing, page
from service_tasks.format_indonesia import as_date

router = APIRouter(include_in_schema=False)

Keadaan = Literal["selesai", "sekarang", "belum", "berhenti"]

PENDAFTARAN, PRA_ASESMEN, PELAKSANAAN, BANDING = (
    "pendaftaran_uji_kompetensi",
    "pra_asesmen",
    "pelaksanaan_uji_kompetensi",
    "banding_asesmen",
)
KEPUTUSAN = {"K": "Kompeten", "BK": "Belum kompeten", "ditunda": "Ditunda"}
PENDAFTARAN_KEPUTUSAN = {"diterima": "Diterima", "dikembalikan": "Dikembalikan untuk direvisi", "ditolak": "Ditolak"}


@dataclass
class Tahap:
    """One stage of the candidate's tracker."""

    nama: str
    keadaan: Keadaan = "belum"
    keterangan: str = ""


@dataclass
class Sekarang:
    """The one 'Yang perlu Anda lakukan sekarang' card: the first task to do, else what the candidate waits for."""

    tugas: TugasSaya | None
    batas: datetime | None
    lainnya: list[TugasSaya] = field(default_factory=list)
    menunggu: list[str] = field(default_factory=list)
    catatan: str = ""


def _proses(p: PeriodeSaya, key: str) -> ProsesSaya | None:
    """The candidate's latest child instance of process `key`."""
    found = [x for x in p.proses if x.key == key]
    return found[-1] if found else None


def _running(x: ProsesSaya | None) -> bool:
    return x is not None and x.status == "running"


def _done(x: ProsesSaya | None) -> bool:
    return x is not None and x.status == "completed"


def _has_doc(p: PeriodeSaya, kind: str) -> bool:
    return any(d.kind == kind for d in p.dokumen)


def tahapan(p: PeriodeSaya) -> list[Tahap]:
    """The tracker: Pendaftaran -> Pemeriksaan berkas -> Pra-asesmen -> Kartu & jadwal -> Asesmen -> Umpan balik
    -> Pleno -> (Banding, when decided BK or appealed) -> Sertifikat. Each stage is finished, current, stopped
    (the candidate's path ended there) or not yet reached, read from the status alone."""
    h = p.hasil
    daftar, pra, laksana, banding = (_proses(p, k) for k in (PENDAFTARAN, PRA_ASESMEN, PELAKSANAAN, BANDING))
    t = {
        n: Tahap(n)
        for n in (
            "Pendaftaran",
            "Pemeriksaan berkas",
            "Pra-asesmen",
            "Kartu & jadwal",
            "Asesmen",
            "Umpan balik",
            "Pleno",
            "Banding",
            "Sertifikat",
        )
    }
    keputusan = h.pendaftaran.keputusan if h.pendaftaran else None

    # Registration: the candidate's own FR.APL task, then Kabid Administrasi's check.
    if _running(daftar) and p.harus and keputusan == "dikembalikan":
        t["Pemeriksaan berkas"].keterangan = "Diperiksa lagi setelah Anda mengirim revisi"
    if _running(daftar) and p.harus:
        t["Pendaftaran"] = Tahap(
            "Pendaftaran",
            "sekarang",
            "Berkas dikembalikan: perbaiki dan kirim lagi"
            if keputusan == "dikembalikan"
            else "Isi FR.APL.01 dan FR.APL.02",
        )
    elif _running(daftar):
        t["Pendaftaran"].keadaan = "selesai"
        t["Pemeriksaan berkas"] = Tahap("Pemeriksaan berkas", "sekarang", "Berkas Anda sedang diperiksa")
    elif _done(daftar) and keputusan in ("diterima", "ditolak"):
        t["Pendaftaran"].keadaan = "selesai"
        if keputusan == "diterima":
            t["Pemeriksaan berkas"] = Tahap("Pemeriksaan berkas", "selesai", "Diterima")
        else:
            t["Pemeriksaan berkas"] = Tahap("Pemeriksaan berkas", "berhenti", "Pendaftaran ditolak")
    elif _done(daftar):
        t["Pendaftaran"] = Tahap("Pendaftaran", "berhenti", "Pendaftaran ditutup sebelum berkas diajukan")
    if keputusan != "diterima" or not _done(daftar):
        return _tanpa_banding(t)

    # Pra-asesmen: the asesor reviews FR.APL.02 (after the asesor is assigned).
    if h.pra_asesmen and h.pra_asesmen.rekomendasi == "lanjut":
        t["Pra-asesmen"] = Tahap("Pra-asesmen", "selesai", "Asesmen dapat dilanjutkan")
    elif h.pra_asesmen:
        t["Pra-asesmen"] = Tahap("Pra-asesmen", "berhenti", "Asesmen tidak dapat dilanjutkan")
        return _tanpa_banding(t)
    else:
        ket = "Asesor meninjau asesmen mandiri Anda" if _running(pra) else "Menunggu penugasan asesor"
        t["Pra-asesmen"] = Tahap("Pra-asesmen", "sekarang", ket)
        return _tanpa_banding(t)

    # The card (with the schedule, TUK and asesor), then the assessment day.
    if not (_has_doc(p, "kartu_peserta") or p.jadwal):
        t["Kartu & jadwal"] = Tahap("Kartu & jadwal", "sekarang", "Kartu peserta sedang disiapkan")
        return _tanpa_banding(t)
    t["Kartu & jadwal"] = Tahap("Kartu & jadwal", "selesai", "Kartu peserta terbit")
    if h.kehadiran and not h.kehadiran.hadir:
        t["Asesmen"] = Tahap("Asesmen", "berhenti", "Tercatat tidak hadir")
        return _tanpa_banding(t)
    if h.persetujuan and not h.persetujuan.setuju:
        t["Asesmen"] = Tahap("Asesmen", "berhenti", "Anda tidak menyetujui asesmen (FR.AK.01)")
        return _tanpa_banding(t)
    if not (_has_doc(p, "rekaman_asesmen") or _done(laksana)):
        if h.persetujuan:
            ket = "Asesor menilai unit kompetensi (FR.AK.02)"
        elif h.kehadiran:
            ket = "Setujui asesmen (FR.AK.01)"
        else:
            ket = "Hadir di TUK sesuai jadwal"
        t["Asesmen"] = Tahap("Asesmen", "sekarang", ket)
        return _tanpa_banding(t)
    t["Asesmen"] = Tahap("Asesmen", "selesai", "Rekaman asesmen (FR.AK.02) terbit")
    if not _done(laksana):
        t["Umpan balik"] = Tahap("Umpan balik", "sekarang", "Beri umpan balik asesmen (FR.AK.03)")
        return _tanpa_banding(t)
    t["Umpan balik"].keadaan = "selesai"

    # Pleno, a possible appeal, and the certificate.
    if h.keputusan is not None and h.keputusan.dibawa:
        alasan = f" ({h.keputusan.alasan})" if h.keputusan.alasan else ""
        t["Pleno"] = Tahap(
            "Pleno", "berhenti", f"Keputusan ditunda: dibawa ke periode uji kompetensi berikutnya{alasan}"
        )
        return _tanpa_banding(t)
    if h.keputusan is None or h.keputusan.keputusan == "ditunda":
        ket = (
            "Keputusan ditunda: bukti tambahan dikumpulkan untuk rapat pleno lanjutan"
            if h.keputusan
            else "Menunggu keputusan rapat pleno"
        )
        t["Pleno"] = Tahap("Pleno", "sekarang", ket)
        return _tanpa_banding(t)
    pleno_bk = h.keputusan.keputusan == "BK" or h.keputusan.sumber == "banding"
    lanjutan = h.keputusan.sumber == "pleno_lanjutan"
    t["Pleno"] = Tahap(
        "Pleno", "selesai", "Keputusan ditetapkan rapat pleno lanjutan" if lanjutan else "Keputusan ditetapkan"
    )
    if banding is not None or pleno_bk:
        if _running(banding) and p.harus and p.batas_banding:
            t["Banding"] = Tahap("Banding", "sekarang", "Anda dapat mengajukan banding (FR.AK.04)")
        elif _running(banding) and p.harus:  # upheld: the re-assessment's FR.AK.01 or FR.AK.03 waits for them
            t["Banding"] = Tahap("Banding", "sekarang", "Banding diterima: asesmen ulang menunggu Anda")
        elif _running(banding):
            t["Banding"] = Tahap("Banding", "sekarang", "Banding Anda sedang diproses")
        elif _done(banding) and h.keputusan.sumber == "banding":
            t["Banding"] = Tahap("Banding", "selesai", "Diputuskan melalui banding")
        elif _done(banding):
            t["Banding"] = Tahap("Banding", "selesai", "Keputusan rapat pleno berlaku")
        else:
            t["Banding"] = Tahap("Banding", "belum", "")
    else:
        del t["Banding"]
    if _has_doc(p, "sertifikat"):
        t["Sertifikat"] = Tahap("Sertifikat", "selesai", "Sertifikat terbit")
    elif h.keputusan.keputusan == "K":
        t["Sertifikat"] = Tahap("Sertifikat", "sekarang", "Sertifikat sedang diproses")
    elif not _running(banding):
        t["Sertifikat"] = Tahap("Sertifikat", "berhenti", "Belum kompeten: sertifikat tidak diterbitkan")
    return list(t.values())


def _tanpa_banding(t: dict[str, Tahap]) -> list[Tahap]:
    """Before a pleno decision there is no appeal to show."""
    return [x for n, x in t.items() if n != "Banding"]


def _menunggu(m: Menunggu) -> str:
    siapa = ROLE_LABELS.get(m.peran or "", m.lane or "")
    return f"{m.nama} ({siapa})" if siapa else m.nama


def sekarang(p: PeriodeSaya) -> Sekarang:
    """The first task to do (the appeal's due date is the end of its window), else whom the candidate waits for."""
    catatan = ""
    if p.hasil.pendaftaran and p.hasil.pendaftaran.keputusan == "dikembalikan" and _running(_proses(p, PENDAFTARAN)):
        catatan = p.hasil.pendaftaran.alasan or ""
    if p.harus:
        first = p.harus[0]
        batas = p.batas_banding if p.batas_banding and _running(_proses(p, BANDING)) else first.batas
        return Sekarang(first, batas, lainnya=p.harus[1:], catatan=catatan)
    return Sekarang(None, None, menunggu=[_menunggu(m) for m in p.menunggu])


def sisa_hari(batas: datetime | None, now: datetime) -> int | None:
    """Whole days left until `batas` (in WIB dates): 0 on its last day."""
    if batas is None:
        return None
    a, b = as_date(batas), as_date(now)
    return (a - b).days if a and b else None


env.globals.setdefault("sisa_hari", sisa_hari)  # also for the appeal's context panel (konteks/banding.html)


def dokumen_tautan(d: DokumenSaya) -> str:
    """Where the candidate downloads a document: the Dokumen page's download (api/ui/dokumen.py), which answers
    in Indonesian while the file is being made; the API's own download is `d.tautan`."""
    return f"/dokumen/{d.id}/unduh"


@router.get("/status")
def status_saya(request: Request, db: Db, now: Now, user: PageUser) -> Response:
    if not user.has_any(Role.PESERTA):
        return RedirectResponse(landing(user), status_code=303)
    body = status.status_saya(db, user, now)
    periode = [
        {"p": p, "tahapan": tahapan(p), "sekarang": sekarang(p)}
        for p in sorted(body.peserta, key=lambda p: p.instance_id, reverse=True)
    ]
    return _page(request, user, periode, now)


def _page(request: Request, user: PageUser, periode: list[dict[str, object]], now: datetime) -> HTMLResponse:
    return page(
        request,
        "status.html",
        user,
        title="Status saya",
        aktif="status",
        periode=periode,
        KEPUTUSAN=KEPUTUSAN,
        PENDAFTARAN_KEPUTUSAN=PENDAFTARAN_KEPUTUSAN,
        dokumen_tautan=dokumen_tautan,
    )
