"""Large values of an instance's data kept out of its state row: content-addressed, written once, shared.

A period's data holds collections with a row per candidate (the registrations, the assignment, the assessment
results, the decisions, the certificates), and SpiffWorkflow keeps composites of them too (`hasil_sertifikasi`
holds `kompeten`, which `daftar_hasil_asesmen` already holds most of). Serialized whole, the period's state
grew to 14.6 MB at 2,000 candidates and every period-level request wrote all of it again.

So a value of the data (a variable, or a value nested in one) whose JSON is longer than `THRESHOLD` characters
is stored once in `state_blob`, under the sha256 of its JSON, and the state holds a reference `{MARK: hash}`
instead. Nested values are stored first, so the same collection held twice (on its own and inside a composite,
or in the data of two tasks) is one blob. Saving again writes only the blobs that are new: a value that did not
change has the same hash, and the hashes this process has read are known to exist. Blobs are immutable and never
deleted, like the document store's files; the state row is what changes. SpiffArena keeps task data the same way
(its `json_data` table, keyed by hash).

A client's own data may hold any key, so a dict whose keys include `MARK` or `ESCAPE` is stored as
`{ESCAPE: [[key, value], ...]}` (a list, which the loader's hook never mistakes for a reference) and made a dict
again on load; `{MARK: hash}` in a stored state is always a reference.
"""

import hashlib
import json
import threading
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from api.store.models import StateBlob

MARK = "\x00blob"
ESCAPE = "\x00esc"
_NUL = "\\u0000"  # how json.dumps writes the NUL both keys start with: a text without it has neither key
THRESHOLD = 4096


class _TextCache:
    """The blob texts this process has read or written, newest last, up to `limit` characters in all. A hash
    here exists in the database (it was read there, or written by a transaction that committed)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.size = 0
        self._texts: OrderedDict[str, str] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            text = self._texts.get(key)
            if text is not None:
                self._texts.move_to_end(key)
            return text

    def put(self, key: str, text: str) -> None:
        with self._lock:
            if key in self._texts:
                self._texts.move_to_end(key)
                return
            self._texts[key] = text
            self.size += len(text)
            while self.size > self.limit and self._texts:
                _, old = self._texts.popitem(last=False)
                self.size -= len(old)

    def clear(self) -> None:
        with self._lock:
            self._texts.clear()
            self.size = 0


CACHE_CHARACTERS = 256 * 1024 * 1024
# One cache per database (engine): what it says about a hash existing holds for that database only (a process
# can reach several: the tests, a bench, a restore beside the running service).
_CACHES: "WeakKeyDictionary[Engine, _TextCache]" = WeakKeyDictionary()
_CACHES_LOCK = threading.Lock()


def _cache(session: Session) -> _TextCache:
    engine = session.get_bind().engine
    with _CACHES_LOCK:
        cache = _CACHES.get(engine)
        if cache is None:
            cache = _CACHES[engine] = _TextCache(CACHE_CHARACTERS)
        return cache


def forget() -> None:
    """Drop what this process remembers of every database's blobs (tests read them from the database again)."""
    with _CACHES_LOCK:
        for cache in _CACHES.values():
            cache.clear()


def _data_dicts(dct: dict[str, Any]) -> Iterable[tuple[dict[str, Any], str]]:
    """Where a serialized workflow keeps data dicts, as (holder, key): its own data, its tasks' (SpiffWorkflow keeps
    a task's data as the `delta` of what it changed: `updates`, and `deletions`), and its subprocesses'
    (recursively). A holder's dict may be the live workflow's own (a root task's `data` is not copied by the
    serializer), so it is replaced, never changed in place."""
    if isinstance(dct.get("data"), dict):
        yield dct, "data"
    for task in (dct.get("tasks") or {}).values():
        for key in ("data", "internal_data"):
            if isinstance(task.get(key), dict):
                yield task, key
        delta = task.get("delta")
        if isinstance(delta, dict) and isinstance(delta.get("updates"), dict):
            yield delta, "updates"
    for sub in (dct.get("subprocesses") or {}).values():
        yield from _data_dicts(sub)


class Shrinker:
    """One save: replaces the large values of a serialized workflow's data by references, collecting the blobs
    (hash -> JSON text) it made; `size` is the data's full size, counting each reference's text."""

    def __init__(self, dumps: Any) -> None:
        self.dumps = dumps
        self.blobs: dict[str, str] = {}
        self.expanded = 0  # characters the references stand for (each reference counted where it is)

    def shrink(self, dct: dict[str, Any]) -> dict[str, Any]:
        for holder, key in list(_data_dicts(dct)):
            holder[key] = {k: self._value(v) for k, v in holder[key].items()}
        return dct

    def _value(self, value: Any) -> Any:
        text = self.dumps(value)
        if len(text) <= THRESHOLD:
            return _escaped(value) if _NUL in text else value
        if isinstance(value, dict):
            inner: Any = {k: self._value(v) for k, v in value.items()}
            if MARK in value or ESCAPE in value:
                inner = {ESCAPE: [[k, v] for k, v in inner.items()]}
        elif isinstance(value, list) and len(text) > THRESHOLD * len(value):
            # Items large on average (a list of groups, each with its candidates): store them one by one too.
            inner = [self._value(v) for v in value]
        elif _NUL in text:
            inner = _escaped(value)
        else:
            inner = value
        if inner is not value:
            text = self.dumps(inner)
            if len(text) <= THRESHOLD:  # a composite of large values: its references stay in the state
                return inner
        key = hashlib.sha256(text.encode()).hexdigest()
        self.blobs[key] = text
        self.expanded += len(text)
        return {MARK: key}


def _escaped(value: Any) -> Any:
    """`value` with every dict that has a key `MARK` or `ESCAPE` wrapped, so it never reads as a reference."""
    if isinstance(value, dict):
        inner = {k: _escaped(v) for k, v in value.items()}
        return {ESCAPE: [[k, v] for k, v in inner.items()]} if (MARK in value or ESCAPE in value) else inner
    if isinstance(value, list):
        return [_escaped(v) for v in value]
    return value


def save(session: Session, blobs: dict[str, str]) -> None:
    """Write the blobs the database does not hold yet (in the caller's transaction)."""
    cache = _cache(session)
    unknown = [key for key in blobs if cache.get(key) is None]
    if not unknown:
        return
    held = set(session.scalars(select(StateBlob.hash).where(StateBlob.hash.in_(unknown))))
    new = [{"hash": key, "content": blobs[key], "size": len(blobs[key])} for key in unknown if key not in held]
    if new:
        session.execute(insert(StateBlob), new)
    # Not cached here: the transaction may still roll back. The next load reads them and caches them.


class Reader:
    """One load's references: the blob texts it needs (read in one query, or from this process's cache), and
    each reference's value parsed from its text, its nested references and escaped dicts resolved as it is."""

    def __init__(self, session: Session, needed: set[str]) -> None:
        self.session = session
        self.texts = _texts(session, needed) if needed else {}

    def text(self, key: str) -> str:
        text = self.texts.get(key)
        if text is None:  # a blob referring to blobs not read yet
            text = self.texts[key] = _texts(self.session, {key})[key]
        return text

    def value(self, key: str) -> Any:
        text = self.text(key)
        return json.loads(text, object_hook=self._hook) if _NUL in text else json.loads(text)

    def _hook(self, d: dict[str, Any]) -> Any:
        if len(d) == 1:
            if MARK in d:
                return self.value(d[MARK])
            if ESCAPE in d:
                return dict(d[ESCAPE])
        return d


def parse(session: Session, state: str) -> tuple[dict[str, Any], Reader | None]:
    """A stored state parsed, its references left as they are, and the reader that resolves them (None: the state
    has none). The serializer's registry resolves each where it restores data (api/engine/serializer.py), so a
    large value is parsed by `json` alone and never walked by SpiffWorkflow's restore in Python."""
    if _NUL not in state:
        return json.loads(state), None
    needed: set[str] = set()

    def collect(d: dict[str, Any]) -> dict[str, Any]:
        if len(d) == 1 and MARK in d:
            needed.add(d[MARK])
        return d

    return json.loads(state, object_hook=collect), Reader(session, needed)


def loads(session: Session, state: str) -> dict[str, Any]:
    """A stored state as the serializer wrote it, every reference replaced by its value (for reading a state
    outside the engine: the runtime restores through `parse`)."""
    dct, reader = parse(session, state)
    if reader is None:
        return dct
    return json.loads(state, object_hook=reader._hook)


def _texts(session: Session, keys: set[str]) -> dict[str, str]:
    cache = _cache(session)
    found: dict[str, str] = {}
    missing = []
    for key in keys:
        text = cache.get(key)
        if text is None:
            missing.append(key)
        else:
            found[key] = text
    if missing:
        for key, text in session.execute(select(StateBlob.hash, StateBlob.content).where(StateBlob.hash.in_(missing))):
            found[key] = text
            cache.put(key, text)
    if lost := [key for key in keys if key not in found]:
        raise LookupError(f"the instance's state refers to data that is not stored: {', '.join(sorted(lost))}")
    return found
