#!/usr/bin/env python
"""The audit search at a million history events: `GET /api/audit` (and its CSV) on the real app in-process (see
latency.py), SQLite in a temp dir unless --database-url, each query timed at 10,000 events and again, in the same
run, once the history holds a million, and set against a bare indexed lookup measured beside it.

    .venv/bin/python bench/audit.py                       # 10,000 events, then 1,000,000 (10 periods x 2,000)
    .venv/bin/python bench/audit.py --quick               # 10,000 then 100,000 events, fewer samples
    .venv/bin/python bench/audit.py --database-url postgresql+psycopg://postgres@127.0.0.1/ujikom_bench
                                                          # DROPS and recreates that database's public schema

The history is SYNTHETIC, bulk inserted (untimed) in the shape the SOP writes it: per period a root instance with
its business key; per candidate three child instances (registration, pre-assessment, assessment) whose `subject`
is the candidate, 50 events over them (instance started and completed, tasks created, claimed and completed by
the candidate, Kabid Administrasi, Kabid Sertifikasi, the asesor, steps, service tasks) spread over the period's
two weeks, and a `human_task` row per child carrying the candidate's skema; a `peserta` record (NIM, name) per
candidate; 1,000 master-data changes per period. One candidate ("dilacak") is in the first period and in two later
ones: the auditor's search for one file across periods.

Stage 1 is one period of 200 candidates (10,000 events); stage 2 adds ten periods of `--candidates` (2,000)
candidates (1,000,000 events more). Each query runs `--samples` times per stage (after 3 unmeasured runs); the
table gives the medians end to end and on the server (Server-Timing), and the ratios: at 1,000,000 over at
10,000, and over the bare lookup (one event by its primary key, one SELECT through the same session machinery,
sampled in the same loop). The target: every query's server time under one second at 1,000,000 events.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from fastapi.testclient import TestClient
from sqlalchemy import insert, select, text

from api.store.db import Database
from api.store.master import PerubahanDataInduk, Peserta
from api.store.models import Event, HumanTask, ProcessDefinition, ProcessInstance, User, UserRole

JWD = "SKM/LSP-STMI/001/2024"
OPR = "SKM/LSP-STMI/002/2024"
MUTU = "SKM/LSP-STMI/003/2024"
SKEMA = [JWD, OPR, MUTU]
CHUNK = 20_000
EVENTS_PER_CANDIDATE = 50
FIRST = ["Andi", "Bunga", "Cahyo", "Dewi", "Eko", "Fitri", "Gilang", "Hana", "Indra", "Joko", "Kartika", "Lestari"]
LAST = ["Pratama", "Maharani", "Nugroho", "Saputra", "Wulandari", "Hidayat", "Santoso", "Putri", "Kurniawan"]
# One child instance's history: (type, task name, whose act: "peserta", a staff username, None for the engine).
REGISTRATION = [
    ("instance_started", None, "kabid_administrasi"),
    ("task_created", "Mengisi FR.APL.01 dan FR.APL.02", None),
    ("task_completed", "Mengisi FR.APL.01 dan FR.APL.02", "peserta"),
    ("task_created", "Memeriksa kelengkapan berkas pendaftaran", None),
    ("task_claimed", "Memeriksa kelengkapan berkas pendaftaran", "kabid_administrasi"),
    ("task_completed", "Memeriksa kelengkapan berkas pendaftaran", "kabid_administrasi"),
    ("service_task_completed", "Menerbitkan kartu peserta", None),
    ("instance_completed", None, None),
]
PRA_ASESMEN = [
    ("instance_started", None, "kabid_sertifikasi"),
    ("task_created", "Meninjau FR.APL.02 (pra-asesmen)", None),
    ("task_claimed", "Meninjau FR.APL.02 (pra-asesmen)", "asesor"),
    ("task_completed", "Meninjau FR.APL.02 (pra-asesmen)", "asesor"),
    ("step_started", None, None),
    ("instance_completed", None, None),
]
ASESMEN = [
    ("instance_started", None, "kabid_sertifikasi"),
    ("task_created", "Mencatat kehadiran peserta", None),
    ("task_completed", "Mencatat kehadiran peserta", "asesor"),
    ("task_created", "Persetujuan asesmen dan kerahasiaan (FR.AK.01)", None),
    ("task_completed", "Persetujuan asesmen dan kerahasiaan (FR.AK.01)", "peserta"),
    ("task_created", "Menilai unit kompetensi (FR.AK.02)", None),
    ("task_claimed", "Menilai unit kompetensi (FR.AK.02)", "asesor"),
    ("task_unclaimed", "Menilai unit kompetensi (FR.AK.02)", "asesor"),
    ("task_claimed", "Menilai unit kompetensi (FR.AK.02)", "asesor"),
    ("task_completed", "Menilai unit kompetensi (FR.AK.02)", "asesor"),
    ("service_task_completed", "Menerbitkan rekaman asesmen", None),
    ("task_created", "Umpan balik asesmen (FR.AK.03)", None),
    ("task_completed", "Umpan balik asesmen (FR.AK.03)", "peserta"),
    ("step_completed", None, None),
    ("signal_received", None, None),
    ("timer_fired", None, None),
]
CHILDREN = [
    ("pendaftaran_uji_kompetensi", REGISTRATION),
    ("pra_asesmen", PRA_ASESMEN),
    ("pelaksanaan_uji_kompetensi", ASESMEN),
]
SHAPE_EVENTS = sum(len(h) for _, h in CHILDREN)  # 30: the rest of the 50 are task_created/completed repeats


class Synth:
    """Bulk inserts of synthetic periods (untimed)."""

    def __init__(self, db: Database, rng: random.Random) -> None:
        self.db = db
        self.rng = rng
        with db.reading() as session:
            self.definition_id = session.scalars(select(ProcessDefinition.id).order_by(ProcessDefinition.id)).first()
            self.next_instance = (session.scalar(text("SELECT max(id) FROM process_instance")) or 0) + 1
            self.next_user = (session.scalar(text("SELECT max(id) FROM app_user")) or 0) + 1
            self.nim = 2_600_000
        self.events = 0
        self.periods = 0
        self.tracked_user_id: int | None = None

    def _instance(
        self, key: str, parent: int | None, root: int | None, subject: str | None, at: datetime
    ) -> dict[str, Any]:
        row = {
            "id": self.next_instance,
            "definition_id": self.definition_id,
            "key": key,
            "version": 1,
            "business_key": None,
            "subject": subject,
            "status": "completed",
            "parent_id": parent,
            "parent_task_id": None,
            "root_id": root,
            "started_at": at,
            "started_by": "direktur",
            "ended_at": at + timedelta(days=14),
            "revision": 1,
            "state": "{}",
            "steps": {},
        }
        self.next_instance += 1
        return row

    def _candidate(
        self,
        users: list[dict[str, Any]],
        roles: list[dict[str, Any]],
        peserta: list[dict[str, Any]],
        now: datetime,
        name: str | None = None,
    ) -> tuple[int, str]:
        uid = self.next_user
        self.next_user += 1
        username = f"c{uid}"
        self.nim += 1
        full = name or f"{self.rng.choice(FIRST)} {self.rng.choice(LAST)} {uid}"
        users.append(
            {
                "id": uid,
                "username": username,
                "full_name": full,
                "password_hash": "x",
                "active": True,
                "is_demo": False,
                "created_at": now,
                "token_version": 0,
            }
        )
        roles.append({"user_id": uid, "role": "peserta"})
        peserta.append(
            {
                "user_id": uid,
                "nim": str(self.nim),
                "prodi": "Sistem Informasi Industri Otomotif",
                "nik": f"{3171000000000000 + uid}",
                "tempat_lahir": "Jakarta",
                "tanggal_lahir": date(2004, 1, 1),
                "jenis_kelamin": "L",
                "aktif": True,
                "created_at": now,
                "updated_at": now,
            }
        )
        return uid, username

    def period(self, candidates: int, start: datetime, tracked: bool) -> None:
        """One period: its root, `candidates` candidates (the tracked one among them when `tracked`)."""
        self.periods += 1
        rng = self.rng
        users: list[dict[str, Any]] = []
        roles: list[dict[str, Any]] = []
        peserta: list[dict[str, Any]] = []
        instances: list[dict[str, Any]] = []
        tasks: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        root = self._instance("uji_kompetensi", None, None, None, start)
        root["business_key"] = f"BENCH-{self.periods:02d}"
        root["root_id"] = root["id"]
        instances.append(root)
        people: list[tuple[str, str]] = []
        if tracked:
            if self.tracked_user_id is None:
                uid, username = self._candidate(users, roles, peserta, start, name="Dilacak Sepanjang Periode")
                self.tracked_user_id = uid
            people.append((f"c{self.tracked_user_id}", JWD))
        while len(people) < candidates:
            _, username = self._candidate(users, roles, peserta, start)
            people.append((username, rng.choice(SKEMA)))
        for n, (username, skema) in enumerate(people):
            asesor = f"asesor{1 + n % 4}" if n % 4 else "asesor"
            for key, shape in CHILDREN:
                child = self._instance(key, root["id"], root["id"], username, start)
                instances.append(child)
                tasks.append(
                    {
                        "id": f"{child['id']:08d}-0000-4000-8000-{n:012d}",
                        "instance_id": child["id"],
                        "root_id": root["id"],
                        "process_key": key,
                        "element_id": "t",
                        "name": shape[1][1] or "t",
                        "lane": None,
                        "role": None,
                        "assignee": None,
                        "claimed_by": None,
                        "form": None,
                        "ui_form": None,
                        "sop_step": None,
                        "step": "3",
                        "subject": username,
                        "skema": skema,
                        "state": "completed",
                        "created_at": start,
                        "due_at": None,
                        "completed_at": start,
                        "completed_by": username,
                        "context": {},
                    }
                )
                steps = list(shape)
                if key == "pelaksanaan_uji_kompetensi":  # fill up to 50 events with the assessment's repeats
                    steps += [shape[5], shape[9]] * ((EVENTS_PER_CANDIDATE - SHAPE_EVENTS) // 2)
                for type_, task_name, who in steps:
                    actor = username if who == "peserta" else asesor if who == "asesor" else who
                    task_id = f"{child['id']:08d}-0000-4000-8000-{hash(task_name) % 10**12:012d}" if task_name else None
                    events.append(
                        {
                            "at": start + timedelta(seconds=rng.randrange(14 * 86400)),
                            "instance_id": child["id"],
                            "root_id": root["id"],
                            "type": type_,
                            "task_id": task_id,
                            "task_name": task_name,
                            "lane": None,
                            "actor": actor,
                            "data": {"step": "3"} if type_.startswith("step") else {},
                        }
                    )
        events.sort(key=lambda e: e["at"])
        changes = [
            {
                "at": start + timedelta(seconds=rng.randrange(14 * 86400)),
                "actor": "kabid_administrasi",
                "data": "peserta",
                "record_id": i,
                "subjek": people[i % len(people)][0],
                "aksi": "diubah",
                "perubahan": {"telepon": {"sebelum": "0812", "sesudah": "0813"}},
            }
            for i in range(1000)
        ]
        changes.sort(key=lambda c: c["at"])
        with self.db.transaction() as session:
            for table, rows in (
                (User.__table__, users),
                (UserRole.__table__, roles),
                (Peserta.__table__, peserta),
                (ProcessInstance.__table__, instances),
                (HumanTask.__table__, tasks),
                (PerubahanDataInduk.__table__, changes),
            ):
                for i in range(0, len(rows), CHUNK):
                    session.execute(insert(table), rows[i : i + CHUNK])
        for i in range(0, len(events), CHUNK):
            with self.db.transaction() as session:
                session.execute(insert(Event.__table__), events[i : i + CHUNK])
        self.events += len(events)
        if self.db.is_postgres:
            with self.db.engine.connect() as conn:
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(text("ANALYZE"))
        else:
            with self.db.engine.begin() as conn:
                conn.execute(text("ANALYZE"))


def queries(tracked_nim: str) -> dict[str, dict[str, str]]:
    """The searches an auditor makes (first page, 50 rows), by label."""
    return {
        "everything, newest first": {},
        "one candidate by NIM (3 periods)": {"peserta": tracked_nim},
        "candidates by part of a name": {"peserta": "dilacak sepanjang"},
        "one actor": {"actor": "kabid_administrasi"},
        "one event type in one period": {"type": "task_claimed", "period": "BENCH-01"},
        "a skema in one period": {"skema": MUTU, "period": "BENCH-01", "type": "task_completed"},
        "a skema, all periods": {"skema": OPR},
        "one week": {"date_from": "2026-03-10", "date_to": "2026-03-16"},
        "a task by name, one week": {
            "task": "Menilai unit kompetensi (FR.AK.02)",
            "date_from": "2026-05-01",
            "date_to": "2026-05-07",
        },
        "actor + type + a month": {
            "actor": "asesor",
            "type": "task_unclaimed",
            "date_from": "2026-06-01",
            "date_to": "2026-06-30",
        },
        "master-data changes only": {"kind": "data_induk"},
    }


def timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def measure(
    api: harness.Api, db: Database, nim: str, samples: int, deep_cursor: str | None
) -> dict[str, tuple[float, float]]:
    """label -> (median end to end, median on the server), seconds; "bare lookup" sampled in the same loop."""
    out: dict[str, tuple[float, float]] = {}
    bare_ids = [1, 2, 3]
    with db.reading() as session:
        top = session.scalar(text("SELECT max(id) FROM event")) or 1
    bare_ids = [1 + (top * k) // 7 for k in range(7)]

    def bare() -> None:
        with db.reading() as session:
            session.execute(select(Event).where(Event.id == bare_ids[0])).first()

    runs: dict[str, dict[str, str]] = dict(queries(nim))
    if deep_cursor:
        runs["page 21 (by cursor)"] = {"cursor": deep_cursor}
    bare_samples: list[float] = []
    for label, params in runs.items():
        for _ in range(3):
            api.timed("GET", "/api/audit", "admin", 200, params=params)
        ends, servers = [], []
        for _ in range(samples):
            dt, _body = api.timed("GET", "/api/audit", "admin", 200, params=params)
            ends.append(dt)
            servers.append(api.last_server_s)
            bare_samples.append(timed(bare))
        out[label] = (statistics.median(ends), statistics.median(servers))
    out["bare lookup (one event by id)"] = (statistics.median(bare_samples), statistics.median(bare_samples))
    return out


def csv_rate(api: harness.Api, params: dict[str, str]) -> tuple[int, float]:
    t0 = time.perf_counter()
    r = api.client.get("/api/audit.csv", headers=api.headers["admin"], params=params)
    dt = time.perf_counter() - t0
    assert r.status_code == 200, r.text[:300]
    return r.text.count("\r\n") - 1, dt


def deep_cursor(api: harness.Api) -> str | None:
    cursor = None
    for _ in range(20):
        _, body = api.timed("GET", "/api/audit", "admin", 200, params={"cursor": cursor} if cursor else {})
        cursor = body["next_cursor"]
    return cursor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--candidates", type=int, default=2000, help="candidates per period of stage 2")
    parser.add_argument("--periods", type=int, default=10, help="periods of stage 2")
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--quick", action="store_true", help="stage 2 of 100,000 events, 5 samples")
    args = parser.parse_args()
    if args.quick:
        args.candidates, args.periods, args.samples = 200, 10, 5
    tmp = Path(tempfile.mkdtemp(prefix="ujikom-bench-audit-"))
    url = args.database_url or f"sqlite:///{tmp / 'bench.db'}"
    app, db = harness.build(url, tmp / "data")
    rng = random.Random(14)
    synth = Synth(db, rng)
    base = datetime(2026, 1, 5, 1, 0, tzinfo=UTC)
    with TestClient(app) as client:
        api = harness.Api(client)
        api.login("admin")
        t0 = time.perf_counter()
        synth.period(200, base, tracked=True)
        print(f"stage 1: {synth.events:,} events ({time.perf_counter() - t0:.0f} s to insert)", flush=True)
        with db.reading() as session:
            nim = session.scalar(select(Peserta.nim).where(Peserta.user_id == synth.tracked_user_id)) or ""
        small = measure(api, db, nim, args.samples, deep_cursor(api))
        small_csv = csv_rate(api, {"peserta": nim})
        t0 = time.perf_counter()
        for p in range(args.periods):
            synth.period(args.candidates, base + timedelta(days=30 * (p + 1)), tracked=p in (3, 8))
        print(f"stage 2: {synth.events:,} events ({time.perf_counter() - t0:.0f} s to insert)", flush=True)
        large = measure(api, db, nim, args.samples, deep_cursor(api))
        large_csv = csv_rate(api, {"peserta": nim})
        big_csv = csv_rate(api, {"period": "BENCH-02", "type": "task_completed"})
    dialect = "PostgreSQL" if db.is_postgres else "SQLite"
    print(f"\nAudit search on {dialect} {harness.db_version(db)}: {args.samples} samples per query, medians in ms")
    print(f"small: 10,000 events; big: {synth.events:,} events")
    print(f"{'query':42} {'sm e2e':>8} {'sm srv':>8} {'big e2e':>8} {'big srv':>8} {'big/sm':>7} {'big/bare':>8}")
    bare = large["bare lookup (one event by id)"][1]
    worst = 0.0
    for label, (e2e, srv) in large.items():
        s_e2e, s_srv = small.get(label, (float("nan"), float("nan")))
        worst = max(worst, srv) if not label.startswith("bare") else worst
        print(
            f"{label:42} {s_e2e * 1000:8.1f} {s_srv * 1000:8.1f} {e2e * 1000:8.1f} {srv * 1000:8.1f}"
            f" {srv / s_srv:7.2f} {srv / bare:8.0f}"
        )
    print(
        f"\nCSV of one candidate's file: {small_csv[0]} rows in {small_csv[1] * 1000:.0f} ms at 10k events,"
        f" {large_csv[0]} rows in {large_csv[1] * 1000:.0f} ms at {synth.events:,}"
    )
    print(
        f"CSV of one event type in one period: {big_csv[0]:,} rows in {big_csv[1]:.2f} s"
        f" ({big_csv[0] / big_csv[1]:,.0f} rows/s, streamed)"
    )
    verdict = "met" if worst < 1.0 else "NOT met"
    print(
        f"Target (every search's server time < 1 s at {synth.events:,} events): {verdict},"
        f" slowest {worst * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
