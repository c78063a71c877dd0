"""Sending a task from a page: the one way every screen that sends a task's form does it (Kerjakan tugas
`/tasks/{id}`, the check's split view `/berkas/periksa/{id}`, Membuka pendaftaran `/pendaftaran/buka/{id}`).

`kirim()` reads the posted form back by the task's schema, asks once more before a choice that cannot be taken
back (a refusal, BK, a cancellation: `pilihan_final`), sends it with `services.tasks.complete` (the API's own
completion, so the form and the SOP's validator check it), and answers: a 422 draws the screen again with what
was typed and each message at its field, a 409 draws it with what the conflict means now, and a sent task goes
where the screen says (`Layar.sesudah`: the next check of the queue, the progress of opening registration, the
inbox). `simpan_draf()` keeps the form as typed as the user's draft. `isian_awal()` is what a screen's form
starts from. A screen says only how it draws itself (`Layar.gambar`) and where it goes; the rules are here.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm.exc import StaleDataError
from starlette.datastructures import FormData

from api.auth import CurrentUser
from api.background.worker import Worker
from api.clock import Clock
from api.engine.errors import EngineError, FormInvalid, TaskNotReady, TaskRefused
from api.errors import ApiError, answer_to
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db
from api.schemas import TaskDetail
from api.services import drafts, tasks
from api.settings import Settings
from api.store.db import Database
from api.store.enums import TaskState
from api.ui import formulir
from api.ui.galat import halaman_galat
from api.ui.sesi import MAX_FORM_FIELDS, PageUser


async def _submitted(request: Request) -> FormData:
    """The posted form, read once in the event loop, so the page's handler can run in the thread pool."""
    return await request.form(max_fields=MAX_FORM_FIELDS)


Submitted = Annotated[FormData, Depends(_submitted)]


@dataclass(frozen=True)
class Pengirim:
    """The signed-in user with what sending their task needs (the request's dependencies, taken once)."""

    request: Request
    db: Database
    clock: Clock
    settings: Settings
    worker: Worker
    user: CurrentUser


def _pengirim(
    request: Request, db: Db, clock: ClockDep, settings: AppSettings, worker: BackgroundWorker, user: PageUser
) -> Pengirim:
    return Pengirim(request, db, clock, settings, worker, user)


Dari = Annotated[Pengirim, Depends(_pengirim)]

# A choice that cannot be taken back once sent: the screen asks once more before sending it.
IRREVERSIBLE: dict[str, str] = {
    "ditolak": "Ditolak",
    "BK": "Belum kompeten (BK)",
    "batal": "Batal",
    "tidak_lanjut": "Tidak dilanjutkan",
}
# The fields that hold a decision (a verdict) in the forms of forms/.
DECISION_KEYS = frozenset({"keputusan", "rekomendasi", "kesimpulan", "hasil"})


def tugas_untuk(p: Pengirim, task_id: str) -> TaskDetail | None:
    """The task as the user may read it, or None: a task they may not see is as absent as one that is not."""
    try:
        return tasks.detail(p.db, p.clock, p.settings, p.user, task_id)
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise


def tidak_ditemukan(request: Request) -> HTMLResponse:
    return halaman_galat(
        request,
        404,
        judul="Tugas tidak ditemukan",
        pesan="Tugas ini tidak ada atau bukan untuk Anda.",
        kembali=("/tasks", "Kembali ke Tugas saya"),
    )


def _walk(schema: Any, value: Any) -> Iterator[tuple[dict[str, Any], Any, str]]:
    """(subschema, value, property name) of every value in `value` the schema describes."""
    if not isinstance(schema, dict):
        return
    if isinstance(value, dict):
        for key, sub in (schema.get("properties") or {}).items():
            if key in value:
                yield sub, value[key], key
                yield from _walk(sub, value[key])
    elif isinstance(value, list) and isinstance(schema.get("items"), dict):
        for item in value:
            yield schema["items"], item, ""
            yield from _walk(schema["items"], item)


def pilihan_final(schema: dict[str, Any] | None, data: dict[str, Any]) -> list[str]:
    """The choices in `data` that cannot be taken back (a refusal, BK, a cancellation), as the form titles them."""
    found = []
    for sub, value, key in _walk(schema, data):
        if key in DECISION_KEYS and isinstance(value, str) and value in IRREVERSIBLE:
            titles = {c.get("const"): c.get("title") for c in sub.get("oneOf") or [] if isinstance(c, dict)}
            found.append(str(titles.get(value) or IRREVERSIBLE[value]))
    return list(dict.fromkeys(found))


def _holds_decision(schema: Any) -> bool:
    """Whether a field is, or holds at any depth, a field of DECISION_KEYS."""
    if not isinstance(schema, dict):
        return False
    props = schema.get("properties") or {}
    return (
        any(key in DECISION_KEYS or _holds_decision(sub) for key, sub in props.items())
        or _holds_decision(schema.get("items"))
        or _holds_decision(schema.get("then"))
    )


def isian_awal(task: TaskDetail) -> dict[str, Any]:
    """What a task's form starts from on every screen: the user's draft, else the task's data without its
    verdicts; what is not there comes from the served schema's `default`s (`x-isian` proposals, plain defaults).

    Why the task's data at all: the data is the process's, written by the tasks before. Where a form edits a
    person's own earlier work again (the candidate revising a returned registration, FR.APL.01/02), the
    earlier answers are where the revision starts, and retyping them would be a burden and a source of slips.

    Why not a verdict: a top-level field of the form that holds a decision (`DECISION_KEYS`: keputusan,
    rekomendasi, kesimpulan, hasil; the same fields the second look before sending watches) is a judgement of
    what was before its author then. When the task comes again, what it judges has changed: a check after the
    candidate revised returned evidence (the earlier `pemeriksaan` holds "Dikembalikan", its reason, each
    item's status and the ids of files since replaced), an assessment again after an appeal. Pre-filled, the
    earlier verdict would be sent again with one click, about files no longer there. Such a field starts from
    the form's proposal (the check's `x-isian` rows of the evidence now) or the user's own draft, never from the
    data, as the split view has always done; the context panel beside the form shows the earlier verdict.
    The rule reads the form, not its name, so a new verdict form needs no entry anywhere."""
    if task.draft is not None:
        return dict(task.draft.data)
    props: dict[str, Any] = (task.form.schema_ or {}).get("properties") or {}
    return {k: v for k, v in (task.data or {}).items() if k in props and not _holds_decision(props[k])}


def aksi(form: FormData) -> str:
    """The button pressed: its `aksi`, or, on the second look, the `aksi` it confirms (`konfirmasi`)."""
    return str(form.get("aksi") or form.get("konfirmasi") or "")


def konflik(t: TaskDetail, user: Any) -> str:
    """What a 409 means for this task now, in the user's words."""
    if t.state == TaskState.COMPLETED:
        who = t.completed_by_name or t.completed_by or "orang lain"
        return f"Tugas ini sudah dikerjakan oleh {'Anda' if t.completed_by == user.username else who}."
    if t.state == TaskState.CANCELLED:
        return "Tugas ini sudah dibatalkan: prosesnya tidak lagi menunggu tugas ini."
    if t.claimed_by and t.claimed_by != user.username:
        return f"Tugas ini sedang dikerjakan oleh {t.claimed_by_name or t.claimed_by}."
    return "Tugas ini baru saja berubah. Muat ulang halaman untuk melihat keadaan terbaru."


@dataclass
class Ulang:
    """The screen drawn again instead of leaving: with what was typed (`data`, None: from `isian_awal`), the
    form's errors, the irreversible choices to confirm (and the `aksi` its "Ya, kirim" presses again: the
    template `_konfirmasi.html`), what a conflict means (the form not drawn), or why the task, still open, could
    not be sent this moment (`tunggu`: its instance is being run on after an `asyncAfter` step; the form is drawn
    with what was typed, to send again)."""

    data: dict[str, Any] | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)
    konfirmasi: list[str] = field(default_factory=list)
    konflik: str = ""
    tunggu: str = ""
    status_code: int = 200
    aksi: str = ""


@dataclass(frozen=True)
class Layar:
    """A screen that sends a task: how it draws itself again, where it goes once the task is sent (asked only
    then: the split view claims the next check), and where a saved draft leads. `sesudah_saat_diproses`: the
    screen after is also where a sent task with `asyncAfter` leads, for it shows the worker's progress itself
    (otherwise the inbox says the next step is being prepared)."""

    gambar: Callable[[TaskDetail, Ulang], HTMLResponse]
    sesudah: Callable[[], str]
    draf: str = ""
    sesudah_saat_diproses: bool = False


# Where a sent task with `asyncAfter` leads: the inbox, saying the next step is being prepared.
DIPROSES = "/tasks?pesan=diproses"


def kirim(p: Pengirim, task: TaskDetail, form: FormData, layar: Layar) -> Response:
    """Send the posted form as `task`'s answer (see the module's docstring)."""
    schema = task.form.schema_
    data = formulir.parse(schema, form) if schema is not None else {}
    if not form.get("konfirmasi") and (choices := pilihan_final(schema, data)):
        return layar.gambar(task, Ulang(data=data, konfirmasi=choices))
    try:
        done = tasks.complete(p.db, p.clock, p.settings, p.user, task.id, data)
    except (ApiError, FormInvalid, TaskRefused, EngineError, TaskNotReady, StaleDataError) as exc:
        answer = answer_to(exc, f"{p.request.method} {p.request.url.path}")
        if answer.status == 422:
            errors = [e for e in answer.body.get("errors") or [] if isinstance(e, dict)]
            return layar.gambar(task, Ulang(data=data, errors=errors, status_code=422))
        if answer.status == 409:
            now = tugas_untuk(p, task.id) or task
            # The instance runs on after a step just completed (services.tasks.continuing): the task is still
            # open, so the form stays with what was typed, under the service's own words.
            if waits := [e["message"] for e in answer.body.get("errors") or [] if e.get("path") == "instance"]:
                return layar.gambar(now, Ulang(data=data, tunggu=" ".join(waits), status_code=409))
            return layar.gambar(now, Ulang(konflik=konflik(now, p.user), status_code=409))
        if answer.status in (403, 404):
            return tidak_ditemukan(p.request)
        return halaman_galat(p.request, answer.status, headers=answer.headers)
    p.worker.wake()
    if done.continuing and not layar.sesudah_saat_diproses:  # `asyncAfter`: the worker prepares what follows
        return RedirectResponse(DIPROSES, status_code=303)
    return RedirectResponse(layar.sesudah(), status_code=303)


def simpan(p: Pengirim, task: TaskDetail, form: FormData) -> tuple[Any, TaskDetail | None]:
    """Keep the form as typed (not checked) as the user's draft: (the saved draft, None), or on a 409 (the task
    was sent, cancelled or taken meanwhile) (None, the task as it is now)."""
    data = formulir.parse(task.form.schema_, form) if task.form.schema_ is not None else {}
    try:
        return drafts.save(p.db, p.clock.now(), p.settings, p.user, task.id, data), None
    except ApiError as exc:
        if exc.status != 409:
            raise
        return None, tugas_untuk(p, task.id) or task


def simpan_draf(p: Pengirim, task: TaskDetail, form: FormData, layar: Layar) -> Response:
    """Simpan draf: the draft kept, then the screen again saying so (`Layar.draf`); a 409 draws the screen
    with what the conflict means."""
    _, now = simpan(p, task, form)
    if now is not None:
        return layar.gambar(now, Ulang(konflik=konflik(now, p.user), status_code=409))
    return RedirectResponse(layar.draf, status_code=303)
