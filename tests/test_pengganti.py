"""Substitutes through the HTTP API: an official away names another to work on their tasks "atas nama" them for a
date range (api/services/pengganti.py); the range is the only time the substitute sees and completes them."""

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from api.store.models import User, UserRole
from tests.support import sop, sop_branches
from tests.support.api import Api
from tests.support.pages import post, signed_in
from tests.support.sop_branches import Calon, refused

MEMBUKA = "Membuka pendaftaran uji kompetensi"
MEMERIKSA = "Memeriksa kelengkapan berkas pendaftaran"


def tunjuk(api: Api, username: str, pengganti: str, mulai: date, sampai: date, **extra: Any) -> Any:
    body = {"pengganti": pengganti, "mulai": str(mulai), "sampai": str(sampai), "alasan": "cuti", **extra}
    return api.post(username, "/api/pengganti", json=body)


def semua(api: Api) -> list[dict[str, Any]]:
    r = api.get("admin", "/api/pengganti")
    assert r.status_code == 200, r.text
    return list(r.json())


def ditolak(api: Api, username: str, body: dict[str, Any], path: str, words: list[str]) -> None:
    """Naming is refused with a 422 whose error at `path` says each of `words`, and nothing was written."""
    before = semua(api)
    r = api.post(username, "/api/pengganti", json=body)
    assert r.status_code == 422, r.text
    body_ = r.json()
    assert body_["detail"]
    message = sop_branches.message_at(body_, path)
    for word in words:
        assert word.lower() in message.lower(), (path, word, message)
    assert semua(api) == before


def ids(tasks: list[dict[str, Any]]) -> set[str]:
    return {t["id"] for t in tasks}


def advance(api: Api, delta: timedelta) -> None:
    """Move the service's clock on; tokens expire by it, so everyone logs in again."""
    api.app.state.clock.advance(delta)
    api._tokens.clear()


def test_a_substitute_works_on_the_absent_kabids_tasks_atas_nama_only_inside_the_range(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    membuka = sop.one(api, "kabid_administrasi", MEMBUKA, instance_id=root)
    today = sop.today(api)
    r = tunjuk(api, "kabid_administrasi", "kabid_sertifikasi", today + timedelta(days=1), today + timedelta(days=2))
    assert r.status_code == 201, r.text
    assert r.json()["keadaan"] == "akan_datang"

    # Before the range: nothing of the Kabid's is the substitute's.
    assert membuka["id"] not in ids(api.inbox("kabid_sertifikasi"))
    assert api.get("kabid_sertifikasi", f"/api/tasks/{membuka['id']}").status_code == 403
    api.complete("kabid_sertifikasi", membuka["id"], {"daftar_pendaftar": []}, expect=403)

    advance(api, timedelta(days=1))
    [row] = [t for t in api.inbox("kabid_sertifikasi") if t["id"] == membuka["id"]]
    assert (row["atas_nama"], row["atas_nama_nama"]) == ("kabid_administrasi", "Sri Wahyuni, S.E.")
    mine = [t for t in api.inbox("kabid_sertifikasi") if t["atas_nama"] is None]
    assert all(t["lane"] == "Kabid Sertifikasi" for t in mine)
    assert api.get("kabid_sertifikasi", "/api/pengganti").json()[0]["berlaku"] is True
    api.complete(
        "kabid_sertifikasi", membuka["id"], {"daftar_pendaftar": [{"username": "peserta", "skema_nomor": sop.JWD}]}
    )

    [done] = [e for e in api.history(root) if e["type"] == "task_completed" and e["task_id"] == membuka["id"]]
    assert (done["actor"], done["atas_nama"]) == ("kabid_sertifikasi", "kabid_administrasi")
    detail = api.get("kabid_administrasi", f"/api/tasks/{membuka['id']}").json()
    assert (detail["completed_by"], detail["completed_atas_nama"]) == ("kabid_sertifikasi", "kabid_administrasi")
    # Her own completions keep no atas_nama.
    [own] = [e for e in api.history(root) if e["type"] == "task_completed" and e["actor"] == "ketua_lsp"]
    assert own["atas_nama"] is None

    sop.submit_apl(api, "peserta", sop.JWD)
    periksa = sop_branches.task_about(api, "kabid_administrasi", MEMERIKSA, "peserta")
    assert periksa["id"] in ids(api.inbox("kabid_sertifikasi"))

    # After the range: the task waits for the Kabid again, and only for her.
    advance(api, timedelta(days=2))
    assert periksa["id"] not in ids(api.inbox("kabid_sertifikasi"))
    assert api.get("kabid_sertifikasi", f"/api/tasks/{periksa['id']}").status_code == 403
    assert api.post("kabid_sertifikasi", f"/api/tasks/{periksa['id']}/claim").status_code == 403
    assert periksa["id"] in ids(api.inbox("kabid_administrasi"))
    assert api.get("kabid_sertifikasi", "/api/pengganti").json()[0]["keadaan"] == "selesai"


def test_ending_a_substitution_early_takes_the_tasks_back_and_is_recorded(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    membuka = sop.one(api, "kabid_administrasi", MEMBUKA, instance_id=root)
    today = sop.today(api)
    r = tunjuk(api, "kabid_administrasi", "ketua_lsp", today, today + timedelta(days=5), keterangan="Diklat")
    assert r.status_code == 201, r.text
    made = r.json()
    assert (made["diwakili"], made["pengganti"], made["dibuat_oleh"], made["berlaku"]) == (
        "kabid_administrasi",
        "ketua_lsp",
        "kabid_administrasi",
        True,
    )
    assert membuka["id"] in ids(api.inbox("ketua_lsp"))
    # The substitute cannot end it; someone else does not find it.
    assert api.post("ketua_lsp", f"/api/pengganti/{made['id']}/akhiri").status_code == 403
    assert api.post("kabid_sertifikasi", f"/api/pengganti/{made['id']}/akhiri").status_code == 404

    advance(api, timedelta(hours=1))
    r = api.post("kabid_administrasi", f"/api/pengganti/{made['id']}/akhiri")
    assert r.status_code == 200, r.text
    ended = r.json()
    assert (ended["diakhiri_oleh"], ended["keadaan"], ended["berlaku"]) == ("kabid_administrasi", "diakhiri", False)
    assert membuka["id"] not in ids(api.inbox("ketua_lsp"))
    assert api.post("kabid_administrasi", f"/api/pengganti/{made['id']}/akhiri").status_code == 409
    # The record stays: who named it, who ended it and when (the administrator reads every one).
    [kept] = semua(api)
    assert (kept["dibuat_oleh"], kept["diakhiri_oleh"], kept["keterangan"]) == (
        "kabid_administrasi",
        "kabid_administrasi",
        "Diklat",
    )
    # Ended, its days are free for another.
    r = tunjuk(api, "kabid_administrasi", "kabid_sertifikasi", today + timedelta(days=1), today + timedelta(days=2))
    assert r.status_code == 201, r.text


def test_naming_a_substitute_is_refused_where_the_rules_forbid_it(api: Api) -> None:
    today = sop.today(api)
    besok, lusa = today + timedelta(days=1), today + timedelta(days=3)

    def body(pengganti: str, mulai: date = besok, sampai: date = lusa) -> dict[str, Any]:
        return {"pengganti": pengganti, "mulai": str(mulai), "sampai": str(sampai), "alasan": "dinas_luar"}

    ditolak(api, "kabid_sertifikasi", body("kabid_sertifikasi"), "pengganti", ["diri sendiri"])
    ditolak(api, "kabid_sertifikasi", body("peserta"), "pengganti", ["Andi Pratama", "peserta uji kompetensi"])
    ditolak(api, "kabid_sertifikasi", body("admin"), "pengganti", ["bukan pejabat"])
    ditolak(api, "kabid_sertifikasi", body("desainer"), "pengganti", ["bukan pejabat"])
    ditolak(api, "kabid_sertifikasi", body("asesor"), "pengganti", ["bukan pejabat"])
    ditolak(api, "kabid_sertifikasi", body("tidak_ada"), "pengganti", ["tidak ada"])
    ditolak(api, "kabid_sertifikasi", body("ketua_lsp", today - timedelta(days=1)), "mulai", ["sebelum hari ini"])
    ditolak(api, "kabid_sertifikasi", body("ketua_lsp", lusa, besok), "sampai", ["sebelum tanggal mulai"])
    ditolak(api, "admin", body("ketua_lsp"), "diwakili", ["hanya pejabat"])

    assert tunjuk(api, "kabid_sertifikasi", "kabid_administrasi", besok, lusa).status_code == 201
    # Overlapping ranges of the same person: one substitute at a time.
    ditolak(api, "kabid_sertifikasi", body("ketua_lsp", lusa, lusa + timedelta(days=2)), "mulai", ["tumpang tindih"])
    # No chains: the substitute is not away then, and the absent person stands in for no one then.
    ditolak(api, "direktur", body("kabid_sertifikasi"), "pengganti", ["berhalangan", "berantai"])
    ditolak(api, "kabid_administrasi", body("direktur"), "diwakili", ["pengganti orang lain", "berantai"])
    # Only the administrator names one for someone else.
    r = api.post("ketua_lsp", "/api/pengganti", json={**body("direktur"), "diwakili": "kabid_administrasi"})
    assert r.status_code == 403
    # The day after the first range, its substitute may be named by another.
    assert (
        tunjuk(api, "direktur", "kabid_sertifikasi", lusa + timedelta(days=1), lusa + timedelta(days=2)).status_code
        == 201
    )


def test_a_substitute_who_assessed_the_candidates_never_runs_their_pleno(api: Api) -> None:
    root = sop_branches.assessed(api, [Calon("peserta")])
    # The asesor of peserta is also Kabid Administrasi (an official who assesses too).
    with api.app.state.db.transaction() as session:
        asesor = session.scalars(select(User).where(User.username == "asesor")).one()
        session.add(UserRole(user_id=asesor.id, role="kabid_administrasi"))
    api.app.state.user_cache.pop("asesor", None)
    today = sop.today(api)
    assert tunjuk(api, "kabid_sertifikasi", "asesor", today, today + timedelta(days=2)).status_code == 201
    pleno = sop.one(api, "kabid_sertifikasi", sop_branches.PLENO)
    [row] = [t for t in api.inbox("asesor") if t["id"] == pleno["id"]]
    assert row["atas_nama"] == "kabid_sertifikasi"

    refused(
        api,
        "asesor",
        pleno["id"],
        sop.pleno({"peserta": "K"}),
        root,
        {"pengganti": ["asesor", "tidak boleh memutuskan peserta yang Anda nilai"]},
        status=403,
    )
    assert api.post("asesor", f"/api/tasks/{pleno['id']}/claim").status_code == 403

    # Another substitute, who assessed no one, holds the pleno atas nama the Kabid.
    [first] = api.get("kabid_sertifikasi", "/api/pengganti").json()
    assert api.post("kabid_sertifikasi", f"/api/pengganti/{first['id']}/akhiri").status_code == 200
    assert tunjuk(api, "kabid_sertifikasi", "kabid_administrasi", today, today).status_code == 201
    api.complete("kabid_administrasi", pleno["id"], sop.pleno({"peserta": "K"}))
    [held] = [e for e in api.history(root) if e["type"] == "task_completed" and e["task_id"] == pleno["id"]]
    assert (held["actor"], held["atas_nama"]) == ("kabid_administrasi", "kabid_sertifikasi")


def test_a_substitute_of_the_ketua_signs_the_documents_of_her_task_a_n_ketua_lsp(api: Api) -> None:
    root = sop.start_period(api)["id"]
    today = sop.today(api)
    assert tunjuk(api, "ketua_lsp", "kabid_sertifikasi", today, today).status_code == 201
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    api.complete("direktur", t["id"], sop.TARGET)
    t = sop.one(api, "kabid_sertifikasi", "Menyusun rencana uji kompetensi", instance_id=root)
    assert t["atas_nama"] == "ketua_lsp"
    api.complete("kabid_sertifikasi", t["id"], sop.rencana(api))

    [tor] = sop_branches.documents(api, root, "tor")
    assert tor.data["penandatangan"] == {
        "jabatan": "Kepala Bidang Sertifikasi",
        "username": "kabid_sertifikasi",
        "nama": "Agus Salim, S.T., M.Kom.",
        "nip": "198409172010121004",
        "atas_nama": "Ketua LSP",
    }
    html = " ".join(api.get("admin", f"/api/dokumen/{tor.id}/html").text.split())
    assert "a.n. Ketua LSP Politeknik STMI Jakarta</p> <p>Kepala Bidang Sertifikasi,</p>" in html
    assert "Agus Salim, S.T., M.Kom." in html
    # The Nota Dinas the Direktur sent her still names the Ketua herself as its addressee.
    [nota] = sop_branches.documents(api, root, "nota_dinas")
    assert nota.data["kepada"]["username"] == "ketua_lsp"


def test_the_page_refuses_at_the_field_and_only_officials_open_it(api: Api) -> None:
    today = sop.today(api)
    with signed_in(api.app, "kabid_sertifikasi") as kabid:
        form = {"pengganti": "kabid_sertifikasi", "mulai": str(today), "sampai": str(today), "alasan": "sakit"}
        self_ = post(kabid, "/pengganti", form)
        named = post(kabid, "/pengganti", {**form, "pengganti": "direktur", "keterangan": "Rawat inap"})
        listed = kabid.get(named.headers["location"]).text
    assert self_.status_code == 422
    assert "Anda tidak dapat menjadi pengganti diri sendiri" in self_.text and 'aria-invalid="true"' in self_.text
    assert named.status_code == 303 and "Pengganti telah ditunjuk." in listed and "Sakit: Rawat inap" in listed
    [made] = semua(api)
    assert (made["diwakili"], made["pengganti"], made["alasan"]) == ("kabid_sertifikasi", "direktur", "sakit")
    with signed_in(api.app, "direktur") as direktur:
        page = direktur.get("/pengganti").text
    assert "Saya menjadi pengganti" in page and "Agus Salim, S.T., M.Kom." in page
    for who in ("peserta", "asesor", "desainer"):
        with signed_in(api.app, who) as other:
            assert other.get("/pengganti").status_code == 403
            assert post(other, "/pengganti", form).status_code == 403
    assert len(semua(api)) == 1


def test_a_substitutes_ready_count_includes_the_absent_kabids_tasks_only_inside_the_range(api: Api) -> None:
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root)
    today = sop.today(api)
    r = tunjuk(api, "kabid_administrasi", "kabid_sertifikasi", today + timedelta(days=1), today + timedelta(days=2))
    assert r.status_code == 201, r.text

    def tugas_siap(username: str) -> int:
        r = api.get(username, "/api/me/status")
        assert r.status_code == 200, r.text
        return int(r.json()["tugas_siap"])

    # Before the range: only the substitute's own lane (nothing of Kabid Sertifikasi's is open yet).
    assert (tugas_siap("kabid_sertifikasi"), tugas_siap("kabid_administrasi")) == (0, 1)
    advance(api, timedelta(days=1))
    # Inside it: also the Kabid Administrasi's "Membuka pendaftaran", as "Tugas saya" shows.
    assert (tugas_siap("kabid_sertifikasi"), tugas_siap("kabid_administrasi")) == (1, 1)
    assert tugas_siap("kabid_sertifikasi") == len(api.inbox("kabid_sertifikasi"))
    advance(api, timedelta(days=2))
    # After it: the tasks went back.
    assert tugas_siap("kabid_sertifikasi") == 0
