"""Komentar: the comments panel of a task's page and an instance's comments page, over the same service as
`/api/tasks/{id}/komentar` and `/api/instances/{id}/komentar` (api/services/komentar.py).

The panel posts with htmx (the panel swapped in place, the CSRF token in the header) and as a plain form
without JavaScript (a redirect back to the panel, or the form again with its message on a refusal).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from api.auth import CurrentUser
from api.errors import ApiError
from api.permissions import is_staff
from api.routes.deps import Db, Id, Now
from api.schemas.komentar import MAX_ISI, KomentarIn, KomentarOut
from api.services import komentar
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)

# What the form may carry: the text with room for line endings a browser sends as CRLF, before the service's
# own check of the trimmed text (past this, a 422 of the page).
MAX_FORM_ISI = MAX_ISI * 2


@dataclass
class Panel:
    """What `_komentar.html` shows: the comments the user may read and the form writing the next one."""

    daftar: list[KomentarOut]
    action: str
    boleh_internal: bool  # the user writes staff notes: the form offers "Tampilkan kepada peserta"
    instance_id: int | None = None  # the instance's page: each comment names the task it was written on
    isi: str = ""
    untuk_peserta: bool = False
    galat: str = ""
    tersimpan: bool = False
    semua: str = ""  # a task's panel: the address of its instance's comments, when the user may read them


def panel_tugas(db: Db, now: datetime, user: CurrentUser, task_id: str) -> Panel | None:
    """The panel of a task's page (None: the user may not see the task, and the page says so already)."""
    try:
        diskusi = komentar.of_task(db, now, user, task_id)
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise
    instance_id = komentar.instance_of_task(db, now, user, task_id)
    semua = f"/instances/{instance_id}/komentar" if instance_id is not None else ""
    return Panel(diskusi.daftar, f"/tasks/{task_id}/komentar", diskusi.boleh_internal, semua=semua)


def _panel_instans(db: Db, user: CurrentUser, instance_id: int) -> Panel | None:
    try:
        diskusi = komentar.of_instance(db, user, instance_id)
    except ApiError as exc:
        if exc.status in (403, 404):
            return None
        raise
    return Panel(diskusi.daftar, f"/instances/{instance_id}/komentar", diskusi.boleh_internal, instance_id)


def _not_found(request: Request, judul: str) -> HTMLResponse:
    return halaman_galat(request, 404, judul=judul, pesan="Halaman ini tidak ada atau bukan untuk Anda.")


def _refusal(exc: ValidationError) -> str:
    return next((str(e["msg"]) for e in exc.errors() if e["loc"] and e["loc"][0] == "isi"), "Komentar tidak sah.")


def _posted(
    request: Request,
    user: CurrentUser,
    panel: Panel,
    back: str,
    isi: str,
    untuk_peserta: str,
    write: Callable[[KomentarIn], KomentarOut],
    refresh: Callable[[], Panel | None],
) -> Response:
    htmx = bool(request.headers.get("HX-Request"))
    try:
        body = KomentarIn(isi=isi, untuk_peserta=untuk_peserta == "ya")
    except ValidationError as exc:
        panel.isi, panel.untuk_peserta, panel.galat = isi, untuk_peserta == "ya", _refusal(exc)
        template = "_komentar.html" if htmx else "komentar.html"
        return page(request, template, user, title="Komentar", kom=panel, diagram=is_staff(user), status_code=422)
    write(body)
    if htmx:
        fresh = refresh() or panel
        fresh.tersimpan = True
        return page(request, "_komentar.html", user, title="Komentar", kom=fresh)
    return RedirectResponse(f"{back}{'?pesan=komentar' if panel.instance_id else ''}#komentar", status_code=303)


@router.post("/tasks/{task_id}/komentar")
def tulis_pada_tugas(
    request: Request,
    task_id: str,
    db: Db,
    now: Now,
    user: PageUser,
    isi: Annotated[str, Form(max_length=MAX_FORM_ISI)] = "",
    untuk_peserta: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    panel = panel_tugas(db, now, user, task_id)
    if panel is None:
        return _not_found(request, "Tugas tidak ditemukan")
    return _posted(
        request,
        user,
        panel,
        f"/tasks/{task_id}",
        isi,
        untuk_peserta,
        lambda body: komentar.write_on_task(db, now, user, task_id, body),
        lambda: panel_tugas(db, now, user, task_id),
    )


@router.get("/instances/{instance_id}/komentar", response_class=HTMLResponse)
def halaman_instans(
    request: Request, instance_id: Id, db: Db, user: PageUser, pesan: Annotated[str, Query(max_length=20)] = ""
) -> Response:
    """An instance's comments (its own and those on its tasks) with the form writing one on the instance."""
    panel = _panel_instans(db, user, instance_id)
    if panel is None:
        return _not_found(request, "Proses tidak ditemukan")
    panel.tersimpan = pesan == "komentar"
    return page(
        request,
        "komentar.html",
        user,
        title=f"Komentar proses {instance_id}",
        kom=panel,
        diagram=is_staff(user),
    )


@router.post("/instances/{instance_id}/komentar")
def tulis_pada_instans(
    request: Request,
    instance_id: Id,
    db: Db,
    now: Now,
    user: PageUser,
    isi: Annotated[str, Form(max_length=MAX_FORM_ISI)] = "",
    untuk_peserta: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    panel = _panel_instans(db, user, instance_id)
    if panel is None:
        return _not_found(request, "Proses tidak ditemukan")
    return _posted(
        request,
        user,
        panel,
        f"/instances/{instance_id}/komentar",
        isi,
        untuk_peserta,
        lambda body: komentar.write_on_instance(db, now, user, instance_id, body),
        lambda: _panel_instans(db, user, instance_id),
    )
