"""Database engine and sessions: SQLite (WAL) by default, PostgreSQL for several workers.

Contention. SQLite has one write lock for the whole database, and its busy handler is unfair: a writer that
finds the lock taken sleeps and tries again (up to 100 ms between tries), so a writer that commits and begins
again at once (a worker pass) takes the lock back before the sleepers wake, and some requests wait past the
busy timeout. So, in one process, every write transaction on a SQLite file first queues in a `WriteGate`, a
first-come first-served queue that hands the lock straight to the next writer, and only then takes SQLite's
lock (`BEGIN IMMEDIATE`), which it then finds free unless another process holds it. A request, the worker and
the renderer queue alike: a background pass that begins again goes to the back of the queue.
A writer that waits longer than `write_wait_seconds` for its turn (or SQLite's busy timeout for the lock of
another process) gets `DatabaseBusy` / "database is locked": answered 503 with `Retry-After`, nothing saved.
On PostgreSQL rows are locked, not the database: a deadlock or a serialization failure is retried by
`Database.write` and otherwise answered 503 too (`is_busy`).
"""

import secrets
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import DateTime, Engine, create_engine, event, make_url
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from api.clock import standing_still


class UtcDateTime(TypeDecorator[datetime]):
    """Timestamps are stored in UTC and always come back timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime: pass an aware UTC datetime")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


# SQLite's PRAGMA synchronous in WAL mode. FULL syncs the log at every commit: an acknowledged commit (a letter
# number drawn, a task completed) survives a power loss or an OS crash. NORMAL syncs only at checkpoints: the
# last commits before a power loss may vanish (never on a process crash). Chosen by UJIKOM_SQLITE_SYNCHRONOUS.
SYNCHRONOUS_LEVELS = ("FULL", "NORMAL")
# SQLite's busy timeout: how long a writer waits for the lock another process holds (and a reader for the
# rare lock a reader can meet), in seconds. Writers of this process queue in the `WriteGate` first.
BUSY_TIMEOUT_SECONDS = 30
T = TypeVar("T")


class DatabaseBusy(Exception):
    """A write did not get its turn within `Database.write_wait_seconds`: nothing was done; retry later."""


# SQLite's result codes that mean "another connection holds a lock" (the primary codes, any extended one:
# SQLITE_BUSY_SNAPSHOT, SQLITE_BUSY_RECOVERY, SQLITE_LOCKED_SHAREDCACHE, ...); PostgreSQL's SQLSTATEs that
# mean "this transaction lost to another one, run it again": serialization_failure, deadlock_detected,
# lock_not_available.
_SQLITE_BUSY_CODES = {5, 6}  # SQLITE_BUSY, SQLITE_LOCKED
_PG_RETRYABLE = {"40001", "40P01"}
_PG_BUSY = _PG_RETRYABLE | {"55P03"}


class OutsideTransaction(BaseException):
    """Raised inside `Database.write`'s transaction by work that must first be done outside any transaction:
    above all a script, which must never run while its transaction holds SQLite's write lock (or, on
    PostgreSQL, the instance's row). `write` rolls the transaction back (nothing of it is saved, the lock is
    released), calls `run_outside()`, then runs the whole transaction again, which finds the result ready.

    A BaseException, like GeneratorExit: the engine's and SpiffWorkflow's `except Exception` let it through."""

    def run_outside(self) -> None:
        raise NotImplementedError


# What the attempts of one `Database.write` on SQLite share, from the first to the one that commits (the
# results of the work done outside the transaction between them); None elsewhere.
UNIT: ContextVar[dict[str, Any] | None] = ContextVar("ujikom_unit_of_work", default=None)
# Whether this thread is inside a read-write transaction now; whether that holds SQLite's write lock.
_WRITING: ContextVar[bool] = ContextVar("ujikom_writing", default=False)
_LOCKING: ContextVar[bool] = ContextVar("ujikom_locking", default=False)
# How many times one `write` may step out of its transaction: each time does one piece of work (one script),
# so this bounds the scripts of one unit of work; the engine stops asking well before (script_engine.py).
MAX_OUTSIDE_ROUNDS = 1_000


def in_transaction() -> bool:
    """Whether the caller runs inside a read-write transaction."""
    return _WRITING.get()


def holds_write_lock() -> bool:
    """Whether the caller runs inside a read-write transaction on SQLite, holding the database's only write
    lock (on PostgreSQL a transaction locks rows, never the database)."""
    return _LOCKING.get()


def replayable_token(nbytes: int) -> str:
    """A random URL-safe token (`secrets.token_urlsafe`); inside a `write`, each attempt draws the same tokens
    in the same order, so what was computed outside the transaction from one attempt's token fits the next."""
    unit = UNIT.get()
    if unit is None:
        return secrets.token_urlsafe(nbytes)
    tokens: list[str] = unit.setdefault("tokens", [])
    drawn = unit.get("drawn", 0)
    unit["drawn"] = drawn + 1
    if drawn == len(tokens):
        tokens.append(secrets.token_urlsafe(nbytes))
    return tokens[drawn]


def is_busy(exc: BaseException) -> bool:
    """Whether `exc` says the database was busy with other transactions (nothing of this one was saved):
    SQLite's "database is locked" / "database table is locked" (SQLITE_BUSY, SQLITE_LOCKED and their
    extended codes, BUSY_SNAPSHOT among them), PostgreSQL's serialization failure, deadlock or lock timeout,
    or our own `DatabaseBusy`. A client may send the same request again."""
    if isinstance(exc, DatabaseBusy):
        return True
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    code = getattr(orig, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in _SQLITE_BUSY_CODES
    sqlstate = getattr(orig, "sqlstate", None)
    if sqlstate is not None:
        return sqlstate in _PG_BUSY
    return "is locked" in str(orig)


def is_retryable(exc: BaseException) -> bool:
    """A lost race the whole transaction may simply run again (at once, without waiting for a lock): a
    PostgreSQL deadlock or serialization failure, SQLite's BUSY_SNAPSHOT (a read snapshot that went stale
    before it could write). Not a lock that stayed taken past its wait: that already waited long enough."""
    if not isinstance(exc, DBAPIError):
        return False
    orig = exc.orig
    if getattr(orig, "sqlite_errorname", None) == "SQLITE_BUSY_SNAPSHOT":
        return True
    return getattr(orig, "sqlstate", None) in _PG_RETRYABLE


class WriteGate:
    """The write transactions of one process on one SQLite file, one at a time, in the order they came.

    `acquire` queues the caller; `release` hands the turn straight to the oldest waiter (it never becomes
    free in between, so no newcomer, and no writer that just released, can overtake a waiter). A thread that
    holds the gate may enter again (nested writes of one thread keep SQLite's own behaviour)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._owner: int | None = None
        self._depth = 0
        self._queue: deque[list[Any]] = deque()  # [event, thread id, granted]

    @property
    def waiting(self) -> int:
        """How many writers wait for their turn."""
        return len(self._queue)

    def acquire(self, timeout: float) -> bool:
        me = threading.get_ident()
        with self._mutex:
            if self._owner == me:
                self._depth += 1
                return True
            if self._owner is None and not self._queue:
                self._owner, self._depth = me, 1
                return True
            waiter: list[Any] = [threading.Event(), me, False]
            self._queue.append(waiter)
        waiter[0].wait(timeout)
        with self._mutex:
            if waiter[2]:  # granted, perhaps just as the wait ran out
                return True
            self._queue.remove(waiter)
            return False

    def release(self) -> None:
        with self._mutex:
            if self._owner != threading.get_ident():
                raise RuntimeError("the write gate is released by a thread that does not hold it")
            self._depth -= 1
            if self._depth:
                return
            if self._queue:
                waiter = self._queue.popleft()
                waiter[2] = True
                self._owner, self._depth = waiter[1], 1
                waiter[0].set()
            else:
                self._owner = None


_gates: dict[str, WriteGate] = {}
_gates_mutex = threading.Lock()


def _gate_for(url: str) -> WriteGate:
    """One gate per SQLite file in this process, shared by every `Database` on it; an in-memory database
    (a connection of its own) gets its own."""
    path = make_url(url).database
    if not path or path == ":memory:":
        return WriteGate()
    key = str(Path(path).resolve())
    with _gates_mutex:
        return _gates.setdefault(key, WriteGate())


def make_engine(url: str, synchronous: str = "FULL") -> Engine:
    if synchronous not in SYNCHRONOUS_LEVELS:
        raise ValueError(f"synchronous must be one of {SYNCHRONOUS_LEVELS}, not {synchronous!r}")
    if url.startswith("sqlite"):
        if (path := make_url(url).database) and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/ yet
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": BUSY_TIMEOUT_SECONDS})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
            # Let SQLAlchemy own BEGIN so a transaction starts at the first statement.
            dbapi_connection.isolation_level = None
            cur = dbapi_connection.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute(f"PRAGMA synchronous={synchronous}")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_SECONDS * 1000}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Any) -> None:
            # A writer takes the lock up front (IMMEDIATE): upgrading a read snapshot to a write
            # later can fail at once with "database is locked" instead of waiting.
            readonly = conn.get_execution_options().get("ujikom_readonly", False)
            conn.exec_driver_sql("BEGIN" if readonly else "BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_size=10, max_overflow=20, pool_pre_ping=True)


class Database:
    # How long a write waits for its turn in this process's queue (SQLite) before it answers busy.
    write_wait_seconds: float = BUSY_TIMEOUT_SECONDS
    # How many times `write` runs a transaction that lost a race (a PostgreSQL deadlock, ...).
    write_attempts = 3

    def __init__(self, url: str, synchronous: str = "FULL") -> None:
        self.url = url
        self.engine = make_engine(url, synchronous)
        self.gate = _gate_for(url) if self.engine.dialect.name == "sqlite" else None
        self.sessionmaker = sessionmaker(self.engine, expire_on_commit=False)
        self.read_sessionmaker = sessionmaker(
            self.engine.execution_options(ujikom_readonly=True), expire_on_commit=False
        )

    @property
    def is_postgres(self) -> bool:
        return self.engine.dialect.name == "postgresql"

    @contextmanager
    def transaction(self) -> Iterator[Session]:
        """A read-write transaction, committed when the block ends without an exception. On SQLite it first
        waits for its turn in the process's write queue (`WriteGate`): `DatabaseBusy` after
        `write_wait_seconds`."""
        writing = _WRITING.set(True)
        try:
            if self.gate is None:
                with self.sessionmaker() as session, session.begin():
                    yield session
                return
            if not self.gate.acquire(self.write_wait_seconds):
                raise DatabaseBusy(f"no turn to write within {self.write_wait_seconds:g} s")
            locking = _LOCKING.set(True)
            try:
                with self.sessionmaker() as session, session.begin():
                    yield session
            finally:
                _LOCKING.reset(locking)
                self.gate.release()
        finally:
            _WRITING.reset(writing)

    def write(
        self,
        act: Callable[[Session], T],
        attempts: int | None = None,
        retry_on: tuple[type[Exception], ...] = (),
    ) -> T:
        """`act` in a transaction, one unit of work:

        - run again (at most `write_attempts` times in all) when it loses a race the database reports
          (`is_retryable`: a deadlock, a serialization failure) or raises one of `retry_on`; the last loss is
          raised;
        - on SQLite, run again, without counting, each time it steps out for work to be done outside the
          transaction (`OutsideTransaction`: a script), with that work's result ready in `UNIT`.

        The clock stands still for the whole unit (`api.clock.standing_still`), as PostgreSQL's `now()` does
        in a transaction: each attempt sees the same time, so the work done outside for one attempt (a
        script reading a date) fits the next. A `write` inside another one's transaction is one attempt."""
        if in_transaction():
            with self.transaction() as session:
                return act(session)
        attempts = attempts or self.write_attempts
        unit: dict[str, Any] = {}
        token = UNIT.set(unit if self.gate is not None else None)
        try:
            with standing_still():
                attempt, rounds = 1, 0
                while True:
                    unit["drawn"] = 0  # each attempt draws the same tokens again (`replayable_token`)
                    try:
                        with self.transaction() as session:
                            return act(session)
                    except OutsideTransaction as outside:
                        rounds += 1
                        if rounds > MAX_OUTSIDE_ROUNDS:
                            raise RuntimeError(f"a write stepped out of its transaction {rounds - 1} times") from None
                        outside.run_outside()
                        continue
                    except DBAPIError as exc:
                        if attempt == attempts or not is_retryable(exc):
                            raise
                    except retry_on:
                        if attempt == attempts:
                            raise
                    time.sleep(0.01 * attempt)  # let the winner commit
                    attempt += 1
        finally:
            UNIT.reset(token)

    @contextmanager
    def reading(self) -> Iterator[Session]:
        with self.read_sessionmaker() as session, session.begin():
            yield session
