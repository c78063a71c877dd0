"""What a route may ask FastAPI for: the database, the clock, the settings, the worker, and the paging and
search parameters every list takes.

Routes take these as parameters (`db: Db`) instead of reaching into `request.app.state`, so each route's
needs are visible in its signature and tests can override them.
"""

import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Annotated, Any

from fastapi import Depends, Path, Query, Request
from pydantic import AfterValidator, AwareDatetime
from pydantic_core import PydanticCustomError
from starlette.datastructures import UploadFile
from starlette.responses import Response

from api.background.worker import Worker
from api.clock import Clock
from api.errors import ApiError
from api.login_guard import LoginGuard
from api.services.dokumen import StoredFile
from api.settings import Settings
from api.store.db import Database
from api.store.storage import attachment_disposition, inline_disposition


# The dependencies below only read the app's state: `async def` runs them in the event loop; a plain `def`
# would send each to the thread pool and back (several hops per request, as much as a small query costs).
async def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


async def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


async def get_now(clock: Annotated[Clock, Depends(get_clock)]) -> datetime:
    return clock.now()


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_worker(request: Request) -> Worker:
    worker: Worker = request.app.state.worker
    return worker


async def get_user_cache(request: Request) -> dict[str, Any]:
    """The signed-in users api/auth.py keeps for a few seconds; a user change drops its entry."""
    cache: dict[str, Any] = request.app.state.user_cache
    return cache


async def get_login_guard(request: Request) -> LoginGuard:
    guard: LoginGuard = request.app.state.login_guard
    return guard


Db = Annotated[Database, Depends(get_db)]
ClockDep = Annotated[Clock, Depends(get_clock)]
Now = Annotated[datetime, Depends(get_now)]
AppSettings = Annotated[Settings, Depends(get_settings)]
BackgroundWorker = Annotated[Worker, Depends(get_worker)]
UserCache = Annotated[dict[str, Any], Depends(get_user_cache)]
Guard = Annotated[LoginGuard, Depends(get_login_guard)]

# Every id or version a client sends in a path or a query fits the columns it is compared with (INTEGER:
# 32 bits on PostgreSQL, which refuses a larger value; SQLite overflows past 64 bits): beyond, 422 naming
# the parameter, before any query.
MAX_ID = 2**31 - 1
Id = Annotated[int, Path(ge=1, le=MAX_ID, description="a positive 32-bit integer")]
IdFilter = Annotated[int | None, Query(ge=1, le=MAX_ID, description="a positive 32-bit integer")]

# The query parameters of every list; the page bound keeps the row offset (page - 1) * page_size in range.
PageNumber = Annotated[int, Query(ge=1, le=1_000_000)]
PageSize = Annotated[int, Query(ge=1, le=500)]


def _in_utc(moment: datetime) -> datetime:
    try:
        return moment.astimezone(UTC)
    except OverflowError as exc:
        raise PydanticCustomError("di_luar_kalender", "waktu ini di luar tahun 1-9999 setelah diubah ke UTC") from exc


# A moment a list is filtered by: with its UTC offset (a naive one would be read in an unknown zone), 422
# when it has none or falls outside the years 1-9999 once in UTC.
Moment = Annotated[
    AwareDatetime | None,
    AfterValidator(lambda m: None if m is None else _in_utc(m)),
    Query(description="an ISO 8601 date and time with its UTC offset, e.g. 2026-12-01T00:00:00+07:00"),
]
Search = Annotated[str | None, Query(max_length=100, description="case-insensitive part of a code, number or name")]


NUL = "\x00"
# Levels of objects and lists a body may nest: far more than any form, far fewer than an answer can carry
# back (pydantic writes 255 levels at most: data nested deeper would be stored, then fail every read).
MAX_DEPTH = 64
NOT_TEXT = "tidak boleh memuat karakter NUL (U+0000) atau karakter yang bukan UTF-8"
NOT_A_NUMBER = "bukan angka yang sah (NaN atau Infinity)"
TOO_DEEP = f"bertingkat lebih dari {MAX_DEPTH} lapis"


def _unstorable_text(text: str) -> bool:
    """A NUL (PostgreSQL cannot store it) or a lone surrogate (not UTF-8: no reply could even repeat it)."""
    if NUL in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _printable(text: str) -> str:
    return text.replace(NUL, "\\0").encode("utf-8", "backslashreplace").decode("utf-8")


def unstorable(value: Any, path: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """(dotted path, Indonesian reason) of what a client sent that could not be stored or answered back:
    text holding a NUL or a lone surrogate (keys included), NaN or +-Infinity (Python's JSON reader accepts
    them; JSON and PostgreSQL do not), and nesting deeper than `MAX_DEPTH`."""
    if isinstance(value, dict | list) and depth >= MAX_DEPTH:
        yield path, TOO_DEEP
    elif isinstance(value, str):
        if _unstorable_text(value):
            yield path, NOT_TEXT
    elif isinstance(value, float) and not math.isfinite(value):
        yield path, NOT_A_NUMBER
    elif isinstance(value, dict):
        for k, v in value.items():
            name = path + "." + _printable(str(k))
            if _unstorable_text(str(k)):
                yield name, NOT_TEXT
            yield from unstorable(v, name, depth + 1)
    elif isinstance(value, list | tuple):
        for i, v in enumerate(value):
            yield from unstorable(v, f"{path}.{i}", depth + 1)
    elif isinstance(value, UploadFile):
        yield from unstorable(value.filename or "", path, depth)


async def refuse_nul(request: Request) -> None:  # the name predates NaN and depth
    """No text a client sends may hold a NUL character (U+0000): PostgreSQL cannot store one in a text
    column, SQLite would keep it and every later reader trip on it. Installed on the whole app, before the
    caller is authenticated, it checks the path and query parameters and the body FastAPI has already parsed
    (JSON, including nested strings, or form fields and uploaded file names): 422 naming the parameter."""
    found = list(unstorable(dict(request.path_params), "path"))
    for k, v in request.query_params.multi_items():
        found += unstorable({k: v}, "query")
    # FastAPI parsed the body (if the route takes one) before solving dependencies; Starlette keeps it.
    if (form := request._form) is not None:
        for name, item in form.multi_items():
            found += unstorable({name: item}, "body")
    elif "_json" in request.__dict__:
        found += list(unstorable(request.__dict__["_json"], "body", depth=-1))  # "body" itself is no level
    if found:
        raise ApiError(
            422,
            "text may not contain NUL characters (U+0000) or lone surrogates, numbers may not be NaN or Infinity,"
            f" and nesting is at most {MAX_DEPTH} levels; nothing was saved",
            [{"path": p, "message": m} for p, m in dict.fromkeys(found)],
        )


def file_response(f: StoredFile, *, download: bool = False) -> Response:
    """A file the service rendered (a document's own file, a print layer), for every route and page that sends one:
    shown in the browser, or saved when `download`; named and tagged by its SHA-256. No CSP sandbox, which would
    stop Chromium showing the PDF; no framing elsewhere."""
    disposition = attachment_disposition(f.name) if download else inline_disposition(f.name)
    return Response(
        f.content,
        media_type=f.content_type,
        headers={
            "Content-Disposition": disposition,
            "ETag": f'"{f.sha256}"',
            "Content-Security-Policy": "frame-ancestors 'none'",
        },
    )
