"""What the staff read when a form refuses their data: the field's dotted path and an Indonesian reason."""

from typing import Any

import pytest

from api.engine.forms import form_errors


def errors_of(field: dict[str, Any], value: Any) -> list[dict[str, str]]:
    """The errors of a form with one field `x` described by `field`, filled in with `value`."""
    return form_errors({"type": "object", "properties": {"x": field}}, {"x": value})


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ({"type": "string", "minLength": 1}, "", "tidak boleh kosong"),
        ({"type": "string", "minLength": 3}, "ab", "minimal 3 karakter"),
        ({"type": "string", "maxLength": 5}, "enam k", "maksimal 5 karakter"),
        ({"type": "array", "minItems": 1}, [], "tidak boleh kosong"),
        ({"type": "array", "minItems": 3}, [1, 2], "minimal 3 isian"),
        ({"type": "array", "maxItems": 2}, [1, 2, 3], "maksimal 2 isian"),
        ({"enum": ["K", "BK"]}, "X", "'X' bukan pilihan yang sah; pilih salah satu: K, BK"),
        ({"const": "setuju"}, "tidak", "harus 'setuju'"),
        ({"type": "integer"}, "abc", "'abc' bukan bilangan bulat"),
        ({"type": "number"}, "abc", "'abc' bukan angka"),
        ({"type": "boolean"}, "ya", "'ya' bukan ya/tidak (true/false)"),
        ({"type": "array"}, "a", "'a' bukan daftar"),
        ({"type": "object"}, 1, "1 bukan objek"),
        ({"type": ["string", "integer"]}, 1.5, "1.5 bukan teks atau bilangan bulat"),
        (
            {"type": "string", "format": "date"},
            "17-03-2026",
            "'17-03-2026' bukan format date yang sah (contoh tanggal: 2026-03-17)",
        ),
        ({"type": "integer", "minimum": 1}, 0, "minimal 1"),
        ({"type": "integer", "exclusiveMinimum": 0}, 0, "harus lebih dari 0"),
        ({"type": "integer", "maximum": 10}, 11, "maksimal 10"),
        ({"type": "integer", "exclusiveMaximum": 10}, 10, "harus kurang dari 10"),
        ({"type": "string", "pattern": "^[0-9]{16}$"}, "123", "'123' tidak sesuai pola ^[0-9]{16}$"),
        ({"type": "array", "uniqueItems": True}, ["a", "a"], "ada isian yang sama lebih dari sekali"),
    ],
)
def test_each_kind_of_refusal_is_explained_in_indonesian(field: dict[str, Any], value: Any, message: str) -> None:
    assert errors_of(field, value) == [{"path": "x", "message": message}]


def test_a_missing_required_field_is_named_in_the_path_and_the_message() -> None:
    schema = {
        "type": "object",
        "required": ["pemeriksaan"],
        "properties": {"pemeriksaan": {"type": "object", "required": ["keputusan"]}},
    }
    assert form_errors(schema, {}) == [{"path": "pemeriksaan", "message": "pemeriksaan wajib diisi"}]
    assert form_errors(schema, {"pemeriksaan": {}}) == [
        {"path": "pemeriksaan.keputusan", "message": "keputusan wajib diisi"}
    ]


def test_a_field_the_form_does_not_know_is_named_with_every_other_unknown_one() -> None:
    schema = {"type": "object", "properties": {"nama": {"type": "string"}}, "additionalProperties": False}
    assert form_errors(schema, {"nama": "Andi", "zzz": 2, "umur": 1}) == [
        {"path": "umur", "message": "kolom 'umur', 'zzz' tidak dikenal formulir ini"}
    ]


def test_an_error_deep_in_a_list_has_a_dotted_path_to_the_item_and_errors_come_in_path_order() -> None:
    bukti = {"type": "object", "properties": {"status": {"enum": ["ada_memenuhi", "ada_tidak_memenuhi"]}}}
    schema = {
        "type": "object",
        "properties": {
            "pemeriksaan": {
                "type": "object",
                "properties": {"bukti": {"type": "array", "items": bukti}, "alasan": {"type": "string"}},
            }
        },
    }
    data = {"pemeriksaan": {"bukti": [{"status": "ada_memenuhi"}, {"status": "hilang"}], "alasan": 5}}
    assert form_errors(schema, data) == [
        {"path": "pemeriksaan.alasan", "message": "5 bukan teks"},
        {
            "path": "pemeriksaan.bukti.1.status",
            "message": "'hilang' bukan pilihan yang sah; pilih salah satu: ada_memenuhi, ada_tidak_memenuhi",
        },
    ]


def test_data_that_fits_the_form_has_no_errors() -> None:
    assert errors_of({"type": "string", "minLength": 1}, "Andi") == []
