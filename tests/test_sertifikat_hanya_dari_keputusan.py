"""Certificates only by decision (report H1): a certificate rests on the decisions recorded when the pleno,
Ketua LSP and the appeal made them, never on workflow data, and issuing operators run only in the
processes approved for them; a deployment changing that waits for Ketua LSP."""

import hashlib
from typing import Any

from sqlalchemy import func, select

from api.engine.runtime import Runtime, find_task
from api.engine.serializer import dump_workflow
from api.settings import PROJECT_ROOT
from api.store.master import Sertifikat
from api.store.models import Deployment, DeploymentFile, Dokumen, Event, ProcessDefinition, ProcessInstance
from service_tasks.keputusan_tercatat import keputusan_akhir
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api

LANES = """<bpmn:laneSet id="ls"><bpmn:lane id="l" name="{lane}"><bpmn:flowNodeRef>start</bpmn:flowNodeRef>
<bpmn:flowNodeRef>n0</bpmn:flowNodeRef><bpmn:flowNodeRef>n1</bpmn:flowNodeRef><bpmn:flowNodeRef>lihat</bpmn:flowNodeRef>
<bpmn:flowNodeRef>end</bpmn:flowNodeRef></bpmn:lane></bpmn:laneSet>"""
# The report's reproduction (reliability-repro/forge_certificate.bpmn), with its process id and lane as parameters.
FORGED = """<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d_{key}" targetNamespace="http://bpmn.io/schema/bpmn">
  <bpmn:process id="{key}" isExecutable="true">
    {lanes}
    <bpmn:startEvent id="start"/>
    <bpmn:scriptTask id="n0" name="Skrip"><bpmn:script>kompeten = [{{'username': 'peserta9', 'skema_nomor': 'SKM/LSP-STMI/001/2024'}}]
hasil = []
nomor_sertifikat = {{'sertifikat': [{{'username': 'peserta9', 'no_sertifikat': 'FORGED 0001', 'no_registrasi': 'FORGED REG 0001'}}]}}</bpmn:script></bpmn:scriptTask>
    <bpmn:serviceTask id="n1" name="Operator"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator id="terbitkan_sertifikat" resultVariable="sertifikat_palsu"><spiffworkflow:parameters><spiffworkflow:parameter id="nomor" type="any" value="nomor_sertifikat"/><spiffworkflow:parameter id="kompeten" type="any" value="kompeten"/><spiffworkflow:parameter id="hasil" type="any" value="hasil"/></spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>
    <bpmn:userTask id="lihat" name="Lihat hasil"><bpmn:extensionElements><spiffworkflow:properties><spiffworkflow:property name="formJsonSchemaFilename" value="menerima_laporan.json"/></spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>
    <bpmn:endEvent id="end"/>
    <bpmn:sequenceFlow id="f0" sourceRef="start" targetRef="n0"/><bpmn:sequenceFlow id="f1" sourceRef="n0" targetRef="n1"/><bpmn:sequenceFlow id="f2" sourceRef="n1" targetRef="lihat"/><bpmn:sequenceFlow id="f3" sourceRef="lihat" targetRef="end"/>
  </bpmn:process>
</bpmn:definitions>
"""  # noqa: E501


def forged(key: str = "forge_certificate", lane: str = "Peserta Uji Kompetensi") -> str:
    return FORGED.format(key=key, lanes=LANES.format(lane=lane))


def deploy(api: Api, files: dict[str, str], username: str = "desainer") -> Any:
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    return api.post(username, "/api/deployments", files=upload)


def state(api: Api) -> dict[str, Any]:
    """What a refused deployment or a refused run must leave as it was."""
    with api.app.state.db.reading() as session:
        return {
            "deployments": session.execute(select(Deployment.id, Deployment.status)).all(),
            "files": session.scalar(select(func.count()).select_from(DeploymentFile)),
            "versions": sorted(session.execute(select(ProcessDefinition.key, ProcessDefinition.version)).all()),
            "instances": session.scalar(select(func.count()).select_from(ProcessInstance)),
            "events": session.scalar(select(func.count()).select_from(Event)),
            "documents": session.scalar(select(func.count()).select_from(Dokumen)),
            "certificates": session.execute(select(Sertifikat.peserta_username, Sertifikat.no_sertifikat)).all(),
        }


# --------------------------------------------------------------------------------------------------
# The forged process of the report


def test_the_forged_certificate_process_is_refused_at_deploy_naming_its_start_event_in_the_peserta_lane(
    api: Api,
) -> None:
    before = state(api)
    r = deploy(api, {"forge_certificate.bpmn": forged()})
    assert r.status_code == 422, r.text
    [error] = [e for e in r.json()["errors"] if e["element_id"] == "start"]
    assert "'Peserta Uji Kompetensi'" in error["message"] and "terbitkan_sertifikat" in error["message"]
    assert error["file"] == "forge_certificate.bpmn"
    r = deploy(api, {"forge_asesor.bpmn": forged("forge_asesor", "Asesor Kompetensi")})
    assert r.status_code == 422, r.text
    assert any("'Asesor Kompetensi'" in e["message"] for e in r.json()["errors"])
    assert state(api) == before


def test_the_forged_process_forced_into_the_database_is_refused_at_run_time_and_writes_nothing(api: Api) -> None:
    content = forged()
    with api.app.state.db.transaction() as session:
        deployment = Deployment(created_at=api.app.state.clock.now(), created_by="penyusup")
        session.add(deployment)
        session.flush()
        sha = hashlib.sha256(content.encode()).hexdigest()
        session.add(DeploymentFile(deployment_id=deployment.id, name="forge.bpmn", content=content, sha256=sha))
        session.add(
            ProcessDefinition(
                key="forge_certificate",
                version=1,
                name="forge",
                deployment_id=deployment.id,
                bpmn_file="forge.bpmn",
                content_sha256=sha,
                startable=True,
                start_roles=["peserta"],
            )
        )
    before = state(api)
    r = api.post("peserta9", "/api/process-definitions/forge_certificate/instances", json={"data": {}})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["element_id"] == "n1"
    assert (
        "terbitkan_sertifikat" in error["message"]
        and "not approved for process 'forge_certificate'" in (error["message"])
    )
    assert state(api) == before
    assert before["certificates"] == []


# --------------------------------------------------------------------------------------------------
# Decisions from the database


def _penerbitan(api: Api, root: int) -> int:
    [child] = [c for c in b.children(api, root) if c["key"] == "penerbitan_sertifikat"]
    return int(child["id"])


def _forge_task_data(api: Api, instance_id: int, task_id: str, **changes: Any) -> None:
    """Edit a waiting task's workflow data in the database, as a process script could."""
    with api.app.state.db.transaction() as session:
        row = session.get_one(ProcessInstance, instance_id)
        runtime = Runtime.for_app(session, api.app.state.clock, api.app.state.settings)
        wf = runtime.load(row)
        task = find_task(wf, task_id)
        assert task is not None
        task.data.update(changes)
        row.state = dump_workflow(wf)


def test_a_candidate_decided_bk_gets_no_certificate_even_when_the_workflow_data_says_k(api: Api) -> None:
    lulus, gagal = b.Calon("peserta"), b.Calon("peserta2", bk=True)
    root = b.decided(api, [lulus, gagal])
    t = sop.one(api, "peserta2", b.BANDING)
    api.complete("peserta2", t["id"], sop.banding(ajukan=False))
    api.drain()
    penerbitan = _penerbitan(api, root)
    with api.app.state.db.reading() as session:
        recorded = keputusan_akhir(session, penerbitan)
    assert {u: (k.keputusan, k.sumber, k.diputuskan_oleh, k.disetujui_oleh) for u, k in recorded.items()} == {
        "peserta": ("K", "pleno", "kabid_sertifikasi", "ketua_lsp"),
        "peserta2": ("BK", "pleno", "kabid_sertifikasi", "ketua_lsp"),
    }
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    data = sop.task_data(api, "kabid_administrasi", t["id"])
    # The workflow data is forged: peserta2 is K in `kompeten` and in the pleno the process carries.
    kompeten = data["kompeten"] + [{**data["kompeten"][0], "username": "peserta2", "nama": "Peserta Dua"}]
    pleno = {**data["pleno"], "keputusan": [{"username": u, "keputusan": "K"} for u in ("peserta", "peserta2")]}
    _forge_task_data(api, penerbitan, t["id"], kompeten=kompeten, pleno=pleno)
    body = b.refused(
        api,
        "kabid_administrasi",
        t["id"],
        {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta", "peserta2"])}},
        root,
        {"menerbitkan_sertifikat": ["disetujui Ketua LSP", "peserta2"]},
    )
    assert body["errors"][0]["element_id"] == "menerbitkan_sertifikat"
    assert b.certificates(api) == []
    # With the data as the process carried it, the candidate decided K gets their certificate.
    _forge_task_data(api, penerbitan, t["id"], kompeten=data["kompeten"], pleno=data["pleno"])
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta"])}})
    assert [(c.peserta_username, c.skema_nomor) for c in b.certificates(api)] == [("peserta", sop.JWD)]


def test_the_shipped_period_issues_its_certificates_from_the_recorded_decisions(api: Api) -> None:
    root = sop.walk_period(api)
    with api.app.state.db.reading() as session:
        recorded = keputusan_akhir(session, _penerbitan(api, root))
    assert {u: (k.keputusan, k.sumber, k.disetujui_oleh) for u, k in recorded.items()} == {
        "peserta": ("K", "pleno", "ketua_lsp"),
        "peserta2": ("K", "pleno", "ketua_lsp"),
        "peserta3": ("K", "banding", "ketua_lsp"),
    }
    assert sorted(c.peserta_username for c in b.certificates(api)) == ["peserta", "peserta2", "peserta3"]
    kode = b.certificates(api)[0].kode_verifikasi
    assert "aktif" in api.client.get(f"/verify/{kode}").text.lower()


# --------------------------------------------------------------------------------------------------
# A second approver


def test_a_process_adding_an_issuing_operator_waits_for_ketua_lsp_and_is_invisible_until_approved(api: Api) -> None:
    key = "sertifikat_khusus"
    before = state(api)
    r = deploy(api, {f"{key}.bpmn": forged(key, "Kabid Administrasi")})
    assert r.status_code == 202, r.text
    waiting = r.json()
    assert waiting["status"] == "menunggu_persetujuan" and waiting["processes"] == []
    assert waiting["penerbitan"] == [
        {"proses": key, "elemen": "n1", "operator": "terbitkan_sertifikat", "perubahan": "ditambah"}
    ]
    # Invisible: no version, nothing to start, not among the versions.
    assert state(api)["versions"] == before["versions"]
    assert key not in [d["key"] for d in api.get("kabid_administrasi", "/api/process-definitions").json()]
    r = api.post("kabid_administrasi", f"/api/process-definitions/{key}/instances", json={"data": {}})
    assert r.status_code == 404, r.text
    assert api.get("ketua_lsp", f"/api/process-definitions/{key}/versions").status_code == 404
    assert [d["id"] for d in api.get("ketua_lsp", "/api/deployments/menunggu-persetujuan").json()] == [waiting["id"]]
    # Neither a designer (the uploader or another) nor any other role approves it.
    for username in ("desainer", "admin", "kabid_sertifikasi", "direktur"):
        r = api.post(username, f"/api/deployments/{waiting['id']}/setujui")
        assert r.status_code == 403, (username, r.text)
    assert state(api)["versions"] == before["versions"]
    r = api.post("ketua_lsp", f"/api/deployments/{waiting['id']}/setujui")
    assert r.status_code == 201, r.text
    active = r.json()
    assert active["status"] == "aktif" and active["diputuskan_oleh"] == "ketua_lsp"
    assert active["permintaan_id"] == waiting["id"] and active["created_by"] == "desainer"
    assert active["processes"] == [{"key": key, "version": 1}]
    assert key in [d["key"] for d in api.get("kabid_administrasi", "/api/process-definitions").json()]
    assert api.post("ketua_lsp", f"/api/deployments/{waiting['id']}/setujui").status_code == 409
    assert api.get("ketua_lsp", "/api/deployments/menunggu-persetujuan").json() == []
    # Approved where it runs, it still issues nothing without a recorded decision.
    r = api.post("kabid_administrasi", f"/api/process-definitions/{key}/instances", json={"data": {}})
    assert r.status_code == 422, r.text
    assert "peserta9" in r.json()["errors"][0]["message"]
    assert b.certificates(api) == []


def test_a_rejected_deployment_is_never_deployed(api: Api) -> None:
    before = state(api)
    r = deploy(api, {"sertifikat_lain.bpmn": forged("sertifikat_lain", "Kabid Administrasi")})
    assert r.status_code == 202, r.text
    deployment_id = r.json()["id"]
    r = api.post("ketua_lsp", f"/api/deployments/{deployment_id}/tolak", json={"alasan": " "})
    assert r.status_code == 422, r.text
    r = api.post("ketua_lsp", f"/api/deployments/{deployment_id}/tolak", json={"alasan": "Tidak sesuai SOP"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["alasan"], r.json()["diputuskan_oleh"]) == (
        "ditolak",
        "Tidak sesuai SOP",
        "ketua_lsp",
    )
    assert api.post("ketua_lsp", f"/api/deployments/{deployment_id}/setujui").status_code == 409
    assert state(api)["versions"] == before["versions"]


def test_removing_the_certificate_call_from_the_shipped_process_waits_for_ketua_lsp(api: Api) -> None:
    text = (PROJECT_ROOT / "processes" / "penerbitan_sertifikat.bpmn").read_text()
    old = 'serviceTaskOperator id="terbitkan_sertifikat" resultVariable="sertifikat"'
    assert text.count(old) == 1
    start = text.index(old)
    end = text.index("</spiffworkflow:serviceTaskOperator>", start)
    # Another operator, with the parameters it takes (none): the deploy lint checks them.
    changed = (
        text[:start]
        + 'serviceTaskOperator id="batas_banding" resultVariable="sertifikat"><spiffworkflow:parameters/>'
        + text[end:]
    )
    r = deploy(api, {"penerbitan_sertifikat.bpmn": changed})
    assert r.status_code == 202, r.text
    assert r.json()["penerbitan"] == [
        {
            "proses": "penerbitan_sertifikat",
            "elemen": "menerbitkan_sertifikat",
            "operator": "terbitkan_sertifikat",
            "perubahan": "dihapus",
        }
    ]
    # Everything else deploys as before: a renamed task of the same process is active at once.
    renamed = text.replace('name="Melaksanakan rapat pleno"', 'name="Melaksanakan rapat pleno penetapan"')
    r = deploy(api, {"penerbitan_sertifikat.bpmn": renamed})
    assert r.status_code == 201, r.text
    assert r.json()["processes"] == [{"key": "penerbitan_sertifikat", "version": 2}]


def test_a_new_version_whose_script_rewrites_the_pleno_changes_no_decision(api: Api) -> None:
    """The desainer alone edits the next version: a script after the pleno makes everyone K. It deploys at once
    (no issuing call changes), but the SK, the decisions and the certificates follow what Kabid Sertifikasi
    submitted."""
    text = (PROJECT_ROOT / "processes" / "penerbitan_sertifikat.bpmn").read_text()
    flow = 'sourceRef="rapat_pleno" targetRef="menerbitkan_berita_acara_pleno"/>'
    assert text.count(flow) == 1
    script = (
        '<bpmn:scriptTask id="palsukan" name="Merapikan keputusan"><bpmn:script>'
        "pleno = dict(pleno, keputusan=[dict(k, keputusan='K') for k in pleno['keputusan']])"
        "</bpmn:script></bpmn:scriptTask>"
        '<bpmn:sequenceFlow id="flow_palsukan" sourceRef="palsukan" targetRef="menerbitkan_berita_acara_pleno"/>'
    )
    changed = text.replace(flow, 'sourceRef="rapat_pleno" targetRef="palsukan"/>' + script)
    r = deploy(api, {"penerbitan_sertifikat.bpmn": changed})
    assert r.status_code == 201, r.text
    lulus, gagal = b.Calon("peserta"), b.Calon("peserta2", bk=True)
    root = b.decided(api, [lulus, gagal])
    [sk] = b.documents(api, root, "sk_penetapan")
    assert {d["username"]: d["keputusan"] for d in sk.data["daftar"]} == {"peserta": "K", "peserta2": "BK"}
    t = sop.one(api, "peserta2", b.BANDING)
    api.complete("peserta2", t["id"], sop.banding(ajukan=False))
    api.drain()
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    assert [k["username"] for k in sop.task_data(api, "kabid_administrasi", t["id"])["kompeten"]] == ["peserta"]
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta"])}})
    assert [c.peserta_username for c in b.certificates(api)] == ["peserta"]
