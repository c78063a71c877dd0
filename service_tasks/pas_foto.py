"""The candidate's pas foto: what FR.APL.01 accepts (`periksa_apl` on submit) and the photo the kartu peserta
and the certificate print (the candidate's last registration in the period).

The photo is an upload of its own kind (`berkas.jenis` "pas_foto", its pixel size read at upload by
`api/store/storage.image_size`), so these rules read the row, never the file: a JPEG or PNG by its content
(sniffed at upload), at most 2 MB, at least 300 × 400 pixels, upright 3 × 4 within 5 %.
"""

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.store.enums import EventType, JenisBerkas
from api.store.master import Berkas
from api.store.models import Event
from service_tasks.guards import chunks

JENIS = {"image/jpeg": "JPEG", "image/png": "PNG"}
MAKS_BYTE = 2 * 1024 * 1024
MIN_LEBAR, MIN_TINGGI = 300, 400
RASIO = 3 / 4  # width : height
TOLERANSI = 0.05  # of RASIO
FIELD = "apl01.pas_foto_berkas_id"
BATAS_ID = 2**31  # ids are 32-bit: a larger number in the data names no file (and is never sent to the database)


def _mb(size: int) -> str:
    """2 MB, 2,4 MB: megabytes as the page's file hints say them."""
    return f"{size / 1024 / 1024:.1f}".removesuffix(".0").replace(".", ",") + " MB"


def masalah(row: Berkas | None, berkas_id: Any, actor: str, instance_id: int) -> str | None:
    """Why `row` (the file `berkas_id` names) is not a pas foto this registration may use, in Indonesian naming
    the rule; None when it is one."""
    if row is None or row.uploaded_by != actor or row.instance_id != instance_id:
        return (
            f"Pas foto (berkas {berkas_id}) tidak ditemukan di antara berkas yang Anda unggah untuk pendaftaran "
            "ini: unggah pas foto dahulu"
        )
    if row.jenis != JenisBerkas.PAS_FOTO:
        return f"Berkas {row.nama} diunggah sebagai bukti, bukan sebagai pas foto: unggah pas foto pada kolom ini"
    if row.content_type not in JENIS:
        jenis = row.content_type.split("/")[-1].upper()
        return f"Pas foto harus berupa gambar JPEG atau PNG; {row.nama} adalah berkas {jenis}"
    if row.size > MAKS_BYTE:
        return f"Pas foto paling besar {_mb(MAKS_BYTE)}; {row.nama} berukuran {_mb(row.size)}"
    if row.lebar is None or row.tinggi is None:
        return f"Pas foto {row.nama} tidak dapat dibaca sebagai gambar {JENIS[row.content_type]}: unggah ulang"
    ukuran = f"{row.lebar} × {row.tinggi} piksel"
    if abs(row.lebar / row.tinggi - RASIO) > RASIO * TOLERANSI:
        return f"Pas foto harus tegak berbanding 3 × 4 (lebar × tinggi); {row.nama} berukuran {ukuran}"
    if row.lebar < MIN_LEBAR or row.tinggi < MIN_TINGGI:
        return f"Pas foto paling kecil {MIN_LEBAR} × {MIN_TINGGI} piksel; {row.nama} berukuran {ukuran}"
    return None


def foto_peserta(session: Session, root_id: int, usernames: list[str]) -> dict[str, dict[str, str]]:
    """Each candidate's pas foto in the period `root_id` as a document snapshots it ({sha256, content_type}):
    the one their last submitted FR.APL.01 names, if they uploaded it as their pas foto. A candidate who
    registered before the form had the field has none (the documents print the empty frame)."""
    named: dict[str, Any] = {}
    for chunk in chunks(usernames):
        # The candidates' own events (index on actor), the period and the kind picked here: with them in the
        # statement SQLite's planner walked the whole period's history by (root_id, id) for each call, and FR.APL.01
        # asks for one candidate at a time (a period of N candidates read N x N events). Only the named file's id
        # leaves the database, not each event's whole data (every form the candidate submitted).
        berkas_id = Event.data[("apl01", "pas_foto_berkas_id")]
        for actor, root, kind, named_id in session.execute(
            select(Event.actor, Event.root_id, Event.type, berkas_id).where(Event.actor.in_(chunk)).order_by(Event.id)
        ):
            if root != root_id or kind != EventType.TASK_COMPLETED:
                continue
            if isinstance(named_id, int) and not isinstance(named_id, bool) and 0 < named_id < BATAS_ID:
                named[str(actor)] = named_id
    found: dict[int, Berkas] = {}
    for ids in chunks(named.values()):
        found.update({b.id: b for b in session.scalars(select(Berkas).where(Berkas.id.in_(ids)))})
    out = {}
    for username, berkas_id in named.items():
        row = found.get(berkas_id)
        if row is not None and row.uploaded_by == username and row.jenis == JenisBerkas.PAS_FOTO:
            out[username] = {"sha256": row.sha256, "content_type": row.content_type}
    return out
