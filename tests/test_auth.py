"""Logging in, bearer tokens and who may administer users."""

from datetime import UTC, datetime, timedelta

import jwt
from fastapi.testclient import TestClient

from api.clock import Clock
from api.settings import Settings
from tests.support.api import Api


def _login(client: TestClient, username: str, password: str) -> object:
    return client.post("/api/auth/token", data={"username": username, "password": password})


def test_the_right_password_gets_a_bearer_token_that_opens_the_api(api: Api) -> None:
    r = _login(api.client, "direktur", "direktur-demo")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["access_token"]
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["username"] == "direktur"


def test_a_wrong_password_and_an_unknown_user_get_the_same_401(api: Api) -> None:
    wrong = _login(api.client, "direktur", "not-the-password")
    unknown = _login(api.client, "nobody-here", "direktur-demo")
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json() == {"detail": "wrong username or password"}
    assert wrong.headers["www-authenticate"] == "Bearer"


def test_the_api_refuses_a_request_without_a_token(api: Api) -> None:
    r = api.client.get("/api/me")
    assert r.status_code == 401
    assert "not authenticated" in r.json()["detail"]
    assert api.client.get("/api/tasks").status_code == 401


def test_the_api_refuses_a_garbage_token(api: Api) -> None:
    r = api.client.get("/api/me", headers={"Authorization": "Bearer not.a.jwt"})
    assert r.status_code == 401
    assert r.json()["detail"] == "invalid token"


def test_the_api_refuses_a_token_signed_with_another_key(api: Api) -> None:
    forged = jwt.encode({"sub": "admin", "exp": datetime.now(UTC) + timedelta(hours=1)}, "x" * 40, "HS256")
    r = api.client.get("/api/me", headers={"Authorization": f"Bearer {forged}"})
    assert r.status_code == 401
    assert r.json()["detail"] == "invalid token"


def test_the_api_refuses_an_expired_token(api: Api, settings: Settings) -> None:
    issued = datetime.now(UTC) - timedelta(minutes=settings.token_minutes + 1)
    expired = jwt.encode(
        {"sub": "direktur", "iat": issued, "exp": issued + timedelta(minutes=settings.token_minutes)},
        settings.secret_key,
        "HS256",
    )
    r = api.client.get("/api/me", headers={"Authorization": f"Bearer {expired}"})
    assert r.status_code == 401
    assert r.json()["detail"] == "token expired: log in again"


def test_the_api_refuses_a_token_of_an_unknown_user(api: Api, settings: Settings) -> None:
    token = jwt.encode({"sub": "ghost", "exp": datetime.now(UTC) + timedelta(hours=1)}, settings.secret_key, "HS256")
    r = api.client.get("/api/me", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 401
    assert r.json()["detail"] == "user unknown or deactivated"


def test_a_token_expires_when_the_app_clock_passes_its_lifetime(api: Api, clock: Clock, settings: Settings) -> None:
    """The app clock is the service's notion of now; tokens should follow it like due dates and timers do."""
    headers = api.headers("direktur")
    assert api.client.get("/api/me", headers=headers).status_code == 200
    clock.advance(timedelta(minutes=settings.token_minutes + 1))
    assert api.client.get("/api/me", headers=headers).status_code == 401


def test_me_returns_the_callers_name_and_roles(api: Api) -> None:
    r = api.get("asesor2", "/api/me")
    assert r.status_code == 200
    assert r.json() == {"username": "asesor2", "full_name": "Hendra Gunawan, S.T.", "roles": ["asesor"]}
    assert api.get("kabid_sertifikasi", "/api/me").json()["roles"] == ["kabid_sertifikasi"]


def test_an_admin_creates_a_user_who_can_then_log_in_with_their_roles(api: Api) -> None:
    r = api.post(
        "admin",
        "/api/users",
        json={"username": "asesor9", "full_name": "Asesor Tiga", "password": "rahasia-panjang", "roles": ["asesor"]},
    )
    assert r.status_code == 201, r.text
    assert r.json() == {
        "username": "asesor9",
        "full_name": "Asesor Tiga",
        "roles": ["asesor"],
        "active": True,
        "nip": None,
    }

    login = _login(api.client, "asesor9", "rahasia-panjang")
    assert login.status_code == 200, login.text
    me = api.client.get("/api/me", headers={"Authorization": f"Bearer {login.json()['access_token']}"})
    assert me.json()["roles"] == ["asesor"]
    assert "asesor9" in {u["username"] for u in api.get("admin", "/api/users").json()}


def test_creating_an_existing_username_is_a_409_and_an_unknown_role_a_422(api: Api) -> None:
    body = {"username": "peserta", "full_name": "Lagi", "password": "rahasia-panjang", "roles": ["peserta"]}
    r = api.post("admin", "/api/users", json=body)
    assert r.status_code == 409
    assert "peserta" in r.json()["detail"]

    r = api.post("admin", "/api/users", json={**body, "username": "baru", "roles": ["raja"]})
    assert r.status_code == 422
    assert r.json()["errors"] == [{"path": "roles", "message": "peran tidak dikenal: raja"}]
    assert _login(api.client, "baru", "rahasia-panjang").status_code == 401


def test_only_an_admin_may_create_or_list_users(api: Api) -> None:
    body = {"username": "penyusup", "full_name": "Penyusup", "password": "rahasia-panjang", "roles": ["admin"]}
    for username in ("direktur", "desainer", "peserta"):
        r = api.post(username, "/api/users", json=body)
        assert r.status_code == 403, (username, r.text)
        assert "admin" in r.json()["detail"]
        assert api.get(username, "/api/users").status_code == 403
    assert _login(api.client, "penyusup", "rahasia-panjang").status_code == 401
    assert "penyusup" not in {u["username"] for u in api.get("admin", "/api/users").json()}
