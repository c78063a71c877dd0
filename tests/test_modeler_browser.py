"""A process designer in a real browser (Debian's Chromium driven by Playwright) against `ujikom serve`:
a broken edit is refused with the element named on the canvas; a renamed step and a new step added in
its lane deploy as version 2; the period running before the deploy finishes on version 1 and the next
period follows version 2."""

import re
from pathlib import Path
from typing import Any

import pytest

from api.store.models import LANE_ROLES
from tests.support import bpmn_edits, sop
from tests.support.browser import WAIT_MS
from tests.support.live_server import LiveApi, LiveServer

SOP = "uji_kompetensi"
PROCESSES = Path(__file__).resolve().parent.parent / "processes"


@pytest.fixture
def server(live_server: LiveServer) -> tuple[str, str]:
    return live_server.base, live_server.database_url


@pytest.fixture
def browser(chromium: Any) -> Any:
    """The module's Chromium (tests/support/browser.py): Playwright's sync API runs one at a time."""
    return chromium


def _page(browser: Any, width: int) -> Any:
    """A page whose steps wait as long as the suite's browser pages do on a loaded machine (a 30 s default
    was too short for filling the SOP's XML into the XML tab there)."""
    page = browser.new_page(viewport={"width": width, "height": 950})
    page.set_default_timeout(WAIT_MS)
    page.set_default_navigation_timeout(WAIT_MS)
    return page


def _log_in(page: Any, username: str) -> None:
    """The pages' login form (a page asked for without a session sends there and back)."""
    page.get_by_label("Nama pengguna atau NIM").fill(username)
    page.get_by_label("Kata sandi").fill(f"{username}-demo")
    page.get_by_role("button", name="Masuk", exact=True).click()


def _select(page: Any, element_id: str) -> None:
    page.evaluate(
        "id => { const m = window.ujikomModeler; m.get('selection').select(m.get('elementRegistry').get(id)); }",
        element_id,
    )


def _panel_field(page: Any, label: str) -> Any:
    return page.locator("#panel label.field", has=page.locator(f"span:text-is('{label}')")).locator("input, textarea")


def test_a_designer_renames_a_step_in_the_browser_and_only_new_periods_follow_it(
    server: tuple[str, str], browser: Any, tmp_path: Path
) -> None:
    base, database_url = server
    api = LiveApi(base, database_url)
    old = sop.start_period(api, "LSP-LAMA")
    assert old["version"] == 1
    [first] = old["active_tasks"]
    role = LANE_ROLES[first["lane"]]
    element_id = sop.task_detail(api, role, first["id"])["element_id"]
    new_name = f"{first['name']} (revisi)"
    added_name = "Memeriksa ulang target"
    form = (
        bpmn_edits.by_id(bpmn_edits.parse((PROCESSES / f"{SOP}.bpmn").read_text()), element_id)
        .find(".//spiffworkflow:property[@name='formJsonSchemaFilename']", bpmn_edits.NS)
        .get("value")
    )

    page = _page(browser, 1500)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/modeler")
    _log_in(page, "desainer")
    page.wait_for_selector(f"#process option[value='{SOP}']", state="attached")
    page.select_option("#process", SOP)
    page.click("#open")
    shape = page.locator(f".djs-element[data-element-id='{element_id}']")
    shape.wait_for()

    # A broken edit: the flow into the step gets a condition that is not Python.
    flow_id = page.evaluate("id => window.ujikomModeler.get('elementRegistry').get(id).incoming[0].id", element_id)
    _select(page, flow_id)  # a connection is a thin target for a click
    _panel_field(page, "syarat (Python)").fill("periode ==")
    _panel_field(page, "syarat (Python)").press("Tab")
    page.click("#deploy")
    page.wait_for_selector(".status.error")
    assert "Penerapan ditolak: 1 galat" in page.inner_text("#status")
    problems = page.inner_text("#problems")
    assert flow_id in problems and "Kondisi ini bukan ekspresi Python yang sah: baris 1: " in problems
    page.wait_for_selector(f".djs-connection.ujikom-error[data-element-id='{flow_id}']", state="attached")
    note = page.locator(f".problem-note.error[data-element-id='{flow_id}']")
    assert "Kondisi ini bukan ekspresi Python yang sah" in note.inner_text()
    page.screenshot(path=str(tmp_path / "refused.png"))
    assert [v["version"] for v in api.get("desainer", f"/api/process-definitions/{SOP}/versions").json()] == [1]

    # Fix it, rename the step in the properties panel, deploy.
    _panel_field(page, "syarat (Python)").fill("")
    _panel_field(page, "syarat (Python)").press("Tab")
    box = page.locator("#canvas").bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 30)  # empty canvas: deselects
    shape.click()
    _panel_field(page, "nama").fill(new_name)
    _panel_field(page, "nama").press("Tab")
    assert (
        new_name in (shape.text_content() or "").replace("\u00a0", " ")
        or page.evaluate("id => window.ujikomModeler.get('elementRegistry').get(id).businessObject.name", element_id)
        == new_name
    )
    assert f"{SOP}.bpmn *" in page.inner_text("#tabs")

    # Add a step in the same lane: drop a task from the palette on the flow out of the renamed step
    # (bpmn-js splits the flow), name it, make it a user task, give it the step's form.
    flow_out = page.evaluate("id => window.ujikomModeler.get('elementRegistry').get(id).outgoing[0].id", element_id)
    target = page.locator(f".djs-connection[data-element-id='{flow_out}']").bounding_box()
    page.click(".djs-palette .entry[data-action='create.task']")
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=5)
    page.mouse.click(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2)
    page.keyboard.type(added_name)  # bpmn-js opens the new task's label for typing
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] - 30)
    added_id = page.evaluate(
        "name => window.ujikomModeler.get('elementRegistry').filter(e => e.businessObject.name === name)[0].id",
        added_name,
    )
    # It lies over its neighbours (the flow was short): select it as a click on its free edge would.
    _select(page, added_id)
    page.click(".djs-context-pad .entry[data-action='replace']")
    page.click(".djs-popup .entry[data-id='replace-with-user-task']")
    added_id = page.evaluate("() => window.ujikomModeler.get('selection').get()[0].id")
    assert page.locator("#panel h3").first.text_content() == "Tugas pengguna"
    _panel_field(page, "properti baru").fill("formJsonSchemaFilename")
    _panel_field(page, "nilai").fill(form)
    page.get_by_role("button", name="Tambah properti").click()
    assert _panel_field(page, "formJsonSchemaFilename").input_value() == form
    assert f"Lajur: {first['lane']}" in page.inner_text("#panel")
    page.screenshot(path=str(tmp_path / "added.png"))

    page.click("#deploy")
    page.wait_for_selector(".status.ok")
    assert f"{SOP} v2" in page.inner_text("#status")
    page.wait_for_selector("#versions li[data-version='2']")
    assert "v1" in page.inner_text("#versions")
    page.click("#versions li[data-version='2'] .diff-version")
    page.wait_for_selector("#diff:not([hidden])")
    diff = page.inner_text("#diff")
    assert new_name in diff and f"{added_name} userTask {added_id} di lajur {first['lane']}" in diff
    page.screenshot(path=str(tmp_path / "deployed.png"))

    versions = api.get("desainer", f"/api/process-definitions/{SOP}/versions").json()
    assert [(v["version"], v["created_by"]) for v in versions] == [(2, "desainer"), (1, "seed-demo")]

    # The period started before the deploy finishes on version 1, under the old name.
    sop.step_1_and_2(api, old["id"])
    sop.step_3(api, old["id"])
    sop.step_4(api)
    sop.step_5(api)
    sop.step_6(api, old["id"])
    sop.step_7(api, old["id"])
    finished = api.get("admin", f"/api/instances/{old['id']}").json()
    assert (finished["status"], finished["version"]) == ("completed", 1)

    # The next period follows version 2: the renamed step, then the added one, then on as before.
    new = sop.start_period(api, "LSP-BARU")
    assert new["version"] == 2
    assert [(t["name"], t["lane"]) for t in new["active_tasks"]] == [(new_name, first["lane"])]
    api.complete(role, new["active_tasks"][0]["id"], sop.TARGET)
    added = sop.one(api, role, added_name, instance_id=new["id"])
    assert sop.task_detail(api, role, added["id"])["element_id"] == added_id
    api.complete(role, added["id"], sop.TARGET)
    after = api.get("admin", f"/api/instances/{new['id']}").json()["active_tasks"]
    assert after and {t["name"] for t in after}.isdisjoint({new_name, added_name}), "and on to the next step"

    # Each period's diagram draws its own version, marked: the old one done, the new one at its renamed step.
    page.goto(f"{base}/akun")
    page.get_by_role("button", name="Keluar").click()  # desainer may not read instances: admin may
    page.goto(f"{base}/instances/{old['id']}/diagram")
    _log_in(page, "admin")
    page.wait_for_selector(f".djs-element.ujikom-completed[data-element-id='{element_id}']", state="attached")
    assert page.locator(".children a").count() > 0
    page.screenshot(path=str(tmp_path / "old-period.png"))
    page.goto(f"{base}/instances/{new['id']}/diagram")
    step = page.locator(f".djs-element.ujikom-completed[data-element-id='{added_id}']")
    step.wait_for(state="attached")
    assert added_name in (step.text_content() or "").replace("\u00a0", " ")
    assert page.locator(".djs-element.ujikom-active").count() == 1
    page.screenshot(path=str(tmp_path / "new-period.png"))
    assert errors == []


def test_an_edit_in_the_xml_tab_is_validated_and_its_warnings_listed(server: tuple[str, str], browser: Any) -> None:
    base, _ = server
    page = _page(browser, 1500)
    page.goto(f"{base}/modeler")
    _log_in(page, "desainer")
    page.wait_for_selector(f"#process option[value='{SOP}']", state="attached")
    page.select_option("#process", SOP)
    page.click("#open")
    page.wait_for_selector(".djs-element")
    page.click("#tabs [data-view='xml']")
    xml = page.input_value("#xml")
    opening = re.search(rf"<bpmn:process [^>]*id=\"{SOP}\"[^>]*>", xml)
    assert opening, "the saved XML keeps the bpmn: prefix and the process id"
    task = '<bpmn:task id="tanpa_gambar" name="Tanpa gambar"/>'
    closing = xml.index("</bpmn:process>", opening.end())  # after the process's properties and lanes (XSD order)
    page.fill("#xml", xml[:closing] + task + xml[closing:])
    page.click("#validate")
    page.wait_for_selector("#problems li.warning")
    assert "sah, 1 peringatan" in page.inner_text("#status")
    listed = page.inner_text("#problems")
    assert "[tanpa_gambar]" in listed and "tidak punya bentuk di diagram" in listed
    assert f"{SOP}.bpmn *" in page.inner_text("#tabs")
    page.click("#tabs [data-view='diagram']")  # the edited XML draws (the new task has no shape to draw)
    page.wait_for_selector(".djs-element")
    assert page.evaluate("() => !!window.ujikomModeler.get('elementRegistry').get('tanpa_gambar')") is False


def test_a_designer_changes_a_form_beside_the_bpmn_and_the_next_period_gets_it(
    server: tuple[str, str], browser: Any
) -> None:
    base, database_url = server
    api = LiveApi(base, database_url)
    page = _page(browser, 1500)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(f"{base}/modeler")
    _log_in(page, "desainer")
    page.wait_for_selector(f"#process option[value='{SOP}']", state="attached")
    page.select_option("#process", SOP)
    page.click("#open")
    page.wait_for_selector(".djs-element")
    _select(page, "menetapkan_target")
    page.get_by_role("button", name="Ubah formulir").click()
    preview = page.frame_locator("#form-preview")
    preview.get_by_label("Catatan").wait_for()

    # A keyword the renderer cannot draw is refused in the preview before any deploy.
    schema = page.input_value("#form-json")
    page.fill("#form-json", schema.replace('"title": "Catatan"', '"title": "Catatan", "$ref": "#/x"'))
    preview.get_by_text("Formulir ini akan ditolak saat diterapkan").wait_for()

    # The Direktur's note gets a clearer title: the preview draws it as the task page will.
    page.fill("#form-json", schema.replace('"title": "Catatan"', '"title": "Catatan Direktur"'))
    preview.get_by_label("Catatan Direktur").wait_for()
    page.get_by_role("button", name="Simpan ke rancangan").click()
    assert f"{SOP}.bpmn *" in page.inner_text("#tabs")  # the process is deployed with its form
    page.get_by_role("button", name="Tutup").click()
    page.click("#deploy")
    page.wait_for_selector(".status.ok")
    assert f"{SOP} v2" in page.inner_text("#status")
    assert errors == []

    period = sop.start_period(api, "LSP-FORMULIR")
    assert period["version"] == 2
    [task] = period["active_tasks"]
    detail = sop.task_detail(api, "direktur", task["id"])
    assert detail["form"]["schema"]["properties"]["catatan"]["title"] == "Catatan Direktur"


def _titles(page: Any, selector: str, key: str, attribute: str) -> dict[str, str]:
    return dict(
        page.eval_on_selector_all(
            selector, f"els => els.map(e => [e.getAttribute('{key}'), e.getAttribute('{attribute}')])"
        )
    )


# A process with a collapsed subprocess: bpmn-js draws a button on it to open it (translate('Open {element}')).
COLLAPSED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC"
  id="d" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="p" isExecutable="true">
    <bpmn:subProcess id="periksa" name="Periksa berkas"><bpmn:task id="di_dalam" /></bpmn:subProcess>
  </bpmn:process>
  <bpmndi:BPMNDiagram id="dp"><bpmndi:BPMNPlane id="pp" bpmnElement="p">
    <bpmndi:BPMNShape id="periksa_di" bpmnElement="periksa" isExpanded="false">
      <dc:Bounds x="100" y="100" width="100" height="80" />
    </bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
  <bpmndi:BPMNDiagram id="ds"><bpmndi:BPMNPlane id="ps" bpmnElement="periksa">
    <bpmndi:BPMNShape id="di_dalam_di" bpmnElement="di_dalam"><dc:Bounds x="100" y="100" width="100" height="80" />
    </bpmndi:BPMNShape>
  </bpmndi:BPMNPlane></bpmndi:BPMNDiagram>
</bpmn:definitions>"""


def test_the_modeller_names_its_tools_and_menus_in_indonesian(
    server: tuple[str, str], browser: Any, tmp_path: Path
) -> None:
    base, database_url = server
    page = _page(browser, 1400)
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    # bpmn-id.js warns of a string missing from its dictionary (bpmn-js itself warns of deprecations: not ours).
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" or "bpmn-id.json" in m.text else None)
    page.goto(f"{base}/modeler")
    _log_in(page, "desainer")
    page.wait_for_selector(f"#process option[value='{SOP}']", state="attached")
    page.select_option("#process", SOP)
    page.click("#open")
    page.wait_for_selector(".djs-element[data-element-id='menetapkan_target']")

    assert _titles(page, ".djs-palette .entry", "data-action", "aria-label") == {
        "hand-tool": "Aktifkan alat tangan (geser kanvas)",
        "lasso-tool": "Aktifkan alat laso (pilih beberapa elemen)",
        "space-tool": "Aktifkan alat tambah/kurangi ruang",
        "global-connect-tool": "Aktifkan alat penghubung",
        "create.start-event": "Buat peristiwa mulai",
        "create.intermediate-event": "Buat peristiwa antara/batas",
        "create.end-event": "Buat peristiwa akhir",
        "create.exclusive-gateway": "Buat gerbang",
        "create.task": "Buat tugas",
        "create.data-object": "Buat objek data",
        "create.data-store": "Buat penyimpanan data",
        "create.subprocess-expanded": "Buat subproses (terbuka)",
        "create.participant-expanded": "Buat kolam/partisipan",
        "create.group": "Buat grup",
    }
    page.hover(".djs-palette .entry[data-action='create.task']")  # its tooltip says the same
    assert page.locator(".djs-hover-tooltip").inner_text().strip() == "Buat tugas"
    page.screenshot(path=str(tmp_path / "palette.png"))

    _select(page, "menetapkan_target")
    page.wait_for_selector(".djs-context-pad .entry[data-action='replace']")
    assert _titles(page, ".djs-context-pad .entry", "data-action", "title") == {
        "append.end-event": "Tambahkan peristiwa akhir sesudahnya",
        "append.gateway": "Tambahkan gerbang sesudahnya",
        "append.append-task": "Tambahkan tugas sesudahnya",
        "append.intermediate-event": "Tambahkan peristiwa antara/batas sesudahnya",
        "append.text-annotation": "Tambahkan anotasi teks",
        "replace": "Ubah jenis elemen",
        "delete": "Hapus",
        "connect": "Hubungkan ke elemen lain",
    }

    page.click(".djs-context-pad .entry[data-action='replace']")
    page.wait_for_selector(".djs-popup .entry[data-id='replace-with-service-task']")
    assert page.inner_text(".djs-popup .djs-popup-title") == "Ubah jenis elemen"
    entries = dict(
        page.eval_on_selector_all(
            ".djs-popup-results .entry", "els => els.map(e => [e.dataset.id, e.innerText.trim()])"
        )
    )
    assert {
        k: entries.get(k) for k in ("replace-with-task", "replace-with-service-task", "replace-with-call-activity")
    } == {
        "replace-with-task": "Tugas",
        "replace-with-service-task": "Tugas layanan",
        "replace-with-call-activity": "Aktivitas panggilan",
    }
    assert entries["replace-with-script-task"] == "Tugas skrip"
    assert entries["replace-with-collapsed-subprocess"] == "Subproses (tertutup)"
    assert "replace-with-user-task" not in entries  # it is one already
    assert _titles(page, ".djs-popup-header .entry", "data-id", "title") == {
        "toggle-parallel-mi": "Multi-instans paralel",
        "toggle-sequential-mi": "Multi-instans berurutan",
        "toggle-loop": "Perulangan",
    }
    search = page.locator(".djs-popup-search input")
    assert search.get_attribute("aria-label") == "Ubah jenis elemen"
    page.screenshot(path=str(tmp_path / "replace-menu.png"))
    search.press_sequentially("layanan")  # the menu searches on key up
    page.wait_for_selector(".djs-popup-search-count")
    assert " ".join(page.inner_text(".djs-popup-search-count").split()) == "1 hasil ditemukan"
    search.fill("")
    search.press_sequentially("tugas s")
    page.wait_for_function(
        "() => document.querySelector('.djs-popup-search-count').textContent.split(/\\s+/).join(' ').trim()"
        " === '2 hasil ditemukan'"
    )
    page.screenshot(path=str(tmp_path / "replace-search.png"))
    page.keyboard.press("Escape")

    # The search pad over the diagram.
    page.evaluate("() => window.ujikomModeler.get('searchPad').open()")
    assert page.locator(".djs-search-container input").get_attribute("aria-label") == "Cari di diagram"
    page.keyboard.press("Escape")

    # Dropping a data object outside a pool is refused in Indonesian.
    message = page.evaluate(
        "() => window.ujikomModeler.get('translate')('Data object must be placed within a pool/participant.')"
    )
    assert message == "Objek data harus diletakkan di dalam kolam/partisipan."
    assert errors == []

    # The instance diagram draws with the same dictionary.
    api = LiveApi(base, database_url)
    period = sop.start_period(api, "LSP-DIAGRAM")
    page.goto(f"{base}/akun")
    page.get_by_role("button", name="Keluar").click()
    page.goto(f"{base}/instances/{period['id']}/diagram")
    _log_in(page, "admin")
    page.wait_for_selector(".djs-element.ujikom-active", state="attached")
    page.evaluate("xml => window.ujikomViewer.importXML(xml)", COLLAPSED)
    assert page.locator(".bjs-drilldown").get_attribute("title") == "Buka Periksa berkas"
    assert errors == []
