#!/usr/bin/env python
"""What running a completion's script outside SQLite's write lock costs, against running it inside.

On SQLite a script never runs inside a write transaction: the transaction steps out, the script runs with no
lock held, and the transaction runs again with its result (api/engine/script_engine.py `PreparedScripts`,
api/store/db.py `Database.write`). This bench completes the same task, through the real app (TestClient, one
process, SQLite file, FULL sync), in three ways interleaved in one run:

- **no script**: `isi` -> `lihat` (the completion's own cost);
- **script, in place**: `isi` -> script task -> `lihat`, the script run inside the transaction (as before this
  change: `prepared_scripts` patched to give nothing);
- **script, outside**: the same process as shipped: the script runs between two attempts of the transaction.

For each it prints the median and p95 of the completion's wall time, and the median time the completion held
SQLite's write lock (from the write queue's acquire to its release, all attempts summed), with the ratios.

    .venv/bin/python bench/script_lock.py [--samples 200] [--script-ms 5]
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from unittest import mock

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from fastapi.testclient import TestClient

from api.engine import script_engine
from api.store.db import Database, WriteGate
from tests.support.bpmn import definitions, lanes, line, user_task


def process(key: str, script: str | None) -> str:
    steps = ["start", "isi", *(["hitung"] if script else []), "lihat", "end"]
    body = [lanes(l=("Direktur", steps)), '<bpmn:startEvent id="start"/>', user_task("isi", "Isi")]
    if script:
        body.append(f'<bpmn:scriptTask id="hitung" name="Hitung"><bpmn:script>{script}</bpmn:script></bpmn:scriptTask>')
    body += [user_task("lihat", "Lihat"), '<bpmn:endEvent id="end"/>', line(*steps)]
    return definitions(key, "\n".join(body))


class LockTimer:
    """Sums how long this process holds SQLite's write lock (the write queue's turn, acquire to release)."""

    def __init__(self, gate: WriteGate) -> None:
        self.held = 0.0
        self._since = 0.0
        acquire, release = gate.acquire, gate.release

        def timed_acquire(timeout: float) -> bool:
            got = acquire(timeout)
            if got and gate._depth == 1:
                self._since = time.perf_counter()
            return got

        def timed_release() -> None:
            if gate._depth == 1:
                self.held += time.perf_counter() - self._since
            release()

        gate.acquire = timed_acquire  # type: ignore[method-assign]
        gate.release = timed_release  # type: ignore[method-assign]


@contextmanager
def in_place() -> Iterator[None]:
    with mock.patch.object(script_engine, "prepared_scripts", lambda pool: None):
        yield


def main() -> None:
    logging.getLogger("api.engine.script_engine").setLevel(logging.ERROR)  # "in place" warns on every call
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--script-ms", type=float, default=5.0, help="about how long the script computes")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        app, db = harness.build(f"sqlite:///{tmp}/bench.db", Path(tmp))
        assert isinstance(db, Database) and db.gate is not None
        timer = LockTimer(db.gate)
        client = TestClient(app)
        login = client.post("/api/auth/token", data={"username": "desainer", "password": "desainer-demo"})
        designer = {"Authorization": f"Bearer {login.json()['access_token']}"}
        login = client.post("/api/auth/token", data={"username": "direktur", "password": "direktur-demo"})
        direktur = {"Authorization": f"Bearer {login.json()['access_token']}"}
        # A loop whose length makes the script take about --script-ms in an evaluator.
        # (RestrictedPython allows ranges of fewer than 1,000 elements: nested loops.)
        inner = max(1, int(args.script_ms * 50))
        script = (
            f"total = 0\nfor i in range(500):\n    for j in range({inner}):\n        total = total + j\nhasil = total"
        )
        for key, code in [("tanpa_skrip", None), ("dengan_skrip", script)]:
            files = [("files", (f"{key}.bpmn", process(key, code).encode(), "text/xml"))]
            r = client.post("/api/deployments", files=files, headers=designer)
            assert r.status_code == 201, r.text

        def complete_once(key: str) -> tuple[float, float]:
            r = client.post(f"/api/process-definitions/{key}/instances", json={"data": {}}, headers=direktur)
            assert r.status_code == 201, r.text
            [task] = r.json()["active_tasks"]
            held_before = timer.held
            started = time.perf_counter()
            r = client.post(f"/api/tasks/{task['id']}/complete", json={"data": {"diterima": True}}, headers=direktur)
            took = time.perf_counter() - started
            assert r.status_code == 200, r.text
            return took, timer.held - held_before

        cases: dict[str, Callable[[], tuple[float, float]]] = {
            "no script": lambda: complete_once("tanpa_skrip"),
            "script, in place": lambda: _in_place(complete_once),
            "script, outside": lambda: complete_once("dengan_skrip"),
        }
        for run in cases.values():  # warm up: evaluators, caches
            for _ in range(5):
                run()
        times: dict[str, list[float]] = {name: [] for name in cases}
        held: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(args.samples):
            for name, run in cases.items():
                took, lock = run()
                times[name].append(took * 1000)
                held[name].append(lock * 1000)

    print(f"completion with a script of about {args.script_ms:g} ms, SQLite, {args.samples} samples, interleaved")
    print(f"{'case':<18} {'median ms':>10} {'p95 ms':>8} {'lock held ms':>13}")
    for name in cases:
        print(
            f"{name:<18} {statistics.median(times[name]):>10.2f} {harness.percentile(times[name], 95):>8.2f} "
            f"{statistics.median(held[name]):>13.2f}"
        )
    base, inside, outside = (statistics.median(times[n]) for n in cases)
    lock_inside, lock_outside = statistics.median(held["script, in place"]), statistics.median(held["script, outside"])
    print(f"outside / in place, completion time: {outside / inside:.2f}x")
    print(f"outside / no script, completion time: {outside / base:.2f}x (in place / no script: {inside / base:.2f}x)")
    print(f"lock held, outside / in place: {lock_outside / lock_inside:.2f}x")


def _in_place(complete_once: Callable[[str], tuple[float, float]]) -> tuple[float, float]:
    with in_place():
        return complete_once("dengan_skrip")


if __name__ == "__main__":
    main()
