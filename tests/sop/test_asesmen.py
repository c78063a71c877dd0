"""Step 5, assessment: attendance, FR.AK.01 consent and FR.AK.02's units.
(How these tests work: tests/sop/__init__.py.)
"""

from typing import Any

import pytest

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

JWD = sop.JWD


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


def test_a_candidate_refusing_fr_ak_01_is_not_assessed_and_recorded_tidak_hadir(api: Api) -> None:
    calon = [Calon("peserta", setuju=False), Calon("peserta2", asesor="asesor2")]
    b.ready(api, calon)
    b.assess(api, calon[0])
    assert sop.tasks_named(api, "asesor", b.AK02) == []
    assert sop.tasks_named(api, "peserta", b.AK03) == []
    b.assess(api, calon[1])
    api.drain()
    hasil = hasil_asesmen(api)
    assert hasil["peserta"]["status"] == "tidak_hadir" and hasil["peserta"]["kompeten"] is None
    assert "ak.01" in hasil["peserta"]["alasan"].lower() or "menolak" in hasil["peserta"]["alasan"].lower()


def ak02_waiting(api: Api) -> tuple[int, str]:
    root = b.ready(api, [Calon("peserta")])
    t = b.task_about(api, "asesor", b.KEHADIRAN, "peserta")
    api.complete("asesor", t["id"], {"kehadiran": {"hadir": True, "catatan": ""}})
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
