"""Comments on tasks and instances: `GET/POST /api/tasks/{id}/komentar`, `/api/instances/{id}/komentar`.

A task's comments are read and written by whoever may see the task (`permissions.may_work_on`, through
`tasks.task_for`: the same 403/404 as the task); an instance's by whoever may see the instance
(`permissions.may_see_instance`: staff, the candidate it is about, an asesor who holds or held a task in
it; anyone else a 404, as if it did not exist). An instance's list holds its own comments and those on
its tasks. Each comment is then filtered by `permissions.may_read_komentar`: a staff or asesor note is
internal unless written `untuk_peserta`, so a candidate never reads a note about anyone, not even about
themselves, unless it was written for them.

Comments are kept forever and never edited (the table is append-only, api/store/models.py); writing one
records a `komentar_ditulis` event in the instance's history, in the same transaction, naming the comment's
id (not its text: the history is read by staff, the text through these permissions).
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import may_read_internal_komentar, may_read_komentar, may_see_instance
from api.schemas.komentar import KomentarIn, KomentarOut
from api.services.tasks import task_for
from api.store.db import Database
from api.store.enums import EventType
from api.store.models import Event, HumanTask, Komentar, ProcessInstance, User


def _instance(session: Session, user: CurrentUser, instance_id: int) -> ProcessInstance:
    row = session.get(ProcessInstance, instance_id)
    if row is None or not may_see_instance(session, user, row):
        raise ApiError(404, f"no instance {instance_id}")
    return row


def _out(session: Session, rows: list[Komentar]) -> list[KomentarOut]:
    """The comments as read, with their authors' names and their tasks' names (two queries for the lot)."""
    people = {k.penulis for k in rows}
    names: dict[str, str] = {}
    if people:
        names = {
            u: n for u, n in session.execute(select(User.username, User.full_name).where(User.username.in_(people)))
        }
    task_ids = {k.task_id for k in rows if k.task_id}
    tasks: dict[str, str] = {}
    if task_ids:
        tasks = {
            i: n for i, n in session.execute(select(HumanTask.id, HumanTask.name).where(HumanTask.id.in_(task_ids)))
        }
    return [
        KomentarOut(
            id=k.id,
            instance_id=k.instance_id,
            task_id=k.task_id,
            task_name=tasks.get(k.task_id) if k.task_id else None,
            penulis=k.penulis,
            penulis_nama=names.get(k.penulis),
            isi=k.isi,
            untuk_peserta=k.untuk_peserta,
            created_at=k.created_at,
        )
        for k in rows
    ]


@dataclass(frozen=True)
class Diskusi:
    """The comments a user reads on a task or instance, and whether they may write internal notes there."""

    daftar: list[KomentarOut]
    boleh_internal: bool


def _readable(session: Session, user: CurrentUser, row: ProcessInstance, *where: object) -> Diskusi:
    rows = session.scalars(select(Komentar).where(*where).order_by(Komentar.id))  # type: ignore[arg-type]
    daftar = _out(session, [k for k in rows if may_read_komentar(user, k, row.subject)])
    return Diskusi(daftar, may_read_internal_komentar(user, row.subject))


def of_task(db: Database, now: datetime, user: CurrentUser, task_id: str) -> Diskusi:
    """The comments on a task the user may see (else 403/404), oldest first, those they may read."""
    with db.reading() as session:
        t = task_for(session, task_id, user, now)
        return _readable(session, user, session.get_one(ProcessInstance, t.instance_id), Komentar.task_id == t.id)


def of_instance(db: Database, user: CurrentUser, instance_id: int) -> Diskusi:
    """The comments on an instance the user may see (else 404) and on its tasks, oldest first, those they may
    read."""
    with db.reading() as session:
        row = _instance(session, user, instance_id)
        return _readable(session, user, row, Komentar.instance_id == row.id)


def instance_of_task(db: Database, now: datetime, user: CurrentUser, task_id: str) -> int | None:
    """The instance of a task the user may see, when they may see that instance's comments too (the task page
    links them), else None."""
    with db.reading() as session:
        t = task_for(session, task_id, user, now)
        row = session.get(ProcessInstance, t.instance_id)
        return row.id if row is not None and may_see_instance(session, user, row) else None


def _write(
    session: Session,
    now: datetime,
    user: CurrentUser,
    row: ProcessInstance,
    task: HumanTask | None,
    body: KomentarIn,
) -> KomentarOut:
    # A candidate's words are read by staff and by themselves: there is nothing to keep internal.
    untuk_peserta = body.untuk_peserta or not may_read_internal_komentar(user, row.subject)
    komentar = Komentar(
        instance_id=row.id,
        root_id=row.root_id or row.id,
        task_id=task.id if task is not None else None,
        penulis=user.username,
        isi=body.isi,
        untuk_peserta=untuk_peserta,
        created_at=now,
    )
    session.add(komentar)
    session.flush()
    session.add(
        Event(
            at=now,
            instance_id=row.id,
            root_id=row.root_id or row.id,
            type=EventType.KOMENTAR_DITULIS,
            task_id=task.id if task is not None else None,
            task_name=task.name if task is not None else None,
            lane=task.lane if task is not None else None,
            actor=user.username,
            data={"komentar_id": komentar.id, "untuk_peserta": untuk_peserta},
        )
    )
    session.flush()
    return _out(session, [komentar])[0]


def write_on_task(db: Database, now: datetime, user: CurrentUser, task_id: str, body: KomentarIn) -> KomentarOut:
    """A comment on a task the user may see (else 403/404), in whatever state the task is."""
    with db.transaction() as session:
        t = task_for(session, task_id, user, now)
        return _write(session, now, user, session.get_one(ProcessInstance, t.instance_id), t, body)


def write_on_instance(
    db: Database, now: datetime, user: CurrentUser, instance_id: int, body: KomentarIn
) -> KomentarOut:
    """A comment on an instance the user may see (else 404)."""
    with db.transaction() as session:
        return _write(session, now, user, _instance(session, user, instance_id), None, body)
