"""Step 5, assessment: attendance, FR.AK.01 consent and FR.AK.02's units.
(How these tests work: tests/sop/__init__.py.)
"""

from datetime import datetime
from typing import Any

import pytest

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.hari import on_the_day, pdf_text, rapat
from tests.support.sop_branches import Calon

JWD = sop.JWD
PELAKSANAAN = "pelaksanaan_uji_kompetensi"


def hasil_asesmen(api: Api) -> dict[str, dict[str, Any]]:
    """Each assessment's outcome, as the rapat pleno sees it."""
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    data = sop.task_data(api, "kabid_sertifikasi", t["id"])
    return {h["username"]: h for h in b.process_list(data, "hasil_asesmen")}


def test_an_absent_candidate_gets_no_consent_task_is_recorded_tidak_hadir_and_gets_no_certificate(api: Api) -> None:
    calon = [Calon("peserta", asesor="asesor"), Calon("peserta2", asesor="asesor2", hadir=False)]
    root = b.ready(api, calon)
    b.assess(api, calon[1])
    assert sop.tasks_named(api, "peserta2", b.AK01) == []
    b.assess(api, calon[0])
    api.drain()
    sop.laporan_asesor(api)  # asesor reports on peserta (FR.AK.05); asesor2 assessed no one and owes none

    hasil = hasil_asesmen(api)
    assert hasil["peserta2"]["status"] == "tidak_hadir" and hasil["peserta2"]["kompeten"] is None
    assert hasil["peserta"]["status"] == "dinilai" and hasil["peserta"]["kompeten"] is True
    [ba] = b.documents(api, root, "berita_acara_asesmen")
    assert ba.data["jumlah_tidak_hadir"] == 1 and ba.data["jumlah_k"] == 1
    listed = {p["username"]: p for k in ba.data["kelompok"] for p in k["peserta"]}
    assert listed["peserta2"]["status"] == "tidak_hadir" and listed["peserta2"]["rekomendasi"] is None

    # The pleno cannot decide an absent candidate.
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        sop.pleno({"peserta": "K", "peserta2": "K"}),
        root,
        {"pleno.keputusan.1.username": ["peserta2", "tidak hadir"]},
    )
    b.decide(api, {"peserta": "K"})
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    api.complete("kabid_administrasi", t["id"], {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta"])}})
    api.drain()
    assert [c.peserta_username for c in b.certificates(api)] == ["peserta"]


def test_a_candidate_refusing_fr_ak_01_is_recorded_as_refusing_not_absent_wherever_the_period_tells_it(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    menolak, absen, kompeten = Calon("peserta"), Calon("peserta2", hadir=False), Calon("peserta3", asesor="asesor2")
    root = b.ready(api, [menolak, absen, kompeten])
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], sop.kehadiran())  # present: checked with the kartu peserta
    t = sop.one(api, "peserta", b.AK01)
    # A refusal says why: without a reason it is refused at the reason's field, and nothing changes.
    for catatan, words in (({}, "catatan wajib diisi"), ({"catatan": ""}, "tidak boleh kosong")):
        b.refused(api, "peserta", t["id"], {"ak01": {"setuju": False, **catatan}}, root, {"ak01.catatan": [words]})
    api.complete("peserta", t["id"], {"ak01": {"setuju": False, "catatan": "Belum siap"}})
    assert sop.tasks_named(api, "asesor", b.AK02) == [] and sop.tasks_named(api, "peserta", b.AK03) == []
    b.assess(api, absen)
    b.assess(api, kompeten)
    api.drain()
    sop.laporan_asesor(api)

    # The history holds her own refusal; the process path took the refusal's end (only it records
    # `tidak_setuju`), never the absence's.
    [child] = [c for c in b.children(api, root) if c["key"] == PELAKSANAAN and c["subject"] == "peserta"]
    [ak01] = [e for e in api.history(child["id"], False) if e["type"] == "task_completed" and e["actor"] == "peserta"]
    assert (ak01["task_name"], ak01["data"]) == (b.AK01, {"ak01": {"setuju": False, "catatan": "Belum siap"}})
    hasil = hasil_asesmen(api)
    assert (hasil["peserta"]["status"], hasil["peserta"]["alasan"], hasil["peserta"]["kompeten"]) == (
        "tidak_setuju",
        "Belum siap",
        None,
    )
    assert hasil["peserta2"]["status"] == "tidak_hadir"

    # The Berita Acara Asesmen: present and refusing, with a signature cell on the daftar hadir.
    [ba] = b.documents(api, root, "berita_acara_asesmen")
    assert (ba.data["jumlah_hadir"], ba.data["jumlah_tidak_hadir"], ba.data["jumlah_tidak_setuju"]) == (2, 1, 1)
    text = pdf_text(api, ba.id)
    assert rapat("Hadir, menolak asesmen (FR.AK.01): Belum siap") in text
    assert rapat("Tidak hadir: Sakit") in text and rapat("Sakit (") not in text
    assert rapat("Jumlah 1 0 Tidak hadir: 1 Menolak FR.AK.01: 1") in text
    berita_acara, daftar_hadir = text.split(rapat("DAFTAR HADIR UJI KOMPETENSI"))
    assert rapat("Pada hari ini Selasa tanggal satu bulan Desember tahun dua ribu dua puluh enam") in berita_acara
    assert daftar_hadir.lower().count("tidakhadir") == 1  # peserta2's cell only; peserta signs
    assert rapat("Hari, tanggal : Selasa, 1 Desember 2026") in daftar_hadir

    # The rapat pleno cannot decide her, and says why.
    t = sop.one(api, "kabid_sertifikasi", b.PLENO)
    b.refused(
        api,
        "kabid_sertifikasi",
        t["id"],
        sop.pleno({"peserta3": "K", "peserta": "K"}),
        root,
        {"pleno.keputusan.1.username": ["Andi Pratama", "menolak asesmen (FR.AK.01)"]},
    )
    b.decide(api, {"peserta3": "K"})
    [bap] = b.documents(api, root, "berita_acara_pleno")
    assert rapat("Tidak dinilai: Andi Pratama (hadir, menolak asesmen FR.AK.01)") in pdf_text(api, bap.id)

    # The candidate's own status: present, and refusing.
    [period] = api.get("peserta", "/api/me/status").json()["peserta"]
    assert period["hasil"]["kehadiran"]["hadir"] is True
    assert period["hasil"]["kehadiran"]["tanggal"] == "2026-12-01"
    persetujuan = period["hasil"]["persetujuan"]
    assert (persetujuan["setuju"], persetujuan["catatan"]) == (False, "Belum siap")
    [period2] = api.get("peserta2", "/api/me/status").json()["peserta"]
    assert period2["hasil"]["kehadiran"]["hadir"] is False and period2["hasil"]["persetujuan"] is None

    # The Laporan counts the refusal apart from the absence.
    t = sop.one(api, "kabid_administrasi", b.NOMOR)
    nomor = {"nomor_sertifikat": {"sertifikat": sop.nomor_sertifikat(["peserta3"])}}
    api.complete("kabid_administrasi", t["id"], nomor)
    api.drain()
    sop.step_7(api, root)
    [laporan] = b.documents(api, root, "laporan")
    assert (laporan.data["jumlah_tidak_hadir"], laporan.data["jumlah_tidak_setuju"]) == (1, 1)
    text = pdf_text(api, laporan.id)
    assert rapat("3 orang (hadir 2, tidak hadir 1); dinilai 1, menolak asesmen (FR.AK.01) 1") in text
    # Per TUK: peserta 3, K 1, BK 0, ditunda 0, tidak hadir 1, menolak 1.
    assert rapat("Laboratorium Komputer Terpadu (TUK-01) 3 1 0 0 1 1") in text


def hadir_pada(tanggal: str, alasan: str = "") -> dict[str, Any]:
    return {"kehadiran": {"hadir": True, "tanggal": tanggal, "alasan_di_luar_jadwal": alasan, "catatan": ""}}


def test_an_assessment_day_in_the_future_before_its_tuk_was_verified_or_outside_the_sk_jadwal_unexplained_is_refused(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)  # Tuesday 1 December 2026; TUK-01 verified today; the SK Jadwal: 11-12 December
    root = b.ready(api, [Calon("peserta")])
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")["id"]
    alasan = "Asesmen dimajukan atas permintaan program studi"
    b.refused(
        api,
        "asesor",
        t,
        hadir_pada("2026-12-02", alasan),
        root,
        {"kehadiran.tanggal": ["2 Desember 2026", "belum terjadi", "hari ini (1 Desember 2026)"]},
    )
    b.refused(
        api,
        "asesor",
        t,
        hadir_pada("2026-11-30", alasan),
        root,
        {"kehadiran.tanggal": ["30 November 2026", "sebelum verifikasi TUK TUK-01", "tanggal 1 Desember 2026"]},
    )
    b.refused(
        api,
        "asesor",
        t,
        hadir_pada("2026-12-01"),
        root,
        {
            "kehadiran.alasan_di_luar_jadwal": [
                "Tanggal asesmen 1 Desember 2026 di luar jadwal asesmen dalam SK Jadwal",
                "(11 Desember 2026 s.d. 12 Desember 2026)",
                "tuliskan alasannya",
            ]
        },
    )
    assert sop.tasks_named(api, "peserta", b.AK01) == []

    # With the reason, the day stands, and the documents say it and why.
    api.complete("asesor", t, hadir_pada("2026-12-01", alasan))
    t = sop.one(api, "peserta", b.AK01)
    api.complete("peserta", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    t = b.task_about(api, "asesor", b.AK02, "peserta")
    api.complete("asesor", t["id"], sop.penilaian(api, JWD))
    [rekaman] = b.documents(api, root, "rekaman_asesmen")
    text = pdf_text(api, rekaman.id)
    assert rapat("Tanggal asesmen : 1 Desember 2026 Di luar jadwal SK Jadwal: " + alasan) in text


def test_an_assessment_inside_the_sk_jadwal_needs_no_reason_and_its_documents_carry_its_day_not_the_day_of_entry(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day(api, monkeypatch)
    c = Calon("peserta")
    root = b.ready(api, [c])
    # Recorded on Saturday 12 December for the assessment held on Friday 11 December (inside the SK Jadwal).
    on_the_day(api, monkeypatch, datetime(2026, 12, 12, 10, 0, tzinfo=sop.WIB))
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], hadir_pada("2026-12-11"))
    t = sop.one(api, "peserta", b.AK01)
    api.complete("peserta", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    t = b.task_about(api, "asesor", b.AK02, "peserta")
    api.complete("asesor", t["id"], sop.penilaian(api, JWD))
    sop.umpan_balik(api, "peserta")
    api.drain()

    [rekaman] = b.documents(api, root, "rekaman_asesmen")
    text = pdf_text(api, rekaman.id)
    assert rapat("Tanggal asesmen : 11 Desember 2026") in text and rapat("Di luar jadwal") not in text
    assert "12Desember2026" not in text
    [ba] = b.documents(api, root, "berita_acara_asesmen")
    text = pdf_text(api, ba.id)
    assert rapat("Pada hari ini Jumat tanggal sebelas bulan Desember tahun dua ribu dua puluh enam") in text
    assert rapat("Jakarta Pusat, 11 Desember 2026 Asesor Kompetensi") in text
    assert rapat("Hari, tanggal : Jumat, 11 Desember 2026") in text
    assert "12Desember2026" not in text and rapat("di luar jadwal") not in text


def ak02_waiting(api: Api) -> tuple[int, str]:
    root = b.ready(api, [Calon("peserta")])
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], sop.kehadiran())
    t = sop.one(api, "peserta", b.AK01)
    api.complete("peserta", t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    return root, b.task_about(api, "asesor", b.AK02, "peserta")["id"]


def test_fr_ak_02_missing_a_unit_is_refused(api: Api) -> None:
    root, task = ak02_waiting(api)
    data = sop.penilaian(api, JWD)
    left_out = data["penilaian"]["unit"].pop(0)["kode"]
    b.refused(api, "asesor", task, data, root, {"penilaian.unit": [left_out, "belum dinilai"]})
    assert sop.tasks_named(api, "peserta", b.AK03) == []
    assert b.documents(api, root, "rekaman_asesmen") == []


def test_fr_ak_02_with_a_bk_unit_without_catatan_is_refused(api: Api) -> None:
    root, task = ak02_waiting(api)
    data = sop.penilaian(api, JWD, bk=True)
    last = len(data["penilaian"]["unit"]) - 1
    data["penilaian"]["unit"][last]["catatan"] = "  "  # the form asks for one character; blanks are not a catatan
    kode = data["penilaian"]["unit"][last]["kode"]
    b.refused(api, "asesor", task, data, root, {f"penilaian.unit.{last}.catatan": [kode, "BK", "catatan"]})


def test_a_bk_unit_makes_the_candidate_not_kompeten(api: Api) -> None:
    b.assessed(api, [Calon("peserta", bk=True)])
    hasil = hasil_asesmen(api)["peserta"]
    assert hasil["status"] == "dinilai" and hasil["kompeten"] is False
    assert [u["rekomendasi"] for u in hasil["unit"]].count("BK") == 1


@pytest.mark.parametrize("why", ["absent", "refused_fr_ak_01", "pra_asesmen_tidak_lanjut"])
def test_a_period_in_which_nobody_was_assessed_goes_on_to_evaluation_without_certificates(api: Api, why: str) -> None:
    """Nobody to decide (every candidate absent, refusing FR.AK.01, or not to be continued after the
    pra-asesmen): step 6 must not stall on a rapat pleno that can decide nothing."""
    c = Calon("peserta", hadir=why != "absent", setuju=why != "refused_fr_ak_01")
    if why == "pra_asesmen_tidak_lanjut":
        root = b.registered(api, [c])
        t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN)
        api.complete("kabid_sertifikasi", t["id"], b.penugasan([c]))
        t = b.task_about(api, "asesor", b.PRA_ASESMEN, "peserta")
        api.complete("asesor", t["id"], {"pra_asesmen": {"rekomendasi": "tidak_lanjut", "catatan": "Belum layak"}})
    else:
        root = b.ready(api, [c])
        b.assess(api, c)
    api.drain()

    # Either no pleno is asked for, or one with nobody to decide is accepted (and its SK approved).
    for t in sop.tasks_named(api, "kabid_sertifikasi", b.PLENO):
        r = api.post("kabid_sertifikasi", f"/api/tasks/{t['id']}/complete", json={"data": sop.pleno({})})
        assert r.status_code == 200, f"the pleno cannot be held and the period stalls: {r.text}"
        for sk in sop.tasks_named(api, "ketua_lsp", b.SK_PENETAPAN):
            api.complete("ketua_lsp", sk["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
        api.drain()
    assert sop.tasks_named(api, "ketua_lsp", b.EVALUASI, instance_id=root), b.instance(api, root)
    assert b.certificates(api) == []
