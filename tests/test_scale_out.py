"""Scale out: several `ujikom worker` processes on one database share the pending work, and none of it is
done twice (on PostgreSQL with `FOR UPDATE SKIP LOCKED` and render leases; on SQLite its single writer).

Real processes (`python -m api.cli worker --once`, each with its own render process), not threads: each
works until nothing is left, then prints how many completions it applied and how many documents it
rendered. Between them they must account for every pending completion and document exactly once."""

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from api.settings import PROJECT_ROOT, Settings
from api.store.models import ChildCompletion, Dokumen
from tests.support import sop
from tests.support.api import Api

COPIES = 6  # extra copies of each document issued so far, so the renderers have a queue to share
JOIN_SECONDS = 600.0
ASSIGN = "Menugaskan asesor dan verifikator TUK"


def _register_everyone(api: Api, instance_id: int) -> None:
    """Step 3 up to every registration checked: five finished children wait for the worker."""
    sop.open_registration(api, instance_id)
    for username in sop.CANDIDATES:
        sop.submit_apl(api, username)
    sop.check_files(api, {u: ("diterima", "") for u in sop.CANDIDATES})


def _copy_documents(api: Api) -> None:
    """Queue COPIES more of every document issued so far (own key and number), as a bigger period would."""
    with api.app.state.db.transaction() as session:
        for doc in session.scalars(select(Dokumen).order_by(Dokumen.id)).all():
            for i in range(COPIES):
                session.add(
                    Dokumen(
                        instance_id=doc.instance_id,
                        root_id=doc.root_id,
                        task_id=doc.task_id,
                        element_id=doc.element_id,
                        kind=doc.kind,
                        key=f"{doc.key}-copy{i}",
                        title=doc.title,
                        number=f"{doc.number}-{i}",
                        month=doc.month,
                        year=doc.year,
                        candidate=doc.candidate,
                        data=doc.data,
                        created_at=doc.created_at,
                    )
                )


def _waiting(api: Api) -> tuple[int, int]:
    with api.app.state.db.reading() as session:
        completions = session.scalar(
            select(func.count()).select_from(ChildCompletion).where(ChildCompletion.applied_at.is_(None))
        )
        documents = session.scalar(select(func.count()).select_from(Dokumen).where(Dokumen.rendered_at.is_(None)))
    return completions or 0, documents or 0


def _workers(settings: Settings, count: int) -> list[dict[str, Any]]:
    """`count` worker processes started together on the test's database; what each printed."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UJIKOM_")}
    env.update(
        {
            "PYTHONPATH": str(PROJECT_ROOT),
            "UJIKOM_ENV": "test",
            "UJIKOM_DATABASE_URL": settings.effective_database_url,
            "UJIKOM_DATA_DIR": str(settings.data_dir),
            "UJIKOM_SECRET_KEY": secrets.token_urlsafe(32),
            "UJIKOM_RENDER_PROCESSES": "1",
            "UJIKOM_RENDER_BATCH": "2",  # small leases: the two renderers interleave over the queue
        }
    )
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "api.cli", "worker", "--once"],
            env=env,
            cwd=Path(settings.data_dir),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(count)
    ]
    done = []
    for p in procs:
        out, err = p.communicate(timeout=JOIN_SECONDS)
        assert p.returncode == 0, err[-3000:]
        applied = re.search(r"applied/fired: (\d+)", out)
        rendered = re.search(r"documents rendered: (\d+)", out)
        assert applied and rendered, out + err[-3000:]
        done.append({"applied": int(applied[1]), "rendered": int(rendered[1])})
    return done


def test_two_worker_processes_apply_each_completion_once_and_render_each_document_once(
    api: Api, settings: Settings
) -> None:
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    _register_everyone(api, instance_id)
    _copy_documents(api)
    completions, documents = _waiting(api)
    assert completions == len(sop.CANDIDATES)
    # nota dinas, TOR, RAB and SK jadwal of steps 1 and 2, the FR.APL.01 of the five candidates registered, and copies
    assert documents == 9 * (1 + COPIES)

    done = _workers(settings, 2)
    print("work per process:", done)

    assert sum(d["applied"] for d in done) == completions
    assert sum(d["rendered"] for d in done) == documents  # a document taken by both would count twice
    assert _waiting(api) == (0, 0)
    with api.app.state.db.reading() as session:
        assert session.scalars(select(Dokumen.render_error).where(Dokumen.render_error.is_not(None))).all() == []
    history = api.get("admin", f"/api/instances/{instance_id}/history").json()
    applied = [e["data"]["child_id"] for e in history if e["type"] == "child_completed"]
    assert len(applied) == len(set(applied)) == len(sop.CANDIDATES)
    # Closing the registration joins the five registrations once: one assignment task.
    sop.close_registration(api, instance_id)
    assert len(sop.tasks_named(api, "kabid_sertifikasi", ASSIGN, instance_id=instance_id)) == 1
