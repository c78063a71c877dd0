"""Where issuing operators may run: the deploy lint's rule and the approval a deployment needs.

An issuing operator (`service_tasks.ISSUING`: certificates, SKs, the final decisions) is bound in code to
the shipped SOP processes that call it. A deployment that adds or removes a call of one, relative to the
latest deployed version of the process (or calls one in a process it is not bound to), is not active
until Ketua LSP approves it (:func:`perubahan_penerbitan`). A process calling one may never be started
by a candidate or an asesor (:func:`issuing_start_lanes`, a lint error).
"""

from collections.abc import Iterator
from typing import Any

from lxml import etree
from sqlalchemy import select
from sqlalchemy.orm import Session

import service_tasks
from api.engine.bpmn import NS, ProcessGraph, process_elements
from api.engine.process_models import latest_definition
from api.store.enums import LANE_ROLES, Role
from api.store.models import DeploymentFile

# Lanes whose users (candidates, asesor) may never start a process that issues certificates or decisions.
LANES_TERLARANG = frozenset(lane for lane, role in LANE_ROLES.items() if role in (Role.PESERTA, Role.ASESOR))


def issuing_calls(graph: ProcessGraph) -> set[tuple[str, str]]:
    """(element id, operator) of every service task of the process that calls an issuing operator."""
    calls = set()
    for op in graph.process.iter(f"{{{NS['spiffworkflow']}}}serviceTaskOperator"):
        if (name := op.get("id")) in service_tasks.ISSUING:
            el = op.getparent()
            while el is not None and not (etree.QName(el).localname == "serviceTask" and el.get("id")):
                el = el.getparent()
            calls.add((el.get("id") if el is not None else "", name))
    return calls


def issuing_start_lanes(graph: ProcessGraph, called: bool) -> Iterator[tuple[Any, str]]:
    """(start event, message) for each start event of an issuing process lying in a candidate's or an
    asesor's lane; a process only ever run as a call activity's child is started by its caller instead."""
    calls = issuing_calls(graph)
    if not calls or called:
        return
    operators = ", ".join(sorted({op for _, op in calls}))
    for start in graph.process.iterfind("bpmn:startEvent", NS):
        lane = graph.lane_name(start.get("id"))
        if lane in LANES_TERLARANG:
            yield (
                start,
                f"Start event ini ada di lane {lane!r}: proses yang memanggil operator penerbitan ({operators}) "
                f"tidak boleh dimulai oleh {', '.join(sorted(LANES_TERLARANG))}; "
                f"pindahkan start event ke lane {', '.join(sorted(set(LANE_ROLES) - LANES_TERLARANG))}",
            )


def _deployed_calls(session: Session, key: str) -> set[tuple[str, str]] | None:
    """The issuing calls of the latest deployed version of `key`, or None when none is deployed."""
    latest = latest_definition(session, key)
    if latest is None:
        return None
    content = session.scalars(
        select(DeploymentFile.content).where(
            DeploymentFile.deployment_id == latest.deployment_id, DeploymentFile.name == latest.bpmn_file
        )
    ).first()
    root = etree.fromstring((content or "").encode(), parser=etree.XMLParser(resolve_entities=False))
    graphs = [ProcessGraph.read(p) for p in process_elements(root) if p.get("id") == key]
    return issuing_calls(graphs[0]) if graphs else set()


def perubahan_penerbitan(session: Session, files: dict[str, bytes]) -> list[dict[str, Any]]:
    """The issuing-operator calls this deployment adds or removes that need Ketua LSP's approval, each
    {proses, elemen, operator, perubahan: ditambah|dihapus}; [] when it may deploy at once.

    Adding or removing a call relative to the latest deployed version needs approval; so does any call in a
    process the operator is not bound to. The first deployment of a shipped process with the calls it is
    bound to (the SOP as shipped) does not.
    """
    found: list[dict[str, Any]] = []
    for name, content in sorted(files.items()):
        if not name.endswith(".bpmn"):
            continue
        root = etree.fromstring(content, parser=etree.XMLParser(resolve_entities=False))
        for process in process_elements(root):
            key = process.get("id")
            new = issuing_calls(ProcessGraph.read(process))
            old = _deployed_calls(session, key)
            for element, op in sorted(new - (old or set())):
                if old is not None or key not in service_tasks.ISSUING[op]:
                    found.append({"proses": key, "elemen": element, "operator": op, "perubahan": "ditambah"})
            for element, op in sorted((old or set()) - new):
                found.append({"proses": key, "elemen": element, "operator": op, "perubahan": "dihapus"})
    return found
