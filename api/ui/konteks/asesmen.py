"""The candidate's own assessment, beside FR.AK.01 (consent) and FR.AK.03 (feedback): the skema, the day,
the TUK with its address and the asesor, as the candidate's current kartu peserta names them
(`status.status_saya`, the same the API serves at GET /api/me/status)."""

from typing import Any

from api.auth import CurrentUser
from api.services import status
from api.store.db import Database
from api.ui.konteks import konteks


@konteks("ak01_persetujuan.json", "ak03_umpan_balik.json", template="asesmen.html")
def asesmen(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    periode = None
    if task.assignee == user.username:  # the candidate's own task: their own status, nobody else's
        periode = next((p for p in status.peserta_saya(db, user) if p.instance_id == task.period_id), None)
    data: dict[str, Any] = task.data or {}
    about: dict[str, Any] = data["peserta_asesmen"] if isinstance(data.get("peserta_asesmen"), dict) else {}
    return {
        "form_file": task.form.file,
        "skema_judul": task.skema_judul or about.get("skema_judul"),
        "skema_nomor": task.skema or about.get("skema_nomor"),
        "jadwal": periode.jadwal if periode else None,
    }
