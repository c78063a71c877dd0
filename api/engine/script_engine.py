"""The script engine every workflow runs with: RestrictedPython scripts, service tasks from the registry."""

import json
from typing import Any

from SpiffWorkflow.bpmn.exceptions import WorkflowTaskException
from SpiffWorkflow.bpmn.script_engine import PythonScriptEngine
from SpiffWorkflow.task import Task

import service_tasks
from api.engine.sandbox import RestrictedEnvironment

HOST_CONTEXT_ATTR = "ujikom_host"


class HostScriptEngine(PythonScriptEngine):
    def __init__(self) -> None:
        super().__init__(environment=RestrictedEnvironment())

    def evaluate(self, task: Task, expression: str, external_context: dict[str, Any] | None = None) -> Any:
        # Expressions (timer dates above all) may ask the host for an SOP step's due time.
        host = getattr(task.workflow.top_workflow, HOST_CONTEXT_ATTR, None)
        if host is not None:
            external_context = {"batas_langkah": host.batas_langkah, **(external_context or {})}
        return super().evaluate(task, expression, external_context)

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
