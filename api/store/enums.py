"""Vocabularies: every fixed set of codes the service writes and reads, one `StrEnum` each.

A `StrEnum` member *is* its string, so rows and JSON keep the plain codes ("task_completed", "ready");
what the enum adds is one place to read the whole set and a name that a typo cannot slip past.
Roles and SOP lanes live here too; who may do what with them lives in `api/permissions.py`.
"""

from enum import StrEnum


class Role(StrEnum):
    """A user's role code. The six SOP lanes each map to one (`LANE_ROLES`); two roles are outside the SOP."""

    DIREKTUR = "direktur"
    KETUA_LSP = "ketua_lsp"
    KABID_ADMINISTRASI = "kabid_administrasi"
    KABID_SERTIFIKASI = "kabid_sertifikasi"
    ASESOR = "asesor"
    PESERTA = "peserta"
    ADMIN = "admin"
    DESAINER = "desainer"


# The six SOP lanes (as the BPMN names them) and the role each maps to.
LANE_ROLES: dict[str, Role] = {
    "Direktur": Role.DIREKTUR,
    "Ketua LSP": Role.KETUA_LSP,
    "Kabid Administrasi": Role.KABID_ADMINISTRASI,
    "Kabid Sertifikasi": Role.KABID_SERTIFIKASI,
    "Asesor Kompetensi": Role.ASESOR,
    "Peserta Uji Kompetensi": Role.PESERTA,
}
SOP_LANES = tuple(LANE_ROLES)


class EventType(StrEnum):
    """What an instance's history records (`event.event_type`)."""

    INSTANCE_STARTED = "instance_started"
    INSTANCE_COMPLETED = "instance_completed"
    INSTANCE_CANCELLED = "instance_cancelled"
    INSTANCE_FAILED = "instance_failed"
    TASK_CREATED = "task_created"
    TASK_CLAIMED = "task_claimed"
    TASK_UNCLAIMED = "task_unclaimed"
    TASK_COMPLETED = "task_completed"
    TASK_CANCELLED = "task_cancelled"
    SERVICE_TASK_COMPLETED = "service_task_completed"
    TIMER_FIRED = "timer_fired"
    CHILD_STARTED = "child_started"
    CHILD_COMPLETED = "child_completed"
    SIGNAL_SENT = "signal_sent"
    SIGNAL_RECEIVED = "signal_received"
    STEP_STARTED = "step_started"
    STEP_COMPLETED = "step_completed"
    STEP_ESCALATED = "step_escalated"
    # A comment written on the instance or one of its tasks (`komentar`); the text stays in its own table,
    # read through the comment's permission (api/services/komentar.py), the event names its id.
    KOMENTAR_DITULIS = "komentar_ditulis"


class AlasanPengganti(StrEnum):
    """Why a staff member names a substitute (`pengganti.alasan`)."""

    CUTI = "cuti"
    DINAS_LUAR = "dinas_luar"
    SAKIT = "sakit"
    LAINNYA = "lainnya"


class InstanceStatus(StrEnum):
    """`process_instance.status`."""

    RUNNING = "running"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    ERROR = "error"


class TaskState(StrEnum):
    """`human_task.state`: the projection of a ready user task."""

    READY = "ready"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class DeploymentStatus(StrEnum):
    """`deployment.status`: a deployment changing where issuing operators run waits for Ketua LSP."""

    AKTIF = "aktif"
    MENUNGGU_PERSETUJUAN = "menunggu_persetujuan"
    DISETUJUI = "disetujui"  # a request approved: its files were deployed as a new, active deployment
    DITOLAK = "ditolak"


class SertifikatStatus(StrEnum):
    """`sertifikat.status`; an expired certificate is `aktif` past its `berlaku_sampai` (read by the clock)."""

    AKTIF = "aktif"
    DICABUT = "dicabut"
    # Replaced by a re-issue on a new blangko after a misprint (BA kerusakan blangko): `diganti_oleh_id`.
    DIGANTI = "diganti"


class Penerima(StrEnum):
    """Who took a certificate when it was handed over (`penyerahan_sertifikat.penerima`): its holder, or someone
    they authorised in writing (surat kuasa)."""

    PEMEGANG = "pemegang"
    KUASA = "kuasa"


# APL.01's purposes under which a holder of an active certificate of the skema may be certified again.
TUJUAN_SERTIFIKASI_ULANG: frozenset[str] = frozenset({"sertifikasi_ulang", "pkt"})


class JenisSkema(StrEnum):
    KKNI = "kkni"
    OKUPASI = "okupasi"
    KLASTER = "klaster"


class JenisTuk(StrEnum):
    SEWAKTU = "sewaktu"
    TEMPAT_KERJA = "tempat_kerja"
    MANDIRI = "mandiri"


class JenisAudit(StrEnum):
    """What a row of the audit search (`GET /api/audit`) records: an instance's history event, a change of
    master data (`perubahan_data_induk`), or a substitute named or ended (`pengganti`)."""

    PROSES = "proses"
    DATA_INDUK = "data_induk"
    PENGGANTI = "pengganti"


class PeristiwaPengganti(StrEnum):
    """The audit search's rows of a substitution (`pengganti`): it was named (at `dibuat_pada`, by
    `dibuat_oleh`) and, perhaps, ended early (at `diakhiri_pada`, by `diakhiri_oleh`)."""

    DITUNJUK = "pengganti_ditunjuk"
    DIAKHIRI = "pengganti_diakhiri"


class AksiDataInduk(StrEnum):
    """`perubahan_data_induk.aksi`: what was done to a master-data record (nothing is deleted)."""

    DIBUAT = "dibuat"
    DIUBAH = "diubah"
    DINONAKTIFKAN = "dinonaktifkan"
    DIAKTIFKAN = "diaktifkan"


class DataInduk(StrEnum):
    """`perubahan_data_induk.data`: which master data a change is about."""

    LSP = "lsp"
    INSTITUSI = "institusi"
    SKEMA = "skema"
    ASESOR = "asesor"
    KONFLIK = "konflik"
    TUK = "tuk"
    PESERTA = "peserta"
    AKUN = "akun"  # a user account: created, its name or NIP corrected, deactivated or reactivated
    PENGURUS_PLENO = "pengurus_pleno"


class JenisNotifikasi(StrEnum):
    """`notifikasi.jenis`: why a user was notified (api/background/notifikasi.py derives each)."""

    BERKAS_DIKEMBALIKAN = "berkas_dikembalikan"  # a candidate's registration returned for revision
    DOKUMEN_TERBIT = "dokumen_terbit"  # a document about a candidate rendered (kartu, result, certificate)
    HASIL = "hasil"  # the SK penetapan signed: the candidate's K or BK
    BATAS_WAKTU = "batas_waktu"  # a candidate's task whose window (a boundary timer) closes within a day
    ESKALASI = "eskalasi"  # a step ran over its time standard: an escalation task for its supervisor
    RINGKASAN = "ringkasan"  # the staff's daily digest


class StatusEmail(StrEnum):
    """`notifikasi.email_status`: the e-mail of a notification, sent by the worker (never in a request)."""

    MENUNGGU = "menunggu"  # waiting for the worker (or its next retry, `email_next_at`)
    TERKIRIM = "terkirim"
    GAGAL = "gagal"  # retries used up
    TIDAK_DIKIRIM = "tidak_dikirim"  # no SMTP configured, the user turned e-mail off, or has no address


class JenisBerkas(StrEnum):
    """`berkas.jenis`: an upload that is more than evidence (NULL: an evidence file of FR.APL.01)."""

    PAS_FOTO = "pas_foto"  # the candidate's 3 × 4 photo, printed on the kartu peserta and the certificate
