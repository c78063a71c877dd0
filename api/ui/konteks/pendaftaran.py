"""The registration (FR.APL.01 + FR.APL.02) as the candidate fills it: their data from the peserta master
(read-only), the skema, the steps of the wizard (static/langkah.js) and, after Kabid Administrasi returned
the registration, the reason and each evidence item's verdict beside it.

The verdicts are the check's own data (forms/memeriksa_berkas.json `pemeriksaan`), which the process carries
into the revision task; nothing here decides anything.
"""

from typing import Any

from api.auth import CurrentUser
from api.errors import ApiError
from api.services.master import peserta
from api.store.db import Database
from api.ui.konteks import konteks

STATUS_BUKTI = {
    "ada_memenuhi": "Ada dan memenuhi syarat",
    "ada_tidak_memenuhi": "Ada tetapi tidak memenuhi syarat",
    "tidak_ada": "Tidak ada",
}
JENIS_KELAMIN = {"L": "Laki-laki", "P": "Perempuan"}

# The wizard's steps over the form's parts: each part is a field's id as the renderer gives it (docs: dom.md),
# an element of this context panel, or a selector (starting with . # or [) for the renderer's other markup.
# Without JavaScript every part shows on one page.
LANGKAH: list[dict[str, Any]] = [
    {"judul": "Data diri", "bagian": ["konteks-data-diri", ".formulir-keterangan"]},
    {"judul": "Tujuan & pendidikan", "bagian": ["f-apl01-tujuan_asesmen", "f-apl01-pendidikan", "f-apl01-pekerjaan"]},
    {"judul": "Bukti", "bagian": ["konteks-pemeriksaan", "f-apl01-pas_foto_berkas_id", "f-apl01-bukti"]},
    {"judul": "Asesmen mandiri", "bagian": ["f-apl02"]},
    # The applicant's declaration is ticked last, once everything is checked.
    {"judul": "Periksa & kirim", "bagian": ["f-apl01-pernyataan"], "semua": True},
]


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def catatan_bukti(data: dict[str, Any]) -> list[dict[str, Any]]:
    """Each evidence item the check marked not meeting the requirement (or missing), with its note and the
    number of its row in the earlier submission (matched by the uploaded file, else by name)."""
    dikirim = _list(_obj(data.get("apl01")).get("bukti"))
    out = []
    for item in _list(_obj(data.get("pemeriksaan")).get("bukti")):
        if item.get("status") not in ("ada_tidak_memenuhi", "tidak_ada"):
            continue
        nomor = next(
            (i for i, b in enumerate(dikirim) if item.get("berkas_id") and b.get("berkas_id") == item.get("berkas_id")),
            next((i for i, b in enumerate(dikirim) if b.get("nama") == item.get("nama")), None),
        )
        out.append(
            {
                "nama": item.get("nama") or "",
                "berkas_id": item.get("berkas_id"),
                "baris": nomor,
                "status": STATUS_BUKTI.get(str(item.get("status")), ""),
                "catatan": item.get("catatan") or "",
            }
        )
    return out


@konteks("apl01_apl02.json", template="pendaftaran.html")
def pendaftaran(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data: dict[str, Any] = task.data or {}
    pendaftar = _obj(data.get("pendaftar"))
    # Only the candidate's own record, and only on their own task: nothing of another candidate.
    diri = None
    if task.assignee == user.username and pendaftar.get("username") in (None, user.username):
        try:
            diri = peserta.mine(db, user.username)
        except ApiError:
            diri = None
    pemeriksaan = _obj(data.get("pemeriksaan"))
    dikembalikan = pemeriksaan.get("keputusan") == "dikembalikan"
    return {
        "diri": diri,
        "jenis_kelamin": JENIS_KELAMIN.get(diri.jenis_kelamin, "") if diri else "",
        "skema_nomor": pendaftar.get("skema_nomor") or task.skema,
        "skema_judul": pendaftar.get("skema_judul") or task.skema_judul,
        "dikembalikan": dikembalikan,
        "alasan": (pemeriksaan.get("alasan") or "") if dikembalikan else "",
        "catatan_bukti": catatan_bukti(data) if dikembalikan else [],
        "langkah": LANGKAH,
    }
