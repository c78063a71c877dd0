"""The modeller's Indonesian dictionary (api/web/bpmn-id.json) covers every string the installed bpmn-js and
diagram-js pass to `translate()`: their sources and the bundles the pages load are read for each call, so an
npm upgrade that adds a string, or a call whose text this test cannot see, fails here by name."""

import json
import re

from api.settings import PROJECT_ROOT

NODE = PROJECT_ROOT / "node_modules"
DICTIONARY = PROJECT_ROOT / "api" / "web" / "bpmn-id.json"
LIBS = [NODE / "bpmn-js" / "lib", NODE / "diagram-js" / "lib"]
# What the pages load (api/ui/templates/perancang/): the production builds of these development bundles.
BUNDLES = [
    NODE / "bpmn-js" / "dist" / "bpmn-modeler.development.js",
    NODE / "bpmn-js" / "dist" / "bpmn-navigated-viewer.development.js",
]
# Text diagram-js's popup menu writes without translate() (in the bundle as `needle`): api/web/bpmn-id.js
# replaces these words on the page, whole attribute values or text nodes ("3 results found" is three nodes).
UNTRANSLATED = {
    "aria-label=\"${ title || 'Search' }\"": ("Search",),
    "ariaLabel=${ title || 'Results' }": ("Results",),
    'title="Back"': ("Back",),
    "`Open entry documentation for ${ selectedEntry.label }`": ("Open entry documentation for {label}",),
    "'Open entry documentation'": ("Open entry documentation",),
    "${ entriesToShow.length === 1 ? 'result' : 'results' } found": ("result", "results", "found"),
}

# A call to the i18n service, not to the SVG helper of the same name (`translate(gfx, x, y)`), a method
# (`matrix.translate(`) or text inside a string (`'translate(' + shift`).
CALL = re.compile(r"(?<![\w$.'\"`])(?:(?:this|self)\._)?translate\s*\(")
LITERAL = re.compile(r"""\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*[,)]""")


def _code_lines(text: str) -> str:
    """The text without comment lines (a JSDoc example calls translate() too)."""
    return "\n".join(line for line in text.splitlines() if not re.match(r"\s*(\*|/\*|//)", line))


def _argument(text: str, start: int) -> tuple[str, int]:
    """The first argument of the call whose `(` ends at `start`, and how many arguments the call has."""
    depth, i, first_end, count = 0, start, None, 1
    while i < len(text):
        c = text[i]
        if c in "'\"`":
            i = _skip_string(text, i)
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            if depth == 0:
                return text[start : first_end if first_end is not None else i].strip(), count
            depth -= 1
        elif c == "," and depth == 0:
            count += 1
            if first_end is None:
                first_end = i
        i += 1
    raise AssertionError(f"unterminated call at {text[start - 20 : start + 40]!r}")


def _skip_string(text: str, i: int) -> int:
    quote, i = text[i], i + 1
    while text[i] != quote:
        i += 2 if text[i] == "\\" else 1
    return i


def _constant(text: str, name: str) -> str:
    found = re.search(rf"\b(?:var|let|const)\s+{name}\s*=\s*'((?:[^'\\]|\\.)*)'", text)
    assert found, f"translate({name}): the constant is not a string literal any more"
    return found.group(1)


def _replace_labels() -> set[str]:
    """What ReplaceMenuProvider passes as `translate(label)`: the labels of its options."""
    labels: set[str] = set()
    for name in ("popup-menu/PopupEntries.js", "replace/ReplaceOptions.js"):
        text = _code_lines((NODE / "bpmn-js" / "lib" / "features" / name).read_text())
        labels |= set(re.findall(r"\blabel:\s*'((?:[^'\\]|\\.)*)'", text))
    options = (NODE / "bpmn-js" / "lib" / "features" / "replace" / "ReplaceOptions.js").read_text()
    computed = re.search(r"var label = '([^']*)';\s*\n.*\n\s*label \+= '([^']*)';", options)
    assert computed, "ReplaceOptions.js builds a pool's label in a new way: read it and list its strings"
    labels |= {computed.group(1), computed.group(1) + computed.group(2)}
    return labels


def _alignments() -> set[str]:
    text = (NODE / "bpmn-js" / "lib" / "features" / "align-elements" / "AlignElementsMenuProvider.js").read_text()
    found = re.search(r"ALIGNMENT_OPTIONS\s*=\s*\[([^\]]*)\]", text)
    assert found
    return {f"Align elements {a}" for a in re.findall(r"'(\w+)'", found.group(1))}


def translated_strings() -> dict[str, set[str]]:
    """Every string passed to translate() in bpmn-js and diagram-js, with where it is passed."""
    files = [p for lib in LIBS for p in lib.rglob("*.js") if ".spec." not in p.name] + BUNDLES
    found: dict[str, set[str]] = {}
    for path in files:
        text = _code_lines(path.read_text())
        where = str(path.relative_to(NODE))
        for call in CALL.finditer(text):
            if re.search(r"function\s+$", text[max(0, call.start() - 12) : call.start()]):
                continue  # the definition: `function translate(template, replacements)`
            argument, count = _argument(text, call.end())
            if count >= 3:
                continue  # SvgTransformUtil's translate(gfx, x, y)
            literal = LITERAL.match(text, call.end())
            if literal:
                strings = {literal.group(1) if literal.group(1) is not None else literal.group(2)}
            elif argument in ("COLLAB_ERR_MSG", "DATA_OBJECT_ERR_MSG"):
                strings = {_constant(text, argument)}
            elif argument == "label" and re.search(r"\blabel:\s*$", text[call.start() - 20 : call.start()]):
                strings = _replace_labels()
            elif argument == "'Align elements ' + alignment":
                strings = _alignments()
            else:
                raise AssertionError(
                    f"{where}: translate({argument}) passes text this test cannot read: list its strings here "
                    "and in api/web/bpmn-id.json"
                )
            for s in strings:
                found.setdefault(s.replace("\\'", "'"), set()).add(where)
    return found


def _dictionary() -> dict[str, str]:
    entries: dict[str, str] = json.loads(DICTIONARY.read_text(encoding="utf-8"))
    return entries


def test_every_string_bpmn_js_translates_has_an_indonesian_entry() -> None:
    strings = translated_strings()
    missing = sorted(s for s in strings if s not in _dictionary())
    assert missing == [], (
        "strings the installed bpmn-js/diagram-js translate, missing from bpmn-id.json:\n"
        + "\n".join(f"  {s!r} ({', '.join(sorted(strings[s]))})" for s in missing)
    )


def test_the_reader_finds_the_strings_of_the_palette_the_context_pad_and_the_replace_menu() -> None:
    strings = translated_strings()
    for expected in (
        "Activate hand tool",
        "Create start event",
        "Append task",
        "Change element",
        "Delete",
        "User task",
        "Call activity",
        "Empty pool/participant (removes content)",
        "Align elements middle",
        "flow elements must be children of pools/participants",
        "Open {element}",
        "Search in diagram",
    ):
        assert expected in strings, expected
    assert "HELLO {you}" not in strings  # the JSDoc example
    assert not any(s.startswith("translate(") for s in strings)


def test_the_dictionary_keeps_no_entry_bpmn_js_no_longer_emits_and_keeps_the_placeholders() -> None:
    bundle = BUNDLES[0].read_text()
    for needle in UNTRANSLATED:
        assert needle in bundle, f"diagram-js no longer writes {needle!r}: drop it from bpmn-id.json and bpmn-id.js"
    script = (PROJECT_ROOT / "api" / "web" / "bpmn-id.js").read_text()
    on_page = {
        word
        for name in ("PAGE_WORDS", "PAGE_TEMPLATES")
        for word in re.findall(r"'([^']*)'", re.search(rf"const {name} = \[([^\]]*)\]", script).group(1))  # type: ignore[union-attr]
    }
    assert on_page == {word for words in UNTRANSLATED.values() for word in words}
    emitted = set(translated_strings()) | {word for words in UNTRANSLATED.values() for word in words}
    dictionary = _dictionary()
    assert sorted(set(dictionary) - emitted) == []
    for english, indonesian in dictionary.items():
        assert indonesian.strip() and indonesian != english, english
        assert set(re.findall(r"\{\w+\}", indonesian)) == set(re.findall(r"\{\w+\}", english)), english
