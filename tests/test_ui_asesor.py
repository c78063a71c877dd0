"""The Asesor pages: Asesmen saya (`/asesor`), the session roster with attendance for all in one submit, and
the context beside FR.AK.02 and the pre-assessment on the task page.

Each test walks a partial period through the REST API (tests/support/sop_branches.py) and then reads the pages
as the asesor would, signed in by cookie. Expected values are written by hand from the demo data: asesor
assesses Andi Pratama (2303001) and Bunga Maharani (2303002), Junior Web Developer at TUK-01
(Laboratorium Komputer Terpadu); asesor2 assesses Cahyo Nugroho (2301001), Operator Perakitan at TUK-02.
"""

from datetime import timedelta
from typing import Any

from lxml import html as lxml_html
from lxml.html import HtmlElement

from tests.conftest import Api
from tests.support import sop
from tests.support import sop_branches as sb
from tests.support.sop_branches import Calon

ANDI = Calon("peserta")  # Andi Pratama, 2303001
BUNGA = Calon("peserta2")  # Bunga Maharani, 2303002
CAHYO = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02")  # Cahyo Nugroho, 2301001
CALON = [ANDI, BUNGA, CAHYO]


# --------------------------------------------------------------------------------------------------
# Signing in and reading pages


def sign_in(api: Api, username: str) -> None:
    api.client.cookies.clear()
    r = api.client.post("/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False)
    assert r.status_code == 303, r.text


def soup(text: str) -> HtmlElement:
    return lxml_html.fromstring(text)


def get_page(api: Api, path: str, expect: int = 200) -> HtmlElement:
    r = api.client.get(path, follow_redirects=False)
    assert r.status_code == expect, r.text
    return soup(r.text)


def cls(name: str) -> str:
    """An XPath test for an element having class `name`."""
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


def find(node: HtmlElement, xpath: str) -> list[HtmlElement]:
    return list(node.xpath(xpath))


def one(node: HtmlElement, xpath: str) -> HtmlElement:
    found = find(node, xpath)
    assert len(found) == 1, (xpath, len(found))
    return found[0]


def words(node: HtmlElement) -> str:
    return " ".join(node.text_content().split())


def csrf(page: HtmlElement) -> str:
    return str(one(page, "//body").get("data-csrf"))


def roster_rows(page: HtmlElement) -> list[dict[str, str]]:
    """The roster's rows as column -> the words the cell shows."""
    table = one(page, f"//table[{cls('tabel-sesi')}]")
    return [{cell.get("data-label"): words(cell) for cell in find(tr, "./td|./th")} for tr in find(table, "./tbody/tr")]


def session_path(root: int, tuk: str = "TUK-01") -> str:
    return f"/asesor/sesi/{root}/{tuk}"


def attendance_form(page: HtmlElement) -> dict[str, list[str]]:
    """The attendance form as the browser would send it untouched: each field's current value."""
    form = one(page, "//form[contains(@action, '/kehadiran')]")
    sent: dict[str, list[str]] = {}
    for el in find(form, ".//input"):
        name, kind = el.get("name"), el.get("type", "text")
        if not name or (kind == "radio" and el.get("checked") is None):
            continue
        sent.setdefault(name, []).append(el.get("value", ""))
    return sent


def task_id_of(api: Api, username: str, name: str, candidate: str) -> str:
    task_id: str = sb.task_about(api, username, name, candidate)["id"]
    return task_id


def task_state(api: Api, task_id: str) -> str:
    r = api.get("admin", f"/api/tasks/{task_id}")
    if r.status_code == 200:
        state: str = r.json()["state"]
        return state
    with api.app.state.db.reading() as session:
        from api.store.models import HumanTask

        found = session.get(HumanTask, task_id)
        assert found is not None
        return str(found.state)


# --------------------------------------------------------------------------------------------------
# Asesmen saya


def test_asesmen_saya_lists_my_session_my_candidates_and_my_open_attendance_tasks(api: Api) -> None:
    root = sb.ready(api, CALON)
    sign_in(api, "asesor")
    page = get_page(api, "/asesor")
    text = words(one(page, "//main"))
    assert words(one(page, "//h1")) == "Asesmen saya"
    [sesi] = find(page, f"//li[{cls('sesi')}]")
    assert words(one(sesi, "./h3")) == "TUK-01 · Laboratorium Komputer Terpadu"
    assert one(sesi, "./h3/a").get("href") == session_path(root)
    assert "2 peserta · 0 hadir · 2 kehadiran belum dicatat" in words(sesi)
    groups = [words(h) for h in find(page, "//section[@aria-labelledby='judul-tugas']/h3")]
    assert groups == ["Kehadiran 2"]
    tugas = [words(li) for li in find(page, f"//ul[{cls('daftar-tugas')}]/li")]
    assert tugas == [
        "Mencatat kehadiran peserta Andi Pratama (2303001) 7 hari lagi",
        "Mencatat kehadiran peserta Bunga Maharani (2303002) 7 hari lagi",
    ]
    rows = [
        [words(td) for td in find(tr, "./td")]
        for tr in find(page, "//section[@aria-labelledby='judul-peserta']//tbody/tr")
    ]
    assert [r[:4] for r in rows] == [
        ["2303001", "Andi Pratama", "Junior Web Developer", "TUK-01"],
        ["2303002", "Bunga Maharani", "Junior Web Developer", "TUK-01"],
    ]
    for name in ("Cahyo Nugroho", "2301001", "TUK-02"):
        assert name not in text


def test_my_pre_assessment_tasks_name_the_candidate_though_the_period_routes_on_ids(api: Api) -> None:
    root = sb.registered(api, CALON)
    t = sop.one(api, "kabid_sertifikasi", sb.MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], sb.penugasan(CALON))
    api.drain()
    sign_in(api, "asesor")
    page = get_page(api, "/asesor")
    tugas = [words(li) for li in find(page, f"//ul[{cls('daftar-tugas')}]/li")]
    assert tugas == [
        "Meninjau FR.APL.02 (pra-asesmen) Andi Pratama (2303001) 7 hari lagi",
        "Meninjau FR.APL.02 (pra-asesmen) Bunga Maharani (2303002) 7 hari lagi",
    ]


def test_another_asesor_never_sees_my_candidates_nor_opens_my_session(api: Api) -> None:
    root = sb.ready(api, CALON)
    sign_in(api, "asesor2")
    page = get_page(api, "/asesor")
    text = words(one(page, "//main"))
    assert "Cahyo Nugroho" in text
    for name in ("Andi Pratama", "Bunga Maharani", "2303001", "2303002"):
        assert name not in text
    # asesor2 verified TUK-01 but assesses nobody there: no roster of asesor's candidates.
    page = get_page(api, session_path(root, "TUK-01"), expect=404)
    assert "Sesi tidak ditemukan" in words(page)
    for name in ("Andi Pratama", "Bunga Maharani"):
        assert name not in words(page)
    # Nor can they record attendance there: the post finds no session of theirs.
    andi = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta")
    mine = get_page(api, session_path(root, "TUK-02"))
    r = api.client.post(
        session_path(root, "TUK-01") + "/kehadiran",
        data={"csrf": csrf(mine), "tugas": [andi], f"hadir-{andi}": "ya", f"tanggal-{andi}": "2026-01-01"},
        follow_redirects=False,
    )
    assert r.status_code == 404
    assert task_state(api, andi) == "ready"


def test_a_session_address_that_is_not_a_period_answers_an_indonesian_page(api: Api) -> None:
    sb.registration_open(api, [ANDI])
    sign_in(api, "asesor")
    for path, status in (("/asesor/sesi/abc/TUK-01", 422), ("/asesor/sesi/99999999999/TUK-01", 422)):
        r = api.client.get(path)
        assert r.status_code == status, (path, r.text)
        assert r.headers["content-type"].startswith("text/html")
        assert "Isian tidak dapat diterima" in words(soup(r.text))
    assert "Sesi tidak ditemukan" in words(get_page(api, "/asesor/sesi/1/TUK-09", expect=404))


def test_a_candidate_or_staff_member_is_told_the_page_is_for_asesor(api: Api) -> None:
    sb.ready(api, CALON)
    sign_in(api, "peserta")
    page = get_page(api, "/asesor", expect=403)
    assert words(one(page, "//h1")) == "Halaman ini untuk Asesor Kompetensi"


def set_met(api: Api, username: str, berlaku_sd: Any) -> None:
    from sqlalchemy import select

    from api.store.master import Asesor
    from api.store.models import User

    with api.app.state.db.transaction() as session:
        user = session.scalars(select(User).where(User.username == username)).one()
        session.scalars(select(Asesor).where(Asesor.user_id == user.id)).one().met_berlaku_sd = berlaku_sd


def test_asesmen_saya_warns_when_the_met_runs_out_within_60_days_and_not_before(api: Api) -> None:
    sb.registration_open(api, [ANDI])
    today = sop.today(api)
    sign_in(api, "asesor")
    assert find(get_page(api, "/asesor"), f"//*[{cls('pemberitahuan-peringatan')}]") == []  # 31 Mei 2028
    set_met(api, "asesor", today + timedelta(days=30))
    warning = one(get_page(api, "/asesor"), f"//*[{cls('pemberitahuan-peringatan')}]")
    assert words(warning) == (
        f"Sertifikat MET Anda berakhir 30 hari lagi, pada {_tgl(today + timedelta(days=30))} "
        "(No. Reg. MET.000.001234 2019). Perpanjang sebelum tanggal itu agar tetap dapat ditugaskan."
    )
    set_met(api, "asesor", today - timedelta(days=1))
    warning = one(get_page(api, "/asesor"), f"//*[{cls('pemberitahuan-peringatan')}]")
    assert words(warning).startswith(f"Sertifikat MET Anda sudah tidak berlaku sejak {_tgl(today - timedelta(days=1))}")
    set_met(api, "asesor", today + timedelta(days=61))
    assert find(get_page(api, "/asesor"), f"//*[{cls('pemberitahuan-peringatan')}]") == []


def test_documents_addressed_to_me_are_listed_and_never_another_asesors(api: Api) -> None:
    sb.ready(api, CALON)
    sign_in(api, "asesor")
    listed = [words(li) for li in find(get_page(api, "/asesor"), f"//ul[{cls('daftar-dokumen')}]/li")]
    # asesor's surat tugas, the SK Jadwal amended with their session, and the kartu and the FR.APL.02 they reviewed
    # of Andi and Bunga (nothing is rendered in these tests).
    assert len(listed) == 6, listed
    assert any(x.startswith("Keputusan Ketua LSP (Jadwal Uji Kompetensi) No. 002/") for x in listed)
    assert any(x.startswith("Surat Tugas Asesor Kompetensi No. ") and x.endswith("Sedang dibuat") for x in listed)
    assert sorted(x.split(" No. ")[0] for x in listed if x.startswith("Kartu")) == [
        "Kartu Peserta Uji Kompetensi · Andi Pratama",
        "Kartu Peserta Uji Kompetensi · Bunga Maharani",
    ]
    assert sorted(x.split(" No. ")[0] for x in listed if x.startswith("FR.APL.02")) == [
        "FR.APL.02 Asesmen Mandiri · Andi Pratama",
        "FR.APL.02 Asesmen Mandiri · Bunga Maharani",
    ]
    # asesor2 assesses Cahyo and verified TUK-01: their own letters and Cahyo's kartu, nothing of asesor's.
    sign_in(api, "asesor2")
    listed2 = [words(li) for li in find(get_page(api, "/asesor"), f"//ul[{cls('daftar-dokumen')}]/li")]
    assert not any("Andi Pratama" in x or "Bunga Maharani" in x for x in listed2)
    assert any(x.startswith("Surat Tugas Verifikasi TUK") for x in listed2)
    assert any(x.startswith("Kartu Peserta Uji Kompetensi · Cahyo Nugroho") for x in listed2)


# --------------------------------------------------------------------------------------------------
# The session roster and its attendance


def test_the_session_roster_lists_exactly_my_candidates_at_that_tuk(api: Api) -> None:
    root = sb.ready(api, CALON)
    sign_in(api, "asesor")
    page = get_page(api, session_path(root))
    assert words(one(page, "//h1")) == "Daftar peserta TUK-01 · Laboratorium Komputer Terpadu"
    d = sop.today(api)
    mulai, selesai = d + timedelta(days=10), d + timedelta(days=11)
    assert f"Jadwal asesmen (SK Jadwal): {_tgl(mulai)} s.d. {_tgl(selesai)}" in words(page)
    rows = roster_rows(page)
    assert [(r["NIM"], r["Nama"]) for r in rows] == [
        ("2303001", "Andi Pratama Junior Web Developer"),
        ("2303002", "Bunga Maharani Junior Web Developer"),
    ]
    assert [(r["FR.AK.01"], r["FR.AK.02"], r["Hasil"]) for r in rows] == [("Belum", "Belum", "-")] * 2
    # Each row offers Hadir / Tidak hadir / Catat nanti, Hadir chosen as the form proposes, and today's date.
    form = attendance_form(page)
    andi = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta")
    assert form[f"hadir-{andi}"] == ["ya"]
    assert form[f"tanggal-{andi}"] == [d.isoformat()]
    assert "Cahyo Nugroho" not in words(page)


def _tgl(d: Any) -> str:
    from service_tasks.format_indonesia import tanggal

    return tanggal(d)


def test_one_submit_records_the_attendance_of_the_whole_session(api: Api) -> None:
    root = sb.ready(api, CALON)
    andi = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta")
    bunga = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta2")
    sign_in(api, "asesor")
    page = get_page(api, session_path(root))
    form = attendance_form(page)
    # Today is before the SK Jadwal's window: the reason field is offered on each row, and filled in.
    assert find(page, f"//*[@id='f-{andi}-alasan_di_luar_jadwal']")
    form[f"alasan_di_luar_jadwal-{andi}"] = [sop.DI_LUAR_JADWAL]
    form[f"alasan_di_luar_jadwal-{bunga}"] = [sop.DI_LUAR_JADWAL]
    form[f"hadir-{bunga}"] = ["tidak"]
    form[f"catatan-{bunga}"] = ["Sakit"]
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 303, r.text
    assert r.headers["location"] == session_path(root) + "?tercatat=2&sudah=0"
    page = get_page(api, r.headers["location"])
    assert "Kehadiran 2 peserta tercatat." in words(one(page, f"//*[{cls('pemberitahuan')}]"))
    today = _tgl(sop.today(api))
    assert [r["Kehadiran"] for r in roster_rows(page)] == [f"Hadir {today}", f"Tidak hadir {today} Sakit"]
    assert find(page, "//form[contains(@action, '/kehadiran')]//button") == []
    assert (task_state(api, andi), task_state(api, bunga)) == ("completed", "completed")
    # Andi now agrees to FR.AK.01; Bunga, absent, has nothing to agree to.
    assert [t["name"] for t in api.inbox("peserta")] == [sb.AK01]
    assert api.inbox("peserta2") == []
    # Sending the same form again completes nothing twice.
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == session_path(root) + "?sudah=2"
    assert "2 kehadiran sudah tercatat sebelumnya dan tidak dicatat dua kali." in words(
        get_page(api, r.headers["location"])
    )
    events = [e for e in sb.history_of(api, root, "task_completed") if e.get("task_id") in (andi, bunga)]
    assert len(events) == 2


def test_a_bad_row_shows_its_indonesian_error_on_the_row_and_only_the_good_rows_are_recorded(api: Api) -> None:
    root = sb.ready(api, CALON)
    andi = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta")
    bunga = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta2")
    sign_in(api, "asesor")
    page = get_page(api, session_path(root))
    form = attendance_form(page)
    form[f"alasan_di_luar_jadwal-{andi}"] = [sop.DI_LUAR_JADWAL]
    # Bunga's row: today is outside the SK Jadwal's window and no reason is given.
    form[f"alasan_di_luar_jadwal-{bunga}"] = [""]
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 422
    page = soup(r.text)
    summary = one(page, f"//*[{cls('ringkasan-galat')}]")
    assert (summary.get("role"), summary.get("tabindex")) == ("alert", "-1")
    assert "1 isian belum dapat dicatat" in words(summary)
    assert "1 kehadiran lain sudah tercatat." in words(summary)
    [link] = find(summary, ".//li/a")
    assert link.get("href") == f"#f-{bunga}-alasan_di_luar_jadwal"
    assert words(link).startswith("Bunga Maharani (2303002): Tanggal asesmen ")
    assert "di luar jadwal asesmen dalam SK Jadwal" in words(link)
    field = one(page, f"//*[@id='f-{bunga}-alasan_di_luar_jadwal']")
    assert field.get("aria-invalid") == "true"
    error = one(page, f"//*[@id='f-{bunga}-alasan_di_luar_jadwal-galat']")
    assert "tuliskan alasannya" in words(error)
    assert f"f-{bunga}-alasan_di_luar_jadwal-galat" in str(field.get("aria-describedby")).split()
    # Andi's row is recorded and shows as such; Bunga's row is still the form, with what was chosen.
    rows = roster_rows(page)
    assert rows[0]["Kehadiran"].startswith("Hadir ")
    assert one(page, f"//input[@name='hadir-{bunga}'][@value='ya']").get("checked") is not None
    assert (task_state(api, andi), task_state(api, bunga)) == ("completed", "ready")
    # Fixed and sent again: Bunga is recorded, Andi is not recorded twice.
    form = attendance_form(page)
    form[f"alasan_di_luar_jadwal-{bunga}"] = [sop.DI_LUAR_JADWAL]
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == session_path(root) + "?tercatat=1&sudah=0"
    assert task_state(api, bunga) == "completed"


def test_rows_left_to_record_later_are_not_sent_and_a_submit_without_a_choice_says_so(api: Api) -> None:
    root = sb.ready(api, CALON)
    andi = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta")
    bunga = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta2")
    sign_in(api, "asesor")
    form = attendance_form(get_page(api, session_path(root)))
    form[f"hadir-{andi}"] = [""]
    form[f"hadir-{bunga}"] = [""]
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 422
    assert "Pilih Hadir atau Tidak hadir untuk setidaknya satu peserta." in words(
        one(soup(r.text), f"//*[{cls('ringkasan-galat')}]")
    )
    form[f"hadir-{andi}"] = ["tidak"]
    form[f"alasan_di_luar_jadwal-{andi}"] = [sop.DI_LUAR_JADWAL]
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 303
    assert (task_state(api, andi), task_state(api, bunga)) == ("completed", "ready")


def test_the_attendance_post_needs_the_sessions_csrf_token(api: Api) -> None:
    root = sb.ready(api, CALON)
    andi = task_id_of(api, "asesor", sb.KEHADIRAN, "peserta")
    sign_in(api, "asesor")
    form = attendance_form(get_page(api, session_path(root)))
    form["csrf"] = ["salah"]
    r = api.client.post(session_path(root) + "/kehadiran", data=form, follow_redirects=False)
    assert r.status_code == 403
    assert task_state(api, andi) == "ready"


def test_after_the_assessment_the_roster_shows_ak01_ak02_and_the_outcome(api: Api) -> None:
    root = sb.ready(api, CALON)
    sb.assess(api, ANDI)
    sb.assess(api, Calon("peserta2", bk=True))
    sign_in(api, "asesor")
    rows = roster_rows(get_page(api, session_path(root)))
    assert [(r["FR.AK.01"], r["FR.AK.02"], r["Hasil"]) for r in rows] == [
        ("Ditandatangani", "Sudah dinilai", "Kompeten (K)"),
        ("Ditandatangani", "Sudah dinilai", "Belum kompeten (BK)"),
    ]


# --------------------------------------------------------------------------------------------------
# Task page context


def panel(page: HtmlElement) -> HtmlElement:
    return one(page, f"//section[{cls('panel-konteks')}]")


def apl02_rows(page: HtmlElement) -> list[list[str]]:
    return [[words(td) for td in find(tr, "./th|./td")] for tr in find(panel(page), ".//table//tbody/tr")]


def test_the_ak02_page_shows_the_candidates_apl02_answer_beside_each_prefilled_unit(api: Api) -> None:
    sb.ready(api, CALON)
    api.complete("asesor", task_id_of(api, "asesor", sb.KEHADIRAN, "peserta"), sop.kehadiran())
    ak01 = sop.one(api, "peserta", sb.AK01)
    api.complete("peserta", ak01["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    ak02 = task_id_of(api, "asesor", sb.AK02, "peserta")
    sign_in(api, "asesor")
    page = get_page(api, f"/tasks/{ak02}")
    units = sop.units(api, sop.JWD)
    assert len(units) == 6
    # Every unit answered K with "Laporan praktik" by Andi (tests/support/sop.py apl()).
    assert apl02_rows(page) == [[f"{u['kode']} {u['judul']}", "Kompeten (K)", "Laporan praktik"] for u in units]
    assert words(panel(page)).startswith("Asesmen mandiri peserta (FR.APL.02) Andi Pratama (2303001)")
    # The form beside it is pre-filled with the same units in the same order.
    form = one(page, "//form[@id='formulir-tugas']")
    kode = [str(v) for v in form.xpath(".//select[contains(@name, '.kode')]/option[@selected]/@value")]
    assert kode == [u["kode"] for u in units]


def test_the_pre_assessment_page_shows_self_assessment_and_evidence_side_by_side(api: Api) -> None:
    root = sb.registered(api, CALON)
    t = sop.one(api, "kabid_sertifikasi", sb.MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], sb.penugasan(CALON))
    api.drain()
    pra = task_id_of(api, "asesor", sb.PRA_ASESMEN, "peserta2")
    sign_in(api, "asesor")
    page = get_page(api, f"/tasks/{pra}")
    text = words(panel(page))
    assert "Bunga Maharani (2303002)" in text
    # Per unit a row heading its elements (6 units, 13 elements), each element with its KUK and Bunga's answer:
    # every element K with "Laporan praktik" (tests/support/sop.py apl()), so every unit K.
    rows = apl02_rows(page)
    assert len(rows) == 6 + 13
    assert rows[:2] == [
        ["J.620100.004.02 Menggunakan Struktur Data", "Kompeten (K)", "Laporan praktik"],
        [
            "Elemen 1: Mengidentifikasi konsep data dan struktur data "
            "1.1 Konsep data dan struktur data diidentifikasi sesuai konteks permasalahan "
            "1.2 Alternatif struktur data dibandingkan kelebihan dan kekurangannya",
            "Kompeten (K)",
            "Laporan praktik",
        ],
    ]
    assert [r[1:] for r in rows] == [["Kompeten (K)", "Laporan praktik"]] * 19
    [link] = find(panel(page), ".//a[starts-with(@href, '/api/berkas/')]")
    assert words(link) == "Buka ktm.pdf (tab baru)"
    assert "Kartu tanda mahasiswa (Persyaratan dasar)" in text
    # The file opens with the page's session cookie for this asesor.
    r = api.client.get(str(link.get("href")))
    assert r.status_code == 200 and r.content.startswith(b"%PDF")
    for other in ("Andi Pratama", "Cahyo Nugroho"):
        assert other not in text


def test_the_tuk_verification_page_shows_the_tuk_as_context(api: Api) -> None:
    root = sb.assigned(api, CALON)
    t = task_id_of(api, "asesor2", sb.VERIFIKASI, "TUK-01")
    sign_in(api, "asesor2")
    page = get_page(api, f"/tasks/{t}")
    dl = one(panel(page), ".//dl")
    shown = dict(zip([words(x) for x in find(dl, "./dt")], [words(x) for x in find(dl, "./dd")], strict=True))
    d = sop.today(api)
    assert shown == {
        "Kode": "TUK-01",
        "Nama": "Laboratorium Komputer Terpadu",
        "Jenis": "TUK Sewaktu",
        "Alamat": "Gedung C Lantai 2, Politeknik STMI Jakarta, Jl. Letjen Suprapto No. 26, Cempaka Putih, "
        "Jakarta Pusat 10510",
        "Penanggung jawab": "Arief Rahman, S.Kom., M.T.I.",
        "Kapasitas": "30 peserta",
        "Jadwal asesmen": f"{_tgl(d + timedelta(days=10))} s.d. {_tgl(d + timedelta(days=11))}",
        "Verifikasi terakhir": "Belum pernah",
    }
    assert root


def test_only_an_asesor_holding_a_task_about_the_candidate_reads_their_registration(api: Api) -> None:
    from sqlalchemy import select

    from api.auth import CurrentUser
    from api.errors import ApiError
    from api.services.sesi_asesmen import pendaftaran
    from api.store.models import User

    root = sb.ready(api, CALON)
    with api.app.state.db.reading() as session:
        people = {
            u.username: CurrentUser(u) for u in session.scalars(select(User)) if u.username in ("asesor", "asesor2")
        }
    assert pendaftaran(api.app.state.db, people["asesor"], root, "peserta").ditemukan
    try:
        pendaftaran(api.app.state.db, people["asesor2"], root, "peserta")
    except ApiError as exc:
        assert exc.status == 403
    else:
        raise AssertionError("asesor2 read Andi's registration")
