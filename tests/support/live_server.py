"""`ujikom serve` in a subprocess, for tests that drive the real server (curl, a browser); or the test's own
application served by uvicorn in a thread (`serving`), when the test moves the service's clock.

No fixed short timeouts: the machines running the suite are loaded, so readiness is polled until a
generous deadline, and on teardown the server gets as long to finish its current work (the renderer may
be in the middle of a batch) before it is killed.
"""

import os
import secrets
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import httpx
import pytest
from sqlalchemy import create_engine, func, select

from api.store.enums import InstanceStatus
from api.store.models import ChildCompletion, ProcessInstance
from tests.support.api import Api
from tests.support.waiting import PATIENCE_SECONDS, wait_until

BIN = Path(sys.executable).parent
READY_SECONDS = PATIENCE_SECONDS
STOP_SECONDS = 120.0


@dataclass(frozen=True)
class LiveServer:
    base: str  # http://127.0.0.1:<port>, without /api
    database_url: str
    data_dir: Path
    env: dict[str, str]  # the server's environment (for commands run beside it)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _log_tail(log: Path) -> str:
    return log.read_text(errors="replace")[-3000:] if log.exists() else ""


@contextmanager
def live_server_in(data_dir: Path, database_url: str) -> Iterator[LiveServer]:
    """Serve the database in `data_dir` (its default SQLite file, `database_url`) until the block ends."""
    if not (BIN / "ujikom").exists():
        pytest.fail("needs the installed `ujikom` command: run `make setup`")
    env = {
        **os.environ,
        "UJIKOM_DATA_DIR": str(data_dir),
        "UJIKOM_WORKER_POLL_SECONDS": "0.1",
        "UJIKOM_ENV": "test",
        "UJIKOM_SECRET_KEY": secrets.token_urlsafe(32),  # serve refuses to start without one
    }
    env.pop("UJIKOM_DATABASE_URL", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log = data_dir / "serve.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [BIN / "ujikom", "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + READY_SECONDS
        while True:
            if process.poll() is not None:
                pytest.fail(f"`ujikom serve` exited with {process.returncode}:\n{_log_tail(log)}")
            try:
                if httpx.get(f"{base}/api/health", timeout=5).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(
                    f"`ujikom serve` did not answer /api/health within {READY_SECONDS:.0f} s:\n{_log_tail(log)}"
                )
            time.sleep(0.1)
        yield LiveServer(base, database_url, data_dir, env)
    finally:
        process.terminate()
        try:
            process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def serving(app: Any, lifespan: Literal["on", "off"] = "on") -> Iterator[str]:
    """Serve `app` (the test's own application object) with uvicorn in a thread of this process until the block
    ends; yields its base URL. The test keeps the app's clock and worker in hand: it moves time (the day of the
    assessment) and lets the worker run between a browser's steps, as the in-process tests do. The app's
    lifespan runs here (the evaluator's processes; the embedded worker only if its settings ask for one), unless
    `lifespan="off"`: the app's lifespan already ran (the `api` fixture's client started it)."""
    import threading

    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan=lifespan, access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name=f"uvicorn-{port}", daemon=True)
    thread.start()
    deadline = time.monotonic() + READY_SECONDS
    while not server.started:
        if not thread.is_alive():
            pytest.fail("uvicorn stopped before it served")
        if time.monotonic() > deadline:
            pytest.fail(f"uvicorn did not start within {READY_SECONDS:.0f} s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(STOP_SECONDS)


class LiveApi(Api):
    """The tests' Api helper over HTTP against `ujikom serve`: its own worker does what requests leave it, so
    `drain` waits (as patiently as the suite waits for anything) until nothing is left to it: no instance to run on
    after an `asyncAfter` task, no finished child to apply to its parent."""

    def __init__(self, base: str, database_url: str) -> None:
        super().__init__(httpx.Client(base_url=base, timeout=60), app=None)  # type: ignore[arg-type]
        self.engine = create_engine(database_url)

    def drain(self) -> int:
        continuing = (
            select(func.count())
            .select_from(ProcessInstance)
            .where(ProcessInstance.continue_pending_at.is_not(None), ProcessInstance.status == InstanceStatus.RUNNING)
        )
        unapplied = select(func.count()).select_from(ChildCompletion).where(ChildCompletion.applied_at.is_(None))

        def idle() -> bool:
            with self.engine.connect() as conn:
                return conn.execute(continuing).scalar_one() == 0 and conn.execute(unapplied).scalar_one() == 0

        wait_until(idle, "the server's worker running instances on and applying finished children")
        return 0
