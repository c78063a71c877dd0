"""Process versions as the modeller uses them: list, download, compare, validate (the deploy validator)."""

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from api import cli
from api.settings import PROJECT_ROOT, Settings, get_settings
from tests.support import bpmn_edits, sop
from tests.support.api import Api

SOP = "uji_kompetensi"
SOP_FILE = PROJECT_ROOT / "processes" / f"{SOP}.bpmn"


def _deploy(api: Api, files: dict[str, str], username: str = "desainer") -> Any:
    upload = [("files", (name, body.encode(), "application/xml")) for name, body in files.items()]
    return api.post(username, "/api/deployments", files=upload)


def _validate(api: Api, files: dict[str, str], username: str = "desainer") -> Any:
    upload = [("files", (name, body.encode(), "application/xml")) for name, body in files.items()]
    return api.post(username, "/api/deployments/validate", files=upload)


def _called(text: str) -> set[str]:
    root = etree.fromstring(text.encode())
    return {c.get("calledElement") for c in root.iter("{http://www.omg.org/spec/BPMN/20100524/MODEL}callActivity")}


def _step_two_version(api: Api) -> tuple[str, str, str]:
    """Deploy v2 of the SOP: its first user task renamed and a new step inserted after it."""
    text = SOP_FILE.read_text()
    first = bpmn_edits.first_user_task(text, SOP)
    edited = bpmn_edits.rename(text, first.get("id"), "Menetapkan target (direvisi)")
    edited = bpmn_edits.insert_step_after(edited, first.get("id"), "memeriksa_target", "Memeriksa target")
    r = _deploy(api, {SOP_FILE.name: edited})
    assert r.status_code == 201, r.text
    assert {"key": SOP, "version": 2} in r.json()["processes"]
    return first.get("id"), first.get("name"), edited


def test_versions_are_listed_newest_first_with_who_deployed_them(api: Api) -> None:
    _step_two_version(api)
    r = api.get("desainer", f"/api/process-definitions/{SOP}/versions")
    assert r.status_code == 200, r.text
    versions = r.json()
    assert [(v["version"], v["created_by"]) for v in versions] == [(2, "desainer"), (1, "seed-demo")]
    assert versions[0]["deployment_id"] > versions[1]["deployment_id"]
    assert all(v["key"] == SOP and v["bpmn_file"] == SOP_FILE.name and v["created_at"] for v in versions)
    assert api.get("desainer", "/api/process-definitions/tidak_ada/versions").status_code == 404


def test_staff_may_read_versions_candidates_and_asesor_may_not(api: Api) -> None:
    for username in ("admin", "desainer", "direktur", "ketua_lsp"):
        assert api.get(username, f"/api/process-definitions/{SOP}/versions").status_code == 200, username
    for username in ("peserta", "asesor"):
        assert api.get(username, f"/api/process-definitions/{SOP}/versions").status_code == 403, username
        assert api.get(username, f"/api/deployments/1/files/{SOP_FILE.name}").status_code == 403, username
    assert api.client.get(f"/api/process-definitions/{SOP}/versions").status_code == 401


def test_process_models_list_every_deployed_process_called_ones_included(api: Api) -> None:
    models = api.get("desainer", "/api/process-models").json()
    shipped = set()
    for path in (PROJECT_ROOT / "processes").glob("*.bpmn"):
        shipped |= {p.get("id") for p in etree.parse(str(path)).getroot().findall("{*}process")}
    assert {m["key"] for m in models} == shipped
    assert {m["key"] for m in models if m["startable"]} == {SOP}
    assert all(m["version"] == 1 for m in models)


def test_a_deployed_file_downloads_as_uploaded_with_its_content_type(api: Api) -> None:
    r = api.get("desainer", f"/api/deployments/1/files/{SOP_FILE.name}")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("application/xml")
    assert r.content == SOP_FILE.read_bytes()
    form = next((PROJECT_ROOT / "forms").glob("*.json"))
    r = api.get("desainer", f"/api/deployments/1/files/{form.name}")
    assert r.headers["content-type"].startswith("application/json")
    assert r.content == form.read_bytes()
    r = api.get("desainer", "/api/deployments/1/files/tidak_ada.bpmn")
    assert r.status_code == 404
    assert r.json()["detail"] == "deployment 1 has no file 'tidak_ada.bpmn'"


def test_a_version_opens_with_its_own_file_first_then_the_files_of_the_processes_it_calls(api: Api) -> None:
    _step_two_version(api)
    files = api.get("desainer", f"/api/process-definitions/{SOP}/versions/2/files").json()
    assert files[0]["name"] == SOP_FILE.name and files[0]["main"] and files[0]["deployment_id"] == 2
    assert SOP in files[0]["processes"]
    # The linked SOPs come from the seed deployment: v2 calls them at the version deployed before it.
    called = _called(SOP_FILE.read_text())
    assert called and called <= {p for f in files for p in f["processes"]}
    assert all(not f["main"] and f["deployment_id"] == 1 for f in files[1:])
    for f in files:
        assert api.get("desainer", f["url"]).status_code == 200


def test_the_difference_between_two_versions_names_the_elements_added_removed_and_changed(api: Api) -> None:
    first_id, first_name, _ = _step_two_version(api)
    r = api.get("desainer", f"/api/process-definitions/{SOP}/versions/2/diff")
    assert r.status_code == 200, r.text
    d = r.json()
    assert (d["version"], d["against"]) == (2, 1)
    added = {e["id"]: e for e in d["added"]}
    assert set(added) == {"memeriksa_target", "flow_memeriksa_target_out"}
    assert added["memeriksa_target"]["type"] == "userTask"
    assert added["memeriksa_target"]["name"] == "Memeriksa target"
    assert added["memeriksa_target"]["lane"] == next(e for e in d["changed"] if e["id"] == first_id)["lane"]
    assert d["removed"] == []
    renamed = next(e for e in d["changed"] if e["id"] == first_id)
    assert {"field": "name", "old": first_name, "new": "Menetapkan target (direvisi)"} in renamed["changes"]
    assert any(c["field"] == "flows to" and "memeriksa_target" in c["new"] for c in renamed["changes"])
    redirected = [e for e in d["changed"] if e["type"] == "sequenceFlow"]
    assert [c["field"] for e in redirected for c in e["changes"]] == ["attribute targetRef"]
    assert d["forms_changed"] == []

    back = api.get("desainer", f"/api/process-definitions/{SOP}/versions/1/diff", params={"against": 2}).json()
    assert {e["id"] for e in back["removed"]} == set(added)
    assert api.get("desainer", f"/api/process-definitions/{SOP}/versions/1/diff").status_code == 404  # no v0
    assert api.get("desainer", f"/api/process-definitions/{SOP}/versions/9/diff").status_code == 404


def test_a_changed_time_standard_and_an_identical_version_show_as_such(api: Api) -> None:
    text = SOP_FILE.read_text()
    root = bpmn_edits.parse(text)
    prop = root.find(".//spiffworkflow:property[@name='timeStandard']", bpmn_edits.NS)
    element_id = prop.getparent().getparent().getparent().get("id")
    old = prop.get("value")
    prop.set("value", "P30D")
    assert _deploy(api, {SOP_FILE.name: bpmn_edits.serialize(root)}).status_code == 201
    d = api.get("ketua_lsp", f"/api/process-definitions/{SOP}/versions/2/diff").json()
    assert d["added"] == [] and d["removed"] == []
    [changed] = d["changed"]
    assert changed["id"] == element_id
    assert changed["changes"] == [{"field": "property timeStandard", "old": old, "new": "P30D"}]
    same = api.get("desainer", f"/api/process-definitions/{SOP}/versions/2/diff", params={"against": 2}).json()
    assert same["added"] == same["removed"] == same["changed"] == []


def test_validate_reports_what_deploy_refuses_and_deploys_nothing(api: Api) -> None:
    broken, flow_id = bpmn_edits.break_condition(SOP_FILE.read_text(), SOP)
    r = _validate(api, {SOP_FILE.name: broken})
    assert r.status_code == 200, r.text
    [error] = r.json()["errors"]
    assert error["element_id"] == flow_id
    assert error["message"].startswith("Kondisi ini bukan ekspresi Python yang sah: baris 1: ")
    assert _deploy(api, {SOP_FILE.name: broken}).json() == {
        "detail": "the deployment is invalid (1 error(s)); nothing was deployed",
        "errors": r.json()["errors"],
    }
    assert [v["version"] for v in api.get("desainer", f"/api/process-definitions/{SOP}/versions").json()] == [1]

    ok = _validate(api, {SOP_FILE.name: SOP_FILE.read_text()}).json()
    assert ok == {"errors": [], "warnings": []}
    assert _validate(api, {SOP_FILE.name: broken}, username="ketua_lsp").status_code == 403


def test_the_cli_reports_the_same_problems_as_the_modellers_validate(
    api: Api, settings: Settings, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    broken, flow_id = bpmn_edits.break_condition(SOP_FILE.read_text(), SOP)
    path = tmp_path / SOP_FILE.name
    path.write_text(broken)
    errors = _validate(api, {SOP_FILE.name: broken}).json()["errors"]

    monkeypatch.setenv("UJIKOM_DATABASE_URL", settings.effective_database_url)
    get_settings.cache_clear()
    try:
        assert cli.main(["validate", str(path)]) == 1
    finally:
        get_settings.cache_clear()
    err = capsys.readouterr().err
    for e in errors:
        assert f"{e['file']}:{e['line']}: [{e['element_id']}] galat: {e['message']}" in err


def test_a_linked_sop_deployed_alone_reaches_new_periods_while_a_running_period_keeps_its_own(api: Api) -> None:
    registration = "pendaftaran_uji_kompetensi"
    files = api.get("desainer", f"/api/process-definitions/{SOP}/versions/1/files").json()
    linked = next(f for f in files if registration in f["processes"])
    text = api.get("desainer", linked["url"]).text
    renamed = bpmn_edits.rename(text, "mengisi_apl", "Mengisi FR.APL.01 dan FR.APL.02 (formulir baru)")

    running = sop.start_period(api, "LAMA")["id"]
    deployment = _deploy(api, {linked["name"]: renamed}).json()["id"]
    new = sop.start_period(api, "BARU")["id"]

    # The latest SOP version opens with the linked SOP a new period will run.
    by_name = {f["name"]: f for f in api.get("desainer", f"/api/process-definitions/{SOP}/versions/1/files").json()}
    assert by_name[linked["name"]]["deployment_id"] == deployment
    for period, business_key in ((running, "LAMA"), (new, "BARU")):
        sop.step_1_and_2(api, period)
        sop.open_registration(api, period, {"peserta": sop.JWD} if business_key == "LAMA" else {"peserta2": sop.JWD})
    assert [t["name"] for t in api.inbox("peserta")] == ["Mengisi FR.APL.01 dan FR.APL.02"]
    assert [t["name"] for t in api.inbox("peserta2")] == ["Mengisi FR.APL.01 dan FR.APL.02 (formulir baru)"]
