#!/usr/bin/env python
"""Many people at once against one real `ujikom serve` (uvicorn, embedded worker and renderer on): how much
slower a per-candidate request gets under 16 and 64 concurrent clients than alone, and whether any answer
is not a 2xx.

    .venv/bin/python bench/contention.py                        # SQLite in a temp dir
    .venv/bin/python bench/contention.py --compare /work/main   # the same run against another checkout too
    .venv/bin/python bench/contention.py --database-url postgresql+psycopg://postgres@127.0.0.1/ujikom_bench \\
        --servers 2 --workers 2                                 # DROPS and recreates that public schema

What runs. A period-like parent (`bench_periode`, Direktur) calls one child (`bench_peserta`) per candidate,
each waiting in a user task of Kabid Administrasi; every finished child leaves a completion that the
embedded worker applies to the parent, so the worker writes beside the clients, as in a period's steps 3-5.
A per-candidate request is the pair a person sends for one candidate: read the task (GET /api/tasks/{id})
then complete it (POST .../complete). Phases, one parent each, in one run:
  alone: one client, `--alone` candidates one after another;
  16 and 64 clients (`--clients`): each client works `--per-client` candidates one after another.
Each request is timed around the HTTP call (a socket, keep-alive, httpx); a 503 is counted as not-2xx and
sent again after its `Retry-After` (the time until the 200 is the request's time). Printed: per phase and
request kind the median and p95, the ratio of p95 under load to the median alone (target <= 10), the
number of non-2xx answers by status (target 0), and the wall time.

`--compare PATH` runs the same phases against a `serve` started from another checkout (e.g. /work/main,
before a change) on a copy of the same database, right after, so the two columns come from one run.
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import httpx

from api import seed
from tests.support import bpmn

ROOT = Path(__file__).resolve().parent.parent
READY_SECONDS = 180.0
HTTP_TIMEOUT = 300.0  # generous: a request stuck this long is reported, not hidden
WORKER = "kabid_administrasi"

CHILD = bpmn.definitions(
    "bench_peserta",
    f"""
    {bpmn.lanes(l1=("Kabid Administrasi", ["m", "isi", "e"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("isi", "Isi", sopStep="1")}
    <bpmn:endEvent id="e"/>
    {bpmn.line("m", "isi", "e")}""",
)
PARENT = bpmn.definitions(
    "bench_periode",
    f"""
    {bpmn.lanes(l1=("Direktur", ["m", "buka", "anak", "akhir"]))}
    <bpmn:startEvent id="m"/>
    {bpmn.user_task("buka", "Buka", sopStep="1")}
    <bpmn:callActivity id="anak" name="Anak" calledElement="bench_peserta">{bpmn.properties(childSubject="x")}
      <bpmn:multiInstanceLoopCharacteristics>
        <bpmn:loopDataInputRef>daftar</bpmn:loopDataInputRef>
        <bpmn:inputDataItem id="x" name="x"/>
      </bpmn:multiInstanceLoopCharacteristics>
    </bpmn:callActivity>
    <bpmn:endEvent id="akhir"/>
    {bpmn.line("m", "buka", "anak", "akhir")}""",
)


@dataclass
class Phase:
    name: str
    clients: int
    read: list[float] = field(default_factory=list)
    write: list[float] = field(default_factory=list)
    statuses: Counter[int] = field(default_factory=Counter)
    wall: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


# --- the servers ----------------------------------------------------------------------------------
@contextmanager
def serving(root: Path, url: str, data_dir: Path, servers: int, workers: int) -> Iterator[list[str]]:
    """`servers` x `ujikom serve` (code from `root`) and `workers` - servers extra `ujikom worker`; their bases."""
    env = {
        **os.environ,
        "PYTHONPATH": str(root),
        "UJIKOM_DATABASE_URL": url,
        "UJIKOM_DATA_DIR": str(data_dir),
        "UJIKOM_WORKER_POLL_SECONDS": "0.1",
        "UJIKOM_ENV": "development",
        "UJIKOM_SECRET_KEY": secrets.token_urlsafe(32),
    }
    processes: list[subprocess.Popen[bytes]] = []
    bases = []
    try:
        for i in range(servers):
            port = free_port()
            log = (data_dir / f"serve-{i}.log").open("wb")
            cmd = [sys.executable, "-m", "api.cli", "serve", "--port", str(port)]
            processes.append(subprocess.Popen(cmd, env=env, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT))
            bases.append(f"http://127.0.0.1:{port}")
        for i in range(max(0, workers - servers)):
            log = (data_dir / f"worker-{i}.log").open("wb")
            cmd = [sys.executable, "-m", "api.cli", "worker"]
            processes.append(subprocess.Popen(cmd, env=env, cwd=data_dir, stdout=log, stderr=subprocess.STDOUT))
        deadline = time.monotonic() + READY_SECONDS
        for base in bases:
            while True:
                try:
                    if httpx.get(f"{base}/api/health/live", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
                    raise SystemExit(f"bench: a server did not start; see the logs in {data_dir}")
                time.sleep(0.2)
        yield bases
    finally:
        for p in processes:
            p.terminate()
        for p in processes:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                p.kill()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --- the clients ----------------------------------------------------------------------------------
def token(client: httpx.Client, username: str) -> dict[str, str]:
    r = client.post("/api/auth/token", data={"username": username, "password": seed.demo_password(username)})
    r.raise_for_status()
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def send(client: httpx.Client, phase: Phase, method: str, path: str, headers: dict[str, str], **kw: object) -> float:
    """The request's time until a 2xx (a 503 is counted, waited out and sent again); anything else stops."""
    t0 = time.perf_counter()
    while True:
        r = client.request(method, path, headers=headers, **kw)  # type: ignore[arg-type]
        with phase.lock:
            phase.statuses[r.status_code] += 1
        if r.status_code == 503 and r.headers.get("Retry-After"):
            time.sleep(float(r.headers["Retry-After"]))
            continue
        if r.status_code >= 300:
            raise SystemExit(f"bench: {method} {path} answered {r.status_code}: {r.text[:300]}")
        return time.perf_counter() - t0


def open_period(base: str, candidates: int) -> list[str]:
    """A parent with one child per candidate, each child waiting in its task: the tasks' ids."""
    with httpx.Client(base_url=base, timeout=HTTP_TIMEOUT) as c:
        direktur = token(c, "direktur")
        body = {"data": {"daftar": list(range(candidates))}}
        r = c.post("/api/process-definitions/bench_periode/instances", json=body, headers=direktur)
        r.raise_for_status()
        parent = r.json()["id"]
        [buka] = c.get("/api/tasks", params={"instance_id": parent}, headers=direktur).json()
        r = c.post(f"/api/tasks/{buka['id']}/complete", json={"data": {"diterima": True}}, headers=direktur)
        r.raise_for_status()
        kabid = token(c, WORKER)
        tasks: list[str] = []  # the earlier phases' tasks are done: the ready ones are this parent's
        for page in range(1, candidates // 100 + 2):
            r = c.get("/api/tasks", params={"key": "bench_peserta", "page": page, "page_size": 100}, headers=kabid)
            r.raise_for_status()
            tasks.extend(t["id"] for t in r.json())
        return tasks


def run_phase(bases: list[str], phase: Phase, tasks: list[str], headers: dict[str, str], think: float) -> None:
    barrier = threading.Barrier(phase.clients)
    crashed: list[BaseException] = []

    def client(i: int) -> None:
        try:
            work(i)
        except BaseException as exc:  # a client that stopped must fail the bench, not shrink the sample
            crashed.append(exc)

    def work(i: int) -> None:
        pause = random.Random(i)
        # Idle connections are dropped before uvicorn's 5 s keep-alive closes them under a request.
        limits = httpx.Limits(keepalive_expiry=2.0)
        with httpx.Client(base_url=bases[i % len(bases)], timeout=HTTP_TIMEOUT, limits=limits) as c:
            barrier.wait()
            for task_id in tasks[i :: phase.clients]:
                if think and phase.clients > 1:  # a person reads and fills in the form (exponential, mean `think`)
                    time.sleep(pause.expovariate(1 / think))
                read = send(c, phase, "GET", f"/api/tasks/{task_id}", headers)
                write = send(
                    c, phase, "POST", f"/api/tasks/{task_id}/complete", headers, json={"data": {"diterima": True}}
                )
                with phase.lock:
                    phase.read.append(read)
                    phase.write.append(write)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(phase.clients)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    phase.wall = time.perf_counter() - t0
    if crashed:
        raise SystemExit(f"bench: {len(crashed)} clients stopped; the first: {crashed[0]!r}")


def measure(bases: list[str], alone: int, clients: list[int], per_client: int, think: float) -> list[Phase]:
    with httpx.Client(base_url=bases[0], timeout=HTTP_TIMEOUT) as c:
        for name, content in [("bench_peserta.bpmn", CHILD), ("bench_periode.bpmn", PARENT)]:
            r = c.post(
                "/api/deployments",
                files=[("files", (name, content.encode(), "text/xml"))],
                headers=token(c, "desainer"),
            )
            if r.status_code != 201:
                raise SystemExit(f"bench: deploying {name} answered {r.status_code}: {r.text[:300]}")
        headers = token(c, WORKER)
    phases = [Phase("alone", 1)] + [Phase(f"{n} clients", n) for n in clients]
    for phase in phases:
        n = alone if phase.clients == 1 else phase.clients * per_client
        tasks = open_period(bases[0], n)
        if len(tasks) < n:
            raise SystemExit(f"bench: expected {n} tasks, found {len(tasks)}")
        print(f"  {phase.name}: {n} candidates ...", flush=True)
        run_phase(bases, phase, tasks, headers, think)
    return phases


# --- the report -----------------------------------------------------------------------------------
def ms(v: float) -> str:
    return f"{v * 1000:8.1f}"


def report(label: str, phases: list[Phase]) -> None:
    alone = phases[0]
    base = {"read": statistics.median(alone.read), "write": statistics.median(alone.write)}
    print(f"\n{label}")
    print(
        f"  {'phase':<11} {'kind':<9} {'median ms':>9} {'p95 ms':>8} {'max ms':>8} {'p95/alone':>9}  non-2xx   wall s"
    )
    for phase in phases:
        non2xx = {s: n for s, n in sorted(phase.statuses.items()) if not 200 <= s < 300}
        for kind, samples in (("read", phase.read), ("complete", phase.write)):
            p95 = harness.percentile(samples, 95)
            ratio = p95 / base["read" if kind == "read" else "write"]
            print(
                f"  {phase.name:<11} {kind:<9} {ms(statistics.median(samples))} {ms(p95)} {ms(max(samples))}"
                f" {ratio:9.1f}  {sum(non2xx.values()) or 0:>3} {non2xx or ''} {phase.wall:8.1f}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default="", help="PostgreSQL scratch database (its schema is dropped)")
    parser.add_argument("--alone", type=int, default=100, help="candidates worked by the lone client")
    parser.add_argument("--clients", default="16,64")
    parser.add_argument("--per-client", type=int, default=10, help="candidates each concurrent client works")
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds a concurrent client pauses before each candidate"
    )
    parser.add_argument("--keep", action="store_true", help="keep the temp dir (databases, server logs)")
    parser.add_argument("--servers", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="worker loops in all (one per server, then extra)")
    parser.add_argument("--compare", type=Path, help="another checkout to run the same phases against, after")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(1))  # stop the servers on the way out
    clients = [int(n) for n in args.clients.split(",") if n]
    tmp = tempfile.mkdtemp(prefix="ujikom-contention-")
    try:
        run(args, clients, tmp)
    finally:
        if args.keep:
            print(f"kept: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def run(args: argparse.Namespace, clients: list[int], tmp: str) -> None:
    """Build the database once; run the phases against each checkout on its own copy; print the report."""
    built = Path(tmp) / "built"
    url = args.database_url or f"sqlite:///{built / 'ujikom.db'}"
    _, db = harness.build(url, built)
    print(f"database: {db.engine.dialect.name} {harness.db_version(db)}; {args.servers} serve, {args.workers} worker")
    db.engine.dispose()
    runs = [("this checkout", ROOT)] + ([("compare: " + str(args.compare), args.compare)] if args.compare else [])
    results = []
    for label, root in runs:
        data_dir = Path(tmp) / f"run-{len(results)}"
        shutil.copytree(built, data_dir)
        run_url = url if args.database_url else f"sqlite:///{data_dir / 'ujikom.db'}"
        if args.database_url and results:
            _, db = harness.build(url, data_dir)  # a fresh schema for the second checkout
            db.engine.dispose()
        print(f"{label}:", flush=True)
        with serving(root, run_url, data_dir, args.servers, args.workers) as bases:
            results.append((label, measure(bases, args.alone, clients, args.per_client, args.think)))
    for label, phases in results:
        report(label, phases)


if __name__ == "__main__":
    main()
