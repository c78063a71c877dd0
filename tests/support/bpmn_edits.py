"""Edits a process designer makes, applied to whatever BPMN is shipped (found by structure, not by hard-coded ids)."""

from typing import Any

from lxml import etree

BPMN = "http://www.omg.org/spec/BPMN/20100524/MODEL"
BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"
SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN, "bpmndi": BPMNDI, "dc": DC, "di": DI, "spiffworkflow": SPIFF}


def parse(xml: str | bytes) -> Any:
    return etree.fromstring(xml.encode() if isinstance(xml, str) else xml)


def serialize(root: Any) -> str:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode()


def process_of(root: Any, process_id: str) -> Any:
    [process] = [p for p in root.findall("bpmn:process", NS) if p.get("id") == process_id]
    return process


def by_id(root: Any, element_id: str) -> Any:
    [el] = root.xpath("//*[@id=$i]", i=element_id)
    return el


def first_user_task(xml: str, process_id: str) -> Any:
    """The user task reached first from the process's start event, following sequence flows."""
    root = parse(xml)
    process = process_of(root, process_id)
    flows: dict[str, list[str]] = {f.get("sourceRef"): [] for f in process.findall("bpmn:sequenceFlow", NS)}
    for f in process.findall("bpmn:sequenceFlow", NS):
        flows[f.get("sourceRef")].append(f.get("targetRef"))
    frontier = [s.get("id") for s in process.findall("bpmn:startEvent", NS)]
    seen: set[str] = set()
    while frontier:
        current = frontier.pop(0)
        if current in seen:
            continue
        seen.add(current)
        el = by_id(root, current)
        if etree.QName(el).localname == "userTask":
            return el
        frontier.extend(flows.get(current, []))
    raise AssertionError(f"{process_id} has no user task reachable from its start")


def rename(xml: str, element_id: str, name: str) -> str:
    root = parse(xml)
    by_id(root, element_id).set("name", name)
    return serialize(root)


def insert_step_after(xml: str, element_id: str, new_id: str, name: str) -> str:
    """A new user task right after `element_id`, in the same lane and with the same form, drawn below it."""
    root = parse(xml)
    el = by_id(root, element_id)
    process = el.getparent()
    [outgoing] = [f for f in process.findall("bpmn:sequenceFlow", NS) if f.get("sourceRef") == element_id]
    target = outgoing.get("targetRef")
    outgoing.set("targetRef", new_id)
    for incoming in by_id(root, target).findall("bpmn:incoming", NS):
        if incoming.text == outgoing.get("id"):
            incoming.text = f"flow_{new_id}_out"

    task = etree.SubElement(process, f"{{{BPMN}}}userTask", id=new_id, name=name)
    form = el.find(".//spiffworkflow:property[@name='formJsonSchemaFilename']", NS)
    extensions = etree.SubElement(task, f"{{{BPMN}}}extensionElements")
    properties = etree.SubElement(extensions, f"{{{SPIFF}}}properties")
    etree.SubElement(properties, f"{{{SPIFF}}}property", name="formJsonSchemaFilename", value=form.get("value"))
    etree.SubElement(task, f"{{{BPMN}}}incoming").text = outgoing.get("id")
    etree.SubElement(task, f"{{{BPMN}}}outgoing").text = f"flow_{new_id}_out"
    etree.SubElement(process, f"{{{BPMN}}}sequenceFlow", id=f"flow_{new_id}_out", sourceRef=new_id, targetRef=target)
    for ref in process.iter(f"{{{BPMN}}}flowNodeRef"):
        if ref.text == element_id:
            ref.addnext(etree.Element(f"{{{BPMN}}}flowNodeRef"))
            ref.getnext().text = new_id
            ref.getnext().tail = ref.tail

    # Diagram: the new shape under the element, and edges to and from it.
    shape = root.xpath("//bpmndi:BPMNShape[@bpmnElement=$i]", namespaces=NS, i=element_id)[0]
    bounds = shape.find("dc:Bounds", NS)
    x, y = float(bounds.get("x")), float(bounds.get("y")) + 10
    new_shape = etree.SubElement(shape.getparent(), f"{{{BPMNDI}}}BPMNShape", id=f"{new_id}_di", bpmnElement=new_id)
    etree.SubElement(new_shape, f"{{{DC}}}Bounds", x=str(x + 30), y=str(y), width="100", height="80")
    target_shape = root.xpath("//bpmndi:BPMNShape[@bpmnElement=$i]", namespaces=NS, i=target)[0].find("dc:Bounds", NS)
    edge = root.xpath("//bpmndi:BPMNEdge[@bpmnElement=$i]", namespaces=NS, i=outgoing.get("id"))[0]
    for point in edge.findall("di:waypoint", NS):
        edge.remove(point)
    for px, py in ((x + 50, y + 70), (x + 80, y + 70)):
        etree.SubElement(edge, f"{{{DI}}}waypoint", x=str(px), y=str(py))
    out = etree.SubElement(edge.getparent(), f"{{{BPMNDI}}}BPMNEdge", id=f"flow_{new_id}_out_di")
    out.set("bpmnElement", f"flow_{new_id}_out")
    for px, py in ((x + 130, y + 40), (float(target_shape.get("x")), float(target_shape.get("y")) + 40)):
        etree.SubElement(out, f"{{{DI}}}waypoint", x=str(px), y=str(py))
    return serialize(root)


def break_condition(xml: str, process_id: str) -> tuple[str, str]:
    """Give the first sequence flow of the process a condition that is not Python; returns (xml, flow id)."""
    root = parse(xml)
    flow = process_of(root, process_id).find("bpmn:sequenceFlow", NS)
    condition = etree.SubElement(flow, f"{{{BPMN}}}conditionExpression")
    condition.set("{http://www.w3.org/2001/XMLSchema-instance}type", "bpmn:tFormalExpression")
    condition.text = "periode =="
    return serialize(root), flow.get("id")
