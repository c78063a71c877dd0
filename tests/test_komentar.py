"""Comments on tasks and instances: written by whoever may see the task or instance, shown in its history,
permission-checked like it (a candidate never reads a staff note, about another candidate or about
themselves, unless it was written for them), kept forever and never edited; a refusal changes nothing."""

from dataclasses import dataclass
from typing import Any

import pytest
from sqlalchemy import select

from api.store.models import Event, HumanTask, Komentar, User, UserRole
from tests.support import sop
from tests.support.api import Api
from tests.support.sop_branches import MENUGASKAN, PRA_ASESMEN, Calon, message_at, penugasan, registered, snapshot

APL = "Mengisi FR.APL.01 dan FR.APL.02"
CALON = [
    Calon("peserta", skema=sop.JWD, asesor="asesor", tuk="TUK-01"),
    Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02"),
]


@dataclass(frozen=True)
class Periode:
    root: int
    apl: dict[str, str]  # candidate -> their (completed) FR.APL.01 task
    pendaftaran: dict[str, int]  # candidate -> their registration instance
    pra: dict[str, str]  # candidate -> the asesor's pre-assessment task about them (ready)
    pra_instans: dict[str, int]  # candidate -> their pre-assessment instance


@pytest.fixture
def periode(api: Api) -> Periode:
    """Two candidates registered and accepted, their asesors assigned: each asesor's pre-assessment waits."""
    root = registered(api, CALON)
    t = sop.one(api, "kabid_sertifikasi", MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], penugasan(CALON))
    with api.app.state.db.reading() as session:

        def task(name: str, subject: str) -> HumanTask:
            return session.scalars(
                select(HumanTask).where(HumanTask.root_id == root, HumanTask.name == name, HumanTask.subject == subject)
            ).one()

        apl = {c.username: task(APL, c.username) for c in CALON}
        pra = {c.username: task(PRA_ASESMEN, c.username) for c in CALON}
        return Periode(
            root=root,
            apl={u: t.id for u, t in apl.items()},
            pendaftaran={u: t.instance_id for u, t in apl.items()},
            pra={u: t.id for u, t in pra.items()},
            pra_instans={u: t.instance_id for u, t in pra.items()},
        )


def tulis(api: Api, username: str, url: str, isi: str, untuk_peserta: bool = False) -> dict[str, Any]:
    r = api.post(username, url, json={"isi": isi, "untuk_peserta": untuk_peserta})
    assert r.status_code == 201, r.text
    return dict(r.json())


def isi(api: Api, username: str, url: str) -> list[str]:
    r = api.get(username, url)
    assert r.status_code == 200, r.text
    return [k["isi"] for k in r.json()]


def comments(api: Api) -> list[tuple[int, str, str, bool]]:
    with api.app.state.db.reading() as session:
        return [
            (k.id, k.penulis, k.isi, k.untuk_peserta) for k in session.scalars(select(Komentar).order_by(Komentar.id))
        ]


def refused(
    api: Api,
    username: str,
    method: str,
    url: str,
    root: int,
    status: int,
    body: Any = None,
    at: str = "",
    words: str = "",
) -> dict[str, Any]:
    """The call is refused with `status` (and, for a 422, `words` at the field `at`); nothing changed: no
    comment, the same history, tasks and documents."""
    before = (snapshot(api, root), comments(api))
    r = api.client.request(method, url, headers=api.headers(username), json=body)
    assert r.status_code == status, r.text
    answer = dict(r.json())
    if at:
        assert words.lower() in message_at(answer, at).lower(), answer
    after = (snapshot(api, root), comments(api))
    assert after == before, "a refused comment changed something"
    return answer


def test_a_comment_on_a_task_is_kept_and_shown_in_the_instance_history(api: Api, periode: Periode) -> None:
    task = periode.apl["peserta"]
    written = tulis(api, "peserta", f"/api/tasks/{task}/komentar", "  Foto KTM saya sudah saya ganti.\r\n")
    assert written["isi"] == "Foto KTM saya sudah saya ganti."
    assert written["penulis"] == "peserta"
    assert written["task_id"] == task
    assert written["task_name"] == APL
    assert written["instance_id"] == periode.pendaftaran["peserta"]
    # A candidate's own words are read by staff and by themselves: never internal.
    assert written["untuk_peserta"] is True
    assert isi(api, "peserta", f"/api/tasks/{task}/komentar") == ["Foto KTM saya sudah saya ganti."]

    events = [
        e
        for e in api.history(periode.pendaftaran["peserta"], include_children=False)
        if e["type"] == "komentar_ditulis"
    ]
    assert [(e["actor"], e["task_id"], e["task_name"], e["data"]) for e in events] == [
        ("peserta", task, APL, {"komentar_id": written["id"], "untuk_peserta": True})
    ]
    # Staff read it on the candidate's instance (they may not open the candidate's own task).
    assert isi(api, "kabid_administrasi", f"/api/instances/{periode.pendaftaran['peserta']}/komentar") == [
        "Foto KTM saya sudah saya ganti."
    ]


def test_a_candidate_neither_reads_nor_writes_on_another_candidates_task_or_instance(
    api: Api, periode: Periode
) -> None:
    tulis(api, "peserta", f"/api/tasks/{periode.apl['peserta']}/komentar", "Catatan pribadi saya")
    task_url = f"/api/tasks/{periode.apl['peserta']}/komentar"
    instance_url = f"/api/instances/{periode.pendaftaran['peserta']}/komentar"
    refused(api, "peserta3", "GET", task_url, periode.root, 403)
    refused(api, "peserta3", "POST", task_url, periode.root, 403, {"isi": "Saya ikut menulis"})
    refused(api, "peserta3", "GET", instance_url, periode.root, 404)
    refused(api, "peserta3", "POST", instance_url, periode.root, 404, {"isi": "Saya ikut menulis"})
    refused(api, "peserta3", "GET", "/api/instances/999999/komentar", periode.root, 404)
    # The period itself is about every candidate: no candidate's.
    refused(api, "peserta", "GET", f"/api/instances/{periode.root}/komentar", periode.root, 404)


def test_a_candidate_never_reads_staff_notes_about_another_nor_internal_notes_about_themselves(
    api: Api, periode: Periode
) -> None:
    own = f"/api/instances/{periode.pendaftaran['peserta']}/komentar"
    other = f"/api/instances/{periode.pendaftaran['peserta3']}/komentar"
    tulis(api, "kabid_administrasi", own, "Ijazah asli diperiksa saat asesmen.")  # internal by default
    tulis(api, "kabid_administrasi", own, "Mohon bawa ijazah asli saat asesmen.", untuk_peserta=True)
    tulis(api, "kabid_administrasi", other, "Peserta ini pernah tidak hadir.")
    tulis(api, "kabid_administrasi", other, "Mohon bawa KTM saat asesmen.", untuk_peserta=True)

    assert isi(api, "peserta", own) == ["Mohon bawa ijazah asli saat asesmen."]
    assert isi(api, "peserta3", other) == ["Mohon bawa KTM saat asesmen."]
    assert isi(api, "direktur", own) == ["Ijazah asli diperiksa saat asesmen.", "Mohon bawa ijazah asli saat asesmen."]
    for username, url in (("peserta", other), ("peserta3", own)):
        refused(api, username, "GET", url, periode.root, 404)
    # The candidate's registration instance holds no task of an asesor: not theirs to read either.
    refused(api, "asesor", "GET", own, periode.root, 404)


def test_an_asesor_comments_only_on_the_tasks_and_instances_they_work_on(api: Api, periode: Periode) -> None:
    mine = f"/api/tasks/{periode.pra['peserta']}/komentar"
    written = tulis(api, "asesor", mine, "Portofolio kuat di unit pemrograman.")
    assert written["untuk_peserta"] is False  # an asesor's note is internal unless written for the candidate
    tulis(api, "asesor", f"/api/instances/{periode.pra_instans['peserta']}/komentar", "Siapkan laptop.", True)
    assert isi(api, "asesor", f"/api/instances/{periode.pra_instans['peserta']}/komentar") == [
        "Portofolio kuat di unit pemrograman.",
        "Siapkan laptop.",
    ]
    # The candidate reads the note written for them on their pre-assessment, never the asesor's internal one.
    assert isi(api, "peserta", f"/api/instances/{periode.pra_instans['peserta']}/komentar") == ["Siapkan laptop."]

    refused(api, "asesor2", "GET", mine, periode.root, 403)
    refused(api, "asesor2", "POST", mine, periode.root, 403, {"isi": "Bukan peserta saya"})
    refused(
        api,
        "asesor",
        "POST",
        f"/api/instances/{periode.pra_instans['peserta3']}/komentar",
        periode.root,
        404,
        {"isi": "x"},
    )
    refused(api, "asesor", "GET", f"/api/tasks/{periode.apl['peserta']}/komentar", periode.root, 403)


def test_an_empty_or_too_long_comment_is_refused_at_its_field(api: Api, periode: Periode) -> None:
    url = f"/api/tasks/{periode.apl['peserta']}/komentar"
    refused(api, "peserta", "POST", url, periode.root, 422, {"isi": ""}, "body.isi", "komentar wajib diisi")
    refused(api, "peserta", "POST", url, periode.root, 422, {"isi": " \n\t "}, "body.isi", "komentar wajib diisi")
    refused(
        api, "peserta", "POST", url, periode.root, 422, {"isi": "a" * 4001}, "body.isi", "paling panjang 4.000 karakter"
    )
    assert tulis(api, "peserta", url, "a" * 4000)["isi"] == "a" * 4000


def test_a_comment_is_never_edited_nor_deleted(api: Api, periode: Periode) -> None:
    written = tulis(api, "peserta", f"/api/tasks/{periode.apl['peserta']}/komentar", "Tulisan pertama")
    url = f"/api/tasks/{periode.apl['peserta']}/komentar"
    assert api.client.put(url, headers=api.headers("peserta"), json={"isi": "x"}).status_code == 405
    assert api.client.delete(url, headers=api.headers("peserta")).status_code == 405
    with pytest.raises(PermissionError), api.app.state.db.transaction() as session:
        session.get_one(Komentar, written["id"]).isi = "Diubah diam-diam"
    with pytest.raises(PermissionError), api.app.state.db.transaction() as session:
        session.delete(session.get_one(Komentar, written["id"]))
    with pytest.raises(PermissionError), api.app.state.db.transaction() as session:
        session.scalars(select(Event).where(Event.type == "komentar_ditulis")).one().data = {}
    assert [k[2] for k in comments(api)] == ["Tulisan pertama"]


def test_a_candidate_who_is_also_an_asesor_reads_and_writes_no_internal_note_about_themselves(
    api: Api, periode: Periode
) -> None:
    with api.app.state.db.transaction() as session:
        peserta = session.scalars(select(User).where(User.username == "peserta")).one()
        session.add(UserRole(user_id=peserta.id, role="asesor"))
    api.app.state.user_cache.pop("peserta", None)
    own = f"/api/instances/{periode.pendaftaran['peserta']}/komentar"
    tulis(api, "kabid_administrasi", own, "Ijazah asli diperiksa saat asesmen.")  # internal by default
    tulis(api, "kabid_administrasi", own, "Mohon bawa ijazah asli saat asesmen.", untuk_peserta=True)
    # Asked to keep it internal, their own words are still the candidate's, read by them and by staff.
    assert tulis(api, "peserta", own, "Ijazah asli saya bawa.", untuk_peserta=False)["untuk_peserta"] is True

    assert isi(api, "peserta", own) == ["Mohon bawa ijazah asli saat asesmen.", "Ijazah asli saya bawa."]
    page = api.get("peserta", f"/instances/{periode.pendaftaran['peserta']}/komentar")
    assert page.status_code == 200
    assert "Ijazah asli diperiksa" not in page.text
    assert "Tampilkan kepada peserta" not in page.text
