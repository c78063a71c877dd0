"""Body of `GET /api/periode/{id}/dasbor`: one period at a glance for Ketua LSP and Direktur.

Derived from the period's records, never kept by hand: the SOP steps the runtime noted
(`process_instance.steps`) against the time standards of the BPMN version the period runs, the escalation
tasks (`step_escalated` events), the submissions the history recorded, the final decisions
(`service_tasks.keputusan_tercatat`), the certificate register and the documents.
"""

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class PeriodeRingkas(BaseModel):
    """A period (a root instance of the SOP process)."""

    id: int
    business_key: str | None
    status: str = Field(description="the instance's status: running, completed, cancelled, error")
    mulai: datetime
    selesai: datetime | None
    langkah_berjalan: str | None = Field(description="the last SOP step started and not completed")
    langkah_berjalan_nama: str | None
    eskalasi_terbuka: int


class LangkahDasbor(BaseModel):
    """One SOP step of the period against its time standard."""

    nomor: str
    nama: str
    standar_detik: float | None = Field(description="the step's time standard (the BPMN's timeStandard)")
    mulai: datetime | None
    batas: datetime | None = Field(description="planned due: start + time standard")
    selesai: datetime | None
    keadaan: Literal["belum", "berjalan", "selesai", "terhenti"] = Field(
        description="terhenti: left unfinished by a period that ended (cancelled)"
    )
    lama_detik: float | None = Field(description="done - start, or now - start while it runs")
    terlambat: bool = Field(description="done after its due, or running past it")
    terlambat_detik: float | None
    tugas_terbuka: int = Field(description="ready tasks of the step in the period and its children")
    eskalasi_terbuka: int


class Eskalasi(BaseModel):
    """An escalation task: a step ran over its standard and its supervisor must follow it up."""

    task_id: str
    nama: str
    langkah: str | None
    langkah_nama: str | None
    peran: str | None
    batas_langkah: datetime | None = Field(description="the due the step ran over")
    dibuat: datetime
    terbuka: bool
    dibatalkan: bool = Field(description="its task was cancelled (the period ended) rather than followed up")
    diklaim_oleh: str | None
    selesai: datetime | None
    selesai_oleh: str | None


class CorongBaris(BaseModel):
    """From target to certificate for one skema (or prodi): each candidate counted once per column."""

    kunci: str = Field(description="the skema's nomor, or the prodi's name")
    judul: str
    target: int
    terdaftar: int = Field(description="submitted FR.APL.01 (at least once)")
    diterima: int = Field(description="registration accepted (Kabid Administrasi's last check)")
    hadir: int = Field(description="present at the assessment (the asesor's last attendance record)")
    kompeten: int = Field(description="final decision K (pleno as its approved SK states it, upheld appeals)")
    sertifikat: int = Field(description="certificates issued in the period (a re-issued one counted once)")


class KeputusanSkema(BaseModel):
    """The final decisions per skema."""

    skema_nomor: str
    skema_judul: str
    k: int
    bk: int
    ditunda: int


class DokumenJenis(BaseModel):
    """Render progress of one kind of document."""

    jenis: str
    label: str
    total: int
    selesai: int
    gagal: int


class DokumenProgres(BaseModel):
    total: int
    selesai: int
    gagal: int
    per_jenis: list[DokumenJenis]


class LaporanPeriode(BaseModel):
    """The period's Laporan (SOP step 7's output), its latest version."""

    dokumen_id: int
    nomor: str
    siap: bool = Field(description="its PDF is rendered (`GET /api/dokumen/{id}`)")


class Dasbor(BaseModel):
    periode: PeriodeRingkas
    pada: datetime = Field(description="when these figures were read")
    langkah: list[LangkahDasbor]
    eskalasi: list[Eskalasi]
    corong: list[CorongBaris] = Field(description="per skema")
    corong_total: CorongBaris
    corong_prodi: list[CorongBaris]
    keputusan: list[KeputusanSkema]
    dokumen: DokumenProgres
    laporan: LaporanPeriode | None
