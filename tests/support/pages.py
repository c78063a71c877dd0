"""The web pages as a browser without JavaScript sees them: a client per user, holding that user's session
cookie, and the session's CSRF token that every form post carries."""

import html
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from fastapi.testclient import TestClient

from api.ui.sesi import CSRF_FIELD


@contextmanager
def signed_in(app: Any, username: str, password: str | None = None) -> Iterator[TestClient]:
    """A client of its own (cookies are per client) logged in through the login page as `username`. Not entered
    as a context: the app's lifespan already ran in the `api` fixture's client, and leaving a second one would
    stop the app's worker (which then no longer runs what an `asyncAfter` task leaves it)."""
    client = TestClient(app)
    try:
        answer = client.post(
            "/login",
            data={"username": username, "password": password or f"{username}-demo"},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        yield client
    finally:
        client.close()


def csrf(client: TestClient) -> str:
    """The session's CSRF token, as every signed-in page carries it."""
    found = re.search(r'data-csrf="([0-9a-f]+)"', client.get("/akun").text)
    assert found, "a signed-in page carries the session's CSRF token"
    return found.group(1)


def post(client: TestClient, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
    """A form post as the page sends it: with the CSRF token, not following the redirect."""
    return client.post(path, data={CSRF_FIELD: csrf(client), **(data or {})}, follow_redirects=False, **kw)


def teks(page_html: str) -> str:
    """What a page says, as a reader reads it: the tags dropped, entities decoded, whitespace collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page_html)).split())
