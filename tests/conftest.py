"""Fixtures: a migrated, seeded database per test (SQLite, and PostgreSQL when
UJIKOM_TEST_DATABASE_URL is set) and an HTTP client against the real app."""

import functools
import os
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text

from api import seed
from api.app import create_app
from api.clock import Clock
from api.engine.process_models import MODELS
from api.settings import PROJECT_ROOT, Settings
from api.store.db import Database

PG_URL = os.environ.get("UJIKOM_TEST_DATABASE_URL")
DATABASES = ["sqlite"] + (["postgresql"] if PG_URL else [])

# Hashing 13 demo passwords with argon2 costs ~1 s; hash each once per test session.
seed.hash_password = functools.lru_cache(maxsize=None)(seed.hash_password)


def _reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture(params=DATABASES)
def database_url(request: pytest.FixtureRequest, tmp_path: Any) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'ujikom.sqlite3'}"
    assert PG_URL
    _reset_postgres(PG_URL)
    return PG_URL


@pytest.fixture
def settings(database_url: str, tmp_path: Any) -> Settings:
    return Settings(
        env="test",
        database_url=database_url,
        data_dir=tmp_path,
        secret_key="test-secret-key-that-is-long-enough-for-hs256",
        embedded_worker=False,
        processes_dir=PROJECT_ROOT / "processes",
        forms_dir=PROJECT_ROOT / "forms",
    )


@pytest.fixture
def db(settings: Settings) -> Iterator[Database]:
    database = seed.demo_database(settings)
    yield database
    database.engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def app(settings: Settings, db: Database, clock: Clock):
    MODELS.clear()
    return create_app(settings, db, clock)


class Api:
    """The HTTP API as each demo user sees it."""

    def __init__(self, client: TestClient, app: Any) -> None:
        self.client = client
        self.app = app
        self._tokens: dict[str, str] = {}

    def headers(self, username: str) -> dict[str, str]:
        if username not in self._tokens:
            r = self.client.post("/api/auth/token", data={"username": username, "password": f"{username}-demo"})
            assert r.status_code == 200, r.text
            self._tokens[username] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self._tokens[username]}"}

    def get(self, username: str, path: str, **kw: Any) -> Any:
        return self.client.get(path, headers=self.headers(username), **kw)

    def post(self, username: str, path: str, **kw: Any) -> Any:
        return self.client.post(path, headers=self.headers(username), **kw)

    def drain(self) -> int:
        """Let the worker apply finished child instances to their parents (as `serve` does in the background)."""
        return self.app.state.worker.run_until_idle()

    def inbox(self, username: str, **params: Any) -> list[dict[str, Any]]:
        r = self.get(username, "/api/tasks", params=params)
        assert r.status_code == 200, r.text
        return r.json()

    def history(self, instance_id: int, include_children: bool = True) -> list[dict[str, Any]]:
        r = self.get(
            "admin", f"/api/instances/{instance_id}/history", params={"include_children": str(include_children).lower()}
        )
        assert r.status_code == 200, r.text
        return r.json()

    def complete(self, username: str, task_id: str, data: dict[str, Any], expect: int = 200) -> Any:
        r = self.post(username, f"/api/tasks/{task_id}/complete", json={"data": data})
        assert r.status_code == expect, r.text
        return r.json()


@pytest.fixture
def api(app: Any) -> Iterator[Api]:
    with TestClient(app) as client:
        yield Api(client, app)
