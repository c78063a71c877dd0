"""SQLite's `PRAGMA synchronous`: the cost of FULL (the WAL synced at every commit, so an acknowledged letter
number survives a power loss) against NORMAL (synced at checkpoints only), measured in the same run.

Two fresh SQLite databases in one temp dir (the same disk), one app on each; cycles of *start* and
*complete task* (the first SOP task: validator, engine, a numbered Nota Dinas) alternate between the two, so
load on the machine hits both alike. Prints the median and p95 of each operation and the FULL/NORMAL ratio.

    .venv/bin/python bench/durability.py [--samples 100] [--dir /path/on/the/disk/to/measure]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

import harness
from harness import Api, Series, TestClient, retire

from api import seed
from api.app import create_app
from api.clock import Clock
from api.engine.process_models import MODELS
from api.settings import PROJECT_ROOT, Settings
from api.store.db import Database

LEVELS = ("NORMAL", "FULL")


def app_for(level: str, root: Path) -> tuple[TestClient, Database]:
    data_dir = root / level.lower()
    settings = Settings(
        env="development",
        data_dir=data_dir,
        secret_key="bench-" + "0123456789abcdefghijklmnopqrstuvwxyz-ABCDEFG",
        embedded_worker=False,
        processes_dir=PROJECT_ROOT / "processes",
        forms_dir=PROJECT_ROOT / "forms",
        sqlite_synchronous=level,  # type: ignore[arg-type]
    )
    seed.demo_database(settings).engine.dispose()
    db = Database(settings.effective_database_url, level)
    MODELS.clear()
    return TestClient(create_app(settings, db, Clock())), db


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--samples", type=int, default=100)
    p.add_argument("--warmup", type=int, default=10)
    p.add_argument("--dir", type=Path, default=None, help="where the two databases go (default: a temp dir)")
    args = p.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        setups = {level: app_for(level, Path(tmp)) for level in LEVELS}
        apis = {level: Api(client) for level, (client, _) in setups.items()}
        for api in apis.values():
            api.login("direktur")
        series = {(level, op): Series(None, op, level, None) for level in LEVELS for op in ("start", "complete")}
        for i in range(args.warmup + args.samples):
            for level in LEVELS if i % 2 else reversed(LEVELS):
                api, db = apis[level], setups[level][1]
                start_s, instance = api.start(f"bench-{i}")
                complete_s, _ = api.complete(instance["active_tasks"][0]["id"])
                retire(db, instance["id"])
                if i >= args.warmup:
                    series[(level, "start")].samples.append(start_s)
                    series[(level, "complete")].samples.append(complete_s)
        print(f"SQLite {harness.sqlite3.sqlite_version}, {args.samples} samples each, interleaved, dir {tmp}")
        print(f"{'operation':<10} {'NORMAL median':>14} {'FULL median':>12} {'FULL p95':>9} {'FULL/NORMAL':>12}")
        for op in ("start", "complete"):
            normal, full = series[("NORMAL", op)], series[("FULL", op)]
            ratio = full.median / normal.median
            print(f"{op:<10} {normal.median:>11.1f} ms {full.median:>9.1f} ms {full.p95:>6.1f} ms {ratio:>11.2f}x")
        for client, db in setups.values():
            client.close()
            db.engine.dispose()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
