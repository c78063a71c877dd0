"""Small BPMN processes written inline by tests: the boilerplate (definitions, collaboration, lanes, a user
task's form property, a straight line of sequence flows) in one place, the part a test is about in the test."""

FORM = "menerima_laporan.json"  # a shipped form any test task can use (diterima, catatan)


def definitions(process_id: str, body: str, *, name: str = "", head: str = "") -> str:
    """A deployable file holding one executable process `process_id` (with its participant); `head` goes
    before the collaboration (e.g. a signal's declaration)."""
    named = f' name="{name}"' if name else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
    xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core" id="d_{process_id}" targetNamespace="http://bpmn.io/schema/bpmn">
  {head}
  <bpmn:collaboration id="c_{process_id}">
    <bpmn:participant id="p_{process_id}" processRef="{process_id}"/>
  </bpmn:collaboration>
  <bpmn:process id="{process_id}"{named} isExecutable="true">
{body}
  </bpmn:process>
</bpmn:definitions>
"""


def lanes(**by_id: tuple[str, list[str]]) -> str:
    """A lane set: lane id -> (the lane's name, the ids of its elements)."""
    out = []
    for lane_id, (lane_name, refs) in by_id.items():
        nodes = "".join(f"<bpmn:flowNodeRef>{r}</bpmn:flowNodeRef>" for r in refs)
        out.append(f'<bpmn:lane id="{lane_id}" name="{lane_name}">{nodes}</bpmn:lane>')
    return f'<bpmn:laneSet id="ls">{"".join(out)}</bpmn:laneSet>'


def properties(**props: str) -> str:
    """SpiffWorkflow extension properties, e.g. properties(sopStep="1", timeStandard="P1D")."""
    body = "".join(f'<spiffworkflow:property name="{k}" value="{v}"/>' for k, v in props.items())
    return (
        f"<bpmn:extensionElements><spiffworkflow:properties>{body}</spiffworkflow:properties></bpmn:extensionElements>"
    )


def user_task(task_id: str, name: str, form: str = FORM, **props: str) -> str:
    extensions = properties(formJsonSchemaFilename=form, **props)
    return f'<bpmn:userTask id="{task_id}" name="{name}">{extensions}</bpmn:userTask>'


def flow(flow_id: str, source: str, target: str) -> str:
    return f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}"/>'


def line(*element_ids: str) -> str:
    """Sequence flows f1, f2, ... joining the elements one after another."""
    pairs = zip(element_ids, element_ids[1:], strict=False)
    return "\n".join(flow(f"f{i}", a, b) for i, (a, b) in enumerate(pairs, 1))
