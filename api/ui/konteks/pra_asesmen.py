"""Beside the pre-assessment (FR.APL.02 review): the candidate's self-assessment per unit and the evidence of
their FR.APL.01, with its files to open."""

from typing import Any

from api.auth import CurrentUser
from api.services import sesi_asesmen
from api.store.db import Database
from api.ui.konteks import konteks
from api.ui.konteks.penilaian import candidate_of


@konteks("pra_asesmen.json", template="pra_asesmen.html")
def pra_asesmen(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    peserta = candidate_of(db, task)
    if not peserta or task.period_id is None:
        return {"peserta": peserta, "daftar": None}
    daftar = sesi_asesmen.pendaftaran(db, user, task.period_id, peserta["username"])
    return {"peserta": peserta, "daftar": daftar}
