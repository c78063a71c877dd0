"""schemathesis over the OpenAPI, in process, as anonymous and a few roles: nothing a client can send gets a 5xx,
and every 2xx body is what the OpenAPI documents.

Each identity fuzzes the operations it may call (`RULES` of the authorization matrix): a refused call is
answered by the role check before anything reads the input, and is the matrix's business. Cases come from
the schema (valid ones) and from its negation (wrong types, out-of-range values, missing fields), a bounded
number per operation, derandomized so every run sends the same requests and a failure reproduces; and, for
every path and query parameter, the edges that broke before (numbers past 32 and 64 bits, a NUL). A
finding is collected, not raised, so one run names every operation and root cause at once. (Error bodies
are not checked against the schema: FastAPI documents its own 422 shape, `{"detail": [...]}`, while
api/errors.py answers `{"detail": "...", "errors": [{"path", "message"}]}`; and 400/401/404/415 are not
documented per operation.)
`UJIKOM_FUZZ_EXAMPLES` raises the number of cases per operation and mode for a deeper run by hand.
"""

import logging
import os
import traceback
from dataclasses import dataclass
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import response_schema_conformance
from schemathesis.config import SchemathesisConfig
from schemathesis.core.failures import FailureGroup

from tests.support.api import Api
from tests.support.authz import ANONIM
from tests.test_authorization_matrix import RULES, Access

IDENTITIES = [ANONIM, "admin", "kabid_sertifikasi", "peserta", "desainer"]
MAX_EXAMPLES = int(os.environ.get("UJIKOM_FUZZ_EXAMPLES", "6"))
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    phases=(Phase.explicit, Phase.generate),
    suppress_health_check=list(HealthCheck),
)


# Reproductions print every parameter as sent (schemathesis masks names like `key`); they carry no token.
CONFIG = SchemathesisConfig.from_dict({"output": {"sanitization": {"enabled": False}}})


@dataclass(frozen=True)
class Finding:
    """A server error (its root cause) or a 2xx answer whose body is not what the OpenAPI documents."""

    operation: str
    cause: str
    curl: str


class _Errors(logging.Handler):
    """The exceptions api/errors.py logs as it answers 500."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.exceptions: list[BaseException] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info and record.exc_info[1] is not None:
            self.exceptions.append(record.exc_info[1])


def _cause(exc: BaseException | None) -> str:
    """The exception and the last line of the project's code it passed through."""
    if exc is None:
        return "no exception logged"
    frames = traceback.extract_tb(exc.__traceback__)
    ours = [f for f in frames if "site-packages" not in f.filename] or frames
    where = f"{os.path.relpath(ours[-1].filename)}:{ours[-1].lineno}" if ours else "?"
    return f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''} ({where})"


def may_call(identity: str, method: str, path: str) -> bool:
    rule = RULES[(method, path)]
    accesses: tuple[Access, ...] = rule if isinstance(rule, tuple) else (rule,)
    return any(identity in a.allowed for a in accesses)


# The edges that broke before (report L1): numbers past PostgreSQL's INTEGER and past 64 bits, a NUL character.
EDGE_INTEGERS = (2**31, 2**64)
EDGE_STRING = "a\x00b"


def _edges(operation: Any) -> list[dict[str, Any]]:
    """One `as_strategy` override per path or query parameter and edge value its type takes."""
    overrides: list[dict[str, Any]] = []
    for parameter in operation.iter_parameters():
        where = {"path": "path_parameters", "query": "query"}.get(str(parameter.location.value))
        if where is None:
            continue
        schema = parameter.definition.get("schema", {})
        types = {schema.get("type")} | {s.get("type") for s in schema.get("anyOf", [])}
        values: list[Any] = [*EDGE_INTEGERS] if "integer" in types else []
        values += [EDGE_STRING] if "string" in types and "format" not in str(schema) else []
        overrides += [{where: {parameter.name: v}} for v in values]
    return overrides


def _check(
    operation: Any, strategy: Any, examples: int, headers: dict[str, str], errors: _Errors, found: list[Finding]
) -> None:
    """Send `examples` derandomized cases of one strategy; collect each server error and undocumented 2xx body."""

    @given(case=strategy)
    @settings(SETTINGS, max_examples=examples)
    def run(case: Any) -> None:
        errors.exceptions.clear()
        try:
            response = case.call(headers=headers)
        except Exception as exc:  # the test client re-raises what the app's 500 handler answered
            errors.exceptions.append(exc)
            response = None
        # A bug logged behind another status counts too (a batch answers an item's bug 500 inside its 200).
        if response is None or response.status_code >= 500 or errors.exceptions:
            cause = _cause(errors.exceptions[0] if errors.exceptions else None)
            found.append(Finding(operation.label, cause, case.as_curl_command()))
        elif 200 <= response.status_code < 300:
            try:
                case.validate_response(response, checks=[response_schema_conformance], headers=headers)
            except FailureGroup as failures:
                cause = f"{response.status_code} body violates the documented schema: {failures.exceptions[0]}"
                found.append(Finding(operation.label, cause.splitlines()[0], case.as_curl_command()))

    try:
        run()
    except Unsatisfiable:
        pass  # nothing to negate: no parameters and no body


def fuzz(api: Api, identity: str) -> list[Finding]:
    schema = schemathesis.openapi.from_asgi("/openapi.json", api.app, config=CONFIG)
    headers = api.headers(identity) if identity != ANONIM else {}
    found: list[Finding] = []
    errors = _Errors()
    logger = logging.getLogger("api.errors")
    logger.addHandler(errors)
    try:
        for result in schema.get_all_operations():
            operation = result.ok()
            if not may_call(identity, operation.method.upper(), operation.path):
                continue
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _check(operation, operation.as_strategy(mode), MAX_EXAMPLES, headers, errors, found)
            for override in _edges(operation):
                _check(operation, operation.as_strategy(**override), 1, headers, errors, found)
    finally:
        logger.removeHandler(errors)
    return found


@pytest.mark.parametrize("identity", IDENTITIES)
def test_no_generated_request_gets_a_server_error_or_an_undocumented_body(api: Api, identity: str) -> None:
    distinct = {(e.operation, e.cause): e.curl for e in fuzz(api, identity)}
    if distinct:
        found = [f"{op}: {cause}\n    {curl[:400]}" for (op, cause), curl in sorted(distinct.items())]
        pytest.fail(f"{len(found)} findings (operation: root cause, one request):\n" + "\n".join(found))
