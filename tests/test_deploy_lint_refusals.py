"""Deploy lint refuses what would fail or never end only at run time, naming file, element and line: a known
operator with wrong parameters, an unquoted or invalid timer, a cycle timer without end, a condition reading
a name nothing assigns, a form pattern prone to catastrophic backtracking. Nothing is deployed."""

import json
from typing import Any

import pytest
from sqlalchemy import func, select

from api.settings import PROJECT_ROOT
from api.store.models import Deployment, ProcessDefinition
from tests.support import bpmn
from tests.support.api import Api

UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()
NOTA_PARAM = '<spiffworkflow:parameter id="target" type="any" value="target"/>'
NOTA_START = UJI.index('<bpmn:serviceTask id="menerbitkan_nota_dinas"')
NOTA_END = UJI.index("</bpmn:serviceTask>", NOTA_START)
TIMER = "<bpmn:timeDate>batas_langkah('2')</bpmn:timeDate>"
CONDITION = "jumlah_diterima &gt;= jadwal['kuota_min']"


def _replace(text: str, old: str, new: str) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def _nota_dinas_param(new: str) -> str:
    """The BPMN with the nota dinas task's `target` parameter replaced."""
    return UJI[:NOTA_START] + _replace(UJI[NOTA_START:NOTA_END], NOTA_PARAM, new) + UJI[NOTA_END:]


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def _upload(api: Api, path: str, files: dict[str, str]) -> Any:
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    return api.post("desainer", path, files=upload)


def _versions(api: Api) -> tuple[int, int]:
    with api.app.state.db.reading() as session:
        return (
            int(session.scalar(select(func.count()).select_from(Deployment)) or 0),
            int(session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0),
        )


def _refused(api: Api, text: str, element_id: str, line_marker: str, words: list[str]) -> None:
    before = _versions(api)
    r = _upload(api, "/api/deployments", {"uji_kompetensi.bpmn": text})
    assert r.status_code == 422, r.text
    assert r.json()["detail"] == "the deployment is invalid (1 error(s)); nothing was deployed"
    [error] = r.json()["errors"]
    assert error["file"] == "uji_kompetensi.bpmn"
    assert error["element_id"] == error["path"] == element_id
    assert error["line"] == _line_of(text, line_marker)
    for word in words:
        assert word in error["message"], error["message"]
    assert _versions(api) == before


def test_a_known_operator_given_an_unknown_parameter_is_refused(api: Api) -> None:
    text = _nota_dinas_param(NOTA_PARAM + NOTA_PARAM.replace('id="target"', 'id="bukan_param"'))
    _refused(
        api,
        text,
        "menerbitkan_nota_dinas",
        '<bpmn:serviceTask id="menerbitkan_nota_dinas"',
        [
            "Operator layanan 'terbitkan_nota_dinas': parameternya salah: tidak dikenal bukan_param "
            "(parameternya: periode, target)"
        ],
    )


def test_a_known_operator_missing_a_required_parameter_is_refused(api: Api) -> None:
    text = _nota_dinas_param("")
    _refused(
        api,
        text,
        "menerbitkan_nota_dinas",
        '<bpmn:serviceTask id="menerbitkan_nota_dinas"',
        ["Operator layanan 'terbitkan_nota_dinas': parameternya salah: kurang target (parameternya: periode, target)"],
    )


TIMERS = {
    "unquoted-duration": (
        "<bpmn:timeDuration>PT1H</bpmn:timeDuration>",
        "timeDuration PT1H dibaca sebagai nama Python: beri tanda kutip ('PT1H')",
    ),
    "invalid-duration": (
        "<bpmn:timeDuration>'PTXYZ'</bpmn:timeDuration>",
        ("timeDuration: bukan durasi ISO-8601: 'PTXYZ' (contoh: P2D, P7D atau PT1H)"),
    ),
    "endless-cycle": (
        "<bpmn:timeCycle>'R/PT1S'</bpmn:timeCycle>",
        ("timeCycle: timer siklus 'R/PT1S' berulang tanpa henti: beri jumlah ulangan (mis. 'R3/PT1H')"),
    ),
    "too-many-cycles": (
        "<bpmn:timeCycle>'R5000/PT1S'</bpmn:timeCycle>",
        ("timer siklus 'R5000/PT1S' berulang lebih dari 1000 kali"),
    ),
    "invalid-date": (
        "<bpmn:timeDate>'2026-13-45'</bpmn:timeDate>",
        ("timeDate: bukan tanggal dan waktu ISO 8601: '2026-13-45'"),
    ),
    "unknown-name": (
        "<bpmn:timeDate>batas_langkh('2')</bpmn:timeDate>",
        ("timeDate membaca batas_langkh, yang tidak diisi apa pun di proses 'uji_kompetensi'"),
    ),
}


@pytest.mark.parametrize("case", list(TIMERS))
def test_a_timer_that_cannot_run_or_never_ends_is_refused(api: Api, case: str) -> None:
    timer, words = TIMERS[case]
    text = _replace(UJI, TIMER, timer)
    _refused(api, text, "terlambat_langkah_2", '<bpmn:boundaryEvent id="terlambat_langkah_2"', [f"{words}"])


@pytest.mark.parametrize(
    "timer",
    [
        "<bpmn:timeDuration>'PT1H'</bpmn:timeDuration>",
        '<bpmn:timeDuration>"P1M"</bpmn:timeDuration>',
        "<bpmn:timeCycle>'R3/PT1H'</bpmn:timeCycle>",
        "<bpmn:timeDate>'2026-12-31T09:00:00+07:00'</bpmn:timeDate>",
        TIMER,
    ],
)
def test_a_valid_timer_passes_validation(api: Api, timer: str) -> None:
    r = _upload(api, "/api/deployments/validate", {"uji_kompetensi.bpmn": _replace(UJI, TIMER, timer)})
    assert r.status_code == 200
    assert r.json()["errors"] == []


def test_a_condition_reading_a_name_nothing_assigns_is_refused(api: Api) -> None:
    text = _replace(UJI, CONDITION, CONDITION.replace("jumlah_diterima", "jumlah_ditrima"))
    _refused(
        api,
        text,
        "flow_kuota_terpenuhi_penugasan_gabung",
        'id="flow_kuota_terpenuhi_penugasan_gabung"',
        ["Kondisi membaca jumlah_ditrima, yang tidak diisi apa pun di proses 'uji_kompetensi'"],
    )


def test_a_condition_may_read_its_own_comprehension_variables_and_builtins(api: Api) -> None:
    condition = "len([p for p in pendaftar_diterima if p]) &gt;= max(1, jadwal['kuota_min'])"
    text = _replace(UJI, CONDITION, condition)
    r = _upload(api, "/api/deployments/validate", {"uji_kompetensi.bpmn": text})
    assert r.json()["errors"] == []


def _form(pattern: str) -> str:
    return json.dumps(
        {
            "type": "object",
            "properties": {"target": {"type": "string", "pattern": pattern}},
            "required": ["target"],
        }
    )


@pytest.mark.parametrize("pattern", ["^(a+)+$", "^(a*)*b$", "^(a|a)*$", "^([a-z0-9]+\\s?)*$", "(.*a){20}"])
def test_a_form_pattern_prone_to_catastrophic_backtracking_is_refused(api: Api, pattern: str) -> None:
    before = _versions(api)
    r = _upload(api, "/api/deployments", {"uji_kompetensi.bpmn": UJI, "menetapkan_target.json": _form(pattern)})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["file"] == "menetapkan_target.json"
    assert error["element_id"] == error["path"] == "properties.target.pattern"
    assert f"Pola {pattern!r} bisa memakan waktu eksponensial" in error["message"]
    assert _versions(api) == before


@pytest.mark.parametrize("pattern", ["^[0-9]{16}$", "^[a-z]+(\\.[a-z]+)*$", "^(ab|ac)*$", "^[A-Z]{2}-\\d+$"])
def test_a_plain_form_pattern_passes_validation(api: Api, pattern: str) -> None:
    r = _upload(
        api, "/api/deployments/validate", {"uji_kompetensi.bpmn": UJI, "menetapkan_target.json": _form(pattern)}
    )
    assert r.status_code == 200
    assert r.json()["errors"] == []


def test_the_shipped_processes_pass_every_rule(api: Api) -> None:
    files = {p.name: p.read_text() for p in (PROJECT_ROOT / "processes").glob("*.bpmn")}
    files |= {p.name: p.read_text() for p in (PROJECT_ROOT / "forms").glob("*.json")}
    r = _upload(api, "/api/deployments/validate", files)
    assert r.status_code == 200
    assert r.json()["errors"] == []


def _loop_process(exit_flow: str = "") -> str:
    body = "\n".join(
        [
            bpmn.lanes(l=("Direktur", ["start", "n0", "n1", "pilih", "lihat", "end"])),
            '<bpmn:startEvent id="start"/>',
            '<bpmn:scriptTask id="n0" name="Skrip"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>',
            '<bpmn:scriptTask id="n1" name="Skrip"><bpmn:script>n = n + 1</bpmn:script></bpmn:scriptTask>',
            '<bpmn:exclusiveGateway id="pilih" default="f3"/>',
            bpmn.user_task("lihat", "Lihat hasil"),
            '<bpmn:endEvent id="end"/>',
            bpmn.flow("f0", "start", "n0"),
            bpmn.flow("f1", "n0", "n1"),
            bpmn.flow("f2", "n1", "pilih"),
            bpmn.flow("f3", "pilih", "n0"),
            exit_flow,
            bpmn.flow("f5", "lihat", "end"),
        ]
    )
    return bpmn.definitions("putaran", body)


def test_a_loop_that_never_waits_and_cannot_be_left_is_refused(api: Api) -> None:
    text = _loop_process()
    before = _versions(api)
    r = _upload(api, "/api/deployments", {"putaran.bpmn": text})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["file"] == "putaran.bpmn" and error["element_id"] == "n0"
    assert error["line"] == _line_of(text, '<bpmn:scriptTask id="n0"')
    assert error["message"] == (
        "Perulangan melalui n0, n1, pilih tidak pernah menunggu dan tidak ada jalan keluarnya: "
        "ia akan berjalan tanpa henti"
    )
    assert _versions(api) == before


def test_a_loop_a_condition_can_leave_passes_validation(api: Api) -> None:
    exit_flow = (
        '<bpmn:sequenceFlow id="f4" sourceRef="pilih" targetRef="lihat">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">n &gt; 3</bpmn:conditionExpression>'
        "</bpmn:sequenceFlow>"
    )
    text = _loop_process(exit_flow).replace(
        "<bpmn:definitions ", '<bpmn:definitions xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    )
    r = _upload(api, "/api/deployments/validate", {"putaran.bpmn": text})
    assert r.status_code == 200
    assert r.json()["errors"] == []


PENERBITAN = (PROJECT_ROOT / "processes" / "penerbitan_sertifikat.bpmn").read_text()
LAMA_DITUNDA = """<spiffworkflow:parameter id="lama" type="any" value="'P14D'"/>"""


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (
            "'14 hari'",
            "Operator layanan 'batas_tindak_lanjut_ditunda', parameter 'lama': bukan durasi ISO-8601: '14 hari' "
            "(contoh: P2D, P7D atau PT1H)",
        ),
        (
            "P14D",
            "Operator layanan 'batas_tindak_lanjut_ditunda', parameter 'lama': bukan durasi ISO-8601 bertanda kutip: "
            "'P14D' (contoh: 'P14D', 'P2D' atau 'PT1H')",
        ),
        ("14", "parameter 'lama': bukan durasi ISO-8601 bertanda kutip: '14'"),
    ],
)
def test_a_malformed_follow_up_window_of_a_postponed_decision_is_refused_naming_its_task(
    api: Api, value: str, words: str
) -> None:
    text = _replace(PENERBITAN, LAMA_DITUNDA, LAMA_DITUNDA.replace("'P14D'", value))
    before = _versions(api)
    r = _upload(api, "/api/deployments", {"penerbitan_sertifikat.bpmn": text})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["file"] == "penerbitan_sertifikat.bpmn"
    assert error["element_id"] == "menetapkan_batas_tindak_lanjut"
    assert error["line"] == _line_of(text, '<bpmn:serviceTask id="menetapkan_batas_tindak_lanjut"')
    assert words in error["message"], error["message"]
    assert _versions(api) == before


def test_a_follow_up_window_written_in_weeks_passes_validation(api: Api) -> None:
    text = _replace(PENERBITAN, LAMA_DITUNDA, LAMA_DITUNDA.replace("'P14D'", "'P3W'"))
    r = _upload(api, "/api/deployments/validate", {"penerbitan_sertifikat.bpmn": text})
    assert r.status_code == 200
    assert r.json()["errors"] == []


def test_a_follow_up_window_left_out_of_the_bpmn_is_refused_though_python_has_one_for_older_versions(
    api: Api,
) -> None:
    text = _replace(PENERBITAN, LAMA_DITUNDA, "")
    before = _versions(api)
    r = _upload(api, "/api/deployments", {"penerbitan_sertifikat.bpmn": text})
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["file"], error["element_id"]) == ("penerbitan_sertifikat.bpmn", "menetapkan_batas_tindak_lanjut")
    assert error["message"] == (
        "Operator layanan 'batas_tindak_lanjut_ditunda': parameter 'lama' (durasi ISO-8601 bertanda kutip, "
        "mis. 'P14D') harus diisi di BPMN"
    )
    assert _versions(api) == before
