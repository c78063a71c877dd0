"""A client that knows nothing of ujikom's forms: it works each user's inbox by reading each task's form.

For every task in a user's inbox (`GET /api/tasks`) it reads the task (`GET /api/tasks/{id}`) and builds an
answer from the form's JSON Schema alone (forms/README.md), never from the task's `data`:

- a field with a `default` starts from it (an object or a list is then completed inside);
- a choice (`oneOf` of `{const, title}`, a boolean, a list of choices) takes what the decision policy says,
  which must be one of the values offered; with no word from the policy, the default, else the first offered;
- a required string is a short text made from its title, a `format: date` a day within
  `formatMinimum`/`formatMaximum` when declared, else the service's today; a number its minimum;
- a list gets its default's rows, topped up with new rows to `minItems` or to as many as the policy says a
  person wants; an object its required properties, and those an `if`/`then` makes required;
- a file field (`x-berkas` with `upload`) gets a small file POSTed to the declared endpoint, of a type it
  accepts, and the answer's `id`; a file field without `upload` can only come from a default.

A policy may say WHICH offered choice a person takes (by the field's path, title, its row so far and the
inbox row: the task's name and subject), and which tasks a person leaves until nothing else is left (closing
registration early). It never types a value: the client refuses a value the schema does not offer.

What the schema alone cannot answer is reported as `Unanswerable` (the task, the field, why), so a test can
say exactly which form lacks which data.
"""

import copy
import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from jsonschema import validators

from tests.support import foto
from tests.support.api import Api

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
# A 300 × 400 picture: an image any of the forms' file fields takes, the FR.APL.01 pas foto's too.
FILES = {"application/pdf": ("bukti.pdf", PDF), "image/png": ("bukti.png", foto.PNG)}
MISSING: Any = object()


@dataclass(frozen=True)
class Field:
    """A choice the client is about to make, as a person filling the form sees it."""

    task: dict[str, Any]  # the inbox row: name, subject, subject_name, skema, ...
    path: str  # "pleno.keputusan[1].keputusan"
    title: str
    options: list[tuple[Any, str]]  # (value, its title), in the form's order
    row: dict[str, Any]  # the object holding the field, as filled so far (siblings before it)
    index: int | None  # the row's position when the field is inside a list

    @property
    def pattern(self) -> str:
        """The path with list positions dropped: "pleno.keputusan[].keputusan"."""
        return re.sub(r"\[\d+\]", "[]", self.path)

    def value_titled(self, text: str) -> Any:
        """The offered value whose title contains `text` (a person picks by what they read)."""
        found = [v for v, t in self.options if text in t]
        assert len(found) == 1, (self.path, text, self.options)
        return found[0]


Decide = Callable[[Field], Any]  # an offered value, or None for no opinion


@dataclass
class Policy:
    """What the people in a test decide, given only what the forms offer."""

    choose: Decide = lambda f: None
    # How many rows a list should have (by its path pattern, e.g. "daftar_pendaftar"): a person adds rows
    # to the form's own (its default, else none) up to this; None leaves the default, else the form's
    # minItems. Each added row is then filled from the form.
    rows: Callable[[str, dict[str, Any]], int | None] = lambda pattern, task: None
    # Tasks (by name) a person leaves until nothing else is left in any inbox (closing registration early).
    last: frozenset[str] = frozenset()
    # What happens in the world before a person opens a task (by user and inbox row): the day of the
    # assessment comes before its attendance is recorded. It changes no answer.
    before: Callable[[str, dict[str, Any]], None] = lambda user, task: None
    # What a person copies into a free-text field from a paper that comes from outside ujikom (BNSP's
    # certificate and registration numbers), by path pattern and position; None: nothing to copy. Never a
    # value the process knows (that is the form's to offer).
    copied: Callable[[str, int | None], str | None] = lambda pattern, index: None


@dataclass
class Unanswerable(Exception):
    """A task the schema, its choices and defaults could not answer."""

    task: str
    user: str
    field: str
    why: str

    def __str__(self) -> str:
        return f"{self.user}: {self.task!r}: {self.field}: {self.why}"


@dataclass
class Done:
    user: str
    task: str
    subject: str | None
    answer: dict[str, Any]


@dataclass
class GenericClient:
    api: Api
    users: list[str]
    policy: Policy = field(default_factory=Policy)
    today: Callable[[], date] = date.today
    done: list[Done] = field(default_factory=list)
    _texts: Iterator[int] = field(default_factory=lambda: itertools.count(1))

    # --- working the inboxes -------------------------------------------------------------------------------

    def run(self, finished: Callable[[], bool], max_tasks: int = 1000) -> None:
        """Work every user's inbox, the worker run between tasks, until `finished()` (or nothing is left)."""
        while not finished():
            if not self._one_round(max_tasks):
                waiting = {u: [t["name"] for t in self.api.inbox(u)] for u in self.users}
                left = {u: w for u, w in waiting.items() if w}
                raise AssertionError(f"nothing left to do and the period is not finished; inboxes: {left}")

    def _one_round(self, max_tasks: int) -> bool:
        worked = False
        left: list[tuple[str, dict[str, Any]]] = []
        for user in self.users:
            while True:
                rows = self.api.inbox(user)
                ready = [t for t in rows if t["name"] not in self.policy.last]
                if not ready:
                    left += [(user, t) for t in rows]
                    break
                self.work(user, ready[0])
                worked = True
                assert len(self.done) <= max_tasks, "too many tasks: the period does not end"
        if not worked and left:
            user, row = left[0]
            self.work(user, row)
            worked = True
        return worked

    def work(self, user: str, row: dict[str, Any]) -> dict[str, Any]:
        """Read the task, answer it from its form alone, complete it, let the worker run."""
        self.policy.before(user, row)
        answer = self.answer(user, row, self.form(user, row))
        r = self.api.post(user, f"/api/tasks/{row['id']}/complete", json={"data": answer})
        assert r.status_code < 500, f"{user}: {row['name']!r}: {r.status_code} {r.text}"
        if r.status_code != 200:
            body = r.json()
            errors = body.get("errors") or [{"path": "", "message": body.get("detail")}]
            why = "; ".join(f"{e.get('path')}: {e.get('message')}" for e in errors)
            raise Unanswerable(row["name"], user, ", ".join(str(e.get("path")) for e in errors), f"refused: {why}")
        self.done.append(Done(user, row["name"], row.get("subject"), answer))
        self.api.drain()
        return answer

    def answer(self, user: str, row: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
        """What the user answers to the task `row` whose form is `schema`."""
        answer: dict[str, Any] = _Filler(self, user, row).fill(schema, MISSING, "")
        return answer

    def form(self, user: str, row: dict[str, Any]) -> dict[str, Any]:
        """The task's form as `GET /api/tasks/{id}` gives it to the user (its `data` is never read)."""
        r = self.api.get(user, f"/api/tasks/{row['id']}")
        assert r.status_code == 200, r.text
        return (r.json().get("form") or {}).get("schema") or {"type": "object"}

    def text(self, title: str) -> str:
        return f"{title or 'Isian'} ({next(self._texts)})"


@dataclass
class _Filler:
    client: GenericClient
    user: str
    task: dict[str, Any]

    def fail(self, path: str, why: str) -> Unanswerable:
        return Unanswerable(self.task["name"], self.user, path or "(form)", why)

    def fill(
        self, schema: dict[str, Any], value: Any, path: str, row: dict[str, Any] | None = None, index: int | None = None
    ) -> Any:
        if value is MISSING and "default" in schema:
            value = copy.deepcopy(schema["default"])
        if "const" in schema:
            return schema["const"]
        options = _options(schema)
        if options is not None:
            return self.choose(schema, options, value, path, row or {}, index)
        kind = schema.get("type")
        if kind == "object":
            return self.fill_object(schema, {} if value is MISSING else value, path)
        if kind == "array":
            return self.fill_array(schema, value, path)
        if value is not MISSING:
            return value
        berkas = schema.get("x-berkas")
        if berkas is not None:
            return self.upload(berkas, path)
        if kind == "string":
            copied = self.client.policy.copied(re.sub(r"\[\d+\]", "[]", path), index)
            return copied if copied is not None else self.string(schema)
        if kind in ("integer", "number"):
            return _number(schema)
        raise self.fail(path, f"no default and nothing to make a {kind!r} from")

    def choose(
        self,
        schema: dict[str, Any],
        options: list[tuple[Any, str]],
        value: Any,
        path: str,
        row: dict[str, Any],
        index: int | None,
    ) -> Any:
        if not options:
            raise self.fail(path, "a choice with nothing offered")
        f = Field(self.task, path, schema.get("title", ""), options, row, index)
        picked = self.client.policy.choose(f)
        offered = [v for v, _ in options]
        if picked is not None:
            assert picked in offered, f"the policy typed {picked!r} for {path}, not offered: {options}"
            return picked
        if value is not MISSING:
            return value
        return offered[0]

    def fill_object(self, schema: dict[str, Any], value: dict[str, Any], path: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(path, f"default {value!r} is not an object")
        props: dict[str, Any] = schema.get("properties", {})
        out: dict[str, Any] = {}
        wanted = list(dict.fromkeys([*value, *schema.get("required", [])]))
        for _ in range(4):  # each pass may make an if/then require more
            for name in wanted:
                if name in out:
                    continue
                sub = _merged(props.get(name, {}), _then_properties(schema, out, name))
                out[name] = self.fill(sub, value.get(name, MISSING), f"{path}.{name}".lstrip("."), out, _index(path))
            more = [n for n in _then_required(schema, out) if n not in out]
            if not more:
                break
            wanted += more
        # A field an if/then constrains (minLength) after it was filled is filled again under the constraint.
        for name in list(out):
            extra = _then_properties(schema, out, name)
            if extra and not validators.validator_for(extra)(extra).is_valid(out[name]):
                out[name] = self.fill(_merged(props.get(name, {}), extra), MISSING, f"{path}.{name}".lstrip("."), out)
        return out

    def fill_array(self, schema: dict[str, Any], value: Any, path: str) -> list[Any]:
        items: dict[str, Any] = schema.get("items", {})
        rows = [] if value is MISSING else list(value)
        opts = _options(items)
        if value is MISSING and opts is not None and schema.get("uniqueItems"):
            # A list of choices: as many as it needs, each as the policy (or the form's order) says.
            f = Field(self.task, path, schema.get("title", ""), opts, {}, None)
            picked = self.client.policy.choose(f)
            if picked is not None:
                offered = [v for v, _ in opts]
                assert all(p in offered for p in picked), f"the policy typed {picked!r} for {path}, not offered"
                return list(picked)
            return [v for v, _ in opts[: max(schema.get("minItems", 0), 1)]]
        wanted = self.client.policy.rows(re.sub(r"\[\d+\]", "[]", path), self.task) or 0
        rows += [MISSING] * (max(wanted, schema.get("minItems", 0)) - len(rows))
        return [self.fill(items, v, f"{path}[{i}]", None, i) for i, v in enumerate(rows)]

    def string(self, schema: dict[str, Any]) -> str:
        if schema.get("format") == "date":
            day = self.client.today()
            low, high = schema.get("formatMinimum"), schema.get("formatMaximum")
            if low and day.isoformat() < low:
                day = date.fromisoformat(low)
            if high and day.isoformat() > high:
                day = date.fromisoformat(high)
            return day.isoformat()
        text = self.client.text(schema.get("title", ""))
        text = text.ljust(schema.get("minLength", 0), ".")
        return text[: schema["maxLength"]] if "maxLength" in schema else text

    def upload(self, berkas: dict[str, Any], path: str) -> int:
        endpoint = berkas.get("upload")
        if not endpoint:
            raise self.fail(path, "a file someone uploaded earlier, with no default naming it")
        kinds = [k for k in berkas.get("accept", FILES) if k in FILES]
        if not kinds:
            raise self.fail(path, f"no file of an accepted type at hand: {berkas.get('accept')}")
        name, content = FILES[kinds[0]]
        url = endpoint.replace("{task_id}", str(self.task["id"]))
        r = self.client.api.post(self.user, url, files={"file": (name, content, kinds[0])})
        if r.status_code != 201:
            raise self.fail(path, f"upload to {url} refused: {r.status_code} {r.text}")
        return int(r.json()["id"])


def _options(schema: dict[str, Any]) -> list[tuple[Any, str]] | None:
    """The values offered (value, title), or None when the field is not a choice."""
    if "oneOf" in schema and all("const" in b for b in schema["oneOf"]):
        return [(b["const"], b.get("title", str(b["const"]))) for b in schema["oneOf"]]
    if "enum" in schema:
        return [(v, str(v)) for v in schema["enum"]]
    if schema.get("type") == "boolean":
        return [(True, "Ya"), (False, "Tidak")]
    return None


def _number(schema: dict[str, Any]) -> int | float:
    if "minimum" in schema:
        low = schema["minimum"]
    elif "exclusiveMinimum" in schema:
        low = schema["exclusiveMinimum"] + 1
    else:
        low = 1
    return int(low) if schema.get("type") == "integer" else low


def _conditions(schema: dict[str, Any]) -> list[dict[str, Any]]:
    return [schema, *schema.get("allOf", [])]


def _applies(part: dict[str, Any], value: dict[str, Any]) -> dict[str, Any]:
    """The `then` (or `else`) of `part` that applies to `value` so far, or {}."""
    if "if" not in part:
        return {}
    test = part["if"]
    if validators.validator_for(test)(test).is_valid(value):
        return dict(part.get("then", {}))
    return dict(part.get("else", {}))


def _then_required(schema: dict[str, Any], value: dict[str, Any]) -> list[str]:
    return [n for part in _conditions(schema) for n in _applies(part, value).get("required", [])]


def _then_properties(schema: dict[str, Any], value: dict[str, Any], name: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in _conditions(schema):
        out.update(_applies(part, value).get("properties", {}).get(name, {}))
    return out


def _merged(base: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    return {**base, **extra} if extra else base


def _index(path: str) -> int | None:
    m = re.search(r"\[(\d+)\]$", path)
    return int(m.group(1)) if m else None
