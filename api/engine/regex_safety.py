"""A conservative static check for regular expressions prone to catastrophic backtracking.

A form's `pattern` runs on every answer a person submits; `^(a+)+$` takes seconds at 25 characters and
hours at 35. Python's own regex parser (`re._parser`, formerly `sre_parse`) gives the tree; a pattern is
refused when an unbounded repeat's body is ambiguous: it holds another repeat that can match the body's
first character (nested quantifiers like (a+)+, (a*)*, (a[ab]*)*), or alternatives that can start alike
((a|a)*, (\\d|1)*). Bodies that start with a fixed character the inner repeat cannot match, like
`(\\.[a-z]+)*`, are accepted. When unsure, the check says "ambiguous".
"""

import importlib
from collections.abc import Iterator
from typing import Any

_PARSER: Any = importlib.import_module("re._parser")

_REPEATS = {"MAX_REPEAT", "MIN_REPEAT", "POSSESSIVE_REPEAT"}


def _items_of(op: str, av: Any) -> list[Any]:
    """The sub-patterns a regex node holds (groups, branches, repeats, lookarounds)."""
    if op in _REPEATS:
        return [av[2]]
    if op == "SUBPATTERN":
        return [av[-1]]
    if op == "BRANCH":
        return list(av[1])
    if op in ("ASSERT", "ASSERT_NOT"):
        return [av[1]]
    if op == "ATOMIC_GROUP":
        return [av]
    return []


def _has_repeat(pattern: Any) -> bool:
    for op, av in pattern:
        name = str(op)
        if name in _REPEATS and av[1] > 1 or any(_has_repeat(sub) for sub in _items_of(name, av)):
            return True
    return False


def _first_literal(pattern: Any) -> int | None:
    """The character a sub-pattern must start with, when it is one fixed character."""
    for op, av in pattern:
        name = str(op)
        if name == "LITERAL":
            return int(av)
        if name == "SUBPATTERN":
            return _first_literal(av[-1])
        return None
    return None


def _matches(pattern: Any, char: int) -> bool:
    """Might a repeat's item match `char`? (True when unsure.)"""
    for op, av in pattern:
        name = str(op)
        if name == "LITERAL":
            return bool(av == char)
        if name == "NOT_LITERAL":
            return bool(av != char)
        if name == "IN":
            ranges = [(a, a) if str(o) == "LITERAL" else a for o, a in av if str(o) in ("LITERAL", "RANGE")]
            if any(str(o) not in ("LITERAL", "RANGE", "NEGATE") for o, _ in av):
                return True
            inside = any(lo <= char <= hi for lo, hi in ranges)
            return not inside if any(str(o) == "NEGATE" for o, _ in av) else inside
        if name in _REPEATS or name == "SUBPATTERN":
            return any(_matches(sub, char) for sub in _items_of(name, av))
        return True
    return True


def _inner_repeats(pattern: Any) -> Iterator[Any]:
    for op, av in pattern:
        name = str(op)
        if name in _REPEATS and av[1] > 1:
            yield av[2]
        for sub in _items_of(name, av):
            yield from _inner_repeats(sub)


def _ambiguous(body: Any) -> bool:
    """Can the body of an unbounded repeat match one text in several ways (nested quantifiers like
    (a+)+ and (a*)*, alternatives like (a|a)*)? Conservative: True unless clearly not."""
    start = _first_literal(body)
    for inner in _inner_repeats(body):
        if start is None or _matches(inner, start):
            return True
    for op, av in body:
        if str(op) == "BRANCH":
            firsts = [_first_literal(alt) for alt in av[1]]
            if None in firsts or len(set(firsts)) < len(firsts):
                return True
        elif str(op) == "SUBPATTERN" and _ambiguous(av[-1]):
            return True
    return False


def _exponential(pattern: Any) -> bool:
    for op, av in pattern:
        name = str(op)
        if name in ("MAX_REPEAT", "MIN_REPEAT") and av[1] > 1 and _ambiguous(av[2]):
            return True
        if any(_exponential(sub) for sub in _items_of(name, av)):
            return True
    return False


def catastrophic(pattern: str) -> bool:
    """Does a regex hold an unbounded repeat whose body can match one text in several ways, so that a
    crafted non-matching text takes exponential time (re.error when it is no regex at all)?"""
    return _exponential(_PARSER.parse(pattern))
