"""Tugas saya (the inbox) and Kerjakan tugas (a task's page): the same services as /api/tasks.

The inbox lists the user's open tasks by due date with tabs, filters, counts per SOP step, paging and claim /
unclaim in place (htmx swaps the row; without JavaScript a plain POST and a redirect back). A task's page shows
its context and instructions, the form drawn from its served schema (api/ui/formulir.py), and answers Kirim,
Simpan draf (also saved as the user types), Klaim and Lepas.
"""

import logging
from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any
from urllib.parse import parse_qsl, urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from api.clock import Clock
from api.engine.form_rules import BERKAS
from api.errors import ApiError
from api.routes.deps import AppSettings, BackgroundWorker, ClockDep, Db, Now
from api.schemas import TaskDetail
from api.schemas.batch import BatchItem
from api.services import berkas, tasks
from api.store.enums import TaskState
from api.ui import formulir, kirim, komentar, konteks
from api.ui.galat import halaman_galat
from api.ui.kirim import Submitted
from api.ui.sesi import PageUser
from api.ui.templating import page
from service_tasks import format_indonesia as fmt
from service_tasks.format_indonesia import WIB

log = logging.getLogger(__name__)
router = APIRouter(include_in_schema=False)

PAGE_SIZE = 25
FEW = 3  # an inbox of this many tasks or fewer (a candidate's) shows no filters nor counts per step
TABS: dict[str, str] = {"semua": "Semua", "saya": "Milik saya", "terlambat": "Terlambat"}
# What a redirect back to the inbox says (a fixed set: no text from the address reaches the page).
PESAN: dict[str, tuple[str, str]] = {
    "terkirim": ("Tugas terkirim. Terima kasih.", "sukses"),
    "diproses": (
        "Tugas terkirim dan tercatat. Langkah berikutnya sedang disiapkan; tugas berikutnya muncul di sini "
        "sebentar lagi.",
        "sukses",
    ),
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
    kept = [(k, v) for k, v in parse_qsl(query) if k not in params]
    kept += [(k, v) for k, v in params.items() if v]
    return base + ("?" + urlencode(kept) if kept else "")


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
    jumlah: Annotated[int, Query(ge=0, le=10_000)] = 0,
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
    # This view's address without its one-off message: where links and a claim's redirect lead back to.
    here = _with(str(request.url.path) + (f"?{request.url.query}" if request.url.query else ""), pesan="", jumlah="")
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
        sebelumnya=_with(here, page=str(page_ - 1) if page_ > 2 else "") if page_ > 1 else "",
        berikutnya=_with(here, page=str(page_ + 1)) if more else "",
        tab_url=_tab_urls(filters),
        step_url={f.value: _with(here, step=f.value, page="") for f in counts.steps},
        kembali=here,
        pesan=(f"{jumlah} tugas terkirim. Terima kasih.", "sukses")
        if pesan == "terkirim" and jumlah > 1
        else PESAN.get(pesan),
        sejenis=_alike(rows),
        FEW=FEW,
    )


def _tab_urls(filters: dict[str, str]) -> dict[str, str]:
    """Each tab's address, keeping the filters."""
    return {key: _with("/tasks", tab=key if key != "semua" else "", **filters) for key in TABS}


def _alike(rows: list[dict[str, Any]]) -> set[str]:
    """The task names that appear more than once on the page: those rows can be ticked and done together."""
    seen: dict[str, int] = {}
    for row in rows:
        seen[row["name"]] = seen.get(row["name"], 0) + 1
    return {name for name, n in seen.items() if n > 1}


def _row_response(
    request: Request, db: Db, now: datetime, user: Any, row: dict[str, Any], kembali: str
) -> HTMLResponse:
    """The claimed or released row, and the tabs' counts (an htmx partial) of the view it was clicked in."""
    query = dict(parse_qsl(kembali.partition("?")[2]))
    tab = query.get("tab", "semua")
    filters = {k: query.get(k, "") for k in ("step", "period", "skema", "q")}
    return page(
        request,
        "tugas_baris_klaim.html",
        user,
        title="",
        row=row,
        kembali=kembali,
        sejenis={row["name"]},
        counts=tasks.inbox_counts(db, user, now),
        tabs=TABS,
        tab=tab if tab in TABS else "semua",
        tab_url=_tab_urls(filters),
    )


def _klaim(claim: bool) -> Callable[..., Response]:
    """The page route of Klaim (`claim`) or Lepas (`unclaim`): one body for both. An htmx click gets the row
    and the tabs' counts back; a plain post a redirect to where it was clicked, saying what happened."""

    def route(p: kirim.Dari, task_id: str, kembali: Annotated[str, Form(max_length=2000)] = "/tasks") -> Response:
        back, htmx = _back(kembali), bool(p.request.headers.get("HX-Request"))
        try:
            done = (tasks.claim if claim else tasks.unclaim)(p.db, p.clock, p.settings, p.user, task_id)
        except ApiError as exc:
            if exc.status not in (403, 404, 409):
                raise
            if exc.status != 409:
                return kirim.tidak_ditemukan(p.request)  # not theirs: as if it did not exist (the API's 403/404)
            if htmx:
                return page(p.request, "tugas_baris_hilang.html", p.user, title="", task_id=task_id)
            return RedirectResponse(_with(back, pesan="diambil"), status_code=303)
        if htmx:
            return _row_response(p.request, p.db, p.clock.now(), p.user, done.model_dump(mode="json"), back)
        return RedirectResponse(_with(back, pesan="diklaim" if claim else "dilepas"), status_code=303)

    route.__name__ = "claim" if claim else "unclaim"
    return route


router.post("/tasks/{task_id}/claim")(_klaim(claim=True))
router.post("/tasks/{task_id}/unclaim")(_klaim(claim=False))


# ---- Kerjakan beberapa sekaligus (before /tasks/{task_id}, which would take "sekaligus" for an id) ----


def _batch_page(
    request: Request,
    db: Db,
    user: Any,
    found: list[TaskDetail],
    *,
    data: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    hasil: dict[str, dict[str, Any]] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    first = found[0]
    schema = first.form.schema_
    form_html = summary = Markup("")
    if schema is not None:
        form_html = formulir.render(schema, data or {}, errors or (), ui_schema=first.form.ui_schema)
        if errors:
            summary = formulir.error_summary(errors, schema)
    return page(
        request,
        "tugas_sekaligus.html",
        user,
        title="Kerjakan beberapa sekaligus",
        aktif="tugas",
        found=found,
        terbuka=[t for t in found if (hasil or {}).get(t.id, {}).get("status") != 200],
        first=first,
        form_html=form_html,
        summary=summary,
        hasil=hasil or {},
        status_code=status_code,
    )


def _batch_refused(request: Request, exc: ApiError) -> HTMLResponse:
    messages = [str(e.get("message")) for e in exc.body.get("errors") or [] if isinstance(e, dict)]
    return halaman_galat(
        request,
        exc.status,
        judul="Tidak dapat dikerjakan sekaligus",
        pesan=" ".join(messages) or None,
        kembali=("/tasks", "Kembali ke Tugas saya"),
    )


@router.get("/tasks/sekaligus", response_class=HTMLResponse)
def batch(
    request: Request,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    user: PageUser,
    ids: Annotated[list[str], Query(max_length=tasks.BATCH_PAGE_MAX * 2)] = [],  # noqa: B006 (FastAPI copies it)
) -> Response:
    """The tasks ticked in the inbox, with one form for all of them."""
    if not ids:
        return RedirectResponse("/tasks", status_code=303)
    try:
        found = tasks.batch_form(db, clock, settings, user, ids)
    except ApiError as exc:
        if exc.status in (403, 404):
            return kirim.tidak_ditemukan(request)
        return _batch_refused(request, exc)
    return _batch_page(request, db, user, found)


@router.post("/tasks/sekaligus", response_class=HTMLResponse)
def complete_batch(
    request: Request,
    db: Db,
    clock: ClockDep,
    settings: AppSettings,
    worker: BackgroundWorker,
    user: PageUser,
    form: Submitted,
) -> Response:
    """One form's answers completing each ticked task, each as if sent alone (services.tasks.complete_batch):
    the done ones leave the page, the refused ones stay with their own messages."""
    ids = [str(v) for v in form.getlist("ids")]
    try:
        found = tasks.batch_form(db, clock, settings, user, ids)
    except ApiError as exc:
        if exc.status in (403, 404):
            return kirim.tidak_ditemukan(request)
        return _batch_refused(request, exc)
    schema = found[0].form.schema_
    data = formulir.parse(schema, form) if schema is not None else {}
    result = tasks.complete_batch(db, clock, settings, user, [BatchItem(task_id=t.id, data=data) for t in found])
    if result.completed:
        worker.wake()
    if result.completed == len(found):
        return RedirectResponse(f"/tasks?pesan=terkirim&jumlah={result.completed}", status_code=303)
    hasil = {o.task_id: o.model_dump() for o in result.items}
    left = [t for t in found if hasil[t.id]["status"] != 200]
    done = [t for t in found if hasil[t.id]["status"] == 200]
    first_errors = next((list(o.errors or []) for o in result.items if o.status == 422 and o.errors), [])
    return _batch_page(
        request,
        db,
        user,
        left + done,
        data=data,
        errors=[e for e in first_errors if isinstance(e, dict)],
        hasil=hasil,
        status_code=422 if any(hasil[t.id]["status"] == 422 for t in left) else 409,
    )


# ---- Kerjakan tugas ----

PESAN_TUGAS: dict[str, tuple[str, str]] = {
    "draf": ("Draf tersimpan. Anda dapat melanjutkannya nanti.", "sukses"),
    "diklaim": ("Tugas diklaim: kini hanya Anda yang melihatnya sampai Anda melepasnya.", "sukses"),
    "dilepas": ("Tugas dilepas.", "sukses"),
    "diambil": ("Tugas ini sudah diambil orang lain atau tidak lagi tersedia.", ""),
}


def _readable(key: str) -> str:
    return key.replace("_", " ").strip().capitalize() or "Isian"


def _value_text(schema: dict[str, Any], value: Any) -> str:
    """A submitted value as words: a choice by its title, yes/no, a date as "11 Juni 2026"."""
    titles = {c.get("const"): c.get("title") for c in schema.get("oneOf") or [] if isinstance(c, dict)}
    if isinstance(value, bool):
        return "Ya" if value else "Tidak"
    if value in titles and isinstance(titles[value], str):
        return str(titles[value])
    if schema.get("format") == "date" and isinstance(value, str):
        return fmt.tanggal(value) or value
    if BERKAS in schema:
        return f"Berkas nomor {value}"
    if isinstance(value, int | float):
        return fmt.angka(value)
    if value is None or (isinstance(value, str) and not value.strip()):
        return "-"
    return str(value) if not isinstance(value, str) else value


def _shown(schema: dict[str, Any], data: Any) -> list[dict[str, Any]]:
    """What was submitted, as labelled items for a read-only view: {label, teks} or {label, anak} or
    {label, baris: [items per row]}, in the form's order, with the form's titles."""
    out: list[dict[str, Any]] = []
    if not isinstance(data, dict):
        return out
    props: dict[str, Any] = schema.get("properties") or {}
    for key in [*props, *(k for k in data if k not in props)] if props else list(data):
        if key not in data:
            continue
        found = props.get(key)
        sub: dict[str, Any] = found if isinstance(found, dict) else {}
        label = str(sub.get("title") or _readable(key))
        value = data[key]
        if isinstance(value, dict):
            out.append({"label": label, "anak": _shown(sub, value)})
        elif isinstance(value, list):
            items: dict[str, Any] = sub["items"] if isinstance(sub.get("items"), dict) else {}
            if any(isinstance(v, dict) for v in value):
                out.append({"label": label, "baris": [_shown(items, v) for v in value if isinstance(v, dict)]})
            else:
                out.append({"label": label, "teks": ", ".join(_value_text(items, v) for v in value) or "-"})
        else:
            out.append({"label": label, "teks": _value_text(sub, value)})
    return out


def _context(db: Db, user: Any, t: TaskDetail, panel: konteks.Konteks) -> dict[str, Any] | None:
    """The context panel's values; a failing builder is a bug, logged, and the task stays workable without it."""
    try:
        return panel.build(db, user, t)
    except Exception:
        log.exception("context panel %s failed for task %s", panel.template, t.id)
        return None


def _task_page(
    request: Request,
    db: Db,
    clock: Clock,
    user: Any,
    t: TaskDetail,
    *,
    data: dict[str, Any] | None = None,
    errors: list[dict[str, Any]] | None = None,
    konflik: str = "",
    tunggu: str = "",
    konfirmasi: list[str] | None = None,
    pesan: tuple[str, str] | None = None,
    status_code: int = 200,
) -> HTMLResponse:
    schema = t.form.schema_
    open_ = t.state == TaskState.READY and t.claimed_by in (None, user.username) and not konflik
    values = data if data is not None else kirim.isian_awal(t)
    form_html = summary = Markup("")
    if open_ and schema is not None:
        shown = berkas.info(db, user, set(formulir.berkas_ids(schema, values)))
        form_html = formulir.render(
            schema,
            values,
            errors or (),
            ui_schema=t.form.ui_schema,
            berkas=shown,
            upload_url=f"/api/tasks/{t.id}/berkas",
        )
    if errors:
        summary = formulir.error_summary(errors, schema or {})
    submitted = _shown(schema or {}, t.submitted) if t.state == TaskState.COMPLETED and t.submitted else []
    panel = konteks.for_form(t.form.file) if open_ or t.state == TaskState.COMPLETED else None
    built = _context(db, user, t, panel) if panel is not None else None
    return page(
        request,
        "tugas_kerjakan.html",
        user,
        title=t.name,
        aktif="tugas",
        t=t,
        open_=open_,
        form_html=form_html,
        summary=summary,
        submitted=submitted,
        konteks=panel if built is not None else None,
        konteks_gagal=panel is not None and built is None,
        k=built,
        konflik=konflik,
        tunggu=tunggu,
        konfirmasi=konfirmasi or [],
        pesan=pesan,
        kom=komentar.panel_tugas(db, clock.now(), user, t.id),
        status_code=status_code,
    )


@router.get("/tasks/{task_id}", response_class=HTMLResponse)
def task_page(p: kirim.Dari, task_id: str, pesan: Annotated[str, Query(max_length=20)] = "") -> Response:
    t = kirim.tugas_untuk(p, task_id)
    if t is None:
        return kirim.tidak_ditemukan(p.request)
    return _task_page(p.request, p.db, p.clock, p.user, t, pesan=PESAN_TUGAS.get(pesan))


def _layar(p: kirim.Pengirim, draf: str = "") -> kirim.Layar:
    """Kerjakan tugas as a screen that sends: drawn again by `_task_page`; once sent, the inbox says so."""

    def gambar(t: TaskDetail, u: kirim.Ulang) -> HTMLResponse:
        return _task_page(
            p.request,
            p.db,
            p.clock,
            p.user,
            t,
            data=u.data,
            errors=u.errors,
            konfirmasi=u.konfirmasi,
            konflik=u.konflik,
            tunggu=u.tunggu,
            status_code=u.status_code,
        )

    return kirim.Layar(gambar=gambar, sesudah=lambda: "/tasks?pesan=terkirim", draf=draf)


@router.post("/tasks/{task_id}/complete", response_class=HTMLResponse)
def complete(p: kirim.Dari, task_id: str, form: Submitted) -> Response:
    """Kirim: `kirim.kirim` (a 422 shows the form again with what was typed, the summary on top and each message
    at its field; a choice that cannot be taken back is asked about once more), then the inbox."""
    t = kirim.tugas_untuk(p, task_id)
    if t is None:
        return kirim.tidak_ditemukan(p.request)
    return kirim.kirim(p, t, form, _layar(p))


@router.post("/tasks/{task_id}/draft", response_class=HTMLResponse)
def save_draft(p: kirim.Dari, task_id: str, form: Submitted) -> Response:
    """Simpan draf: the form as typed so far, kept on the server (not checked); htmx's autosave gets the line
    "Draf tersimpan 14.05 WIB", a plain post the task page again."""
    t = kirim.tugas_untuk(p, task_id)
    if t is None:
        return kirim.tidak_ditemukan(p.request)
    if not p.request.headers.get("HX-Request"):
        return kirim.simpan_draf(p, t, form, _layar(p, draf=f"/tasks/{task_id}?pesan=draf"))
    try:
        saved, now = kirim.simpan(p, t, form)
    except ApiError as exc:
        if exc.status == 413:
            return HTMLResponse(_draft_line("Draf terlalu besar untuk disimpan.", galat=True))
        raise
    if now is not None:
        return HTMLResponse(_draft_line(f"Draf tidak tersimpan. {kirim.konflik(now, p.user)}", galat=True))
    return HTMLResponse(_draft_line(f"Draf tersimpan {saved.updated_at.astimezone(WIB):%H.%M} WIB"))


def _draft_line(words: str, *, galat: bool = False) -> str:
    return str(Markup('<span class="{}">{}</span>').format("pesan-galat" if galat else "", words))
