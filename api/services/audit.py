"""The audit search: one search over every instance's history (`event`), the change history of master data
(`perubahan_data_induk`) and the substitutions named and ended (`pengganti`, two rows each), by actor, event
type, kind, period, candidate, skema, date range and task; newest first, paged by a cursor (keyset: the page
after a given row is an index range, as fast at a million events as at ten thousand), and streamed whole as CSV.

The order is (at, kind, id) descending: a substitution's end, then its naming, then a history event, then a
master-data change of the same moment. Each source is read up to one page, newest first, and they are merged:
the history and the changes with their own indexes (migration 0018_audit); the substitutions, a small table
(a row per absence of an official), by a range on their moment without an index of their own.

A substitution's rows are about two people besides the one who acted: `actor` finds the rows the person
named or ended, and also those where they are the absent person (`diwakili`) or the substitute (`pengganti`):
an auditor asking what someone did needs to see when they acted for another, and for whom. A substitution is
no part of a period, a task, a candidate's file or a skema: those filters leave it out.
"""

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, func, literal, or_, select, tuple_
from sqlalchemy.orm import Session

from api.errors import ApiError
from api.schemas.audit import AuditPage, AuditRow
from api.services.ekspor import csv_text
from api.store.db import Database, UtcDateTime
from api.store.enums import AksiDataInduk, EventType, JenisAudit, PeristiwaPengganti
from api.store.master import PerubahanDataInduk, Peserta, Skema
from api.store.models import Event, HumanTask, Pengganti, ProcessInstance, User
from service_tasks.format_indonesia import WIB

# A candidate named by part of their name may be several people: the search follows at most this many.
MAX_PESERTA = 100
CSV_CHUNK = 1000
FEW_INSTANCES = 500
# The rank of each kind in the order (a history event before a master-data change of the same moment); a
# substitution's two rows are two sources, its end ranked after its naming (newest first: the end first).
_RANK = {JenisAudit.PROSES: 1, JenisAudit.DATA_INDUK: 0}
_RANK_PENGGANTI = {PeristiwaPengganti.DITUNJUK: 2, PeristiwaPengganti.DIAKHIRI: 3}
_RANKS = {*_RANK.values(), *_RANK_PENGGANTI.values()}
_TASK_ID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
TYPES: dict[str, JenisAudit] = {
    **{str(t): JenisAudit.PROSES for t in EventType},
    **{str(a): JenisAudit.DATA_INDUK for a in AksiDataInduk},
    **{str(p): JenisAudit.PENGGANTI for p in PeristiwaPengganti},
}


@dataclass(frozen=True)
class AuditFilter:
    """What the search is narrowed to; None: anything."""

    actor: str | None = None
    type: str | None = None
    kind: JenisAudit | None = None
    period: str | None = None
    peserta: str | None = None  # NIM, username or part of the name
    skema: str | None = None  # nomor
    date_from: date | None = None  # WIB days, both included
    date_to: date | None = None
    task: str | None = None  # a task's id, or its name


@dataclass(frozen=True)
class Cursor:
    at: datetime
    rank: int
    id: int

    def text(self) -> str:
        return f"{self.at.isoformat()}~{self.rank}~{self.id}"


def _field_error(field: str, detail: str, message: str) -> ApiError:
    return ApiError(422, detail, [{"path": field, "message": message}])


def parse_cursor(text: str | None) -> Cursor | None:
    if not text:
        return None
    try:
        at_text, rank, id_ = text.split("~")
        at = datetime.fromisoformat(at_text)
        cursor = Cursor(at, int(rank), int(id_))
    except ValueError:
        cursor = None
    if cursor is None or at.tzinfo is None or cursor.rank not in _RANKS or not 0 < cursor.id < 2**31:
        raise _field_error(
            "cursor", "not a cursor of this search", "penanda halaman tidak dikenal; mulai lagi dari halaman pertama"
        )
    return cursor


def check(where: AuditFilter) -> None:
    """Refuse what cannot be searched, naming the field: an unknown event type, a type of the other kind,
    a date range ending before it starts."""
    if where.type is not None:
        kind = TYPES.get(where.type)
        if kind is None:
            raise _field_error(
                "type", f"unknown event type {where.type!r}", f"jenis peristiwa {where.type!r} tidak dikenal"
            )
        if where.kind is not None and where.kind != kind:
            raise _field_error(
                "type",
                f"event type {where.type!r} is not of the kind {where.kind}",
                f"jenis peristiwa {where.type!r} bukan peristiwa {where.kind}",
            )
    if where.date_from and where.date_to and where.date_to < where.date_from:
        raise _field_error(
            "date_to",
            "the date range ends before it starts",
            "tanggal akhir tidak boleh sebelum tanggal awal",
        )


def _wib_midnight(day: date) -> datetime:
    return datetime.combine(day, time(), WIB)


@dataclass
class _Scope:
    """The filter resolved to what the two tables hold: None = not narrowed, an empty list = nothing matches."""

    kinds: tuple[JenisAudit, ...]
    root_ids: list[int] | None = None
    instance_ids: list[int] | None = None
    usernames: list[str] | None = None
    # PostgreSQL: the instances of a skema as a subquery (its planner walks the history newest first and keeps
    # what is in it); SQLite plans that subquery badly and is given the list (`instance_ids`) instead.
    skema_instances: Select[Any] | None = None


def _period_roots(session: Session, period: str) -> list[int]:
    if period.isdigit() and int(period) < 2**31:
        found = session.scalars(
            select(ProcessInstance.id).where(ProcessInstance.id == int(period), ProcessInstance.parent_id.is_(None))
        ).all()
    else:
        found = session.scalars(
            select(ProcessInstance.id).where(
                ProcessInstance.business_key == period, ProcessInstance.parent_id.is_(None)
            )
        ).all()
    if not found:
        raise _field_error("period", f"no period {period!r}", f"periode {period!r} tidak ada")
    return list(found)


def _peserta_usernames(session: Session, text: str) -> list[str]:
    """The candidates a NIM, username or part of a name names."""
    text = text.strip()
    escaped = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    query = (
        select(User.username)
        .join(Peserta, Peserta.user_id == User.id)
        .where(
            or_(
                Peserta.nim == text,
                User.username == text,
                func.lower(User.full_name).like(f"%{escaped}%", escape="\\"),
            )
        )
        .order_by(User.username)
        .limit(MAX_PESERTA)
    )
    return list(session.scalars(query))


def _scope(session: Session, where: AuditFilter) -> _Scope:
    kinds: tuple[JenisAudit, ...] = (JenisAudit.PROSES, JenisAudit.DATA_INDUK, JenisAudit.PENGGANTI)
    if where.kind is not None:
        kinds = (where.kind,)
    elif where.type is not None:
        kinds = (TYPES[where.type],)
    # A period or a task belongs to the history only: master data is no part of one.
    if where.period or where.task:
        kinds = tuple(k for k in kinds if k == JenisAudit.PROSES)
    scope = _Scope(kinds)
    if where.period:
        scope.root_ids = _period_roots(session, where.period)
    if where.peserta:
        scope.usernames = _peserta_usernames(session, where.peserta)
        scope.instance_ids = (
            list(session.scalars(select(ProcessInstance.id).where(ProcessInstance.subject.in_(scope.usernames))))
            if scope.usernames
            else []
        )
    if where.skema:
        of_skema = select(HumanTask.instance_id).where(HumanTask.skema == where.skema)
        if scope.instance_ids is not None:
            of_skema = of_skema.where(HumanTask.instance_id.in_(scope.instance_ids))
        elif session.get_bind().dialect.name == "postgresql":
            scope.skema_instances = of_skema
            return scope
        scope.instance_ids = sorted(set(session.scalars(of_skema.distinct())))
    return scope


def _after(at: Any, id_: Any, rank: int, cursor: Cursor | None) -> list[ColumnElement[bool]]:
    """The rows of one source (of `rank`) that come after the cursor in the order (at, rank, id) descending."""
    if cursor is None:
        return []
    if rank == cursor.rank:
        return [tuple_(at, id_) < tuple_(literal(cursor.at, UtcDateTime()), literal(cursor.id))]
    moment = literal(cursor.at, UtcDateTime())
    return [at < moment] if rank > cursor.rank else [at <= moment]


def _range(at: Any, where: AuditFilter) -> list[ColumnElement[bool]]:
    out: list[ColumnElement[bool]] = []
    if where.date_from:
        out.append(at >= _wib_midnight(where.date_from))
    if where.date_to:
        out.append(at < _wib_midnight(where.date_to + timedelta(days=1)))
    return out


def _events(where: AuditFilter, scope: _Scope, cursor: Cursor | None, limit: int) -> Select[Any] | None:
    if JenisAudit.PROSES not in scope.kinds or scope.instance_ids == []:
        return None
    # A few instances (one candidate's file): read their events by instance and sort them; ordered by an
    # expression, so no planner walks the whole history by time looking for them.
    few = scope.instance_ids is not None and len(scope.instance_ids) <= FEW_INSTANCES
    at = func.coalesce(Event.at, Event.at) if few else Event.at
    conditions = _range(Event.at, where) + _after(at, Event.id, _RANK[JenisAudit.PROSES], cursor)
    if where.actor:
        conditions.append(Event.actor == where.actor)
    if where.type:
        conditions.append(Event.type == where.type)
    if scope.root_ids is not None:
        conditions.append(Event.root_id.in_(scope.root_ids))
    if scope.instance_ids is not None:
        conditions.append(Event.instance_id.in_(scope.instance_ids))
    if scope.skema_instances is not None:
        conditions.append(Event.instance_id.in_(scope.skema_instances))
    if where.task:
        task = where.task.strip()
        conditions.append(Event.task_id == task if _TASK_ID.fullmatch(task) else Event.task_name == task)
    columns: tuple[Any, ...] = (Event.id, Event.at, Event.type, Event.actor, Event.instance_id, Event.root_id)
    columns += (Event.task_id, Event.task_name, Event.lane, Event.data)
    return select(*columns).where(*conditions).order_by(at.desc(), Event.id.desc()).limit(limit)


def _changes(where: AuditFilter, scope: _Scope, cursor: Cursor | None, limit: int) -> Select[Any] | None:
    if JenisAudit.DATA_INDUK not in scope.kinds or scope.usernames == []:
        return None
    row = PerubahanDataInduk
    conditions = _range(row.at, where) + _after(row.at, row.id, _RANK[JenisAudit.DATA_INDUK], cursor)
    if where.actor:
        conditions.append(row.actor == where.actor)
    if where.type:
        conditions.append(row.aksi == where.type)
    if scope.usernames is not None:
        conditions.append(row.subjek.in_(scope.usernames))
    if where.skema:
        conditions.append(row.subjek == where.skema)
    columns: tuple[Any, ...] = (row.id, row.at, row.aksi, row.actor, row.subjek, row.data, row.record_id, row.perubahan)
    return select(*columns).where(*conditions).order_by(row.at.desc(), row.id.desc()).limit(limit)


def _substitutions(
    where: AuditFilter, scope: _Scope, cursor: Cursor | None, limit: int, peristiwa: PeristiwaPengganti
) -> Select[Any] | None:
    """The substitutions named (or ended) as rows of one source: the moment and the actor of that act."""
    if JenisAudit.PENGGANTI not in scope.kinds or where.peserta or where.skema or where.period or where.task:
        return None
    if where.type is not None and where.type != peristiwa:
        return None
    row = Pengganti
    ended = peristiwa == PeristiwaPengganti.DIAKHIRI
    at, actor = (row.diakhiri_pada, row.diakhiri_oleh) if ended else (row.dibuat_pada, row.dibuat_oleh)
    conditions = _range(at, where) + _after(at, row.id, _RANK_PENGGANTI[peristiwa], cursor)
    if ended:
        conditions.append(at.is_not(None))
    if where.actor:
        conditions.append(or_(actor == where.actor, row.diwakili == where.actor, row.pengganti == where.actor))
    columns: tuple[Any, ...] = (row.id, at.label("at"), actor.label("actor"), row.diwakili, row.pengganti)
    columns += (row.mulai, row.sampai, row.alasan, row.keterangan)
    return select(*columns).where(*conditions).order_by(at.desc(), row.id.desc()).limit(limit)


@dataclass(slots=True)
class Row:
    """A row of the search as the service builds it (the fields of `AuditRow`, without validating each)."""

    jenis: str
    id: int
    at: datetime
    type: str
    actor: str | None
    rincian: dict[str, Any]
    periode: str | None = None
    instance_id: int | None = None
    process_key: str | None = None
    subjek: str | None = None
    task_id: str | None = None
    task_name: str | None = None
    lane: str | None = None
    data_induk: str | None = None
    record_id: int | None = None


def _event_rows(session: Session, events: list[Any]) -> list[tuple[Cursor, Row]]:
    """History events as rows, with their period, process and subject (two small queries for a page)."""
    ids = {e.instance_id for e in events} | {e.root_id for e in events}
    instances = {
        i.id: i
        for i in session.execute(
            select(
                ProcessInstance.id, ProcessInstance.key, ProcessInstance.subject, ProcessInstance.business_key
            ).where(ProcessInstance.id.in_(ids))
        )
    }
    out = []
    for e in events:
        inst, root = instances.get(e.instance_id), instances.get(e.root_id)
        row = Row(
            jenis=JenisAudit.PROSES,
            id=e.id,
            at=e.at,
            type=e.type,
            actor=e.actor,
            periode=root.business_key if root else None,
            instance_id=e.instance_id,
            process_key=inst.key if inst else None,
            subjek=inst.subject if inst else None,
            task_id=e.task_id,
            task_name=e.task_name,
            lane=e.lane,
            rincian=e.data or {},
        )
        out.append((Cursor(e.at, _RANK[JenisAudit.PROSES], e.id), row))
    return out


def _change_rows(changes: list[Any]) -> list[tuple[Cursor, Row]]:
    return [
        (
            Cursor(c.at, _RANK[JenisAudit.DATA_INDUK], c.id),
            Row(
                jenis=JenisAudit.DATA_INDUK,
                id=c.id,
                at=c.at,
                type=c.aksi,
                actor=c.actor,
                subjek=c.subjek,
                data_induk=c.data,
                record_id=c.record_id,
                rincian=c.perubahan,
            ),
        )
        for c in changes
    ]


def _substitution_rows(peristiwa: PeristiwaPengganti, found: list[Any]) -> list[tuple[Cursor, Row]]:
    return [
        (
            Cursor(p.at, _RANK_PENGGANTI[peristiwa], p.id),
            Row(
                jenis=JenisAudit.PENGGANTI,
                id=p.id,
                at=p.at,
                type=peristiwa,
                actor=p.actor,
                subjek=p.diwakili,
                record_id=p.id,
                rincian={
                    "diwakili": p.diwakili,
                    "pengganti": p.pengganti,
                    "mulai": p.mulai.isoformat(),
                    "sampai": p.sampai.isoformat(),
                    "alasan": p.alasan,
                    "keterangan": p.keterangan,
                },
            ),
        )
        for p in found
    ]


def _page(
    session: Session, where: AuditFilter, scope: _Scope, cursor: Cursor | None, size: int
) -> tuple[list[Row], str | None]:
    """One page of rows and the cursor of the next (None: the last page)."""
    rows: list[tuple[Cursor, Row]] = []
    if (query := _events(where, scope, cursor, size + 1)) is not None:
        rows += _event_rows(session, list(session.execute(query)))
    if (query := _changes(where, scope, cursor, size + 1)) is not None:
        rows += _change_rows(list(session.execute(query)))
    for peristiwa in PeristiwaPengganti:
        if (query := _substitutions(where, scope, cursor, size + 1, peristiwa)) is not None:
            rows += _substitution_rows(peristiwa, list(session.execute(query)))
    rows.sort(key=lambda r: (r[0].at, r[0].rank, r[0].id), reverse=True)
    more = len(rows) > size
    rows = rows[:size]
    return [r for _, r in rows], rows[-1][0].text() if more else None


def search(db: Database, where: AuditFilter, cursor: str | None, page_size: int) -> AuditPage:
    """One page of the search, newest first, after `cursor` (the previous page's `next_cursor`)."""
    check(where)
    after = parse_cursor(cursor)
    with db.reading() as session:
        rows, next_cursor = _page(session, where, _scope(session, where), after, page_size)
    return AuditPage(items=[AuditRow.model_construct(**asdict(r)) for r in rows], next_cursor=next_cursor)


CSV_HEADER = (
    "waktu",
    "jenis",
    "peristiwa",
    "pelaku",
    "periode",
    "proses",
    "instance",
    "subjek",
    "tugas",
    "lane",
    "data_induk",
    "record",
    "rincian",
)


def csv_line(row: Row) -> list[str]:
    """A row as the CSV writes it: the moment in WIB with its offset, the details as JSON."""
    values: list[object] = [
        row.at.astimezone(WIB).isoformat(timespec="seconds"),
        row.jenis,
        row.type,
        row.actor,
        row.periode,
        row.process_key,
        row.instance_id,
        row.subjek,
        row.task_name,
        row.lane,
        row.data_induk,
        row.record_id,
        json.dumps(row.rincian, ensure_ascii=False, sort_keys=True),
    ]
    return ["" if v is None else str(v) for v in values]


def csv_stream(db: Database, where: AuditFilter) -> Iterator[str]:
    """Every row of the search as CSV, streamed a chunk at a time (each chunk its own short read)."""
    check(where)
    with db.reading() as session:
        scope = _scope(session, where)
    return _csv_chunks(db, where, scope)


def _csv_chunks(db: Database, where: AuditFilter, scope: _Scope) -> Iterator[str]:
    yield "\ufeff" + csv_text([list(CSV_HEADER)])  # the BOM: spreadsheets read the text as UTF-8
    cursor: Cursor | None = None
    while True:
        with db.reading() as session:
            rows, next_cursor = _page(session, where, scope, cursor, CSV_CHUNK)
        if rows:
            yield csv_text([csv_line(r) for r in rows])
        if next_cursor is None:
            return
        cursor = parse_cursor(next_cursor)


@dataclass(frozen=True)
class Pilihan:
    """What the search page offers to choose from: the periods (business key, newest first) and the skema."""

    periode: list[str]
    skema: list[tuple[str, str]]


def pilihan(db: Database) -> Pilihan:
    with db.reading() as session:
        periods = session.scalars(
            select(ProcessInstance.business_key)
            .where(ProcessInstance.parent_id.is_(None), ProcessInstance.business_key.is_not(None))
            .order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())
            .limit(200)
        )
        skema = session.execute(select(Skema.nomor, Skema.judul).order_by(Skema.nomor))
        return Pilihan([p for p in periods if p], [(n, j) for n, j in skema])
