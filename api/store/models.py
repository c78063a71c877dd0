"""Tables: users and roles, deployments, instances with their projections, history, documents, task drafts,
comments, substitutes, candidates carried to a later batch."""

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    event,
    inspect,
    text,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from api.store.db import Base, UtcDateTime
from api.store.enums import LANE_ROLES, SOP_LANES, DeploymentStatus, Role

__all__ = ["LANE_ROLES", "SOP_LANES"]

ROLES = tuple(Role)
PERIOD_WITH_KEY = "parent_id IS NULL AND business_key IS NOT NULL"


class User(Base):
    __tablename__ = "app_user"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # An official's NIP (18 digits), printed under their name where they sign; None for who has none.
    nip: Mapped[str | None] = mapped_column(String(18), nullable=True)
    password_hash: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    is_demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # In every token issued to the user; bumped by logout, a password change and deactivation, which
    # revokes the tokens issued before.
    token_version: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    # Where notifications are e-mailed (a candidate without one: their `peserta.email`), and whether the user
    # wants them by e-mail at all (in-app notifications are always kept); migration 0016_notifikasi.
    email: Mapped[str | None] = mapped_column(String(200), nullable=True)
    email_notifikasi: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    roles: Mapped[list["UserRole"]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def role_codes(self) -> list[str]:
        return sorted(r.role for r in self.roles)


class UserRole(Base):
    __tablename__ = "user_role"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id", ondelete="CASCADE"), primary_key=True)
    role: Mapped[str] = mapped_column(String(32), primary_key=True)


class Deployment(Base):
    """Uploaded BPMN and forms. A deployment that changes where issuing operators run waits for Ketua LSP
    (`menunggu_persetujuan`): its files wait in `berkas_tertunda`, with no file rows and no process
    versions, so nothing reads them; approving deploys them as a new, `aktif` deployment (migration 0005)."""

    __tablename__ = "deployment"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(24), default=DeploymentStatus.AKTIF, server_default="aktif")
    # The issuing-operator calls added or removed ({proses, elemen, operator, perubahan}) that needed approval.
    penerbitan: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    berkas_tertunda: Mapped[dict[str, str] | None] = mapped_column(JSON)
    diputuskan_oleh: Mapped[str | None] = mapped_column(String(64))
    diputuskan_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    alasan: Mapped[str | None] = mapped_column(Text)
    # On a deployment activated by approval: the waiting deployment (the request) it came from.
    permintaan_id: Mapped[int | None] = mapped_column(Integer)
    files: Mapped[list["DeploymentFile"]] = relationship(lazy="selectin", order_by="DeploymentFile.name")


class DeploymentFile(Base):
    __tablename__ = "deployment_file"
    __table_args__ = (UniqueConstraint("deployment_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"))
    name: Mapped[str] = mapped_column(String(200))
    content: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str] = mapped_column(String(64))


class ProcessDefinition(Base):
    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(200), index=True)
    version: Mapped[int] = mapped_column(Integer)
    name: Mapped[str] = mapped_column(String(300))
    deployment_id: Mapped[int] = mapped_column(ForeignKey("deployment.id"))
    bpmn_file: Mapped[str] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))
    startable: Mapped[bool] = mapped_column(Boolean)
    start_roles: Mapped[list[str]] = mapped_column(JSON)


class ProcessInstance(Base):
    __tablename__ = "process_instance"
    __table_args__ = (
        Index("ix_instance_parent", "parent_id"),
        Index("ix_instance_root", "root_id"),
        Index("ix_instance_key_status", "key", "status"),
        Index("ix_instance_business_key", "business_key"),
        Index("ix_instance_subject", "subject"),
        # A period's business key is unique among the periods of its process (children inherit their
        # period's key, so only instances without a parent count): two servers starting the same period
        # at once get one 201 and one 409 (migration 0005_inputs).
        Index(
            "uq_instance_period_business_key",
            "key",
            "business_key",
            unique=True,
            postgresql_where=text(PERIOD_WITH_KEY),
            sqlite_where=text(PERIOD_WITH_KEY),
        ),
        # The few instances waiting for the worker to run on after an `asyncAfter` user task (migration
        # 0024_continue_pending).
        Index(
            "ix_instance_continue_pending",
            "continue_pending_at",
            postgresql_where=text("continue_pending_at IS NOT NULL"),
            sqlite_where=text("continue_pending_at IS NOT NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    key: Mapped[str] = mapped_column(String(200))
    version: Mapped[int] = mapped_column(Integer)
    business_key: Mapped[str | None] = mapped_column(String(200))
    # Who or what a child instance is about (a candidate's username, a TUK's code), from the call
    # activity's `childSubject` expression: lets an administrator find one candidate's instances.
    subject: Mapped[str | None] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))  # running, completed, cancelled, error
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("process_instance.id"))
    parent_task_id: Mapped[str | None] = mapped_column(String(36))
    root_id: Mapped[int | None] = mapped_column(Integer)
    started_at: Mapped[datetime] = mapped_column(UtcDateTime)
    started_by: Mapped[str] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Optimistic concurrency: every write is `revision = revision + 1 WHERE revision = old`.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    state: Mapped[str] = mapped_column(Text)
    next_timer_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    # SOP step deadlines: {"3": {"started_at": iso, "due_at": iso}}; children inherit the caller's.
    steps: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    inherited_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sop_step: Mapped[str | None] = mapped_column(String(8))
    error: Mapped[str | None] = mapped_column(Text)
    # Since when the instance waits for the worker to run the engine on after a user task with
    # `asyncAfter="true"` (its completion is recorded, what follows is not run yet); None otherwise.
    continue_pending_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    __mapper_args__ = {"version_id_col": revision}


class StateBlob(Base):
    """A large value of an instance's data, kept once under the sha256 of its JSON and referred to from
    `process_instance.state` (api/engine/state_blobs.py). Written once, never changed nor deleted."""

    __tablename__ = "state_blob"

    hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    content: Mapped[str] = mapped_column(Text)
    size: Mapped[int] = mapped_column(Integer)


class HumanTask(Base):
    """Projection of every user task: what inboxes read, so no read deserializes a workflow."""

    __tablename__ = "human_task"
    __table_args__ = (
        # The inbox (migration 0004): ready tasks open to a lane, and ready tasks narrowed to one user, each
        # walked in due-date order. Partial, so PostgreSQL's planner need not match `assignee IS NULL`.
        Index(
            "ix_task_lane_open",
            "role",
            "due_at",
            "created_at",
            postgresql_where=text("state = 'ready' AND assignee IS NULL"),
            sqlite_where=text("state = 'ready' AND assignee IS NULL"),
        ),
        Index(
            "ix_task_assigned",
            "assignee",
            "due_at",
            "created_at",
            postgresql_where=text("state = 'ready'"),
            sqlite_where=text("state = 'ready'"),
        ),
        Index("ix_task_instance", "instance_id"),
        # The audit search's skema filter: the instances whose tasks are about a skema (migration 0018_audit).
        Index("ix_task_skema_instance", "skema", "instance_id"),
        # The inbox's text search: the ready tasks of the few subjects it names (migration 0010_inbox).
        Index(
            "ix_task_subject_open",
            "subject",
            postgresql_where=text("state = 'ready'"),
            sqlite_where=text("state = 'ready'"),
        ),
    )

    id: Mapped[str] = mapped_column(String(36), primary_key=True)  # the SpiffWorkflow task id
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    root_id: Mapped[int] = mapped_column(Integer)
    process_key: Mapped[str] = mapped_column(String(200))
    business_key: Mapped[str | None] = mapped_column(String(200))
    element_id: Mapped[str] = mapped_column(String(200))
    name: Mapped[str] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(100))
    role: Mapped[str | None] = mapped_column(String(32))
    assignee: Mapped[str | None] = mapped_column(String(64))
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    form: Mapped[str | None] = mapped_column(String(200))
    ui_form: Mapped[str | None] = mapped_column(String(200))
    sop_step: Mapped[str | None] = mapped_column(String(8))
    # What the inbox shows and filters on (api/engine/inbox_rows.py, migration 0010_inbox): the period's
    # step the task belongs to, who or what it is about, its skema (nomor).
    step: Mapped[str | None] = mapped_column(String(8))
    subject: Mapped[str | None] = mapped_column(String(200))
    skema: Mapped[str | None] = mapped_column(String(100))
    state: Mapped[str] = mapped_column(String(16))  # ready, completed, cancelled
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_by: Mapped[str | None] = mapped_column(String(64))
    # Whom `completed_by` completed it for, standing in as their substitute (`Pengganti`); None: in their own name.
    atas_nama: Mapped[str | None] = mapped_column(String(64))
    # The task's data when it became ready; only the task detail reads it, so inbox queries skip it.
    context: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict, deferred=True)


class Event(Base):
    """Append-only history: never updated or deleted (enforced below)."""

    __tablename__ = "event"
    __table_args__ = (
        Index("ix_event_instance", "instance_id", "id"),
        Index("ix_event_root", "root_id", "id"),
        # The audit search (api/services/audit.py, migration 0018_audit) walks the history newest first by
        # (at, id), alone or narrowed to an actor, an event type, a period, a task: one index each.
        Index("ix_event_at", "at", "id"),
        Index("ix_event_actor_at", "actor", "at", "id"),
        Index("ix_event_type_at", "type", "at", "id"),
        Index("ix_event_root_at", "root_id", "at", "id"),
        Index("ix_event_task_name_at", "task_name", "at", "id"),
        Index("ix_event_task_id", "task_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UtcDateTime)
    instance_id: Mapped[int] = mapped_column(Integer)
    root_id: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(40))
    task_id: Mapped[str | None] = mapped_column(String(36))
    task_name: Mapped[str | None] = mapped_column(String(300))
    lane: Mapped[str | None] = mapped_column(String(100))
    actor: Mapped[str | None] = mapped_column(String(64))
    # The absent person `actor` acted for, as their substitute (`Pengganti`); None: in the actor's own name.
    atas_nama: Mapped[str | None] = mapped_column(String(64))
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class ChildCompletion(Base):
    """Outbox: a child's end, written in the child's transaction, applied to the parent by the worker."""

    __tablename__ = "child_completion"
    __table_args__ = (Index("ix_child_completion_pending", "applied_at", "parent_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    parent_task_id: Mapped[str] = mapped_column(String(36))
    child_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"), unique=True)
    outputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    applied_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Fanout(Base):
    """A parallel multi-instance call activity waiting in a parent (one task in the parent's state): the
    children are started from its items in batches, their completions counted here, and the parent is loaded
    once, when the last child has ended (api/engine/children.py, migration 0014_fanout)."""

    __tablename__ = "fanout"
    __table_args__ = (
        UniqueConstraint("parent_id", "parent_task_id"),
        # The worker's start queue: fan-outs with items not started yet.
        Index("ix_fanout_starting", "all_started_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    parent_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    parent_task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    # Resolved once, in the deployment snapshot of the period, for every child of the fan-out.
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    sop_step: Mapped[str | None] = mapped_column(String(8))
    input_item: Mapped[str | None] = mapped_column(String(200))
    output_item: Mapped[str | None] = mapped_column(String(200))
    # The called process's declared inputs other than the item, the same for every child.
    shared_inputs: Mapped[dict[str, Any]] = mapped_column(JSON)
    total: Mapped[int] = mapped_column(Integer)
    started: Mapped[int] = mapped_column(Integer, default=0)
    # Signals sent to the fan-out's children: a child started later receives them when it starts.
    signals: Mapped[list[str]] = mapped_column(JSON, default=list)
    started_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    all_started_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)


class FanoutItem(Base):
    """One item of a fan-out's input collection, in order; `child_id` once its child is started."""

    __tablename__ = "fanout_item"

    fanout_id: Mapped[int] = mapped_column(ForeignKey("fanout.id"), primary_key=True)
    idx: Mapped[int] = mapped_column(Integer, primary_key=True)
    item: Mapped[Any] = mapped_column(JSON)
    subject: Mapped[str | None] = mapped_column(String(200))
    child_id: Mapped[int | None] = mapped_column(Integer, index=True)


class PendingSignal(Base):
    """A signal to one child, queued by a parent that signals many (delivered by the worker in batches)."""

    __tablename__ = "pending_signal"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    signal: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Dokumen(Base):
    """An output document of the SOP: numbered once, stored with its data, never overwritten."""

    __tablename__ = "document"
    __table_args__ = (
        # One document per (instance, task, kind, key): a retried service task finds it again; a
        # correction is the same document's next version.
        UniqueConstraint("instance_id", "task_id", "kind", "key", "version", name="uq_document_task_kind_key_version"),
        UniqueConstraint("code", "year", "seq"),
        Index("ix_document_root", "root_id"),
        # A period's documents of a kind, newest last (the SK in force, what a letter cites): not its thousands of
        # per-candidate documents read for each.
        Index("ix_document_root_kind", "root_id", "kind", "id"),
        # The render queue: rows without a file yet, oldest first.
        Index("ix_document_render_queue", "rendered_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    root_id: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str] = mapped_column(String(36))
    element_id: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), default="")
    title: Mapped[str] = mapped_column(String(300))
    number: Mapped[str] = mapped_column(String(100))
    # The register a number is drawn from (SK Jadwal and SK Penetapan share "SK"); None for numbers
    # issued outside the LSP (BNSP's certificate numbers).
    code: Mapped[str | None] = mapped_column(String(20))
    # The number drawn from the register for this row; None when none was drawn (BNSP's numbers, an
    # attachment carrying its letter's number, a correction keeping the number of the version it replaces).
    seq: Mapped[int | None] = mapped_column(Integer)
    month: Mapped[int] = mapped_column(Integer)
    year: Mapped[int] = mapped_column(Integer)
    candidate: Mapped[str | None] = mapped_column(String(64), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_by: Mapped[str | None] = mapped_column(String(64))
    # A correction is a new row (version n+1) pointing at the version it replaces; the old row and file stay.
    version: Mapped[int] = mapped_column(Integer, default=1)
    supersedes_id: Mapped[int | None] = mapped_column(ForeignKey("document.id"))
    correction_reason: Mapped[str | None] = mapped_column(Text)
    # The rendered file (content-addressed under data_dir/dokumen/), written once by the worker's renderer.
    sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(200))
    content_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    rendered_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    render_error: Mapped[str | None] = mapped_column(Text)
    render_attempts: Mapped[int] = mapped_column(Integer, default=0)
    # The render lease (migration 0005): the renderer that took the row and until when. Another renderer
    # takes a row only when it has no lease or its lease ran out (its renderer died), so several workers
    # never render one document twice; a renderer releases its rows when it records them.
    render_claimed_by: Mapped[str | None] = mapped_column(String(100))
    render_claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NumberSequence(Base):
    __tablename__ = "number_sequence"

    code: Mapped[str] = mapped_column(String(20), primary_key=True)
    year: Mapped[int] = mapped_column(Integer, primary_key=True)
    last_seq: Mapped[int] = mapped_column(Integer, default=0)


class TaskDraft(Base):
    """A user's unfinished answers to a ready task (`PUT /api/tasks/{id}/draft`): one per task and user, never
    checked against the form and no part of the process (no event, no revision). The runtime deletes a task's
    drafts when the task leaves the inbox, completed by anyone or cancelled."""

    __tablename__ = "task_draft"

    task_id: Mapped[str] = mapped_column(ForeignKey("human_task.id"), primary_key=True)
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Notifikasi(Base):
    """A notice to one user (the bell, `/notifikasi`), derived by the worker from the history and the documents
    (api/background/notifikasi.py). One row per (user, cause): `kunci` names the cause ("dikembalikan:<event
    id>", "dokumen:<id>", "ringkasan:<date>"), so a pass run again or two workers never make two. Its e-mail
    is sent by the worker under a lease (`email_claimed_*`, as the renderer's documents), retried with
    backoff (`email_next_at`); migration 0016_notifikasi."""

    __tablename__ = "notifikasi"
    __table_args__ = (
        UniqueConstraint("username", "kunci", name="uq_notifikasi_username_kunci"),
        Index("ix_notifikasi_username", "username", "id"),
        # The outbox: e-mails waiting, the earliest retry first.
        Index("ix_notifikasi_outbox", "email_status", "email_next_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64))
    kunci: Mapped[str] = mapped_column(String(200))
    jenis: Mapped[str] = mapped_column(String(40))  # JenisNotifikasi
    judul: Mapped[str] = mapped_column(String(300))
    isi: Mapped[str] = mapped_column(Text)
    tautan: Mapped[str] = mapped_column(String(500))  # a path of this site: the task, the document
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    dibaca_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    email_status: Mapped[str] = mapped_column(String(16))  # StatusEmail
    email_ke: Mapped[str | None] = mapped_column(String(200))
    email_attempts: Mapped[int] = mapped_column(Integer, default=0)
    email_next_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    email_sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    email_error: Mapped[str | None] = mapped_column(Text)
    email_claimed_by: Mapped[str | None] = mapped_column(String(100))
    email_claimed_until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class NotifikasiKursor(Base):
    """How far the notification pass has read a source: the last event id, the last document render time, the
    last digest day (migration 0016_notifikasi)."""

    __tablename__ = "notifikasi_kursor"

    nama: Mapped[str] = mapped_column(String(40), primary_key=True)
    nilai: Mapped[int] = mapped_column(Integer, default=0)
    waktu: Mapped[datetime | None] = mapped_column(UtcDateTime)


class Komentar(Base):
    """A comment on a task or on an instance (`task_id` null), written by whoever may see it
    (api/services/komentar.py, migration 0015_komentar). Kept forever and never edited: the table is
    append-only like `event` (enforced below); a correction is a new comment. `untuk_peserta` false is a
    staff note kept internal: read by staff and asesor, never by a candidate; true, the candidate the
    instance is about reads it too (a candidate's own comments are always `untuk_peserta`)."""

    __tablename__ = "komentar"
    __table_args__ = (Index("ix_komentar_instance", "instance_id", "id"), Index("ix_komentar_task", "task_id", "id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    root_id: Mapped[int] = mapped_column(Integer)
    task_id: Mapped[str | None] = mapped_column(ForeignKey("human_task.id"))
    penulis: Mapped[str] = mapped_column(String(64))
    isi: Mapped[str] = mapped_column(Text)
    untuk_peserta: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)


class Pengganti(Base):
    """A staff member's substitute for a date range (api/services/pengganti.py, migration 0017_pengganti): from
    `mulai` to `sampai` (WIB dates, both included) `pengganti` works on `diwakili`'s tasks in their own name, "atas
    nama" them. Its own audit record: never deleted, and nothing changes after it is written but its early end,
    set once (enforced below)."""

    __tablename__ = "pengganti"
    __table_args__ = (
        Index("ix_pengganti_pengganti", "pengganti", "sampai"),
        Index("ix_pengganti_diwakili", "diwakili", "sampai"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    diwakili: Mapped[str] = mapped_column(String(64))  # the absent person (username)
    pengganti: Mapped[str] = mapped_column(String(64))  # their substitute (username)
    mulai: Mapped[date] = mapped_column(Date)
    sampai: Mapped[date] = mapped_column(Date)
    alasan: Mapped[str] = mapped_column(String(32))  # AlasanPengganti
    keterangan: Mapped[str | None] = mapped_column(String(500))
    dibuat_oleh: Mapped[str] = mapped_column(String(64))
    dibuat_pada: Mapped[datetime] = mapped_column(UtcDateTime)
    diakhiri_oleh: Mapped[str | None] = mapped_column(String(64))
    diakhiri_pada: Mapped[datetime | None] = mapped_column(UtcDateTime)


class PesertaDibawa(Base):
    """A candidate a period carried to a later batch: the pleno postponed (ditunda) their decision and its follow-up
    carried them over (the follow-up pleno said so, or its deadline passed). Written by the process when step 6's
    follow-up ends (operator `catat_peserta_dibawa`, service_tasks/peserta_dibawa.py; migration 0025_peserta_dibawa),
    once per (candidate, skema, period it came from); taken up by the first later period whose registration accepts
    the candidate's berkas (`ambil_peserta_dibawa`), or closed with a reason. Open (neither) = a later batch owes
    the candidate a place: what `pendaftar_usulan` proposes and Membuka pendaftaran shows."""

    __tablename__ = "peserta_dibawa"
    __table_args__ = (
        UniqueConstraint("peserta_id", "skema_nomor", "asal_root_id", name="uq_peserta_dibawa_asal"),
        # The open records (diambil_root_id and ditutup_at NULL) of the periods before one: one range read.
        Index("ix_peserta_dibawa_terbuka", "diambil_root_id", "ditutup_at", "asal_root_id"),
        Index("ix_peserta_dibawa_peserta", "peserta_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    peserta_id: Mapped[int] = mapped_column(ForeignKey("peserta.id"))
    skema_nomor: Mapped[str] = mapped_column(String(100))
    asal_root_id: Mapped[int] = mapped_column(Integer)  # the period that carried them
    asal_instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))  # its penerbitan_sertifikat
    dokumen_id: Mapped[int] = mapped_column(ForeignKey("document.id"))  # the SK Penetapan in force then
    alasan: Mapped[str] = mapped_column(Text)  # the follow-up pleno's reason, or why no decision came
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    diambil_root_id: Mapped[int | None] = mapped_column(Integer)  # the later period that registered them
    diambil_instance_id: Mapped[int | None] = mapped_column(Integer)  # that period's registration of them
    diambil_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    ditutup_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    alasan_ditutup: Mapped[str | None] = mapped_column(Text)


@event.listens_for(Pengganti, "before_update")
def _substitutions_change_only_by_their_end(mapper: object, connection: object, target: Pengganti) -> None:
    state = inspect(target)
    for attr in state.attrs:
        if attr.key in ("diakhiri_oleh", "diakhiri_pada"):
            if attr.history.deleted and attr.history.deleted != [None]:
                raise PermissionError(f"substitution {target.id} has already ended")
        elif attr.history.deleted:
            raise PermissionError(f"substitution {target.id}: {attr.key} is never changed; end it and name another")


@event.listens_for(Pengganti, "before_delete")
def _substitutions_are_kept(mapper: object, connection: object, target: Pengganti) -> None:
    raise PermissionError("substitutions are kept as their own audit record")


@event.listens_for(Dokumen, "before_update")
def _documents_are_never_overwritten(mapper: object, connection: object, target: Dokumen) -> None:
    """What a document says (its number and data) and its file, once written, never change: a correction
    is a new version."""
    state = inspect(target)
    for name in ("number", "data", "kind", "version"):
        if state.attrs[name].history.deleted:
            raise PermissionError(f"document {target.id}: {name} is never changed; issue a correction instead")
    if state.attrs.sha256.history.deleted and state.attrs.sha256.history.deleted != [None]:
        raise PermissionError(f"document {target.id}: its file is never replaced")


@event.listens_for(Event, "before_update")
@event.listens_for(Event, "before_delete")
def _history_is_append_only(mapper: object, connection: object, target: Event) -> None:
    raise PermissionError("history events are append-only")


@event.listens_for(Komentar, "before_update")
@event.listens_for(Komentar, "before_delete")
def _comments_are_kept_as_written(mapper: object, connection: object, target: Komentar) -> None:
    raise PermissionError("comments are append-only: write a new comment instead")
