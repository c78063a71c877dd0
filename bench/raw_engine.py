"""The raw SpiffWorkflow baseline of the latency bench: start and complete in memory, no DB, no HTTP.

The project's own spec cache, script engine and serializer; service operators stubbed, the validator
not run, `batas_langkah()` answering "two days from now" (see bench/README.md).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from copy import deepcopy
from datetime import UTC, datetime, timedelta
from types import SimpleNamespace
from typing import Any

from harness import PROCESS, TARGET_FORM, Series
from SpiffWorkflow.bpmn import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

import service_tasks
from api.engine.process_models import MODELS
from api.engine.sandbox import StepDeadlines
from api.engine.script_engine import HOST_CONTEXT_ATTR, SCRIPT_ENGINE, ScriptBudget
from api.engine.serializer import dump_workflow, load_workflow
from api.store.db import Database
from api.store.models import ProcessDefinition


# --- the raw SpiffWorkflow baseline ---------------------------------------------------------
class _StubHost:
    """Stands in for the runtime's host: service tasks get no DB session."""

    def service_context(self, task: Any) -> None:
        return None

    runtime = SimpleNamespace(script_budget=ScriptBudget(10.0))

    def step_deadlines(self) -> StepDeadlines:
        """Boundary timers (e.g. step 2's escalation) ask for the step's due time: two days from now."""
        return StepDeadlines({}, (datetime.now(UTC) + timedelta(days=2)).isoformat(), "bench")


@contextmanager
def stubbed_operators() -> Iterator[None]:
    """Service operators replaced by a pure stub returning a document summary, so no DB is touched."""
    saved = dict(service_tasks.REGISTRY)

    def stub(name: str) -> Callable[..., dict[str, Any]]:
        def op(_ctx: Any, **_params: Any) -> dict[str, Any]:
            return {"id": 1, "jenis": name, "nomor": "001/LSP-STMI/ND/XI/2026", "judul": name, "peserta": None}

        return op

    for name in saved:
        service_tasks.REGISTRY[name] = stub(name)
    try:
        yield
    finally:
        service_tasks.REGISTRY.clear()
        service_tasks.REGISTRY.update(saved)


class RawEngine:
    """One raw start and complete at a time, so the latency bench can interleave them with its requests:
    a ratio is only meaningful when both sides ran in the same machine state."""

    def __init__(self, db: Database) -> None:
        with db.reading() as session:
            definition = session.scalars(
                select(ProcessDefinition)
                .where(ProcessDefinition.key == PROCESS)
                .order_by(ProcessDefinition.version.desc())
            ).first()
            assert definition is not None
            self.model = MODELS.get(session, definition)
        self.host = _StubHost()
        self.count = 0

    def sample(self) -> tuple[float, float]:
        """Seconds of a raw start (create + steps + serialize) and complete (load + run + steps + dump)."""
        self.count += 1
        model, host = self.model, self.host
        with stubbed_operators():
            t0 = time.perf_counter()
            wf = BpmnWorkflow(model.spec, model.subprocess_specs, script_engine=SCRIPT_ENGINE)
            setattr(wf, HOST_CONTEXT_ATTR, host)
            wf.task_tree.data.update({"periode": f"RAW-{self.count}"})
            wf.do_engine_steps()
            state = dump_workflow(wf)
            t1 = time.perf_counter()
            wf = load_workflow(state, model.spec, model.subprocess_specs)
            wf.script_engine = SCRIPT_ENGINE
            setattr(wf, HOST_CONTEXT_ATTR, host)
            task = wf.get_tasks(state=TaskState.READY, manual=True)[0]
            task.data.update(deepcopy(TARGET_FORM))
            task.run()
            wf.do_engine_steps()
            state = dump_workflow(wf)
            t2 = time.perf_counter()
        assert [t.task_spec.bpmn_id for t in wf.get_tasks(state=TaskState.READY, manual=True)] == [
            "menyusun_rencana"
        ], "the raw baseline did not reach the second task"
        return t1 - t0, t2 - t1


def raw_baseline(db: Database, samples: int, warmup: int) -> tuple[Series, Series]:
    """`samples` raw starts and completes in a row (after `warmup` unmeasured)."""
    start = Series(None, "start", "raw engine start: create+steps+serialize", None)
    complete = Series(None, "complete", "raw engine complete: load+run+steps+dump", None)
    raw = RawEngine(db)
    for i in range(warmup + samples):
        dt_start, dt_complete = raw.sample()
        if i >= warmup:
            start.samples.append(dt_start)
            complete.samples.append(dt_complete)
    return start, complete
