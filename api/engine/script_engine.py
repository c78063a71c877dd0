"""The script engine every workflow runs with: scripts in the evaluator pool, service tasks from the registry.

Where each piece of BPMN Python runs:

- a **script** (script task, pre/post script) always in an evaluator process (`api/engine/evaluator.py`),
  under its hard CPU and memory limits;
- an **expression** (condition, timer, assignee, service-task parameter) here, in the host, when its
  syntax alone shows it is cheap (`sandbox.is_cheap`: no loop, comprehension, repetition or power, only
  a few calls), else in an evaluator too.

All the evaluator time of one request (one `Runtime`) is bounded together (`ScriptBudget`), which bounds
how long a runaway script can hold the database's write lock.
"""

import json
import time
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
from api.engine.sandbox import StepDeadlines
from api.settings import Settings

HOST_CONTEXT_ATTR = "ujikom_host"


@dataclass(frozen=True)
class RuntimeLimits:
    """What one request may cost the engine: evaluator time, steps, and the instance state it may save."""

    script_seconds: float = 10.0
    max_engine_steps: int = 50_000
    max_state_bytes: int = 64 * 1024 * 1024

    @classmethod
    def from_settings(cls, settings: Settings) -> "RuntimeLimits":
        return cls(settings.script_wall_seconds, settings.max_engine_steps, settings.max_state_bytes)

    def checked_state(self, state: str, last_task: Task | None) -> str:
        """The serialized state, if it is within the cap (the JSON is ASCII: characters are bytes)."""
        if len(state) > self.max_state_bytes:
            raise EngineError(
                f"the instance's data would be {len(state):,} bytes, over the limit of {self.max_state_bytes:,} "
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


class RestrictedEnvironment(BasePythonScriptEngineEnvironment):
    """SpiffWorkflow's script environment: cheap expressions here, the rest in the evaluator pool."""

    def __init__(self, pool: EvaluatorPool = POOL) -> None:
        super().__init__({})
        self.pool = pool

    def _run(
        self, mode: str, code: str, context: dict[str, Any], external: dict[str, Any], budget: ScriptBudget | None
    ) -> Any:
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
