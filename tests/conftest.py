"""Fixtures: a migrated, seeded and deployed database per test (SQLite, and PostgreSQL when
UJIKOM_TEST_DATABASE_URL is set), each a fresh copy of one built once per run, and an HTTP client
against the real app."""

import functools
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api import seed
from api.app import create_app
from api.clock import Clock
from api.engine.process_models import MODELS
from api.settings import Settings
from api.store.db import Database
from tests.support.api import Api
from tests.support.browser import Pages, chromium, pages, site
from tests.support.databases import PostgresTemplate, SqliteTemplate, Template, settings_for
from tests.support.live_server import LiveServer, live_server_in, serving

__all__ = ["Api", "chromium", "pages", "site"]  # tests and bench/ have imported Api from here; browser fixtures

PG_URL = os.environ.get("UJIKOM_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Hashing the demo passwords with argon2 costs time; hash each once per test session (the template
# seeds once, but `ujikom seed-demo` run in-process by tests seeds again).
seed.hash_password = functools.lru_cache(maxsize=None)(seed.hash_password)


@pytest.fixture(scope="session")
def database_template(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Callable[[str], Template]]:
    """The template of each database kind, built on first use and removed at the end of the run."""
    built: dict[str, Template] = {}

    def template(kind: str) -> Template:
        if kind not in built:
            root = tmp_path_factory.mktemp(f"template-{kind}")
            if kind == "sqlite":
                built[kind] = SqliteTemplate(root)
            else:
                assert PG_URL
                built[kind] = PostgresTemplate(PG_URL, root)
        return built[kind]

    yield template
    for t in built.values():
        t.close()


@pytest.fixture(params=DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, database_template: Callable[[str], Template]
) -> Iterator[str]:
    """A fresh copy of the migrated, seeded and deployed database; its files (the demo logo) in tmp_path."""
    template = database_template(request.param)
    url = template.new_database(tmp_path)
    yield url
    template.drop(url)


@pytest.fixture
def settings(database_url: str, tmp_path: Path) -> Settings:
    return settings_for(database_url, tmp_path)


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = Database(settings.effective_database_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(settings: Settings, db: Database, clock: Clock) -> Any:
    MODELS.clear()
    return create_app(settings, db, clock)


@pytest.fixture
def api(app: Any) -> Iterator[Api]:
    with TestClient(app) as client:
        yield Api(client, app)


@pytest.fixture
def served(api: Api) -> Iterator[str]:
    """The `api` fixture's app (its database, clock and worker) served by uvicorn in a thread of this process, for a
    browser beside a walk through the REST API; yields its base URL."""
    with serving(api.app, lifespan="off") as base:
        yield base


@pytest.fixture
def live_server(tmp_path: Path, database_template: Callable[[str], Template]) -> Iterator[LiveServer]:
    """`ujikom serve` (with its worker) in a subprocess, on a copy of the SQLite template in tmp_path."""
    data_dir = tmp_path / "data"
    url = database_template("sqlite").new_database(data_dir)
    with live_server_in(data_dir, url) as server:
        yield server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """A failed browser test leaves a full-page screenshot of each page it had open (var/test-shots/), named
    in the failure's report."""
    outcome = yield
    report: pytest.TestReport = outcome.get_result()  # type: ignore[attr-defined]
    opened = getattr(item, "funcargs", {}).get("pages")
    if report.failed and report.when in ("setup", "call") and isinstance(opened, Pages):
        shots = opened.shots(item.name)
        if shots:
            report.sections.append(("screenshots", "\n".join(str(p) for p in shots)))
