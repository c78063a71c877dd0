"""The web application in Debian's Chromium (tests/support/browser.py): logging in by pressing a demo account
and by typing, a wrong password refused with the error focused and announced, logging out, a post without the
session's CSRF token refused, the keyboard alone; axe-core on every screen at phone and desktop width."""

import re
from typing import Any

import pytest

from api.auth import SESSION_COOKIE
from api.ui import SCREENS
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.browser import Pages, Site, axe, goto, log_in, log_in_as_demo, log_out, requires


def path_of(page: Any) -> str:
    return re.sub(r"^https?://[^/]+", "", page.url)


def focused(page: Any) -> dict[str, Any]:
    """The element holding the keyboard focus: its id, tag, role, and whether its focus is drawn."""
    info: dict[str, Any] = page.evaluate(
        """() => { const e = document.activeElement; const s = getComputedStyle(e);
        return {id: e.id, tag: e.tagName.toLowerCase(), role: e.getAttribute('role'), text: e.innerText || '',
                outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0,
                shadow: s.boxShadow !== 'none'}; }"""
    )
    return info


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_login_page_passes_axe_at_phone_and_desktop_width_with_and_without_an_error(
    site: Site, pages: Pages, size: Any
) -> None:
    page = pages.open(size, "masuk")
    goto(page, site.base, "/")
    assert path_of(page) == "/login"
    assert page.locator("html").get_attribute("lang") == "id"
    assert page.get_by_role("heading", name="Masuk", exact=True).is_visible()
    assert page.get_by_role("heading", name="Akun demo").is_visible()  # development only
    axe(page)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"]

    page.get_by_role("button", name="Masuk", exact=True).click()  # nothing typed
    page.wait_for_selector(".ringkasan-galat")
    assert "Isi nama pengguna dan kata sandi." in page.locator(".ringkasan-galat").inner_text()
    axe(page)
    assert pages.errors() == []


def test_a_person_logs_in_by_pressing_a_demo_account_and_lands_on_their_work(site: Site, pages: Pages) -> None:
    page = pages.open("desktop", "kabid_administrasi")
    log_in_as_demo(page, site.base, "Sri Wahyuni, S.E.")
    assert path_of(page) == "/tasks"
    # The session holds: the login page sends a signed-in person on to their work.
    goto(page, site.base, "/login")
    assert path_of(page) == "/tasks"
    cookie = next(c for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"


def test_a_candidate_logs_in_by_typing_on_a_phone_and_lands_on_their_status(site: Site, pages: Pages) -> None:
    page = pages.open("phone", "peserta")
    log_in(page, site.base, "peserta")
    assert path_of(page) == "/status"


def test_a_wrong_password_is_refused_with_the_error_focused_and_announced(site: Site, pages: Pages) -> None:
    page = pages.open("phone", "salah")
    goto(page, site.base, "/login")
    page.get_by_label("Nama pengguna atau NIM").fill("peserta")
    page.get_by_label("Kata sandi").fill("bukan-kata-sandinya")
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as answer:
        page.get_by_role("button", name="Masuk", exact=True).click()
    assert answer.value.status == 401
    page.wait_for_load_state("load")
    summary = page.get_by_role("alert")
    assert "Nama pengguna atau kata sandi salah." in summary.inner_text()
    page.wait_for_function("() => document.activeElement.classList.contains('ringkasan-galat')")
    assert focused(page)["role"] == "alert"
    # Each field says it is in error and points at the message; the username typed is kept, the password not.
    for label in ("Nama pengguna atau NIM", "Kata sandi"):
        field = page.get_by_label(label)
        assert field.get_attribute("aria-invalid") == "true"
        assert field.get_attribute("aria-describedby") == summary.get_attribute("id")
    assert page.get_by_label("Nama pengguna atau NIM").input_value() == "peserta"
    assert page.get_by_label("Kata sandi").input_value() == ""
    assert path_of(page) == "/login"
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    axe(page)


def test_logging_out_ends_the_session_and_the_pages_ask_for_a_login_again(site: Site, pages: Pages) -> None:
    requires("/tasks")
    page = pages.open("desktop", "kabid_sertifikasi")
    log_in_as_demo(page, site.base, "Agus Salim, S.T., M.Kom.")
    assert path_of(page) == "/tasks"
    assert "Agus Salim" in page.locator("header").inner_text()
    log_out(page)
    assert not [c for c in page.context.cookies() if c["name"] == SESSION_COOKIE]
    goto(page, site.base, "/tasks")
    assert path_of(page) == "/login?next=/tasks"
    log_in(page, site.base, "kabid_sertifikasi")
    assert path_of(page) == "/tasks"


def test_a_post_without_the_sessions_csrf_token_is_refused_and_the_session_kept(site: Site, pages: Pages) -> None:
    page = pages.open("desktop", "ketua_lsp")
    log_in(page, site.base, "ketua_lsp")
    landed = path_of(page)
    # Another site's form posting into the session (the cookie goes along; the token cannot).
    refused = page.request.post(f"{site.base}/logout", form={"csrf": "dari-situs-lain"}, max_redirects=0)
    assert refused.status == 403
    refused = page.request.post(f"{site.base}/logout", form={}, max_redirects=0)
    assert refused.status == 403
    goto(page, site.base, "/login")
    assert path_of(page) == landed  # still signed in
    # The page's own token (the body carries it for htmx) is what a form of the site sends.
    token = page.evaluate("() => document.body.dataset.csrf")
    if token:  # a screen is served at the landing path (else the 404 page carries no token)
        allowed = page.request.post(f"{site.base}/logout", form={"csrf": token}, max_redirects=0)
        assert allowed.status == 303 and allowed.headers["location"] == "/login"


def test_a_person_logs_in_with_the_keyboard_alone_the_focus_always_visible(site: Site, pages: Pages) -> None:
    page = pages.open("phone", "keyboard")
    goto(page, site.base, "/login")
    page.keyboard.press("Tab")
    first = focused(page)
    assert first["text"] == "Langsung ke isi"  # a skip link first
    assert first["outline"] or first["shadow"]
    for _ in range(10):
        if focused(page)["id"] == "username":
            break
        page.keyboard.press("Tab")
    assert focused(page)["id"] == "username"
    assert focused(page)["outline"] or focused(page)["shadow"]
    page.keyboard.type("kabid_administrasi")
    page.keyboard.press("Tab")
    assert focused(page)["id"] == "password"
    page.keyboard.type("kabid_administrasi-demo")
    page.keyboard.press("Tab")
    button = focused(page)
    assert (button["tag"], button["text"].strip()) == ("button", "Masuk")
    assert button["outline"] or button["shadow"]
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url, wait_until="load")
    assert path_of(page) == "/tasks"


# Every screen built so far, as the person it is for sees it with work on it: (user, path, sizes).
TOUR = [
    ("peserta", "/status", ["phone"]),
    ("peserta2", "/status", ["phone"]),
    ("kabid_administrasi", "/tasks", ["phone", "desktop"]),
    ("kabid_administrasi", "/berkas/antrian", ["phone", "desktop"]),
    ("kabid_administrasi", "/dokumen", ["phone", "desktop"]),
    ("asesor", "/asesor", ["phone", "desktop"]),
    ("ketua_lsp", "/dasbor", ["desktop"]),
    ("peserta", "/akun", ["phone"]),
    ("kabid_sertifikasi", "/pengganti", ["phone", "desktop"]),
    ("kabid_administrasi", "/pengurus-pleno", ["phone", "desktop"]),
    ("direktur", "/pengurus-pleno", ["phone"]),  # the list alone, without the form
    ("desainer", "/modeler", ["desktop"]),
]


def test_every_screen_passes_axe_at_the_sizes_its_people_use_it(site: Site, pages: Pages) -> None:
    """Registration open for Andi and Bunga, Andi's registration sent: each screen with something on it."""
    b.registration_open(site.api, [b.Calon("peserta"), b.Calon("peserta2")])
    sop.submit_apl(site.api, "peserta", sop.JWD)
    site.drain()
    found: list[str] = []
    seen: list[str] = []
    for user, path, sizes in TOUR:
        if not any(getattr(r, "path", None) == path for m in SCREENS for r in m.router.routes):
            continue  # not built yet
        for size in sizes:
            page = pages.open(size, user)  # type: ignore[arg-type]
            log_in(page, site.base, user)
            response = goto(page, site.base, path)
            assert response.status == 200, (user, path, response.status)
            assert page.evaluate("() => document.documentElement.scrollWidth") <= page.viewport_size["width"], (
                f"{path} at {size}: wider than the screen"
            )
            seen.append(f"{path} {size}")
            try:
                axe(page)
            except AssertionError as e:
                found.append(f"{user} {size}: {e}")
                continue  # left open: its screenshot shows it
            page.context.close()
    assert seen, "no screen built yet"
    assert not found, "\n".join(found)
    assert pages.errors() == []


def tab_to(page: Any, selector: str, most: int = 60) -> None:
    """Press Tab until the element matching `selector` holds the focus (a person moving through the page)."""
    for _ in range(most):
        if page.evaluate("s => document.activeElement && document.activeElement.matches(s)", selector):
            return
        page.keyboard.press("Tab")
    raise AssertionError(f"{most} presses of Tab never reached {selector}")


def test_a_refused_task_form_shows_the_errors_focused_at_their_fields_and_is_fixed_with_the_keyboard_alone(
    site: Site, pages: Pages
) -> None:
    requires("/tasks/{task_id}")
    period = sop.start_period(site.api)
    [task] = period["active_tasks"]
    page = pages.open("desktop", "direktur")
    log_in_as_demo(page, site.base, "Dr. Mustofa, S.T., M.T.")
    goto(page, site.base, "/tasks")
    page.locator(f"a.nama-tugas[href='/tasks/{task['id']}']").click()
    page.wait_for_load_state("load")
    assert page.get_by_role("heading", level=1).inner_text() == "Menetapkan target uji kompetensi"
    axe(page)

    # The Direktur empties the period and sends the form without a target row, with the keyboard only.
    tab_to(page, "#f-periode")
    page.keyboard.press("Control+A")
    page.keyboard.press("Backspace")
    with page.expect_response(lambda r: r.url.endswith("/complete")) as answer:
        page.keyboard.press("Enter")  # a text field's Enter sends the form with its first button, Kirim
    assert answer.value.status == 422
    page.wait_for_load_state("load")
    page.wait_for_function("() => document.activeElement.classList.contains('ringkasan-galat')")
    summary = page.locator(".ringkasan-galat")
    assert summary.get_attribute("role") == "alert"
    links = {a.get_attribute("href"): a.inner_text() for a in summary.locator("a").all()}
    assert "#f-periode" in links, links
    periode = page.locator("#f-periode")
    assert periode.get_attribute("aria-invalid") == "true"
    assert "f-periode-galat" in (periode.get_attribute("aria-describedby") or "").split()
    assert page.locator("#f-periode-galat").inner_text().strip() in links["#f-periode"]
    axe(page)

    # Tab reaches the summary's first link; Enter takes the person to the field.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.closest('.ringkasan-galat') !== null")
    tab_to(page, ".ringkasan-galat a[href='#f-periode']")
    assert focused(page)["outline"] or focused(page)["shadow"]
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.activeElement.id === 'f-periode'")
    page.keyboard.type(sop.PERIODE)
    # The target row the form needs (drawn with its errors, else added with its button): the skema picked with
    # the arrow key, the prodi and the number typed.
    if page.locator("#f-target-0-skema_nomor").count():
        tab_to(page, "#f-target-0-skema_nomor")
    else:
        tab_to(page, "[data-daftar='target'] > [data-tambah]")
        assert focused(page)["outline"] or focused(page)["shadow"]
        page.keyboard.press("Enter")
        page.wait_for_function("() => document.activeElement.id === 'f-target-0-skema_nomor'")
    page.keyboard.press("ArrowDown")
    assert page.locator("#f-target-0-skema_nomor").input_value() != ""
    tab_to(page, "#f-target-0-prodi")
    page.keyboard.type("Sistem Informasi Industri Otomotif")
    tab_to(page, "#f-target-0-jumlah")
    page.keyboard.type("2")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/tasks\?pesan=terkirim$"), wait_until="load")
    assert "Tugas terkirim" in page.get_by_role("status").first.inner_text()
    sent = site.api.get("direktur", f"/api/instances/{period['id']}/history").json()
    completed = [e for e in sent if e.get("type") == "task_completed"]
    assert completed, sent
    assert pages.errors() == []
