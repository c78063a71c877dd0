"""Every refusal of the deploy lint speaks Indonesian to the process designer: a broken process or form sent
to `POST /api/deployments` is refused 422 with an English `detail` (for integrators) and, for each problem, an
Indonesian `message` saying what is wrong and what to do, and a `path` naming the BPMN element or the form
field; nothing is deployed. One case per rule of `lint_rules.ERRORS`, `form_rules.FORM_ERRORS` and the checks
of `deployments.validate`; the warnings (`lint_rules.WARNINGS`) through `POST /api/deployments/validate`."""

import json
from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import func, select

from api.engine.form_rules import FORM_ERRORS
from api.engine.lint_rules import ERRORS, WARNINGS
from api.settings import PROJECT_ROOT
from api.store.models import Deployment, ProcessDefinition
from tests.support import bpmn
from tests.support.api import Api

UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()
LANES = ("Direktur", "Ketua LSP", "Kabid Administrasi", "Kabid Sertifikasi", "Asesor Kompetensi")
TIMER = '<bpmn:boundaryEvent id="b1" attachedToRef="t1"><bpmn:timerEventDefinition id="td">{}</bpmn:timerEventDefinition></bpmn:boundaryEvent>'  # noqa: E501


def _process(
    task: str = bpmn.user_task("t1", "Memeriksa laporan"),
    *,
    pid: str = "cek",
    lane: str = "Direktur",
    extra: str = "",
    extra_id: str = "",
    flows: str = "",
) -> str:
    """start -> t1 -> end, all in one lane, with an `extra` element (`extra_id`, in the lane too) and flows."""
    body = (
        bpmn.lanes(l1=(lane, ["s", "t1", "e", *([extra_id] if extra_id else [])]))
        + '<bpmn:startEvent id="s"/>'
        + task
        + '<bpmn:endEvent id="e"/>'
        + extra
        + bpmn.line("s", "t1", "e")
        + flows
    )
    return bpmn.definitions(pid, body)


def _form(**fields: Any) -> str:
    return json.dumps(
        {"type": "object", "title": "Cek", "properties": {k: {"title": k, **v} for k, v in fields.items()}}
    )


WITH_FORM = bpmn.user_task("t1", "Memeriksa laporan", form="cek.json")


@dataclass
class Case:
    rule: str  # the rule (function) whose refusal this is
    files: dict[str, str | bytes]
    file: str
    path: str
    message: str  # the whole message, or its start when it ends with "..."


CASES = [
    Case(
        "python_expressions",
        {"cek.bpmn": _process('<bpmn:scriptTask id="t1"><bpmn:script>x = hitung(</bpmn:script></bpmn:scriptTask>')},
        "cek.bpmn",
        "t1",
        "Skrip ini bukan kode Python yang sah: baris 1: '(' tidak pernah ditutup",
    ),
    Case(
        "service_operators",
        {
            "cek.bpmn": _process(
                '<bpmn:serviceTask id="t1"><bpmn:extensionElements>'
                '<spiffworkflow:serviceTaskOperator id="kirim_merpati"><spiffworkflow:parameters/>'
                "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements></bpmn:serviceTask>"
            )
        },
        "cek.bpmn",
        "t1",
        "Operator layanan 'kirim_merpati' tidak terdaftar; daftar operator: ...",
    ),
    Case(
        "user_task_lanes",
        {"cek.bpmn": _process(lane="Tamu")},
        "cek.bpmn",
        "t1",
        "Tugas pengguna 't1' ada di lane 'Tamu', yang tidak terhubung ke peran mana pun: pindahkan ke salah satu "
        "lane Direktur, Ketua LSP, Kabid Administrasi, Kabid Sertifikasi, Asesor Kompetensi, Peserta Uji Kompetensi",
    ),
    Case(
        "forms_present",
        {"cek.bpmn": _process('<bpmn:userTask id="t1" name="Memeriksa laporan"/>')},
        "cek.bpmn",
        "t1",
        "Tugas pengguna 't1' tidak punya formulir: isi properti formJsonSchemaFilename",
    ),
    Case(
        "forms_present",
        {"cek.bpmn": _process(WITH_FORM)},
        "cek.bpmn",
        "t1",
        "Berkas formulir 'cek.json' tidak ada di penerapan ini dan belum pernah diterapkan: unggah bersama BPMN-nya",
    ),
    Case(
        "assignees",
        {"cek.bpmn": _process(bpmn.user_task("t1", "Memeriksa laporan", assignee="pemeriksa["))},
        "cek.bpmn",
        "t1",
        "assignee bukan ekspresi Python yang sah: baris 1: '[' tidak pernah ditutup",
    ),
    Case(
        "validators_registered",
        {"cek.bpmn": _process(bpmn.user_task("t1", "Memeriksa laporan", validator="periksa_merpati"))},
        "cek.bpmn",
        "t1",
        "Tugas 't1' menamai validator 'periksa_merpati' yang tidak terdaftar; daftar validator: periksa_apl, ...",
    ),
    Case(
        "escalation_steps",
        {"cek.bpmn": _process(bpmn.user_task("t1", "Memeriksa laporan", eskalasiLangkah="tiga"))},
        "cek.bpmn",
        "t1",
        "eskalasiLangkah harus nomor langkah SOP (mis. 3), bukan 'tiga'",
    ),
    Case(
        "timer_expressions",
        {
            "cek.bpmn": _process(
                extra=TIMER.format("<bpmn:timeDuration>'PT1H</bpmn:timeDuration>"),
                extra_id="b1",
                flows=bpmn.flow("fb", "b1", "e"),
            )
        },
        "cek.bpmn",
        "b1",
        "Ekspresi timer bukan Python yang sah: baris 1: teks (string) tidak ditutup dengan tanda kutip",
    ),
    Case(
        "timer_literals",
        {
            "cek.bpmn": _process(
                extra=TIMER.format("<bpmn:timeDuration>PT1H</bpmn:timeDuration>"),
                extra_id="b1",
                flows=bpmn.flow("fb", "b1", "e"),
            )
        },
        "cek.bpmn",
        "b1",
        "timeDuration PT1H dibaca sebagai nama Python: beri tanda kutip ('PT1H')",
    ),
    Case(
        "condition_names",
        {
            "cek.bpmn": _process(
                extra=TIMER.format("<bpmn:timeDuration>tenggat</bpmn:timeDuration>"),
                extra_id="b1",
                flows=bpmn.flow("fb", "b1", "e"),
            )
        },
        "cek.bpmn",
        "b1",
        "timeDuration membaca tenggat, yang tidak diisi apa pun di proses 'cek' (skrip, kolom formulir, data input, "
        "keluaran pemanggilan atau hasil tugas layanan): periksa ejaannya",
    ),
    Case(
        "child_subjects",
        {
            "cek.bpmn": _process(
                '<bpmn:callActivity id="t1" calledElement="verifikasi_tuk">'
                + bpmn.properties(childSubject="tuk[")
                + "</bpmn:callActivity>"
            )
        },
        "cek.bpmn",
        "t1",
        "childSubject bukan ekspresi Python yang sah: baris 1: '[' tidak pernah ditutup",
    ),
    Case(
        "time_standards",
        {"cek.bpmn": _process(bpmn.user_task("t1", "Memeriksa laporan", sopStep="1", timeStandard="dua hari"))},
        "cek.bpmn",
        "t1",
        "timeStandard: bukan durasi ISO-8601: 'dua hari' (contoh: P2D, P7D atau PT1H)",
    ),
    Case(
        "time_standards",
        {"cek.bpmn": _process(bpmn.user_task("t1", "Menyusun laporan", sopStep="5", dueAfter="2 hari"))},
        "cek.bpmn",
        "t1",
        "dueAfter: bukan durasi ISO-8601: '2 hari' (contoh: P2D, P7D atau PT1H)",
    ),
    Case(
        "async_after",
        {"cek.bpmn": _process(bpmn.user_task("t1", "Melaksanakan rapat pleno", asyncAfter="ya"))},
        "cek.bpmn",
        "t1",
        "asyncAfter harus bernilai \"true\", bukan 'ya'",
    ),
    Case(
        "sop_lanes",
        {
            "uji_kompetensi.bpmn": bpmn.definitions(
                "uji_kompetensi",
                bpmn.lanes(l1=("Direktur", ["s", "t1", "e"]), **{f"l{i}": (n, []) for i, n in enumerate(LANES[1:], 2)})
                + '<bpmn:startEvent id="s"/>'
                + bpmn.user_task("t1", "Memeriksa laporan")
                + '<bpmn:endEvent id="e"/>'
                + bpmn.line("s", "t1", "e"),
            )
        },
        "uji_kompetensi.bpmn",
        "uji_kompetensi",
        "Proses SOP harus tetap memiliki lane 'Peserta Uji Kompetensi': lane itu menentukan siapa yang mengerjakan apa",
    ),
    Case(
        "issuing_processes",
        {
            "cek.bpmn": _process(
                '<bpmn:serviceTask id="t1"><bpmn:extensionElements><spiffworkflow:serviceTaskOperator '
                'id="terbitkan_sertifikat"><spiffworkflow:parameters><spiffworkflow:parameter id="nomor" '
                'type="any" value="nomor"/></spiffworkflow:parameters></spiffworkflow:serviceTaskOperator>'
                "</bpmn:extensionElements></bpmn:serviceTask>",
                lane="Peserta Uji Kompetensi",
            )
        },
        "cek.bpmn",
        "s",
        "Start event ini ada di lane 'Peserta Uji Kompetensi': proses yang memanggil operator penerbitan "
        "(terbitkan_sertifikat) tidak boleh dimulai oleh Asesor Kompetensi, Peserta Uji Kompetensi; pindahkan "
        "start event ke lane Direktur, Kabid Administrasi, Kabid Sertifikasi, Ketua LSP",
    ),
    Case(
        "duration_parameters",
        {
            "cek.bpmn": _process(
                '<bpmn:serviceTask id="t1"><bpmn:extensionElements>'
                '<spiffworkflow:serviceTaskOperator id="batas_tindak_lanjut_ditunda"><spiffworkflow:parameters>'
                """<spiffworkflow:parameter id="lama" type="any" value="'2 minggu'"/>"""
                "</spiffworkflow:parameters></spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
                "</bpmn:serviceTask>"
            )
        },
        "cek.bpmn",
        "t1",
        "Operator layanan 'batas_tindak_lanjut_ditunda', parameter 'lama': bukan durasi ISO-8601: '2 minggu' "
        "(contoh: P2D, P7D atau PT1H)",
    ),
    Case(
        "operator_parameters",
        {
            "cek.bpmn": _process(
                '<bpmn:serviceTask id="t1"><bpmn:extensionElements>'
                '<spiffworkflow:serviceTaskOperator id="terbitkan_nota_dinas"><spiffworkflow:parameters/>'
                "</spiffworkflow:serviceTaskOperator></bpmn:extensionElements>"
                "</bpmn:serviceTask>"
            )
        },
        "cek.bpmn",
        "t1",
        "Operator layanan 'terbitkan_nota_dinas': parameternya salah: kurang periode, target "
        "(parameternya: periode, target)",
    ),
    Case(
        "stored_lengths",
        {"cek.bpmn": _process(bpmn.user_task("t1", "M" * 301))},
        "cek.bpmn",
        "t1",
        "Nama elemen lebih dari 300 karakter: persingkat",
    ),
    Case(
        "endless_loops",
        {
            "cek.bpmn": _process(
                '<bpmn:scriptTask id="t1"><bpmn:script>n = 1</bpmn:script></bpmn:scriptTask>',
                extra='<bpmn:scriptTask id="t2"><bpmn:script>n = 2</bpmn:script></bpmn:scriptTask>',
                extra_id="t2",
                flows=bpmn.flow("fx", "t1", "t2") + bpmn.flow("fy", "t2", "t1"),
            ).replace(bpmn.flow("f2", "t1", "e"), "")
        },
        "cek.bpmn",
        "t1",
        "Perulangan melalui t1, t2 tidak pernah menunggu dan tidak ada jalan keluarnya: ia akan berjalan tanpa henti",
    ),
    Case(
        "form_patterns",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": _form(kode={"type": "string", "pattern": "^(a+)+$"})},
        "cek.json",
        "properties.kode.pattern",
        "Pola '^(a+)+$' bisa memakan waktu eksponensial pada jawaban yang sengaja dibuat (grup berulang yang dapat "
        "mencocokkan teks yang sama dengan beberapa cara, seperti (a+)+ atau (a|a)*): tulis ulang polanya",
    ),
    Case(
        "json_forms",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": _form(kode={"type": "string", "pattern": "^(a$"})},
        "cek.json",
        "properties.kode.pattern",
        "Bukan JSON Schema yang sah: '^(a$' bukan ekspresi reguler yang sah",
    ),
    Case(
        "form_keywords",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": _form(kode={"type": ["string", "null"]})},
        "cek.json",
        "properties.kode.type",
        "type harus salah satu dari array, boolean, integer, number, object, string (satu tipe, bukan daftar) "
        "(lihat forms/README.md)",
    ),
    Case(
        "form_choice_titles",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": _form(hasil={"type": "string", "enum": ["K", "BK"]})},
        "cek.json",
        "properties.hasil.enum",
        "enum ['K', 'BK'] tidak punya judul: tulis pilihannya sebagai oneOf [{\"const\": nilai, \"title\": "
        '"Label berbahasa Indonesia"}, ...] agar tidak ada kode mentah yang sampai ke pengguna (lihat forms/README.md)',
    ),
    Case(
        "form_file_fields",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": _form(ktp_berkas_id={"type": "integer"})},
        "cek.json",
        "properties.ktp_berkas_id",
        "Kolom berkas 'ktp_berkas_id' tidak menyatakan berkasnya: tambahkan x-berkas ...",
    ),
    Case(
        "form_sources",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": _form(skema={"type": "string", "x-sumber": "skema_lama"})},
        "cek.json",
        "properties.skema.x-sumber",
        "x-sumber 'skema_lama' bukan sumber pilihan yang dikenal; yang dikenal: ...",
    ),
    # deployments.validate: the files themselves, the parser, called processes.
    Case(
        "file_names",
        {"cek proses.bpmn": _process()},
        "cek proses.bpmn",
        "cek proses.bpmn",
        "Nama berkas hanya boleh memakai huruf, angka, '.', '_' dan '-', paling banyak 200 karakter",
    ),
    Case(
        "encoding",
        {"cek.bpmn": _process().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"')},
        "cek.bpmn",
        "cek.bpmn",
        "Berkas ini menyatakan encoding 'ISO-8859-1': simpan sebagai UTF-8",
    ),
    Case(
        "encoding",
        {"cek.bpmn": _process().encode().replace(b"Memeriksa", b"Memeriks\xe0")},
        "cek.bpmn",
        "cek.bpmn",
        "Berkas ini bukan teks UTF-8 (byte ke-...",
    ),
    Case(
        "malformed_xml",
        {"cek.bpmn": _process().replace('<bpmn:endEvent id="e"/>', '<bpmn:endEvent id="e">')},
        "cek.bpmn",
        "cek.bpmn",
        "XML tidak sah: tag pembuka <endEvent> (baris 9) ditutup dengan </process> (baris 11, kolom 18); "
        "perbaiki di tab XML",
    ),
    Case(
        "file_types",
        {"cek.bpmn": _process(), "catatan.txt": "x"},
        "catatan.txt",
        "catatan.txt",
        "Hanya berkas .bpmn dan formulir .json yang dapat diterapkan",
    ),
    Case(
        "called_processes",
        {"cek.bpmn": _process('<bpmn:callActivity id="t1" calledElement="proses_hilang"/>')},
        "cek.bpmn",
        "t1",
        "Proses yang dipanggil, 'proses_hilang', tidak ada di penerapan ini dan belum pernah diterapkan: unggah "
        "bersama atau periksa calledElement",
    ),
    Case(
        "bpmn_parser",
        {
            "uji_kompetensi.bpmn": UJI.replace(
                '<bpmn:userTask id="menetapkan_target"', '<bpmn:userTask id="menetapkan_target" warna="merah"'
            )
        },
        "uji_kompetensi.bpmn",
        "uji_kompetensi.bpmn",  # the BPMN schema names a line (error["line"]), not an element
        "Parser BPMN menolak: atribut warna tidak boleh ada pada <userTask> menurut skema BPMN",
    ),
    Case(
        "json_forms",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": '{"type": "object", "properties": {"a": }}'},
        "cek.json",
        "cek.json",
        "Berkas ini bukan JSON yang sah: baris 1 kolom 40: nilai diharapkan di sini",
    ),
    Case(
        "json_forms",
        {"cek.bpmn": _process(WITH_FORM), "cek.json": '{"type": "object", "properties": {"a": {"minLength": -1}}}'},
        "cek.json",
        "properties.a.minLength",
        "Bukan JSON Schema yang sah: -1 kurang dari minimum 0",
    ),
]


def _upload(api: Api, path: str, files: dict[str, str | bytes]) -> Any:
    parts = [
        ("files", (n, b if isinstance(b, bytes) else b.encode(), "application/octet-stream")) for n, b in files.items()
    ]
    return api.post("desainer", path, files=parts)


def _versions(api: Api) -> tuple[int, int]:
    with api.app.state.db.reading() as session:
        return (
            int(session.scalar(select(func.count()).select_from(Deployment)) or 0),
            int(session.scalar(select(func.count()).select_from(ProcessDefinition)) or 0),
        )


def _says(message: str, expected: str) -> bool:
    return message.startswith(expected[:-3]) if expected.endswith("...") else message == expected


@pytest.mark.parametrize("case", CASES, ids=[f"{c.rule}-{i}" for i, c in enumerate(CASES)])
def test_a_broken_process_or_form_is_refused_in_indonesian_naming_the_element_or_field(api: Api, case: Case) -> None:
    before = _versions(api)
    r = _upload(api, "/api/deployments", case.files)
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["detail"] == "the deployment is invalid (1 error(s)); nothing was deployed", body
    [error] = body["errors"]
    assert (error["file"], error["path"]) == (case.file, case.path), error
    assert _says(error["message"], case.message), error["message"]
    assert _versions(api) == before


def test_the_cases_walk_every_rule_of_the_deploy_lint() -> None:
    covered = {c.rule for c in CASES}
    rules = {rule.__name__ for rule in [*ERRORS, *FORM_ERRORS]}
    assert rules - covered == set()
    assert {"file_names", "encoding", "malformed_xml", "file_types", "called_processes", "bpmn_parser"} <= covered


def test_the_warnings_are_indonesian_too_and_deploy_nothing_when_only_validated(api: Api) -> None:
    typo = _process(bpmn.user_task("t1", "Memeriksa laporan", timeStandar="P2D"))
    r = _upload(api, "/api/deployments/validate", {"cek.bpmn": typo})
    assert r.status_code == 200, r.text
    assert r.json()["errors"] == []
    said = {(w["path"], w["message"].split(";")[0]) for w in r.json()["warnings"]}
    assert said == {
        ("s", "Elemen ini tidak punya bentuk di diagram, jadi modeller tidak menampilkannya: gambar ulang elemennya"),
        ("t1", "Elemen ini tidak punya bentuk di diagram, jadi modeller tidak menampilkannya: gambar ulang elemennya"),
        ("e", "Elemen ini tidak punya bentuk di diagram, jadi modeller tidak menampilkannya: gambar ulang elemennya"),
        ("f1", "Elemen ini tidak punya bentuk di diagram, jadi modeller tidak menampilkannya: gambar ulang elemennya"),
        ("f2", "Elemen ini tidak punya bentuk di diagram, jadi modeller tidak menampilkannya: gambar ulang elemennya"),
        ("t1", "Properti 'timeStandar' tidak dibaca layanan (salah ketik?)"),
    }
    assert {rule.__name__ for rule in WARNINGS} == {"diagram_shapes", "unknown_properties"}
