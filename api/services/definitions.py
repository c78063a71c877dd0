"""Process definitions and their versions: the latest of each, every version of one, their files, a diff.

The engine owns "the latest version of a key" (`latest_definition`, used when deploying); this module is
where the routes and other services ask for it and for everything else about deployed definitions.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, lazyload

from api.engine.bpmn import FORM_PROPS, NS, parse
from api.engine.bpmn_summary import diff, summarize
from api.engine.process_models import latest_definition, resolve_definition
from api.errors import ApiError
from api.store.enums import DeploymentStatus
from api.store.models import Deployment, DeploymentFile, ProcessDefinition
from api.store.storage import Upload, read_upload

__all__ = ["latest_definition", "latest_definitions"]
MAX_FILE_BYTES = 5 * 1024 * 1024  # one uploaded .bpmn or form file


def read_files(files: Sequence[Upload]) -> dict[str, bytes]:
    """Uploaded files by their base name, each read with the upload cap (413 past `MAX_FILE_BYTES`)."""
    return {(f.filename or "").rsplit("/", 1)[-1]: read_upload(f, MAX_FILE_BYTES, allow_empty=True) for f in files}


def file_url(deployment_id: int, name: str) -> str:
    return f"/api/deployments/{deployment_id}/files/{name}"


def latest_definitions(session: Session) -> list[ProcessDefinition]:
    """The latest version of every deployed process, by key."""
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    return list(
        session.scalars(
            select(ProcessDefinition)
            .join(newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.version))
            .order_by(ProcessDefinition.key)
        )
    )


@dataclass
class DeploymentListing:
    deployment: Deployment
    files: list[str]
    definitions: list[ProcessDefinition]


def list_deployments(session: Session) -> list[DeploymentListing]:
    """Every deployment, newest first, with its file names and process versions (three queries in all)."""
    deployments = session.scalars(
        select(Deployment).options(lazyload(Deployment.files)).order_by(Deployment.id.desc())
    ).all()
    files: dict[int, list[str]] = {}
    for deployment_id, name in session.execute(
        select(DeploymentFile.deployment_id, DeploymentFile.name).order_by(DeploymentFile.name)
    ):
        files.setdefault(deployment_id, []).append(name)
    definitions: dict[int, list[ProcessDefinition]] = {}
    for d in session.scalars(select(ProcessDefinition).order_by(ProcessDefinition.id)):
        definitions.setdefault(d.deployment_id, []).append(d)
    return [DeploymentListing(d, files.get(d.id, []), definitions.get(d.id, [])) for d in deployments]


def menunggu_persetujuan(session: Session) -> list[Deployment]:
    """The deployments awaiting Ketua LSP's approval, oldest first (they have no files or versions yet)."""
    return list(
        session.scalars(
            select(Deployment)
            .options(lazyload(Deployment.files))
            .where(Deployment.status == DeploymentStatus.MENUNGGU_PERSETUJUAN)
            .order_by(Deployment.id)
        )
    )


@dataclass
class Version:
    definition: ProcessDefinition
    deployment: Deployment


def _versions(session: Session, *where: Any) -> list[Version]:
    rows = session.execute(
        select(ProcessDefinition, Deployment)
        .join(Deployment, Deployment.id == ProcessDefinition.deployment_id)
        .options(lazyload(Deployment.files))
        .where(*where)
        .order_by(ProcessDefinition.key, ProcessDefinition.version.desc())
    ).all()
    return [Version(d, deployment) for d, deployment in rows]


def latest_versions(session: Session) -> list[Version]:
    """The latest version of every deployed process, the called (linked SOP) ones included."""
    newest = (
        select(ProcessDefinition.key, func.max(ProcessDefinition.version).label("version"))
        .group_by(ProcessDefinition.key)
        .subquery()
    )
    ids = select(ProcessDefinition.id).join(
        newest, (ProcessDefinition.key == newest.c.key) & (ProcessDefinition.version == newest.c.version)
    )
    return _versions(session, ProcessDefinition.id.in_(ids))


def list_versions(session: Session, key: str) -> list[Version]:
    """Every version of a process, newest first (404 when none is deployed)."""
    versions = _versions(session, ProcessDefinition.key == key)
    if not versions:
        raise ApiError(404, f"no process {key!r}")
    return versions


def get_definition(session: Session, key: str, version: int) -> ProcessDefinition:
    d = session.scalars(
        select(ProcessDefinition).where(ProcessDefinition.key == key, ProcessDefinition.version == version)
    ).first()
    if d is None:
        raise ApiError(404, f"no version {version} of process {key!r}")
    return d


def get_file(session: Session, deployment_id: int, name: str) -> DeploymentFile:
    f = session.scalars(
        select(DeploymentFile).where(DeploymentFile.deployment_id == deployment_id, DeploymentFile.name == name)
    ).first()
    if f is None:
        raise ApiError(404, f"deployment {deployment_id} has no file {name!r}")
    return f


def version_form(session: Session, key: str, version: int, name: str) -> DeploymentFile:
    """The form file `name` as version `version` of `key` runs it: the newest deployed with or before it."""
    definition = get_definition(session, key, version)
    f = session.scalars(
        select(DeploymentFile)
        .where(DeploymentFile.name == name, DeploymentFile.deployment_id <= definition.deployment_id)
        .order_by(DeploymentFile.deployment_id.desc())
        .limit(1)
    ).first()
    if f is None or not name.endswith(".json"):
        raise ApiError(404, f"version {version} of process {key!r} runs no form {name!r}")
    return f


@dataclass
class VersionFile:
    name: str
    deployment_id: int
    processes: list[str]  # process ids defined in the file
    main: bool  # the file of the version itself; the others define the processes it calls
    newest_deployment_id: int  # the newest deployment holding a file of this name


def version_files(session: Session, key: str, version: int) -> list[VersionFile]:
    """The BPMN files that open this version: its own, then those of the processes it calls (recursively),
    each at the version a period started now runs them with (the latest version takes the latest linked
    SOPs; an older version, those deployed with it)."""
    d = get_definition(session, key, version)
    latest = latest_definition(session, key)
    snapshot = session.scalar(select(func.max(Deployment.id))) if latest and version == latest.version else None
    out: list[VersionFile] = []
    seen: set[tuple[int, str]] = set()
    queue = [(d.deployment_id, d.bpmn_file)]
    while queue:
        deployment_id, name = queue.pop(0)
        if (deployment_id, name) in seen:
            continue
        seen.add((deployment_id, name))
        root = parse(get_file(session, deployment_id, name).content)
        defined = [p.get("id") for p in root.iterfind("bpmn:process", NS)]
        newest = session.scalar(select(func.max(DeploymentFile.deployment_id)).where(DeploymentFile.name == name))
        out.append(VersionFile(name, deployment_id, defined, main=not out, newest_deployment_id=newest or 0))
        for called in sorted({c.get("calledElement") for c in root.iterfind(".//bpmn:callActivity", NS)}):
            target = resolve_definition(session, called, snapshot or d.deployment_id) if called not in defined else None
            if target is not None:
                queue.append((target.deployment_id, target.bpmn_file))
    return out


def version_diff(session: Session, key: str, version: int, against: int | None) -> dict[str, Any]:
    """What changed from version `against` (default: the one before) to `version`, by element id, plus the
    forms whose content changed."""
    new = get_definition(session, key, version)
    if against is None:
        against = version - 1
    old = get_definition(session, key, against)
    old_file = get_file(session, old.deployment_id, old.bpmn_file).content
    new_file = get_file(session, new.deployment_id, new.bpmn_file).content
    changes = diff(summarize(old_file, key).get(key, {}), summarize(new_file, key).get(key, {}))
    old_forms, new_forms = _forms(session, old, old_file), _forms(session, new, new_file)
    return {
        "key": key,
        "version": version,
        "against": against,
        **changes,
        "forms_changed": sorted(
            name for name in old_forms.keys() | new_forms.keys() if old_forms.get(name) != new_forms.get(name)
        ),
    }


def _forms(session: Session, d: ProcessDefinition, content: str) -> dict[str, str | None]:
    """Form file name -> sha256 of the form this version runs with (the newest deployed with or before it)."""
    names = {
        p.get("value") for p in parse(content).iterfind(".//spiffworkflow:property", NS) if p.get("name") in FORM_PROPS
    }
    return {
        name: session.scalar(
            select(DeploymentFile.sha256)
            .where(DeploymentFile.name == name, DeploymentFile.deployment_id <= d.deployment_id)
            .order_by(DeploymentFile.deployment_id.desc())
            .limit(1)
        )
        for name in names
        if name
    }
