"""Bodies of `GET /api/me/status`: where a candidate stands in each period, and an asesor's candidates.

Everything here is derived from the instances, their tasks, the history and the documents; no field is a
status someone keeps by hand.
"""

from datetime import date, datetime

from pydantic import BaseModel, Field


class Langkah(BaseModel):
    """An SOP step as the period recorded it (`process_instance.steps`)."""

    nomor: str
    nama: str | None
    mulai: datetime | None = None
    batas: datetime | None = Field(None, description="when the step's time standard runs out")


class TugasSaya(BaseModel):
    """A ready task the caller must do now."""

    id: str
    nama: str
    langkah: str | None
    batas: datetime | None = Field(description="the task's due date (null: no time standard)")
    tautan: str


class Menunggu(BaseModel):
    """An open task of someone else the candidate waits for: named by task and role, never by person."""

    nama: str
    peran: str | None = Field(description="the role (lane) whose users may do it")
    lane: str | None
    langkah: str | None
    batas: datetime | None


class HasilPendaftaran(BaseModel):
    keputusan: str = Field(description="diterima, dikembalikan or ditolak")
    alasan: str | None
    pada: datetime


class Kehadiran(BaseModel):
    hadir: bool
    tanggal: date | None = Field(None, description="the day of the assessment, as the asesor recorded it")
    catatan: str | None
    pada: datetime


class Persetujuan(BaseModel):
    """The candidate's own FR.AK.01: consent, or a refusal (the candidate was present, not absent)."""

    setuju: bool
    catatan: str | None
    pada: datetime


class HasilPraAsesmen(BaseModel):
    """The asesor's pra-asesmen of the candidate's FR.APL.02: whether the assessment goes ahead."""

    rekomendasi: str = Field(description="lanjut or tidak_lanjut")
    catatan: str | None
    pada: datetime


class HasilKeputusan(BaseModel):
    keputusan: str = Field(
        description="K, BK or ditunda, as the approved SK (as amended after the follow-up pleno on a postponed "
        "decision, and after an upheld appeal) records it"
    )
    sumber: str = Field(description="pleno, pleno_lanjutan (the follow-up pleno on a postponed decision) or banding")
    pada: datetime
    dokumen_id: int
    dibawa: bool = Field(
        default=False, description="ditunda, and carried to a later batch (by the follow-up pleno or when step 6 ended)"
    )
    alasan: str | None = Field(default=None, description="the follow-up pleno's reason, when it decided")


class Hasil(BaseModel):
    pendaftaran: HasilPendaftaran | None = None
    pra_asesmen: HasilPraAsesmen | None = None
    kehadiran: Kehadiran | None = None
    persetujuan: Persetujuan | None = None
    keputusan: HasilKeputusan | None = None


class DokumenSaya(BaseModel):
    id: int
    kind: str
    label: str
    nomor: str
    dirender: bool = Field(description="the file has been rendered and can be downloaded")
    tautan: str


class ProsesSaya(BaseModel):
    """One of the candidate's own child instances (registration, pra-asesmen, assessment, appeal)."""

    key: str = Field(description="the process: pendaftaran_uji_kompetensi, pra_asesmen, ...")
    status: str
    mulai: datetime
    selesai: datetime | None


class JadwalSaya(BaseModel):
    """Where and when the candidate is assessed, and by whom: as their current kartu peserta records it."""

    asesmen_mulai: date | None
    asesmen_selesai: date | None
    tuk_kode: str | None
    tuk_nama: str | None
    tuk_alamat: str | None
    asesor_nama: str | None
    sesi: int | None = None  # the candidate's own session of the schedule (then both dates are its day)
    pukul: str | None = None  # its time, e.g. "08.00–12.00 WIB"


class PeriodeSaya(BaseModel):
    """One period a candidate is in."""

    instance_id: int = Field(description="the period's instance")
    business_key: str | None
    status: str
    langkah: Langkah | None = Field(description="the SOP step the candidate stands at")
    harus: list[TugasSaya] = Field(description="what the candidate must do now, with due dates")
    menunggu: list[Menunggu] = Field(description="others' open tasks about the candidate")
    hasil: Hasil
    dokumen: list[DokumenSaya]
    proses: list[ProsesSaya] = Field(default_factory=list, description="the candidate's own child instances")
    jadwal: JadwalSaya | None = Field(None, description="from the candidate's current kartu peserta, once issued")
    batas_banding: datetime | None = Field(
        None, description="while the candidate may appeal (their FR.AK.04 task is open): the end of the window"
    )


class CalonAsesor(BaseModel):
    """One candidate of an asesor."""

    username: str
    nama: str
    nim: str | None
    skema_nomor: str | None
    skema_judul: str | None
    tuk_kode: str | None
    langkah: Langkah | None
    harus: list[TugasSaya] = Field(description="the asesor's own ready tasks about this candidate")
    menunggu: list[Menunggu] = Field(description="the open tasks of others about this candidate")


class PeriodeAsesor(BaseModel):
    instance_id: int
    business_key: str | None
    status: str
    calon: list[CalonAsesor]


class StatusSaya(BaseModel):
    """`peserta` for a candidate, `asesor` for an asesor (each empty otherwise); every caller also gets the
    number of ready tasks they may work on."""

    username: str
    peran: list[str]
    tugas_siap: int = Field(description="ready tasks in the caller's inbox")
    peserta: list[PeriodeSaya]
    asesor: list[PeriodeAsesor]
