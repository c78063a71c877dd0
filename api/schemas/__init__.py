"""Request and response bodies of the REST API, one package: instances, tasks, users and deployments here;
master data in `api.schemas.master`, documents and files in `api.schemas.dokumen`, the shared `Input`,
`Patch` and `Page[T]` in `api.schemas.common`."""

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class PasswordChange(BaseModel):
    old_password: str = Field(max_length=256)
    new_password: str = Field(max_length=256)


class Me(BaseModel):
    username: str
    full_name: str
    roles: list[str]


class ProcessDefinitionOut(BaseModel):
    key: str
    name: str
    version: int
    deployment_id: int


class StartInstance(BaseModel):
    business_key: str | None = Field(default=None, max_length=200)
    data: dict[str, Any] = Field(default_factory=dict)


class CancelInstance(BaseModel):
    alasan: str = Field(min_length=3, max_length=1000)


class TaskSummary(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    lane: str | None
    instance_id: int
    business_key: str | None
    created_at: datetime
    due_at: datetime | None
    assignee: str | None
    claimed_by: str | None
    # Who and what (api/services/task_rows.py): the period (its instance and business key), the SOP step
    # of the period the task belongs to, its subject (a candidate's username or a TUK's code) with their
    # name and NIM, the skema. None where the task has none (a period's own task has no subject).
    period_id: int | None = None
    period_key: str | None = None
    step: str | None = None
    step_name: str | None = None
    subject: str | None = None
    subject_name: str | None = None
    subject_nim: str | None = None
    skema: str | None = None
    skema_judul: str | None = None
    # The absent person whose task this is and for whom the caller works on it as their substitute ("atas
    # nama", api/services/pengganti.py), with their name; None when the task is the caller's own.
    atas_nama: str | None = None
    atas_nama_nama: str | None = None


class ActiveTask(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    name: str
    lane: str | None
    assignee: str | None
    claimed_by: str | None
    due_at: datetime | None


class InstanceOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    key: str
    version: int
    status: str
    business_key: str | None
    subject: str | None = None
    parent_id: int | None
    root_id: int | None = None  # the period a child instance belongs to
    started_at: datetime
    started_by: str
    ended_at: datetime | None
    active_tasks: list[ActiveTask] = Field(default_factory=list)
    steps: dict[str, Any] = Field(default_factory=dict)
    error: str | None = None
    # Since when the worker has yet to run the engine on after a user task with `asyncAfter` (None: not waiting).
    continue_pending_at: datetime | None = None
    # Rendering progress of the documents ({done, total, failed}; a period counts its whole tree); only on GET /{id}.
    dokumen: dict[str, int] | None = None


class InstancePage(BaseModel):
    items: list[InstanceOut]
    total: int


class HistoryEntry(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    at: datetime
    type: str
    instance_id: int
    task_id: str | None
    task_name: str | None
    lane: str | None
    actor: str | None
    # The absent person the actor acted for, as their substitute; None: in the actor's own name.
    atas_nama: str | None = None
    data: dict[str, Any]


class Form(BaseModel):
    schema_: dict[str, Any] | None = Field(default=None, alias="schema", serialization_alias="schema")
    ui_schema: dict[str, Any] | None = None
    # The form's file name in the deployment (e.g. "memeriksa_berkas.json"): what the pages' context panels
    # (api/ui/konteks) are keyed by. None for a task without a form.
    file: str | None = None

    model_config = {"populate_by_name": True}


class DraftIn(BaseModel):
    """What a user has filled in so far: any JSON object, checked against the form only on completion."""

    data: dict[str, Any]


class Draft(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    data: dict[str, Any]
    updated_at: datetime


class TaskDetail(TaskSummary):
    process_key: str
    element_id: str
    state: str
    completed_at: datetime | None
    completed_by: str | None
    # Whom the completion was for, when a substitute completed it "atas nama" the absent person.
    completed_atas_nama: str | None = None
    form: Form
    data: dict[str, Any]
    # The caller's own draft of this task (PUT /api/tasks/{id}/draft); null for everyone else.
    draft: Draft | None = None
    # The task's instructions from the BPMN (the user task's <bpmn:documentation>), if the designer wrote any.
    documentation: str | None = None
    # What was submitted when the task was completed (its `task_completed` event); null while it is open.
    submitted: dict[str, Any] | None = None
    # The full names of who claimed and who completed the task (for "sedang dikerjakan oleh ...").
    claimed_by_name: str | None = None
    completed_by_name: str | None = None


class CompleteTask(BaseModel):
    data: dict[str, Any] = Field(default_factory=dict)


class CompletedTask(BaseModel):
    id: str
    instance_id: int
    instance_status: str
    # True: the task had `asyncAfter`; the completion is recorded and the worker prepares what follows (the next
    # task appears a moment later).
    continuing: bool = False


class DeployedProcess(BaseModel):
    key: str
    version: int


class DeploymentOut(BaseModel):
    id: int
    created_at: datetime
    created_by: str
    files: list[str]
    processes: list[DeployedProcess]
    warnings: list[dict[str, Any]] = Field(default_factory=list)
    # aktif; menunggu_persetujuan (Ketua LSP approves it: `penerbitan` says what), disetujui, ditolak.
    status: str = "aktif"
    penerbitan: list[dict[str, Any]] = Field(default_factory=list)
    diputuskan_oleh: str | None = None
    diputuskan_at: datetime | None = None
    alasan: str | None = None
    permintaan_id: int | None = None


class PenolakanIn(BaseModel):
    alasan: str = Field(min_length=1, max_length=2000, pattern=r"\S")


NIP_PATTERN = r"^[0-9]{18}$"  # Nomor Induk Pegawai: 18 digits (birth date, appointment month, sex, number)


class UserIn(BaseModel):
    username: str = Field(pattern=r"^[a-z0-9_.\-]{2,64}$")
    full_name: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=8)
    roles: list[str] = Field(min_length=1)
    nip: str | None = Field(default=None, pattern=NIP_PATTERN)


class UserUpdate(BaseModel):
    """What an admin corrects on an account: the name as it is printed, the NIP (null removes it)."""

    full_name: str | None = Field(default=None, min_length=1, max_length=200)
    nip: str | None = Field(default=None, pattern=NIP_PATTERN)


class UserOut(BaseModel):
    username: str
    full_name: str
    roles: list[str]
    active: bool
    nip: str | None = None
