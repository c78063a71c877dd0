"""An instance's diagram state: completed, active and overdue elements, and links to its child instances."""

from datetime import timedelta

from lxml import etree
from sqlalchemy import select

from api.engine.diagram_state import DiagramProcess as _Process
from api.settings import PROJECT_ROOT
from api.store.models import LANE_ROLES, HumanTask
from tests.support import sop
from tests.support.api import Api
from tests.support.pages import signed_in

SOP = "uji_kompetensi"
BPMN = "{http://www.omg.org/spec/BPMN/20100524/MODEL}"


def _state(api: Api, instance_id: int, username: str = "admin") -> dict:
    r = api.get(username, f"/api/instances/{instance_id}/diagram-state")
    assert r.status_code == 200, r.text
    return r.json()


def _element_of(api: Api, username: str, task: dict) -> str:
    return sop.task_detail(api, username, task["id"])["element_id"]


def _process(key: str) -> etree._Element:
    for path in (PROJECT_ROOT / "processes").glob("*.bpmn"):
        for p in etree.parse(str(path)).getroot().iter(f"{BPMN}process"):
            if p.get("id") == key:
                return p
    raise AssertionError(key)


def _only_task(api: Api, instance_id: int) -> tuple[str, dict]:
    """The one open task of an instance, with the role of its lane."""
    [task] = api.get("admin", f"/api/instances/{instance_id}").json()["active_tasks"]
    return LANE_ROLES[task["lane"]], task


def test_a_new_period_shows_its_start_done_and_its_first_task_active(api: Api) -> None:
    period = sop.start_period(api)
    role, first = _only_task(api, period["id"])
    state = _state(api, period["id"])
    starts = {s.get("id") for s in _process(SOP).findall(f"{BPMN}startEvent")}
    assert starts <= set(state["completed"])
    assert state["active"] == [_element_of(api, role, first)]
    assert state["overdue"] == []
    assert (state["key"], state["version"], state["status"]) == (SOP, 1, "running")
    assert state["bpmn_url"] == f"/api/deployments/1/files/{SOP}.bpmn"
    assert api.get("admin", state["bpmn_url"]).status_code == 200  # every reader of the state may draw it
    assert state["children"] == [] and state["parent"] is None


def test_completed_tasks_and_service_tasks_are_marked_and_a_task_past_its_due_date_is_overdue(api: Api) -> None:
    period = sop.start_period(api)
    role, first = _only_task(api, period["id"])
    first_element = _element_of(api, role, first)
    api.complete(role, first["id"], sop.TARGET)
    role, second = _only_task(api, period["id"])
    second_element = _element_of(api, role, second)

    state = _state(api, period["id"])
    assert first_element in state["completed"]
    names = {e.get("name"): e.get("id") for e in _process(SOP).iter(f"{BPMN}serviceTask")}
    issued = {names[e["task_name"]] for e in api.history(period["id"]) if e["type"] == "service_task_completed"}
    assert issued <= set(state["completed"])
    assert state["active"] == [second_element]
    assert state["overdue"] == []

    api.app.state.clock.advance(timedelta(days=30))  # past every SOP time standard
    api._tokens.clear()  # tokens expire by the same clock
    state = _state(api, period["id"], "ketua_lsp")
    assert second_element in state["overdue"]
    assert second_element in state["active"] and first_element not in state["overdue"]


def test_a_period_links_each_call_activity_to_its_child_instances_and_a_child_back_to_its_period(api: Api) -> None:
    period = sop.start_period(api)
    sop.step_1_and_2(api, period["id"])
    sop.step_3(api, period["id"])

    state = _state(api, period["id"], "kabid_administrasi")
    children = state["children"]
    assert children and all(c["diagram_url"] == f"/instances/{c['instance_id']}/diagram" for c in children)
    called = {a.get("id"): a.get("calledElement") for a in _process(SOP).iter(f"{BPMN}callActivity")}
    by_caller: dict[str, list[dict]] = {}
    for c in children:
        assert called[c["element_id"]] == c["key"]
        by_caller.setdefault(c["element_id"], []).append(c)
    for caller, its_children in by_caller.items():
        if any(c["status"] == "running" for c in its_children):
            assert caller in state["active"] and caller not in state["completed"]
        else:  # every child ended and the worker applied it: the call activity is done
            assert caller in state["completed"] and caller not in state["active"]
    assert {c["status"] for c in children} == {"running", "completed"}, "step 3 done, the next one under way"
    assert {c["subject"] for c in children} >= set(sop.CANDIDATES)

    child = _state(api, children[0]["instance_id"])
    assert child["parent"] == {"instance_id": period["id"], "diagram_url": f"/instances/{period['id']}/diagram"}
    assert child["key"] == children[0]["key"]


def test_a_finished_period_shows_its_call_activities_completed_and_nothing_active(api: Api) -> None:
    period_id = sop.walk_period(api)
    state = _state(api, period_id)
    assert state["status"] == "completed"
    assert state["active"] == [] and state["overdue"] == []
    callers = {c["element_id"] for c in state["children"]}
    assert callers and callers <= set(state["completed"])
    with api.app.state.db.reading() as session:
        done = set(session.scalars(select(HumanTask.element_id).where(HumanTask.instance_id == period_id)))
    assert done and done <= set(state["completed"])


BRANCHES = """<definitions xmlns="http://www.omg.org/spec/BPMN/20100524/MODEL"><process id="p">
  <startEvent id="start"/><sequenceFlow id="f1" sourceRef="start" targetRef="script"/>
  <scriptTask id="script"/><sequenceFlow id="f2" sourceRef="script" targetRef="split"/>
  <exclusiveGateway id="split"/>
  <sequenceFlow id="f3" sourceRef="split" targetRef="a"/><sequenceFlow id="f4" sourceRef="split" targetRef="b"/>
  <userTask id="a"/><userTask id="b"/>
  <sequenceFlow id="f5" sourceRef="a" targetRef="merge"/><sequenceFlow id="f6" sourceRef="b" targetRef="merge"/>
  <exclusiveGateway id="merge"/><sequenceFlow id="f7" sourceRef="merge" targetRef="wait"/>
  <parallelGateway id="wait"/><sequenceFlow id="f8" sourceRef="wait" targetRef="end"/><endEvent id="end"/>
</process></definitions>"""


def test_elements_without_history_are_inferred_only_where_the_token_must_have_passed() -> None:
    process = _Process(BRANCHES, "p")
    # Task a is waiting: everything before it ran; the other branch and everything after did not.
    assert process.infer(set(), {"a"}, forwards=True) == {"start", "script", "split"}
    # Task a is done: the merge after it ran too; a parallel join (and what follows) is not assumed to pass.
    assert process.infer({"a"}, set(), forwards=True) == {"start", "script", "split", "a", "merge"}
    # In an instance stopped by an error, nothing is assumed to have run after the last record.
    assert process.infer({"a"}, set(), forwards=False) == {"start", "script", "split", "a"}


def test_the_diagram_state_follows_the_instance_read_rules(api: Api) -> None:
    period = sop.start_period(api)
    path = f"/api/instances/{period['id']}/diagram-state"
    assert api.client.get(path).status_code == 401
    for username in ("peserta", "asesor", "desainer"):
        assert api.get(username, path).status_code == 403, username
    assert api.get("direktur", path).status_code == 200
    assert api.get("admin", "/api/instances/999/diagram-state").status_code == 404


def test_the_diagram_page_is_served_with_the_bpmn_js_viewer_in_the_pages_session(api: Api) -> None:
    anonymous = api.client.get("/instances/1/diagram", follow_redirects=False)
    assert (anonymous.status_code, anonymous.headers["location"]) == (303, "/login?next=/instances/1/diagram")
    with signed_in(api.app, "admin") as browser:
        r = browser.get("/instances/1/diagram")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
        assert "/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js" in r.text
        assert 'lang="id"' in r.text and "Muat ulang" in r.text
        page = browser.get("/modeler")
    assert api.client.get("/vendor/bpmn-js/bpmn-navigated-viewer.production.min.js").status_code == 200
    assert page.status_code == 200 and "/vendor/bpmn-js/bpmn-modeler.production.min.js" in page.text
    assert "Perancang proses" in page.text and "Terapkan" in page.text
    assert (
        api.client.get("/web/spiffworkflow-moddle.json").json()["uri"]
        == "http://spiffworkflow.org/bpmn/schema/1.0/core"
    )
