"""Dasbor periode: what Ketua LSP and Direktur see of a period driven through the REST API (the steps against
their time standards, escalations, target to certificate, K/BK per skema, documents), its CSVs, and who may
open it. Expected figures are written from the walk's story (tests/support/sop.py), by hand."""

import csv
import io
from datetime import timedelta
from typing import Any

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event

from api.clock import Clock
from api.services import dasbor
from tests.conftest import Api
from tests.support import sop

JWD, OPR, MUTU = (
    "Junior Web Developer",
    "Operator Perakitan Kendaraan Bermotor Roda Empat",
    ("Analis Pengendalian Mutu Produk Polimer"),
)


def signed_in(api: Api, username: str) -> TestClient:
    """A browser of its own, signed in through the login page (the session cookie)."""
    browser = TestClient(api.app)
    r = browser.post("/login", data={"username": username, "password": f"{username}-demo"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return browser


def parse(page: str) -> lxml.html.HtmlElement:
    """The page's words as a table reads them: a line break separates words; a bar's title (the table beside it
    says it in figures) is left out."""
    tree = lxml.html.fromstring(page)
    for svg in tree.xpath("//svg"):
        svg.drop_tree()
    for br in tree.iter("br"):
        br.tail = " " + (br.tail or "")
    return tree


def rows(page: str, section: str, part: str = "tbody") -> list[str]:
    """The rows of a panel's table as the reader sees them: each row's text, spaces collapsed."""
    tree = parse(page)
    return [
        " ".join(" ".join(cell.text_content() for cell in tr.xpath("th|td")).split())
        for tr in tree.xpath(f"//section[@id='{section}']//table//{part}/tr")
    ]


def table(page: str, table_id: str) -> list[list[str]]:
    tree = parse(page)
    return [
        [" ".join(cell.text_content().split()) for cell in tr.xpath("th|td")]
        for tr in tree.xpath(f"//table[@id='{table_id}']/tbody/tr|//table[@id='{table_id}']/tfoot/tr")
    ]


def text(page: str) -> str:
    return " ".join(lxml.html.fromstring(page).text_content().split())


def csv_rows(body: str) -> list[list[str]]:
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:])))


def period_at_step_4_overdue(api: Api, clock: Clock) -> int:
    """Steps 1-3 done (peserta5 rejected, peserta2 returned once then accepted); step 4 (TUK verification,
    standard 1 hour) started and two hours later still running: escalated to Ketua LSP."""
    instance_id = sop.start_period(api)["id"]
    sop.step_1_and_2(api, instance_id)
    sop.step_3(api, instance_id)
    clock.advance(timedelta(hours=2))
    api.drain()
    return instance_id


def test_ketua_sees_step_4_overdue_and_escalated_steps_5_to_7_not_started_and_the_counts_so_far(
    api: Api, clock: Clock
) -> None:
    instance_id = period_at_step_4_overdue(api, clock)
    ketua = signed_in(api, "ketua_lsp")

    listing = ketua.get("/dasbor")
    assert listing.status_code == 200
    [row] = [" ".join(tr.text_content().split()) for tr in lxml.html.fromstring(listing.text).xpath("//tbody/tr")]
    assert row.startswith("LSP-2026-GENAP Berjalan")
    assert "4. Memverifikasi tempat uji kompetensi (TUK)" in row
    assert row.endswith(" 1")  # one open escalation

    r = ketua.get(f"/dasbor/{instance_id}")
    assert r.status_code == 200
    steps = rows(r.text, "langkah")
    assert len(steps) == 7
    assert steps[0].startswith("1. Menetapkan target uji kompetensi Standar waktu 2 hari")
    assert "Selesai" in steps[0] and "Terlambat" not in steps[0]
    assert steps[2].startswith("3. Menerima pendaftaran uji kompetensi Standar waktu 7 hari")
    assert "Selesai" in steps[2] and "Terlambat" not in steps[2]
    assert steps[3].startswith("4. Memverifikasi tempat uji kompetensi (TUK) Standar waktu 1 jam")
    assert "Berjalan Terlambat 1 jam 1 eskalasi 3 tugas terbuka" in steps[3]
    for step in steps[4:]:
        assert "Belum dimulai" in step and "Terlambat" not in step
    assert steps[6] == (
        "7. Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi Standar waktu 14 hari"
        " - - - Belum dimulai -"
    )
    tree = lxml.html.fromstring(r.text)
    assert tree.xpath("//section[@id='langkah']//tbody/tr[4]/@class") == ["baris-lewat"]  # marked red
    assert tree.xpath("//section[@id='langkah']//tbody/tr[3]/@class") == []

    [eskalasi] = rows(r.text, "eskalasi")
    assert eskalasi.startswith("Menindaklanjuti keterlambatan langkah 4 Langkah 4: Memverifikasi tempat uji kompetensi")
    assert "Ketua LSP" in eskalasi and eskalasi.endswith("Terbuka")
    assert "1 eskalasi terbuka" in text(r.text)

    assert table(r.text, "corong-skema") == [
        [f"{JWD} SKM/LSP-STMI/001/2024", "2", "2", "2", "0", "0", "0"],
        [f"{OPR} SKM/LSP-STMI/002/2024", "2", "2", "2", "0", "0", "0"],
        [f"{MUTU} SKM/LSP-STMI/003/2024", "1", "1", "0", "0", "0", "0"],
        ["Jumlah", "5", "5", "4", "0", "0", "0"],
    ]
    assert "Belum ada keputusan" in text(r.text)


def test_after_a_whole_period_the_counts_run_from_target_to_certificate_per_skema_and_prodi_with_k_bk(
    api: Api,
) -> None:
    instance_id = sop.walk_period(api)
    direktur = signed_in(api, "direktur")
    r = direktur.get(f"/dasbor/{instance_id}")
    assert r.status_code == 200
    # peserta4 (Operator Perakitan) absent; peserta3 BK at the pleno, K after the appeal; peserta5 rejected.
    assert table(r.text, "corong-skema") == [
        [f"{JWD} SKM/LSP-STMI/001/2024", "2", "2", "2", "2", "2", "2"],
        [f"{OPR} SKM/LSP-STMI/002/2024", "2", "2", "2", "1", "1", "1"],
        [f"{MUTU} SKM/LSP-STMI/003/2024", "1", "1", "0", "0", "0", "0"],
        ["Jumlah", "5", "5", "4", "3", "3", "3"],
    ]
    assert table(r.text, "corong-prodi") == [
        ["Sistem Informasi Industri Otomotif", "2", "2", "2", "2", "2", "2"],
        ["Teknik Industri Otomotif", "2", "2", "2", "1", "1", "1"],
        ["Teknik Kimia Polimer", "1", "1", "0", "0", "0", "0"],
        ["Jumlah", "5", "5", "4", "3", "3", "3"],
    ]
    assert table(r.text, "keputusan-skema") == [
        [f"{JWD} SKM/LSP-STMI/001/2024", "2", "0", "0", ""],
        [f"{OPR} SKM/LSP-STMI/002/2024", "1", "0", "0", ""],
    ]
    steps = rows(r.text, "langkah")
    assert [s.split(" ")[0] for s in steps] == ["1.", "2.", "3.", "4.", "5.", "6.", "7."]
    assert all("Selesai" in s and "Terlambat" not in s for s in steps)
    assert "Tidak ada eskalasi" in text(r.text)
    # Every document of the period is counted; none rendered yet in this test (no renderer runs).
    assert "sedang dibuat" in text(r.text).split("Laporan periode nomor ")[1].split("Angka per")[0]
    # 38: 29, the refused candidate's letter, the letter telling peserta3 the SK decided BK (with the right to appeal),
    # the SK amending the SK Penetapan after peserta3's upheld appeal, the FR.AK.05 of asesor and asesor2, the surat
    # tugas of asesor4, who re-assessed peserta3, the Ketua's SK setting each of the two TUK verified and the SK
    # amending the SK Jadwal with the schedule; 45: and the FR.AK.01 and FR.AK.03 of each of the three candidates
    # assessed, and peserta3's FR.AK.04; 54 with the FR.APL.01 of the five candidates decided at registration and the
    # FR.APL.02 of the four who had a pra-asesmen; 56 with peserta3's FR.AK.01 and FR.AK.03 of the re-assessment.
    assert rows(r.text, "dokumen", "tfoot") == ["Jumlah 0 0 56"]
    # The funnel's bars say in words what they draw.
    titles = lxml.html.fromstring(r.text).xpath("//section[@id='corong']//ul[@class='grafik']//svg/title/text()")
    assert titles == [
        "Target: 5",
        "Terdaftar: 5 (100% dari target)",
        "Diterima: 4 (80% dari target)",
        "Hadir: 3 (60% dari target)",
        "Kompeten: 3 (60% dari target)",
        "Sertifikat: 3 (60% dari target)",
    ]

    corong = direktur.get(f"/dasbor/{instance_id}/corong.csv")
    assert corong.status_code == 200
    assert corong.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="dasbor-LSP-2026-GENAP-corong.csv"' in corong.headers["content-disposition"]
    assert csv_rows(corong.text) == [
        ["Nomor skema", "Skema", "Target", "Terdaftar", "Diterima", "Hadir", "Kompeten", "Sertifikat"],
        ["SKM/LSP-STMI/001/2024", JWD, "2", "2", "2", "2", "2", "2"],
        ["SKM/LSP-STMI/002/2024", OPR, "2", "2", "2", "1", "1", "1"],
        ["SKM/LSP-STMI/003/2024", MUTU, "1", "1", "0", "0", "0", "0"],
        ["", "Jumlah", "5", "5", "4", "3", "3", "3"],
    ]
    keputusan = csv_rows(direktur.get(f"/dasbor/{instance_id}/keputusan.csv").text)
    assert keputusan == [
        ["Nomor skema", "Skema", "Kompeten (K)", "Belum kompeten (BK)", "Ditunda"],
        ["SKM/LSP-STMI/001/2024", JWD, "2", "0", "0"],
        ["SKM/LSP-STMI/002/2024", OPR, "1", "0", "0"],
    ]
    langkah = csv_rows(direktur.get(f"/dasbor/{instance_id}/langkah.csv").text)
    assert langkah[0][:3] == ["Langkah", "Nama", "Standar waktu"]
    assert [r[0] for r in langkah[1:]] == ["1", "2", "3", "4", "5", "6", "7"]
    assert langkah[4][1:3] == ["Memverifikasi tempat uji kompetensi (TUK)", "1 jam"]
    assert all(r[6] == "Selesai" and r[8] == "" for r in langkah[1:])


def test_the_escalation_csv_names_the_open_escalation_and_its_step(api: Api, clock: Clock) -> None:
    instance_id = period_at_step_4_overdue(api, clock)
    body = signed_in(api, "kabid_sertifikasi").get(f"/dasbor/{instance_id}/eskalasi.csv").text
    [head, row] = csv_rows(body)
    assert head[:3] == ["Tugas", "Langkah", "Untuk"]
    assert row[:3] == ["Menindaklanjuti keterlambatan langkah 4", "4", "Ketua LSP"]
    assert row[5] == "Terbuka"


@pytest.mark.parametrize("username", ["peserta", "asesor"])
def test_a_peserta_or_an_asesor_is_refused_the_dashboard_its_csv_and_its_api(api: Api, username: str) -> None:
    instance_id = sop.start_period(api)["id"]
    browser = signed_in(api, username)
    for path in ("/dasbor", f"/dasbor/{instance_id}", f"/dasbor/{instance_id}/corong.csv"):
        r = browser.get(path)
        assert r.status_code == 403, path
        assert "Anda tidak berhak membuka dasbor" in text(r.text)
    assert api.get(username, f"/api/periode/{instance_id}/dasbor").status_code == 403
    assert api.get(username, "/api/periode").status_code == 403


def test_the_json_api_gives_staff_the_same_figures_and_an_unknown_period_is_a_404(api: Api) -> None:
    instance_id = sop.start_period(api)["id"]
    r = api.get("kabid_administrasi", f"/api/periode/{instance_id}/dasbor")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["periode"]["business_key"] == "LSP-2026-GENAP"
    assert [s["keadaan"] for s in body["langkah"]] == ["berjalan"] + ["belum"] * 6
    assert body["corong_total"]["target"] == 0
    assert api.get("ketua_lsp", "/api/periode/999999/dasbor").status_code == 404
    browser = signed_in(api, "ketua_lsp")
    for path in ("/dasbor/999999", "/dasbor/abc", f"/dasbor/{instance_id}/lain.csv", "/dasbor/99999999999"):
        r = browser.get(path)
        assert r.status_code == 404, path
        assert "Periode tidak ditemukan" in text(r.text)


def test_a_visitor_without_a_session_is_sent_to_the_login_page(api: Api) -> None:
    r = TestClient(api.app).get("/dasbor/1", follow_redirects=False)
    assert r.status_code == 303
    assert r.headers["location"] == "/login?next=/dasbor/1"


def test_the_dashboard_reads_a_whole_period_in_a_fixed_number_of_statements_none_per_candidate(api: Api) -> None:
    instance_id = sop.walk_period(api)
    statements: list[str] = []

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    engine = api.app.state.db.engine
    dasbor.dasbor(api.app.state.db, api.app.state.clock.now(), instance_id)  # the process model, once per process
    event.listen(engine, "before_cursor_execute", note)
    try:
        found = dasbor.dasbor(api.app.state.db, api.app.state.clock.now(), instance_id)
    finally:
        event.remove(engine, "before_cursor_execute", note)
    assert found is not None and found.corong_total.terdaftar == len(sop.CANDIDATES)
    # The period; its escalations; open tasks per step; the submissions counted; the recorded decisions (the
    # penerbitan instance, its SK in force, history, the follow-up pleno on those postponed, appeals and theirs:
    # keputusan_tercatat); certificates; the Direktur's
    # target; skema titles; the assignments, TUK and asesor names (K/BK per TUK and asesor); the tasks against their due
    # and the names of the people; whether a sent step is still being run on (asyncAfter); documents per kind; the
    # Laporan. The same for 5 candidates or 2,000.
    assert len(statements) <= 26, "\n\n".join(s[:200] for s in statements)


def test_a_cancelled_period_shows_its_unfinished_step_stopped_and_its_escalation_cancelled(
    api: Api, clock: Clock
) -> None:
    instance_id = period_at_step_4_overdue(api, clock)
    r = api.post("admin", f"/api/instances/{instance_id}/cancel", json={"alasan": "TUK tidak tersedia"})
    assert r.status_code == 200, r.text
    clock.advance(timedelta(days=3))
    page = signed_in(api, "ketua_lsp").get(f"/dasbor/{instance_id}").text
    assert "Dibatalkan" in text(page).split("Dasbor periode")[1].split("Dimulai")[0]
    step_4 = rows(page, "langkah")[3]
    # Stopped when the period was cancelled: late by the hour it ran over then, not by the days since.
    assert "Terhenti Terlambat 1 jam" in step_4 and "hari" not in step_4.split("Terhenti")[1]
    [eskalasi] = rows(page, "eskalasi")
    assert eskalasi.endswith("Dibatalkan")
    assert "Tidak ada eskalasi terbuka" in text(page)
