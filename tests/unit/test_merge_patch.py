"""JSON Merge Patch (RFC 7386) as a document correction applies it, against the RFC's own examples."""

from typing import Any

import pytest

from api.services.dokumen import merge_patch

RFC_7386_EXAMPLES: list[tuple[Any, Any, Any]] = [
    ({"a": "b"}, {"a": "c"}, {"a": "c"}),
    ({"a": "b"}, {"b": "c"}, {"a": "b", "b": "c"}),
    ({"a": "b"}, {"a": None}, {}),
    ({"a": "b", "b": "c"}, {"a": None}, {"b": "c"}),
    ({"a": ["b"]}, {"a": "c"}, {"a": "c"}),
    ({"a": "c"}, {"a": ["b"]}, {"a": ["b"]}),
    ({"a": {"b": "c"}}, {"a": {"b": "d", "c": None}}, {"a": {"b": "d"}}),
    ({"a": [{"b": "c"}]}, {"a": [1]}, {"a": [1]}),
    (["a", "b"], ["c", "d"], ["c", "d"]),
    ({"a": "b"}, ["c"], ["c"]),
    ({"a": "foo"}, None, None),
    ({"a": "foo"}, "bar", "bar"),
    ({"e": None}, {"a": 1}, {"e": None, "a": 1}),
    ([1, 2], {"a": "b", "c": None}, {"a": "b"}),
    ({}, {"a": {"bb": {"ccc": None}}}, {"a": {"bb": {}}}),
]


@pytest.mark.parametrize(("target", "patch", "result"), RFC_7386_EXAMPLES)
def test_a_merge_patch_gives_what_rfc_7386_says(target: Any, patch: Any, result: Any) -> None:
    assert merge_patch(target, patch) == result


def test_a_correction_changes_one_nested_field_and_keeps_the_rest_and_the_original_untouched() -> None:
    original = {"peserta": {"nama": "Andi Pratama", "nik": "3171041203040001"}, "skema": "Junior Web Developer"}
    corrected = merge_patch(original, {"peserta": {"nama": "Andi Pratama Putra"}})
    assert corrected == {
        "peserta": {"nama": "Andi Pratama Putra", "nik": "3171041203040001"},
        "skema": "Junior Web Developer",
    }
    assert original["peserta"] == {"nama": "Andi Pratama", "nik": "3171041203040001"}
