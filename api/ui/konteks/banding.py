"""Beside FR.AK.04: the decision the candidate may appeal and until when (the window the process set,
`peserta_banding.batas_banding`; its timer ends the task when the window closes). The task exists only for a
candidate decided BK (service_tasks/keputusan.py `peserta_banding`): the page offers nothing the process
does not."""

from datetime import datetime
from typing import Any

from api.auth import CurrentUser
from api.store.db import Database
from api.ui.konteks import konteks

KEPUTUSAN = {"K": "Kompeten", "BK": "Belum kompeten"}


@konteks("banding_ak04.json", template="banding.html")
def banding(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    data: dict[str, Any] = task.data or {}
    about: dict[str, Any] = data["peserta_banding"] if isinstance(data.get("peserta_banding"), dict) else {}
    if about.get("username") != user.username:  # only the candidate's own appeal
        about = {}
    try:
        batas = datetime.fromisoformat(str(about.get("batas_banding")))
    except ValueError:
        batas = None
    return {
        "keputusan": KEPUTUSAN.get(str(about.get("keputusan")), ""),
        "skema_judul": about.get("skema_judul") or task.skema_judul,
        "batas_banding": batas,
    }
