"""Comments on tasks and instances: read and written by whoever may see the task or instance
(api/services/komentar.py); kept forever, never edited."""

from fastapi import APIRouter, status

from api.auth import Caller
from api.routes.deps import Db, Id, Now
from api.schemas.komentar import KomentarIn, KomentarOut
from api.services import komentar

router = APIRouter(prefix="/api", tags=["komentar"])


@router.get("/tasks/{task_id}/komentar", response_model=list[KomentarOut])
def of_task(task_id: str, db: Db, now: Now, user: Caller) -> list[KomentarOut]:
    """The comments on a task the caller may see (as `GET /api/tasks/{id}`), oldest first; a candidate reads
    those written for them (`untuk_peserta`) and their own, never a staff note kept internal."""
    return komentar.of_task(db, now, user, task_id).daftar


@router.post("/tasks/{task_id}/komentar", response_model=KomentarOut, status_code=status.HTTP_201_CREATED)
def write_on_task(task_id: str, body: KomentarIn, db: Db, now: Now, user: Caller) -> KomentarOut:
    """A comment on a task the caller may see, recorded in its instance's history (`komentar_ditulis`)."""
    return komentar.write_on_task(db, now, user, task_id, body)


@router.get("/instances/{instance_id}/komentar", response_model=list[KomentarOut])
def of_instance(instance_id: Id, db: Db, user: Caller) -> list[KomentarOut]:
    """The comments on an instance and its tasks: for staff, the candidate it is about and an asesor who holds
    or held a task in it (anyone else 404)."""
    return komentar.of_instance(db, user, instance_id).daftar


@router.post("/instances/{instance_id}/komentar", response_model=KomentarOut, status_code=status.HTTP_201_CREATED)
def write_on_instance(instance_id: Id, body: KomentarIn, db: Db, now: Now, user: Caller) -> KomentarOut:
    """A comment on an instance the caller may see, recorded in its history (`komentar_ditulis`)."""
    return komentar.write_on_instance(db, now, user, instance_id, body)
