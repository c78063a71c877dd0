"""The deploy lint's rules for form files (the JSON Schemas of user tasks), the conventions of
forms/README.md: a pattern cannot backtrack catastrophically, every choice has an Indonesian title
(`oneOf` of `{const, title}`, never a bare `enum`), every file field says how to upload or read
its file (`x-berkas`), and every source of choices (`x-sumber`) or pre-filled value (`x-isian`) a field
names is one service_tasks/sumber_formulir.py registers.

A rule takes the file name and the parsed schema and yields problems naming the file and the dotted
path to the keyword at fault; its message is Indonesian, for the process designer (the form editor's
preview and the modeller show it), and keeps keywords and names verbatim.
"""

import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from api.engine.lint_rules import Problem
from api.engine.regex_safety import catastrophic
from api.store.storage import PDF_OR_IMAGE
from service_tasks import sumber_formulir

# The keyword a file field carries: {"upload", "download", "accept", "max_bytes"} (forms/README.md).
BERKAS = "x-berkas"
# The keywords naming a field's source of choices and of a pre-filled value (service_tasks/sumber_formulir.py).
SUMBER = "x-sumber"
ISIAN = "x-isian"
# Subschemas that test data rather than describe a field someone fills in (no titles shown there).
_TESTS = frozenset({"if", "not"})
_FILE_FIELD = re.compile(r"^(.+_)?berkas_id$")
_README = "lihat forms/README.md"


def _patterns(schema: Any, path: str) -> Iterator[tuple[str, str]]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield f"{path}pattern", value
            if key == "patternProperties" and isinstance(value, dict):
                yield from ((f"{path}patternProperties", p) for p in value)
            yield from _patterns(value, f"{path}{key}.")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from _patterns(value, f"{path}{i}.")


def form_patterns(name: str, schema: Any) -> Iterator[Problem]:
    """A form's `pattern` cannot take exponential time on a crafted answer (e.g. ^(a+)+$)."""
    for path, pattern in _patterns(schema, ""):
        try:
            slow = catastrophic(pattern)
        except re.error as exc:
            where = f" di posisi {exc.pos}" if exc.pos is not None else ""
            yield Problem(name, path, None, f"Pola {pattern!r} bukan ekspresi reguler yang sah{where} ({exc.msg})")
            continue
        if slow:
            yield Problem(
                name,
                path,
                None,
                f"Pola {pattern!r} bisa memakan waktu eksponensial pada jawaban yang sengaja dibuat (grup "
                "berulang yang dapat mencocokkan teks yang sama dengan beberapa cara, seperti (a+)+ atau (a|a)*): "
                "tulis ulang polanya",
            )


def described(schema: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema that describes data a person fills in or reads, with its dotted path (a trailing
    dot): everything but the tests of `if` and `not`."""
    if isinstance(schema, dict):
        yield path, schema
        for key, value in schema.items():
            if key not in _TESTS:
                yield from described(value, f"{path}{key}.")
    elif isinstance(schema, list):
        for i, value in enumerate(schema):
            yield from described(value, f"{path}{i}.")


def is_choice(branch: Any) -> bool:
    """A `oneOf` branch naming one value: {"const": ..., "title": ...} (and nothing that takes data)."""
    return isinstance(branch, dict) and "const" in branch and set(branch) <= {"const", "title", "description"}


def choices(schema: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The choices of a field declared as `oneOf` of consts, or None when it is not one."""
    branches = schema.get("oneOf")
    if isinstance(branches, list) and branches and all(is_choice(b) for b in branches):
        return branches
    return None


def form_choice_titles(name: str, schema: Any) -> Iterator[Problem]:
    """Every choice has an Indonesian title: `oneOf` of {const, title}, never a bare `enum` of values."""
    for path, node in described(schema):
        values = node.get("enum")
        if isinstance(values, list) and len(values) > 1:
            yield Problem(
                name,
                f"{path}enum",
                None,
                f'enum {values!r} tidak punya judul: tulis pilihannya sebagai oneOf [{{"const": nilai, "title": '
                f'"Label berbahasa Indonesia"}}, ...] agar tidak ada kode mentah yang sampai ke pengguna ({_README})',
            )
        for i, branch in enumerate(choices(node) or []):
            if not (isinstance(branch.get("title"), str) and branch["title"].strip()):
                yield Problem(
                    name, f"{path}oneOf.{i}", None, f"Pilihan {branch['const']!r} tidak punya title ({_README})"
                )


def _berkas_problem(spec: Any) -> str | None:
    if not isinstance(spec, dict):
        return f"{BERKAS} harus berupa objek"
    if unknown := sorted(set(spec) - {"upload", "download", "accept", "max_bytes"}):
        return f"{BERKAS} memuat kunci yang tidak dikenal {unknown}"
    if not isinstance(spec.get("download"), str):
        return f"{BERKAS}.download harus menamai endpoint yang menyajikan berkasnya, mis. /api/berkas/{{berkas_id}}"
    if "upload" not in spec:
        return None if not {"accept", "max_bytes"} & set(spec) else f"{BERKAS}: accept dan max_bytes memerlukan upload"
    accept = spec.get("accept")
    if not isinstance(spec["upload"], str):
        return f"{BERKAS}.upload harus menamai endpoint unggah, mis. /api/tasks/{{task_id}}/berkas"
    if not (isinstance(accept, list) and accept and all(a in PDF_OR_IMAGE for a in accept)):
        return (
            f"{BERKAS}.accept harus mendaftar jenis konten yang diterima unggahan, di antara {', '.join(PDF_OR_IMAGE)}"
        )
    max_bytes = spec.get("max_bytes")
    if not (isinstance(max_bytes, int) and not isinstance(max_bytes, bool) and max_bytes > 0):
        return f"{BERKAS}.max_bytes harus bilangan bulat positif (jumlah byte)"
    return None


def form_file_fields(name: str, schema: Any) -> Iterator[Problem]:
    """A file field (`berkas_id`, `*_berkas_id`) declares its file with `x-berkas`, and `x-berkas` is
    well formed, so a renderer knows to show a file picker (or a link), where to upload and what."""
    for path, node in described(schema):
        if BERKAS in node and (problem := _berkas_problem(node[BERKAS])):
            yield Problem(name, f"{path}{BERKAS}", None, f"{problem} ({_README})")
        properties = node.get("properties")
        for field, sub in properties.items() if isinstance(properties, dict) else []:
            if _FILE_FIELD.match(field) and isinstance(sub, dict) and BERKAS not in sub:
                yield Problem(
                    name,
                    f"{path}properties.{field}",
                    None,
                    f"Kolom berkas {field!r} tidak menyatakan berkasnya: tambahkan {BERKAS} "
                    f'{{"upload": "/api/tasks/{{task_id}}/berkas", "download": "/api/berkas/{{berkas_id}}", '
                    f'"accept": [...], "max_bytes": ...}} ({_README})',
                )


def _sources(jenis: sumber_formulir.Jenis) -> str:
    return ", ".join(sorted(n for n, s in sumber_formulir.SUMBER.items() if s.jenis == jenis))


def form_sources(name: str, schema: Any) -> Iterator[Problem]:
    """A field's `x-sumber` names a registered source of choices and its `x-isian` a registered source of a
    pre-filled value; a field with `x-sumber` lists no fixed choices of its own (the source gives them)."""
    for path, node in described(schema):
        for keyword, jenis in ((SUMBER, sumber_formulir.Jenis.PILIHAN), (ISIAN, sumber_formulir.Jenis.ISIAN)):
            if keyword not in node:
                continue
            source = node[keyword]
            found = sumber_formulir.SUMBER.get(source) if isinstance(source, str) else None
            if found is None or found.jenis != jenis:
                yield Problem(
                    name,
                    f"{path}{keyword}",
                    None,
                    f"{keyword} {source!r} bukan sumber "
                    f"{'pilihan' if jenis == sumber_formulir.Jenis.PILIHAN else 'isian awal'} yang dikenal; "
                    f"yang dikenal: {_sources(jenis)} ({_README})",
                )
        if SUMBER in node and ({"oneOf", "enum", "const"} & set(node)):
            yield Problem(
                name,
                f"{path}{SUMBER}",
                None,
                f"Kolom dengan {SUMBER} mengambil pilihannya dari sumber itu: hapus oneOf/enum/const-nya ({_README})",
            )


# The keywords the one form renderer (api/ui/formulir.py) draws, or may ignore because the server checks them
# (the submission is validated against the whole schema). A form using another is refused at deploy, since a page
# could not show it: `$ref`, `anyOf`, `else`, `not`, `patternProperties`, `prefixItems`, ...
FORM_KEYWORDS = frozenset(
    {
        "$schema", "$id", "$comment", "title", "description", "default", "examples", "type", "properties",
        "required", "additionalProperties", "items", "minItems", "maxItems", "uniqueItems", "minLength",
        "maxLength", "pattern", "format", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
        "multipleOf", "const", "enum", "oneOf", "allOf", "if", "then", "readOnly", BERKAS, SUMBER, ISIAN,
    }
)  # fmt: skip
# A `format` the renderer has a control for (other formats would be a plain text box the browser cannot help with).
FORM_FORMATS = frozenset({"date", "email"})
_TYPES = frozenset({"object", "array", "string", "integer", "number", "boolean"})


def unsupported(node: Any) -> list[str]:
    """The keywords of one subschema the form renderer cannot draw: an unknown keyword, a list of types, a
    `format` without a control, a `oneOf` that is not choices, an `allOf` part that is not `if`/`then`, an
    `if` without `then`, `items` that is not one schema."""
    if not isinstance(node, dict):
        return []
    bad = [k for k in node if k not in FORM_KEYWORDS]
    if "type" in node and not (isinstance(node["type"], str) and node["type"] in _TYPES):
        bad.append("type")
    if "format" in node and not (isinstance(node["format"], str) and node["format"] in FORM_FORMATS):
        bad.append("format")
    if "oneOf" in node and choices(node) is None:
        bad.append("oneOf")
    parts = node.get("allOf")
    if "allOf" in node and not (
        isinstance(parts, list) and all(isinstance(p, dict) and set(p) <= {"if", "then"} for p in parts)
    ):
        bad.append("allOf")
    if ("if" in node) != ("then" in node):
        bad.append("if" if "if" in node else "then")
    if "items" in node and not isinstance(node["items"], dict):
        bad.append("items")
    if "readOnly" in node and not isinstance(node["readOnly"], bool):
        bad.append("readOnly")
    return bad


def _schemas(node: Any, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    """Every subschema a renderer draws, with its dotted path (a trailing dot): the fields of `properties`,
    `items`, the `then` of conditions (their `if` only tests the data)."""
    if not isinstance(node, dict):
        return
    yield path, node
    for key, sub in (node.get("properties") or {}).items() if isinstance(node.get("properties"), dict) else []:
        yield from _schemas(sub, f"{path}properties.{key}.")
    yield from _schemas(node.get("items"), f"{path}items.")
    yield from _schemas(node.get("then"), f"{path}then.")
    for i, part in enumerate(node.get("allOf") or []) if isinstance(node.get("allOf"), list) else []:
        yield from _schemas(part.get("then") if isinstance(part, dict) else None, f"{path}allOf.{i}.then.")


_WHY = {
    "type": f"type harus salah satu dari {', '.join(sorted(_TYPES))} (satu tipe, bukan daftar)",
    "format": f"format harus salah satu dari {', '.join(sorted(FORM_FORMATS))}",
    "oneOf": 'oneOf harus berisi pilihan {"const": nilai, "title": "Label berbahasa Indonesia"}',
    "allOf": "allOf hanya boleh berisi kondisi if/then",
    "if": "if memerlukan then",
    "then": "then memerlukan if",
    "items": "items harus berupa satu skema",
    "readOnly": "readOnly harus true atau false",
}


def form_keywords(name: str, schema: Any) -> Iterator[Problem]:
    """Every keyword of a form is one the form renderer draws (FORM_KEYWORDS), so every page can show it."""
    for path, node in _schemas(schema):
        for keyword in unsupported(node):
            known = keyword in FORM_KEYWORDS
            why = (
                _WHY[keyword]
                if known
                else (
                    f"{keyword!r} tidak dapat digambar oleh perender formulir (api/ui/formulir.py): nyatakan dengan "
                    f"kata kunci yang dikenalnya ({', '.join(sorted(FORM_KEYWORDS))})"
                )
            )
            yield Problem(name, f"{path}{keyword}", None, f"{why} ({_README})")


FORM_ERRORS: list[Callable[[str, Any], Iterable[Problem]]] = [
    form_patterns,
    form_keywords,
    form_choice_titles,
    form_file_fields,
    form_sources,
]
