#!/usr/bin/env python
"""How the Dasbor's queries scale: one period's dashboard (`dasbor.dasbor`) and the trend across periods
(`dasbor.tren`) with ten periods of 100 candidates against ten periods of 2,000, each on its own fresh database
(SQLite in a temp dir unless --database-url), and the ratio of the medians measured in the same run.

    .venv/bin/python bench/dasbor.py                        # 100 and 2,000 candidates per period, 10 periods
    .venv/bin/python bench/dasbor.py --n 100,500,2000 --samples 9
    .venv/bin/python bench/dasbor.py --database-url postgresql+psycopg://postgres@127.0.0.1/ujikom_bench
                                                            # DROPS and recreates that database's public schema

The periods are seeded directly in bulk (untimed), shaped like a real period's records: the root instance with
its seven steps (step 2 late, step 3 running past its due), one registration child per candidate, and per
candidate four tasks with their due (FR.APL.01 by the candidate, the check by Kabid Administrasi, attendance and
assessment by one of N/10 asesors; one in eight done late, one in twenty still open past the due), each task's
task_created and task_completed events carrying the answers the funnel reads (apl01, pemeriksaan, kehadiran),
two more events per task standing for the service tasks and steps, Kabid Sertifikasi's assignment of every
candidate to an asesor and a TUK, and an escalation. The certification decisions (pleno, SK, appeals) are not
seeded: `keputusan_tercatat` reads them per penerbitan instance, a fixed number of queries per period.

What is timed: `dasbor.dasbor(db, now, newest period)` and `dasbor.tren(db, now)` in this process, through the
service (no HTTP), `--samples` times each after one warm-up; the figure is the median, with the number of SQL
statements each sends. The verdict: the dashboard at 2,000 candidates within 1 s and the trend within 3 s.
"""

import argparse
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from sqlalchemy import event, func, insert, select, text

from api.services import dasbor
from api.store.db import Database
from api.store.enums import EventType, Role, TaskState
from api.store.models import Event, HumanTask, ProcessDefinition, ProcessInstance

PERIODS = 10
SKEMA = ["SKM/LSP-STMI/001/2024", "SKM/LSP-STMI/002/2024", "SKM/LSP-STMI/003/2024"]
TUK = ["TUK-01", "TUK-02"]
STANDARD = {"1": 2, "2": 2, "3": 7, "4": 1 / 24, "5": 7, "6": 14, "7": 14}  # days


def seed(db: Database, n: int, periods: int = PERIODS) -> list[int]:
    """`periods` periods of `n` candidates each, inserted in bulk; the roots' ids, oldest first."""
    t0 = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    roots = []
    with db.transaction() as s:
        definition = s.scalars(select(ProcessDefinition).where(ProcessDefinition.key == "uji_kompetensi")).first()
        child_def = s.scalars(
            select(ProcessDefinition).where(ProcessDefinition.key == "pendaftaran_uji_kompetensi")
        ).first()
        assert definition is not None and child_def is not None
        next_id = (s.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
        next_event = (s.scalar(select(func.max(Event.id))) or 0) + 1
        for p in range(periods):
            start = t0 + timedelta(days=40 * p)
            root_id, next_id = next_id, next_id + 1
            roots.append(root_id)
            steps: dict[str, Any] = {}
            at = start
            for step in ("1", "2", "3"):
                due = at + timedelta(days=STANDARD[step])
                took = timedelta(days=STANDARD[step] * (1.5 if step == "2" else 0.5))
                steps[step] = {"name": f"Langkah {step}", "started_at": at.isoformat(), "due_at": due.isoformat()}
                if step != "3":
                    steps[step]["completed_at"] = (at + took).isoformat()
                    at = at + took
            key = f"BENCH-{n}-{p:02d}"
            instances = [
                dict(
                    id=root_id,
                    definition_id=definition.id,
                    key="uji_kompetensi",
                    version=definition.version,
                    business_key=key,
                    subject=None,
                    status="running",
                    parent_id=None,
                    root_id=root_id,
                    started_at=start,
                    started_by="direktur",
                    state="{}",
                    steps=steps,
                    revision=1,
                    sop_step=None,
                )
            ]
            tasks: list[dict[str, Any]] = []
            events: list[dict[str, Any]] = []
            due3 = datetime.fromisoformat(steps["3"]["due_at"])
            penugasan = []
            for i in range(n):
                username = f"b{n}p{p}c{i}"
                child_id, next_id = next_id, next_id + 1
                instances.append(
                    dict(
                        id=child_id,
                        definition_id=child_def.id,
                        key="pendaftaran_uji_kompetensi",
                        version=child_def.version,
                        business_key=key,
                        subject=username,
                        status="completed",
                        parent_id=root_id,
                        root_id=root_id,
                        started_at=at,
                        started_by="kabid_administrasi",
                        state="{}",
                        steps={},
                        revision=1,
                        sop_step="3",
                    )
                )
                skema = SKEMA[i % 3]
                asesor = f"asesor_b{i % max(n // 10, 1)}"
                penugasan.append({"username": username, "asesor": asesor, "tuk_kode": TUK[i % 2]})
                work = [
                    (Role.PESERTA, username, "Mengisi FR.APL.01 dan FR.APL.02", {"apl01": {"bukti": []}}),
                    (
                        Role.KABID_ADMINISTRASI,
                        "kabid_administrasi",
                        "Memeriksa kelengkapan berkas pendaftaran",
                        {"pemeriksaan": {"keputusan": "diterima" if i % 10 else "ditolak"}},
                    ),
                    (Role.ASESOR, asesor, "Mencatat kehadiran peserta", {"kehadiran": {"hadir": i % 7 != 0}}),
                    (Role.ASESOR, asesor, "Menilai unit kompetensi (FR.AK.02)", {"penilaian": {"unit": []}}),
                ]
                for j, (role, actor, name, data) in enumerate(work):
                    tid = str(uuid.uuid4())
                    created = at + timedelta(hours=j)
                    open_late = (i + j) % 20 == 0
                    late = (i + j) % 8 == 0
                    done = None if open_late else (due3 + timedelta(hours=5) if late else created + timedelta(hours=1))
                    tasks.append(
                        dict(
                            id=tid,
                            instance_id=child_id,
                            root_id=root_id,
                            process_key="pendaftaran_uji_kompetensi",
                            business_key=key,
                            element_id=f"t{j}",
                            name=name,
                            lane=None,
                            role=role,
                            assignee=actor if role == Role.PESERTA else None,
                            claimed_by=actor if done or role != Role.KABID_ADMINISTRASI else None,
                            form=None,
                            ui_form=None,
                            sop_step=None,
                            step="3",
                            subject=username,
                            skema=skema,
                            state=TaskState.READY if done is None else TaskState.COMPLETED,
                            created_at=created,
                            due_at=due3,
                            completed_at=done,
                            completed_by=actor if done else None,
                            context={},
                        )
                    )
                    common = dict(instance_id=child_id, root_id=root_id, task_id=tid, task_name=name, lane=None)
                    events.append(
                        dict(id=next_event, at=created, type=EventType.TASK_CREATED, actor=None, data={}, **common)
                    )
                    next_event += 1
                    for _ in range(2):  # service tasks, steps: rows the dashboard's statements must skip
                        events.append(
                            dict(
                                id=next_event,
                                at=created,
                                type=EventType.SERVICE_TASK_COMPLETED,
                                actor=None,
                                data={"x": 1},
                                **{**common, "task_id": None},
                            )
                        )
                        next_event += 1
                    if done is not None:
                        events.append(
                            dict(
                                id=next_event, at=done, type=EventType.TASK_COMPLETED, actor=actor, data=data, **common
                            )
                        )
                        next_event += 1
            assign = str(uuid.uuid4())
            tasks.append(
                dict(
                    id=assign,
                    instance_id=root_id,
                    root_id=root_id,
                    process_key="uji_kompetensi",
                    business_key=key,
                    element_id="penugasan",
                    name="Menugaskan asesor dan verifikator TUK",
                    lane=None,
                    role=Role.KABID_SERTIFIKASI,
                    assignee=None,
                    claimed_by="kabid_sertifikasi",
                    form=None,
                    ui_form=None,
                    sop_step="3",
                    step="3",
                    subject=None,
                    skema=None,
                    state=TaskState.COMPLETED,
                    created_at=at,
                    due_at=due3,
                    completed_at=at + timedelta(days=1),
                    completed_by="kabid_sertifikasi",
                    context={},
                )
            )
            events.append(
                dict(
                    id=next_event,
                    at=at,
                    instance_id=root_id,
                    root_id=root_id,
                    type=EventType.TASK_COMPLETED,
                    task_id=assign,
                    task_name="Menugaskan",
                    lane=None,
                    actor="kabid_sertifikasi",
                    data={"penugasan_asesor": penugasan},
                )
            )
            next_event += 1
            esc = str(uuid.uuid4())
            tasks.append(
                dict(
                    id=esc,
                    instance_id=root_id,
                    root_id=root_id,
                    process_key="uji_kompetensi",
                    business_key=key,
                    element_id="eskalasi_langkah_2",
                    name="Menindaklanjuti keterlambatan langkah 2",
                    lane=None,
                    role=Role.DIREKTUR,
                    assignee=None,
                    claimed_by=None,
                    form=None,
                    ui_form=None,
                    sop_step=None,
                    step="2",
                    subject=None,
                    skema=None,
                    state=TaskState.READY,
                    created_at=at,
                    due_at=None,
                    completed_at=None,
                    completed_by=None,
                    context={},
                )
            )
            events.append(
                dict(
                    id=next_event,
                    at=at,
                    instance_id=root_id,
                    root_id=root_id,
                    type=EventType.STEP_ESCALATED,
                    task_id=esc,
                    task_name="Eskalasi",
                    lane=None,
                    actor=None,
                    data={"step": "2", "due_at": steps["2"]["due_at"]},
                )
            )
            next_event += 1
            for chunk in range(0, len(instances), 5000):
                s.execute(insert(ProcessInstance.__table__), instances[chunk : chunk + 5000])
            for chunk in range(0, len(tasks), 5000):
                s.execute(insert(HumanTask.__table__), tasks[chunk : chunk + 5000])
            for chunk in range(0, len(events), 5000):
                s.execute(insert(Event.__table__), events[chunk : chunk + 5000])
    if db.engine.dialect.name == "postgresql":  # the statistics a running PostgreSQL's autovacuum keeps (the app
        with db.engine.begin() as conn:  # never runs ANALYZE on SQLite, so neither does the bench)
            conn.execute(text("ANALYZE"))
    return roots


def timed(db: Database, fn: Any, samples: int) -> tuple[float, int]:
    """The median wall time of `fn()` in ms over `samples` runs after one warm-up, and its SQL statements."""
    fn()
    statements = 0

    def note(*_: Any) -> None:
        nonlocal statements
        statements += 1

    event.listen(db.engine, "before_cursor_execute", note)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", note)
    times = []
    for _ in range(samples):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times), statements


def run(n: int, args: argparse.Namespace) -> dict[str, tuple[float, int]]:
    with tempfile.TemporaryDirectory() as tmp:
        url = args.database_url or f"sqlite:///{tmp}/bench.db"
        app, db = harness.build(url, Path(tmp))
        t = time.perf_counter()
        roots = seed(db, n)
        print(f"  n={n}: seeded {PERIODS} periods in {time.perf_counter() - t:.1f} s", flush=True)
        now = datetime(2027, 6, 1, tzinfo=UTC)
        one = timed(db, lambda: dasbor.dasbor(db, now, roots[-1]), args.samples)
        found = dasbor.dasbor(db, now, roots[-1])
        # One in twenty FR.APL.01 still open past the due: not registered.
        assert found is not None and found.corong_total.terdaftar == n - (n + 19) // 20, found
        trend = timed(db, lambda: dasbor.tren(db, now), args.samples)
        assert len(dasbor.tren(db, now)) == PERIODS
        db.engine.dispose()
        return {"dasbor": one, "tren": trend}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="100,2000", help="candidates per period, comma separated (default 100,2000)")
    parser.add_argument("--samples", type=int, default=5)
    parser.add_argument("--database-url", help="PostgreSQL scratch database: its public schema is DROPPED first")
    args = parser.parse_args(argv)
    sizes = [int(x) for x in args.n.split(",")]
    results = {n: run(n, args) for n in sizes}
    base = sizes[0]
    print(f"\n{'query':<8} {'candidates':>10} {'median ms':>10} {'statements':>10} {'x smallest':>10}")
    for q in ("dasbor", "tren"):
        for n in sizes:
            ms, st = results[n][q]
            print(f"{q:<8} {n:>10} {ms:>10.1f} {st:>10} {ms / results[base][q][0]:>10.2f}")
    big = sizes[-1]
    ok = results[big]["dasbor"][0] <= 1000 and results[big]["tren"][0] <= 3000
    print(
        f"\ncandidates x{big / base:.0f}: dashboard x{results[big]['dasbor'][0] / results[base]['dasbor'][0]:.1f}, "
        f"trend x{results[big]['tren'][0] / results[base]['tren'][0]:.1f}; "
        f"statements {results[base]['dasbor'][1]} -> {results[big]['dasbor'][1]} (dashboard), "
        f"{results[base]['tren'][1]} -> {results[big]['tren'][1]} (trend). "
        f"Within 1 s / 3 s at {big}: {'yes' if ok else 'NO'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
