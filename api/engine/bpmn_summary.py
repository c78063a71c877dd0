"""What a BPMN process says, element by element, so two versions can be compared by element id.

Layout (BPMNDI) is left out: moving a shape is not a change of the process. Everything the engine
reads is in: type, name, lane, attributes (calledElement, sourceRef, default ...), `spiffworkflow`
extensions (properties, service operator and its parameters, scripts) and the element's own
content (conditions, scripts, timers, multi-instance loops).
"""

from dataclasses import dataclass, field
from typing import Any

from lxml import etree

from api.engine.bpmn import BPMN, SPIFF, ProcessGraph, parse, process_elements

# Children that are reported as their own elements or derived elsewhere, not as content of their parent.
_NOT_CONTENT = {"extensionElements", "incoming", "outgoing", "flowNodeRef", "childLaneSet"}


@dataclass
class ElementSummary:
    id: str
    type: str
    name: str | None
    lane: str | None = None
    attributes: dict[str, str] = field(default_factory=dict)
    properties: dict[str, str] = field(default_factory=dict)
    operator: dict[str, Any] | None = None
    extensions: dict[str, str] = field(default_factory=dict)
    outgoing: list[str] = field(default_factory=list)  # target element ids of its outgoing sequence flows
    content: str = ""  # canonical text of the element's own children (conditions, scripts, timers, loops)

    def brief(self) -> dict[str, Any]:
        return {"id": self.id, "type": self.type, "name": self.name, "lane": self.lane}


def _local(el: Any) -> str:
    return str(etree.QName(el).localname)


def _canonical(el: Any) -> str:
    """Attributes sorted, whitespace collapsed, namespace prefixes resolved: equal meaning, equal text."""
    attrs = " ".join(f"{etree.QName(k).localname}={v!r}" for k, v in sorted(el.attrib.items()))
    text = " ".join((el.text or "").split())
    children = "".join(_canonical(c) for c in el if isinstance(c.tag, str))
    return f"<{_local(el)} {attrs}>{text}{children}</{_local(el)}>"


def _is_element(el: Any) -> bool:
    """An element reported on its own: an id'd BPMN child of a process, subprocess or lane set."""
    parent = el.getparent()
    return (
        isinstance(el.tag, str)
        and etree.QName(el).namespace == BPMN
        and bool(el.get("id"))
        and parent is not None
        and _local(parent) in ("process", "subProcess", "transaction", "adHocSubProcess", "laneSet")
    )


def summarize_process(process: Any) -> dict[str, ElementSummary]:
    graph = ProcessGraph.read(process)
    out: dict[str, ElementSummary] = {}
    for el in process.iter():
        if not _is_element(el):
            continue
        summary = ElementSummary(
            id=el.get("id"),
            type=_local(el),
            name=el.get("name"),
            lane=_lane(graph, el.get("id")),
            attributes={etree.QName(k).localname: v for k, v in el.attrib.items() if k not in ("id", "name")},
            outgoing=sorted(graph.outgoing.get(el.get("id"), [])),
        )
        extensions = el.find(f"{{{BPMN}}}extensionElements")
        if extensions is not None:
            _read_extensions(extensions, summary)
        summary.content = "".join(
            _canonical(c) for c in el if isinstance(c.tag, str) and not _is_element(c) and _local(c) not in _NOT_CONTENT
        )
        out[summary.id] = summary
    return out


def _lane(graph: ProcessGraph, element_id: str) -> str | None:
    lane = graph.lane_of.get(element_id)
    return None if lane is None else (lane.get("name") or lane.get("id"))


def _read_extensions(extensions: Any, summary: ElementSummary) -> None:
    for ext in extensions:
        if not isinstance(ext.tag, str):
            continue
        name = _local(ext)
        if etree.QName(ext).namespace != SPIFF:
            summary.extensions[etree.QName(ext).text] = _canonical(ext)
        elif name == "properties":
            for prop in ext.findall(f"{{{SPIFF}}}property"):
                summary.properties[prop.get("name") or ""] = prop.get("value") or ""
        elif name == "serviceTaskOperator":
            summary.operator = {
                "id": ext.get("id"),
                "resultVariable": ext.get("resultVariable"),
                "parameters": {
                    p.get("id") or "": {"type": p.get("type"), "value": p.get("value")}
                    for p in ext.iter(f"{{{SPIFF}}}parameter")
                },
            }
        else:
            summary.extensions[name] = _canonical(ext)


def summarize(xml: bytes | str, process_id: str | None = None) -> dict[str, dict[str, ElementSummary]]:
    """process id -> element id -> summary, for every process in a BPMN document (or just one)."""
    processes = process_elements(parse(xml))
    return {p.get("id"): summarize_process(p) for p in processes if process_id in (None, p.get("id"))}


def _changes(old: ElementSummary, new: ElementSummary) -> list[dict[str, Any]]:
    changes: list[dict[str, Any]] = []

    def note(what: str, before: Any, after: Any) -> None:
        if before != after:
            changes.append({"field": what, "old": before, "new": after})

    note("type", old.type, new.type)
    note("name", old.name, new.name)
    note("lane", old.lane, new.lane)
    for key in sorted(old.attributes.keys() | new.attributes.keys()):
        note(f"attribute {key}", old.attributes.get(key), new.attributes.get(key))
    for key in sorted(old.properties.keys() | new.properties.keys()):
        note(f"property {key}", old.properties.get(key), new.properties.get(key))
    before_op, after_op = old.operator or {}, new.operator or {}
    note("service operator", before_op.get("id"), after_op.get("id"))
    note("result variable", before_op.get("resultVariable"), after_op.get("resultVariable"))
    before_params, after_params = before_op.get("parameters", {}), after_op.get("parameters", {})
    for key in sorted(before_params.keys() | after_params.keys()):
        note(
            f"parameter {key}",
            (before_params.get(key) or {}).get("value"),
            (after_params.get(key) or {}).get("value"),
        )
        if key in before_params and key in after_params:
            note(f"parameter {key} type", before_params[key].get("type"), after_params[key].get("type"))
    for key in sorted(old.extensions.keys() | new.extensions.keys()):
        note(f"extension {key}", old.extensions.get(key), new.extensions.get(key))
    note("flows to", old.outgoing, new.outgoing)
    note("definition", old.content, new.content)
    return changes


def diff(old: dict[str, ElementSummary], new: dict[str, ElementSummary]) -> dict[str, list[dict[str, Any]]]:
    """Elements added, removed and changed going from `old` to `new`, compared by element id."""
    changed = []
    for element_id in sorted(old.keys() & new.keys()):
        if changes := _changes(old[element_id], new[element_id]):
            changed.append({**new[element_id].brief(), "changes": changes})
    return {
        "added": [new[i].brief() for i in sorted(new.keys() - old.keys())],
        "removed": [old[i].brief() for i in sorted(old.keys() - new.keys())],
        "changed": changed,
    }
