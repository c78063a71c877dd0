"""The one form renderer: a task's JSON Schema (as GET /api/tasks/{id} serves it, with `oneOf` choices and
`default`s from api/engine/form_sources.py) drawn as an accessible HTML form, and the submitted form read
back into JSON typed by the schema. No form library: the schema's keywords the deploy lint lets through
(api/engine/form_rules.py FORM_KEYWORDS) are all it needs to know.

- `render(schema, data, errors)`: the fields filled with `data` (else the schema's defaults), each error
  `{path, message}` at its field. A field's `name` is its dotted data path (`apl01.bukti.0.nama`), its `id`
  `f-` + the path with `-` for `.`; its label is its `title`, its hint its `description`, "(wajib)" when
  the data makes it required (`if`/`then` resolved here). Objects and lists are fieldsets; choices
  (`oneOf` of {const, title}) radios, or a select when many or from data (`x-sumber`); a list of choices
  checkboxes; a required yes/no a checkbox, an optional one Ya/Tidak; `x-berkas` a file upload.
- `error_summary(errors, schema)`: the `.ringkasan-galat` box linking each error to its field.
- `parse(schema, form)`: the submitted multi-dict back to data: numbers, booleans, lists renumbered in
  order, an empty optional field left out. `parse(schema, <what render(schema, x) submits>) == x`.

`ui_schema` lets a page adjust the drawing, keyed by data path with `*` for a row's index
(`{"apl02.*.unit_kode": {"widget": "hanya-baca"}, "apl02": {"baris_tetap": True}}`): `widget` is one of
`hanya-baca` (the value's title shown, sent as it is), `tersembunyi` (a hidden input), `radio`, `pilih`,
`teks`, `teks-panjang`; `label` replaces the title; `baris_tetap` draws a list's rows without add/remove.
A form says the same itself with JSON Schema's `readOnly: true`: a value shown as `hanya-baca`, a list's rows
fixed (the data gave them).

The page's behaviour (rows added and removed, conditional parts shown by `data-tampil-jika`, uploads with
progress) is api/ui/static/formulir.js, included by the rendered form itself; without JavaScript the form is
still a plain form (rows cannot be added nor files uploaded then).
"""

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from jsonschema import validators
from markupsafe import Markup

from api.engine.form_rules import BERKAS, SUMBER, unsupported
from api.ui.templating import env

Errors = Iterable[Mapping[str, Any]]
# More choices than this are a <select>; fewer are radios (a field whose choices come from data is always a select).
RADIO_MAX = 5
ROW_CHOICES_MAX = 20  # more choices from data than this in a filled row: the value is named, not offered
ROW_TITLE_MAX = 120  # nor a value from data whose title is longer than this (FR.APL.02's element with its KUK)
# Fields people write sentences in (a <textarea>); everything else is one line.
_LONG = re.compile(
    r"(^|_)(catatan|alasan|komentar|ringkasan|temuan|rekomendasi|pertimbangan|tindakan|tindak_lanjut|umpan_balik|"
    r"latar_belakang|dasar_hukum|maksud_tujuan|sasaran|ruang_lingkup|metode|penutup|uraian|bukti|alamat)$"
)
NEW_ROW = "__i__"  # the row index in a <template> row; formulir.js puts the real one in
_TYPES = {"application/pdf": "PDF", "image/png": "PNG", "image/jpeg": "JPEG"}


@dataclass
class Choice:
    value: str
    title: str
    chosen: bool = False


@dataclass
class Field:
    """What the template draws of one field (`_formulir.html`, macro `bidang`)."""

    kind: str  # objek daftar centang-banyak radio pilih teks teks-panjang angka tanggal centang ya-tidak berkas ...
    path: str
    label: str
    required: bool = False
    hint: str = ""
    errors: list[str] = field(default_factory=list)
    value: str = ""
    choices: list[Choice] = field(default_factory=list)
    children: list["Field"] = field(default_factory=list)
    template: "Field | None" = None  # a new row of a list
    show_if: str = ""  # JSON {"nama": control name, "nilai": [values]} for data-tampil-jika
    shown: bool = True
    attrs: dict[str, str] = field(default_factory=dict)
    file: dict[str, Any] | None = None  # the uploaded file: id, nama, ukuran, url, gambar
    fixed: bool = False  # rows neither added nor removed

    @property
    def id(self) -> str:
        return field_id(self.path)

    @property
    def describedby(self) -> str:
        ids = [f"{self.id}-petunjuk"] if self.hint else []
        return " ".join(ids + ([f"{self.id}-galat"] if self.errors else []))


def field_id(path: str) -> str:
    return "f-" + path.replace(".", "-") if path else "f-formulir"


def readable(code: Any) -> str:
    """A code or property name as words: `ada_tidak_memenuhi` -> `Ada tidak memenuhi`."""
    text = str(code).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def title_of(schema: Mapping[str, Any], key: str) -> str:
    return str(schema.get("title") or readable(key))


def _choices(schema: Mapping[str, Any]) -> list[tuple[Any, str]] | None:
    """A field's choices as (value, title): `oneOf` of {const, title}, else a bare `enum` made readable."""
    branches = schema.get("oneOf")
    if isinstance(branches, list) and branches and all(isinstance(b, dict) and "const" in b for b in branches):
        return [(b["const"], str(b.get("title") or readable(b["const"]))) for b in branches]
    if isinstance(schema.get("enum"), list):
        return [(v, readable(v)) for v in schema["enum"]]
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _angka(value: Any) -> str:
    """A number as Indonesians write it (1.500.000,5); `parse` reads it back, and a plain 1500000.5 too."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        return _text(value)
    whole, _, frac = f"{value:,.10f}".rstrip("0").rstrip(".").partition(".")
    return whole.replace(",", ".") + ("," + frac if frac else "")


def _conditions(schema: Mapping[str, Any]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """The object's (if, then) pairs: its own and those of its `allOf`."""
    pairs = []
    for part in [schema, *(p for p in schema.get("allOf") or [] if isinstance(p, dict))]:
        if isinstance(part.get("if"), dict) and isinstance(part.get("then"), dict):
            pairs.append((part["if"], part["then"]))
    return pairs


def _holds(test: dict[str, Any], value: Any) -> bool:
    return bool(validators.validator_for(test)(test).is_valid(value))


def _simple(test: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """`{"properties": {k: {"const": v} | {"enum": [...]}}, "required": [k]}` as (k, values), else None."""
    props = test.get("properties")
    if not (isinstance(props, dict) and len(props) == 1 and set(test) <= {"properties", "required"}):
        return None
    ((key, sub),) = props.items()
    if isinstance(sub, dict) and set(sub) == {"const"}:
        return key, [sub["const"]]
    if isinstance(sub, dict) and set(sub) == {"enum"} and isinstance(sub["enum"], list):
        return key, list(sub["enum"])
    return None


def required_now(schema: Mapping[str, Any], value: Any) -> set[str]:
    """The object's required properties for this data: `required` and the `then.required` whose `if` holds."""
    names = set(schema.get("required") or [])
    for test, then in _conditions(schema):
        if isinstance(value, dict) and _holds(test, value):
            names |= set(then.get("required") or [])
    return names


@dataclass
class _Ctx:
    errors: dict[str, list[str]]
    ui: Mapping[str, Mapping[str, Any]]
    berkas: Mapping[Any, Any]
    upload_url: str | None
    # Per subschema (a list's rows share one): its unsupported keywords and choices, worked out once. The
    # subschema is kept with them, so its id is never reused while the form is drawn.
    memo: dict[int, tuple[Mapping[str, Any], list[str], list[tuple[Any, str]] | None]] = field(default_factory=dict)

    def read(self, schema: Mapping[str, Any]) -> tuple[list[str], list[tuple[Any, str]] | None]:
        if id(schema) not in self.memo:
            self.memo[id(schema)] = (schema, unsupported(schema), _choices(schema))
        _, bad, options = self.memo[id(schema)]
        return bad, options

    def ui_of(self, path: str) -> Mapping[str, Any]:
        return self.ui.get(re.sub(r"\.(\d+|__i__)(?=\.|$)", ".*", path), {})

    def take(self, path: str) -> list[str]:
        return self.errors.pop(path, []) if NEW_ROW not in path else []


def _message(message: str, path: str) -> str:
    """The server's words for the field beside it: "pendidikan wajib diisi" -> "Wajib diisi"."""
    key = path.rsplit(".", 1)[-1]
    if message == f"{key} wajib diisi":
        message = "wajib diisi"
    return message[:1].upper() + message[1:] if message[:1].islower() else message


def _build(
    schema: Mapping[str, Any], path: str, value: Any, ctx: _Ctx, label: str, required: bool, keyed: bool = False
) -> Field:
    ui = ctx.ui_of(path)
    if value is None and "default" in schema:
        value = schema["default"]
    f = Field("teks", path, str(ui.get("label") or label), required, str(schema.get("description") or ""))
    f.errors = [_message(m, path) for m in ctx.take(path)]
    kind = schema.get("type")
    bad, options = ctx.read(schema)
    # In a row, a value chosen from data among many is named, not offered again: a list of hundreds of rows
    # would each list everyone. So is one whose title a list cannot show whole (an element with its KUK). Remove
    # the row and add another to change it.
    in_row = path.count(".") and path.split(".")[-2].isdigit()
    long = (
        in_row
        and SUMBER in schema
        and (
            len(options or []) > ROW_CHOICES_MAX or any(v == value and len(t) > ROW_TITLE_MAX for v, t in options or [])
        )
    )
    # `readOnly` (a value the data fills, as the skema's units of an FR.APL.02): shown, sent back as it is.
    fixed = keyed or long or schema.get("readOnly") is True
    widget = ui.get("widget") or ("hanya-baca" if fixed and _filled(value) else None)
    if bad:
        f.kind = "tak-didukung"
    elif widget == "tersembunyi":
        f.kind, f.value = "tersembunyi", _text(value)
    elif widget == "hanya-baca" and kind not in ("object", "array"):
        f.kind, f.value = "hanya-baca", _text(value)
        f.attrs["tampil"] = next(
            (t for v, t in options or [] if v == value), readable(value) if options else _text(value)
        )
    elif kind == "object":
        _object(f, schema, value if isinstance(value, dict) else {}, ctx)
    elif kind == "array":
        _array(f, schema, value if isinstance(value, list) else [], ctx, ui, value is None)
    elif BERKAS in schema and not (widget and options):
        _file(f, schema, value, ctx, options)
    elif options is not None:
        f.kind = widget or ("radio" if len(options) <= RADIO_MAX and SUMBER not in schema else "pilih")
        f.choices = [Choice(_text(v), t, v == value and value is not None) for v, t in options]
        if value is not None and not any(c.chosen for c in f.choices):  # a value the choices no longer offer
            f.choices.append(Choice(_text(value), readable(value), True))
    elif kind == "boolean":
        f.kind = widget or ("centang" if required else "ya-tidak")
        f.value = _text(value)
        f.choices = [Choice("true", "Ya", value is True), Choice("false", "Tidak", value is False)]
    elif kind in ("integer", "number"):
        f.kind, f.value = "angka", _angka(value) if kind == "number" else _text(value)
        f.attrs["inputmode"] = "numeric" if kind == "integer" else "decimal"
    elif schema.get("format") == "date":
        f.kind, f.value = "tanggal", _text(value)
    else:
        prose = _LONG.search(path.rsplit(".", 1)[-1]) and int(schema.get("maxLength") or 1000) > 120
        f.kind, f.value = widget or ("teks-panjang" if prose else "teks"), _text(value)
    return f


def _object(f: Field, schema: Mapping[str, Any], value: dict[str, Any], ctx: _Ctx) -> None:
    f.kind = "objek"
    props: dict[str, Any] = schema.get("properties") or {}
    required = required_now(schema, value)
    always = set(schema.get("required") or [])
    # A field only one simple condition requires is shown while it holds: control, values, holds now.
    # Required by several conditions (or a test on more than one sibling) it is always shown.
    tests: dict[str, list[tuple[str, list[Any], bool] | None]] = {}
    narrowed: dict[str, dict[str, Any]] = {}
    for test, then in _conditions(schema):
        holds = _holds(test, value)
        simple = _simple(test)
        for name in then.get("required") or []:
            if name not in always and not (simple and name == simple[0]):
                tests.setdefault(name, []).append((*simple, holds) if simple else None)
        for name, extra in (then.get("properties") or {}).items():
            if holds and isinstance(extra, dict):
                narrowed.setdefault(name, {}).update(extra)
    shown = {name: found[0] for name, found in tests.items() if len(found) == 1 and found[0] is not None}
    # A row whose choices depend on one of its fields (an asesor per candidate, form_sources._per_row) is
    # about that field's value: shown, not offered again (hundreds of rows would each list everyone).
    is_row = f.path.rsplit(".", 1)[-1].isdigit()
    keys = {s[0] for t, then in _conditions(schema) if is_row and then.get("properties") and (s := _simple(t))}
    prefix = f"{f.path}." if f.path else ""
    for key, sub in props.items():
        if not isinstance(sub, dict):
            continue
        sub = {**sub, **narrowed.get(key, {})}
        child = _build(sub, prefix + key, value.get(key), ctx, title_of(sub, key), key in required, key in keys)
        if key in shown:
            control, values, holds = shown[key]
            child.required = True  # shown only when its condition makes it required
            child.show_if = json.dumps({"nama": prefix + control, "nilai": [_text(v) for v in values]})
            child.shown = holds or bool(child.errors) or _filled(value.get(key))
        f.children.append(child)
    if f.path and not f.required and always and not any(_filled(v) for v in value.values()):
        # An optional part: what it requires is required only once someone fills it in.
        names = [c.label for c in f.children if c.path.rsplit(".", 1)[-1] in always] or ["isiannya"]
        said = ", ".join(names[:-1]) + " dan " + names[-1] if len(names) > 1 else names[0]
        f.hint = " ".join(filter(None, [_sentence(f.hint), f"Boleh dikosongkan; bila diisi, {said} wajib diisi."]))
        for c in f.children:
            c.required = False


def _sentence(text: str) -> str:
    return text + "." if text and text[-1] not in ".!?:;)" else text


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {})


def _array(
    f: Field, schema: Mapping[str, Any], rows: list[Any], ctx: _Ctx, ui: Mapping[str, Any], absent: bool
) -> None:
    items: dict[str, Any] = schema.get("items") if isinstance(schema.get("items"), dict) else {}  # type: ignore[assignment]
    options = _choices(items)
    if options is not None and items.get("type") != "object":
        f.kind = "centang-banyak"
        f.choices = [Choice(_text(v), t, v in rows) for v, t in options]
        f.choices += [Choice(_text(v), readable(v), True) for v in rows if v not in [o[0] for o in options]]
        return
    # Rows showing files uploaded in an earlier step (x-berkas without upload) cannot be added here.
    earlier = any(
        isinstance(sub, dict) and isinstance(sub.get(BERKAS), dict) and "upload" not in sub[BERKAS]
        for sub in (items.get("properties") or {}).values()
    )
    # So are a `readOnly` list's rows: the data gave them (one per unit of the skema), none is added or removed.
    f.kind, f.fixed = "daftar", bool(ui.get("baris_tetap", earlier or schema.get("readOnly") is True))
    if not rows and absent and f.required:
        rows = [None] * int(schema.get("minItems") or 0)  # blank rows to fill in
    name = str(items.get("title") or "Baris")
    f.attrs["baris"] = name
    f.attrs["tambah"] = name[:1].lower() + name[1:] if name[1:2].islower() else name
    for i in range(len(rows) + 1):
        path = f"{f.path}.{i if i < len(rows) else NEW_ROW}"
        row = rows[i] if i < len(rows) else None
        child = _build(items, path, row, ctx, name, True)
        child.label = f"{name} {i + 1}" if i < len(rows) else name
        if i < len(rows):
            f.children.append(child)
        else:
            f.template = child


def _size(n: Any) -> str:
    if not isinstance(n, int | float):
        return ""
    if n >= 1024 * 1024:
        return f"{n / 1024 / 1024:.1f} MB".replace(".0 ", " ").replace(".", ",")
    return f"{max(1, round(n / 1024))} KB"


def _file(f: Field, schema: Mapping[str, Any], value: Any, ctx: _Ctx, options: list[tuple[Any, str]] | None) -> None:
    spec: dict[str, Any] = schema.get(BERKAS) or {}
    f.kind, f.value = "berkas", _text(value)
    if value not in (None, ""):
        info = ctx.berkas.get(value) or ctx.berkas.get(_text(value)) or {}
        get = info.get if isinstance(info, Mapping) else lambda k: getattr(info, k, None)
        jenis = str(get("content_type") or "")
        f.file = {
            "id": value,
            "nama": get("nama") or dict(options or []).get(value) or f"Berkas {value}",
            "ukuran": _size(get("size")),
            "jenis": _TYPES.get(jenis, ""),
            "url": str(spec.get("download", "/api/berkas/{berkas_id}")).replace("{berkas_id}", _text(value)),
            "gambar": jenis.startswith("image/"),
        }
    if "upload" not in spec:
        f.kind = "berkas-lihat" if f.file or not options else "pilih"
        f.choices = [Choice(_text(v), t, v == value) for v, t in options or []]
        return
    accept = [str(a) for a in spec.get("accept") or []]
    f.attrs["accept"] = ",".join(accept)
    f.attrs["maks"] = str(spec.get("max_bytes") or "")
    if ctx.upload_url:
        # The page's upload endpoint, with what the field's own says of the file (`?jenis=pas_foto`).
        query = str(spec["upload"]).partition("?")[2]
        f.attrs["unggah"] = f"{ctx.upload_url}?{query}" if query else ctx.upload_url
    types = [_TYPES.get(a, a) for a in accept]
    said = (", ".join(types[:-1]) + " atau " + types[-1]) if len(types) > 1 else "".join(types)
    limit = f", paling besar {_size(spec['max_bytes'])}" if spec.get("max_bytes") else ""
    f.hint = " ".join(filter(None, [_sentence(f.hint), f"Berkas {said}{limit}." if said else ""]))


def _error_map(errors: Errors) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for e in errors:
        out.setdefault(str(e.get("path") or ""), []).append(str(e.get("message") or ""))
    return out


def _tree(schema: Mapping[str, Any], data: Any, errors: Errors, **kw: Any) -> tuple[Field, dict[str, list[str]]]:
    ctx = _Ctx(_error_map(errors), kw.get("ui_schema") or {}, kw.get("berkas") or {}, kw.get("upload_url"))
    root = _build(schema, "", data if isinstance(data, dict) else {}, ctx, title_of(schema, ""), True)
    return root, ctx.errors


def render(
    schema: Mapping[str, Any],
    data: Mapping[str, Any] | None,
    errors: Errors = (),
    *,
    ui_schema: Mapping[str, Mapping[str, Any]] | None = None,
    berkas: Mapping[Any, Any] | None = None,
    upload_url: str | None = None,
    only: Sequence[str] | None = None,
) -> Markup:
    """The form's fields (not the <form> element nor its buttons) filled with `data`, errors at their fields;
    `only` draws just those top-level properties (a wizard's step). An error whose field is not drawn is
    shown at the top so none is lost."""
    root, left = _tree(schema, dict(data or {}), errors, ui_schema=ui_schema, berkas=berkas, upload_url=upload_url)
    fields = [c for c in root.children if only is None or c.path in only]
    stray = root.errors + [
        _message(m, p) for p, ms in left.items() for m in ms if only is None or p.split(".")[0] in only
    ]
    macros = env.get_template("_formulir.html").module
    return Markup(macros.formulir(fields, stray, "" if only else str(schema.get("description") or "")))  # type: ignore[attr-defined]


def _labels(schema: Mapping[str, Any], path: str) -> list[str] | None:
    """The titles along a data path ("Bukti persyaratan", "Bukti 2", "Nama bukti"); None when the form has
    no such field (the error is shown at the top of the form)."""
    out, node = [], schema
    for part in [p for p in path.split(".") if p]:
        if part.isdigit() and node.get("type") == "array" and isinstance(node.get("items"), dict):
            node = node["items"]
            out.append(f"{node.get('title') or 'Baris'} {int(part) + 1}")
        elif isinstance((node.get("properties") or {}).get(part), dict):
            node = node["properties"][part]
            out.append(title_of(node, part))
        else:
            return None
    return out


def error_summary(errors: Errors, schema: Mapping[str, Any]) -> Markup:
    """The `.ringkasan-galat` box: one link per error to its field, "Bukti 2 › Nama bukti: Tidak boleh kosong"."""
    items = []
    for e in errors:
        path = str(e.get("path") or "")
        labels = _labels(schema, path) or []
        href = field_id(path if labels else "")
        parts = path.split(".")
        # A field of a row names its row ("Bukti 2 › Nama bukti"); any other field its own label.
        said = labels[-2:] if len(parts) > 1 and parts[-2].isdigit() else labels[-1:]
        items.append({"href": "#" + href, "teks": " › ".join(said), "pesan": _message(str(e.get("message")), path)})
    return Markup(env.get_template("_formulir.html").module.ringkasan(items)) if items else Markup("")  # type: ignore[attr-defined]


def berkas_ids(schema: Mapping[str, Any], data: Any) -> list[int]:
    """The file ids `data` holds in the form's file fields (`x-berkas`), in order: what a page looks up to
    pass `render(..., berkas={id: {nama, size, content_type}})`."""
    if BERKAS in schema:
        return [data] if isinstance(data, int) and not isinstance(data, bool) else []
    if isinstance(data, dict):
        props = schema.get("properties") or {}
        return [i for k, v in data.items() if isinstance(props.get(k), dict) for i in berkas_ids(props[k], v)]
    if isinstance(data, list) and isinstance(schema.get("items"), dict):
        return [i for v in data for i in berkas_ids(schema["items"], v)]
    return []


# ---- reading the submitted form back ----

_BLANK = object()


def _pairs(form: Any) -> dict[str, list[str]]:
    if hasattr(form, "multi_items"):
        items = form.multi_items()
    elif hasattr(form, "getlist"):
        items = [(k, v) for k in dict.fromkeys(form.keys()) for v in form.getlist(k)]
    elif isinstance(form, Mapping):
        items = [(k, v) for k, vs in form.items() for v in (vs if isinstance(vs, list) else [vs])]
    else:
        items = list(form)
    out: dict[str, list[str]] = {}
    for k, v in items:
        if isinstance(v, str):
            out.setdefault(str(k), []).append(v)
    return out


def _number(text: str, integer: bool) -> Any:
    s = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d{1,3}(\.\d{3})+(,\d+)?", s) or ("," in s and "." not in s):
        s = s.replace(".", "").replace(",", ".")  # Indonesian: 1.500.000,50
    try:
        n = float(s)
    except ValueError:
        return text  # the validator says it is not a number, in Indonesian
    if integer and not n.is_integer():
        return n
    return int(n) if n.is_integer() and "e" not in s.lower() else n


Memo = dict[int, tuple[Mapping[str, Any], dict[str, Any] | None]]


def _by_text(schema: Mapping[str, Any], memo: Memo) -> dict[str, Any] | None:
    """The field's choices by the text a control sends, worked out once per subschema (kept in the memo)."""
    if id(schema) not in memo:
        options = _choices(schema)
        memo[id(schema)] = (schema, None if options is None else {_text(v): v for v, _ in options})
    return memo[id(schema)][1]


def _read(schema: Mapping[str, Any], path: str, form: dict[str, list[str]], memo: Memo) -> Any:
    """The value at `path`, `None` when the form has nothing of it, `_BLANK` for an empty control."""
    kind = schema.get("type")
    if kind == "object":
        return _read_object(schema, path, form, memo)
    if kind == "array":
        items: dict[str, Any] = schema.get("items") if isinstance(schema.get("items"), dict) else {}  # type: ignore[assignment]
        by_text = _by_text(items, memo)
        if by_text is not None and items.get("type") != "object":
            if path not in form:
                return None
            return [by_text.get(v, v) for v in form[path] if v != ""]
        found = {int(m.group(1)) for k in form if (m := re.match(re.escape(path) + r"\.(\d+)(\.|$)", k))}
        if not found and path not in form:
            return None
        rows = [_read(items, f"{path}.{i}", form, memo) for i in sorted(found)]
        return [{} if r is None and items.get("type") == "object" else r for r in rows if r not in (None, _BLANK)]
    values = form.get(path)
    if values is None:
        return None
    if kind == "boolean":
        return True if "true" in values else False if "false" in values else _BLANK
    text = next((v for v in values if v != ""), "")
    if text == "":
        return _BLANK
    by_text = _by_text(schema, memo)
    if by_text is not None:
        return by_text.get(text, _number(text, True) if kind == "integer" else text)
    if kind in ("integer", "number"):
        return _number(text, kind == "integer")
    return text


def _read_object(schema: Mapping[str, Any], path: str, form: dict[str, list[str]], memo: Memo) -> Any:
    prefix = f"{path}." if path else ""
    props = schema.get("properties") or {}
    read = {k: _read(sub, prefix + k, form, memo) for k, sub in props.items() if isinstance(sub, dict)}
    if path and all(v is None for v in read.values()):
        return None
    out = {k: v for k, v in read.items() if v is not None and v is not _BLANK}
    if path and not any(_filled(v) for v in out.values()):
        return {}  # nothing written in it: left out by its parent unless required
    required = required_now(schema, out)
    for k, v in read.items():
        plain = props[k].get("type") == "string" and _by_text(props[k], memo) is None and "format" not in props[k]
        if v is _BLANK and k in required and plain:
            out[k] = ""  # "tidak boleh kosong" at the field rather than a missing key
        if isinstance(out.get(k), dict | list) and not out[k] and k not in required:
            del out[k]
    return {k: out[k] for k in props if k in out}


def parse(schema: Mapping[str, Any], form: Any) -> dict[str, Any]:
    """The submitted form (starlette FormData, a multi-dict, a mapping of lists or (name, value) pairs) as the
    data the schema describes; names the schema does not know (the CSRF token, buttons) are ignored."""
    out = _read_object(schema, "", _pairs(form), {})
    return out if isinstance(out, dict) else {}
