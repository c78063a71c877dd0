"""`GET /api/me/status`: a candidate asks where they stand, an asesor where their candidates stand.

Each test walks a real partial period through the HTTP API (tests/support/sop_branches.py) and reads the
status as the candidate (or asesor) would; every expected value is written by hand from the SOP: step 3
"Menerima pendaftaran uji kompetensi" runs 7 days (P7D), step 5 "Melaksanakan uji kompetensi" 7 days,
step 6 "Melaksanakan penerbitan sertifikat kompetensi" 14 days.
"""

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import event

from tests.conftest import Api
from tests.support import sop
from tests.support import sop_branches as sb
from tests.support.sop_branches import Calon

PESERTA = Calon("peserta")  # Andi Pratama, 2303001
PESERTA2 = Calon("peserta2")  # Bunga Maharani, 2303002
PESERTA3 = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02")  # Cahyo Nugroho, 2301001
LANGKAH_3 = "Menerima pendaftaran uji kompetensi"
LANGKAH_5 = "Melaksanakan uji kompetensi"
LANGKAH_6 = "Melaksanakan penerbitan sertifikat kompetensi"


def status(api: Api, username: str) -> dict[str, Any]:
    r = api.get(username, "/api/me/status")
    assert r.status_code == 200, r.text
    body: dict[str, Any] = r.json()
    return body


def the_period(api: Api, username: str) -> dict[str, Any]:
    [period] = status(api, username)["peserta"]
    return period


def at(value: str) -> datetime:
    return datetime.fromisoformat(value)


def step(period: dict[str, Any]) -> tuple[str, str, timedelta]:
    langkah = period["langkah"]
    return langkah["nomor"], langkah["nama"], at(langkah["batas"]) - at(langkah["mulai"])


def tasks(listed: list[dict[str, Any]]) -> list[tuple[str, str | None]]:
    return [(t["nama"], t.get("peran", t.get("langkah"))) for t in listed]


def never_mentions(body: dict[str, Any], *words: str) -> None:
    text = json.dumps(body, ensure_ascii=False)
    for word in words:
        assert word not in text, word


@contextmanager
def counted(api: Api) -> Iterator[list[str]]:
    """The SQL statements run while the block runs."""
    statements: list[str] = []
    engine = api.app.state.db.engine

    def note(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", note)


def test_a_candidate_before_submitting_must_fill_fr_apl_01_and_02_by_the_end_of_step_3(api: Api) -> None:
    root = sb.registration_open(api, [PESERTA, PESERTA2])
    period = the_period(api, "peserta")
    assert (period["instance_id"], period["business_key"], period["status"]) == (root, "LSP-2026-GENAP", "running")
    assert step(period) == ("3", LANGKAH_3, timedelta(days=7))
    [tugas] = period["harus"]
    assert (tugas["nama"], tugas["langkah"]) == ("Mengisi FR.APL.01 dan FR.APL.02", "3")
    assert tugas["batas"] == period["langkah"]["batas"]
    assert tugas["tautan"] == f"/api/tasks/{tugas['id']}"
    assert api.get("peserta", tugas["tautan"]).status_code == 200
    assert period["menunggu"] == []
    assert period["hasil"] == {
        "pendaftaran": None,
        "pra_asesmen": None,
        "kehadiran": None,
        "persetujuan": None,
        "keputusan": None,
    }
    assert period["dokumen"] == []
    assert [(p["key"], p["status"]) for p in period["proses"]] == [("pendaftaran_uji_kompetensi", "running")]
    assert (period["jadwal"], period["batas_banding"]) == (None, None)
    # peserta2's own task is theirs alone.
    [tugas2] = the_period(api, "peserta2")["harus"]
    assert tugas2["id"] != tugas["id"]


def test_a_candidate_who_submitted_waits_for_kabid_administrasis_check(api: Api) -> None:
    sb.registration_open(api, [PESERTA, PESERTA2])
    sop.submit_apl(api, "peserta")
    period = the_period(api, "peserta")
    assert step(period)[:2] == ("3", LANGKAH_3)
    assert period["harus"] == []
    [menunggu] = period["menunggu"]
    assert menunggu == {
        "nama": "Memeriksa kelengkapan berkas pendaftaran",
        "peran": "kabid_administrasi",
        "lane": "Kabid Administrasi",
        "langkah": "3",
        "batas": period["langkah"]["batas"],
    }
    # peserta2 has not submitted: they still must, and wait for nobody.
    other = the_period(api, "peserta2")
    assert tasks(other["harus"]) == [("Mengisi FR.APL.01 dan FR.APL.02", "3")]
    assert other["menunggu"] == []


def test_a_candidate_whose_registration_was_returned_must_revise_it_and_sees_the_reason(api: Api) -> None:
    sb.registration_open(api, [PESERTA, PESERTA2])
    sop.submit_apl(api, "peserta")
    sop.submit_apl(api, "peserta2")
    sop.check_files(
        api,
        {
            "peserta": ("dikembalikan", "Pindaian KTM tidak terbaca; unggah ulang"),
            "peserta2": ("ditolak", "Bukan mahasiswa tingkat akhir"),
        },
    )
    period = the_period(api, "peserta")
    assert tasks(period["harus"]) == [("Mengisi FR.APL.01 dan FR.APL.02", "3")]
    assert period["menunggu"] == []
    pendaftaran = period["hasil"]["pendaftaran"]
    assert (pendaftaran["keputusan"], pendaftaran["alasan"]) == (
        "dikembalikan",
        "Pindaian KTM tidak terbaca; unggah ulang",
    )
    never_mentions(status(api, "peserta"), "Bukan mahasiswa tingkat akhir", "ditolak")
    rejected = the_period(api, "peserta2")
    assert (rejected["hasil"]["pendaftaran"]["keputusan"], rejected["hasil"]["pendaftaran"]["alasan"]) == (
        "ditolak",
        "Bukan mahasiswa tingkat akhir",
    )
    assert rejected["harus"] == [] and rejected["menunggu"] == []
    never_mentions(status(api, "peserta2"), "Pindaian KTM tidak terbaca", "dikembalikan")


def test_after_the_assessment_and_pleno_a_candidate_sees_k_their_card_and_their_assessment_record(api: Api) -> None:
    root = sb.decided(api, [PESERTA, PESERTA2, PESERTA3])
    body = status(api, "peserta")
    [period] = body["peserta"]
    assert step(period) == ("6", LANGKAH_6, timedelta(days=14))
    assert period["harus"] == [] and period["menunggu"] == []
    hasil = period["hasil"]
    assert hasil["pendaftaran"]["keputusan"] == "diterima"
    assert (hasil["kehadiran"]["hadir"], hasil["kehadiran"]["catatan"]) == (True, None)
    assert (hasil["keputusan"]["keputusan"], hasil["keputusan"]["sumber"]) == ("K", "pleno")
    [sk] = sb.documents(api, root, "sk_penetapan")
    assert hasil["keputusan"]["dokumen_id"] == sk.id
    assert (hasil["pra_asesmen"]["rekomendasi"], hasil["pra_asesmen"]["catatan"]) == ("lanjut", "Bukti memadai")
    jadwal = period["jadwal"]
    assert (jadwal["tuk_kode"], jadwal["tuk_nama"], jadwal["asesor_nama"]) == (
        "TUK-01",
        "Laboratorium Komputer Terpadu",
        "Budi Santoso, S.Kom., M.T.",
    )
    # their own session, not the window (sop.jadwal: days 10 and 11): session 1, day 10's morning
    assert jadwal["asesmen_mulai"] == jadwal["asesmen_selesai"]
    assert (jadwal["sesi"], jadwal["pukul"]) == (1, "08.00–12.00 WIB")
    assert [(p["key"], p["status"]) for p in period["proses"]] == [
        ("pendaftaran_uji_kompetensi", "completed"),
        ("pra_asesmen", "completed"),
        ("pelaksanaan_uji_kompetensi", "completed"),
    ]
    assert period["batas_banding"] is None  # decided K: nothing to appeal
    apl01, apl02, kartu, persetujuan, rekaman, umpan_balik = period["dokumen"]
    assert (apl01["kind"], apl01["label"]) == ("permohonan_sertifikasi", "FR.APL.01 Permohonan Sertifikasi Kompetensi")
    assert (apl02["kind"], apl02["label"]) == ("asesmen_mandiri", "FR.APL.02 Asesmen Mandiri")
    assert (kartu["kind"], kartu["label"]) == ("kartu_peserta", "Kartu Peserta Uji Kompetensi")
    assert (persetujuan["kind"], persetujuan["label"]) == (
        "persetujuan_asesmen",
        "FR.AK.01 Persetujuan Asesmen dan Kerahasiaan",
    )
    assert (umpan_balik["kind"], umpan_balik["label"]) == (
        "umpan_balik_asesmen",
        "FR.AK.03 Umpan Balik dan Catatan Asesmen",
    )
    assert re.fullmatch(r"001/LSP-STMI/KP/[IVX]+/\d{4}", kartu["nomor"]), kartu["nomor"]
    assert (rekaman["kind"], rekaman["label"]) == ("rekaman_asesmen", "FR.AK.02 Rekaman Asesmen Kompetensi")
    assert re.fullmatch(r"\d{3}/LSP-STMI/AK02/[IVX]+/\d{4}", rekaman["nomor"]), rekaman["nomor"]
    assert (kartu["dirender"], rekaman["dirender"]) == (False, False)  # no renderer runs in these tests
    for d in (kartu, persetujuan, rekaman, umpan_balik):
        assert d["tautan"] == f"/api/dokumen/{d['id']}"
        assert {x.id: x.candidate for x in sb.documents(api, root)}[d["id"]] == "peserta"
    # Nothing of the other candidates of the same period: names, NIMs, usernames, their documents' numbers.
    others = [d for d in sb.documents(api, root) if d.candidate not in (None, "peserta")]
    # peserta2's and peserta3's FR.APL.01, FR.APL.02, cards, FR.AK.01, FR.AK.02 and FR.AK.03
    assert len(others) == 12
    never_mentions(body, "peserta2", "peserta3", "Bunga Maharani", "Cahyo Nugroho", "2303002", "2301001")
    never_mentions(body, *[d.number for d in others])
    assert {d["id"] for d in period["dokumen"]}.isdisjoint({d.id for d in others})


def test_an_asesor_sees_exactly_their_candidates_with_their_own_tasks_and_what_each_waits_for(api: Api) -> None:
    root = sb.ready(api, [PESERTA, PESERTA2, PESERTA3])
    t = sb.task_about(api, "asesor", sb.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], sop.kehadiran())
    body = status(api, "asesor")
    assert body["peserta"] == []
    [period] = body["asesor"]
    assert (period["instance_id"], period["business_key"]) == (root, "LSP-2026-GENAP")
    andi, bunga = period["calon"]
    jwd = ("SKM/LSP-STMI/001/2024", "Junior Web Developer", "TUK-01")
    assert (andi["username"], andi["nama"], andi["nim"]) == ("peserta", "Andi Pratama", "2303001")
    assert (andi["skema_nomor"], andi["skema_judul"], andi["tuk_kode"]) == jwd
    assert (bunga["username"], bunga["nama"], bunga["nim"]) == ("peserta2", "Bunga Maharani", "2303002")
    assert (bunga["skema_nomor"], bunga["skema_judul"], bunga["tuk_kode"]) == jwd
    assert step({"langkah": andi["langkah"]}) == ("5", LANGKAH_5, timedelta(days=7))
    # Andi is present and must agree to FR.AK.01; the asesor waits for him, with nothing to do for him yet.
    assert andi["harus"] == []
    assert tasks(andi["menunggu"]) == [("Menyetujui asesmen (FR.AK.01)", "peserta")]
    # Bunga's attendance is the asesor's to record.
    assert tasks(bunga["harus"]) == [("Mencatat kehadiran peserta", "5")]
    assert bunga["harus"][0]["tautan"] == f"/api/tasks/{bunga['harus'][0]['id']}"
    assert bunga["menunggu"] == []
    never_mentions(body, "peserta3", "Cahyo Nugroho", "2301001", "TUK-02")
    [period2] = status(api, "asesor2")["asesor"]
    [cahyo] = period2["calon"]
    assert (cahyo["username"], cahyo["nama"], cahyo["nim"], cahyo["tuk_kode"]) == (
        "peserta3",
        "Cahyo Nugroho",
        "2301001",
        "TUK-02",
    )
    # asesor3 verified TUK-02 (a task about a TUK, not a candidate) and assesses nobody.
    assert status(api, "asesor3")["asesor"] == []
    # And the candidate sees the same wait from their side: their own FR.AK.01 to do.
    assert tasks(the_period(api, "peserta")["harus"]) == [("Menyetujui asesmen (FR.AK.01)", "5")]
    assert tasks(the_period(api, "peserta2")["menunggu"]) == [("Mencatat kehadiran peserta", "asesor")]


def test_staff_get_their_inbox_count_and_no_candidate_view(api: Api) -> None:
    sb.registration_open(api, [PESERTA])
    sop.submit_apl(api, "peserta")
    for username in ("direktur", "kabid_administrasi", "admin", "desainer"):
        body = status(api, username)
        assert (body["username"], body["peserta"], body["asesor"]) == (username, [], [])
        assert body["tugas_siap"] == len(api.inbox(username))
    assert status(api, "kabid_administrasi")["tugas_siap"] == 2  # the check of peserta's files, closing
    assert api.client.get("/api/me/status").status_code == 401


def test_a_candidate_in_no_period_gets_an_empty_status(api: Api) -> None:
    sb.registration_open(api, [PESERTA])
    body = status(api, "peserta12")
    assert (body["peran"], body["tugas_siap"], body["peserta"], body["asesor"]) == (["peserta"], 0, [], [])


def test_the_status_runs_the_same_number_of_queries_for_one_candidate_as_for_two(api: Api) -> None:
    sb.decided(api, [PESERTA, PESERTA2, PESERTA3])
    # Each caller is read once just before being counted: the process's user cache (5 s) then holds them, so
    # a loaded machine's pauses do not add a user lookup to one count and not the other.
    status(api, "asesor")
    with counted(api) as two:
        status(api, "asesor")  # two candidates, their cards and records
    status(api, "asesor2")
    with counted(api) as one:
        status(api, "asesor2")  # one candidate
    assert len(two) == len(one)
    status(api, "peserta")
    with counted(api) as peserta:
        status(api, "peserta")
    status(api, "peserta3")
    with counted(api) as peserta3:
        status(api, "peserta3")
    assert len(peserta) == len(peserta3) <= 20, peserta


def test_a_candidate_decided_bk_sees_the_appeal_they_wait_for_and_then_k_through_the_appeal(api: Api) -> None:
    bk = Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02", bk=True)
    sb.decided(api, [bk, PESERTA])
    period = the_period(api, "peserta3")
    assert (period["hasil"]["keputusan"]["keputusan"], period["hasil"]["keputusan"]["sumber"]) == ("BK", "pleno")
    assert tasks(period["harus"]) == [("Mengajukan banding (FR.AK.04)", "6")]
    # The window the LSP's masa banding sets (14 days), from the appeal task's own data.
    window = at(period["batas_banding"]) - at(period["hasil"]["keputusan"]["pada"])
    assert abs(window - timedelta(days=14)) < timedelta(minutes=1), window  # set as the SK is approved
    sb.appeal(api, "peserta3")
    period = the_period(api, "peserta3")
    assert period["harus"] == [] and period["batas_banding"] is None
    assert tasks(period["menunggu"]) == [("Memutuskan banding", "ketua_lsp")]
    sb.decide_appeal(api, "diterima")
    t = sop.one(api, "kabid_sertifikasi", sb.ASESOR_ULANG)
    api.complete(
        "kabid_sertifikasi", t["id"], {"asesor_ulang": {"asesor": "asesor4", **sop.PUKUL_ULANG, "catatan": ""}}
    )
    period = the_period(api, "peserta3")
    assert tasks(period["harus"]) == [("Menyetujui asesmen ulang (FR.AK.01)", "6")]
    sop.setuju_asesmen_ulang(api, "peserta3")
    [calon] = status(api, "asesor4")["asesor"][0]["calon"]
    assert (calon["username"], calon["nama"], tasks(calon["harus"])) == (
        "peserta3",
        "Cahyo Nugroho",
        [("Menilai ulang unit kompetensi (FR.AK.02)", "6")],
    )
    t = sop.one(api, "asesor4", sb.MENILAI_ULANG)
    api.complete("asesor4", t["id"], sop.penilaian(api, sop.OPR))
    sop.umpan_balik(api, "peserta3", ulang=True)
    sb.decide_reassessment(api)
    api.drain()
    period = the_period(api, "peserta3")
    assert (period["hasil"]["keputusan"]["keputusan"], period["hasil"]["keputusan"]["sumber"]) == ("K", "banding")
    never_mentions(status(api, "peserta3"), "Andi Pratama", "2303001", '"username": "peserta"')
