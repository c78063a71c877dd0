"""Dasbor: time-standard compliance (each task against its step's due, per step, role and person: who is
behind), K/BK per TUK and asesor, the trend across periods, every table as CSV and XLSX and the same figures as
JSON. A small period is driven through the REST API with a late step (the clock moves), and the expected figures
are written by hand from its story."""

import io
from datetime import timedelta
from typing import Any

import lxml.html
import pytest
from openpyxl import load_workbook

from api.clock import Clock
from tests.conftest import Api
from tests.support import sop
from tests.test_ui_dasbor import csv_rows, signed_in, table

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
STAFF = ("direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi", "admin")


def period_with_a_late_step_2_and_a_kabid_behind(api: Api, clock: Clock) -> int:
    """The story, by hand:
    - step 1: the Direktur sets the target at once (on time);
    - step 2 (2 hari): three days pass, then Ketua LSP submits the plan: done one day late (escalated to the
      Direktur, an escalation that is no task owed by the due);
    - step 3 (1 minggu): Kabid Administrasi opens registration (on time); peserta and peserta2 submit (on time);
      Kabid Administrasi accepts peserta (on time) and takes peserta2's check, then eight days pass with it open:
      past the due, Kabid Administrasi is behind. Registration closes at its deadline: peserta3-5's forms and
      "Menutup pendaftaran" are cancelled (never owed)."""
    instance_id = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], sop.TARGET)
    clock.advance(timedelta(days=3))
    api.drain()
    t = sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=instance_id)
    api.complete("ketua_lsp", t["id"], sop.rencana(api))
    api.drain()
    sop.open_registration(api, instance_id)
    sop.submit_apl(api, "peserta")
    sop.submit_apl(api, "peserta2")
    sop.check_files(api, {"peserta": ("diterima", "")})
    [check] = sop.tasks_named(api, "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran")
    assert api.post("kabid_administrasi", f"/api/tasks/{check['id']}/claim").status_code == 200
    clock.advance(timedelta(days=8))
    api.drain()
    for username in STAFF:
        api.forget(username)  # eight days on, the tokens have expired
    return instance_id


def baris(kunci: str, judul: str, peran: str | None, n: tuple[int, int, int, int], persen: float | None) -> dict:
    tepat, lambat, terbuka, berjalan = n
    return {
        "kunci": kunci,
        "judul": judul,
        "peran": peran,
        "tepat_waktu": tepat,
        "terlambat_selesai": lambat,
        "terlambat_terbuka": terbuka,
        "berjalan": berjalan,
        "persen_tepat_waktu": persen,
    }


def test_the_ketua_sees_who_is_behind_and_each_role_and_steps_share_of_tasks_done_on_time(
    api: Api, clock: Clock
) -> None:
    instance_id = period_with_a_late_step_2_and_a_kabid_behind(api, clock)
    r = api.get("ketua_lsp", f"/api/periode/{instance_id}/dasbor")
    assert r.status_code == 200, r.text
    kepatuhan = r.json()["kepatuhan"]
    # Seven tasks owed by their due: 5 on time, Ketua's plan done late, Kabid Administrasi's check open past it.
    assert kepatuhan["total"] == baris("", "Jumlah", None, (5, 1, 1, 0), 71.4)
    assert kepatuhan["per_peran"] == [
        baris("direktur", "Direktur", None, (1, 0, 0, 0), 100.0),
        baris("ketua_lsp", "Ketua LSP", None, (0, 1, 0, 0), 0.0),
        baris("kabid_administrasi", "Kabid Administrasi", None, (2, 0, 1, 0), 66.7),
        baris("peserta", "Peserta Uji Kompetensi", None, (2, 0, 0, 0), 100.0),
    ]
    # Who is behind first (one task open past its due), then the lowest share on time; candidates are not listed.
    assert kepatuhan["per_orang"] == [
        baris("kabid_administrasi", "Sri Wahyuni, S.E.", "kabid_administrasi", (2, 0, 1, 0), 66.7),
        baris("ketua_lsp", "Ir. Ratna Dewi Lestari, M.M.", "ketua_lsp", (0, 1, 0, 0), 0.0),
        baris("direktur", "Dr. Mustofa, S.T., M.T.", "direktur", (1, 0, 0, 0), 100.0),
    ]
    assert kepatuhan["per_langkah"] == [
        baris("1", "Menetapkan target uji kompetensi", None, (1, 0, 0, 0), 100.0),
        baris("2", "Menyusun rencana uji kompetensi", None, (0, 1, 0, 0), 0.0),
        baris("3", "Menerima pendaftaran uji kompetensi", None, (4, 0, 1, 0), 80.0),
    ]
    langkah = {s["nomor"]: s for s in r.json()["langkah"]}
    assert langkah["2"]["terlambat"] is True and 86400 <= langkah["2"]["terlambat_detik"] < 86400 + 60  # a day late
    assert langkah["3"]["terlambat"] is True and langkah["3"]["keadaan"] == "berjalan"

    page = signed_in(api, "ketua_lsp").get(f"/dasbor/{instance_id}")
    assert page.status_code == 200
    assert table(page.text, "patuh-orang") == [
        ["Sri Wahyuni, S.E. Kabid Administrasi (kabid_administrasi)", "2", "0", "1", "0", "66,7%", ""],
        ["Ir. Ratna Dewi Lestari, M.M. Ketua LSP (ketua_lsp)", "0", "1", "0", "0", "0%", ""],
        ["Dr. Mustofa, S.T., M.T. Direktur (direktur)", "1", "0", "0", "0", "100%", ""],
    ]
    assert table(page.text, "patuh-langkah")[-1] == ["Jumlah", "5", "1", "1", "0", "71,4%", ""]
    tree = lxml.html.fromstring(page.text)
    # The person behind is marked (not by colour alone: the count and the hatched bar say it too).
    assert tree.xpath("//table[@id='patuh-orang']/tbody/tr[1]/@class") == ["baris-lewat"]
    [bar] = tree.xpath("//table[@id='patuh-orang']/tbody/tr[1]//svg")
    assert bar.get("role") == "img"
    assert bar.xpath("title/text()") == ["Sri Wahyuni, S.E.: 66,7% tepat waktu"]
    assert bar.xpath("desc/text()") == ["2 tepat waktu, 0 selesai terlambat, 1 terbuka lewat batas, 0 berjalan"]
    # A step links to its tasks in the inbox.
    assert tree.xpath("//table[@id='patuh-langkah']/tbody/tr[3]/th/a/@href") == [f"/tasks?period={instance_id}&step=3"]


def test_compliance_tables_download_as_csv_and_xlsx_with_the_same_figures(api: Api, clock: Clock) -> None:
    instance_id = period_with_a_late_step_2_and_a_kabid_behind(api, clock)
    browser = signed_in(api, "direktur")
    r = browser.get(f"/dasbor/{instance_id}/kepatuhan_orang.csv")
    assert r.status_code == 200
    assert 'filename="dasbor-LSP-2026-GENAP-kepatuhan_orang.csv"' in r.headers["content-disposition"]
    assert csv_rows(r.text) == [
        ["Pengguna", "Nama", "Peran", "Tepat waktu", "Selesai terlambat", "Terbuka lewat batas", "Berjalan"]
        + ["Persen tepat waktu"],
        ["kabid_administrasi", "Sri Wahyuni, S.E.", "Kabid Administrasi", "2", "0", "1", "0", "66.7"],
        ["ketua_lsp", "Ir. Ratna Dewi Lestari, M.M.", "Ketua LSP", "0", "1", "0", "0", "0.0"],
        ["direktur", "Dr. Mustofa, S.T., M.T.", "Direktur", "1", "0", "0", "0", "100.0"],
    ]
    x = browser.get(f"/dasbor/{instance_id}/kepatuhan_peran.xlsx")
    assert x.status_code == 200
    assert x.headers["content-type"] == XLSX
    assert 'filename="dasbor-LSP-2026-GENAP-kepatuhan_peran.xlsx"' in x.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Kode peran", "Peran", "Tepat waktu", "Selesai terlambat", "Terbuka lewat batas", "Berjalan"]
        + ["Persen tepat waktu"],
        ["direktur", "Direktur", 1, 0, 0, 0, 100],
        ["ketua_lsp", "Ketua LSP", 0, 1, 0, 0, 0],
        ["kabid_administrasi", "Kabid Administrasi", 2, 0, 1, 0, 66.7],
        ["peserta", "Peserta Uji Kompetensi", 2, 0, 0, 0, 100],
        [None, "Jumlah", 5, 1, 1, 0, 71.4],  # an empty cell
    ]
    # Every panel of the page downloads in both formats.
    for panel in ("langkah", "eskalasi", "corong", "prodi", "keputusan", "keputusan_tuk", "keputusan_asesor"):
        for ext in ("csv", "xlsx"):
            assert browser.get(f"/dasbor/{instance_id}/{panel}.{ext}").status_code == 200, (panel, ext)
    assert browser.get(f"/dasbor/{instance_id}/lain.xlsx").status_code == 404


def test_the_trend_sets_periods_side_by_side_oldest_first_as_page_json_csv_and_xlsx(api: Api, clock: Clock) -> None:
    first = period_with_a_late_step_2_and_a_kabid_behind(api, clock)
    second = sop.start_period(api, "LSP-2027-GASAL")["id"]
    r = api.get("direktur", "/api/periode/tren")
    assert r.status_code == 200, r.text
    got = [{k: v for k, v in t.items() if k != "mulai"} for t in r.json()]
    assert got == [
        {
            "id": first,
            "business_key": "LSP-2026-GENAP",
            "status": "running",
            "target": 5,
            "terdaftar": 2,
            "diterima": 1,
            "hadir": 0,
            "kompeten": 0,
            "belum_kompeten": 0,
            "sertifikat": 0,
            "langkah_selesai": 2,
            "langkah_terlambat": 2,  # step 2 done a day late; step 3 running past its due
            "tugas_tepat_waktu": 5,
            "tugas_diputuskan": 7,
            "persen_tepat_waktu": 71.4,
            "eskalasi": 2,  # steps 2 and 3
        },
        {
            "id": second,
            "business_key": "LSP-2027-GASAL",
            "status": "running",
            "target": 0,
            "terdaftar": 0,
            "diterima": 0,
            "hadir": 0,
            "kompeten": 0,
            "belum_kompeten": 0,
            "sertifikat": 0,
            "langkah_selesai": 0,
            "langkah_terlambat": 0,
            "tugas_tepat_waktu": 0,
            "tugas_diputuskan": 0,  # the Direktur's target is not due yet
            "persen_tepat_waktu": None,
            "eskalasi": 0,
        },
    ]
    browser = signed_in(api, "direktur")
    page = browser.get("/dasbor/tren")
    assert page.status_code == 200
    rows = table(page.text, "tren")
    assert rows == [
        ["LSP-2026-GENAP " + rows[0][0].split(" ", 1)[1], "5", "2", "1", "0", "0", "0", "0"]
        + ["2 2 langkah selesai", "71,4% 5 dari 7", "2"],
        ["LSP-2027-GASAL " + rows[1][0].split(" ", 1)[1], "0", "0", "0", "0", "0", "0", "0"]
        + ["0 0 langkah selesai", "- 0 dari 0", "0"],
    ]
    assert rows[0][0].startswith("LSP-2026-GENAP Berjalan, dimulai ")
    tree = lxml.html.fromstring(page.text)
    [chart] = tree.xpath("//svg[@class='tren-grafik']")
    assert chart.get("role") == "img" and chart.get("aria-labelledby") == "tren-judul tren-desk"
    assert chart.xpath("desc/text()")[0].startswith(
        "LSP-2026-GENAP: target 5, sertifikat 0, tepat waktu 71,4%. LSP-2027-GASAL: target 0, sertifikat 0,"
    )
    csv_ = csv_rows(browser.get("/dasbor/tren.csv").text)
    assert [row[0] for row in csv_] == ["Periode", "LSP-2026-GENAP", "LSP-2027-GASAL"]
    assert csv_[1][3:] == ["5", "2", "1", "0", "0", "0", "0", "2", "2", "5", "7", "71.4", "2"]
    x = browser.get("/dasbor/tren.xlsx")
    assert x.headers["content-type"] == XLSX
    sheet = load_workbook(io.BytesIO(x.content)).active
    assert sheet is not None
    values: list[Any] = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[1][3:] == [5, 2, 1, 0, 0, 0, 0, 2, 2, 5, 7, 71.4, 2]
    assert values[2][0] == "LSP-2027-GASAL" and values[2][-2] is None


def test_after_a_whole_period_k_bk_is_counted_per_tuk_as_assigned_and_per_asesor_the_decision_rests_on(
    api: Api,
) -> None:
    instance_id = sop.walk_period(api)
    body = api.get("ketua_lsp", f"/api/periode/{instance_id}/dasbor").json()
    # TUK-01: peserta and peserta2 (asesor Budi Santoso), K. TUK-02: peserta3, assessed BK by Hendra Gunawan, BK at
    # the pleno and K after the upheld appeal on the re-assessment by Rudi Hartono (asesor4): counted under asesor4,
    # as the Laporan counts it and the amending SK names him (it used to count under asesor2, as first assigned,
    # so the dashboard and the Laporan disagreed); at TUK-02, since a re-assessment records no TUK. peserta4
    # absent, no decision.
    assert body["keputusan_tuk"] == [
        {"kunci": "TUK-01", "judul": "Laboratorium Komputer Terpadu", "k": 2, "bk": 0, "ditunda": 0},
        {"kunci": "TUK-02", "judul": "Workshop Otomotif dan Laboratorium Polimer", "k": 1, "bk": 0, "ditunda": 0},
    ]
    assert body["keputusan_asesor"] == [
        {"kunci": "asesor", "judul": "Budi Santoso, S.Kom., M.T.", "k": 2, "bk": 0, "ditunda": 0},
        {"kunci": "asesor4", "judul": "Ir. Rudi Hartono, M.T.", "k": 1, "bk": 0, "ditunda": 0},
    ]
    browser = signed_in(api, "ketua_lsp")
    page = browser.get(f"/dasbor/{instance_id}").text
    assert table(page, "keputusan-asesor") == [
        ["Budi Santoso, S.Kom., M.T. asesor", "2", "0", "0", ""],
        ["Ir. Rudi Hartono, M.T. asesor4", "1", "0", "0", ""],
    ]
    sheet = load_workbook(io.BytesIO(browser.get(f"/dasbor/{instance_id}/keputusan_tuk.xlsx").content)).active
    assert sheet is not None
    assert [list(row) for row in sheet.iter_rows(values_only=True)] == [
        ["Kode TUK", "TUK", "Kompeten (K)", "Belum kompeten (BK)", "Ditunda"],
        ["TUK-01", "Laboratorium Komputer Terpadu", 2, 0, 0],
        ["TUK-02", "Workshop Otomotif dan Laboratorium Polimer", 1, 0, 0],
    ]


@pytest.mark.parametrize("username", ["peserta", "asesor"])
def test_a_peserta_or_an_asesor_is_refused_the_trend_and_the_xlsx(api: Api, username: str) -> None:
    instance_id = sop.start_period(api)["id"]
    browser = signed_in(api, username)
    for path in ("/dasbor/tren", "/dasbor/tren.csv", "/dasbor/tren.xlsx", f"/dasbor/{instance_id}/corong.xlsx"):
        r = browser.get(path)
        assert r.status_code == 403, path
        assert "Anda tidak berhak membuka dasbor" in lxml.html.fromstring(r.text).text_content()
    assert api.get(username, "/api/periode/tren").status_code == 403
