"""Who may do what: role sets, predicates and ready `Annotated` dependencies, in one place.

Routes ask this module (`user: Staff`, `permissions.may_work_on(...)`); they never list roles themselves.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Annotated, Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from api.auth import CurrentUser, require_roles
from api.store.enums import EventType, JenisBerkas, Role
from api.store.master import Asesor, Berkas
from api.store.models import Dokumen, Event, HumanTask, Komentar, ProcessInstance
from service_tasks.jenis_dokumen import JENIS_DOKUMEN

# The LSP's staff (the SOP lanes above asesor and peserta) and the administrator: they read every instance,
# document and evidence file.
STAFF: frozenset[Role] = frozenset(
    {Role.ADMIN, Role.DIREKTUR, Role.KETUA_LSP, Role.KABID_ADMINISTRASI, Role.KABID_SERTIFIKASI}
)
# Who edits master data and corrects documents: the staff who run the SOP's steps, and the administrator.
MASTER_WRITERS: frozenset[Role] = frozenset(
    {Role.ADMIN, Role.KETUA_LSP, Role.KABID_ADMINISTRASI, Role.KABID_SERTIFIKASI}
)
DOCUMENT_CORRECTORS = MASTER_WRITERS
# Who revokes a certificate.
REVOKERS: frozenset[Role] = frozenset({Role.ADMIN, Role.KETUA_LSP})
# Who reports a spoiled blangko and re-issues the certificate on a new one: Kabid Administrasi prints
# certificates (SOP step 6), Ketua LSP signs the berita acara.
REISSUERS: frozenset[Role] = frozenset({Role.ADMIN, Role.KETUA_LSP, Role.KABID_ADMINISTRASI})
# Who records a printed certificate handed over, and reads the period's register of them: Kabid Administrasi,
# who prints and hands them out (SOP step 6), Ketua LSP, and the administrator.
HANDOVER_RECORDERS: frozenset[Role] = frozenset({Role.ADMIN, Role.KETUA_LSP, Role.KABID_ADMINISTRASI})
# Who reads a period's dashboard (`/dasbor`, `GET /api/periode/{id}/dasbor`): Ketua LSP and Direktur, for whom it
# is made, the administrator, and the Kabids, who run the steps it times.
DASBOR_READERS: frozenset[Role] = STAFF
# Who reads the audit search (`/audit`, `GET /api/audit`): every instance's history and the change history of
# master data. The administrator, who keeps the system; Ketua LSP, answerable for the LSP's records when BNSP
# audits it; and the Direktur, who oversees the LSP for the institution. Not the Kabids: they do the work and
# write the master data being audited (each still reads an instance's own history).
AUDIT_READERS: frozenset[Role] = frozenset({Role.ADMIN, Role.KETUA_LSP, Role.DIREKTUR})
# Who downloads a period's whole archive (every document of every candidate): the staff, who read them all.
ARSIP_READERS: frozenset[Role] = STAFF
# Who reads a comment kept internal (`untuk_peserta` false, a staff note): everyone who may see its task or
# instance but a candidate. A candidate reads the comments written for them (`untuk_peserta`) and their own.
INTERNAL_KOMENTAR_READERS: frozenset[Role] = STAFF | {Role.ASESOR}
# Who validates and deploys BPMN and forms.
DESIGNERS: frozenset[Role] = frozenset({Role.DESAINER, Role.ADMIN})
# Who approves a deployment changing where issuing operators (certificates, SKs) run: Ketua LSP, never a
# designer and never the person who uploaded it (`may_approve_deployment`).
DEPLOYMENT_APPROVERS: frozenset[Role] = frozenset({Role.KETUA_LSP})
# Substitutes (api/services/pengganti.py): who may be away with a substitute working on their tasks, and who may
# be named one: the officials of the SOP's staff lanes. Never a candidate (`PENGGANTI_DITOLAK`), never someone
# whose only roles are IT's (admin, desainer) or asesor.
PENGGANTI_ROLES: frozenset[Role] = frozenset(
    {Role.DIREKTUR, Role.KETUA_LSP, Role.KABID_ADMINISTRASI, Role.KABID_SERTIFIKASI}
)
PENGGANTI_DITOLAK: frozenset[Role] = frozenset({Role.PESERTA})
# Who names or ends a substitute for someone else (the absent person names or ends their own).
PENGGANTI_ADMINS: frozenset[Role] = frozenset({Role.ADMIN})


def _sorted(roles: frozenset[Role]) -> tuple[str, ...]:
    return tuple(sorted(roles))


Staff = Annotated[CurrentUser, require_roles(*_sorted(STAFF))]
StaffOrAsesor = Annotated[CurrentUser, require_roles(*_sorted(STAFF | {Role.ASESOR}))]
MasterWriter = Annotated[CurrentUser, require_roles(*_sorted(MASTER_WRITERS))]
DocumentCorrector = Annotated[CurrentUser, require_roles(*_sorted(DOCUMENT_CORRECTORS))]
Revoker = Annotated[CurrentUser, require_roles(*_sorted(REVOKERS))]
Reissuer = Annotated[CurrentUser, require_roles(*_sorted(REISSUERS))]
HandoverRecorder = Annotated[CurrentUser, require_roles(*_sorted(HANDOVER_RECORDERS))]
Designer = Annotated[CurrentUser, require_roles(*_sorted(DESIGNERS))]
# Who reads process versions and their files: staff and designers.
StaffOrDesigner = Annotated[CurrentUser, require_roles(*_sorted(STAFF | DESIGNERS))]
DeploymentApprover = Annotated[CurrentUser, require_roles(*_sorted(DEPLOYMENT_APPROVERS))]
# Who lists deployments (the waiting ones included): designers and the approvers.
DeploymentReader = Annotated[CurrentUser, require_roles(*_sorted(DESIGNERS | DEPLOYMENT_APPROVERS))]
DasborReader = Annotated[CurrentUser, require_roles(*_sorted(DASBOR_READERS))]
AuditReader = Annotated[CurrentUser, require_roles(*_sorted(AUDIT_READERS))]
# Who reads and names substitutes: the officials and the administrator.
PenggantiUser = Annotated[CurrentUser, require_roles(*_sorted(PENGGANTI_ROLES | PENGGANTI_ADMINS))]
Admin = Annotated[CurrentUser, require_roles(Role.ADMIN)]
AsesorRole = Annotated[CurrentUser, require_roles(Role.ASESOR)]
PesertaRole = Annotated[CurrentUser, require_roles(Role.PESERTA)]


def is_staff(user: CurrentUser) -> bool:
    return user.has_any(*STAFF)


def may_read_dasbor(user: CurrentUser) -> bool:
    return user.has_any(*DASBOR_READERS)


def may_read_arsip(user: CurrentUser) -> bool:
    return user.has_any(*ARSIP_READERS)


def may_record_handover(user: CurrentUser) -> bool:
    return user.has_any(*HANDOVER_RECORDERS)


def may_correct(user: CurrentUser) -> bool:
    return user.has_any(*DOCUMENT_CORRECTORS)


def may_reissue(user: CurrentUser) -> bool:
    return user.has_any(*REISSUERS)


def may_revoke(user: CurrentUser) -> bool:
    return user.has_any(*REVOKERS)


def may_read_audit(user: CurrentUser) -> bool:
    return user.has_any(*AUDIT_READERS)


@dataclass(frozen=True)
class Diwakili:
    """An absent person the user stands in for now, as their substitute (api/services/pengganti.py)."""

    username: str
    nama: str
    roles: frozenset[str]


def acting_as(
    user: CurrentUser, role: str | None, assignee: str | None, diwakili: Iterable[Diwakili] = ()
) -> str | None:
    """Whom the user works on a task (of lane `role`, narrowed to `assignee` or not) as: themselves when it is
    theirs; else the first absent person they stand in for whose task it is; None when it is neither's.

    The one rule of who may work on a task: `may_work_on`, the inbox's rows and counts
    (api/services/tasks.py) and the task pages all come here."""
    if role in user.roles and assignee in (None, user.username):
        return user.username
    for d in diwakili:
        if role in d.roles and assignee in (None, d.username):
            return d.username
    return None


def may_work_on(user: CurrentUser, task: HumanTask, diwakili: Iterable[Diwakili] = ()) -> bool:
    """A task is for the users of its lane, unless it is narrowed to one of them (an asesor's candidates,
    a candidate's own tasks); and, inside the range of a substitution, for the absent person's substitute."""
    return acting_as(user, task.role, task.assignee, diwakili) is not None


def assessed_what_it_decides(session: Session, username: str, task: HumanTask) -> bool:
    """The separation of assessing and deciding (the pleno's rule in service_tasks/pemeriksaan/sertifikasi.py,
    `periksa_pleno`: a decision-maker is no asesor of whom they decide), for a substitute: True when `username`
    held a task narrowed to them (an asesor's, a verifikator's) in the task's period about the task's subject,
    or, for a task about the whole period (a pleno, an SK), about anyone of it."""
    about = HumanTask.subject == task.subject if task.subject else HumanTask.subject.is_not(None)
    held = select(HumanTask.id).where(HumanTask.root_id == task.root_id, HumanTask.assignee == username, about)
    return session.scalars(held.limit(1)).first() is not None


def may_approve_deployment(user: CurrentUser, uploaded_by: str) -> bool:
    """An approver who designs no processes and did not upload the deployment."""
    return user.has_any(*DEPLOYMENT_APPROVERS) and not user.has_any(*DESIGNERS) and user.username != uploaded_by


def may_read_document(user: CurrentUser, doc: Dokumen) -> bool:
    """Staff read every document; a candidate the kinds the registry lets candidates read, about
    themselves; an asesor the kinds that name them (as asesor or verifikator) in the document's data."""
    if is_staff(user):
        return True
    jenis = JENIS_DOKUMEN.get(doc.kind)
    if jenis is None:
        return False
    if jenis.peserta_membaca and user.has_any(Role.PESERTA) and doc.candidate == user.username:
        return True
    path = jenis.asesor_membaca_sebagai
    if path is not None and user.has_any(Role.ASESOR):
        return user.username in _usernames_at(doc.data or {}, path.split("."))
    return False


def asesor_readers(kind: str, data: dict[str, Any]) -> list[str]:
    """The asesor a document of `kind` with this data is read by (its registry's `asesor_membaca_sebagai`)."""
    jenis = JENIS_DOKUMEN.get(kind)
    path = jenis.asesor_membaca_sebagai if jenis is not None else None
    return sorted(_usernames_at(data, path.split("."))) if path else []


def _usernames_at(data: Any, path: list[str]) -> set[str]:
    """The usernames of the people at a dotted path of a document's data ("*" walks a list)."""
    if not path:
        return {data["username"]} if isinstance(data, dict) and isinstance(data.get("username"), str) else set()
    head, rest = path[0], path[1:]
    if head == "*":
        return set().union(*(_usernames_at(item, rest) for item in data)) if isinstance(data, list) else set()
    return _usernames_at(data.get(head), rest) if isinstance(data, dict) else set()


def _berkas_tentang(session: Session, berkas: Berkas) -> str:
    """Whom a file is about: the candidate who uploaded it, or, for the additional evidence Kabid Sertifikasi
    gathered on a postponed candidate, the candidate the submission that used it names (`bukti_tambahan`)."""
    submitted = session.scalars(
        select(Event.data).where(
            Event.instance_id == berkas.instance_id,
            Event.task_id == berkas.task_id,
            Event.type == EventType.TASK_COMPLETED,
        )
    ).all()
    for data in submitted:
        rows = ((data or {}).get("bukti_tambahan") or {}).get("peserta") if isinstance(data, dict) else None
        for row in rows if isinstance(rows, list) else []:
            if isinstance(row, dict) and row.get("berkas_id") == berkas.id and isinstance(row.get("username"), str):
                return str(row["username"])
    return berkas.uploaded_by


def may_read_file(session: Session, user: CurrentUser, berkas: Berkas) -> bool:
    """The candidate who uploaded it, staff, and an asesor who holds (or held) a task about the candidate it is
    about (`_berkas_tentang`) in the same period; the candidate's pas foto only the candidate and staff (it
    reaches others printed on the documents that carry it: the kartu peserta, the certificate)."""
    if berkas.uploaded_by == user.username or is_staff(user):
        return True
    if berkas.jenis == JenisBerkas.PAS_FOTO:
        return False
    instance = session.get(ProcessInstance, berkas.instance_id)
    if instance is None:
        return False
    subject_instances = select(ProcessInstance.id).where(
        ProcessInstance.root_id == instance.root_id, ProcessInstance.subject == _berkas_tentang(session, berkas)
    )
    asesor_task = select(HumanTask.id).where(
        HumanTask.assignee == user.username, HumanTask.instance_id.in_(subject_instances)
    )
    return session.scalars(asesor_task).first() is not None


def may_declare_konflik(user: CurrentUser, asesor: Asesor) -> bool:
    """Staff who write master data, or the asesor about themselves (the Kode Etik Asesor asks asesor to
    disclose their relationships with candidates)."""
    return user.has_any(*MASTER_WRITERS) or (user.has_any(Role.ASESOR) and asesor.user_id == user.id)


def may_see_instance(session: Session, user: CurrentUser, instance: ProcessInstance) -> bool:
    """Staff see every instance; a candidate the instances about them (their registration, pre-assessment,
    assessment, appeal: `subject`); an asesor the instances where they hold or held a task. Who may see an
    instance reads and writes its comments (api/services/komentar.py)."""
    if is_staff(user):
        return True
    if user.has_any(Role.PESERTA) and instance.subject == user.username:
        return True
    if user.has_any(Role.ASESOR):
        me = user.username
        held = select(HumanTask.id).where(
            HumanTask.instance_id == instance.id,
            or_(HumanTask.assignee == me, HumanTask.claimed_by == me, HumanTask.completed_by == me),
        )
        return session.scalars(held.limit(1)).first() is not None
    return False


def may_read_internal_komentar(user: CurrentUser, subject: str | None) -> bool:
    """Staff and asesor read and write internal notes, but never on an instance about themselves (`subject`): a
    candidate who is also an asesor or staff reads there only what is written for the candidate."""
    return user.has_any(*INTERNAL_KOMENTAR_READERS) and subject != user.username


def may_read_komentar(user: CurrentUser, komentar: Komentar, subject: str | None) -> bool:
    """Of a task or instance the user may see (checked first; `subject` is whom the instance is about): a
    comment written for the candidate, one's own, and, for staff and asesor, the internal notes too."""
    return komentar.untuk_peserta or komentar.penulis == user.username or may_read_internal_komentar(user, subject)
