"""A whole period worked through the pages alone, in Debian's Chromium, by every role: from the Direktur's
target to the Direktur's receipt of the Laporan (issue 11, part 7).

Each demo user has their own browser (the candidates a phone, 390x844; the staff and asesor a desktop) and logs
in by pressing their demo account. Each takes their work from their own screens: the candidates from Status
saya, the Kabid Administrasi the evidence checks from Antrian pemeriksaan berkas (the split view), the asesor
the attendance of a whole session in one submit from Asesmen saya, everyone else from Tugas saya; every form is
filled on the page from what the form serves (tests/support/browser_forms.py), evidence files picked in the
file input and uploaded by the page. axe-core runs once on every distinct screen at the size it is used.

The period is the one tests/test_generic_client.py walks with a returned registration: three candidates;
Bunga's registration is returned by the Kabid (her evidence found wanting), she revises it and uploads her
evidence again, and it is accepted; Cahyo is absent on the day. Time passes to the assessment day before the
attendance, as there. What the test reads through the REST API is only to know whose turn it is and to check
the end; every action is a page's.
"""

import os
import re
import time
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from datetime import time as clock_time
from typing import Any

from sqlalchemy import select

from api.seed import DEMO_USERS
from api.store.master import Berkas
from api.store.models import Dokumen
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.browser import SHOTS, Pages, Site, axe, goto, log_in_as_demo, requires, wait_away_from_login
from tests.support.browser_forms import work_task
from tests.support.generic_client import Field, Policy
from tests.test_generic_client import Returned, from_bnsp, rows

NAMA = {u: nama for u, nama, _ in DEMO_USERS}
STAFF = ["direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi", "asesor", "asesor2", "asesor3", "asesor4"]
PESERTA = ["peserta", "peserta2", "peserta3"]  # Andi, Bunga, Cahyo: the three the target registers
USERS = STAFF + PESERTA
SOP = "uji_kompetensi"


def screen_key(page: Any) -> str:
    """A screen, not an address: /tasks/123 and /tasks/456 are the same screen when they hold the same step."""
    path = re.sub(r"^https?://[^/]+", "", page.url).split("?")[0].split("#")[0]
    path = re.sub(r"/\d+(?=/|$)", "/{id}", path)
    path = re.sub(r"/[0-9a-f]{8}-[0-9a-f-]{27,}(?=/|$)", "/{id}", path)
    return re.sub(r"/sesi/\{id\}/[^/]+", "/sesi/{id}/{tuk}", path)


@dataclass
class Walk:
    site: Site
    pages: Pages
    policy: Policy
    people: dict[str, Any] = field(default_factory=dict)
    checked: list[str] = field(default_factory=list)  # the screens axe has passed, in order
    done: list[tuple[str, str, str | None]] = field(default_factory=list)  # (user, task, subject)
    times: dict[str, float] = field(default_factory=dict)  # seconds in the browser per user
    revised: set[str] = field(default_factory=set)  # registrations sent again after a return
    violations: list[str] = field(default_factory=list)  # axe-core's findings, per screen
    state: str = ""  # what makes the screen another one (a returned registration shows the Kabid's notes)

    # --- a person at their device --------------------------------------------------------------------------

    def page_of(self, user: str) -> Any:
        if user not in self.people:
            page = self.pages.open("phone" if user in PESERTA else "desktop", user)
            goto(page, self.site.base, "/login")
            self.log_in(user, page)
            self.people[user] = page
        return self.people[user]

    def log_in(self, user: str, page: Any) -> None:
        page.get_by_role("button", name=re.compile(rf"^{re.escape(NAMA[user])}(\s|$)")).click()
        wait_away_from_login(page)

    def visit(self, user: str, path: str) -> Any:
        page = self.page_of(user)
        goto(page, self.site.base, path)
        self.still_in(user, page)
        return page

    def still_in(self, user: str, page: Any) -> None:
        """After time passes a session has lapsed: the page asks for a login, which leads back."""
        if "/login" in page.url:
            self.log_in(user, page)

    def check(self, page: Any, user: str, state: str = "") -> None:
        key = f"{screen_key(page)} {'390' if user in PESERTA else '1280'}{state}{self.state}"
        if page.locator("h1").count():
            key += f" «{page.locator('h1').first.inner_text().strip()}»"
        if key not in self.checked:
            self.checked.append(key)
            try:
                axe(page)
                wide = page.evaluate("() => document.documentElement.scrollWidth")
                assert wide <= page.viewport_size["width"], (
                    f"{wide} px wide on a {page.viewport_size['width']} px screen"
                )
            except AssertionError as e:  # noted with its image; the period goes on so one run finds them all
                shot = SHOTS / "axe" / f"{len(self.violations) + 1:02d}-{re.sub(r'[^A-Za-z0-9]+', '-', key)[:90]}.png"
                page.screenshot(path=str(shot), full_page=True)
                self.violations.append(f"{key}: {e}\n    screenshot: {shot}")
            if os.environ.get("UJIKOM_TEST_SHOTS"):  # every screen as an image, to look at (var/test-shots/)
                name = re.sub(r"[^A-Za-z0-9]+", "-", key).strip("-")[:100]
                page.screenshot(path=str(SHOTS / "periode" / f"{len(self.checked):02d}-{name}.png"), full_page=True)

    def step(self, page: Any, user: str) -> None:
        """A step of a form in steps (the registration wizard) is a screen of its own."""
        heading = page.get_by_role("heading", name=re.compile(r"^Langkah \d+ dari \d+"))
        if heading.count() and heading.first.is_visible():
            self.check(page, user, f" {heading.first.inner_text().strip()}")

    def click_to(self, user: str, page: Any, link: Any) -> Any:
        link.click()
        page.wait_for_load_state("load")
        self.still_in(user, page)
        return page

    # --- whose turn ----------------------------------------------------------------------------------------

    def next_task(self, user: str, skip_last: bool) -> dict[str, Any] | None:
        """The task a person takes next from their inbox (the REST API only tells the test whose turn it is)."""
        for t in self.site.api.inbox(user):
            if not (skip_last and t["name"] in self.policy.last):
                return dict(t)
        return None

    def run(self, finished: Any, max_tasks: int = 400) -> None:
        while not finished():
            worked = False
            for user in USERS:
                while (task := self.next_task(user, skip_last=True)) is not None:
                    self.work(user, task)
                    worked = True
                    assert len(self.done) <= max_tasks, "too many tasks: the period does not end"
            if not worked:
                for user in USERS:
                    if (task := self.next_task(user, skip_last=False)) is not None:
                        self.work(user, task)
                        worked = True
                        break
            if not worked:
                left = {u: [t["name"] for t in self.site.api.inbox(u)] for u in USERS}
                raise AssertionError(f"nothing left to do and the period is not finished: {left}")

    # --- doing it on the pages -----------------------------------------------------------------------------

    def work(self, user: str, task: dict[str, Any]) -> None:
        started = time.monotonic()
        self.policy.before(user, task)
        if task["name"] == b.KEHADIRAN:
            self.attendance(user, task)
        elif task["name"] == b.MEMERIKSA:
            self.check_registration(user, task)
        elif user in PESERTA:
            self.candidate(user, task)
        else:
            page = self.visit(user, "/tasks")
            self.check(page, user)
            self.click_to(user, page, page.locator(f"a.nama-tugas[href='/tasks/{task['id']}']"))
            self.on_task_page(user, page, task)
        self.times[user] = self.times.get(user, 0.0) + time.monotonic() - started

    def on_task_page(self, user: str, page: Any, task: dict[str, Any], button: str = "Kirim") -> None:
        assert page.get_by_role("heading", level=1).first.inner_text().strip() == task["name"] or button != "Kirim"
        self.check(page, user)
        work_task(self.site, page, user, self.policy, self.refile, button, task, lambda p: self.step(p, user))
        self.done.append((user, task["name"], task.get("subject")))

    def refile(self, task: dict[str, Any], path: str) -> bool:
        """A candidate revising a returned registration uploads their evidence again."""
        return task["name"] == b.APL and bool(task.get("returned"))

    def candidate(self, user: str, task: dict[str, Any]) -> None:
        """The candidate's work starts on Status saya: the card of what to do now (or the list below it)."""
        page = self.visit(user, "/status")
        self.check(page, user)
        link = page.locator(f"main a[href='/tasks/{task['id']}']").first
        if task["name"] == b.APL and any(d == (user, b.APL, user) for d in self.done):
            # Returned: the card says so and leads to the revision.
            assert "Perbaiki pendaftaran" in link.inner_text(), link.inner_text()
            task = {**task, "returned": True}
            self.revised.add(user)
            self.state = " (dikembalikan)"
        self.click_to(user, page, link)
        self.on_task_page(user, page, task)
        self.state = ""

    def check_registration(self, user: str, task: dict[str, Any]) -> None:
        """The Kabid Administrasi opens the next registration from the queue and checks it in the split view."""
        page = self.visit(user, "/berkas/antrian")
        self.check(page, user)
        self.click_to(user, page, page.get_by_role("button", name="Buka berikutnya"))
        assert "/berkas/periksa/" in page.url, page.url
        opened = re.search(r"/berkas/periksa/([^/?#]+)", page.url)
        assert opened
        row = next(t for t in self.site.api.inbox(user) if str(t["id"]) == opened.group(1))
        self.on_task_page(user, page, row, button="Simpan & kembali ke antrian")

    def attendance(self, user: str, task: dict[str, Any]) -> None:
        """The asesor records who came, for the whole session in one submit, from Asesmen saya."""
        page = self.visit(user, "/asesor")
        self.check(page, user)
        self.click_to(user, page, page.get_by_role("link", name=re.compile(r"^Catat kehadiran")).first)
        self.check(page, user)
        rows = {str(t["id"]): t for t in self.site.api.inbox(user) if t["name"] == b.KEHADIRAN}
        recorded = 0
        for task_id, row in rows.items():
            radios = page.locator(f"input[type=radio][name='hadir-{task_id}']")
            if radios.count() == 0:
                continue  # another session's
            f = Field(row, "kehadiran.hadir", "Hadir", [(True, "Ya"), (False, "Tidak")], {}, None)
            hadir = self.policy.choose(f)
            hadir = True if hadir is None else hadir
            radios.and_(page.locator(f"[value='{'ya' if hadir else 'tidak'}']")).check()
            day = page.locator(f"input[name='tanggal-{task_id}']")
            if day.count() and not day.input_value():
                day.fill(self.site.today().isoformat())
            recorded += 1
            self.done.append((user, b.KEHADIRAN, row.get("subject")))
        assert recorded, "the session's roster lists none of the asesor's attendance tasks"
        page.get_by_role("button", name=re.compile(r"^Simpan kehadiran")).click()
        page.wait_for_load_state("load")
        assert page.locator(".ringkasan-galat").count() == 0, page.locator(".ringkasan-galat").inner_text()
        assert f"Kehadiran {recorded} peserta tercatat." in page.locator("[role=status]").first.inner_text()
        self.site.drain()


def assessment_day_comes(site: Site, instance_id: int, user: str, task: dict[str, Any]) -> None:
    """As tests/test_generic_client.py: before the attendance is recorded, time passes to 08:00 WIB of the SK
    Jadwal's first assessment day (every session lapses: people log in again)."""
    if task["name"] != b.KEHADIRAN:
        return
    with site.app.state.db.reading() as session:
        jadwal = session.scalars(
            select(Dokumen)
            .where(Dokumen.root_id == instance_id, Dokumen.kind == "sk_jadwal")
            .order_by(Dokumen.id.desc())
        ).first()
    assert jadwal is not None
    day = datetime.combine(date.fromisoformat(jadwal.data["jadwal"]["asesmen_mulai"]), clock_time(8), sop.WIB)
    site.advance_to(day)


def test_a_whole_period_is_worked_through_the_pages_alone_by_every_role_the_candidates_on_phones(
    site: Site, pages: Pages
) -> None:
    for screen in ("/tasks/{task_id}", "/status", "/berkas/antrian", "/berkas/periksa/{task_id}", "/asesor"):
        requires(screen)
    started = time.monotonic()
    # The Direktur starts the period on "Mulai periode" and lands on its first task, the targets.
    direktur = pages.open("desktop", "direktur-mulai")
    log_in_as_demo(direktur, site.base, NAMA["direktur"])
    direktur.get_by_role("link", name="Mulai periode").click()
    direktur.wait_for_url(re.compile(r"/periode/baru$"), wait_until="load")
    axe(direktur)
    direktur.get_by_label("Nama periode").fill(sop.PERIODE)
    direktur.get_by_role("button", name="Mulai periode").click()
    direktur.wait_for_url(re.compile(r"/tasks/[0-9a-f-]+$"), wait_until="load")
    assert direktur.get_by_role("heading", name="Menetapkan target uji kompetensi").count() == 1
    found = site.api.get("admin", "/api/instances", params={"key": "uji_kompetensi", "business_key": sop.PERIODE})
    [period_row] = found.json()["items"]
    instance_id = period_row["id"]
    returned = Returned()
    policy = Policy(
        choose=returned.decide,
        rows=rows,
        last=frozenset({"Menutup pendaftaran"}),
        copied=from_bnsp,
        before=lambda user, task: assessment_day_comes(site, instance_id, user, task),
    )
    walk = Walk(site, pages, replace(policy))

    def finished() -> bool:
        return bool(site.api.get("direktur", f"/api/instances/{instance_id}").json()["status"] == "completed")

    walk.run(finished)

    period = site.api.get("direktur", f"/api/instances/{instance_id}").json()
    assert period["status"] == "completed"
    assert walk.done[0][:2] == ("direktur", "Menetapkan target uji kompetensi")
    assert walk.done[-1][:2] == ("direktur", "Menerima laporan uji kompetensi")
    # Bunga's registration was returned, revised on her phone with her evidence uploaded again, and accepted.
    assert walk.revised == {"peserta2"}
    assert walk.done.count(("peserta2", b.APL, "peserta2")) == 2
    assert walk.done.count(("kabid_administrasi", b.MEMERIKSA, "peserta2")) == 2
    # Each candidate's evidence and pas foto were picked in the page's file inputs and uploaded by the page;
    # Bunga's twice.
    with site.app.state.db.reading() as session:
        uploads = Counter((u, j) for u, j in session.execute(select(Berkas.uploaded_by, Berkas.jenis)))
    assert {u: uploads[(u, None)] for u in PESERTA} == {"peserta": 1, "peserta2": 2, "peserta3": 1}
    assert {u: uploads[(u, "pas_foto")] for u in PESERTA} == {"peserta": 1, "peserta2": 2, "peserta3": 1}
    assert {u for u, _, _ in walk.done} >= {"direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi"}
    assert {"peserta", "peserta2", "peserta3"} <= {u for u, _, _ in walk.done}
    docs = site.api.get("direktur", f"/api/instances/{instance_id}/dokumen", params={"include_children": "true"}).json()
    assert sorted(d["candidate"] for d in docs if d["kind"] == "sertifikat") == ["peserta", "peserta2"]

    # After the period: the Ketua LSP's dashboard of it, the documents, and a candidate's status with the results.
    page = walk.visit("ketua_lsp", "/dasbor")
    walk.check(page, "ketua_lsp")
    walk.click_to("ketua_lsp", page, page.locator(f"main a[href='/dasbor/{instance_id}']").first)
    walk.check(page, "ketua_lsp")
    for user in ("kabid_administrasi", "peserta"):
        walk.check(walk.visit(user, "/dokumen"), user)
    # The certificates, each with "Cetak di blangko" (its print layer for BNSP's pre-printed blangko) for staff.
    site.app.state.worker.render_documents()
    page = walk.visit("kabid_administrasi", "/dokumen?jenis=sertifikat")
    assert page.get_by_role("link", name=re.compile(r"^Cetak di blangko sertifikat ")).count() == 2
    walk.check(page, "kabid_administrasi", " (sertifikat)")
    page = walk.visit("peserta", "/status")
    walk.check(page, "peserta", " (periode selesai)")
    assert "Kompeten" in page.locator("main").inner_text()

    print(f"\nperiod in {time.monotonic() - started:.0f} s; {len(walk.done)} tasks; screens checked by axe:")
    for key in walk.checked:
        print(f"  {key}")
    print("seconds in the browser per person:", {u: round(s) for u, s in walk.times.items()})
    assert not walk.violations, "\n".join(walk.violations)
    assert pages.errors() == []
