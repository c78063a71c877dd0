#!/usr/bin/env python
"""Latency of start instance, complete task and inbox query with N open tasks, against the budget.

Measured in-process through the real FastAPI app with FastAPI's TestClient: routing, auth (JWT
decode + user lookup), request/response JSON, the DB transaction and the workflow engine are all
included; a network socket and uvicorn are not (`--socket`: a real `ujikom serve` over a keep-alive
client). Next to it, the raw in-memory SpiffWorkflow cost of the same step (no DB, no HTTP), sampled in
every cycle, and the ratios of issue 15: start and complete against the raw engine, the inbox against
the health check, all from the same run.

The open-task count N is reached by padding the `human_task` table with SYNTHETIC rows (bulk
inserted, shaped like the shipped processes' real user tasks); the measured operations themselves
run on real instances started through the API. See bench/README.md.

    .venv/bin/python bench/latency.py                   # SQLite (WAL) in a temp dir, sizes 10,1000,100000
    .venv/bin/python bench/latency.py --quick           # smoke run: sizes 10,1000, few samples
    .venv/bin/python bench/latency.py --socket          # the same over a real socket against `ujikom serve`
    .venv/bin/python bench/latency.py --database-url postgresql+psycopg://postgres@127.0.0.1:5432/scratch
                                                        # DROPS and recreates that database's public schema
"""

from __future__ import annotations

import argparse
import cProfile
import functools
import io
import logging
import os
import platform
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import ExitStack
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import warnings  # noqa: E402

warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient` is deprecated")
from fastapi.testclient import TestClient  # noqa: E402
from harness import (  # noqa: E402
    TARGET_FORM,
    Api,
    Series,
    build,
    db_version,
    open_task_count,
    percentile,
    retire,
    served,
)
from padding import Padding  # noqa: E402
from raw_engine import RawEngine, raw_baseline  # noqa: E402
from sqlalchemy import select  # noqa: E402

import service_tasks  # noqa: E402
from api import seed  # noqa: E402
from api.schemas import CompleteTask  # noqa: E402
from api.store.db import Database  # noqa: E402

# ARCHITECTURE.md, "Performance budget (per request, 2 cores, SQLite)": medians, in ms.
BUDGET_MS = {"start": 12.0, "complete": 10.0, "inbox": 5.0}
SPIFFARENA_MS = {"start": "55", "complete": "45", "inbox": "10-24"}
INBOX_USERS = ("direktur", "kabid_administrasi", "peserta")
SEARCH_USER = "kabid_administrasi"
# Functions on the complete-task path whose cumulative share the profile reports.
BREAKDOWN = [
    ("api/routes/tasks.py", "complete"),
    ("api/routes/tasks.py", "_task_for"),
    ("api/engine/forms.py", "load_form"),
    ("api/engine/forms.py", "form_of"),
    ("api/engine/forms.py", "form_errors"),
    ("api/engine/runtime.py", "complete_task"),
    ("api/engine/runtime.py", "load"),
    ("service_tasks/__init__.py", "check"),
    ("service_tasks/pemeriksaan/perencanaan.py", "periksa_target"),
    ("service_tasks/data_induk.py", "lsp"),
    ("service_tasks/data_induk.py", "skema"),
    ("api/engine/serializer.py", "load_workflow"),
    ("api/engine/runtime.py", "_advance"),
    ("SpiffWorkflow/bpmn/workflow.py", "do_engine_steps"),
    ("service_tasks/nomor_surat.py", "terbitkan"),
    ("service_tasks/nomor_surat.py", "next_seq"),
    ("api/engine/projections.py", "sync_human_tasks"),
    ("api/engine/projections.py", "note_completed_steps"),
    ("api/engine/serializer.py", "dump_workflow"),
    ("sqlalchemy/orm/session.py", "flush"),
    ("sqlalchemy/orm/session.py", "commit"),
    ("sqlalchemy/engine/base.py", "_execute_context"),
]


# --- one size -------------------------------------------------------------------------------
class Bench:
    def __init__(self, api: Api, db: Database, padding: Padding) -> None:
        self.api = api
        self.db = db
        self.padding = padding
        self.counter = 0
        self.raw = RawEngine(db)

    def cycle(self, size: int | None, series: dict[str, Series] | None, inbox: bool = True) -> None:
        """One sample of every operation: start, complete its first task, retire it, then the inboxes
        with exactly N open tasks (the bench's instance was retired just before)."""
        self.counter += 1
        timings: dict[str, tuple[float, float]] = {}
        dt_start, inst = self.api.start(f"BENCH-{self.counter:07d}")
        timings["start"] = (dt_start, self.api.last_server_s)
        task_id = inst["active_tasks"][0]["id"]
        dt_complete, done = self.api.complete(task_id)
        timings["complete"] = (dt_complete, self.api.last_server_s)
        assert done["instance_status"] == "running", done
        retire(self.db, inst["id"])
        if inbox:
            reads: list[tuple[str, Callable[[], float]]] = [
                *((f"inbox:{u}", lambda u=u: self.api.inbox(u)[0]) for u in INBOX_USERS),
                # A text search matching none of the lane's tasks: the worst case, every open task read.
                ("inbox:search", lambda: self.api.inbox(SEARCH_USER, q="andi")[0]),
                ("health", lambda: self.api.health()[0]),
            ]
            # The first read after the cycle's writes pays for SQLite's changed pages (read again from the WAL):
            # each cycle another read goes first, so no ratio carries that cost alone.
            turn = self.counter % len(reads)
            for key, read in reads[turn:] + reads[:turn]:
                timings[key] = (read(), self.api.last_server_s)
            # The raw engine's same two steps, in this cycle: the ratios compare like with like in time.
            raw_start, raw_complete = self.raw.sample()
            timings["raw:start"], timings["raw:complete"] = (raw_start, raw_start), (raw_complete, raw_complete)
        if series is not None:
            for key, (dt, server) in timings.items():
                series[key].samples.append(dt)
                series[key].server_samples.append(server)

    def measure(self, size: int, samples: int, warmup: int) -> tuple[list[Series], dict[str, Any]]:
        for _ in range(warmup):  # also provides the finished real instances padding rows point at
            self.cycle(size, None, inbox=False)
        delta, pad_seconds = self.padding.fill_to(size)
        for _ in range(warmup):
            self.cycle(size, None)
        series = {
            "start": Series(size, "start", "start instance (direktur)", "start"),
            "complete": Series(size, "complete", "complete task (direktur, 1st task)", "complete"),
            **{f"inbox:{u}": Series(size, "inbox", f"inbox GET /api/tasks as {u}", "inbox") for u in INBOX_USERS},
            "inbox:search": Series(size, "inbox", f"inbox GET /api/tasks?q=andi as {SEARCH_USER} (no match)", "inbox"),
            "health": Series(size, "health", "floor: GET /api/health/live (no auth)", None),
            "raw:start": Series(size, "raw:start", "raw engine start, in each cycle", None),
            "raw:complete": Series(size, "raw:complete", "raw engine complete, in each cycle", None),
        }
        visible = {u: len(self.api.inbox(u)[1]) for u in INBOX_USERS}
        before = open_task_count(self.db)
        t0 = time.perf_counter()
        for _ in range(samples):
            self.cycle(size, series)
        after = open_task_count(self.db)
        info = {
            "padded": delta,
            "pad_seconds": pad_seconds,
            "synthetic": len(self.padding.ids),
            "open_before": before,
            "open_after": after,
            "visible": visible,
            "seconds": time.perf_counter() - t0,
        }
        return list(series.values()), info


# --- profiling the complete-task path --------------------------------------------------------
VALIDATOR = "periksa_target"  # the first task's `validator` property (service_tasks/pemeriksaan/perencanaan.py)


def validator_cost(api: Api, db: Database, count: int) -> str:
    """What the first task's validator adds to complete, measured two ways (untimed start, timed complete):

    1. A/B end to end: `count` completes with the real validator and `count` with it replaced by a stub
       that refuses nothing, interleaved so machine noise hits both alike;
    2. the validator call itself (service_tasks.check wrapped with perf_counter) and the SQL statements it
       sends (a before_cursor_execute listener counting while it runs; any autoflush of the route's
       pending changes is included, it would happen at commit anyway)."""
    from sqlalchemy import event

    real = service_tasks.VALIDATORS[VALIDATOR]
    real_check = service_tasks.check
    inside: list[bool] = [False]
    statements: list[str] = []
    check_times: list[float] = []
    check_sql: list[int] = []

    def on_execute(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if inside[0]:
            statements.append(statement)

    def timed_check(name: str, ctx: Any, data: dict[str, Any]) -> list[Any]:
        before = len(statements)
        inside[0] = True
        t0 = time.perf_counter()
        try:
            return real_check(name, ctx, data)
        finally:
            check_times.append(time.perf_counter() - t0)
            inside[0] = False
            check_sql.append(len(statements) - before)

    def one(label: str, i: int) -> float:
        _, inst = api.start(f"BENCH-VAL-{label}-{i:05d}")
        dt, _ = api.complete(inst["active_tasks"][0]["id"])
        retire(db, inst["id"])
        return dt

    with_v: list[float] = []
    without_v: list[float] = []
    for i in range(count):
        service_tasks.VALIDATORS[VALIDATOR] = real
        with_v.append(one("ON", i))
        service_tasks.VALIDATORS[VALIDATOR] = lambda _ctx, _data: []
        without_v.append(one("OFF", i))
    service_tasks.VALIDATORS[VALIDATOR] = real

    event.listen(db.engine, "before_cursor_execute", on_execute)
    service_tasks.check = timed_check  # the runtime calls service_tasks.check(...) through the module
    try:
        for i in range(count):
            one("TIMED", i)
    finally:
        service_tasks.check = real_check
        event.remove(db.engine, "before_cursor_execute", on_execute)
    a, b = statistics.median(with_v) * 1000, statistics.median(without_v) * 1000
    out = io.StringIO()
    out.write(f"validator {VALIDATOR} on the complete-task path ({count} interleaved pairs through the API):\n")
    out.write(f"  complete with the validator  median {a:6.2f} ms  p95 {percentile(with_v, 95) * 1000:6.2f} ms\n")
    out.write(f"  complete, validator stubbed  median {b:6.2f} ms  p95 {percentile(without_v, 95) * 1000:6.2f} ms\n")
    out.write(f"  difference of the medians    {a - b:+6.2f} ms ({(a - b) / b:+.0%})\n")
    out.write(
        f"  the validator call alone: median {statistics.median(check_times) * 1000:.2f} ms, "
        f"p95 {percentile(check_times, 95) * 1000:.2f} ms, {statistics.median(check_sql):g} SQL statements per call:\n"
    )
    per_call = int(statistics.median(check_sql))
    for stmt in statements[-per_call:] if per_call else []:
        out.write("    " + " ".join(stmt.split())[:160] + "\n")
    return out.getvalue()


def profile_complete(app: Any, api: Api, db: Database, count: int, top: int) -> str:
    """cProfile of the complete-task route body, called directly in this thread (TestClient runs sync
    endpoints in a worker thread cProfile cannot see). Auth and HTTP/JSON are not in this profile."""
    from api.auth import CurrentUser
    from api.services.tasks import complete as complete_task
    from api.store.models import User

    with db.reading() as session:
        user = CurrentUser(session.scalars(select(User).where(User.username == "direktur")).one())
    body = CompleteTask(data=TARGET_FORM)
    prof = cProfile.Profile()
    direct: list[float] = []
    for i in range(count):
        _, inst = api.start(f"BENCH-PROF-{i:05d}")
        tid = inst["active_tasks"][0]["id"]
        t0 = time.perf_counter()
        prof.enable()
        complete_task(db, app.state.clock, app.state.settings, user, tid, body.data)
        prof.disable()
        direct.append(time.perf_counter() - t0)
        retire(db, inst["id"])
    out = io.StringIO()
    out.write(
        f"complete-task route body called directly ({count} calls, median "
        f"{statistics.median(direct) * 1000:.2f} ms without HTTP/auth, cProfile overhead included)\n"
    )
    stats = pstats.Stats(prof, stream=out)
    total = sum(d[2] for d in stats.stats.values())  # type: ignore[attr-defined]
    out.write(f"share of the profiled time ({total * 1000 / count:.2f} ms per call) by function, cumulative:\n")
    for fname, func_name in BREAKDOWN:
        ct = sum(
            d[3]
            for (f, _, n), d in stats.stats.items()
            if n == func_name and f.endswith(fname)  # type: ignore[attr-defined]
        )
        out.write(f"  {fname + ':' + func_name:<50} {ct * 1000 / count:7.2f} ms  {ct / total:6.1%}\n")
    stats.strip_dirs().sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()


# --- output ---------------------------------------------------------------------------------
def verdict(s: Series) -> str:
    if s.budget is None:
        return ""
    return "ok" if s.median <= BUDGET_MS[s.budget] else "OVER"


def print_table(rows: list[Series], raw: tuple[Series, Series]) -> None:
    header = (
        f"{'open tasks':>10}  {'operation':<44} {'n':>4} {'median ms':>10} {'p95 ms':>8} {'server ms':>9}  "
        f"{'budget':>8}  {'':4}  {'raw engine ms':>13}"
    )
    print(header)
    print("-" * len(header))
    raw_by_op = {"start": raw[0], "complete": raw[1]}
    last_size = None
    for s in rows:
        if last_size is not None and s.size != last_size:
            print()
        last_size = s.size
        budget = f"<= {BUDGET_MS[s.budget]:g}" if s.budget else "-"
        r = raw_by_op.get(s.op)
        raw_txt = f"{r.median:.2f} / {r.p95:.2f}" if r else ""
        server = f"{s.server_median:.2f}" if s.server_median is not None else "-"
        print(
            f"{s.size:>10,}  {s.label:<44} {len(s.samples):>4} {s.median:>10.2f} {s.p95:>8.2f} {server:>9}  "
            f"{budget:>8}  {verdict(s):4}  {raw_txt:>13}"
        )
    print()
    for r in raw:
        print(f"{'-':>10}  {r.label:<44} {len(r.samples):>4} {r.median:>10.2f} {r.p95:>8.2f}  {'-':>8}")


# Issue 15 part 4: targets as ratios measured in the same run (absolute times drift on a shared machine).
RAW_RATIO_TARGET = 4.0  # start and complete <= 4x the raw in-memory SpiffWorkflow step
HEALTH_RATIO_TARGET = 1.5  # an inbox page <= 1.5x the health check


def print_ratios(rows: list[Series], raw: tuple[Series, Series]) -> None:
    """Each operation's median over its reference in this run: the raw engine for start and complete, the
    health check (same client, same size) for the inbox; end to end and server-side (Server-Timing)."""
    health = {s.size: s for s in rows if s.op == "health"}
    # The raw engine sampled in the same cycles as the requests (per size); the separate run at the end otherwise.
    in_cycle = {(s.size, s.op.removeprefix("raw:")): s for s in rows if s.op.startswith("raw:")}
    print(
        f"\nratios (median / reference, same run; targets: start and complete <= {RAW_RATIO_TARGET:g}x raw engine,"
        f" inbox <= {HEALTH_RATIO_TARGET:g}x health):"
    )
    print(f"{'open tasks':>10}  {'operation':<44} {'reference':<12} {'end to end':>10} {'server':>7}  verdict")
    for s in rows:
        if s.op in ("start", "complete"):
            r = in_cycle.get((s.size, s.op)) or (raw[0] if s.op == "start" else raw[1])
            ref, ref_server, target, name = r.median, r.median, RAW_RATIO_TARGET, "raw engine"
        elif s.op == "inbox" and s.size in health:
            h = health[s.size]
            ref, ref_server, target, name = h.median, h.server_median, HEALTH_RATIO_TARGET, "health"
        else:
            continue
        ratio = s.median / ref
        server = f"{s.server_median / ref_server:6.2f}x" if s.server_median and ref_server else "-"
        print(
            f"{s.size:>10,}  {s.label:<44} {name:<12} {ratio:9.2f}x {server:>7}  "
            + ("ok" if ratio <= target else "OVER")
        )


def print_flatness(rows: list[Series]) -> None:
    sizes = sorted({s.size for s in rows if s.size is not None})
    if len(sizes) < 2:
        return
    lo, hi = sizes[0], sizes[-1]
    by = {(s.size, s.label): s for s in rows}
    print(f"\nflatness (median at {hi:,} open tasks / median at {lo:,}):")
    for label in dict.fromkeys(s.label for s in rows):
        a, b = by.get((lo, label)), by.get((hi, label))
        if a and b:
            print(f"  {label:<44} x{b.median / a.median:.2f}")


def versions() -> dict[str, str]:
    def v(dist: str) -> str:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return "?"

    return {
        "Python": platform.python_version(),
        "SpiffWorkflow": v("SpiffWorkflow"),
        "SQLAlchemy": v("sqlalchemy"),
        "FastAPI": v("fastapi"),
        "Starlette": v("starlette"),
    }


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--database-url", help="run against this DB (PostgreSQL: its public schema is DROPPED first)")
    p.add_argument("--sizes", default=None, help="open-task counts, comma separated (default 10,1000,100000)")
    p.add_argument("--samples", type=int, default=None, help="samples per operation and size (default 200)")
    p.add_argument("--warmup", type=int, default=None, help="unmeasured cycles per size (default 20)")
    p.add_argument("--quick", action="store_true", help="smoke run: sizes 10,1000, 30 samples")
    p.add_argument(
        "--profile",
        type=int,
        default=0,
        metavar="N",
        help="measure the first task's validator (N pairs with/without it, its SQL), then cProfile N completes",
    )
    p.add_argument("--profile-top", type=int, default=25, help="functions shown per profile listing")
    p.add_argument(
        "--socket",
        action="store_true",
        help="measure over a real socket: a real `ujikom serve` (uvicorn, embedded worker on) on a random free port, "
        "a keep-alive httpx client",
    )
    p.add_argument(
        "--synchronous",
        choices=("FULL", "NORMAL"),
        default="FULL",
        help="SQLite's synchronous setting (default FULL, as deployed; NORMAL leaves out the fsync of each commit)",
    )
    args = p.parse_args(argv)
    if args.socket and args.profile:
        p.error("--profile profiles the in-process app: not with --socket")

    sizes = [
        int(s.replace("_", "")) for s in (args.sizes or ("10,1000" if args.quick else "10,1000,100000")).split(",")
    ]
    samples = args.samples or (30 if args.quick else 200)
    warmup = args.warmup if args.warmup is not None else (5 if args.quick else 20)
    logging.disable(logging.WARNING)
    # Seeding hashes 13 demo passwords with argon2; once is enough.
    seed.hash_password = functools.lru_cache(maxsize=None)(seed.hash_password)

    t_begin = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="ujikom-bench-") as tmp:
        url = args.database_url or f"sqlite:///{Path(tmp) / 'ujikom.sqlite3'}"
        app, db = build(url, Path(tmp), args.synchronous)
        dialect = db.engine.dialect.name
        info_lines = {
            **versions(),
            dialect: db_version(db)
            + (f" (WAL, synchronous={args.synchronous}, file in a temp dir)" if dialect == "sqlite" else ""),
            "CPUs": str(os.cpu_count()),
            "machine": f"{platform.system()} {platform.machine()}",
            "date": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        }
        print("ujikom latency benchmark")
        print("  " + ", ".join(f"{k} {v}" for k, v in info_lines.items()))
        print(
            (
                "  Measured over a real socket: `ujikom serve` (uvicorn, embedded worker on) on a random free port,\n"
                "  a keep-alive httpx client in this process; the bench pads and retires rows in the database.\n"
                if args.socket
                else "  Measured in-process through the real FastAPI app with fastapi.testclient.TestClient: routing,\n"
                "  auth (JWT + user lookup), JSON, the DB transaction and the engine are included; no socket/uvicorn.\n"
            )
            + f"  {samples} samples per operation and size after {warmup} warm-up cycles; time.perf_counter around\n"
            "  each HTTP call; p95 = nearest rank. Budget (ARCHITECTURE.md) applies to the median.\n"
            "  NOTE: the open-task count is reached with SYNTHETIC human_task rows bulk-inserted for inbox size;\n"
            "  start/complete run on real instances started through the API (retired after each sample, so\n"
            "  the inbox is measured at exactly N open tasks).",
            flush=True,
        )
        results: list[Series] = []
        with ExitStack() as stack:
            client = stack.enter_context(
                served(url, Path(tmp), synchronous=args.synchronous) if args.socket else TestClient(app)
            )
            api = Api(client)
            api.login("direktur", *INBOX_USERS)
            padding = Padding(db)
            bench = Bench(api, db, padding)
            for _ in range(warmup * 2):  # process-wide warm-up (imports, caches, SQL compilation)
                bench.cycle(None, None)
            for size in sizes:
                series, info = bench.measure(size, samples, warmup)
                results.extend(series)
                print(
                    f"  N={size:,}: {info['synthetic']:,} synthetic rows ({info['padded']:+,} in "
                    f"{info['pad_seconds']:.1f} s), open tasks {info['open_before']:,} before / "
                    f"{info['open_after']:,} after the samples; inbox rows returned (default page_size): "
                    + ", ".join(f"{u} {n}" for u, n in info["visible"].items())
                    + f"; measured in {info['seconds']:.1f} s",
                    flush=True,
                )
            if not args.socket:
                app.state.worker.run_until_idle()
            raw = raw_baseline(db, samples, warmup)
            print()
            print_table(results, raw)
            print_ratios(results, raw)
            print_flatness(results)
            print(
                "\n  reference (ARCHITECTURE.md, SpiffArena on the same machine): "
                f"complete {SPIFFARENA_MS['complete']} ms, "
                f"create+run {SPIFFARENA_MS['start']} ms, inbox {SPIFFARENA_MS['inbox']} ms."
                "\n  raw engine = the same step in memory with the project's spec cache, script engine and serializer;"
                "\n  no DB, no HTTP, service operators stubbed (their document write is a DB cost)."
            )
            if args.profile:
                print("\n" + validator_cost(api, db, args.profile), flush=True)
                print(profile_complete(app, api, db, args.profile, args.profile_top))
        db.engine.dispose()
    print(f"total run time {time.perf_counter() - t_begin:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
