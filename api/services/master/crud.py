"""What every master-data resource shares: 404 by id, a duplicate as a 409 naming the request field, the
aktif switch, a page of a search, and the LSP's "today"."""

import re
from collections.abc import Callable
from datetime import date, datetime
from typing import Any, Protocol, TypeVar

from sqlalchemy import ColumnElement, Select, UniqueConstraint, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.schemas.common import Page
from api.store.db import Base, Database
from api.store.enums import AksiDataInduk, DataInduk
from api.store.master import PerubahanDataInduk
from api.store.models import User
from service_tasks.format_indonesia import WIB

M = TypeVar("M")
Out = TypeVar("Out")


class Switchable(Protocol):
    aktif: bool
    updated_at: datetime


S = TypeVar("S", bound=Switchable)


def today(now: datetime) -> date:
    """The LSP works in Western Indonesian Time: "today" (MET or licence still valid) is a WIB date."""
    return now.astimezone(WIB).date()


def field_error(status_code: int, field: str, detail: str, message: str) -> ApiError:
    """The shape of every error body (api/errors.py): English `detail`, the field at fault with an
    Indonesian message."""
    return ApiError(status_code, detail, [{"path": field, "message": message}])


def duplicate(field: str, value: object) -> ApiError:
    return field_error(409, field, f"{field} {value!r} is already registered", f"{field} {value!r} sudah terdaftar")


# The master tables whose unique constraints a request can run into, and the request fields named other than
# their column.
_UNIQUE_TABLES = ("skema", "tuk", "asesor", "peserta", "konflik_kepentingan", "pengurus_pleno")
_FIELD_OF_COLUMN = {"user_id": "username", "peserta_id": "peserta_username"}


def _unique_fields() -> tuple[dict[str, str], dict[str, str]]:
    """Unique constraint -> the request field a duplicate is reported on (the constraint's last column), by
    constraint name (as PostgreSQL reports it) and by "table.first_column" (as SQLite does:
    "UNIQUE constraint failed: peserta.nim"), read from the models."""
    by_name: dict[str, str] = {}
    by_column: dict[str, str] = {}
    for name in _UNIQUE_TABLES:
        table = Base.metadata.tables[name]
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint) and isinstance(constraint.name, str):
                columns = list(constraint.columns)
                field = _FIELD_OF_COLUMN.get(columns[-1].name, columns[-1].name)
                by_name[constraint.name] = field
                by_column[f"{table.name}.{columns[0].name}"] = field
    return by_name, by_column


UNIQUE_FIELDS, SQLITE_UNIQUE = _unique_fields()


def flush(session: Session) -> None:
    """Write now, so a duplicate that slipped past the checks (a concurrent request) is a 409 naming the field."""
    try:
        session.flush()
    except IntegrityError as exc:
        diag = getattr(exc.orig, "diag", None)
        field = UNIQUE_FIELDS.get(getattr(diag, "constraint_name", None) or "")
        if field is None:
            match = re.search(r"UNIQUE constraint failed: ([\w.]+)", str(exc.orig))
            field = SQLITE_UNIQUE.get(match.group(1)) if match else None
        if field is None:
            raise
        raise field_error(409, field, f"{field} is already registered", f"{field} sudah terdaftar") from exc


def get_or_404(session: Session, model: type[M], id_: int, what: str) -> M:
    row = session.get(model, id_)
    if row is None:
        raise ApiError(404, f"no {what} {id_}")
    return row


def taken(session: Session, column: Any, value: object, own_id: int | None = None) -> bool:
    """Another row already has this value in this (unique) column."""
    query = select(column.class_.id).where(column == value)
    if own_id is not None:
        query = query.where(column.class_.id != own_id)
    return session.scalars(query.limit(1)).first() is not None


def user_with_role(session: Session, username: str, role: str, field: str) -> User:
    user = session.scalars(select(User).where(User.username == username)).first()
    if user is None:
        raise field_error(422, field, f"no user {username!r}", f"pengguna {username!r} tidak ada")
    if role not in user.role_codes:
        raise field_error(
            422, field, f"user {username!r} lacks the role {role}", f"pengguna {username!r} tidak memiliki peran {role}"
        )
    return user


def search(q: str | None, *columns: Any) -> list[ColumnElement[bool]]:
    """A case-insensitive "contains" over the columns (LIKE wildcards in `q` match themselves)."""
    if not q or not q.strip():
        return []
    escaped = q.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return [or_(*(func.lower(c).like(pattern, escape="\\") for c in columns))]


def page(
    db: Database, query: Select[Any], count: Select[Any], page: int, page_size: int, out: Callable[[Any], Out]
) -> Page[Out]:
    with db.reading() as session:
        total = session.scalar(count) or 0
        rows = session.scalars(query.offset((page - 1) * page_size).limit(page_size)).unique().all()
        return Page(items=[out(r) for r in rows], total=total, page=page, page_size=page_size)


def set_aktif(
    db: Database,
    now: datetime,
    actor: str,
    model: type[S],
    id_: int,
    aktif: bool,
    what: str,
    out: Callable[[S], Out],
    data: DataInduk,
    subjek: Callable[[S], str | None],
) -> Out:
    """Deactivate (or activate again) a record: nothing is deleted; the change is recorded (`catat`)."""
    with db.transaction() as session:
        row = get_or_404(session, model, id_, what)
        if row.aktif != aktif:
            row.aktif = aktif
            row.updated_at = now
            flush(session)
            aksi = AksiDataInduk.DIAKTIFKAN if aktif else AksiDataInduk.DINONAKTIFKAN
            catat(session, now, actor, data, id_, subjek(row), aksi, {"aktif": not aktif}, {"aktif": aktif})
        return out(row)


# --- the change history of master data (`perubahan_data_induk`, searched by api/services/audit.py) --------


def _jsonable(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return value


def snapshot(row: object, fields: tuple[str, ...]) -> dict[str, Any]:
    """The fields of a record as the change history keeps them (dates as ISO text)."""
    return {field: _jsonable(getattr(row, field)) for field in fields}


def catat(
    session: Session,
    now: datetime,
    actor: str,
    data: DataInduk,
    record_id: int,
    subjek: str | None,
    aksi: AksiDataInduk,
    before: dict[str, Any],
    after: dict[str, Any],
) -> None:
    """Record a change of master data in its own transaction: the fields whose value changed, before and after
    (a record created: every field, from nothing). A change that changes nothing is not recorded."""
    perubahan = {
        field: {"sebelum": before.get(field), "sesudah": value}
        for field, value in after.items()
        if aksi == AksiDataInduk.DIBUAT or before.get(field) != value
    }
    if not perubahan and aksi == AksiDataInduk.DIUBAH:
        return
    session.add(
        PerubahanDataInduk(
            at=now,
            actor=actor,
            data=data,
            record_id=record_id,
            subjek=subjek,
            aksi=aksi,
            perubahan=perubahan,
        )
    )
    session.flush()
