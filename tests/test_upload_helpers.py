"""api/store/storage.py's one reading of an upload: the size cap, the empty file, the type by first bytes."""

import io
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pytest

from api.store.storage import IMAGE, PDF_OR_IMAGE, UploadRejected, read_upload, require_type, sniff, stores


@dataclass
class FakeUpload:
    filename: str | None
    file: BinaryIO


def upload(content: bytes, name: str = "bukti.pdf") -> FakeUpload:
    return FakeUpload(name, io.BytesIO(content))


def test_an_upload_within_the_limit_is_read_whole() -> None:
    assert read_upload(upload(b"%PDF-1.7 isi"), 12) == b"%PDF-1.7 isi"


def test_an_upload_over_the_limit_is_a_413_with_an_indonesian_message() -> None:
    with pytest.raises(UploadRejected) as refused:
        read_upload(upload(b"x" * 11), 10)
    assert (refused.value.status, refused.value.detail, refused.value.message) == (
        413,
        "bukti.pdf: larger than 10 bytes",
        "berkas lebih besar dari 10 byte",
    )


def test_an_empty_upload_is_a_422_with_an_indonesian_message() -> None:
    with pytest.raises(UploadRejected) as refused:
        read_upload(upload(b""), 10)
    assert (refused.value.status, refused.value.message) == (422, "berkas kosong")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"%PDF-1.4\n", "application/pdf"),
        (b"\x89PNG\r\n\x1a\n....", "image/png"),
        (b"\xff\xd8\xff\xe0....", "image/jpeg"),
        (b"MZ\x90\x00", None),
        (b"<svg xmlns='http://www.w3.org/2000/svg'/>", None),  # not among the evidence types
    ],
)
def test_evidence_is_recognised_by_its_first_bytes(content: bytes, expected: str | None) -> None:
    assert sniff(content, PDF_OR_IMAGE) == expected


def test_a_logo_may_be_an_svg_with_or_without_an_xml_declaration() -> None:
    assert sniff(b"  <svg xmlns='http://www.w3.org/2000/svg'/>", IMAGE) == "image/svg+xml"
    assert sniff(b"<?xml version='1.0'?>\n<svg/>", IMAGE) == "image/svg+xml"
    assert sniff(b"%PDF-1.4", IMAGE) is None


def test_an_unrecognised_type_is_a_415_naming_what_is_accepted() -> None:
    with pytest.raises(UploadRejected) as refused:
        require_type(b"MZ", PDF_OR_IMAGE, "virus.exe")
    assert (refused.value.status, refused.value.detail, refused.value.message) == (
        415,
        "virus.exe: only PDF, PNG or JPEG files are accepted",
        "berkas harus berupa PDF, PNG atau JPEG",
    )


def test_uploads_and_rendered_documents_live_in_their_own_directories(tmp_path: Path) -> None:
    built = stores(tmp_path)
    assert (built.berkas.root, built.dokumen.root) == (tmp_path / "berkas", tmp_path / "dokumen")
