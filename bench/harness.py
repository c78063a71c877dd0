"""Shared pieces of the benchmarks: statistics, the database and the app, the HTTP client and retire().

Used by latency.py, documents.py and period_scale.py, which put bench/ on sys.path and `import harness`.
"""

from __future__ import annotations

import math
import os
import socket
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
import httpx  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import create_engine, func, select, text, update  # noqa: E402

from api import seed  # noqa: E402
from api.app import create_app  # noqa: E402
from api.clock import Clock  # noqa: E402
from api.engine.process_models import MODELS  # noqa: E402
from api.settings import PROJECT_ROOT, Settings  # noqa: E402
from api.store.db import Database  # noqa: E402
from api.store.models import HumanTask, ProcessInstance  # noqa: E402

PROCESS = "uji_kompetensi"
SECRET_KEY = "bench-secret-key-that-is-long-enough-for-hs256"
# Valid data for the first task, "Menetapkan target uji kompetensi" (forms/menetapkan_target.json).
TARGET_FORM = {
    "periode": "2026 Genap",
    "target": [{"skema_nomor": "SKM/LSP-STMI/001/2024", "prodi": "Sistem Informasi Industri Otomotif", "jumlah": 2}],
}


# --- statistics -----------------------------------------------------------------------------
def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (p95 of 200 samples is the 190th smallest)."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q / 100 * len(ordered)) - 1)]


@dataclass
class Series:
    size: int | None  # None: independent of the inbox size (the raw engine baseline)
    op: str
    label: str
    budget: str | None
    samples: list[float] = field(default_factory=list)
    server_samples: list[float] = field(default_factory=list)  # Server-Timing: the service's own time
    open_tasks: set[int] = field(default_factory=set)

    @property
    def server_median(self) -> float | None:
        return statistics.median(self.server_samples) * 1000 if self.server_samples else None

    @property
    def median(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p95(self) -> float:
        return percentile(self.samples, 95) * 1000


# --- the database and the app ---------------------------------------------------------------
def reset_postgres(url: str) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    engine.dispose()


def build(url: str, data_dir: Path, synchronous: str = "FULL") -> tuple[Any, Database]:
    """The app over a freshly migrated and seeded database; `synchronous`: SQLite's setting for the app."""
    if url.startswith("postgresql"):
        reset_postgres(url)
    settings = Settings(
        env="development",
        database_url=url,
        data_dir=data_dir,
        secret_key=SECRET_KEY,
        embedded_worker=False,
        processes_dir=PROJECT_ROOT / "processes",
        forms_dir=PROJECT_ROOT / "forms",
        sqlite_synchronous=synchronous,
    )
    db = seed.demo_database(settings)
    if synchronous != "FULL":
        db.engine.dispose()
        db = Database(url, settings.sqlite_synchronous)
    MODELS.clear()
    return create_app(settings, db, Clock()), db


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(
    url: str, data_dir: Path, *, synchronous: str = "FULL", ready_seconds: float = 60.0
) -> Iterator[httpx.Client]:
    """A real `ujikom serve` (uvicorn, embedded worker on, as deployed) on a random free port over the database
    `build()` made, and a keep-alive HTTP client to it; the server is stopped on exit (its log: data_dir/serve.log)."""
    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "UJIKOM_ENV": "development",
        "UJIKOM_DATABASE_URL": url,
        "UJIKOM_DATA_DIR": str(data_dir),
        "UJIKOM_SECRET_KEY": SECRET_KEY,
        "UJIKOM_SQLITE_SYNCHRONOUS": synchronous,
    }
    log = (data_dir / "serve.log").open("wb")
    # cwd: the temp dir, so no .env of the checkout is read.
    server = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=data_dir,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    client = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120.0)
    try:
        deadline = time.monotonic() + ready_seconds
        while True:
            try:
                if client.get("/api/health/live").status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"bench: ujikom serve did not come up; see {data_dir / 'serve.log'}")
            time.sleep(0.1)
        yield client
    finally:
        client.close()
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def db_version(db: Database) -> str:
    if db.is_postgres:
        with db.reading() as session:
            return session.scalar(text("SHOW server_version")) or "?"
    return sqlite3.sqlite_version


def open_task_count(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(HumanTask).where(HumanTask.state == "ready")) or 0


# --- the HTTP client ------------------------------------------------------------------------
class Api:
    def __init__(self, client: TestClient | httpx.Client) -> None:
        self.client = client
        self.headers: dict[str, dict[str, str]] = {}
        self.last_server_s = 0.0

    def login(self, *usernames: str) -> None:
        for u in usernames:
            r = self.client.post("/api/auth/token", data={"username": u, "password": seed.demo_password(u)})
            assert r.status_code == 200, r.text
            self.headers[u] = {"Authorization": f"Bearer {r.json()['access_token']}"}

    def timed(self, method: str, path: str, user: str | None, expect: int, **kw: Any) -> tuple[float, Any]:
        headers = self.headers[user] if user else None
        t0 = time.perf_counter()
        r = self.client.request(method, path, headers=headers, **kw)
        dt = time.perf_counter() - t0
        # The service's own time (api/timing.py), without the in-process HTTP client around it.
        self.last_server_s = float(r.headers["server-timing"].split("dur=")[1]) / 1000
        if r.status_code != expect:
            raise SystemExit(f"bench: {method} {path} as {user} answered {r.status_code}: {r.text[:500]}")
        return dt, r.json()

    def start(self, business_key: str) -> tuple[float, dict[str, Any]]:
        return self.timed(
            "POST",
            f"/api/process-definitions/{PROCESS}/instances",
            "direktur",
            201,
            json={"business_key": business_key, "data": {}},
        )

    def complete(self, task_id: str) -> tuple[float, dict[str, Any]]:
        return self.timed("POST", f"/api/tasks/{task_id}/complete", "direktur", 200, json={"data": TARGET_FORM})

    def inbox(self, user: str, **params: str) -> tuple[float, list[dict[str, Any]]]:
        return self.timed("GET", "/api/tasks", user, 200, params=params)

    def health(self) -> tuple[float, Any]:
        # The liveness check (one SELECT 1): /api/health also counts the background queues.
        return self.timed("GET", "/api/health/live", None, 200)


def retire(db: Database, instance_id: int) -> None:
    """Take a measured instance out of the open-task count once it has been measured (untimed).

    Bench-only shortcut: its open human_task rows and the instance are marked cancelled directly in
    the tables; the bench never touches that instance through the API again."""
    now = datetime.now(UTC)
    with db.transaction() as session:
        session.execute(
            update(HumanTask)
            .where(HumanTask.instance_id == instance_id, HumanTask.state == "ready")
            .values(state="cancelled", completed_at=now)
        )
        session.execute(
            update(ProcessInstance.__table__)
            .where(ProcessInstance.__table__.c.id == instance_id)
            .values(status="cancelled", ended_at=now)
        )
