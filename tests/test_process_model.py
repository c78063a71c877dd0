"""The shipped BPMN is the SOP: six lanes, seven steps in order with their time standards, complete diagrams."""

from pathlib import Path

from lxml import etree

from api.engine.deployments import NS, validate
from api.seed import shipped_files
from api.settings import PROJECT_ROOT, Settings
from api.store.db import Database
from api.store.migrate import upgrade

SOP = PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn"
LANES = [
    "Direktur",
    "Ketua LSP",
    "Kabid Administrasi",
    "Kabid Sertifikasi",
    "Asesor Kompetensi",
    "Peserta Uji Kompetensi",
]
STEPS = {
    "1": ("Menetapkan target uji kompetensi", "P2D", "Direktur"),
    "2": ("Menyusun rencana uji kompetensi", "P2D", "Ketua LSP"),
    "3": ("Menerima pendaftaran uji kompetensi", "P7D", "Kabid Administrasi"),
    "4": ("Memverifikasi tempat uji kompetensi (TUK)", "PT1H", "Asesor Kompetensi"),
    "5": ("Melaksanakan uji kompetensi", "P7D", "Asesor Kompetensi"),
    "6": ("Melaksanakan penerbitan sertifikat kompetensi", "P14D", "Kabid Sertifikasi"),
    "7": ("Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi", "P14D", "Ketua LSP"),
}


def _props(el: etree._Element) -> dict[str, str]:
    return {p.get("name"): p.get("value") for p in el.xpath(".//spiffworkflow:property", namespaces=NS)}


def test_the_sop_process_has_the_six_lanes_and_the_seven_steps_in_order() -> None:
    tree = etree.parse(str(SOP))
    assert [lane.get("name") for lane in tree.xpath("//bpmn:lane", namespaces=NS)] == LANES
    lane_of = {
        ref.text.strip(): lane.get("name")
        for lane in tree.xpath("//bpmn:lane", namespaces=NS)
        for ref in lane.xpath("bpmn:flowNodeRef", namespaces=NS)
    }
    steps = {}
    for el in tree.xpath("//bpmn:process/*[@id]", namespaces=NS):
        props = _props(el)
        if props.get("timeStandard"):
            steps[props["sopStep"]] = (el.get("name"), props["timeStandard"], lane_of[el.get("id")])
            assert props.get("sopInputs") and props.get("sopOutputs"), el.get("id")
    assert steps == STEPS

    # Walking the sequence flows from the start event meets the steps in SOP order.
    flows = {f.get("sourceRef"): f.get("targetRef") for f in tree.xpath("//bpmn:sequenceFlow", namespaces=NS)}
    by_id = {el.get("id"): el for el in tree.xpath("//bpmn:process/*[@id]", namespaces=NS)}
    node = tree.xpath("//bpmn:startEvent", namespaces=NS)[0].get("id")
    met = []
    while node in flows:
        node = flows[node]
        step = _props(by_id[node]).get("sopStep")
        if _props(by_id[node]).get("timeStandard"):
            met.append(step)
    assert met == ["1", "2", "3", "4", "5", "6", "7"]


def test_linked_sops_are_call_activities_per_candidate_and_per_tuk() -> None:
    tree = etree.parse(str(SOP))
    calls = {
        c.get("calledElement"): c.xpath("bpmn:multiInstanceLoopCharacteristics/bpmn:loopDataInputRef", namespaces=NS)
        for c in tree.xpath("//bpmn:callActivity", namespaces=NS)
    }
    assert [r.text for r in calls["pendaftaran_uji_kompetensi"]] == ["daftar_pendaftar"]
    assert [r.text for r in calls["verifikasi_tuk"]] == ["daftar_tuk_verifikasi"]
    assert [r.text for r in calls["pelaksanaan_uji_kompetensi"]] == ["daftar_peserta_asesmen"]
    assert calls["penerbitan_sertifikat"] == []


def test_the_shipped_files_validate_without_errors_or_warnings_so_every_element_has_a_shape(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'v.sqlite3'}"
    upgrade(url)
    with Database(url).reading() as session:
        errors, warnings = validate(session, shipped_files(Settings()))
    assert errors == [] and warnings == []
