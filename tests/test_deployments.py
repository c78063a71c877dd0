"""Deploying BPMN as a process designer: broken files are refused naming file, element and line; changes version."""

from typing import Any

import pytest
from sqlalchemy import func, select

from api.settings import PROJECT_ROOT
from api.store.models import Deployment, ProcessDefinition
from tests.support import sop
from tests.support.api import Api

UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()
PENERBITAN = (PROJECT_ROOT / "processes" / "penerbitan_sertifikat.bpmn").read_text()
START_FLOW = '<bpmn:sequenceFlow id="flow_mulai_menetapkan_target" sourceRef="mulai" targetRef="menetapkan_target"/>'
RENAMED = UJI.replace('name="Menetapkan target uji kompetensi"', 'name="Menetapkan target lulusan"')


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _deploy(api: Api, files: dict[str, str], username: str = "desainer") -> Any:
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    return api.post(username, "/api/deployments", files=upload)


def _snapshot(api: Api) -> tuple[int, list[tuple[str, int]]]:
    with api.app.state.db.reading() as session:
        deployments = session.scalar(select(func.count()).select_from(Deployment))
        versions = session.execute(select(ProcessDefinition.key, ProcessDefinition.version)).all()
        return deployments, sorted(tuple(v) for v in versions)


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_designers_see_the_seeded_deployment(api: Api) -> None:
    r = api.get("desainer", "/api/deployments")
    assert r.status_code == 200
    [deployment] = r.json()
    assert deployment["created_by"] == "seed-demo"
    assert "uji_kompetensi.bpmn" in deployment["files"] and "menetapkan_target.json" in deployment["files"]
    assert {(p["key"], p["version"]) for p in deployment["processes"]} == {
        ("uji_kompetensi", 1),
        ("pendaftaran_uji_kompetensi", 1),
        ("pra_asesmen", 1),
        ("verifikasi_tuk", 1),
        ("pelaksanaan_uji_kompetensi", 1),
        ("laporan_asesmen", 1),
        ("penerbitan_sertifikat", 1),
        ("banding_asesmen", 1),
        ("rekomendasi_ditunda", 1),
    }


BROKEN = {
    "invalid-condition": (
        "uji_kompetensi.bpmn",
        _replace(
            UJI,
            START_FLOW,
            START_FLOW[:-2]
            + '><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">periode ==</bpmn:conditionExpression>'
            "</bpmn:sequenceFlow>",
        ),
        "flow_mulai_menetapkan_target",
        'id="flow_mulai_menetapkan_target"',
        "Kondisi ini bukan ekspresi Python yang sah: baris 1: sintaks tidak sah",
    ),
    "unregistered-operator": (
        "uji_kompetensi.bpmn",
        _replace(
            UJI, 'serviceTaskOperator id="terbitkan_nota_dinas"', 'serviceTaskOperator id="terbitkan_surat_palsu"'
        ),
        None,  # checked separately below: which id the error names
        None,
        "Operator layanan 'terbitkan_surat_palsu' tidak terdaftar; daftar operator: ",
    ),
    "missing-form-file": (
        "uji_kompetensi.bpmn",
        _replace(UJI, 'value="menetapkan_target.json"', 'value="target_tidak_ada.json"'),
        "menetapkan_target",
        '<bpmn:userTask id="menetapkan_target"',
        "Berkas formulir 'target_tidak_ada.json' tidak ada di penerapan ini dan belum pernah diterapkan: "
        "unggah bersama BPMN-nya",
    ),
    "gateway-flow-without-condition-or-default": (
        "penerbitan_sertifikat.bpmn",
        _replace(PENERBITAN, ' default="flow_sk_disetujui_pleno_gabung"', ""),
        "flow_sk_disetujui_pleno_gabung",
        'id="flow_sk_disetujui_pleno_gabung"',
        "Parser BPMN menolak: alur keluar gateway eksklusif ini tidak punya kondisi dan bukan alur default: "
        "beri kondisi atau jadikan alur default gateway-nya",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_element_is_refused_with_422_naming_file_element_and_line_and_nothing_is_deployed(
    api: Api, case: str
) -> None:
    name, text, element_id, line_marker, message = BROKEN[case]
    before = _snapshot(api)

    r = _deploy(api, {name: text})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert set(error) == {"file", "element_id", "line", "message", "path"}
    assert error["file"] == name
    assert message in error["message"]
    if element_id is not None:
        assert error["element_id"] == error["path"] == element_id
        assert error["line"] == _line_of(text, line_marker)
    assert _snapshot(api) == before
    assert [(d["key"], d["version"]) for d in api.get("desainer", "/api/process-definitions").json()] == [
        ("uji_kompetensi", 1)
    ]


def test_an_unregistered_operator_error_names_the_service_task_element(api: Api) -> None:
    text = BROKEN["unregistered-operator"][1]
    [error] = _deploy(api, {"uji_kompetensi.bpmn": text}).json()["errors"]
    assert error["element_id"] == "menerbitkan_nota_dinas"
    assert error["line"] == _line_of(text, '<bpmn:serviceTask id="menerbitkan_nota_dinas"')


def test_an_invalid_parameter_expression_error_names_the_service_task_element(api: Api) -> None:
    # Break one parameter of one service task: the nota dinas's `target`.
    start = UJI.index('<bpmn:serviceTask id="menerbitkan_nota_dinas"')
    end = UJI.index("</bpmn:serviceTask>", start)
    task = UJI[start:end]
    broken = _replace(task, 'value="target"/>', 'value="target +"/>')
    text = UJI[:start] + broken + UJI[end:]
    r = _deploy(api, {"uji_kompetensi.bpmn": text})
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["message"] == (
        "Parameter 'target' bukan ekspresi Python yang sah: baris 1: sintaks tidak sah "
        "(teks ditulis dengan tanda kutip, mis. 'P2D')"
    )
    assert error["element_id"] == "menerbitkan_nota_dinas"


def test_malformed_xml_is_refused_with_the_line_and_nothing_is_deployed(api: Api) -> None:
    text = _replace(UJI, '<bpmn:userTask id="menetapkan_target"', '<oops>\n<bpmn:userTask id="menetapkan_target"')
    before = _snapshot(api)
    r = _deploy(api, {"uji_kompetensi.bpmn": text})
    assert r.status_code == 422
    [error] = r.json()["errors"]
    assert error["file"] == "uji_kompetensi.bpmn"
    assert error["message"].startswith("XML tidak sah: tag pembuka <oops> (baris ")
    assert error["message"].endswith("; perbaiki di tab XML")
    assert isinstance(error["line"], int) and error["line"] > _line_of(text, "<oops>")
    assert _snapshot(api) == before


def test_a_valid_changed_process_gets_version_2_and_identical_content_no_new_version(api: Api) -> None:
    r = _deploy(api, {"uji_kompetensi.bpmn": RENAMED})
    assert r.status_code == 201, r.text
    assert r.json()["processes"] == [{"key": "uji_kompetensi", "version": 2}]
    assert r.json()["created_by"] == "desainer"
    definitions = api.get("direktur", "/api/process-definitions").json()
    assert [(d["key"], d["version"], d["deployment_id"]) for d in definitions] == [
        ("uji_kompetensi", 2, r.json()["id"])
    ]
    assert [d["id"] for d in api.get("desainer", "/api/deployments").json()][0] == r.json()["id"]

    before = _snapshot(api)
    again = _deploy(api, {"uji_kompetensi.bpmn": RENAMED})
    assert again.status_code == 200, again.text  # duplicate filtering: nothing stored
    assert again.json()["id"] == r.json()["id"]
    assert again.json()["processes"] == [{"key": "uji_kompetensi", "version": 2}]
    assert _snapshot(api) == before
    assert [d["version"] for d in api.get("direktur", "/api/process-definitions").json()] == [2]


def test_running_instances_stay_on_their_version_and_new_ones_use_the_new_one(api: Api) -> None:
    old = sop.start_period(api, "LSP-2026-GENAP")
    assert old["version"] == 1
    assert _deploy(api, {"uji_kompetensi.bpmn": RENAMED}).status_code == 201

    task = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=old["id"])
    api.complete("direktur", task["id"], sop.TARGET)
    sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=old["id"])
    assert api.get("admin", f"/api/instances/{old['id']}").json()["version"] == 1

    new = sop.start_period(api, "LSP-2027-GANJIL")
    assert new["version"] == 2
    task = sop.one(api, "direktur", "Menetapkan target lulusan", instance_id=new["id"])
    api.complete("direktur", task["id"], sop.TARGET)
    sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=new["id"])


def test_only_designers_and_admins_may_deploy(api: Api) -> None:
    before = _snapshot(api)
    r = _deploy(api, {"uji_kompetensi.bpmn": RENAMED}, username="ketua_lsp")
    assert r.status_code == 403
    assert r.json()["detail"] == "requires one of the roles: admin, desainer"
    assert api.get("ketua_lsp", "/api/deployments").status_code == 403
    assert _snapshot(api) == before


def test_a_deployment_of_only_forms_or_of_other_file_types_is_refused(api: Api) -> None:
    before = _snapshot(api)
    r = _deploy(api, {"menetapkan_target.json": "{}"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["message"] == "Penerapan memerlukan setidaknya satu berkas .bpmn"
    r = _deploy(api, {"uji_kompetensi.bpmn": RENAMED, "catatan.txt": "x"})
    assert r.status_code == 422
    assert r.json()["errors"] == [
        {
            "file": "catatan.txt",
            "element_id": None,
            "line": None,
            "message": "Hanya berkas .bpmn dan formulir .json yang dapat diterapkan",
            "path": "catatan.txt",
        }
    ]
    assert _snapshot(api) == before
