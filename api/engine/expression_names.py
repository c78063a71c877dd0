"""What a Python expression or script reads and binds, and which top-level fields a form submits: the
deploy lint uses them to find names a condition reads that nothing in its process assigns."""

import ast
from functools import lru_cache
from typing import Any


def string_literal(expression: str) -> str | None:
    """The string an expression is, when it is a plain string literal."""
    try:
        node = ast.parse(expression.strip(), mode="eval").body
    except SyntaxError:
        return None
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def schema_fields(schema: Any) -> set[str]:
    """The top-level field names a form submits (its properties, in combinators and conditionals too)."""
    if not isinstance(schema, dict):
        return set()
    names = set(schema.get("properties") or {})
    for key in ("allOf", "anyOf", "oneOf"):
        for sub in schema.get(key) or []:
            names |= schema_fields(sub)
    for key in ("if", "then", "else"):
        names |= schema_fields(schema.get(key))
    return names


def assigned_in(code: str, mode: str) -> set[str]:
    try:
        tree = ast.parse(code.strip(), mode=mode)
    except SyntaxError:
        return set()
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store | ast.Del)}
    return names | {a.arg for a in ast.walk(tree) if isinstance(a, ast.arg)}


def free_names(expression: str) -> list[str]:
    """The names an expression reads that it does not bind itself (comprehension and lambda variables)."""
    try:
        tree = ast.parse(expression.strip(), mode="eval")
    except SyntaxError:
        return []
    bound = assigned_in(expression, "eval")
    read = [n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)]
    return [n for n in dict.fromkeys(read) if n not in bound]


@lru_cache(maxsize=4096)
def names_in(code: str, mode: str) -> frozenset[str]:
    """Every variable name an expression ("eval") or script ("exec") mentions, read, bound or deleted (an
    unparsable one: none)."""
    try:
        tree = ast.parse(code.strip(), mode=mode)
    except SyntaxError:
        return frozenset()
    return frozenset(n.id for n in ast.walk(tree) if isinstance(n, ast.Name))
