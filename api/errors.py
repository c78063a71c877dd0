"""Error bodies: every 4xx says what is wrong and where (field path or BPMN element); a 5xx says nothing.

A refusal of the SOP's rules or of the form is a 422 naming the field; a failing script or service task a
422 naming the BPMN element; a unique-constraint conflict a 409 naming the field; a lost optimistic race a
409 (after the routes that retry have retried); a busy database a 503 with `Retry-After` (nothing was saved:
the client sends the same request again): on SQLite a write that got no turn in the write queue, or no lock
from another process, within 30 s, on any database a lock or lost race the service did not retry
(`api.store.db.is_busy`: reads and commits included). Anything else is a bug:
logged with its traceback, and answered 500 without a word of SQL or internals. `answer_to` is the one mapping:
the app's exception handlers answer with it, and a batch (`POST /api/tasks/complete-batch`) answers each item.
"""

import logging
import re
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from api.engine.deployments import DeploymentInvalid
from api.engine.errors import EngineError, FormInvalid, TaskNotReady, TaskRefused
from api.store.db import Base, DatabaseBusy, is_busy
from api.store.storage import UploadRejected

log = logging.getLogger(__name__)
# SQLite names the columns ("UNIQUE constraint failed: sertifikat.nomor"); PostgreSQL the key in its detail
# ("Key (nomor)=(...) already exists.") and the constraint by name.
_SQLITE_COLUMNS = re.compile(r"constraint failed: ([\w.]+(?:, [\w.]+)*)")
_PG_KEY = re.compile(r"Key \(([^)]*)\)=")


def _constraint_columns(name: str) -> list[str] | None:
    for table in Base.metadata.tables.values():
        for constraint in table.constraints:
            if constraint.name == name:
                return [c.name for c in getattr(constraint, "columns", [])]
    return None


def conflicting_field(exc: IntegrityError) -> str | None:
    """The column(s) a constraint conflict is about, e.g. "nomor" or "key, version", read from the driver's
    error (never shown to the client as it is: it carries the SQL and the values)."""
    orig = exc.orig
    diag = getattr(orig, "diag", None)
    if diag is not None:  # psycopg
        if m := _PG_KEY.search(diag.message_detail or ""):
            return ", ".join(c.strip().strip('"') for c in m.group(1).split(","))
        if diag.column_name:
            return str(diag.column_name)
        if diag.constraint_name and (columns := _constraint_columns(diag.constraint_name)):
            return ", ".join(columns)
        return None
    if m := _SQLITE_COLUMNS.search(str(orig)):
        return ", ".join(c.rsplit(".", 1)[-1] for c in m.group(1).split(", "))
    return None


RETRY_AFTER_BUSY_SECONDS = 2


class ApiError(Exception):
    def __init__(self, status: int, detail: str | None = None, errors: list[dict[str, Any]] | None = None) -> None:
        super().__init__(detail or "")
        self.status = status
        self.body: dict[str, Any] = {}
        if detail:
            self.body["detail"] = detail
        if errors is not None:
            self.body["errors"] = errors


@dataclass(frozen=True)
class Answer:
    """The HTTP answer to a failure: its status, JSON body and headers."""

    status: int
    body: dict[str, Any]
    headers: dict[str, str] | None = None

    def response(self) -> JSONResponse:
        return JSONResponse(self.body, self.status, headers=self.headers)


BUG = Answer(500, {"detail": "internal error: it has been logged; nothing was saved"})


def answer_to(exc: Exception, where: str) -> Answer:
    """The answer to `exc`, raised while serving `where` ("POST /api/tasks/x/complete", an item of a batch):
    the one mapping of failures to answers, used by the app's exception handlers and by a batch for each item.
    Anything not a known failure is a bug: logged with its traceback, answered `BUG`."""
    match exc:
        case ApiError():
            return Answer(exc.status, exc.body)
        case UploadRejected():
            return Answer(exc.status, {"detail": exc.detail, "errors": [{"path": "file", "message": exc.message}]})
        case RequestValidationError():
            errors = [{"path": ".".join(str(p) for p in e["loc"]), "message": e["msg"]} for e in exc.errors()]
            return Answer(422, {"detail": "invalid request", "errors": errors})
        case StaleDataError():
            return Answer(409, {"detail": "the instance was changed by another request at the same time; retry"})
        case TaskNotReady():
            return Answer(409, {"detail": "task is no longer ready"})
        case FormInvalid():
            return Answer(422, {"detail": "the data does not satisfy the task's form", "errors": exc.errors})
        case TaskRefused():
            body = {
                "detail": "the SOP's rules refuse this submission; nothing was saved",
                "errors": [{"path": r.field, "message": r.message} for r in exc.refusals],
            }
            return Answer(422, body)
        case EngineError():
            body = {
                "detail": "the process could not continue with this data; nothing was saved",
                "errors": [{"path": exc.element_id or "", "element_id": exc.element_id, "message": str(exc)}],
            }
            return Answer(422, body)
        case DeploymentInvalid():
            return Answer(422, exc.as_json())
        case IntegrityError():
            field = conflicting_field(exc)
            log.warning("constraint conflict on %s: %s", field, exc.orig)
            body = {"detail": "the data conflicts with data already saved; nothing was saved"}
            if field:
                body["errors"] = [{"path": field, "message": f"{field} sudah dipakai data lain"}]
            return Answer(409, body)
        case DatabaseBusy() | DBAPIError() if is_busy(exc):
            log.warning("database busy on %s: %s", where, getattr(exc, "orig", exc))
            body = {
                "detail": "the database is busy with other writes; nothing was saved, retry",
                "errors": [{"path": "", "message": "basis data sedang sibuk; tidak ada yang tersimpan, coba lagi"}],
            }
            return Answer(503, body, {"Retry-After": str(RETRY_AFTER_BUSY_SECONDS)})
    log.error("unexpected error on %s", where, exc_info=exc)
    return BUG


# Every failure `answer_to` knows, and Exception for the bugs (Starlette finds a handler by the exception's MRO).
HANDLED: tuple[type[Exception], ...] = (
    ApiError,
    UploadRejected,
    RequestValidationError,
    StaleDataError,
    TaskNotReady,
    FormInvalid,
    TaskRefused,
    EngineError,
    DeploymentInvalid,
    IntegrityError,
    DatabaseBusy,
    DBAPIError,
    Exception,
)


def install(app: FastAPI) -> None:
    async def _answer(request: Request, exc: Exception) -> JSONResponse:
        return answer_to(exc, f"{request.method} {request.url.path}").response()

    for kind in HANDLED:
        app.add_exception_handler(kind, _answer)
