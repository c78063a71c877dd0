"""What the deploy lint's tools say reaches the process designer in Indonesian: Python's syntax errors and the
sandbox's refusals (`check_syntax`), and the parsers' words; a complaint no table knows keeps the tool's own
words in parentheses behind Indonesian ones."""

import pytest

from api.engine.sandbox import check_syntax
from api.engine.tool_messages import parser_message, schema_message, xml_message


@pytest.mark.parametrize(
    ("code", "mode", "said"),
    [
        ("a +", "eval", "baris 1: sintaks tidak sah"),
        ("(a", "eval", "baris 1: '(' tidak pernah ditutup"),
        ("x = 'a", "exec", "baris 1: teks (string) tidak ditutup dengan tanda kutip"),
        ("if x\n  y", "exec", "baris 1: tanda ':' kurang"),
        ("def f():\nreturn 1", "exec", "baris 2: baris sesudahnya harus menjorok (indentasi)"),
        ("print 'x'", "exec", "baris 1: pemanggilan 'print' tanpa tanda kurung; tulis print(...)"),
        ("_rahasia", "eval", 'baris 1: nama "_rahasia" tidak boleh diawali "_"'),
        ("a.__class__", "eval", 'baris 1: atribut "__class__" tidak boleh diawali "_"'),
        ("exec('1')", "eval", "baris 1: pemanggilan exec tidak diizinkan"),
        ("  ", "eval", "kosong: tulis ekspresinya"),
        ("jumlah >= 3", "eval", None),
    ],
)
def test_a_script_or_expression_the_sandbox_refuses_is_said_in_indonesian(code: str, mode: str, said: str) -> None:
    assert check_syntax(code, mode) == said


def test_the_parsers_words_are_indonesian_and_unknown_ones_are_kept_in_parentheses() -> None:
    assert xml_message("Document is empty, line 1, column 1") == (
        "XML tidak sah: berkas kosong (baris 1, kolom 1); perbaiki di tab XML"
    )
    assert (
        parser_message("No start event found") == "Parser BPMN menolak: proses tidak punya start event: tambahkan satu"
    )
    assert parser_message("Something new happened.") == "Parser BPMN menolak: (Something new happened.)"
    assert schema_message("'x' is not of type 'array'") == "Bukan JSON Schema yang sah: 'x' bukan bertipe 'array'"
