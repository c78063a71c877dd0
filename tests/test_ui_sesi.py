"""The pages' session: logging in by username or NIM sets an HttpOnly cookie and lands each role on its work;
every unsafe request made with the cookie needs the session's CSRF token; logging out ends the session for the
pages and the API alike."""

import re
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.settings import Settings
from api.ui.sesi import COOKIE, set_session


@pytest.fixture
def browser(app: Any) -> Any:
    with TestClient(app, base_url="https://testserver") as client:
        yield client


def _log_in(client: TestClient, username: str, password: str | None = None, **extra: str) -> Any:
    data = {"username": username, "password": password or f"{username}-demo", **extra}
    return client.post("/login", data=data, follow_redirects=False)


def _csrf(client: TestClient) -> str:
    found = re.search(r'data-csrf="([0-9a-f]+)"', client.get("/akun").text)
    assert found, "a signed-in page carries the session's CSRF token"
    return found.group(1)


def test_the_home_page_leads_a_visitor_to_the_login_page_in_indonesian(browser: TestClient) -> None:
    answer = browser.get("/", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    page = browser.get("/login").text
    assert '<html lang="id">' in page
    assert "Nama pengguna atau NIM" in page and "Kata sandi" in page


@pytest.mark.parametrize(
    ("username", "landing"),
    [("peserta", "/status"), ("asesor", "/asesor"), ("direktur", "/dasbor"), ("kabid_administrasi", "/tasks")],
)
def test_after_login_each_role_lands_on_what_it_has_to_do(browser: TestClient, username: str, landing: str) -> None:
    answer = _log_in(browser, username)
    assert (answer.status_code, answer.headers["location"]) == (303, "/")
    assert browser.get("/", follow_redirects=False).headers["location"] == landing


def test_the_session_cookie_is_httponly_samesite_and_lasts_the_token_lifetime(browser: TestClient) -> None:
    cookie = _log_in(browser, "peserta").headers["set-cookie"]
    assert cookie.startswith(f"{COOKIE}=")
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Path=/" in cookie
    assert "Max-Age=28800" in cookie
    assert "Secure" not in cookie  # only in production, below


def test_in_production_the_session_cookie_is_secure() -> None:
    from fastapi.responses import Response

    response = Response()
    set_session(response, Settings(env="production", secret_key="x" * 48), "token")
    assert "Secure" in response.headers["set-cookie"]


def test_a_candidate_logs_in_with_their_nim(browser: TestClient) -> None:
    assert _log_in(browser, "2303001", "peserta-demo").status_code == 303
    assert browser.get("/api/me").json()["username"] == "peserta"


def test_a_wrong_password_is_said_in_indonesian_at_the_fields_and_sets_no_cookie(browser: TestClient) -> None:
    answer = _log_in(browser, "peserta", "salah")
    assert answer.status_code == 401
    assert "set-cookie" not in answer.headers
    assert "Nama pengguna atau kata sandi salah." in answer.text
    assert answer.text.count('aria-invalid="true"') == 2
    assert 'role="alert"' in answer.text
    assert 'value="peserta"' in answer.text  # the username is kept, the password is not


def test_a_login_returns_to_the_page_asked_for_but_never_to_another_site(browser: TestClient) -> None:
    assert _log_in(browser, "kabid_administrasi", next="/akun?x=1").headers["location"] == "/akun?x=1"
    browser.cookies.clear()
    assert _log_in(browser, "kabid_administrasi", next="//evil.example/x").headers["location"] == "/"
    browser.cookies.clear()
    assert _log_in(browser, "kabid_administrasi", next="https://evil.example/").headers["location"] == "/"


def test_a_page_asked_for_without_a_session_sends_to_login_and_back(browser: TestClient) -> None:
    answer = browser.get("/akun?x=1", follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login?next=/akun%3Fx%3D1")


def test_a_post_with_the_cookie_but_without_the_csrf_token_is_refused(browser: TestClient) -> None:
    _log_in(browser, "kabid_administrasi")
    assert browser.post("/logout", follow_redirects=False).status_code == 403
    assert browser.post("/logout", data={"csrf": "0" * 40}, follow_redirects=False).status_code == 403
    assert browser.post("/api/auth/logout").status_code == 403
    # refused means nothing changed: the session still works
    assert browser.get("/api/me").json()["username"] == "kabid_administrasi"


def test_the_api_takes_the_session_cookie_with_its_csrf_header(browser: TestClient) -> None:
    _log_in(browser, "kabid_administrasi")
    token = _csrf(browser)
    assert browser.get("/api/me").status_code == 200
    assert browser.post("/api/auth/logout", headers={"X-CSRF-Token": token}).status_code == 204
    assert browser.get("/api/me").status_code == 401


def test_logging_out_ends_the_session_for_the_pages_and_the_api(browser: TestClient) -> None:
    _log_in(browser, "kabid_administrasi")
    old_cookie = browser.cookies[COOKIE]
    answer = browser.post("/logout", data={"csrf": _csrf(browser)}, follow_redirects=False)
    assert (answer.status_code, answer.headers["location"]) == (303, "/login")
    browser.cookies.set(COOKIE, old_cookie)  # a copy kept by someone else is dead too
    assert browser.get("/akun", follow_redirects=False).headers["location"].startswith("/login")
    assert browser.get("/api/me").status_code == 401


def test_demo_accounts_are_offered_in_development_only(browser: TestClient, app: Any) -> None:
    assert "Akun demo" not in browser.get("/login").text  # the tests run as env=test
    app.state.settings = app.state.settings.model_copy(update={"env": "development"})
    page = browser.get("/login").text
    assert "Akun demo" in page
    assert 'value="kabid_administrasi"' in page and "Kabid Administrasi" in page


def test_a_weak_new_password_is_refused_at_its_field_and_the_old_one_still_works(browser: TestClient) -> None:
    _log_in(browser, "peserta")
    data = {"csrf": _csrf(browser), "lama": "peserta-demo", "baru": "pendek"}
    answer = browser.post("/akun/kata-sandi", data=data, follow_redirects=False)
    assert answer.status_code == 422
    assert "Kata sandi minimal 10 karakter." in answer.text
    assert (
        'id="f-baru" name="baru" type="password" autocomplete="new-password" required aria-invalid="true"'
        in answer.text
    )
    browser.cookies.clear()
    assert _log_in(browser, "peserta").status_code == 303


def test_changing_the_password_keeps_this_browser_signed_in_and_ends_other_sessions(app: Any) -> None:
    with TestClient(app) as here, TestClient(app) as elsewhere:
        _log_in(here, "peserta")
        _log_in(elsewhere, "peserta")
        data = {"csrf": _csrf(here), "lama": "peserta-demo", "baru": "Merdeka-belajar-2026"}
        answer = here.post("/akun/kata-sandi", data=data, follow_redirects=False)
        assert (answer.status_code, answer.headers["location"]) == (303, "/akun?diubah=1")
        assert "Kata sandi Anda telah diubah." in here.get("/akun?diubah=1").text
        assert elsewhere.get("/akun", follow_redirects=False).status_code == 303


def test_pages_and_their_scripts_travel_compressed_and_the_api_as_it_was(browser: TestClient) -> None:
    gzip = {"Accept-Encoding": "gzip"}
    script = browser.get("/vendor/htmx/htmx.min.js", headers=gzip)
    assert script.headers["content-encoding"] == "gzip"
    assert int(script.headers["content-length"]) < 16_000  # 37 KB as it is installed
    assert browser.get("/ui/static/ui.css", headers=gzip).headers["content-encoding"] == "gzip"
    _log_in(browser, "desainer")
    listing = browser.get("/api/process-properties", headers=gzip)
    assert len(listing.content) > 1024 and "content-encoding" not in listing.headers
