"""Step 3, assignment: an asesor's MET, skema, conflicts of interest and the LSP's ratio; every TUK needs a
verifikator.
How these tests work: tests/sop/__init__.py.
"""

from datetime import timedelta

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

JWD = sop.JWD


ASSIGNABLE = [
    Calon("peserta", asesor="asesor"),
    Calon("peserta2", asesor="asesor2"),
    Calon("peserta12", asesor="asesor"),
]


def assignment_waiting(api: Api) -> tuple[int, str]:
    root = b.registered(api, ASSIGNABLE)
    return root, sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)["id"]


def no_assignment_yet(api: Api, root: int) -> None:
    assert all(sop.tasks_named(api, a, b.PRA_ASESMEN) == [] for a in b.ASESOR)
    assert b.documents(api, root, "kartu_peserta") == [] and b.documents(api, root, "surat_tugas_asesor") == []


def test_assigning_an_asesor_whose_met_has_expired_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    kemarin = (sop.today(api) - timedelta(days=1)).isoformat()
    r = api.client.patch(
        f"/api/asesor/{b.asesor_id(api, 'asesor2')}", headers=api.headers("admin"), json={"met_berlaku_sd": kemarin}
    )
    assert r.status_code == 200, r.text
    b.refused(
        api, "kabid_sertifikasi", task, b.penugasan(ASSIGNABLE), root, {"penugasan_asesor.1.asesor": ["MET", "asesor2"]}
    )
    no_assignment_yet(api, root)


def test_assigning_an_asesor_not_competent_for_the_candidates_skema_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    calon = [ASSIGNABLE[0], Calon("peserta2", asesor="asesor3"), ASSIGNABLE[2]]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(calon),
        root,
        {"penugasan_asesor.1.asesor": ["asesor3", "tidak kompeten", "Junior Web Developer", "peserta2"]},
    )
    no_assignment_yet(api, root)


def test_assigning_an_asesor_with_a_declared_conflict_of_interest_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    r = api.post(
        "asesor2",
        f"/api/asesor/{b.asesor_id(api, 'asesor2')}/konflik",
        json={"peserta_username": "peserta2", "keterangan": "Tetangga satu rumah"},
    )
    assert r.status_code == 201, r.text
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(ASSIGNABLE),
        root,
        {"penugasan_asesor.1.asesor": ["asesor2", "konflik kepentingan", "peserta2"]},
    )
    # The demo data's own declaration: asesor4 is peserta12's uncle.
    calon = [ASSIGNABLE[0], ASSIGNABLE[1], Calon("peserta12", asesor="asesor4")]
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(calon),
        root,
        {"penugasan_asesor.2.asesor": ["asesor4", "konflik kepentingan", "peserta12"]},
    )
    no_assignment_yet(api, root)


def test_assigning_an_asesor_beyond_the_lsps_ratio_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    b.set_lsp(api, rasio_asesi_per_asesor=1)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(ASSIGNABLE),  # asesor has peserta and peserta12
        root,
        {"penugasan_asesor.2.asesor": ["asesor", "rasio", "1:1", "peserta12"]},
    )
    no_assignment_yet(api, root)


def test_leaving_an_accepted_candidate_without_an_asesor_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    b.refused(
        api,
        "kabid_sertifikasi",
        task,
        b.penugasan(ASSIGNABLE[:2]),
        root,
        {"penugasan_asesor": ["belum ditugaskan", "peserta12"]},
    )
    no_assignment_yet(api, root)


def test_a_tuk_used_without_a_verifikator_is_refused(api: Api) -> None:
    root, task = assignment_waiting(api)
    calon = [ASSIGNABLE[0], Calon("peserta2", asesor="asesor2", tuk="TUK-02"), ASSIGNABLE[2]]
    data = b.penugasan(calon)
    data["penugasan_verifikator"] = [v for v in data["penugasan_verifikator"] if v["tuk_kode"] == "TUK-01"]
    b.refused(api, "kabid_sertifikasi", task, data, root, {"penugasan_verifikator": ["verifikator", "TUK-02"]})
    no_assignment_yet(api, root)


def test_an_assignment_breaking_several_rules_is_refused_with_every_reason_then_a_valid_one_passes(api: Api) -> None:
    root, task = assignment_waiting(api)
    kemarin = (sop.today(api) - timedelta(days=1)).isoformat()
    r = api.client.patch(
        f"/api/asesor/{b.asesor_id(api, 'asesor')}", headers=api.headers("admin"), json={"met_berlaku_sd": kemarin}
    )
    assert r.status_code == 200, r.text
    calon = [
        Calon("peserta", asesor="asesor"),  # MET expired
        Calon("peserta2", asesor="asesor3", tuk="TUK-02"),  # not competent for JWD; TUK-02 has no verifikator
        # peserta12 left out
    ]
    data = b.penugasan(calon)
    data["penugasan_verifikator"] = [{"tuk_kode": "TUK-01", "verifikator": "asesor2"}]
    body = b.refused(
        api,
        "kabid_sertifikasi",
        task,
        data,
        root,
        {
            "penugasan_asesor.0.asesor": ["MET"],
            "penugasan_asesor.1.asesor": ["tidak kompeten"],
            "penugasan_asesor": ["peserta12"],
            "penugasan_verifikator": ["TUK-02"],
        },
    )
    assert len(body["errors"]) == 4

    valid = [
        Calon("peserta", asesor="asesor2"),
        Calon("peserta2", asesor="asesor4"),
        Calon("peserta12", asesor="asesor2"),
    ]
    api.complete("kabid_sertifikasi", task, b.penugasan(valid))
    assert sop.tasks_named(api, "kabid_sertifikasi", b.MENUGASKAN) == []
    assert len(sop.tasks_named(api, "asesor2", b.PRA_ASESMEN)) == 2
    assert len(sop.tasks_named(api, "asesor4", b.PRA_ASESMEN)) == 1
    b.pra_asesmen(api, valid)
    kartu = b.documents(api, root, "kartu_peserta")
    assert {d.candidate for d in kartu} == {"peserta", "peserta2", "peserta12"}
    assert b.task_about(api, "asesor2", b.VERIFIKASI, "TUK-01")
