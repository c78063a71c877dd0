"""Tugas saya (the inbox) and Kerjakan tugas (a task's page): the same services as /api/tasks.

The inbox lists the user's open tasks by due date with tabs, filters, counts per SOP step, paging and claim /
unclaim in place (htmx swaps the row; without JavaScript a plain POST and a redirect back). A task's page shows
its context and instructions, the form drawn from its served schema (api/ui/formulir.py), and answers Kirim,
Simpan draf (also saved as the user types), Klaim and Lepas.
"""

from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from api.errors import ApiError
from api.routes.deps import AppSettings, ClockDep, Db, Now
from api.services import tasks
from api.ui.galat import halaman_galat
from api.ui.sesi import PageUser
from api.ui.templating import page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
TABS: dict[str, str] = {"semua": "Semua", "saya": "Milik saya", "terlambat": "Terlambat"}
# What a redirect back to the inbox says (a fixed set: no text from the address reaches the page).
PESAN: dict[str, tuple[str, str]] = {
    "terkirim": ("Tugas terkirim. Terima kasih.", "sukses"),
    "diklaim": ("Tugas diklaim: kini hanya Anda yang melihatnya sampai Anda melepasnya.", "sukses"),
    "dilepas": ("Tugas dilepas: kini rekan satu peran Anda dapat mengerjakannya.", "sukses"),
    "draf": ("Draf tersimpan.", "sukses"),
    "diambil": ("Tugas itu sudah diambil orang lain atau tidak lagi tersedia.", ""),
}


def _back(kembali: str, default: str = "/tasks") -> str:
    """Only an address of the inbox or a task page: never a redirect elsewhere."""
    if kembali.startswith(("/tasks?", "/tasks/")) or kembali == "/tasks":
        return kembali if "//" not in kembali and "\\" not in kembali else default
    return default


def _with(path: str, **params: str) -> str:
    """`path` with `params` added to (or replacing those in) its query."""
    base, _, query = path.partition("?")
    kept = [(k, v) for k, v in _pairs(query) if k not in params]
    kept += [(k, v) for k, v in params.items() if v]
    return base + ("?" + urlencode(kept) if kept else "")


def _pairs(query: str) -> list[tuple[str, str]]:
    return parse_qsl(query, keep_blank_values=False)


@router.get("/tasks", response_class=HTMLResponse)
def inbox(
    request: Request,
    db: Db,
    now: Now,
    user: PageUser,
    tab: Annotated[str, Query(max_length=20)] = "semua",
    step: Annotated[str, Query(max_length=8)] = "",
    period: Annotated[str, Query(max_length=200)] = "",
    skema: Annotated[str, Query(max_length=100)] = "",
    q: Annotated[str, Query(max_length=100)] = "",
    page_: Annotated[int, Query(alias="page", ge=1, le=10_000)] = 1,
    pesan: Annotated[str, Query(max_length=20)] = "",
) -> HTMLResponse:
    tab = tab if tab in TABS else "semua"
    q = q.strip()
    where = tasks.InboxFilter(
        overdue=True if tab == "terlambat" else None,
        mine=tab == "saya",
        period=period or None,
        step=step or None,
        skema=skema or None,
        q=q or None,
    )
    rows = tasks.inbox(db, user, now, where, page_, PAGE_SIZE)
    # Is there a next page? The one row after this page (a page of one row), rather than counting them all.
    more = len(rows) == PAGE_SIZE and bool(tasks.inbox(db, user, now, where, page_ * PAGE_SIZE + 1, 1))
    counts = tasks.inbox_counts(db, user, now)
    here = str(request.url.path) + (f"?{request.url.query}" if request.url.query else "")
    filters = {"step": step, "period": period, "skema": skema, "q": q}
    return page(
        request,
        "tugas.html",
        user,
        title="Tugas saya",
        aktif="tugas",
        rows=rows,
        counts=counts,
        tab=tab,
        tabs=TABS,
        filters=filters,
        filtered=any(filters.values()),
        halaman=page_,
        sebelumnya=_with(here, page=str(page_ - 1) if page_ > 2 else "", pesan="") if page_ > 1 else "",
        berikutnya=_with(here, page=str(page_ + 1), pesan="") if more else "",
        tab_url={key: _with("/tasks", tab=key if key != "semua" else "", **filters) for key in TABS},
        step_url={f.value: _with(here, step=f.value, page="", pesan="") for f in counts.steps},
        kembali=_with(here, pesan=""),
        pesan=PESAN.get(pesan),
    )


def _row_response(request: Request, user: Any, row: dict[str, Any], kembali: str) -> HTMLResponse:
    return page(request, "tugas_baris.html", user, title="", row=row, kembali=kembali)


def _claim_or_unclaim(
    request: Request,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: PageUser,
    task_id: str,
    kembali: str,
    *,
    claim: bool,
) -> Response:
    back = _back(kembali)
    try:
        done = (tasks.claim if claim else tasks.unclaim)(db, clock, settings, user, task_id)
    except ApiError as exc:
        if exc.status not in (403, 404, 409):
            raise
        if request.headers.get("HX-Request"):
            return page(request, "tugas_baris_hilang.html", user, title="", task_id=task_id, status_code=200)
        return RedirectResponse(_with(back, pesan="diambil"), status_code=303)
    if request.headers.get("HX-Request"):
        return _row_response(request, user, done.model_dump(mode="json"), back)
    return RedirectResponse(_with(back, pesan="diklaim" if claim else "dilepas"), status_code=303)


@router.post("/tasks/{task_id}/claim")
def claim(
    request: Request,
    task_id: str,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: PageUser,
    kembali: Annotated[str, Form(max_length=2000)] = "/tasks",
) -> Response:
    return _claim_or_unclaim(request, db, clock, settings, user, task_id, kembali, claim=True)


@router.post("/tasks/{task_id}/unclaim")
def unclaim(
    request: Request,
    task_id: str,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: PageUser,
    kembali: Annotated[str, Form(max_length=2000)] = "/tasks",
) -> Response:
    return _claim_or_unclaim(request, db, clock, settings, user, task_id, kembali, claim=False)


def _not_found(request: Request) -> HTMLResponse:
    return halaman_galat(
        request,
        404,
        judul="Tugas tidak ditemukan",
        pesan="Tugas ini tidak ada atau bukan untuk Anda.",
        kembali=("/tasks", "Kembali ke Tugas saya"),
    )
