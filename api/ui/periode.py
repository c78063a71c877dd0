"""Mulai periode: the Direktur starts a period (SOP step 1) from the browser, named by its business key; the
first task, the targets, opens at once."""

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.errors import ApiError
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db
from api.schemas import StartInstance
from api.services import instances
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)


def _form(
    request: Request, db: Db, user: PageUser, *, kunci: str = "", galat: str = "", status_code: int = 200
) -> HTMLResponse:
    proses = instances.startable_by(db, user)
    if not proses:
        return halaman_galat(
            request, 403, judul="Tidak dapat memulai periode", pesan="Periode uji kompetensi dimulai oleh Direktur."
        )
    return page(
        request,
        "periode_baru.html",
        user,
        title="Mulai periode baru",
        aktif="periode",
        proses=proses,
        kunci=kunci,
        galat=galat,
        status_code=status_code,
    )


@router.get("/periode/baru", response_class=HTMLResponse)
def baru(request: Request, db: Db, user: PageUser) -> HTMLResponse:
    return _form(request, db, user)


@router.post("/periode/baru")
def mulai(
    request: Request,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: PageUser,
    proses: Annotated[str, Form(max_length=200)] = "",
    kunci: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    kunci = kunci.strip()
    if not kunci:
        return _form(request, db, user, galat="Isi nama periode, misalnya LSP-2026-GENAP.", status_code=422)
    try:
        started = instances.start(db, clock, settings, user, proses, StartInstance(business_key=kunci))
    except ApiError as exc:
        if exc.status == 409:
            galat = f"Periode {kunci} sudah dimulai. Pilih nama lain."
            return _form(request, db, user, kunci=kunci, galat=galat, status_code=409)
        if exc.status in (403, 404):
            return _form(request, db, user, kunci=kunci, galat="Proses ini tidak dapat Anda mulai.", status_code=403)
        raise
    worker.wake()
    # The period's first task is the Direktur's own (the targets): open it; else the period's tasks.
    first = started.active_tasks[0].id if started.active_tasks else None
    return RedirectResponse(f"/tasks/{first}" if first else f"/tasks?period={kunci}", status_code=303)
