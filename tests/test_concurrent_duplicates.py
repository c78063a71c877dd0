"""One answer for one request: identical requests at the same moment, through two app instances on one
database (as two `ujikom serve` processes would), create one row; the others are refused with 409 naming
the field, or, for a deployment of the same content, answered 200 with the version the first one made."""

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.app import create_app
from api.clock import Clock
from api.settings import PROJECT_ROOT, Settings
from api.store.db import Database
from api.store.models import Deployment, ProcessDefinition, ProcessInstance, User
from tests.support.api import Api
from tests.support.concurrency import run_concurrently

REQUESTS = 12
UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()


@pytest.fixture
def servers(api: Api, settings: Settings, clock: Clock) -> Iterator[list[TestClient]]:
    """The test's app and a second one with its own connection pool, on the same database."""
    second_db = Database(settings.effective_database_url)
    try:
        with TestClient(create_app(settings, second_db, clock)) as second:
            yield [api.client, second]
    finally:
        second_db.engine.dispose()


def _all_at_once(servers: list[TestClient], send: Any) -> list[Any]:
    """`send(client)` REQUESTS times at the same moment, alternating between the two servers."""
    return run_concurrently(lambda i: send(servers[i % 2]), list(range(REQUESTS)))


def _count(api: Api, statement: Any) -> int:
    with api.app.state.db.reading() as session:
        return int(session.scalar(statement) or 0)


def test_starting_one_period_many_times_at_once_makes_one_period_and_409_for_the_rest(
    api: Api, servers: list[TestClient]
) -> None:
    headers = api.headers("direktur")
    answers = _all_at_once(
        servers,
        lambda c: c.post(
            "/api/process-definitions/uji_kompetensi/instances",
            headers=headers,
            json={"business_key": "2027-GANJIL", "data": {}},
        ),
    )

    assert sorted(r.status_code for r in answers) == [201] + [409] * (REQUESTS - 1)
    for refused in (r for r in answers if r.status_code == 409):
        body = refused.json()
        assert "already has business key '2027-GANJIL'" in body["detail"]
        assert body["errors"] == [{"path": "business_key", "message": "periode '2027-GANJIL' sudah dimulai"}]
    periods = select(func.count()).where(
        ProcessInstance.business_key == "2027-GANJIL", ProcessInstance.parent_id.is_(None)
    )
    assert _count(api, periods) == 1
    [winner] = [r.json() for r in answers if r.status_code == 201]
    assert [t["name"] for t in winner["active_tasks"]] == ["Menetapkan target uji kompetensi"]


def test_creating_one_user_many_times_at_once_makes_one_account_and_409_for_the_rest(
    api: Api, servers: list[TestClient]
) -> None:
    headers = api.headers("admin")
    user = {"username": "kembar", "full_name": "Pengguna Kembar", "password": "rahasia-kembar", "roles": ["asesor"]}
    answers = _all_at_once(servers, lambda c: c.post("/api/users", headers=headers, json=user))

    assert sorted(r.status_code for r in answers) == [201] + [409] * (REQUESTS - 1)
    for refused in (r for r in answers if r.status_code == 409):
        assert refused.json() == {
            "detail": "user 'kembar' exists",
            "errors": [{"path": "username", "message": "nama pengguna sudah dipakai"}],
        }
    assert _count(api, select(func.count()).where(User.username == "kembar")) == 1


def test_deploying_one_changed_process_many_times_at_once_makes_one_version(
    api: Api, servers: list[TestClient]
) -> None:
    headers = api.headers("desainer")
    changed = UJI.replace('name="Menetapkan target uji kompetensi"', 'name="Menetapkan target lulusan"').encode()
    deployments_before = _count(api, select(func.count()).select_from(Deployment))

    answers = _all_at_once(
        servers,
        lambda c: c.post(
            "/api/deployments", headers=headers, files=[("files", ("uji_kompetensi.bpmn", changed, "text/xml"))]
        ),
    )

    # The first stores version 2; the others find it deployed unchanged (as one after another would).
    assert sorted(r.status_code for r in answers) == [200] * (REQUESTS - 1) + [201]
    for r in answers:
        assert [(p["key"], p["version"]) for p in r.json()["processes"]] == [("uji_kompetensi", 2)], r.text
    versions = select(func.count()).where(ProcessDefinition.key == "uji_kompetensi")
    assert _count(api, versions) == 2
    assert _count(api, select(func.count()).select_from(Deployment)) == deployments_before + 1
