"""Beside FR.AK.02 (the asesor's assessment, and the re-assessment after an upheld appeal): the candidate's own
FR.APL.02 answer for each unit of their skema, in the order of the units the form pre-fills (`x-isian`)."""

from typing import Any

from api.auth import CurrentUser
from api.services import antrian, sesi_asesmen
from api.store.db import Database
from api.ui.konteks import konteks

# Where the task's data names the candidate being assessed.
PESERTA_KEYS = ("peserta_asesmen", "peserta_banding", "peserta_pra_asesmen")


def candidate_of(db: Database, task: Any) -> dict[str, Any]:
    """The candidate's entry in the task's data (username, skema, asesor, TUK) with their name, NIM, prodi and
    the skema's title from the master data (the period's lists carry ids), or {}."""
    data = task.data or {}
    for key in PESERTA_KEYS:
        found = data.get(key)
        if isinstance(found, dict) and isinstance(found.get("username"), str):
            return antrian.data_peserta(db, [found])[0]
    return {}


@konteks("ak02_penilaian.json", template="penilaian.html")
def penilaian(db: Database, user: CurrentUser, task: Any) -> dict[str, Any]:
    peserta = candidate_of(db, task)
    if not peserta or task.period_id is None:
        return {"peserta": peserta, "daftar": None}
    daftar = sesi_asesmen.pendaftaran(db, user, task.period_id, peserta["username"])
    return {"peserta": peserta, "daftar": daftar}
