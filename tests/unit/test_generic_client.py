"""The generic client's form filler (tests/support/generic_client.py) answers from the schema alone."""

import json
from datetime import date
from pathlib import Path
from typing import Any, cast

import pytest

from tests.support.api import Api
from tests.support.generic_client import Field, GenericClient, Policy, Unanswerable

FORMS = Path(__file__).resolve().parents[2] / "forms"
TODAY = date(2026, 11, 30)
TASK = {"id": "t-1", "name": "Tugas", "subject": "peserta3"}


def form(name: str) -> dict[str, Any]:
    return cast(dict[str, Any], json.loads((FORMS / name).read_text(encoding="utf-8")))


def answer(schema: dict[str, Any], choose: Any = None, rows: Any = None) -> dict[str, Any]:
    policy = Policy(choose=choose or (lambda f: None), rows=rows or (lambda p, t: None))
    client = GenericClient(cast(Api, None), [], policy, today=lambda: TODAY)
    return client.answer("peserta3", TASK, schema)


def test_without_a_word_from_the_policy_each_choice_is_the_first_offered_and_each_text_says_its_field() -> None:
    assert answer(form("pra_asesmen.json")) == {"pra_asesmen": {"rekomendasi": "lanjut"}}
    assert answer(form("menerima_laporan.json")) == {"diterima": True}
    assert answer(form("eskalasi.json")) == {"eskalasi": {"tindakan": "Tindakan yang diambil (1)"}}


def test_a_choice_that_makes_a_field_required_gets_it_filled_under_the_then_constraints() -> None:
    def choose(f: Field) -> Any:
        return f.value_titled("tidak dapat") if f.pattern == "pra_asesmen.rekomendasi" else None

    assert answer(form("pra_asesmen.json"), choose) == {
        "pra_asesmen": {"rekomendasi": "tidak_lanjut", "catatan": "Catatan (1)"}
    }


def test_defaults_are_taken_and_their_rows_completed_with_choices_the_policy_makes_per_row() -> None:
    rekomendasi = {"type": "string", "oneOf": [{"const": "K", "title": "Kompeten"}, {"const": "BK", "title": "Belum"}]}
    metode = {
        "type": "string",
        "oneOf": [{"const": "observasi", "title": "Observasi"}, {"const": "lisan", "title": "Lisan"}],
    }
    unit = {
        "type": "object",
        "title": "Unit",
        "properties": {
            "kode": {"type": "string", "minLength": 1},
            "rekomendasi": rekomendasi,
            "metode": {"type": "array", "minItems": 1, "items": metode, "uniqueItems": True},
            "tindak_lanjut": {"type": "string", "title": "Tindak lanjut"},
        },
        "required": ["kode", "rekomendasi", "metode"],
        "if": {"properties": {"rekomendasi": {"const": "BK"}}, "required": ["rekomendasi"]},
        "then": {"required": ["tindak_lanjut"], "properties": {"tindak_lanjut": {"minLength": 1}}},
    }
    schema = {
        "type": "object",
        "properties": {"unit": {"type": "array", "items": unit, "default": [{"kode": "U.1"}, {"kode": "U.2"}]}},
        "required": ["unit"],
    }

    def choose(f: Field) -> Any:
        if f.pattern == "unit[].rekomendasi" and f.row["kode"] == "U.2" and f.task["subject"] == "peserta3":
            return "BK"
        return None

    assert answer(schema, choose) == {
        "unit": [
            {"kode": "U.1", "rekomendasi": "K", "metode": ["observasi"]},
            {"kode": "U.2", "rekomendasi": "BK", "metode": ["observasi"], "tindak_lanjut": "Tindak lanjut (1)"},
        ]
    }


def test_a_list_gets_as_many_rows_as_the_policy_adds_each_filled_from_the_form() -> None:
    schema = {
        "type": "object",
        "properties": {
            "daftar": {
                "type": "array",
                "minItems": 1,
                "items": {
                    "type": "object",
                    "properties": {
                        "u": {"type": "string", "oneOf": [{"const": "a", "title": "A"}, {"const": "b", "title": "B"}]}
                    },
                    "required": ["u"],
                },
            }
        },
        "required": ["daftar"],
    }
    got = answer(schema, lambda f: f.options[f.index or 0][0], lambda p, t: 2 if p == "daftar" else None)
    assert got == {"daftar": [{"u": "a"}, {"u": "b"}]}


def test_a_policy_naming_a_value_the_form_does_not_offer_is_refused() -> None:
    with pytest.raises(AssertionError, match="not offered"):
        answer(form("pra_asesmen.json"), lambda f: "lanjut_saja")


def test_a_date_is_today_within_the_declared_bounds() -> None:
    def schema(**bounds: str) -> dict[str, Any]:
        return {
            "type": "object",
            "properties": {"d": {"type": "string", "format": "date", **bounds}},
            "required": ["d"],
        }

    assert answer(schema()) == {"d": "2026-11-30"}
    assert answer(schema(formatMinimum="2026-12-10")) == {"d": "2026-12-10"}
    assert answer(schema(formatMaximum="2026-11-01")) == {"d": "2026-11-01"}


def test_a_file_someone_uploaded_earlier_without_choices_or_default_is_unanswerable_naming_the_field() -> None:
    schema = form("memeriksa_berkas.json")
    bukti = schema["properties"]["pemeriksaan"]["properties"]["bukti"]
    bukti["minItems"] = 1
    bukti["items"]["properties"]["berkas_id"].pop("x-sumber", None)
    with pytest.raises(Unanswerable) as e:
        answer(schema)
    assert e.value.field == "pemeriksaan.bukti[0].berkas_id"
    assert "uploaded earlier" in e.value.why


def test_a_choice_narrowed_per_row_by_an_if_then_offers_only_the_rows_own_choices() -> None:
    def one_of(*values: str) -> list[dict[str, str]]:
        return [{"const": v, "title": v.upper()} for v in values]

    row = {
        "type": "object",
        "properties": {
            "username": {"type": "string", "oneOf": one_of("p1", "p2")},
            "asesor": {"type": "string", "oneOf": one_of("a1", "a2", "a3")},
        },
        "required": ["username", "asesor"],
        "allOf": [
            {
                "if": {"properties": {"username": {"enum": ["p1"]}}, "required": ["username"]},
                "then": {"properties": {"asesor": {"oneOf": one_of("a2", "a3")}}},
            },
            {
                "if": {"properties": {"username": {"enum": ["p2"]}}, "required": ["username"]},
                "then": {"properties": {"asesor": {"oneOf": one_of("a3")}}},
            },
        ],
    }
    schema = {
        "type": "object",
        "properties": {"rows": {"type": "array", "items": row, "default": [{"username": "p1"}, {"username": "p2"}]}},
        "required": ["rows"],
    }
    offered: dict[str, list[Any]] = {}

    def choose(f: Field) -> Any:
        if f.pattern == "rows[].asesor":
            offered[f.row["username"]] = [v for v, _ in f.options]
        return None

    assert answer(schema, choose) == {"rows": [{"username": "p1", "asesor": "a2"}, {"username": "p2", "asesor": "a3"}]}
    assert offered == {"p1": ["a2", "a3"], "p2": ["a3"]}
