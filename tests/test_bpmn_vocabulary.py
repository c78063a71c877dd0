"""The BPMN vocabulary has one home: the modeller offers the property names the service reads, served by
the API, and deploy lint warns on any other name."""

from typing import Any

from lxml import etree

from api.engine.bpmn import Prop
from api.settings import PROJECT_ROOT
from tests.conftest import Api

SOP_FILE = PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn"
FORM_PROPERTY = '<spiffworkflow:property name="formJsonSchemaFilename" value="menetapkan_target.json"/>'


def _validate(api: Api, files: dict[str, str]) -> Any:
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    r = api.post("desainer", "/api/deployments/validate", files=upload)
    assert r.status_code == 200, r.text
    return r.json()


def test_designers_and_staff_read_the_property_names_the_service_reads(api: Api) -> None:
    for username in ("desainer", "kabid_administrasi", "admin"):
        r = api.get(username, "/api/process-properties")
        assert r.status_code == 200, r.text
        assert [p["name"] for p in r.json()] == [
            "formJsonSchemaFilename",
            "formUiSchemaFilename",
            "assignee",
            "validator",
            "importXlsx",
            "eskalasiLangkah",
            "sopStep",
            "timeStandard",
            "dueAfter",
            "sopInputs",
            "sopOutputs",
            "linkedSop",
            "childSubject",
            "asyncAfter",
        ]
        assert all(p["description"] for p in r.json())
    assert api.get("peserta", "/api/process-properties").status_code == 403


def test_every_property_in_the_shipped_processes_is_one_the_service_reads() -> None:
    used = set()
    for path in (PROJECT_ROOT / "processes").glob("*.bpmn"):
        for prop in etree.parse(str(path)).iter("{http://spiffworkflow.org/bpmn/schema/1.0/core}property"):
            used.add(prop.get("name"))
    assert used <= {p.value for p in Prop}
    assert {"validator", "importXlsx", "eskalasiLangkah", "dueAfter", "asyncAfter"} <= used


def test_an_unknown_property_name_is_a_warning_naming_the_element_not_an_error(api: Api) -> None:
    text = SOP_FILE.read_text()
    line = FORM_PROPERTY
    assert text.count(line) == 1
    typo = text.replace(line, line + '\n          <spiffworkflow:property name="timeStandar" value="P2D"/>')

    report = _validate(api, {SOP_FILE.name: typo})

    assert report["errors"] == []
    [warning] = report["warnings"]
    assert warning["element_id"] == "menetapkan_target"
    assert warning["message"].startswith(
        "Properti 'timeStandar' tidak dibaca layanan (salah ketik?); properti yang dikenal: assignee, "
    )
    assert warning["line"] == 104  # the user task's own line in processes/uji_kompetensi.bpmn


def test_the_modeller_keeps_no_list_of_its_own() -> None:
    script = (PROJECT_ROOT / "api" / "web" / "modeler.js").read_text()
    assert "KNOWN_PROPERTIES" not in script
    assert "/api/process-properties" in script
