"""Caches of what never changes once written (a process version's parsed model, a deployed form),
kept per database so that equal row ids in two databases (tests, a restored copy) never mix."""

import weakref
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.orm import Session

_caches: "weakref.WeakKeyDictionary[Any, dict[str, dict[Any, Any]]]" = weakref.WeakKeyDictionary()


def db_cache(session: Session, name: str) -> dict[Any, Any]:
    # Keyed by the connection pool: a database's read-only and read-write engines share it.
    bind = session.get_bind()
    pool = bind.pool if isinstance(bind, Engine) else bind.engine.pool
    per_db = _caches.get(pool)
    if per_db is None:
        per_db = _caches.setdefault(pool, {})
    return per_db.setdefault(name, {})
