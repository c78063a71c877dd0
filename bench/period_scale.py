"""How a period scales with its candidates: one request opens registration for N candidates (N child
instances started in one transaction), each child request stays small, and the worker applies the N
finished registrations to the period in batches.

    .venv/bin/python bench/period_scale.py            # N = 1000
    .venv/bin/python bench/period_scale.py --n 3000

SQLite in a temp dir, the real app in-process (see latency.py). The children's tasks are completed
through the engine runtime directly (no HTTP) to keep the run short; the period's own steps go through
the API. The sample form data is the test suite's (tests/sop.py).
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import latency  # noqa: E402
from fastapi.testclient import TestClient  # noqa: E402
from sqlalchemy import select  # noqa: E402

from api.engine.runtime import Runtime  # noqa: E402
from api.models import HumanTask, ProcessInstance  # noqa: E402
from tests import sop  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=1000, help="candidates in the period")
    n = parser.parse_args().n
    data_dir = Path(tempfile.mkdtemp())
    app, db = latency.build(f"sqlite:///{data_dir / 'scale.sqlite3'}", data_dir)
    with TestClient(app) as client:
        api = latency.Api(client)
        api.login("direktur", "ketua_lsp", "kabid_administrasi")

        def task_of(user: str, name: str, instance_id: int) -> str:
            tasks = client.get("/api/tasks", headers=api.headers[user], params={"instance_id": instance_id}).json()
            return next(t["id"] for t in tasks if t["name"] == name)

        def complete(user: str, task_id: str, data: dict) -> float:
            t0 = time.perf_counter()
            r = client.post(f"/api/tasks/{task_id}/complete", json={"data": data}, headers=api.headers[user])
            assert r.status_code == 200, r.text
            return time.perf_counter() - t0

        r = client.post(
            "/api/process-definitions/uji_kompetensi/instances",
            json={"business_key": "SCALE"},
            headers=api.headers["direktur"],
        )
        period = r.json()["id"]
        complete("direktur", task_of("direktur", "Menetapkan target uji kompetensi", period), sop.TARGET)
        complete("ketua_lsp", task_of("ketua_lsp", "Menyusun rencana uji kompetensi", period), sop.RENCANA)
        daftar = [{"username": f"mhs{i:05d}", "skema_kode": "SKM-TI-01", "skema_judul": "Operator"} for i in range(n)]
        opened = complete(
            "kabid_administrasi",
            task_of("kabid_administrasi", "Membuka pendaftaran uji kompetensi", period),
            {"daftar_pendaftar": daftar},
        )
        print(f"open registration for {n:,} candidates (starts {n:,} child instances, one request): {opened:.2f} s")

        def complete_children(element_id: str, data_for: object) -> list[float]:
            with db.reading() as session:
                tasks = session.execute(
                    select(HumanTask.id, HumanTask.instance_id, HumanTask.assignee).where(
                        HumanTask.state == "ready", HumanTask.element_id == element_id
                    )
                ).all()
            times = []
            for task_id, instance_id, assignee in tasks:
                t0 = time.perf_counter()
                with db.transaction() as session:
                    row = session.get(ProcessInstance, instance_id)
                    Runtime(session).complete_task(row, task_id, data_for(assignee), assignee or "kabid_administrasi")
                times.append(time.perf_counter() - t0)
            return times

        apl = complete_children("mengisi_apl", sop.apl)
        berkas = complete_children("memeriksa_berkas", lambda _: sop.pemeriksaan("diterima"))
        for label, times in (("APL.01/02 (candidate)", apl), ("berkas check (the child ends)", berkas)):
            ordered = sorted(times)
            print(
                f"child request, {label}: median {statistics.median(times) * 1000:.2f} ms, "
                f"p95 {ordered[int(len(ordered) * 0.95) - 1] * 1000:.2f} ms over {len(times):,}"
            )
        t0 = time.perf_counter()
        applied = app.state.worker.run_until_idle()
        print(f"worker: {applied:,} finished registrations applied to the period in {time.perf_counter() - t0:.2f} s")
        with db.reading() as session:
            state_kb = len(session.get(ProcessInstance, period).state) / 1024
            next_tasks = session.scalars(
                select(HumanTask.name).where(HumanTask.instance_id == period, HumanTask.state == "ready")
            ).all()
        print(f"period state: {state_kb:,.0f} KB; next: {', '.join(next_tasks)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
