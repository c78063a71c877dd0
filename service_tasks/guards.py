"""Shape guards for the JSON that process data and operator parameters carry (machinery, not SOP rules).

Two kinds: lenient readers for validators, which read whatever a form or the process data holds and
refuse with a message of their own (:func:`blank`, :func:`objects`, :func:`object_at`), and strict guards
for operator parameters, which a BPMN designer wires and whose wrong shape is a modelling error
(:func:`require_object`, :func:`require_objects`, :func:`require_list_of`). :func:`chunks` splits a bulk
query's keys so an ``IN (...)`` stays within every database's limits.
"""

from collections.abc import Iterable, Mapping
from typing import Any, TypeVar

from service_tasks.context import ServiceTaskError

T = TypeVar("T")
CHUNK = 500


def blank(value: Any) -> bool:
    """None, or a string of nothing but spaces."""
    return value is None or (isinstance(value, str) and not value.strip())


def objects(value: Any) -> list[dict[str, Any]]:
    """The objects of a list (anything else in it skipped); [] when `value` is not a list."""
    if not isinstance(value, list):
        return []
    return [v for v in value if isinstance(v, dict)]


def object_at(data: Mapping[str, Any], key: str) -> dict[str, Any]:
    """`data[key]` when it is an object, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, dict) else {}


def list_at(data: Mapping[str, Any], key: str) -> list[Any]:
    """`data[key]` when it is a list, else an empty one."""
    value = data.get(key)
    return value if isinstance(value, list) else []


def require_object(name: str, value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ServiceTaskError(f"parameter {name!r} must be an object")
    return value


def require_objects(name: str, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise ServiceTaskError(f"parameter {name!r} must be a list of objects")
    return value


def require_list_of(name: str, value: Any, kind: type[T]) -> list[T]:
    if not isinstance(value, list) or not all(isinstance(v, kind) for v in value):
        raise ServiceTaskError(f"parameter {name!r} must be a list of {kind.__name__}")
    return value


def chunks(values: Iterable[T | None]) -> Iterable[list[T]]:
    """The distinct non-None values, in order, in lists of at most :data:`CHUNK`."""
    distinct = list(dict.fromkeys(v for v in values if v is not None))
    for start in range(0, len(distinct), CHUNK):
        yield distinct[start : start + CHUNK]
