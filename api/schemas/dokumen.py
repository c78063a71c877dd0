"""Bodies of the document and evidence-file API: output documents, their corrections and revocations,
and the files a candidate uploads."""

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from api.store.enums import Penerima


class DokumenOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    number: str
    title: str
    created_at: datetime
    created_by: str | None
    sha256: str | None = Field(description="SHA-256 of the file; null until the renderer has written it")
    candidate: str | None
    instance_id: int
    task_id: str
    version: int
    supersedes_id: int | None
    content_type: str | None
    file_name: str | None
    rendered_at: datetime | None
    render_error: str | None
    render_attempts: int = Field(description="failed render attempts; the renderer stops trying at 5")


class Correction(BaseModel):
    alasan: str = Field(min_length=5, max_length=1000, description="why the document is corrected")
    data: dict[str, Any] = Field(description="JSON merge patch (RFC 7386) over the document's data")


class Penggantian(BaseModel):
    """A misprinted certificate re-issued on a new blangko (BNSP's route), with the BA kerusakan blangko."""

    model_config = ConfigDict(extra="forbid")

    kerusakan: str = Field(
        min_length=5, max_length=1000, description="what is wrong with the printed blangko (for the berita acara)"
    )
    no_blangko_baru: str = Field(
        min_length=1, max_length=100, pattern=r"^\S(.*\S)?$", description="the serial of the new blangko"
    )
    no_sertifikat: str | None = Field(
        default=None, min_length=1, max_length=100, description="only when BNSP's number itself was misprinted"
    )
    no_registrasi: str | None = Field(
        default=None, min_length=1, max_length=100, description="only when BNSP's number itself was misprinted"
    )


class PenggantianOut(BaseModel):
    berita_acara: DokumenOut
    sertifikat: DokumenOut
    kode_verifikasi: str = Field(description="the re-issued certificate's code on the public verification page")


class Penyerahan(BaseModel):
    """A printed certificate handed over: the day, and who took it (its holder, or someone with their surat
    kuasa, named)."""

    model_config = ConfigDict(extra="forbid")

    tanggal: date = Field(description="the day it was handed over (WIB): not after today, not before it was issued")
    penerima: Penerima = Field(default=Penerima.PEMEGANG, description="pemegang (the holder) or kuasa (authorised)")
    diterima_oleh: str | None = Field(
        default=None, max_length=200, description="the name of whoever took it; required when penerima is kuasa"
    )
    keterangan: str | None = Field(default=None, max_length=1000)


class PenyerahanOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    sertifikat_id: int
    tanggal: date
    penerima: Penerima
    diterima_oleh: str
    keterangan: str | None
    dicatat_oleh: str
    dicatat_at: datetime


class Revocation(BaseModel):
    alasan: str = Field(min_length=5, max_length=1000)


class BerkasOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    nama: str
    content_type: str
    size: int
    sha256: str
    jenis: str | None = None  # "pas_foto": the candidate's photo
    lebar: int | None = None  # a pas foto's width and height in pixels, as shown
    tinggi: int | None = None
