"""Request and response bodies of the master-data API.

Input models forbid unknown fields (a misspelt field is a 422, not silently ignored). A `...Patch` model
has the same rules as its create model, every field optional; `null` is refused except where the
column itself may be empty. Lists answer a `Page[...]` (api/schemas/common.py).
"""

import re
from datetime import date, datetime
from string import Formatter
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator
from pydantic_core import PydanticCustomError

from api.schemas.common import Input, Patch

Teks = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]
TeksPanjang = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=2000)]
Username = Annotated[str, StringConstraints(strip_whitespace=True, min_length=2, max_length=64)]
Nik = Annotated[str, StringConstraints(strip_whitespace=True)]
Telepon = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^\+?[0-9(][0-9 ()\-]{6,18}$")]
Email = Annotated[str, StringConstraints(strip_whitespace=True, max_length=200, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
# "MET.000.001234 2019": the asesor's registration number at BNSP (Pedoman 303).
NoRegMet = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^MET\.\s?\d{3}\.\d{6,7}\s\d{4}$")]
LevelKkni = Annotated[int, Field(ge=1, le=9)]
JenisSkema = Literal["kkni", "okupasi", "klaster"]
JenisTuk = Literal["sewaktu", "tempat_kerja", "mandiri"]


def _check_nik(value: str | None) -> str | None:
    if value is not None and not (len(value) == 16 and value.isascii() and value.isdigit()):
        raise PydanticCustomError("nik", "NIK harus tepat 16 digit angka")
    return value


def _check_tanggal_lahir(value: date | None) -> date | None:
    if value is not None and value >= date.today():
        raise PydanticCustomError("tanggal_lahir", "tanggal lahir harus sebelum hari ini")
    return value


# --- LSP profile

PolaNomor = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=300)]


def _check_pola(value: str | None) -> str | None:
    if value is not None:
        try:
            re.compile(value)
        except re.error as exc:
            why = {"why": str(exc)}
            raise PydanticCustomError("pola", "pola nomor bukan regular expression yang sah: {why}", why) from exc
    return value


class LspIn(Input):
    nama: Teks
    kode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    no_lisensi: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    lisensi_berlaku_sd: date
    alamat: Teks
    kota: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    telepon: Telepon | None = None
    email: Email | None = None
    website: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None
    ketua: Username | None = Field(default=None, description="username of the Ketua LSP (role ketua_lsp)")
    rasio_asesi_per_asesor: Annotated[int, Field(ge=1, le=100)] = 10
    masa_banding_hari: Annotated[int, Field(ge=1, le=365)] = 14
    masa_berlaku_sertifikat_tahun: Annotated[int, Field(ge=1, le=10)] = 3
    pola_no_sertifikat: PolaNomor | None = Field(
        default=None,
        description="the shape of BNSP's certificate numbers, a regular expression matched whole; "
        "null: BNSP's (KBLI 5, KBJI 4, KKNI 1, sequence 7, year 4 digits)",
    )
    pola_no_registrasi: PolaNomor | None = Field(
        default=None,
        description="the shape of BNSP's registration numbers, a regular expression matched whole; "
        "null: BNSP's (field code letters, LSP code, sequence, year)",
    )

    _pola = field_validator("pola_no_sertifikat", "pola_no_registrasi")(_check_pola)


class LspOut(BaseModel):
    nama: str
    kode: str
    no_lisensi: str
    lisensi_berlaku_sd: date
    lisensi_berlaku: bool
    alamat: str
    kota: str
    telepon: str | None
    email: str | None
    website: str | None
    ketua: str | None
    ketua_nama: str | None
    rasio_asesi_per_asesor: int
    masa_banding_hari: int
    masa_berlaku_sertifikat_tahun: int
    pola_no_sertifikat: str | None
    pola_no_registrasi: str | None
    updated_at: datetime
    updated_by: str


# --- The institution (the polytechnic) the LSP belongs to

NOMOR_FIELDS = ("seq", "kode", "instansi", "bulan_romawi", "bulan", "tahun")


def _check_nomor_format(value: str) -> str:
    """A letter-number pattern names only the known parts, by name, and always the sequence number."""
    try:
        names = [name for _, name, _, _ in Formatter().parse(value) if name is not None]
        value.format(seq=1, kode="ND", instansi="X", bulan_romawi="I", bulan=1, tahun=2026)
    except (ValueError, KeyError, IndexError, AttributeError):
        names = ["?"]
    if "seq" not in names or any(name not in NOMOR_FIELDS for name in names):
        raise PydanticCustomError(
            "nomor_format",
            "format nomor harus memuat {seq} dan hanya boleh memakai {seq}, {kode}, {instansi}, {bulan_romawi}, "
            "{bulan} dan {tahun}",
        )
    return value


class InstitusiIn(Input):
    nama: Teks
    induk: Teks | None = Field(default=None, description="the lines above the name on the kop, one per line")
    kode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    nomor_format: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] = (
        "{kode}-{seq:03d}/{instansi}/{bulan_romawi}/{tahun}"
    )
    alamat: Teks
    kota: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    telepon: Telepon | None = None
    email: Email | None = None
    website: Annotated[str, StringConstraints(strip_whitespace=True, max_length=200)] | None = None

    _nomor_format = field_validator("nomor_format")(_check_nomor_format)


class InstitusiOut(BaseModel):
    nama: str
    induk: str | None
    kode: str
    nomor_format: str
    alamat: str
    kota: str
    telepon: str | None
    email: str | None
    website: str | None
    updated_at: datetime
    updated_by: str


# --- Skema


class Elemen(Input):
    judul: Teks
    kuk: list[TeksPanjang] = Field(min_length=1, description="kriteria unjuk kerja")


class Unit(Input):
    kode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=40)]
    judul: Teks
    jenis_standar: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=40)] = "SKKNI"
    elemen: list[Elemen] = Field(min_length=1)


def _check_unit(units: list[Unit] | None) -> list[Unit] | None:
    if units is not None:
        kode = [u.kode for u in units]
        dobel = sorted({k for k in kode if kode.count(k) > 1})
        if dobel:
            raise PydanticCustomError("unit_dobel", "kode unit ganda: {dobel}", {"dobel": ", ".join(dobel)})
    return units


class SkemaIn(Input):
    nomor: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]
    judul: Teks
    jenis: JenisSkema
    level_kkni: LevelKkni | None = None
    bidang: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    dalam_lisensi: bool = True
    unit: list[Unit] = Field(min_length=1)

    _unit = field_validator("unit")(_check_unit)


class SkemaPatch(Patch):
    nullable = frozenset({"level_kkni"})

    nomor: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)] | None = None
    judul: Teks | None = None
    jenis: JenisSkema | None = None
    level_kkni: LevelKkni | None = None
    bidang: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    dalam_lisensi: bool | None = None
    unit: Annotated[list[Unit], Field(min_length=1)] | None = None

    _unit = field_validator("unit")(_check_unit)


class SkemaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    nomor: str
    judul: str
    jenis: str
    level_kkni: int | None
    bidang: str
    dalam_lisensi: bool
    aktif: bool
    unit: list[dict[str, Any]]
    created_at: datetime
    updated_at: datetime


# --- Asesor


class AsesorIn(Input):
    username: Username
    no_reg_met: NoRegMet
    met_berlaku_sd: date
    skema: list[str] = Field(default_factory=list, description="nomor of the skema the asesor is competent in")


class AsesorPatch(Patch):
    no_reg_met: NoRegMet | None = None
    met_berlaku_sd: date | None = None
    skema: list[str] | None = None


class KonflikIn(Input):
    peserta_username: Username
    keterangan: Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=2000)]


class KonflikOut(BaseModel):
    peserta_username: str
    peserta_nama: str
    keterangan: str
    dinyatakan_at: datetime
    dinyatakan_oleh: str


class AsesorOut(BaseModel):
    id: int
    username: str
    nama: str
    no_reg_met: str
    met_berlaku_sd: date
    met_berlaku: bool
    skema: list[str]
    konflik: list[KonflikOut]
    aktif: bool
    created_at: datetime
    updated_at: datetime


# --- TUK


class TukIn(Input):
    kode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)]
    nama: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    jenis: JenisTuk
    alamat: Teks
    penanggung_jawab: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
    kapasitas: Annotated[int, Field(gt=0, le=10000)]


class TukPatch(Patch):
    kode: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=32)] | None = None
    nama: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = None
    jenis: JenisTuk | None = None
    alamat: Teks | None = None
    penanggung_jawab: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)] | None = (
        None
    )
    kapasitas: Annotated[int, Field(gt=0, le=10000)] | None = None


class TukOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kode: str
    nama: str
    jenis: str
    alamat: str
    penanggung_jawab: str
    kapasitas: int
    aktif: bool
    created_at: datetime
    updated_at: datetime


# --- Peserta

Nim = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9A-Za-z.\-]{4,20}$")]
Prodi = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
TempatLahir = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=100)]


class PesertaIn(Input):
    username: Username
    nim: Nim
    prodi: Prodi
    nik: Nik
    tempat_lahir: TempatLahir
    tanggal_lahir: date
    jenis_kelamin: Literal["L", "P"]
    alamat: Teks | None = None
    telepon: Telepon | None = None
    email: Email | None = None

    _nik = field_validator("nik")(_check_nik)
    _tanggal_lahir = field_validator("tanggal_lahir")(_check_tanggal_lahir)


class PesertaPatch(Patch):
    nullable = frozenset({"alamat", "telepon", "email"})

    nim: Nim | None = None
    prodi: Prodi | None = None
    nik: Nik | None = None
    tempat_lahir: TempatLahir | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: Literal["L", "P"] | None = None
    alamat: Teks | None = None
    telepon: Telepon | None = None
    email: Email | None = None

    _nik = field_validator("nik")(_check_nik)
    _tanggal_lahir = field_validator("tanggal_lahir")(_check_tanggal_lahir)


class PesertaOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    nama: str
    nim: str
    prodi: str
    nik: str
    tempat_lahir: str
    tanggal_lahir: date
    jenis_kelamin: str
    alamat: str | None
    telepon: str | None
    email: str | None
    aktif: bool
    created_at: datetime
    updated_at: datetime


# --- Pengurus pleno: the LSP's decision-makers eligible for a rapat pleno

Jabatan = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Bidang = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]


class PengurusPlenoIn(Input):
    username: Username
    jabatan: Jabatan
    bidang: list[Bidang] = Field(default_factory=list, description="the skema fields (skema.bidang) of competence")


class PengurusPlenoPatch(Patch):
    jabatan: Jabatan | None = None
    bidang: list[Bidang] | None = None


class PengurusPlenoOut(BaseModel):
    id: int
    username: str
    nama: str
    jabatan: str
    bidang: list[str]
    aktif: bool
    created_at: datetime
    updated_at: datetime
