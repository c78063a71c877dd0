"""What a browser submits of an HTML form, read with the standard library's parser: the successful controls in
document order (inputs with a name, checked boxes and radios only, each select's chosen option, textareas),
nothing inside <template>, nothing disabled, no file inputs nor buttons. And the controls themselves, with
their labels, for tests of what a page shows."""

from dataclasses import dataclass, field
from html.parser import HTMLParser


@dataclass
class Control:
    tag: str
    attrs: dict[str, str]
    options: list[tuple[str, bool, str]] = field(default_factory=list)  # value, selected, text
    text: str = ""

    @property
    def name(self) -> str:
        return self.attrs.get("name", "")

    @property
    def type(self) -> str:
        return self.attrs.get("type", "text") if self.tag == "input" else self.tag


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.controls: list[Control] = []
        self.labels: dict[str, str] = {}  # for -> text
        self.all_labels: dict[str, list[str]] = {}
        self.legends: dict[str, str] = {}  # a fieldset's id -> its legend's text
        self._fieldsets: list[str] = []
        self._legend: list[str] | None = None
        self.ids: set[str] = set()
        self._template = 0
        self._select: Control | None = None
        self._option: list[str] | None = None
        self._option_attrs: dict[str, str] = {}
        self._textarea: Control | None = None
        self._label: list[str] | None = None
        self._label_for = ""

    def handle_starttag(self, tag: str, attrs_list: list[tuple[str, str | None]]) -> None:
        attrs = {k: v if v is not None else "" for k, v in attrs_list}
        if tag == "template":
            self._template += 1
        if self._template:
            return
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "fieldset":
            self._fieldsets.append(attrs.get("id", ""))
        elif tag == "legend":
            self._legend = []
        elif tag == "label":
            self._label, self._label_for = [], attrs.get("for", "")
        elif tag == "input":
            self.controls.append(Control(tag, attrs))
        elif tag == "select":
            self._select = Control(tag, attrs)
            self.controls.append(self._select)
        elif tag == "option":
            self._option, self._option_attrs = [], attrs
        elif tag == "textarea":
            self._textarea = Control(tag, attrs)
            self.controls.append(self._textarea)

    def handle_endtag(self, tag: str) -> None:
        if tag == "template":
            self._template -= 1
        if self._template:
            return
        if tag == "fieldset" and self._fieldsets:
            self._fieldsets.pop()
        elif tag == "legend" and self._legend is not None:
            if self._fieldsets and self._fieldsets[-1]:
                self.legends[self._fieldsets[-1]] = " ".join("".join(self._legend).split())
            self._legend = None
        elif tag == "label" and self._label is not None:
            text = " ".join("".join(self._label).split())
            self.labels.setdefault(self._label_for, text)  # the first label is the field's own
            self.all_labels.setdefault(self._label_for, []).append(text)
            self._label = None
        elif tag == "option" and self._option is not None and self._select is not None:
            text = "".join(self._option).strip()
            value = self._option_attrs.get("value", text)
            self._select.options.append((value, "selected" in self._option_attrs, text))
            self._option = None
        elif tag == "select":
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            # A browser drops the one newline that follows <textarea>.
            t = self._textarea.text
            self._textarea.text = t[1:] if t.startswith("\n") else t
            self._textarea = None

    def handle_data(self, data: str) -> None:
        if self._template:
            return
        if self._label is not None:
            self._label.append(data)
        if self._legend is not None:
            self._legend.append(data)
        if self._option is not None:
            self._option.append(data)
        if self._textarea is not None:
            self._textarea.text += data


def read(html: str) -> _Reader:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader


def submitted(html: str) -> list[tuple[str, str]]:
    """The (name, value) pairs a browser posts for the form's controls as the HTML sets them."""
    pairs: list[tuple[str, str]] = []
    for c in read(html).controls:
        if not c.name or "disabled" in c.attrs:
            continue
        if c.tag == "input":
            if c.type in ("file", "submit", "button", "reset", "image"):
                continue
            if c.type in ("checkbox", "radio"):
                if "checked" in c.attrs:
                    pairs.append((c.name, c.attrs.get("value", "on")))
                continue
            pairs.append((c.name, c.attrs.get("value", "")))
        elif c.tag == "select":
            chosen = [v for v, selected, _ in c.options if selected] or [v for v, _, _ in c.options[:1]]
            pairs += [(c.name, v) for v in chosen[-1:]]
        elif c.tag == "textarea":
            pairs.append((c.name, c.text.replace("\r\n", "\n")))
    return pairs
