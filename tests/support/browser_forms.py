"""A person filling any form on a task page in the browser, knowing only the form the server serves.

The answer is what the HTTP client of tests/support/generic_client.py would send (the served schema, its
choices and defaults, the test's Policy deciding among what is offered); the browser driver then puts that
answer into the page the way a person does, through the DOM contract of the renderer (notes: api/ui/formulir.py,
_formulir.html):

- a control's `name` is the dotted data path (`apl01.bukti.0.nama`), its id `f-` + the path with `-`;
- a choice is radios (a `value` per offered value), a `<select>`, or a checkbox for a required boolean;
- a list of choices is a checkbox group; a list of rows a `[data-daftar=path]` fieldset whose rows are
  `.daftar-baris > .baris`, added with its "Tambah ..." button and removed with a row's "Hapus";
- a file is picked in the file input (`set_input_files` with a small real PDF or PNG); the page uploads it at
  once and writes the upload's id into the hidden input named by the path, which the driver waits for;
- read-only and hidden values (`hanya-baca`, `tersembunyi`, a file only shown) are the server's: left as they are.

Then "Kirim"; the page either moves on or shows the error summary, whose messages are returned.
"""

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from tests.support.browser import Site
from tests.support.generic_client import (
    FILES,
    MISSING,
    GenericClient,
    Policy,
    _Filler,
    _options,
    _then_properties,
)


@dataclass(frozen=True)
class Unggah:
    """A file the person picks from their phone for a file field (uploaded by the page itself)."""

    name: str
    mime: str
    content: bytes


class _BrowserFiller(_Filler):
    # Whether the person replaces a file already given (a returned registration's evidence), by task and path.
    refile: Callable[[dict[str, Any], str], bool] = staticmethod(lambda task, path: False)

    def fill(
        self, schema: dict[str, Any], value: Any, path: str, row: dict[str, Any] | None = None, index: int | None = None
    ) -> Any:
        if "x-berkas" in schema and value is not MISSING and self.refile(self.task, path):
            return self.upload(schema["x-berkas"], path)
        return super().fill(schema, value, path, row, index)

    def upload(self, berkas: dict[str, Any], path: str) -> Any:
        if not berkas.get("upload"):
            raise self.fail(path, "a file someone uploaded earlier, with no default naming it")
        kinds = [k for k in berkas.get("accept", FILES) if k in FILES]
        if not kinds:
            raise self.fail(path, f"no file of an accepted type at hand: {berkas.get('accept')}")
        name, content = FILES[kinds[0]]
        return Unggah(name, kinds[0], content)


def dom_path(path: str) -> str:
    """The generic client's `a.b[0].c` as the page names it: `a.b.0.c`."""
    return re.sub(r"\[(\d+)\]", r".\1", path).lstrip(".")


def _quoted(value: str) -> str:
    return json.dumps(value)  # a CSS attribute value in double quotes, escaped


def dom_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


@dataclass
class TaskForm:
    """The form of the task page open in `page`, filled as `user` by `policy`."""

    site: Site
    page: Any
    user: str
    policy: Policy
    refile: Callable[[dict[str, Any], str], bool] = lambda task, path: False
    task: dict[str, Any] | None = None  # the inbox row as the caller knows it (else read from the inbox)
    on_step: Callable[[Any], None] = lambda page: None  # each step of a form in steps, as it is shown (axe)

    @property
    def task_id(self) -> str:
        m = re.search(r"/(?:tasks|berkas/periksa)/([^/?#]+)", self.page.url)
        assert m, f"not a task page: {self.page.url}"
        return m.group(1)

    def row(self) -> dict[str, Any]:
        """The task as the person's inbox lists it (name, subject: what a policy decides by)."""
        if self.task is not None:
            return self.task
        for t in self.site.api.inbox(self.user):
            if str(t["id"]) == self.task_id:
                return dict(t)
        detail = self.site.api.get(self.user, f"/api/tasks/{self.task_id}").json()
        return dict(detail)

    def schema(self) -> dict[str, Any]:
        r = self.site.api.get(self.user, f"/api/tasks/{self.task_id}")
        assert r.status_code == 200, r.text
        schema: dict[str, Any] = (r.json().get("form") or {}).get("schema") or {"type": "object"}
        return schema

    def answer(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """(the inbox row, the served schema, the answer the person gives). What happens in the world before
        the person opens the task (`Policy.before`) is the caller's to let happen before the page is opened."""
        row, schema = self.row(), self.schema()
        client = GenericClient(self.site.api, [self.user], self.policy, today=self.site.today)
        filler = _BrowserFiller(client, self.user, row)
        filler.refile = self.refile
        answer: dict[str, Any] = filler.fill(schema, MISSING, "")
        return row, schema, answer

    def fill(self) -> dict[str, Any]:
        """Fill the page's form with the person's answer; the answer (files as `Unggah`). A form in steps (the
        registration wizard: "Lanjut: ..." buttons) is filled a step at a time, what each step shows, then
        checked whole on its last step, which shows everything."""
        _, schema, answer = self.answer()
        self.visible_only = True
        for _ in range(20):
            self.on_step(self.page)
            self.put(schema, answer, "")
            onward = self.page.get_by_role("button", name=re.compile(r"^Lanjut"))
            if not (onward.count() and onward.first.is_visible()):
                break
            onward.first.click()
        self.visible_only = False
        self.put(schema, answer, "")
        return answer

    visible_only: bool = False
    uploaded: set[str] = field(default_factory=set)  # the file fields given a file on this page

    def hidden(self, control: Any) -> bool:
        """A control another step of the form shows (skipped until then)."""
        return self.visible_only and not control.first.is_visible()

    # --- the page ----------------------------------------------------------------------------------------

    def control(self, path: str) -> Any:
        return self.page.locator(f"[name={_quoted(path)}]")

    def put(self, schema: dict[str, Any], value: Any, path: str) -> None:
        if "const" in schema and schema.get("type") != "boolean":
            return  # the server's value; a boolean that must be true is a box the person ticks (a declaration)
        if "x-berkas" in schema:
            if isinstance(value, Unggah):
                self.upload(path, value)
            return  # a file chosen earlier (only shown), or one of the earlier files offered
        kind = schema.get("type")
        if _options(schema) is not None:
            self.choose(path, value)
        elif kind == "object":
            props = schema.get("properties", {})
            for name, v in value.items():
                sub = {**props.get(name, {}), **_then_properties(schema, value, name)}
                self.put(sub, v, f"{path}.{name}".lstrip("."))
        elif kind == "array":
            items = schema.get("items", {})
            if _options(items) is not None and items.get("type") != "object":
                self.check_many(path, value)
                return
            self.rows(path, len(value))
            if self.hidden(self.page.locator(f"[data-daftar={_quoted(path)}]")):
                return
            for i, v in enumerate(value):
                self.put(items, v, f"{path}.{i}")
        else:
            self.type(path, value)

    def _editable(self, path: str) -> Any | None:
        """The control a person types into or picks with, or None when the value is the server's (hidden)."""
        controls = self.control(path)
        n = controls.count()
        if n == 0:
            raise AssertionError(f"{self.page.url}: no control named {path!r}")
        for i in range(n):
            c = controls.nth(i)
            if c.get_attribute("type") != "hidden":
                return c
        return None

    def choose(self, path: str, value: Any) -> None:
        control = self._editable(path)
        if control is None:
            return  # read-only (hanya-baca): shown, sent as it is
        if self.hidden(control):
            return
        wanted = dom_value(value)
        radios = self.page.locator(f"input[type=radio][name={_quoted(path)}]")
        if radios.count():
            radio = radios.and_(self.page.locator(f"[value={_quoted(wanted)}]"))
            if not radio.is_checked():
                radio.check()
            return
        select = self.page.locator(f"select[name={_quoted(path)}]")
        if select.count():
            if select.input_value() != wanted:
                select.select_option(value=wanted)
            return
        box = self.page.locator(f"input[type=checkbox][name={_quoted(path)}]")
        if box.count() == 1 and isinstance(value, bool):
            if box.is_checked() != value:
                box.set_checked(value)
            return
        raise AssertionError(f"{self.page.url}: {path!r} offers no radio, select or checkbox for {wanted!r}")

    def check_many(self, path: str, values: list[Any]) -> None:
        wanted = {dom_value(v) for v in values}
        boxes = self.page.locator(f"input[type=checkbox][name={_quoted(path)}]")
        if boxes.count() and self.hidden(boxes):
            return
        offered = {boxes.nth(i).get_attribute("value") for i in range(boxes.count())}
        assert wanted <= offered, f"{path!r}: {wanted - offered} not offered on the page"
        for i in range(boxes.count()):
            box = boxes.nth(i)
            if box.is_checked() != (box.get_attribute("value") in wanted):
                box.set_checked(box.get_attribute("value") in wanted)

    def rows(self, path: str, n: int) -> None:
        daftar = self.page.locator(f"[data-daftar={_quoted(path)}]")
        assert daftar.count() == 1, f"{self.page.url}: no list {path!r}"
        if self.hidden(daftar):
            return
        present = daftar.locator(":scope > .daftar-baris > .baris")
        while present.count() < n:
            before = present.count()
            daftar.locator(":scope > [data-tambah]").click()
            self.page.wait_for_function(
                '([p, n]) => document.querySelector(`[data-daftar="${p}"] > .daftar-baris`).children.length > n',
                arg=[path, before],
            )
        while present.count() > n:
            before = present.count()
            present.nth(before - 1).locator("[data-hapus]").last.click()
            self.page.wait_for_function(
                '([p, n]) => document.querySelector(`[data-daftar="${p}"] > .daftar-baris`).children.length < n',
                arg=[path, before],
            )

    def type(self, path: str, value: Any) -> None:
        control = self._editable(path)
        if control is None or control.input_value() == dom_value(value) or self.hidden(control):
            return  # the server's, or already what the person would type (a hidden optional part left empty)
        control.fill(dom_value(value))

    def upload(self, path: str, file: Unggah) -> None:
        hidden = self.page.locator(f"input[type=hidden][data-berkas-id][name={_quoted(path)}]")
        before = hidden.input_value()
        picker = self.page.locator(f"input[type=file]#f-{path.replace('.', '-')}")
        if path in self.uploaded or self.hidden(picker):
            return
        picker.set_input_files({"name": file.name, "mimeType": file.mime, "buffer": file.content})
        self.page.wait_for_function(
            '([p, b]) => { const h = document.querySelector(`input[data-berkas-id][name="${p}"]`);'
            " return h && h.value && h.value !== b; }",
            arg=[path, before],
        )
        self.uploaded.add(path)

    # --- sending ------------------------------------------------------------------------------------------

    def send(self, button: str = "Kirim") -> list[str]:
        """Press the button; wait for the next page (or the error summary); the summary's messages, if any. A
        choice the page asks about once more before sending (a refusal, BK) is confirmed with "Ya, kirim"."""
        self._press(self.page.get_by_role("button", name=button, exact=True))
        confirm = self.page.locator("#konfirmasi")
        if confirm.count() and self.page.locator(".ringkasan-galat").count() == 0:
            self._press(confirm.get_by_role("button", name="Ya, kirim"))
        summary = self.page.locator(".ringkasan-galat")
        if summary.count() == 0:
            return []
        return [t.strip() for t in summary.locator("li").all_inner_texts()] or [summary.inner_text()]

    def _press(self, button: Any) -> None:
        self.page.evaluate(
            "() => { window.__ujikomSebelum = true;"
            " document.querySelectorAll('.ringkasan-galat').forEach(e => e.dataset.lama = '1'); }"
        )
        button.click()
        self.page.wait_for_function(
            "() => !window.__ujikomSebelum ||"
            " [...document.querySelectorAll('.ringkasan-galat')].some(e => !e.dataset.lama)"
        )
        self.page.wait_for_load_state("load")


def work_task(
    site: Site,
    page: Any,
    user: str,
    policy: Policy,
    refile: Callable[[dict[str, Any], str], bool] | None = None,
    button: str = "Kirim",
    task: dict[str, Any] | None = None,
    on_step: Callable[[Any], None] = lambda page: None,
) -> dict[str, Any]:
    """Fill the open task page's form as `user` decides and send it; fail naming the errors the page shows."""
    form = TaskForm(site, page, user, policy, refile or (lambda task, path: False), task, on_step)
    answer = form.fill()
    errors = form.send(button)
    assert not errors, f"{user}: {page.url}: the page refused the answer: {errors}"
    site.drain()
    return answer
