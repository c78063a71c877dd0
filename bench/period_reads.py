"""What a per-candidate step reads of its period, at N candidates: before and after reading only what it needs.

    .venv/bin/python bench/period_reads.py                   # N = 100, 500 and 2,000
    .venv/bin/python bench/period_reads.py --n 2000 --samples 50

Three reads a period made once per candidate (or once per candidate inside one request), each timed as it is
now and as it was, alternately in one run, on one SQLite database in a temp dir (migrated and seeded):

 1. the schedule in force (`jadwal_berlaku`), read by every candidate's attendance check and FR.AK.01: it was the
    period's last SK Jadwal loaded whole (the SK lists every candidate's session: about 500 bytes each); it is now
    the SK's id, and its `jadwal` once per process;
 2. the candidates' pas foto (`foto_peserta`), read for every candidate's FR.APL.01 and, for all of them at once,
    by the certificate numbers: it was every event of the candidates with its whole data (every form they
    submitted); it is now the named file's id alone;
 3. the certificate numbers' check that no candidate holds an active certificate of the skema: it was one query
    per candidate; it is now one per 500 (`aktif_semua`).

The "before" code is kept here, as it was, for the comparison only. Each figure is the median of `--samples`;
the ratio is before / after in the same run.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import harness
from sqlalchemy import insert, select

from api.store.enums import EventType, JenisBerkas
from api.store.master import Berkas
from api.store.models import Dokumen, Event, ProcessDefinition, ProcessInstance
from service_tasks import daftar_sertifikat as register
from service_tasks.guards import object_at
from service_tasks.pas_foto import foto_peserta
from service_tasks.sesi_jadwal import jadwal_berlaku

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
JADWAL = {
    "pendaftaran_mulai": "2026-10-01",
    "pendaftaran_selesai": "2026-10-20",
    "asesmen_mulai": "2026-11-02",
    "asesmen_selesai": "2026-11-20",
    "kuota_min": 1,
    "sesi": [{"tanggal": f"2026-11-{2 + i // 2:02d}", "mulai": "08.00", "selesai": "12.00"} for i in range(24)],
}


# --- the reads as they were -------------------------------------------------------------------
def jadwal_sebelum(ctx: Any) -> dict[str, Any]:
    sk = ctx.session.scalars(
        select(Dokumen)
        .where(Dokumen.root_id == ctx.root_id, Dokumen.kind == "sk_jadwal")
        .order_by(Dokumen.id.desc())
        .limit(1)
    ).first()
    return object_at(sk.data or {}, "jadwal") if sk is not None else object_at(ctx.data, "jadwal")


def foto_sebelum(session: Any, root_id: int, usernames: list[str]) -> dict[str, dict[str, str]]:
    named: dict[str, Any] = {}
    for i in range(0, len(usernames), 500):
        chunk = usernames[i : i + 500]
        for actor, root, kind, data in session.execute(
            select(Event.actor, Event.root_id, Event.type, Event.data).where(Event.actor.in_(chunk)).order_by(Event.id)
        ):
            if root != root_id or kind != EventType.TASK_COMPLETED:
                continue
            apl01 = (data or {}).get("apl01")
            if isinstance(apl01, dict) and isinstance(apl01.get("pas_foto_berkas_id"), int):
                named[str(actor)] = apl01["pas_foto_berkas_id"]
    found: dict[int, Berkas] = {}
    ids = list(named.values())
    for i in range(0, len(ids), 500):
        found.update({b.id: b for b in session.scalars(select(Berkas).where(Berkas.id.in_(ids[i : i + 500])))})
    return {
        u: {"sha256": found[b].sha256, "content_type": found[b].content_type}
        for u, b in named.items()
        if b in found and found[b].uploaded_by == u and found[b].jenis == JenisBerkas.PAS_FOTO
    }


def aktif_sebelum(session: Any, usernames: list[str], skema: str, pada: date) -> int:
    return sum(register.aktif(session, u, skema, pada) is not None for u in usernames)


# --- a period of N candidates, as rows ----------------------------------------------------------
def build_period(db: Any, n: int) -> tuple[int, list[str]]:
    """A period instance with an SK Jadwal listing N candidates, N candidates' events (six forms each, the
    FR.APL.01 naming a pas foto) and their pas foto files; returns the period's id and the usernames."""
    usernames = [f"bench{n}_{i:05d}" for i in range(n)]
    with db.transaction() as session:
        definition = session.scalars(select(ProcessDefinition.id).limit(1)).one()
        period = ProcessInstance(
            definition_id=definition,
            key=harness.PROCESS,
            version=1,
            business_key=f"bench {n}",
            status="running",
            started_at=NOW,
            started_by="bench",
            state="{}",
        )
        session.add(period)
        session.flush()
        period.root_id = period.id
        pelaksanaan = [
            {  # about the 465 bytes per candidate of a real SK Jadwal's lampiran
                "username": u,
                "nama": f"Peserta Uji Kompetensi {u}",
                "nim": f"2201{i:06d}",
                "prodi": "Sistem Informasi Industri Otomotif",
                "skema_nomor": "SKM/LSP-STMI/001/2024",
                "skema_judul": "Junior Web Developer",
                "sesi": 1 + i % 24,
                "tanggal": "2026-11-02",
                "pukul": "08.00-12.00 WIB",
                "tuk": {"kode": "TUK-01", "nama": "Laboratorium Komputer 1", "alamat": "Gedung B lantai 2"},
                "asesor": {"username": "asesor1", "nama": "Asesor Kompetensi Satu", "met": "MET.000.001234 2019"},
            }
            for i, u in enumerate(usernames)
        ]
        base = {"instance_id": period.id, "root_id": period.id, "task_id": "t", "element_id": "e"}
        session.execute(
            insert(Dokumen),
            [
                {
                    **base,
                    "kind": "sk_jadwal",
                    "key": "",
                    "title": "SK Jadwal",
                    "number": f"001/SK/{n}",
                    "month": 11,
                    "year": 2026,
                    "data": {"jadwal": JADWAL, "pelaksanaan": pelaksanaan},
                    "created_at": NOW,
                    "version": 1,
                }
            ],
        )
        files = session.execute(
            insert(Berkas).returning(Berkas.id),
            [
                {
                    "instance_id": period.id,
                    "jenis": JenisBerkas.PAS_FOTO,
                    "nama": f"{u}.jpg",
                    "content_type": "image/jpeg",
                    "size": 1000,
                    "sha256": f"{i:064d}",
                    "task_id": "t",
                    "uploaded_by": u,
                    "created_at": NOW,
                }
                for i, u in enumerate(usernames)
            ],
        ).all()
        isian = {f"butir_{k}": "Ya, saya kompeten pada butir ini" for k in range(40)}
        events = []
        for u, (file_id,) in zip(usernames, files, strict=True):
            for form in ("apl01", "apl02", "kehadiran", "ak01", "ak02", "ak03"):
                data = {form: {**isian, "pas_foto_berkas_id": file_id} if form == "apl01" else dict(isian)}
                events.append(
                    {
                        "at": NOW,
                        "instance_id": period.id,
                        "root_id": period.id,
                        "type": EventType.TASK_COMPLETED,
                        "task_id": "t",
                        "actor": u,
                        "data": data,
                    }
                )
        session.execute(insert(Event), events)
        return period.id, usernames


def reads(session: Any, root_id: int, usernames: list[str]) -> list[tuple[str, Any, Any]]:
    """Each read: what it is, as it was, as it is (checked to give the same answer)."""
    ctx: Any = SimpleNamespace(session=session, root_id=root_id, data={})
    assert jadwal_sebelum(ctx) == jadwal_berlaku(ctx)
    one = usernames[len(usernames) // 2]
    assert foto_sebelum(session, root_id, usernames) == foto_peserta(session, root_id, usernames)
    pada = date(2026, 11, 2)
    return [
        (
            "schedule in force (per attendance, per FR.AK.01)",
            lambda: jadwal_sebelum(ctx),
            lambda: jadwal_berlaku(ctx),
        ),
        (
            "one candidate's pas foto (per FR.APL.01)",
            lambda: foto_sebelum(session, root_id, [one]),
            lambda: foto_peserta(session, root_id, [one]),
        ),
        (
            "every candidate's pas foto (certificate numbers)",
            lambda: foto_sebelum(session, root_id, usernames),
            lambda: foto_peserta(session, root_id, usernames),
        ),
        (
            "active certificates of all (certificate numbers)",
            lambda: aktif_sebelum(session, usernames, "SKM/1", pada),
            lambda: register.aktif_semua(session, usernames, pada),
        ),
    ]


def timed(fn: Any, samples: int) -> float:
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", default="100,500,2000", help="candidates per period, comma-separated")
    parser.add_argument("--samples", type=int, default=21)
    args = parser.parse_args()
    data_dir = Path(tempfile.mkdtemp())
    _app, db = harness.build(f"sqlite:///{data_dir / 'reads.sqlite3'}", data_dir)
    print(f"{'N':>6}  {'read':52} {'before ms':>10} {'after ms':>10} {'ratio':>7}")
    for n in [int(x) for x in args.n.split(",")]:
        root_id, usernames = build_period(db, n)
        with db.reading() as session:
            for label, before, after in reads(session, root_id, usernames):
                # Alternately, so that both see the same moments of a shared machine.
                bs, afters = [], []
                for _ in range(args.samples):
                    bs.append(timed(before, 1))
                    afters.append(timed(after, 1))
                b, a = statistics.median(bs), statistics.median(afters)
                print(f"{n:>6,}  {label:52} {b:10.2f} {a:10.2f} {b / a:6.1f}x", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
