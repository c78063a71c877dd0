"""The web application in a real browser: Debian's Chromium driven by Playwright's Python package (never a
browser Playwright downloads), against the test's own application served by uvicorn in a thread.

- `site`: the application on a copy of the demo database, in the development environment (the login page
  offers the demo accounts), with the test's clock and worker in hand (`Site.advance_to`, `Site.drain`) and
  the REST API beside it (`Site.api`) for what a test prepares or checks;
- `pages`: browser pages, each in its own context (its own cookies: one person), at phone (390x844) or desktop
  (1280x900) size; on a test's failure each page open leaves a full-page screenshot under var/test-shots/
  (the conftest's report hook names them in the failure's report);
- `axe(page)`: axe-core (from npm) run on the page at WCAG 2.0, 2.1 and 2.2 A and AA: any violation fails,
  listed by rule, element and help.

Timeouts are generous (the machine running the suite is shared and loaded): a step waits on a condition (an
element, a URL), never on a fixed pause.
"""

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from api.clock import Clock
from api.engine.process_models import MODELS
from api.settings import PROJECT_ROOT
from api.store.db import Database
from tests.support import sop
from tests.support.api import Api
from tests.support.databases import Template, settings_for
from tests.support.live_server import serving

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = PROJECT_ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SHOTS = PROJECT_ROOT / "var" / "test-shots"
# How long any one step may wait for its condition (an element, a navigation) on a loaded machine.
WAIT_MS = 180_000
Size = Literal["phone", "desktop"]
SIZES: dict[str, dict[str, int]] = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1280, "height": 900}}


@dataclass
class Site:
    """The application under test: its URL, its objects (clock, worker, database) and its REST API."""

    base: str
    app: Any
    api: Api

    def drain(self) -> None:
        """Let the worker apply what a submitted page left for it (children started, completions applied)."""
        self.api.drain()

    def today(self) -> date:
        return sop.today(self.api)

    def now(self) -> datetime:
        now: datetime = self.app.state.clock.now()
        return now

    def advance_to(self, moment: datetime) -> None:
        """Time passes to `moment` (never back); the worker fires what fell due. Every session older than the
        token's lifetime has lapsed: a person logs in again."""
        delta = moment - self.now()
        if delta > timedelta(0):
            self.app.state.clock.advance(delta)
            self.app.state.user_cache.clear()
            self.api._tokens.clear()
            self.drain()


@dataclass
class Opened:
    page: Any
    label: str
    errors: list[str] = field(default_factory=list)  # script errors, console errors, a script or sheet missing

    def console(self, kind: str, text: str) -> None:
        # A page answered 4xx (a 422 with its errors, a 401) is the page working; the browser logs it anyway.
        if kind == "error" and not text.startswith("Failed to load resource"):
            self.errors.append(f"console: {text}")

    def response(self, status: int, url: str, resource: str) -> None:
        if status >= 400 and resource in ("script", "stylesheet", "image", "font") and "favicon" not in url:
            self.errors.append(f"{resource} {url}: {status}")


class Pages:
    """The browser pages of one test, each in a context of its own (one person's cookies)."""

    def __init__(self, browser: Any, base: str) -> None:
        self.browser = browser
        self.base = base
        self.opened: list[Opened] = []

    def open(self, size: Size = "desktop", label: str = "", *, javascript: bool = True) -> Any:
        context = self.browser.new_context(
            viewport=SIZES[size], locale="id-ID", timezone_id="Asia/Jakarta", java_script_enabled=javascript
        )
        context.set_default_timeout(WAIT_MS)
        context.set_default_navigation_timeout(WAIT_MS)
        page = context.new_page()
        opened = Opened(page, f"{label or 'halaman'}-{size}")
        page.on("pageerror", lambda e: opened.errors.append(f"pageerror: {e}"))
        page.on("console", lambda m: opened.console(m.type, m.text))
        page.on("response", lambda r: opened.response(r.status, r.url, r.request.resource_type))
        self.opened.append(opened)
        return page

    def errors(self) -> list[str]:
        return [f"{o.label}: {e}" for o in self.opened for e in o.errors]

    def shots(self, test_name: str) -> list[Path]:
        """A full-page screenshot of every page still open, named after the test."""
        SHOTS.mkdir(parents=True, exist_ok=True)
        stem = re.sub(r"[^A-Za-z0-9_.-]+", "_", test_name)[:150]
        paths = []
        for i, o in enumerate(self.opened):
            if o.page.is_closed():
                continue
            path = SHOTS / f"{stem}-{i}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', o.label)}.png"
            try:
                o.page.screenshot(path=str(path), full_page=True, timeout=60_000)
            except Exception as e:  # a crashed page: say so, keep the others
                paths.append(Path(f"{path} (not taken: {e})"))
                continue
            paths.append(path)
        return paths

    def close(self) -> None:
        for o in self.opened:
            try:
                o.page.context.close()
            except Exception:
                pass
        self.opened.clear()


# --- fixtures (imported by tests/conftest.py) ------------------------------------------------------------------


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """Debian's Chromium, launched once per test module (each test opens its own contexts). Playwright's sync
    API runs one at a time and keeps an event loop in the main thread while it runs: per module, so it is
    stopped before the modules that run their own (anyio.run in tests/test_request_limits.py)."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium (apt-get install -y chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def site(tmp_path: Path, database_template: Any) -> Iterator[Site]:
    """The application on a fresh copy of the demo database, served to the browser; the development
    environment (demo accounts on the login page), documents rendered in the renderer's own thread when a
    test asks the worker, the worker run by the test (`Site.drain`) so a step is finished when it returns."""
    template: Template = database_template("sqlite")
    data_dir = tmp_path / "data"
    url = template.new_database(data_dir)
    settings = settings_for(url, data_dir).model_copy(update={"env": "development", "render_processes": 0})
    db = Database(settings.effective_database_url)
    MODELS.clear()
    app = create_app(settings, db, Clock())
    try:
        with serving(app) as base:
            yield Site(base, app, Api(TestClient(app), app))
    finally:
        db.engine.dispose()


@pytest.fixture
def pages(chromium: Any, site: Site) -> Iterator[Pages]:
    opened = Pages(chromium, site.base)
    try:
        yield opened
    finally:
        opened.close()


# --- what a person does ---------------------------------------------------------------------------------------


def goto(page: Any, base: str, path: str) -> Any:
    response = page.goto(base + path, wait_until="load")
    return response


def log_in(page: Any, base: str, username: str, password: str | None = None) -> None:
    """Type the username and password on the login page and press Masuk; wait until the page has moved on."""
    goto(page, base, "/login")
    page.get_by_label("Nama pengguna atau NIM").fill(username)
    page.get_by_label("Kata sandi").fill(f"{username}-demo" if password is None else password)
    page.get_by_role("button", name="Masuk", exact=True).click()
    wait_away_from_login(page)


def log_in_as_demo(page: Any, base: str, full_name: str) -> None:
    """Press the demo account's button (development only): a person who logs in without typing."""
    goto(page, base, "/login")
    page.get_by_role("button", name=re.compile(rf"^{re.escape(full_name)}(\s|$)")).click()
    wait_away_from_login(page)


def wait_away_from_login(page: Any) -> None:
    page.wait_for_url(lambda url: "/login" not in url, wait_until="load")


def log_out(page: Any) -> None:
    page.get_by_role("button", name="Keluar").click()
    page.wait_for_url(re.compile(r"/login$"), wait_until="load")


def axe(page: Any) -> None:
    """axe-core on the page as it stands, at WCAG 2.0/2.1/2.2 A and AA: no violation allowed."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;undefined")  # a page's own script policy never applies
    result = page.evaluate(
        "tags => window.axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})",
        AXE_TAGS,
    )
    violations = result["violations"]
    if violations:
        lines = [f"axe-core: {len(violations)} violation(s) on {page.url}:"]
        for v in violations:
            lines.append(f"- {v['id']} ({v.get('impact')}): {v['help']} <{v.get('helpUrl', '')}>")
            for node in v["nodes"][:10]:
                lines.append(f"    {' '.join(map(str, node['target']))}: {node.get('failureSummary', '').strip()}")
        raise AssertionError("\n".join(lines))


def requires(path: str) -> None:
    """Skip, naming it, when no screen answers `path` yet (another branch brings it)."""
    from api.ui import SCREENS

    if not any(getattr(r, "path", None) == path for m in SCREENS for r in m.router.routes):
        pytest.skip(f"the screen {path} is not on this branch yet")
