#!/usr/bin/env python
"""One whole period of N candidates over HTTP against real `ujikom serve` processes, 16 people at once.

    .venv/bin/python bench/period_http.py                       # N = 100, SQLite in a temp dir
    .venv/bin/python bench/period_http.py --n 100,500,2000      # one fresh database per N
    .venv/bin/python bench/period_http.py --n 100 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/ujikom_bench    # DROPS its public schema
    .venv/bin/python bench/period_http.py --n 100 --database-url postgresql+psycopg://... \\
        --servers 1,2 --workers 1,2                             # scale out: every combination, one period each
    .venv/bin/python bench/period_http.py --n 50 --database-url postgresql+psycopg://... \
        --servers 1,2 --workers 1,2 --rounds 3                  # paired: the four interleaved, three rounds

What runs, for each N (a fresh database each time):
 1. untimed setup in this process: migrate and seed the demo data; bulk insert N users with role `peserta` and
    their master records and N/10 asesor, as bench/period_scale.py does (`bulk_people`);
 2. `ujikom serve` (`python -m api.cli serve` from this checkout) on a random free port with the embedded
    worker and renderer; with `--workers W` (W > 0) the servers run without it and W `ujikom worker`
    processes do that work; `--servers S` starts S servers and the clients are spread over them;
 3. the period over HTTP, each SOP step timed: the Direktur's target, the plan, opening registration for N,
    then every candidate's FR.APL.01/02 (with an evidence upload) and Kabid Administrasi's check of it,
    closing registration, the assignment of every accepted candidate, each asesor's pre-assessment review,
    the TUK verification, then per candidate attendance, FR.AK.01, FR.AK.02 and FR.AK.03, the pleno, the SK,
    the certificate numbers, the evaluation and the Direktur's receipt of the report; every form is filled as
    tests/support/sop.py fills it (all candidates accepted and Kompeten);
 4. the render queue drained: GET /api/health is polled until no document waits for its file.

The per-candidate tasks run in `--clients` threads (default 16), each with its own keep-alive HTTP client;
each candidate's chain of tasks is one job. Every task is looked for in its user's inbox until it appears
(children may be started or applied by the worker after the request that caused them returns), with a
short backoff between polls and a generous deadline: no fixed sleep decides anything. A 503 with
Retry-After is waited out and retried and counted apart; any other non-2xx answer is printed with its body
and counted, and a 409 or 5xx is sent again (at most three tries), as a person would.

Tokens: the demo staff log in through POST /api/auth/token; the N bulk-inserted candidates and asesor get
tokens signed here with the server's secret (logging 2,000 people in would measure argon2, not the SOP).
Peak RSS is read from /proc (VmHWM) of each server and worker process and of their children (render and
evaluator processes) every half second. The period's state size is read from the database.
"""

from __future__ import annotations

import argparse
import functools
import itertools
import logging
import os
import re
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
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
import httpx
import jwt
import period_scale
from sqlalchemy import create_engine, func, select, text

from api import seed
from api.store.models import Dokumen, ProcessInstance, StateBlob
from tests.support import foto, sop

ROOT = Path(__file__).resolve().parent.parent
PLENO = ["kabid_sertifikasi", "ketua_lsp"]
STAFF = ["direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi", "asesor2", "asesor3"]
WAIT_SECONDS = 1800.0  # how long a task may take to appear before the run is declared stuck
STOP_AT = [float("inf")]  # --max-minutes: time.monotonic() past which the run stops and reports how far it got
READY_SECONDS = 180.0
ATTEMPTS = 3  # tries of one request that answered 409 or 5xx (each answer counted and printed)
RETRIED = {409, 500, 502, 503, 504}


class Stuck(Exception):
    pass


class Refused(Exception):
    def __init__(self, response: httpx.Response) -> None:
        super().__init__(f"{response.request.method} {response.request.url.path} answered {response.status_code}")
        self.response = response


# --- statistics ------------------------------------------------------------------------------
def pct(values: list[float], q: float) -> float:
    return harness.percentile(values, q)


def ms(values: list[float]) -> str:
    if not values:
        return "-"
    return f"{statistics.median(values) * 1000:8.1f} {pct(values, 95) * 1000:8.1f} {max(values) * 1000:9.1f}"


@dataclass
class Stats:
    lock: threading.Lock = field(default_factory=threading.Lock)
    requests: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    failures: list[tuple[str, str, int, str]] = field(default_factory=list)
    busy: int = 0  # 503 with Retry-After, waited out and retried
    busy_wait_s: float = 0.0
    completions: int = 0  # POST .../complete answered 2xx
    transport_errors: list[str] = field(default_factory=list)  # no answer at all (connection reset, ...)

    def record(self, label: str, seconds: float) -> None:
        with self.lock:
            self.requests[label].append(seconds)

    def fail(self, response: httpx.Response) -> None:
        with self.lock:
            self.failures.append(
                (response.request.method, response.request.url.path, response.status_code, response.text[:2000])
            )
        print(
            f"  !! {response.request.method} {response.request.url.path} -> {response.status_code}: "
            f"{response.text[:500]}",
            flush=True,
        )


# --- the HTTP clients ------------------------------------------------------------------------
class Client:
    """One person's keep-alive connection; tokens are shared by every client of the run."""

    def __init__(self, base: str, tokens: dict[str, str], stats: Stats) -> None:
        # Idle connections are dropped after 4 s, before uvicorn closes them (5 s keep-alive): a request sent on
        # a connection the server is closing at that moment would fail with a connection reset.
        self.http = httpx.Client(
            base_url=base,
            timeout=httpx.Timeout(600.0, connect=30.0),
            limits=httpx.Limits(keepalive_expiry=4.0),
        )
        self.tokens = tokens
        self.stats = stats

    def call(self, label: str, method: str, path: str, user: str | None, **kw: Any) -> httpx.Response:
        headers = {"Authorization": f"Bearer {self.tokens[user]}"} if user else {}
        failed = 0
        while True:
            if time.monotonic() > STOP_AT[0]:
                raise Stuck("stopped: --max-minutes reached")
            t0 = time.perf_counter()
            try:
                r = self.http.request(method, path, headers=headers, **kw)
            except httpx.TransportError as exc:
                with self.stats.lock:
                    self.stats.transport_errors.append(f"{method} {path}: {exc!r}")
                print(f"  !! {method} {path}: {exc!r}", flush=True)
                failed += 1
                if method == "GET" and failed < ATTEMPTS:  # a POST may have been done: not sent twice
                    continue
                raise
            dt = time.perf_counter() - t0
            if r.status_code == 503 and "retry-after" in r.headers:
                wait = min(float(r.headers["retry-after"] or 1), 30.0)
                with self.stats.lock:
                    self.stats.busy += 1
                    self.stats.busy_wait_s += wait
                time.sleep(wait)
                continue
            self.stats.record(label, dt)
            if not 200 <= r.status_code < 300:
                self.stats.fail(r)
                failed += 1
                # A lost race (409) or a server error: what a person does is send it again, a little later.
                if r.status_code in RETRIED and failed < ATTEMPTS:
                    time.sleep(0.5 * failed)
                    continue
                raise Refused(r)
            if path.endswith("/complete"):
                with self.stats.lock:
                    self.stats.completions += 1
            return r

    def inbox(self, label: str, user: str, **params: Any) -> list[dict[str, Any]]:
        body: list[dict[str, Any]] = self.call(label, "GET", "/api/tasks", user, params=params).json()
        return body

    def wait_task(self, user: str, name: str, label: str, subject: str | None = None, **params: Any) -> dict[str, Any]:
        """The user's open task `name` (of `subject`), polled for until it appears."""
        if subject is not None:
            params.setdefault("q", subject)
        deadline = time.monotonic() + WAIT_SECONDS
        delay = 0.02
        first = True
        while True:
            for t in self.inbox(label if first else "inbox (polled again)", user, **params):
                if t["name"] == name and (subject is None or t.get("subject") == subject):
                    return t
            first = False
            if time.monotonic() > min(deadline, STOP_AT[0]):
                raise Stuck(f"{user} never got {name!r} ({subject or params})")
            time.sleep(delay)
            delay = min(delay * 1.5, 0.5)

    def detail(self, user: str, task_id: str) -> dict[str, Any]:
        body: dict[str, Any] = self.call("task detail", "GET", f"/api/tasks/{task_id}", user).json()
        return body

    def complete(self, label: str, user: str, task_id: str, data: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = self.call(
            label, "POST", f"/api/tasks/{task_id}/complete", user, json={"data": data}
        ).json()
        return body

    def close(self) -> None:
        self.http.close()


class Pool:
    """`--clients` people working at once: a thread each, with its own client (spread over the servers)."""

    def __init__(self, bases: list[str], tokens: dict[str, str], stats: Stats, clients: int) -> None:
        self.local = threading.local()
        self.bases = bases
        self.tokens = tokens
        self.stats = stats
        self.count = itertools.count()
        self.clients: list[Client] = []
        self.executor = ThreadPoolExecutor(max_workers=clients, thread_name_prefix="person")

    def client(self) -> Client:
        c: Client | None = getattr(self.local, "client", None)
        if c is None:
            c = Client(self.bases[next(self.count) % len(self.bases)], self.tokens, self.stats)
            self.local.client = c
            self.clients.append(c)
        return c

    def run(self, job: Callable[[Client, str], None], items: list[str]) -> None:
        def one(item: str) -> None:
            job(self.client(), item)

        for f in [self.executor.submit(one, item) for item in items]:
            f.result()

    def close(self) -> None:
        self.executor.shutdown()
        for c in self.clients:
            c.close()


# --- processes: serve, worker, and their memory ----------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def children_of(pid: int) -> list[int]:
    found: list[int] = []
    try:
        for tid in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{tid}/children") as f:
                found += [int(c) for c in f.read().split()]
    except OSError:
        return found
    return found + [g for c in found for g in children_of(c)]


def vm_hwm_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def kind_of(pid: int, parent_label: str) -> str:
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return "?"
    if "evaluator" in cmd:
        return f"{parent_label} evaluator"
    try:
        with open(f"/proc/{pid}/maps") as f:
            if "pango" in f.read():  # WeasyPrint loaded: a render process
                return f"{parent_label} render process"
    except OSError:
        pass
    if "forkserver" in cmd:
        return f"{parent_label} forkserver"
    return f"{parent_label} other child"


class Memory:
    """Peak RSS (VmHWM) of the main processes and every process under them, sampled every half second."""

    def __init__(self) -> None:
        self.roots: dict[int, str] = {}
        self.peak: dict[int, tuple[str, float]] = {}
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def watch(self, pid: int, label: str) -> None:
        self.roots[pid] = label

    def _sample(self) -> None:
        for root, label in list(self.roots.items()):
            for pid in [root, *children_of(root)]:
                mb = vm_hwm_mb(pid)
                if mb is None:
                    continue
                old = self.peak.get(pid)
                name = label if pid == root else (old[0] if old and "render" in old[0] else kind_of(pid, label))
                self.peak[pid] = (name, max(mb, old[1] if old else 0.0))

    def _run(self) -> None:
        while not self.stop.wait(0.5):
            self._sample()

    def __enter__(self) -> Memory:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._sample()
        self.stop.set()
        self.thread.join()

    def table(self) -> list[tuple[str, float, int]]:
        grouped: dict[str, list[float]] = defaultdict(list)
        for name, mb in self.peak.values():
            grouped[name].append(mb)
        return sorted((name, max(v), len(v)) for name, v in grouped.items())


@dataclass
class Processes:
    bases: list[str]
    procs: list[tuple[str, subprocess.Popen[bytes], Path]]


def environment(url: str, data_dir: Path, secret: str, embedded: bool) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("UJIKOM_")}
    env.update(
        {
            "PYTHONPATH": str(ROOT),
            "UJIKOM_ENV": "development",
            "UJIKOM_DATABASE_URL": url,
            "UJIKOM_DATA_DIR": str(data_dir),
            "UJIKOM_SECRET_KEY": secret,
            "UJIKOM_EMBEDDED_WORKER": "true" if embedded else "false",
        }
    )
    return env


def left_behind(name: str, group: int) -> None:
    """Processes of `name`'s group still running after it exited (render processes, their forkserver) are
    reported and stopped."""
    deadline = time.monotonic() + 10  # evaluators exit when their stdin closes: give them a moment
    while True:
        pids = [int(p) for p in os.listdir("/proc") if p.isdigit() and _pgid(int(p)) == group]
        if not pids:
            return
        if time.monotonic() > deadline:
            break
        time.sleep(0.2)
    what = []
    for pid in pids:
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                cmd = f.read().replace(b"\0", b" ").decode(errors="replace")
            what.append(f"{pid} {cmd[:90]}")
        except OSError:
            pass
    print(f"  ({name} exited and left {len(pids)} process(es) running: {'; '.join(what)}; stopped)", flush=True)
    os.killpg(group, signal.SIGKILL)


def _pgid(pid: int) -> int | None:
    try:
        return os.getpgid(pid)
    except OSError:
        return None


@contextmanager
def running(url: str, data_dir: Path, secret: str, servers: int, workers: int, memory: Memory) -> Iterator[Processes]:
    procs: list[tuple[str, subprocess.Popen[bytes], Path]] = []
    bases: list[str] = []
    env = environment(url, data_dir, secret, embedded=workers == 0)
    try:
        for i in range(servers):
            port = free_port()
            log = data_dir / f"serve-{i + 1}.log"
            with log.open("wb") as out:
                p = subprocess.Popen(
                    [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
                    env=env,
                    cwd=data_dir,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: what it leaves behind is found
                )
            procs.append((f"serve {i + 1}", p, log))
            bases.append(f"http://127.0.0.1:{port}")
            memory.watch(p.pid, f"serve {i + 1}")
        for i in range(workers):
            log = data_dir / f"worker-{i + 1}.log"
            with log.open("wb") as out:
                p = subprocess.Popen(
                    [sys.executable, "-m", "api.cli", "worker"],
                    env=env,
                    cwd=data_dir,
                    stdout=out,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,  # its own process group: what it leaves behind is found
                )
            procs.append((f"worker {i + 1}", p, log))
            memory.watch(p.pid, f"worker {i + 1}")
        deadline = time.monotonic() + READY_SECONDS
        for base, (name, p, log) in zip(bases, procs, strict=False):
            while True:
                if p.poll() is not None:
                    raise SystemExit(f"{name} exited with {p.returncode}:\n{log.read_text()[-3000:]}")
                try:
                    if httpx.get(f"{base}/api/health/live", timeout=5).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise SystemExit(f"{name} did not answer within {READY_SECONDS:.0f} s")
                time.sleep(0.1)
        yield Processes(bases, procs)
    finally:
        for _, p, _ in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGINT)
        for name, p, log in procs:
            try:
                p.wait(timeout=120)
            except subprocess.TimeoutExpired:
                print(f"  ({name} had not exited 120 s after SIGINT: killed)", flush=True)
                p.kill()
                p.wait()
            left_behind(name, p.pid)
            tail = log.read_text(errors="replace")
            if "Traceback" in tail:
                print(f"  ({name} logged a traceback:)\n{tail[tail.index('Traceback') :][:3000]}")


# --- the period ------------------------------------------------------------------------------
def mint(secret: str, usernames: list[str]) -> dict[str, str]:
    now = datetime.now(UTC)
    return {
        u: jwt.encode({"sub": u, "ver": 0, "iat": now, "exp": now + timedelta(hours=12)}, secret, "HS256")
        for u in usernames
    }


def rencana(n: int) -> dict[str, Any]:
    today = datetime.now(sop.WIB).date()
    return {
        "tor": {
            "latar_belakang": "Mahasiswa tingkat akhir wajib tersertifikasi sebelum lulus.",
            "dasar_hukum": "PP 10/2018 tentang BNSP.",
            "maksud_tujuan": "Uji kompetensi bagi mahasiswa tingkat akhir.",
            "sasaran": f"{n} mahasiswa dari tiga program studi.",
            "ruang_lingkup": "Tiga skema, dua TUK sewaktu di kampus.",
            "metode": "Observasi demonstrasi dan tanya jawab.",
            "penutup": "Demikian.",
        },
        "rab": [{"kelompok": "Honor asesor", "uraian": "Honor", "volume": 100, "satuan": "OH", "harga_satuan": 500000}],
        "jadwal": {
            "pendaftaran_mulai": today.isoformat(),
            "pendaftaran_selesai": (today + timedelta(days=7)).isoformat(),
            "asesmen_mulai": (today + timedelta(days=10)).isoformat(),
            "asesmen_selesai": (today + timedelta(days=period_scale.HARI_ASESMEN[-1])).isoformat(),
            "kuota_min": 2,
            "sesi": period_scale.sesi(today),
        },
        "tuk_kode": period_scale.TUK,
    }


def kehadiran() -> dict[str, Any]:
    """The attendance form as tests/support/sop.py fills it (with the day of the assessment once the form
    asks for it: `sop.kehadiran`), present."""
    fill = getattr(sop, "kehadiran", None)
    if fill is not None:
        data: dict[str, Any] = fill()
        return data
    return {"kehadiran": {"hadir": True, "catatan": ""}}


@dataclass
class Run:
    n: int
    stats: Stats
    steps: list[tuple[str, float]] = field(default_factory=list)
    period_requests: list[tuple[str, float]] = field(default_factory=list)
    states: list[tuple[str, float, float, float]] = field(default_factory=list)
    load_ms: tuple[float, float] = (0.0, 0.0)
    phases: list[tuple[str, int, float]] = field(default_factory=list)  # per-candidate phases: completions, s
    waits: list[tuple[str, float]] = field(default_factory=list)
    wall: float = 0.0
    drain_s: float = 0.0
    documents: Counter[str] = field(default_factory=Counter)
    rendered: int = 0
    failed: int = 0
    render_span_s: float = 0.0
    memory: list[tuple[str, float, int]] = field(default_factory=list)
    stuck: str | None = None
    waiting_at_receipt: int = -1  # documents waiting for their file when the period ended


def drive(run: Run, bases: list[str], db_url: str, secret: str, clients: int) -> None:
    """The period, from the Direktur's target to the Direktur's receipt, then the render queue drained."""
    n = run.n
    stats = run.stats
    peserta = [period_scale.candidate(i) for i in range(1, n + 1)]
    asesor = [period_scale.asesor_name(i) for i in range(1, max(1, -(-n // 10)) + 1)]
    skema_of = {u: period_scale.SKEMA[i % 3] for i, u in enumerate(peserta, 1)}
    asesor_of = {u: asesor[i % len(asesor)] for i, u in enumerate(peserta)}
    tuk_of = {u: period_scale.TUK[i % 2] for i, u in enumerate(peserta)}
    tokens = mint(secret, peserta + asesor)
    main = Client(bases[0], tokens, stats)
    for u in STAFF:
        r = main.http.post("/api/auth/token", data={"username": u, "password": seed.demo_password(u)})
        assert r.status_code == 200, r.text
        tokens[u] = r.json()["access_token"]
    units: dict[str, list[dict[str, Any]]] = {}
    for nomor in period_scale.SKEMA:
        items = main.call("skema", "GET", "/api/skema", "kabid_sertifikasi", params={"q": nomor}).json()["items"]
        units[nomor] = next(s["unit"] for s in items if s["nomor"] == nomor)
    engine = create_engine(db_url)

    def state_kb(label: str, instance_id: int) -> None:
        """The period's state row, and the large values it refers to (api/engine/state_blobs.py): each kept
        once, and the state_blob table's total for the whole database (every instance's, every version)."""
        with engine.connect() as conn:
            state = conn.scalar(
                select(ProcessInstance.__table__.c.state).where(ProcessInstance.__table__.c.id == instance_id)
            )
            refs = set(re.findall(r'\\u0000blob":"([0-9a-f]{64})"', state or ""))
            blob = StateBlob.__table__.c
            referred = conn.scalar(select(func.sum(blob.size)).where(blob.hash.in_(refs))) if refs else 0
            table = conn.scalar(select(func.sum(blob.size)))
        run.states.append((label, len(state or "") / 1024, (referred or 0) / 1024, (table or 0) / 1024))

    pool = Pool(bases, tokens, stats, clients)
    t_run = time.perf_counter()
    t_step = time.perf_counter()

    def step_done(name: str) -> None:
        nonlocal t_step
        now = time.perf_counter()
        run.steps.append((name, now - t_step))
        print(f"  step {name}: {now - t_step:.1f} s", flush=True)
        t_step = now

    def period_task(label: str, user: str, name: str, data: Callable[[dict[str, Any]], dict[str, Any]]) -> None:
        """A period-level task: wait for it (timed apart), then its one request (timed)."""
        t0 = time.perf_counter()
        task = main.wait_task(user, name, "inbox (staff)", period=period)
        waited = time.perf_counter() - t0
        if waited > 0.5:
            run.waits.append((f"waiting for '{name}'", waited))
        t0 = time.perf_counter()
        main.complete("period-level complete", user, task["id"], data(task))
        dt = time.perf_counter() - t0
        run.period_requests.append((label, dt))
        print(f"    {label}: {dt:.2f} s", flush=True)

    def phase(label: str, job: Callable[[Client, str], None], items: list[str]) -> None:
        before = stats.completions
        t0 = time.perf_counter()
        pool.run(job, items)
        dt = time.perf_counter() - t0
        run.phases.append((label, stats.completions - before, dt))
        print(f"    {label}: {len(items):,} in {dt:.1f} s", flush=True)

    try:
        # 1. the Direktur's target
        t0 = time.perf_counter()
        r = main.call(
            "period-level start",
            "POST",
            "/api/process-definitions/uji_kompetensi/instances",
            "direktur",
            json={"business_key": f"HTTP-{n}", "data": {"periode": period_scale.TARGET["periode"]}},
        )
        period = int(r.json()["id"])
        run.period_requests.append(("start the period", time.perf_counter() - t0))
        period_task("target (step 1)", "direktur", "Menetapkan target uji kompetensi", lambda t: period_scale.TARGET)
        step_done("1 target")
        period_task("plan (step 2)", "ketua_lsp", "Menyusun rencana uji kompetensi", lambda t: rencana(n))
        step_done("2 plan")

        # 3. registration, closing, assignment, pre-assessment
        daftar = [{"username": u, "skema_nomor": skema_of[u]} for u in peserta]
        period_task(
            f"open registration ({n:,} rows)",
            "kabid_administrasi",
            "Membuka pendaftaran uji kompetensi",
            lambda t: {"daftar_pendaftar": daftar},
        )
        state_kb("registration open", period)

        def register(c: Client, u: str) -> None:
            t = c.wait_task(u, "Mengisi FR.APL.01 dan FR.APL.02", "inbox (peserta)")
            up = c.call(
                "upload evidence",
                "POST",
                f"/api/tasks/{t['id']}/berkas",
                u,
                files={"file": ("ktm.pdf", sop.PDF, "application/pdf")},
            ).json()
            pas_foto = c.call(
                "upload pas foto",
                "POST",
                f"/api/tasks/{t['id']}/berkas?jenis=pas_foto",
                u,
                files={"file": ("pas-foto.png", foto.PNG, "image/png")},
            ).json()
            c.complete(
                "complete FR.APL.01/02",
                u,
                t["id"],
                {
                    "apl01": {
                        "tujuan_asesmen": "sertifikasi",
                        "pendidikan": "D3 (tingkat akhir)",
                        "pas_foto_berkas_id": pas_foto["id"],
                        "bukti": [{"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": up["id"]}],
                        "pernyataan": True,
                    },
                    "apl02": [sop.mandiri(x) for x in units[skema_of[u]]],
                },
            )
            t = c.wait_task(
                "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran", "inbox search (staff)", subject=u
            )
            data = c.detail("kabid_administrasi", t["id"])["data"]
            c.complete("complete evidence check", "kabid_administrasi", t["id"], sop.pemeriksaan(data, "diterima"))

        phase("FR.APL.01/02 + evidence check, per candidate", register, peserta)
        period_task(
            "close registration",
            "kabid_administrasi",
            "Menutup pendaftaran",
            lambda t: {"penutupan": {"alasan": "Semua berkas telah diperiksa"}},
        )
        penugasan = {
            "penugasan_asesor": period_scale.dengan_sesi(
                [{"username": u, "asesor": asesor_of[u], "tuk_kode": tuk_of[u]} for u in peserta]
            ),
            "penugasan_verifikator": [{"tuk_kode": k, "verifikator": v} for k, v in period_scale.VERIFIKATOR.items()],
        }
        t0 = time.perf_counter()
        main.wait_task("kabid_sertifikasi", "Menugaskan asesor dan verifikator TUK", "inbox (staff)", period=period)
        run.waits.append(("registrations applied by the worker (close → assignment task)", time.perf_counter() - t0))
        state_kb("registrations applied", period)
        period_task(
            f"assignment ({n:,} rows)",
            "kabid_sertifikasi",
            "Menugaskan asesor dan verifikator TUK",
            lambda t: penugasan,
        )
        state_kb("after the assignment", period)

        def pra(c: Client, u: str) -> None:
            t = c.wait_task(asesor_of[u], "Meninjau FR.APL.02 (pra-asesmen)", "inbox search (asesor)", subject=u)
            c.complete(
                "complete pre-assessment review",
                asesor_of[u],
                t["id"],
                {"pra_asesmen": {"rekomendasi": "lanjut", "catatan": "Bukti memadai"}},
            )

        phase("pre-assessment review, per candidate", pra, peserta)
        step_done("3 registration and assignment")

        # 4. TUK verification
        for kode, verifikator in period_scale.VERIFIKATOR.items():
            period_task(
                f"verify {kode}",
                verifikator,
                "Memverifikasi TUK dengan daftar periksa",
                lambda t: sop.verifikasi("sesuai"),
            )
        for _ in period_scale.VERIFIKATOR:
            period_task(
                "set TUK verified",
                "ketua_lsp",
                "Menetapkan TUK terverifikasi",
                lambda t: {"penetapan_tuk": {"ditetapkan": True, "catatan": ""}},
            )
        step_done("4 TUK verification")

        # 5. the assessment, per candidate
        def assess(c: Client, u: str) -> None:
            a = asesor_of[u]
            t = c.wait_task(a, "Mencatat kehadiran peserta", "inbox search (asesor)", subject=u)
            c.complete("complete attendance", a, t["id"], kehadiran())
            t = c.wait_task(u, "Menyetujui asesmen (FR.AK.01)", "inbox (peserta)")
            c.complete(
                "complete FR.AK.01", u, t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}}
            )
            t = c.wait_task(a, "Menilai unit kompetensi (FR.AK.02)", "inbox search (asesor)", subject=u)
            rows = [
                {
                    "kode": x["kode"],
                    "judul": x["judul"],
                    "rekomendasi": "K",
                    "metode": ["observasi_demonstrasi", "pertanyaan_lisan"],
                    "catatan": "",
                    "tindak_lanjut": "",
                }
                for x in units[skema_of[u]]
            ]
            c.complete("complete FR.AK.02", a, t["id"], {"penilaian": {"unit": rows, "umpan_balik": "Terima kasih."}})
            t = c.wait_task(u, "Memberi umpan balik asesmen (FR.AK.03)", "inbox (peserta)")
            statements = c.detail(u, t["id"])["form"]["schema"]["properties"]["ak03"]["required"]
            c.complete("complete FR.AK.03", u, t["id"], {"ak03": {**{s: True for s in statements}, "komentar": "Baik"}})

        phase("attendance, FR.AK.01, FR.AK.02, FR.AK.03, per candidate", assess, peserta)

        # each asesor's FR.AK.05, one per skema and TUK they assessed at (named in the inbox by the TUK)
        laporan = Counter((a, t) for a, t, _ in {(asesor_of[u], tuk_of[u], skema_of[u]) for u in peserta})

        def report(c: Client, group: str) -> None:
            a, tuk = group.split("|")
            for _ in range(laporan[(a, tuk)]):
                t = c.wait_task(a, sop.LAPORAN, "inbox search (asesor)", subject=tuk)
                c.complete("complete FR.AK.05", a, t["id"], sop.laporan_asesmen_isi())

        phase("FR.AK.05, per asesor and TUK", report, [f"{a}|{t}" for a, t in sorted(laporan)])
        state_kb("after the assessment", period)
        step_done("5 assessment")

        # 6. decision, certificates
        period_task(
            f"pleno ({n:,} decisions)",
            "kabid_sertifikasi",
            "Melaksanakan rapat pleno",
            lambda t: sop.pleno({u: "K" for u in peserta}, PLENO),
        )
        period_task(
            "approve the SK",
            "ketua_lsp",
            "Menyetujui SK penetapan hasil asesmen",
            lambda t: {"persetujuan_sk": {"disetujui": True, "catatan": ""}},
        )
        period_task(
            f"certificate numbers ({n:,} rows)",
            "kabid_administrasi",
            "Mencatat nomor sertifikat dari BNSP",
            lambda t: {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(peserta)}},
        )
        step_done("6 decision and certificates")

        # 7. evaluation and the Direktur's receipt
        period_task(
            "evaluation",
            "ketua_lsp",
            "Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi",
            lambda t: {
                "evaluasi": {
                    "ringkasan": "Uji kompetensi terlaksana sesuai jadwal.",
                    "temuan": "Tidak ada.",
                    "rekomendasi": "Pertahankan.",
                    "realisasi_anggaran": 2100000,
                }
            },
        )
        period_task(
            "receipt of the report",
            "direktur",
            "Menerima laporan uji kompetensi",
            lambda t: {"diterima": True, "catatan": "Diterima."},
        )
        step_done("7 evaluation and receipt")
        state_kb("period ended", period)
        run.load_ms = load_cost(db_url, period)

        # the render queue drained (and nothing left for the worker)
        t0 = time.perf_counter()
        delay = 0.1
        while True:
            h = main.call("health", "GET", "/api/health", None).json()
            if run.waiting_at_receipt < 0:
                run.waiting_at_receipt = h["renderer"]["documents_waiting"]
            if h["renderer"]["documents_waiting"] == 0 and h["worker"]["child_completions_pending"] == 0:
                break
            if time.perf_counter() - t0 > WAIT_SECONDS:
                raise Stuck(f"render queue not drained: {h}")
            time.sleep(delay)
            delay = min(delay * 1.5, 1.0)
        run.drain_s = time.perf_counter() - t0
        run.wall = time.perf_counter() - t_run
        print(f"  render queue drained {run.drain_s:.1f} s after the receipt; wall {run.wall:.0f} s", flush=True)
    except (Stuck, Refused, httpx.TransportError) as exc:
        run.stuck = str(exc)
        run.wall = time.perf_counter() - t_run
        print(f"  STUCK: {exc}", flush=True)
    finally:
        pool.close()
        main.close()
        d = Dokumen.__table__.c
        with engine.connect() as conn:
            run.documents = Counter(dict(conn.execute(select(d.kind, func.count()).group_by(d.kind)).all()))
            run.rendered = conn.scalar(select(func.count()).where(d.rendered_at.is_not(None))) or 0
            run.failed = conn.scalar(select(func.count()).where(d.render_error.is_not(None))) or 0
            first, last = conn.execute(
                select(func.min(d.rendered_at), func.max(d.rendered_at)).where(d.rendered_at.is_not(None))
            ).one()
            if first is not None and last is not None:
                run.render_span_s = (last - first).total_seconds()
        engine.dispose()


def load_cost(db_url: str, instance_id: int, samples: int = 7) -> tuple[float, float]:
    """CPU ms to restore the ended period's workflow (median of `samples`, this process, paired): from its state
    with every value inline (as before state_blob) and from its state row with the references the runtime reads
    (api/engine/state_blobs.py)."""
    from api.clock import Clock
    from api.engine import state_blobs
    from api.engine.runtime import Runtime
    from api.engine.serializer import dump_workflow, load_workflow
    from api.settings import Settings
    from api.store.db import Database

    db = Database(db_url)
    try:
        with db.reading() as session:
            row = session.get_one(ProcessInstance, instance_id)
            runtime = Runtime.for_app(session, Clock(), Settings(database_url=db_url))
            model = runtime.model_for(row)
            inline = dump_workflow(runtime.load(row))
            full, kept = [], []
            for _ in range(samples):
                t0 = time.process_time()
                load_workflow(inline, model.spec, model.subprocess_specs)
                full.append(time.process_time() - t0)
                t0 = time.process_time()
                state, reader = state_blobs.parse(session, row.state)
                load_workflow(state, model.spec, model.subprocess_specs, reader)
                kept.append(time.process_time() - t0)
        return statistics.median(full) * 1000, statistics.median(kept) * 1000
    finally:
        db.engine.dispose()


# --- one configuration -----------------------------------------------------------------------
def prepare(url: str | None, n: int) -> tuple[str, Path]:
    data_dir = Path(tempfile.mkdtemp(prefix="ujikom-http-"))
    db_url = url or f"sqlite:///{data_dir / 'period.sqlite3'}"
    app, db = harness.build(db_url, data_dir)
    del app
    people, asesor, seconds = period_scale.bulk_people(db, n)
    print(f"  (setup) {len(people):,} candidates and {len(asesor):,} asesor bulk inserted in {seconds:.1f} s")
    db.engine.dispose()
    return db_url, data_dir


def one_run(url: str | None, n: int, servers: int, workers: int, clients: int, minutes: float | None) -> Run:
    db_url, data_dir = prepare(url, n)
    STOP_AT[0] = time.monotonic() + minutes * 60 if minutes else float("inf")
    secret = secrets.token_urlsafe(48)
    run = Run(n, Stats())
    with Memory() as memory, running(db_url, data_dir, secret, servers, workers, memory) as procs:
        drive(run, procs.bases, db_url, secret, clients)
    run.memory = memory.table()
    shutil.rmtree(data_dir, ignore_errors=True)  # the SQLite file, evidence, PDFs and the processes' logs
    return run


def report(run: Run, label: str) -> None:
    s = run.stats
    print(
        f"\n=== {label}: N = {run.n:,}, wall {run.wall:.0f} s, load average now {os.getloadavg()[0]:.1f}"
        + (f" — STUCK: {run.stuck}" if run.stuck else "")
    )
    print("SOP step wall times:")
    for name, sec in run.steps:
        print(f"  {name:<40} {sec:8.1f} s")
    print(f"  {'render queue drained after the receipt':<40} {run.drain_s:8.1f} s")
    print("period-level requests:")
    for name, sec in run.period_requests:
        print(f"  {name:<40} {sec:8.2f} s")
    for name, sec in run.waits:
        print(f"  (wait) {name:<60} {sec:8.1f} s")
    print("per-candidate phases (completions, wall, completions/s):")
    for name, done, sec in run.phases:
        print(f"  {name:<58} {done:6,} {sec:8.1f} s {done / sec if sec else 0:7.1f}/s")
    print(f"requests by kind (ms): {'n':>7} {'median':>8} {'p95':>8} {'max':>9}")
    for name, values in sorted(s.requests.items()):
        if name.startswith("period-level") or name in ("skema", "health"):
            continue
        print(f"  {name:<36} {len(values):7,} {ms(values)}")
    print(f"non-2xx answers: {len(s.failures)}" + (" (must be 0)" if s.failures else ""))
    for method, path, status, body in s.failures:
        print(f"  {method} {path} -> {status}: {body}")
    print(f"requests without an answer (connection errors): {len(s.transport_errors)}")
    for line in s.transport_errors:
        print(f"  {line}")
    print(f"503 + Retry-After answers waited out: {s.busy} ({s.busy_wait_s:.1f} s of waiting)")
    if run.load_ms[1]:
        full, kept = run.load_ms
        print(
            f"restoring the ended period (CPU, this process): {full:.1f} ms with every value inline, {kept:.1f} ms "
            f"from its row and state_blob ({full / kept:.1f}x)"
        )
    print("period state row (+ the large values it refers to, each once; + every instance's in state_blob):")
    for label, kb, referred, table in run.states:
        print(f"  {label:<24} {kb:9,.0f} KB  (+ {referred:,.0f} KB referred; state_blob {table:,.0f} KB)")
    total = sum(run.documents.values())
    rate = run.rendered / run.render_span_s if run.render_span_s else 0
    print(
        f"documents: {total:,} issued, {run.rendered:,} rendered, {run.failed} with a render error; "
        f"first to last render {run.render_span_s:.0f} s = {rate:.1f} documents/s"
    )
    if run.waiting_at_receipt > 0 and run.drain_s:
        print(
            f"  {run.waiting_at_receipt:,} waited for their file at the receipt, rendered in {run.drain_s:.0f} s: "
            f"{run.waiting_at_receipt / run.drain_s:.1f} documents/s with a backlog"
        )
    print("  by kind: " + ", ".join(f"{k} {v:,}" for k, v in sorted(run.documents.items())))
    # Short-lived children of a forkserver (a few MB each) are left out.
    shown = [(name, mb, k) for name, mb, k in run.memory if "other child" not in name and name != "?"]
    print(
        "peak RSS (VmHWM): " + "; ".join(f"{name} {mb:.0f} MB" + (f" (x{k})" if k > 1 else "") for name, mb, k in shown)
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="100", help="candidates per period, comma-separated (default 100)")
    parser.add_argument("--clients", type=int, default=16, help="people working at once (default 16)")
    parser.add_argument("--database-url", help="PostgreSQL scratch database: its public schema is DROPPED first")
    parser.add_argument("--servers", default="1", help="`ujikom serve` processes, comma-separated (default 1)")
    parser.add_argument(
        "--workers",
        default="0",
        help="`ujikom worker` processes, comma-separated; 0 (default): the servers' embedded worker",
    )
    parser.add_argument(
        "--max-minutes", type=float, help="stop a run after this long and report how far it got (default: no limit)"
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="run every configuration this many times, interleaved (each round runs them all, in a rotated order), "
        "and compare them by their medians: a paired comparison on a machine whose load drifts (default 1)",
    )
    args = parser.parse_args(argv)
    # A SIGTERM (timeout, kill) ends the run through its `finally`s: the servers and workers are stopped too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    logging.disable(logging.WARNING)
    seed.hash_password = functools.lru_cache(maxsize=None)(seed.hash_password)
    sizes = [int(x) for x in args.n.split(",")]
    servers = [int(x) for x in args.servers.split(",")]
    workers = [int(x) for x in args.workers.split(",")]
    if (max(servers) > 1 or max(workers) > 0) and not (args.database_url or "").startswith("postgresql"):
        if max(servers) > 1:
            print("note: several servers on one SQLite file share its single write lock", flush=True)
    dialect = "postgresql" if (args.database_url or "").startswith("postgresql") else "sqlite"
    version = "?"
    if dialect == "sqlite":
        import sqlite3

        version = sqlite3.sqlite_version
    else:
        eng = create_engine(args.database_url)
        with eng.connect() as conn:
            version = str(conn.scalar(text("SHOW server_version")))
        eng.dispose()
    print(
        f"ujikom period over HTTP: N = {args.n}, {args.clients} clients, {dialect} {version}, {os.cpu_count()} CPUs, "
        f"load {os.getloadavg()[0]:.1f}, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    results: list[tuple[str, Run]] = []
    configurations = [(s, w) for s in servers for w in workers]
    for n in sizes:
        for r in range(args.rounds):
            # Each round starts one configuration later, so none always runs first (or last) in the drift.
            k = r % len(configurations)
            for s, w in configurations[k:] + configurations[:k]:
                label = f"{s} serve, " + (f"{w} ujikom worker" if w else "embedded worker")
                print(f"\n--- N = {n:,}, {label}" + (f", round {r + 1} of {args.rounds}" if args.rounds > 1 else ""))
                run = one_run(args.database_url, n, s, w, args.clients, args.max_minutes)
                report(run, label)
                results.append((label, run))
    if len(results) > 1:
        print("\nsummary:")
        print(
            f"  {'N':>6} {'configuration':<28} {'wall s':>7} {'cand. compl./s':>14} {'apply N s':>9} "
            f"{'docs/s':>7} {'backlog docs/s':>14} {'non-2xx':>7} {'503':>5}"
        )
        for label, run in results:
            compl, rate = throughput(run)
            backlog = run.waiting_at_receipt / run.drain_s if run.waiting_at_receipt > 0 and run.drain_s else 0
            apply = next((t for w, t in run.waits if w.startswith("registrations applied")), 0.0)
            print(
                f"  {run.n:>6,} {label:<28} {run.wall:7.0f} {compl:14.1f} {apply:9.1f} "
                f"{rate:7.1f} {backlog:14.1f} {len(run.stats.failures):7} {run.stats.busy:5}"
            )
    if args.rounds > 1:
        paired(results)
    return 1 if any(r.stats.failures or r.stats.transport_errors or r.stuck for _, r in results) else 0


def throughput(run: Run) -> tuple[float, float]:
    """Per-candidate completions per second over the run's per-candidate phases, and documents rendered per
    second from the first render to the last."""
    done = sum(d for _, d, _ in run.phases)
    sec = sum(t for _, _, t in run.phases)
    return (done / sec if sec else 0.0), (run.rendered / run.render_span_s if run.render_span_s else 0.0)


def paired(results: list[tuple[str, Run]]) -> None:
    """Each configuration's medians over the rounds, and as ratios to the first configuration's in the same
    rounds (the figures the comparison rests on: absolute ones drift with the machine's load)."""
    by_config: dict[tuple[int, str], list[Run]] = defaultdict(list)
    for label, run in results:
        by_config[(run.n, label)].append(run)
    print("\npaired comparison (medians over the rounds; ratio to the first configuration of the same N):")
    print(f"  {'N':>6} {'configuration':<28} {'wall s':>7} {'x':>6} {'compl./s':>9} {'x':>6} {'docs/s':>7} {'x':>6}")
    base: dict[int, tuple[float, float, float]] = {}
    for (n, label), runs in by_config.items():
        wall = statistics.median(r.wall for r in runs)
        compl = statistics.median(throughput(r)[0] for r in runs)
        docs = statistics.median(throughput(r)[1] for r in runs)
        b = base.setdefault(n, (wall, compl, docs))
        print(
            f"  {n:>6,} {label:<28} {wall:7.0f} {wall / b[0]:6.2f} {compl:9.1f} {compl / b[1] if b[1] else 0:6.2f} "
            f"{docs:7.1f} {docs / b[2] if b[2] else 0:6.2f}"
        )


if __name__ == "__main__":
    sys.exit(main())
