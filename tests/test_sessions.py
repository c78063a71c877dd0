"""Sessions: login backoff per account and per client, bounded hashing, one answer for unknown and existing
accounts, and tokens revoked at once by logout, a password change and deactivation."""

from datetime import UTC, datetime, timedelta

import pytest
from argon2 import extract_parameters
from fastapi.testclient import TestClient

from api import auth
from api.clock import Clock
from api.login_guard import LoginGuard
from tests.support.api import Api


class StoppedClock(Clock):
    """Time moves only when the test moves it: on a loaded machine a login's hash may take longer than the
    backoff it is checked against, and a running clock would let the backoff lapse between two attempts."""

    def __init__(self) -> None:
        super().__init__()
        self.at = datetime.now(UTC)

    def now(self) -> datetime:
        return self.at + self.offset


@pytest.fixture
def clock() -> Clock:
    return StoppedClock()


def _login(client: TestClient, username: str, password: str) -> object:
    return client.post("/api/auth/token", data={"username": username, "password": password})


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def _token(client: TestClient, username: str, password: str) -> str:
    r = client.post("/api/auth/token", data={"username": username, "password": password})
    assert r.status_code == 200, r.text
    return str(r.json()["access_token"])


def _me(client: TestClient, token: str) -> int:
    return int(client.get("/api/me", headers=_bearer(token)).status_code)


def test_after_five_failures_an_account_waits_doubling_times_even_with_the_right_password(
    api: Api, clock: Clock
) -> None:
    for i in range(5):
        assert _login(api.client, "direktur", f"salah-{i}").status_code == 401
    r = _login(api.client, "direktur", "direktur-demo")
    assert r.status_code == 429
    assert r.headers["retry-after"] == "1"
    assert r.json() == {"detail": "too many failed logins: try again in 1 s"}

    clock.advance(timedelta(seconds=1))
    assert _login(api.client, "direktur", "salah-lagi").status_code == 401  # a sixth failure: 2 s now
    assert _login(api.client, "direktur", "direktur-demo").headers["retry-after"] == "2"
    clock.advance(timedelta(seconds=2))
    assert _login(api.client, "direktur", "direktur-demo").status_code == 200
    # a success clears the account's count
    assert _login(api.client, "direktur", "salah").status_code == 401
    assert _login(api.client, "direktur", "direktur-demo").status_code == 200


def test_an_unknown_account_gets_exactly_the_answers_an_existing_one_gets(api: Api) -> None:
    def answers(username: str) -> list[tuple[int, str, str | None]]:
        out = []
        for i in range(7):
            r = api.client.post("/api/auth/token", data={"username": username, "password": f"salah-{i}"})
            out.append((r.status_code, r.text, r.headers.get("retry-after")))
        return out

    assert answers("ketua_lsp") == answers("tidak_ada_orangnya")
    assert [status for status, _, _ in answers("peserta7")] == [401] * 5 + [429, 429]


def test_a_client_failing_on_many_accounts_is_slowed_down_too(api: Api) -> None:
    for i in range(30):
        assert _login(api.client, f"tebakan{i}", "salah").status_code == 401
    r = _login(api.client, "peserta", "peserta-demo")
    assert r.status_code == 429 and r.headers["retry-after"] == "1"


def test_a_login_beyond_the_hashing_slots_is_refused_at_once_with_503(api: Api) -> None:
    guard: LoginGuard = api.app.state.login_guard
    held = [guard.hashing() for _ in range(guard.concurrency)]
    for slot in held:
        slot.__enter__()
    try:
        r = _login(api.client, "direktur", "direktur-demo")
        assert r.status_code == 503 and r.headers["retry-after"] == "1"
    finally:
        for slot in held:
            slot.__exit__(None, None, None)
    assert _login(api.client, "direktur", "direktur-demo").status_code == 200


def test_the_dummy_hash_of_unknown_accounts_costs_what_a_real_accounts_hash_costs() -> None:
    assert extract_parameters(auth._DUMMY_HASH) == extract_parameters(auth.hash_password("rahasia-panjang-sekali"))


def test_logout_revokes_every_token_of_the_user_at_once_and_no_one_elses(api: Api) -> None:
    first = _token(api.client, "kabid_sertifikasi", "kabid_sertifikasi-demo")
    second = _token(api.client, "kabid_sertifikasi", "kabid_sertifikasi-demo")
    other = _token(api.client, "direktur", "direktur-demo")
    assert _me(api.client, first) == _me(api.client, second) == 200

    assert api.client.post("/api/auth/logout", headers=_bearer(first)).status_code == 204
    r = api.client.get("/api/me", headers=_bearer(second))
    assert r.status_code == 401
    assert r.json()["detail"].startswith("token revoked")
    assert _me(api.client, first) == 401
    assert _me(api.client, other) == 200
    assert _me(api.client, _token(api.client, "kabid_sertifikasi", "kabid_sertifikasi-demo")) == 200


def test_a_weak_new_password_is_refused_in_indonesian_and_nothing_changes(api: Api) -> None:
    token = _token(api.client, "asesor2", "asesor2-demo")
    for new, message in [
        ("pendek", "kata sandi minimal 10 karakter"),
        ("aaaaaaaaaaaa", "kata sandi terlalu mudah ditebak"),
        ("rahasia-asesor2-x", "kata sandi tidak boleh memuat nama pengguna"),
    ]:
        r = api.client.post(
            "/api/auth/password", headers=_bearer(token), json={"old_password": "asesor2-demo", "new_password": new}
        )
        assert r.status_code == 422, r.text
        assert {"path": "new_password", "message": message} in r.json()["errors"]
    assert _me(api.client, token) == 200
    assert _login(api.client, "asesor2", "asesor2-demo").status_code == 200


def test_a_password_change_needs_the_old_password_and_ends_every_other_session(api: Api) -> None:
    token, elsewhere = _token(api.client, "asesor2", "asesor2-demo"), _token(api.client, "asesor2", "asesor2-demo")
    body = {"old_password": "bukan-yang-lama", "new_password": "Kuda-Lumping-Terbang-7"}
    r = api.client.post("/api/auth/password", headers=_bearer(token), json=body)
    assert r.status_code == 401 and r.json() == {"detail": "wrong old password"}
    assert _me(api.client, elsewhere) == 200

    r = api.client.post("/api/auth/password", headers=_bearer(token), json={**body, "old_password": "asesor2-demo"})
    assert r.status_code == 200, r.text
    fresh = r.json()["access_token"]
    assert _me(api.client, fresh) == 200
    assert _me(api.client, token) == _me(api.client, elsewhere) == 401
    assert _login(api.client, "asesor2", "asesor2-demo").status_code == 401
    assert _login(api.client, "asesor2", "Kuda-Lumping-Terbang-7").status_code == 200


def test_deactivating_a_user_revokes_their_tokens_at_once_and_reactivating_lets_them_log_in_again(api: Api) -> None:
    token = _token(api.client, "peserta5", "peserta5-demo")
    assert _me(api.client, token) == 200
    r = api.post("admin", "/api/users/peserta5/nonaktifkan")
    assert r.status_code == 200, r.text
    assert r.json()["active"] is False
    assert _me(api.client, token) == 401
    wrong = _login(api.client, "peserta5", "salah-sekali")
    assert (
        _login(api.client, "peserta5", "peserta5-demo").json()
        == wrong.json()
        == {"detail": "wrong username or password"}
    )

    assert api.post("admin", "/api/users/peserta5/aktifkan").json()["active"] is True
    assert _me(api.client, token) == 401  # a token from before the deactivation stays revoked
    assert _me(api.client, _token(api.client, "peserta5", "peserta5-demo")) == 200


def test_only_an_admin_deactivates_users_and_an_unknown_one_is_a_404(api: Api) -> None:
    r = api.post("ketua_lsp", "/api/users/peserta5/nonaktifkan")
    assert r.status_code == 403
    assert api.post("admin", "/api/users/tidak_ada/nonaktifkan").status_code == 404
    assert _login(api.client, "peserta5", "peserta5-demo").status_code == 200
