"""What a route may ask FastAPI for: the database, the clock, the settings, the worker, and the paging and
search parameters every list takes.

Routes take these as parameters (`db: Db`) instead of reaching into `request.app.state`, so each route's
needs are visible in its signature and tests can override them.
"""

from datetime import datetime
from typing import Annotated, Any

from fastapi import Depends, Query, Request

from api.background.worker import Worker
from api.clock import Clock
from api.login_guard import LoginGuard
from api.settings import Settings
from api.store.db import Database


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


def get_clock(request: Request) -> Clock:
    clock: Clock = request.app.state.clock
    return clock


def get_now(clock: Annotated[Clock, Depends(get_clock)]) -> datetime:
    return clock.now()


def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


def get_worker(request: Request) -> Worker:
    worker: Worker = request.app.state.worker
    return worker


def get_user_cache(request: Request) -> dict[str, Any]:
    """The signed-in users api/auth.py keeps for a few seconds; a user change drops its entry."""
    cache: dict[str, Any] = request.app.state.user_cache
    return cache


def get_login_guard(request: Request) -> LoginGuard:
    guard: LoginGuard = request.app.state.login_guard
    return guard


Db = Annotated[Database, Depends(get_db)]
ClockDep = Annotated[Clock, Depends(get_clock)]
Now = Annotated[datetime, Depends(get_now)]
AppSettings = Annotated[Settings, Depends(get_settings)]
BackgroundWorker = Annotated[Worker, Depends(get_worker)]
UserCache = Annotated[dict[str, Any], Depends(get_user_cache)]
Guard = Annotated[LoginGuard, Depends(get_login_guard)]

# The query parameters of every list.
PageNumber = Annotated[int, Query(ge=1)]
PageSize = Annotated[int, Query(ge=1, le=500)]
Search = Annotated[str | None, Query(max_length=100, description="case-insensitive part of a code, number or name")]
