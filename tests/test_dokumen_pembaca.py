"""Each role reaches the documents that concern it (documents-and-rules review, section 6; issue 12 part 8): a
candidate their own SK banding (in their status, without knowing a period id), an asesor the Berita Acara they
sign and the kartu of their own candidates; nobody else's."""

from typing import Any

from tests.support import sop
from tests.support.api import Api
from tests.test_documents import documents


def by_kind(api: Api, instance_id: int) -> dict[str, list[dict[str, Any]]]:
    kinds: dict[str, list[dict[str, Any]]] = {}
    for d in documents(api, instance_id):
        kinds.setdefault(d["kind"], []).append(d)
    return kinds


def status_of(api: Api, user: str, doc: dict[str, Any]) -> int:
    return int(api.get(user, f"/api/dokumen/{doc['id']}/html").status_code)


def test_a_candidate_reads_the_decision_on_their_own_appeal_and_finds_it_in_their_status(api: Api) -> None:
    instance_id = sop.walk_period(api)
    (banding,) = by_kind(api, instance_id)["sk_banding"]
    assert banding["candidate"] == "peserta3"
    assert status_of(api, "peserta3", banding) == 200
    assert status_of(api, "peserta", banding) == 403
    mine = api.get("peserta3", "/api/me/status").json()
    listed = [d["kind"] for p in mine["peserta"] for d in p["dokumen"]]
    assert "sk_banding" in listed
    others = [d["kind"] for p in api.get("peserta", "/api/me/status").json()["peserta"] for d in p["dokumen"]]
    assert "sk_banding" not in others


def test_an_asesor_reads_the_berita_acara_they_sign_and_the_kartu_of_their_own_candidates_only(api: Api) -> None:
    instance_id = sop.walk_period(api)
    kinds = by_kind(api, instance_id)
    (ba,) = kinds["berita_acara_asesmen"]
    # asesor and asesor2 assessed groups of this Berita Acara and sign it; asesor3 only verified a TUK.
    assert status_of(api, "asesor", ba) == 200
    assert status_of(api, "asesor2", ba) == 200
    assert status_of(api, "asesor3", ba) == 403
    kartu = {d["candidate"]: d for d in kinds["kartu_peserta"]}
    assert status_of(api, "asesor", kartu["peserta"]) == 200  # Andi Pratama, assessed by asesor
    assert status_of(api, "asesor", kartu["peserta2"]) == 200
    assert status_of(api, "asesor", kartu["peserta3"]) == 403  # asesor2's candidate
    assert status_of(api, "asesor2", kartu["peserta3"]) == 200
    assert status_of(api, "peserta2", kartu["peserta"]) == 403


def test_an_asesor_reads_the_amended_sk_jadwal_that_schedules_them_and_nobody_unscheduled_reads_it(api: Api) -> None:
    instance_id = sop.walk_period(api)
    sk, perubahan = sorted(by_kind(api, instance_id)["sk_jadwal"], key=lambda d: d["id"])
    assert (sk["number"], perubahan["number"]) == ("001/LSP-STMI/SK/XII/2026", "002/LSP-STMI/SK/XII/2026")
    # The amendment's lampiran: asesor at TUK-01 (JWD), asesor2 at TUK-02 (OPR); asesor3 verified a TUK only,
    # asesor4 re-assessed after the appeal, later and by a surat tugas of their own.
    assert status_of(api, "asesor", perubahan) == 200
    assert status_of(api, "asesor2", perubahan) == 200
    assert status_of(api, "asesor3", perubahan) == 403
    assert status_of(api, "asesor4", perubahan) == 403
    assert status_of(api, "peserta", perubahan) == 403
    # The step 2 SK names no asesor.
    assert status_of(api, "asesor", sk) == 403
