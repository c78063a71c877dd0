#!/usr/bin/env python
"""How a period scales with its candidates: step 3 of the SOP (registration, closing, assignment) for N
candidates, on the real app in-process (see latency.py), SQLite in a temp dir unless --database-url.

    .venv/bin/python bench/period_scale.py                 # N = 100, 500 and 2,000 in one run, 10 % never submit
    .venv/bin/python bench/period_scale.py --n 3000 --no-show 0.2
    .venv/bin/python bench/period_scale.py --database-url postgresql+psycopg://postgres@127.0.0.1/ujikom_bench
                                                           # DROPS and recreates that database's public schema

What runs (the period's own steps through the API, each candidate's through the engine runtime):
 1. bulk inserts, untimed: N users with role `peserta` and their `peserta` master records, N/10 asesor
    (users, `asesor` records competent for the three demo skema: the LSP's 1:10 ratio holds);
 2. API: start the period, step 1 (target over the three demo skema), step 2 (plan, TUK-01 and TUK-02);
 3. API, timed: the task read five times (its form with the choices and proposals of its sources, issue 10),
    then "Membuka pendaftaran" with N rows in one request: periksa_pendaftar validates N rows
    (the period keeps the rows as chosen: ids, no master-data copy), the registration children are started;
 4. untimed: one evidence upload (`berkas` row) per candidate, bulk inserted, owned by the candidate and
    pointing at their own registration child, so periksa_apl accepts it;
 5. runtime, timed per child: (1 - no_show) x N candidates submit FR.APL.01/02 (validator periksa_apl),
    then Kabid Administrasi accepts each one's evidence (validator periksa_berkas): the child ends and
    leaves a completion row for the period;
 6. API, timed: "Menutup pendaftaran": the service task signals the no_show x N children still waiting
    at FR.APL.01 (each is loaded, its boundary signal event runs, it ends as 'ditutup');
 7. worker, timed: applies the N finished registrations to the period (batches of 500), the parallel
    join, the count of accepted candidates, the quota gateway: "Menugaskan asesor" appears;
 8. API, timed: the task read five times (eligible asesor per candidate, a proposal within the ratio), then
    "Menugaskan asesor dan verifikator TUK" with one row per accepted candidate in one
    request: periksa_penugasan (MET, competence, conflicts, ratio over every row), then the
    pre-assessment children, one per accepted candidate, started in the same transaction.

Registration and pre-assessment are fan-outs (api/engine/children.py): each request starts the first
FIRST_BATCH children and the worker the rest, timed apart ("worker starts ..."); closing signals the first
SIGNAL_FIRST_BATCH waiting children and queues the rest for the worker. With several N (`--n 100,500,2000`, the
default) each runs on its own fresh database and a last table gives each period-level request's server
time and the period's state at every N, with the ratio to the smallest N.

Each N runs once per mode (`--modes`, default both): `in-request`, the engine run on inside the request completing
an `asyncAfter` task (as before the property), and `asyncAfter`, as shipped: the request stops at the task and
the worker's continuation (`Worker.continue_instances`) is timed alone after it; a last table pairs them.

Inside the timed requests, the runtime's per-child work (Runtime.start for a child, Runtime.signal) and
the validators (service_tasks.check) are timed too, by wrapping them in this process.
"""

from __future__ import annotations

import argparse
import functools
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from fastapi.testclient import TestClient
from sqlalchemy import func, insert, select

import service_tasks
from api import seed
from api.engine import children
from api.engine.runtime import Runtime
from api.engine.script_engine import RestrictedEnvironment
from api.services import tasks as api_tasks
from api.store.enums import JenisBerkas
from api.store.master import Asesor, AsesorSkema, Berkas, Peserta, Skema
from api.store.models import ChildCompletion, HumanTask, ProcessInstance, User, UserRole
from api.store.storage import FileStore
from tests.support import foto, sop

JWD = "SKM/LSP-STMI/001/2024"
OPR = "SKM/LSP-STMI/002/2024"
MUTU = "SKM/LSP-STMI/003/2024"
SKEMA = [JWD, OPR, MUTU]
TARGET = {
    "periode": "2026 Genap",
    "target": [
        {"skema_nomor": JWD, "prodi": "Sistem Informasi Industri Otomotif", "jumlah": 400},
        {"skema_nomor": OPR, "prodi": "Teknik Industri Otomotif", "jumlah": 400},
        {"skema_nomor": MUTU, "prodi": "Teknik Kimia Polimer", "jumlah": 200},
    ],
}
PRODI = {JWD: "Sistem Informasi Industri Otomotif", OPR: "Teknik Industri Otomotif", MUTU: "Teknik Kimia Polimer"}
TUK = ["TUK-01", "TUK-02"]
VERIFIKATOR = {"TUK-01": "asesor2", "TUK-02": "asesor3"}  # demo asesor, MET valid through 2028-2029
KAPASITAS = {"TUK-01": 30, "TUK-02": 20}  # the demo TUK's capacity per session
HARI_ASESMEN = (10, 11, 12)  # the assessment days, counted from today
SESI_PER_HARI = 20
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
CHUNK = 2000


def sesi(today: date) -> list[dict[str, str]]:
    """The plan's sessions: half an hour each from 07.00 to 17.00 on three assessment days (60 sessions of 50
    places: room for 2,000 candidates with the TUK taken in turn, 1,000 at TUK-02 whose 20 places a session fill
    50 sessions)."""
    out = []
    for n in HARI_ASESMEN:
        for k in range(SESI_PER_HARI):
            mulai, selesai = 7 * 60 + 30 * k, 7 * 60 + 30 * (k + 1)
            out.append(
                {
                    "tanggal": (today + timedelta(days=n)).isoformat(),
                    "mulai": f"{mulai // 60:02d}.{mulai % 60:02d}",
                    "selesai": f"{selesai // 60:02d}.{selesai % 60:02d}",
                }
            )
    return out


def dengan_sesi(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Each assignment row in the first session where its TUK has room and its asesor is at no other TUK."""
    terisi: dict[tuple[int, str], int] = defaultdict(int)
    tempat: dict[tuple[str, int], str] = {}
    out = []
    for r in rows:
        s = next(
            s
            for s in range(1, len(HARI_ASESMEN) * SESI_PER_HARI + 1)
            if terisi[(s, r["tuk_kode"])] < KAPASITAS[r["tuk_kode"]]
            and tempat.get((r["asesor"], s), r["tuk_kode"]) == r["tuk_kode"]
        )
        terisi[(s, r["tuk_kode"])] += 1
        tempat.setdefault((r["asesor"], s), r["tuk_kode"])
        out.append({**r, "sesi": s})
    return out


def candidate(i: int) -> str:
    return f"bench_peserta_{i:05d}"


def asesor_name(i: int) -> str:
    return f"bench_asesor_{i:04d}"


# --- statistics and wrappers -----------------------------------------------------------------
def p95(values: list[float]) -> float:
    return harness.percentile(values, 95)


def dist(values: list[float]) -> str:
    if not values:
        return "-"
    return f"median {statistics.median(values) * 1000:.2f} ms, p95 {p95(values) * 1000:.2f} ms (n={len(values):,})"


class Probe:
    """Times calls of selected runtime methods and validators while a request runs (same process)."""

    def __init__(self) -> None:
        self.times: dict[str, list[float]] = defaultdict(list)

    @contextmanager
    def wrap(
        self, owner: Any, attr: str, label: str, when: Callable[..., bool] = lambda *a, **k: True
    ) -> Iterator[None]:
        original = getattr(owner, attr)

        @functools.wraps(original)
        def timed(*args: Any, **kwargs: Any) -> Any:
            if not when(*args, **kwargs):
                return original(*args, **kwargs)
            t0 = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.times[label].append(time.perf_counter() - t0)

        setattr(owner, attr, timed)
        try:
            yield
        finally:
            setattr(owner, attr, original)

    def take(self, label: str) -> list[float]:
        return self.times.pop(label, [])


@contextmanager
def period_io(probe: Probe, min_bytes: int = 100_000) -> Iterator[None]:
    """Times the runtime's load (`Runtime.load`: the state row parsed, the blobs it refers to read, the workflow
    restored) and dump (`dump_state`) of large states (the period's: children are a few KB), by their full size."""
    import api.engine.runtime as runtime_module

    load, dump = runtime_module.Runtime.load, runtime_module.dump_state

    def timed_load(self: Any, row: Any) -> Any:
        t0 = time.perf_counter()
        wf = load(self, row)
        if len(row.state) >= min_bytes or "\\u0000blob" in row.state:
            probe.times["period load"].append(time.perf_counter() - t0)
        return wf

    def timed_dump(wf: Any) -> Any:
        t0 = time.perf_counter()
        out = dump(wf)
        if out.size >= min_bytes:
            probe.times["period dump"].append(time.perf_counter() - t0)
        return out

    runtime_module.Runtime.load, runtime_module.dump_state = timed_load, timed_dump  # type: ignore[method-assign]
    try:
        yield
    finally:
        runtime_module.Runtime.load, runtime_module.dump_state = load, dump  # type: ignore[method-assign]


def scripts(times: list[float]) -> str:
    """Script tasks run in an evaluator process (api/engine/evaluator.py), under its hard limits."""
    big = sorted(times, reverse=True)[:3]
    return f"{len(times)} run(s), {sum(times):.2f} s; longest {', '.join(f'{t * 1000:.0f} ms' for t in big)}"


def is_child_start(_self: Any, *_args: Any, parent: Any = None, **_kw: Any) -> bool:
    return parent is not None


# --- bulk master data ------------------------------------------------------------------------
def bulk_people(db: Any, n: int) -> tuple[list[str], list[str], float]:
    """N candidates (users with role peserta + peserta records) and N/10 asesor, by bulk insert."""
    t0 = time.perf_counter()
    now = datetime.now(UTC)
    password_hash = seed.hash_password("bench-users-never-log-in")  # one argon2 hash, shared
    peserta = [candidate(i) for i in range(1, n + 1)]
    n_asesor = max(1, -(-n // 10))
    asesor = [asesor_name(i) for i in range(1, n_asesor + 1)]
    with db.transaction() as session:
        users = [
            {
                "username": u,
                "full_name": f"Peserta Bench {i:05d}" if u in peserta else f"Asesor Bench {i:04d}",
                "password_hash": password_hash,
                "active": True,
                "is_demo": True,
                "created_at": now,
            }
            for i, u in [*enumerate(peserta, 1), *enumerate(asesor, 1)]
        ]
        for k in range(0, len(users), CHUNK):
            session.execute(insert(User), users[k : k + CHUNK])
        user_id = dict(
            session.execute(select(User.username, User.id).where(User.username.like("bench\\_%", escape="\\"))).all()
        )
        roles = [{"user_id": user_id[u], "role": "peserta"} for u in peserta]
        roles += [{"user_id": user_id[u], "role": "asesor"} for u in asesor]
        for k in range(0, len(roles), CHUNK):
            session.execute(insert(UserRole), roles[k : k + CHUNK])
        rows = []
        for i, u in enumerate(peserta, 1):
            lahir = date(2004, 1, 1) + timedelta(days=i % 365)
            rows.append(
                {
                    "user_id": user_id[u],
                    "nim": f"B{i:08d}",
                    "prodi": PRODI[SKEMA[i % len(SKEMA)]],
                    "nik": f"3171{lahir.day:02d}{lahir.month:02d}04{i % 10000:04d}"[:16].ljust(16, "0"),
                    "tempat_lahir": "Jakarta",
                    "tanggal_lahir": lahir,
                    "jenis_kelamin": "L" if i % 2 else "P",
                    "alamat": f"Jl. Bench No. {i}, Jakarta",
                    "telepon": f"0812{i:08d}",
                    "email": f"{u}@example.ac.id",
                    "aktif": True,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        for k in range(0, len(rows), CHUNK):
            session.execute(insert(Peserta), rows[k : k + CHUNK])
        session.execute(
            insert(Asesor),
            [
                {
                    "user_id": user_id[u],
                    "no_reg_met": f"MET.BENCH.{i:06d} 2024",
                    "met_berlaku_sd": date(2030, 12, 31),
                    "aktif": True,
                    "created_at": now,
                    "updated_at": now,
                }
                for i, u in enumerate(asesor, 1)
            ],
        )
        asesor_id = dict(
            session.execute(
                select(Asesor.user_id, Asesor.id).where(Asesor.user_id.in_([user_id[u] for u in asesor]))
            ).all()
        )
        skema_id = dict(session.execute(select(Skema.nomor, Skema.id)).all())
        session.execute(
            insert(AsesorSkema),
            [{"asesor_id": asesor_id[user_id[u]], "skema_id": skema_id[s]} for u in asesor for s in SKEMA],
        )
    return peserta, asesor, time.perf_counter() - t0


def skema_units(db: Any) -> dict[str, list[dict[str, Any]]]:
    with db.reading() as session:
        return {s.nomor: list(s.unit or []) for s in session.scalars(select(Skema))}


def bulk_berkas(db: Any, data_dir: Path) -> tuple[dict[str, int], dict[str, int], float]:
    """One uploaded evidence file and one pas foto per candidate: the bytes stored once (content-addressed), one
    `berkas` row each per candidate owned by them and pointing at their registration child (as the upload route
    writes)."""
    t0 = time.perf_counter()
    sha256 = FileStore(data_dir / "berkas").put(PDF)
    foto_sha256 = FileStore(data_dir / "berkas").put(foto.PNG)
    now = datetime.now(UTC)
    with db.transaction() as session:
        tasks = session.execute(
            select(HumanTask.id, HumanTask.instance_id, HumanTask.assignee).where(
                HumanTask.state == "ready", HumanTask.element_id == "mengisi_apl"
            )
        ).all()
        common = [
            {"instance_id": instance_id, "task_id": task_id, "uploaded_by": assignee, "created_at": now}
            for task_id, instance_id, assignee in tasks
        ]
        rows = [
            {**c, "sha256": sha256, "nama": "ktm.pdf", "content_type": "application/pdf", "size": len(PDF)}
            for c in common
        ] + [
            {
                **c,
                "sha256": foto_sha256,
                "nama": "pas-foto.png",
                "content_type": "image/png",
                "size": len(foto.PNG),
                "jenis": JenisBerkas.PAS_FOTO,
                "lebar": 300,
                "tinggi": 400,
            }
            for c in common
        ]
        for k in range(0, len(rows), CHUNK):
            session.execute(insert(Berkas), rows[k : k + CHUNK])
        found = session.execute(select(Berkas.uploaded_by, Berkas.id, Berkas.jenis)).all()
    berkas = {u: i for u, i, jenis in found if jenis is None}
    pas_foto = {u: i for u, i, jenis in found if jenis == JenisBerkas.PAS_FOTO}
    return berkas, pas_foto, time.perf_counter() - t0


# --- the run ---------------------------------------------------------------------------------
def state_kb(db: Any, instance_id: int) -> float:
    with db.reading() as session:
        return len(session.get(ProcessInstance, instance_id).state) / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--n", default="100,500,2000", help="candidates in the period, one run each (default 100,500,2000)"
    )
    parser.add_argument(
        "--no-show", type=float, default=0.1, help="share of candidates who never submit FR.APL.01 (default 0.1)"
    )
    parser.add_argument("--database-url", help="PostgreSQL scratch database: its public schema is DROPPED first")
    parser.add_argument(
        "--modes",
        default="in-request,asyncAfter",
        help="how the engine runs on after the period's asyncAfter tasks, each N once per mode: 'in-request' (as "
        "before asyncAfter: in the completing request), 'asyncAfter' (as shipped: in the worker); default both",
    )
    args = parser.parse_args(argv)
    logging.disable(logging.WARNING)
    seed.hash_password = functools.lru_cache(maxsize=None)(seed.hash_password)
    t_begin = time.perf_counter()
    sizes = [int(x) for x in str(args.n).split(",")]
    modes = str(args.modes).split(",")
    paired = {(n, mode): run(n, args, mode) for n in sizes for mode in modes}
    if len(modes) > 1:
        print("\nperiod-level requests (server time) and the worker's continuation after them, paired by mode:")
        print("| what | " + " | ".join(f"N = {n:,} {mode}" for n in sizes for mode in modes) + " |")
        print("|---|" + "---|" * (len(sizes) * len(modes)))
        for what in paired[(sizes[0], modes[0])]:
            if what.startswith("state"):
                continue
            row = [f"{paired[(n, mode)].get(what, 0):.3f} s" for n in sizes for mode in modes]
            print(f"| {what} | " + " | ".join(row) + " |")
    figures = {n: paired[(n, modes[-1])] for n in sizes}
    if len(sizes) > 1:
        first = sizes[0]
        print(f"\nperiod-level requests (server time) and the period's state, ratio to N = {first:,}:")
        print("| what | " + " | ".join(f"N = {n:,}" for n in sizes) + f" | {sizes[-1]:,} / {first:,} |")
        print("|---|" + "---|" * (len(sizes) + 1))
        for what in figures[first]:
            unit = "KB" if what.startswith("state") else "s"
            row = [f"{figures[n][what]:,.0f} KB" if unit == "KB" else f"{figures[n][what]:.3f} s" for n in sizes]
            ratio = figures[sizes[-1]][what] / figures[first][what] if figures[first][what] else float("nan")
            print(f"| {what} | " + " | ".join(row) + f" | {ratio:.2f}x |")
    print(f"total run time {time.perf_counter() - t_begin:.0f} s")
    return 0


@contextmanager
def continuing_in_request(mode: str) -> Iterator[None]:
    """Mode 'in-request': an asyncAfter task's completion runs the engine on in its own request, as before the
    property (the runtime's deferral replaced, in this process only); 'asyncAfter': as shipped."""
    if mode == "asyncAfter":
        yield
        return
    assert mode == "in-request", mode
    deferred = Runtime._defer

    def at_once(self: Runtime, row: Any, wf: Any, host: Any) -> None:
        self._advance(row, wf, host.actor, host)

    Runtime._defer = at_once  # type: ignore[method-assign]
    try:
        yield
    finally:
        Runtime._defer = deferred  # type: ignore[method-assign]


def run(n: int, args: argparse.Namespace, mode: str = "asyncAfter") -> dict[str, float]:
    """One period of N candidates through step 3 on a fresh database; the figures the summary compares."""
    with continuing_in_request(mode):
        return _run(n, args, mode)


def _run(n: int, args: argparse.Namespace, mode: str) -> dict[str, float]:
    figures: dict[str, float] = {}
    data_dir = Path(tempfile.mkdtemp(prefix="ujikom-scale-"))
    url = args.database_url or f"sqlite:///{data_dir / 'scale.sqlite3'}"
    app, db = harness.build(url, data_dir)
    dialect = db.engine.dialect.name
    print(
        f"ujikom period scale: N = {n:,} candidates, {args.no_show:.0%} never submit, {mode}; {dialect} "
        f"{harness.db_version(db)}, {os.cpu_count()} CPUs, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        flush=True,
    )
    probe = Probe()
    results: list[tuple[str, str]] = []

    def report(what: str, figure: str) -> None:
        results.append((what, figure))
        print(f"  {what}: {figure}", flush=True)

    def report_io(what: str) -> None:
        loads, dumps = probe.take("period load"), probe.take("period dump")
        report(
            what,
            f"{len(loads)} load(s) {sum(loads):.2f} s ({', '.join(f'{x * 1000:.0f}' for x in loads)} ms), "
            f"{len(dumps)} dump(s) {sum(dumps):.2f} s ({', '.join(f'{x * 1000:.0f}' for x in dumps)} ms)",
        )

    peserta, asesor, seconds = bulk_people(db, n)
    print(f"  (setup) {len(peserta):,} candidates and {len(asesor):,} asesor bulk inserted in {seconds:.1f} s")
    units = skema_units(db)
    skema_of = {u: SKEMA[i % len(SKEMA)] for i, u in enumerate(peserta, 1)}

    with TestClient(app) as client:
        api = harness.Api(client)
        api.login("direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi")

        def task_of(user: str, name: str, instance_id: int) -> str:
            r = client.get("/api/tasks", headers=api.headers[user], params={"instance_id": instance_id})
            assert r.status_code == 200, r.text
            found = [t["id"] for t in r.json() if t["name"] == name]
            assert found, f"{user} has no task {name!r} in instance {instance_id}: {r.json()}"
            return found[0]

        def complete(user: str, name: str, instance_id: int, data: dict[str, Any]) -> tuple[float, float]:
            task_id = task_of(user, name, instance_id)
            dt, _ = api.timed("POST", f"/api/tasks/{task_id}/complete", user, 200, json={"data": data})
            return dt, api.last_server_s

        def continuation(what: str) -> None:
            """The worker runs the engine on after an asyncAfter task (nothing to do 'in-request'), timed alone."""
            t0 = time.perf_counter()
            ran = app.state.worker.continue_instances()
            seconds = time.perf_counter() - t0
            report(f"  worker: the continuation after it ({ran} instance)", f"{seconds:.2f} s")
            figures[f"{what}: continuation (worker)"] = seconds

        _, inst = api.timed(
            "POST",
            "/api/process-definitions/uji_kompetensi/instances",
            "direktur",
            201,
            json={"business_key": "SCALE", "data": {"periode": TARGET["periode"]}},
        )
        period = inst["id"]
        today = datetime.now(UTC).date()
        rencana = {
            "tor": {
                "latar_belakang": "Mahasiswa tingkat akhir wajib tersertifikasi sebelum lulus.",
                "dasar_hukum": "PP 10/2018 tentang BNSP.",
                "maksud_tujuan": "Uji kompetensi bagi mahasiswa tingkat akhir.",
                "sasaran": f"{n} mahasiswa dari tiga program studi.",
                "ruang_lingkup": "Tiga skema, dua TUK sewaktu di kampus.",
                "metode": "Observasi demonstrasi dan tanya jawab.",
                "penutup": "Demikian.",
            },
            "rab": [
                {"kelompok": "Honor asesor", "uraian": "Honor", "volume": 100, "satuan": "OH", "harga_satuan": 500000}
            ],
            "jadwal": {
                "pendaftaran_mulai": today.isoformat(),
                "pendaftaran_selesai": (today + timedelta(days=7)).isoformat(),
                "asesmen_mulai": (today + timedelta(days=10)).isoformat(),
                "asesmen_selesai": (today + timedelta(days=HARI_ASESMEN[-1])).isoformat(),
                "kuota_min": 2,
                "sesi": sesi(today),
            },
            "tuk_kode": TUK,
        }
        complete("direktur", "Menetapkan target uji kompetensi", period, TARGET)
        complete("ketua_lsp", "Menyusun rencana uji kompetensi", period, rencana)

        def read_form(user: str, name: str, what: str) -> None:
            """Reading the task: its form served with the choices and proposals of its sources (issue 10)."""
            task_id = task_of(user, name, period)
            with probe.wrap(api_tasks, "with_sources", "sources"):
                times = [api.timed("GET", f"/api/tasks/{task_id}", user, 200) for _ in range(5)]
            size = len(json.dumps(times[-1][1]["form"]["schema"])) / 1024
            report(f"read {name!r}: {what}", f"{dist([t for t, _ in times])}, served schema {size:,.0f} KB")
            report("  of which the form's sources (choices, proposals)", dist(probe.take("sources")))

        # 3. open registration for N candidates in one request
        read_form(
            "kabid_administrasi",
            "Membuka pendaftaran uji kompetensi",
            f"{n:,} active candidates offered, the proposal per target row",
        )
        daftar = [{"username": u, "skema_nomor": skema_of[u]} for u in peserta]
        with (
            probe.wrap(Runtime, "start", "child start", when=is_child_start),
            probe.wrap(service_tasks, "check", "validator"),
        ):
            dt, server = complete(
                "kabid_administrasi", "Membuka pendaftaran uji kompetensi", period, {"daftar_pendaftar": daftar}
            )
        report(
            f"open registration: {n:,} rows checked (periksa_pendaftar), the first {min(n, children.FIRST_BATCH):,} "
            "children started, one request",
            f"{dt:.2f} s (server {server:.2f} s)",
        )
        figures["open registration"] = server
        report("  of which periksa_pendaftar over the N rows", dist(probe.take("validator")))
        with probe.wrap(Runtime, "start", "child start", when=is_child_start):
            continuation("open registration")
        starts = probe.take("child start")
        report("  of which starting one registration child (Runtime.start)", f"{dist(starts)}, sum {sum(starts):.2f} s")
        kb_open = state_kb(db, period)
        t0 = time.perf_counter()
        started = app.state.worker.run_until_idle()
        report(f"worker starts the other {started:,} registration children", f"{time.perf_counter() - t0:.2f} s")

        # 4. one evidence upload per candidate
        berkas, pas_foto, seconds = bulk_berkas(db, data_dir)
        print(f"  (setup) {len(berkas) + len(pas_foto):,} berkas rows bulk inserted in {seconds:.1f} s")

        # 5. the candidates' FR.APL.01/02 and the evidence checks, through the runtime (no HTTP)
        def complete_children(
            element_id: str, data_for: Callable[[str, int], dict[str, Any]], who: str | None, only: set[str] | None
        ) -> list[float]:
            with db.reading() as session:
                tasks = session.execute(
                    select(HumanTask.id, HumanTask.instance_id, HumanTask.assignee, ProcessInstance.subject)
                    .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
                    .where(HumanTask.state == "ready", HumanTask.element_id == element_id)
                    .order_by(HumanTask.created_at)
                ).all()
            times = []
            for task_id, instance_id, assignee, subject in tasks:
                if only is not None and subject not in only:
                    continue
                t0 = time.perf_counter()
                with db.transaction() as session:
                    row = session.get(ProcessInstance, instance_id)
                    app.state.worker.runtime(session).complete_task(
                        row, task_id, data_for(subject, instance_id), who or assignee
                    )
                times.append(time.perf_counter() - t0)
            return times

        def apl(username: str, _instance_id: int) -> dict[str, Any]:
            return {
                "apl01": {
                    "tujuan_asesmen": "sertifikasi",
                    "pendidikan": "D3 (tingkat akhir)",
                    "pas_foto_berkas_id": pas_foto[username],
                    "bukti": [{"jenis": "dasar", "nama": "Kartu tanda mahasiswa", "berkas_id": berkas[username]}],
                    "pernyataan": True,
                },
                "apl02": [sop.mandiri(u) for u in units[skema_of[username]]],
            }

        def periksa(username: str, _instance_id: int) -> dict[str, Any]:
            bukti = [{"berkas_id": berkas[username], "nama": "Kartu tanda mahasiswa", "status": "ada_memenuhi"}]
            return {"pemeriksaan": {"bukti": bukti, "keputusan": "diterima", "alasan": ""}}

        no_show = int(round(n * args.no_show))
        submit = set(peserta[: n - no_show])
        with probe.wrap(service_tasks, "check", "validator"):
            t0 = time.perf_counter()
            apl_times = complete_children("mengisi_apl", apl, None, submit)
            apl_total = time.perf_counter() - t0
            apl_validator = probe.take("validator")
            t0 = time.perf_counter()
            berkas_times = complete_children("memeriksa_berkas", periksa, "kabid_administrasi", None)
            berkas_total = time.perf_counter() - t0
            berkas_validator = probe.take("validator")
        report(
            f"child request, FR.APL.01/02 by the candidate ({len(apl_times):,}, runtime, no HTTP)",
            f"{dist(apl_times)}; all {apl_total:.1f} s",
        )
        report("  of which periksa_apl", dist(apl_validator))
        report(
            f"child request, evidence check, the child ends ({len(berkas_times):,})",
            f"{dist(berkas_times)}; all {berkas_total:.1f} s",
        )
        report("  of which periksa_berkas", dist(berkas_validator))
        with db.reading() as session:
            pending = session.scalar(
                select(func.count())
                .select_from(ChildCompletion)
                .where(ChildCompletion.parent_id == period, ChildCompletion.applied_at.is_(None))
            )
        assert pending == len(berkas_times), (pending, len(berkas_times))

        # 6. close registration: the signal reaches the children still waiting at FR.APL.01
        with probe.wrap(Runtime, "signal", "signal"), period_io(probe):
            dt, server = complete(
                "kabid_administrasi", "Menutup pendaftaran", period, {"penutupan": {"alasan": "Batas pendaftaran"}}
            )
            report(
                f"close registration: signals the first {min(no_show, children.SIGNAL_FIRST_BATCH):,} of the "
                f"{no_show:,} children still waiting (the rest queued), one request (asyncAfter: in the worker)",
                f"{dt:.2f} s (server {server:.2f} s)",
            )
            figures["close registration"] = server
            continuation("close registration")
        signals = probe.take("signal")
        report("  of which signalling one waiting child (Runtime.signal)", f"{dist(signals)}, sum {sum(signals):.2f} s")
        report_io("  of which the period's state")

        # 7. the worker applies the N finished registrations to the period
        with (
            probe.wrap(children, "apply_fanout", "batch"),
            period_io(probe),
            probe.wrap(RestrictedEnvironment, "execute", "script"),
        ):
            t0 = time.perf_counter()
            app.state.worker.run_until_idle()
            worker_s = time.perf_counter() - t0
        batches = probe.take("batch")
        # Each no-show's registration closed (the count of `Runtime.signal` calls is not the count of children
        # signalled: the close's own signal is one, so the bench checks the outcome, as the worker batches it).
        with db.reading() as session:
            waiting = session.scalar(
                select(func.count())
                .select_from(HumanTask)
                .where(HumanTask.state == "ready", HumanTask.element_id == "mengisi_apl")
            )
        assert waiting == 0, (waiting, no_show)
        report(
            f"worker: {no_show - min(no_show, children.SIGNAL_FIRST_BATCH):,} queued signals delivered, "
            f"{n:,} finished registrations applied to the period",
            f"{worker_s:.2f} s; apply passes: {len(batches)}, longest {max(batches, default=0):.3f} s",
        )
        figures["worker: longest apply pass"] = max(batches, default=0)
        report_io("  of which the period's state")
        report("  of which the period's script tasks", scripts(probe.take("script")))
        kb_registered = state_kb(db, period)

        # 8. assignment of every accepted candidate in one request, the pre-assessment children started
        read_form(
            "kabid_sertifikasi",
            "Menugaskan asesor dan verifikator TUK",
            "eligible asesor per candidate (MET, competence, conflicts) and a proposal within the ratio",
        )
        accepted = sorted(submit)
        penugasan = dengan_sesi(
            [
                {"username": u, "asesor": asesor[i % len(asesor)], "tuk_kode": TUK[i % len(TUK)]}
                for i, u in enumerate(accepted)
            ]
        )
        verifikator = [{"tuk_kode": k, "verifikator": VERIFIKATOR[k]} for k in TUK]
        with (
            probe.wrap(Runtime, "start", "child start", when=is_child_start),
            probe.wrap(service_tasks, "check", "validator"),
            period_io(probe),
            probe.wrap(RestrictedEnvironment, "execute", "script"),
        ):
            dt, server = complete(
                "kabid_sertifikasi",
                "Menugaskan asesor dan verifikator TUK",
                period,
                {"penugasan_asesor": penugasan, "penugasan_verifikator": verifikator},
            )
        report(
            f"assignment: {len(accepted):,} rows checked (periksa_penugasan), the first "
            f"{min(len(accepted), children.FIRST_BATCH):,} pre-assessment children started, one request",
            f"{dt:.2f} s (server {server:.2f} s)",
        )
        figures["assignment"] = server
        report("  of which periksa_penugasan over the rows", dist(probe.take("validator")))
        with (
            probe.wrap(Runtime, "start", "child start", when=is_child_start),
            period_io(probe),
            probe.wrap(RestrictedEnvironment, "execute", "script"),
        ):
            continuation("assignment")
        starts = probe.take("child start")
        report(
            "  of which starting one pre-assessment child (Runtime.start)", f"{dist(starts)}, sum {sum(starts):.2f} s"
        )
        report_io("  of which the period's state")
        report("  of which the period's script tasks", scripts(probe.take("script")))
        t0 = time.perf_counter()
        started = app.state.worker.run_until_idle()
        report(f"worker starts the other {started:,} pre-assessment children", f"{time.perf_counter() - t0:.2f} s")
        with db.reading() as session:
            pra = session.scalar(
                select(func.count())
                .select_from(ProcessInstance)
                .where(ProcessInstance.parent_id == period, ProcessInstance.key == "pra_asesmen")
            )
            meninjau = session.scalar(
                select(func.count())
                .select_from(HumanTask)
                .where(HumanTask.state == "ready", HumanTask.element_id == "meninjau_apl02")
            )
            next_tasks = session.scalars(
                select(HumanTask.name).where(HumanTask.instance_id == period, HumanTask.state == "ready")
            ).all()
        assert pra == len(accepted) == meninjau, (pra, len(accepted), meninjau)
        kb_assigned = state_kb(db, period)
        report(
            "period state (process_instance.state)",
            f"{kb_open:,.0f} KB with registration open, {kb_registered:,.0f} KB after the worker, "
            f"{kb_assigned:,.0f} KB after the assignment",
        )
        print(f"  pre-assessment children running: {pra:,}, open 'Meninjau FR.APL.02' tasks: {meninjau:,}")
        print(f"  the period's open tasks now: {', '.join(next_tasks) or '-'}")
        figures["state with registration open"] = kb_open
        figures["state after the registrations"] = kb_registered
        figures["state after the assignment"] = kb_assigned
    db.engine.dispose()
    return figures


if __name__ == "__main__":
    sys.exit(main())
