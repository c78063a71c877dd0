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
from typing import Any, get_args

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core.core_schema import ErrorType
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

# What pydantic's checks of a request say, for the people reading `errors[].message` (pydantic's own words are
# English; `detail` says "invalid request" for integrators). A type not listed here is one of ours
# (`PydanticCustomError`, already Indonesian) or a rare one of pydantic's, said generally.
_TANGGAL = "bukan tanggal yang sah: tulis TTTT-BB-HH, misalnya 2026-12-01"
_WAKTU = "bukan waktu yang sah: tulis TTTT-BB-HHTjj:mm:dd dengan zona waktunya, misalnya 2026-12-01T08:00:00+07:00"
_PESAN_VALIDASI: dict[str, str] = {
    "missing": "wajib diisi",
    "json_invalid": "bukan JSON yang sah",
    "extra_forbidden": "isian ini tidak dikenal",
    "int_parsing": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "float_parsing": "harus angka",
    "float_type": "harus angka",
    "bool_parsing": "harus true atau false",
    "bool_type": "harus true atau false",
    "string_type": "harus teks",
    "dict_type": "harus objek JSON",
    "model_type": "harus objek JSON",
    "model_attributes_type": "harus objek JSON",
    "list_type": "harus daftar",
    "date_parsing": _TANGGAL,
    "date_from_datetime_parsing": _TANGGAL,
    "date_from_datetime_inexact": _TANGGAL,
    "date_type": _TANGGAL,
    "datetime_parsing": _WAKTU,
    "datetime_from_date_parsing": _WAKTU,
    "datetime_type": _WAKTU,
    "timezone_aware": "waktu harus menyebut zona waktunya, misalnya 2026-12-01T08:00:00+07:00",
    "string_too_short": "terlalu pendek: paling sedikit {min_length} karakter",
    "string_too_long": "terlalu panjang: paling banyak {max_length} karakter",
    "too_short": "terlalu sedikit: paling sedikit {min_length} butir",
    "too_long": "terlalu banyak: paling banyak {max_length} butir",
    "string_pattern_mismatch": "bentuknya tidak sesuai",
    "greater_than": "harus lebih dari {gt}",
    "greater_than_equal": "paling kecil {ge}",
    "less_than": "harus kurang dari {lt}",
    "less_than_equal": "paling besar {le}",
    "literal_error": "bukan pilihan yang dikenal; pilih salah satu: {expected}",
    "enum": "bukan pilihan yang dikenal; pilih salah satu: {expected}",
    "uuid_parsing": "bukan UUID yang sah",
    "url_parsing": "bukan alamat URL yang sah",
}


_PYDANTIC_TYPES = frozenset(get_args(ErrorType))


def pesan_validasi(error: Any) -> str:
    """pydantic's error on one field of a request, in Indonesian (see `_PESAN_VALIDASI`)."""
    kind = str(error.get("type", ""))
    template = _PESAN_VALIDASI.get(kind)
    if template is not None:
        try:
            return template.format(**(error.get("ctx") or {}))
        except (KeyError, IndexError, ValueError):
            return template.split(":")[0]
    if kind == "value_error":  # a plain ValueError of ours: its words are for integrators
        return "isian tidak valid"
    if kind in _PYDANTIC_TYPES:  # pydantic's own, not worded above: English
        return "isian tidak valid"
    return str(error.get("msg", "isian tidak valid"))


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        detail: str | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail or "")
        self.status = status
        self.headers = headers  # e.g. Retry-After on a 503
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
            return Answer(exc.status, exc.body, exc.headers)
        case UploadRejected():
            return Answer(exc.status, {"detail": exc.detail, "errors": [{"path": "file", "message": exc.message}]})
        case RequestValidationError():
            errors = [{"path": ".".join(str(p) for p in e["loc"]), "message": pesan_validasi(e)} for e in exc.errors()]
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
