"""The script engine every workflow runs with: scripts in the evaluator pool, service tasks from the registry.

Where each piece of BPMN Python runs:

- a **script** (script task, pre/post script) always in an evaluator process (`api/engine/evaluator.py`),
  under its hard CPU and memory limits;
- an **expression** (condition, timer, assignee, service-task parameter) here, in the host, when its
  syntax alone shows it is cheap (`sandbox.is_cheap`: no loop, comprehension, repetition or power, only
  a few calls), else in an evaluator too.

On SQLite a script never runs inside a transaction, where it would hold the database's only write lock and
stop every other writer for as long as it ran: inside `Database.write` a script the unit of work has not run
yet steps out (`ScriptNeeded`, an `OutsideTransaction`), `write` rolls back, the script runs in the evaluator
with no lock held, and the transaction runs again and takes the result (`PreparedScripts`, keyed by the
script and every byte of the variables it names). On PostgreSQL a transaction locks only the rows it writes
(the instance's, which its other writers wait for anyway), so scripts run in place. All the evaluator time
of one unit of work is bounded together (`ScriptBudget`).

A script runs inside the transaction only when stepping out could not help: its input changed between the
attempts `MAX_MISSES` times (a service task before it gave another answer each time), or the unit already
ran `MAX_PREPARED` scripts (a cycle). Then it holds the lock for its limits at most (CPU, wall clock), and
`STATS.under_lock` counts it, with a warning in the log.
"""

import copy
import hashlib
import json
import logging
import pickle
import time
from collections import Counter
from dataclasses import dataclass
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.bpmn.script_engine.python_environment import BasePythonScriptEngineEnvironment
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.task import Task

import service_tasks
from api.engine import sandbox
from api.engine.errors import EngineError
from api.engine.evaluator import POOL, EvaluatorPool
from api.engine.expression_names import names_in
from api.engine.sandbox import StepDeadlines
from api.settings import Settings
from api.store.db import UNIT, OutsideTransaction, holds_write_lock

HOST_CONTEXT_ATTR = "ujikom_host"
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuntimeLimits:
    """What one request may cost the engine: evaluator time, steps, and the instance state it may save."""

    script_seconds: float = 10.0
    max_engine_steps: int = 50_000
    max_state_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> "RuntimeLimits":
        return cls(settings.script_wall_seconds, settings.max_engine_steps, settings.max_state_bytes)

    def checked_state(self, state: str, last_task: Task | None, size: int | None = None) -> str:
        """The serialized state, if it is within the cap (the JSON is ASCII: characters are bytes). `size` is its
        size with the values kept apart (api/engine/state_blobs.py) counted inline, where they are."""
        size = len(state) if size is None else size
        if size > self.max_state_bytes:
            raise EngineError(
                f"the instance's data would be {size:,} bytes, over the limit of {self.max_state_bytes:,} "
                "(UJIKOM_MAX_STATE_BYTES); nothing was saved",
                last_task.task_spec.bpmn_id if last_task is not None else None,
            )
        return state


DEFAULT_LIMITS = RuntimeLimits()


class StepCounter:
    """The tasks one engine pass completes, up to a cap: a cycle of tasks with no wait state ends here."""

    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.done = 0

    def count(self, task: Task) -> None:
        self.done += 1
        if self.done > self.cap:
            raise EngineError(
                f"the process ran {self.cap:,} tasks without waiting (a cycle with no wait state?) and was stopped "
                "(UJIKOM_MAX_ENGINE_STEPS)",
                task.task_spec.bpmn_id,
            )


def element_in_traceback(exc: BaseException) -> str | None:
    """The BPMN element the innermost SpiffWorkflow frame of a traceback was working on."""
    element, tb = None, exc.__traceback__
    while tb is not None:
        element = getattr(tb.tb_frame.f_locals.get("self"), "bpmn_id", None) or element
        tb = tb.tb_next
    return element


class ScriptBudget:
    """The evaluator time left to one request: each script or costly expression spends from it."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0

    def remaining(self) -> float:
        return self.seconds - self.spent

    def spend(self, seconds: float) -> None:
        self.spent += seconds


@dataclass
class ScriptStats:
    """Scripts of this process, by where they ran (a figure for tests and the health check)."""

    outside: int = 0  # in the evaluator, between two attempts of a unit of work, no transaction open
    under_lock: int = 0  # in the evaluator, inside a read-write transaction


STATS = ScriptStats()
MAX_MISSES = 3  # attempts at one script whose input keeps changing before it runs inside the transaction
MAX_PREPARED = 200  # scripts one unit of work runs outside; the rest (a cycle) run inside


@dataclass(frozen=True)
class _Outcome:
    """A script's outcome: an expression's value, or what a script changed in the variables it names (it
    reads and writes no other), or what it raised."""

    value: bytes | None  # pickled: each attempt takes a fresh copy (the engine changes it in place)
    error: BaseException | None

    def give(self, mode: str, context: dict[str, Any]) -> Any:
        if self.error is not None:
            raise copy.copy(self.error)
        assert self.value is not None
        value = pickle.loads(self.value)  # our own pickle of data the evaluator's allow-list let in
        if mode == "eval":
            return value
        changed, deleted = value
        return {**{k: v for k, v in context.items() if k not in deleted}, **changed}


class PreparedScripts:
    """The scripts one unit of work (`Database.write`) has run outside its transaction, with their outcomes."""

    def __init__(self, pool: EvaluatorPool) -> None:
        self.pool = pool
        self.budget = ScriptBudget(pool.limits.wall_seconds)
        self.outcomes: dict[bytes, _Outcome] = {}
        self.misses: Counter[tuple[str, str]] = Counter()

    def result(self, mode: str, code: str, context: dict[str, Any], external: dict[str, Any]) -> Any:
        """The outcome of running `code` on exactly these values of the variables it names, if it was run;
        else `ScriptNeeded` (or, for a script that cannot be prepared, `_RUN_HERE`: the caller runs it here).
        Only the names matter: the sandbox has no `globals()`, `vars()` or `eval` to reach another."""
        names = names_in(code, mode)
        named = [(k, context[k]) for k in sorted(names & context.keys())]
        outer = [(k, external[k]) for k in sorted(names & external.keys())]
        key = hashlib.sha256(pickle.dumps((mode, code, named, outer), protocol=pickle.HIGHEST_PROTOCOL)).digest()
        if (outcome := self.outcomes.get(key)) is not None:
            return outcome.give(mode, context)
        if self.misses[(mode, code)] >= MAX_MISSES or len(self.outcomes) >= MAX_PREPARED:
            return _RUN_HERE
        self.misses[(mode, code)] += 1
        raise ScriptNeeded(self, key, mode, code, context, external)

    def run(self, key: bytes, mode: str, code: str, context: dict[str, Any], external: dict[str, Any]) -> None:
        started = time.monotonic()
        try:
            value = self.pool.run(mode, code, context, external, self.budget.remaining())
            if mode == "exec":  # the script's whole context: keep what it did to the names it has
                names = names_in(code, mode)
                value = (
                    {k: v for k, v in value.items() if k in names},
                    {k for k in names & context.keys() if k not in value},
                )
            outcome = _Outcome(pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), None)
        except Exception as exc:  # what the script raised (or its limits): raised again where it ran
            outcome = _Outcome(None, exc.with_traceback(None))
        finally:
            self.budget.spend(time.monotonic() - started)
        STATS.outside += 1
        self.outcomes[key] = outcome


_RUN_HERE = object()


class ScriptNeeded(OutsideTransaction):
    """A script the unit of work has not run yet: run it with no transaction open, then try again."""

    def __init__(
        self,
        prepared: PreparedScripts,
        key: bytes,
        mode: str,
        code: str,
        context: dict[str, Any],
        external: dict[str, Any],
    ) -> None:
        super().__init__(f"script to run outside the transaction: {code[:60]!r}")
        # The attempt is abandoned from here on: nothing changes the input any more.
        self.prepared, self.key, self.mode, self.code, self.context, self.external = (
            prepared,
            key,
            mode,
            code,
            context,
            external,
        )

    def run_outside(self) -> None:
        self.prepared.run(self.key, self.mode, self.code, self.context, self.external)


def prepared_scripts(pool: EvaluatorPool) -> PreparedScripts | None:
    """The prepared scripts of the unit of work this thread is in (None outside `Database.write`)."""
    unit = UNIT.get()
    if unit is None:
        return None
    prepared = unit.get("scripts")
    if not isinstance(prepared, PreparedScripts):
        prepared = unit["scripts"] = PreparedScripts(pool)
    return prepared


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment: cheap expressions here, the rest in the evaluator pool."""

    def __init__(self, pool: EvaluatorPool = POOL) -> None:
        super().__init__({})
        self.pool = pool

    def _run(
        self, mode: str, code: str, context: dict[str, Any], external: dict[str, Any], budget: ScriptBudget | None
    ) -> Any:
        prepared = prepared_scripts(self.pool)
        if prepared is not None:
            result = prepared.result(mode, code, context, external)
            if result is not _RUN_HERE:
                return result
            budget = prepared.budget  # one budget for the unit of work, wherever its scripts ran
        if holds_write_lock():
            STATS.under_lock += 1
            log.warning("a script runs inside a transaction (it holds the write lock): %.80r", code)
        budget = budget or ScriptBudget(self.pool.limits.wall_seconds)
        started = time.monotonic()
        try:
            return self.pool.run(mode, code, context, external, budget.remaining())
        finally:
            budget.spend(time.monotonic() - started)

    def evaluate(
        self,
        expression: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
        budget: ScriptBudget | None = None,
    ) -> Any:
        external = external_context or {}
        if sandbox.is_cheap(expression):
            return sandbox.evaluate(expression, context, external)
        return self._run("eval", expression, context, external, budget)

    def execute(
        self,
        script: str,
        context: dict[str, Any],
        external_context: dict[str, Any] | None = None,
        budget: ScriptBudget | None = None,
    ) -> bool:
        sandbox.compile_script(script)  # refuse code outside the sandbox's subset before any process hop
        result = self._run("exec", script, context, external_context or {}, budget)
        context.clear()
        context.update(result)
        return True

    def call_service(self, context: dict[str, Any], **kwargs: Any) -> str:
        raise NotImplementedError("service tasks are dispatched by the host script engine")


class HostScriptEngine(PythonScriptEngine):
    environment: RestrictedEnvironment

    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def evaluate(self, task: Task, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        # Expressions (timer dates above all) may ask the host for an SOP step's due time.
        host = getattr(task.workflow.top_workflow, HOST_CONTEXT_ATTR, None)
        budget = None
        if host is not None:
            budget = host.runtime.script_budget
            if "batas_langkah" in expression:
                external_context = {"batas_langkah": host.step_deadlines(), **(external_context or {})}
        try:
            return self.environment.evaluate(expression, task.data, external_context, budget)
        except SpiffWorkflowException as exc:
            exc.add_note(f"Error evaluating expression '{expression}'")
            raise
        except Exception as exc:
            raise WorkflowTaskException(
                f"Error evaluating expression '{expression}'", task=task, exception=exc
            ) from exc

    def execute(self, task: Task, script: str, external_context: dict[str, Any] | None = None) -> bool:
        host = getattr(task.workflow.top_workflow, HOST_CONTEXT_ATTR, None)
        budget = host.runtime.script_budget if host is not None else None
        try:
            return self.environment.execute(script, task.data, external_context, budget)
        except Exception as exc:
            raise self.create_task_exec_exception(task, script, exc) from exc

    def call_service(
        self, task: Task, operation_name: str = "", operation_params: dict[str, Any] | None = None, **_: Any
    ) -> str:
        host = getattr(task.workflow.top_workflow, HOST_CONTEXT_ATTR, None)
        if host is None:
            raise WorkflowTaskException("service tasks need the ujikom host context", task=task)
        params = {name: p["value"] for name, p in (operation_params or {}).items()}
        try:
            result = service_tasks.call(operation_name, host.service_context(task), **params)
        except service_tasks.ServiceTaskError as exc:
            raise WorkflowTaskException(f"{operation_name}: {exc}", task=task, exception=exc) from exc
        # SpiffWorkflow expects the result as a JSON string.
        return json.dumps(result, default=str)


SCRIPT_ENGINE = HostScriptEngine()
__all__ = [
    "SCRIPT_ENGINE",
    "HOST_CONTEXT_ATTR",
    "RestrictedEnvironment",
    "RuntimeLimits",
    "ScriptBudget",
    "StepDeadlines",
]
