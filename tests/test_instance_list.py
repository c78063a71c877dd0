"""The staff's instance list: one page answers with every instance's open tasks, read in one query."""

from typing import Any

from sqlalchemy import event

from tests.conftest import Api


def start(api: Api, business_key: str) -> dict[str, Any]:
    r = api.post("direktur", "/api/process-definitions/uji_kompetensi/instances", json={"business_key": business_key})
    assert r.status_code == 201, r.text
    return r.json()


def test_a_page_of_instances_lists_each_ones_open_tasks_with_one_task_query(api: Api) -> None:
    started = [start(api, f"LSP-2026-{n}") for n in ("A", "B", "C")]
    api.headers("kabid_administrasi")  # log in before counting
    statements: list[str] = []

    def remember(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = api.app.state.db.engine
    event.listen(engine, "before_cursor_execute", remember)
    try:
        r = api.get("kabid_administrasi", "/api/instances", params={"key": "uji_kompetensi"})
    finally:
        event.remove(engine, "before_cursor_execute", remember)
    assert r.status_code == 200, r.text
    page = r.json()
    assert page["total"] == 3
    by_id = {i["id"]: i for i in page["items"]}
    for instance in started:
        listed = by_id[instance["id"]]
        assert [t["id"] for t in listed["active_tasks"]] == [t["id"] for t in instance["active_tasks"]]
        assert listed["active_tasks"]
    assert sum("FROM human_task" in s for s in statements) == 1, statements
