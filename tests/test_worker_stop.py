"""`ujikom worker` and `ujikom serve` stop on SIGINT and SIGTERM, with their render processes, after they have
rendered documents: exit 0, nothing left running, nothing half-applied.

Real processes, as an operator runs them (Ctrl-C, `systemctl stop`, `docker stop`). No fixed short timeouts:
each wait only bounds a hang, generously, for loaded machines."""

import os
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from api.settings import PROJECT_ROOT, Settings
from api.store.db import Database
from api.store.models import Dokumen
from tests.support import sop
from tests.support.api import Api
from tests.support.live_server import BIN, free_port
from tests.support.waiting import PATIENCE_SECONDS, wait_until

WAIT_SECONDS = PATIENCE_SECONDS  # bounds a hang only
COPIES = 40  # copies of each of the period's four documents: the renderer is busy when the signal comes
SIGNALS = [pytest.param(signal.SIGINT, id="SIGINT"), pytest.param(signal.SIGTERM, id="SIGTERM")]


def _children() -> dict[int, list[int]]:
    """Every running process's children, from /proc."""
    tree: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue  # it ended meanwhile
        # pid (comm) state ppid ...: comm may hold spaces and parentheses, so split after the last ')'
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        tree.setdefault(ppid, []).append(int(entry.name))
    return tree


def _descendants(pid: int) -> set[int]:
    tree, found, todo = _children(), set(), [pid]
    while todo:
        for child in tree.get(todo.pop(), []):
            found.add(child)
            todo.append(child)
    return found


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"  # a zombie has ended; only its parent has not reaped it yet


def _queue_copies(db: Database, copies: int) -> int:
    """`copies` more of every document issued so far (own key and number), as a bigger period would; how many
    documents wait then."""
    with db.transaction() as session:
        for doc in session.scalars(select(Dokumen).order_by(Dokumen.id)).all():
            for i in range(copies):
                session.add(
                    Dokumen(
                        instance_id=doc.instance_id,
                        root_id=doc.root_id,
                        task_id=doc.task_id,
                        element_id=doc.element_id,
                        kind=doc.kind,
                        key=f"{doc.key}-copy{i}",
                        title=doc.title,
                        number=f"{doc.number}-{i}",
                        month=doc.month,
                        year=doc.year,
                        candidate=doc.candidate,
                        data=doc.data,
                        created_at=doc.created_at,
                    )
                )
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Dokumen)) or 0


def _assert_nothing_half_done(db: Database) -> None:
    """Each document rendered, or waiting as it was: no lease held, no attempt counted against it."""
    with db.reading() as session:
        rows = session.execute(
            select(Dokumen.id, Dokumen.rendered_at, Dokumen.sha256, Dokumen.render_attempts, Dokumen.render_claimed_by)
        ).all()
    assert [r.id for r in rows if r.render_claimed_by is not None] == []
    assert [r.id for r in rows if r.render_attempts != 0] == []
    assert [r.id for r in rows if (r.rendered_at is None) != (r.sha256 is None)] == []


def _rendered(db: Database) -> int:
    with db.reading() as session:
        return session.scalar(select(func.count()).select_from(Dokumen).where(Dokumen.rendered_at.is_not(None))) or 0


def _stop(process: "subprocess.Popen[bytes]", sig: signal.Signals, log: Path) -> None:
    """Send `sig`; the process must exit 0 and leave none of its processes behind."""
    family = _descendants(process.pid)
    assert family, "the render processes (and the forkserver starting them) should be running"
    process.send_signal(sig)
    sent = time.monotonic()
    try:
        returncode = process.wait(timeout=WAIT_SECONDS)
        print(f"exited {returncode} {time.monotonic() - sent:.1f} s after {sig.name}")
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
        pytest.fail(f"still running {WAIT_SECONDS:.0f} s after {sig.name}:\n{log.read_text(errors='replace')[-3000:]}")
    assert returncode == 0, log.read_text(errors="replace")[-3000:]
    wait_until(lambda: not any(_alive(pid) for pid in family), f"its processes {sorted(family)} ending")


def _env(settings: Settings) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UJIKOM_")}
    env.update(
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "UJIKOM_ENV": "test",
            "UJIKOM_DATABASE_URL": settings.effective_database_url,
            "UJIKOM_DATA_DIR": str(settings.data_dir),
            "UJIKOM_SECRET_KEY": secrets.token_urlsafe(32),
            "UJIKOM_WORKER_POLL_SECONDS": "0.1",
            "UJIKOM_RENDER_PROCESSES": "1",
        }
    )
    return env


def _period_with_documents_waiting(api: Api) -> Database:
    """A period past its plan, whose documents (and many copies) wait for their file."""
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)  # four documents
    db: Database = api.app.state.db
    assert _queue_copies(db, COPIES) == 4 * (1 + COPIES)
    assert _rendered(db) == 0
    return db


def _run(command: list[str | Path], settings: Settings, log: Path, **env: str) -> "subprocess.Popen[bytes]":
    with log.open("wb") as out:
        return subprocess.Popen(
            command, env={**_env(settings), **env}, cwd=settings.data_dir, stdout=out, stderr=subprocess.STDOUT
        )


@pytest.mark.parametrize("sig", SIGNALS)
def test_the_worker_stops_on_a_signal_after_rendering_and_takes_its_render_processes_along(
    api: Api, settings: Settings, sig: signal.Signals
) -> None:
    db = _period_with_documents_waiting(api)
    log = Path(settings.data_dir) / "worker.log"
    process = _run([sys.executable, "-m", "api.cli", "worker"], settings, log)
    try:
        wait_until(lambda: _rendered(db) > 0, "the worker rendering a document")
        _stop(process, sig, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    _assert_nothing_half_done(db)
    assert _rendered(db) > 0


@pytest.mark.parametrize("sig", SIGNALS)
def test_serve_stops_its_embedded_worker_on_a_signal_after_rendering(
    api: Api, settings: Settings, sig: signal.Signals
) -> None:
    db = _period_with_documents_waiting(api)
    port = free_port()
    log = Path(settings.data_dir) / "serve.log"
    process = _run([BIN / "ujikom", "serve", "--port", str(port)], settings, log, UJIKOM_EMBEDDED_WORKER="true")
    try:
        wait_until(lambda: _rendered(db) > 0, "the embedded worker rendering a document")
        assert httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=WAIT_SECONDS).status_code == 200
        _stop(process, sig, log)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    _assert_nothing_half_done(db)
    assert _rendered(db) > 0
