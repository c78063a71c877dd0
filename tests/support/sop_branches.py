"""Partial periods for the branch and refusal tests: each test walks only as far as the behaviour it proves.

A period here is described by its candidates (`Calon`: skema, asesor, TUK and how their assessment goes);
the helpers reuse `tests.support.sop` for steps 1-2 and for the forms, and take the skema from the candidate
rather than from `sop.CANDIDATES`, so any demo peserta can be used.

`refused()` is the one way a refusal is checked: HTTP 422, the error names the field with a reason,
and NOTHING changed (every inbox, the period's history with its children, the instance, the documents,
certificates, uploads and TUK verifications, and the refused task itself).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select

from api.store.master import Berkas, Sertifikat, VerifikasiTuk
from api.store.models import Dokumen
from tests.support import sop
from tests.support.api import Api

STAFF = ["direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi"]
ASESOR = ["asesor", "asesor2", "asesor3", "asesor4"]
PESERTA = ["peserta", "peserta2", "peserta3", "peserta4", "peserta5", "peserta12"]
EVERYONE = STAFF + ASESOR + PESERTA
VERIFIKATOR = {"TUK-01": "asesor2", "TUK-02": "asesor3"}
APL = "Mengisi FR.APL.01 dan FR.APL.02"
MEMERIKSA = "Memeriksa kelengkapan berkas pendaftaran"
MENUTUP = "Menutup pendaftaran"
MENUGASKAN = "Menugaskan asesor dan verifikator TUK"
PRA_ASESMEN = "Meninjau FR.APL.02 (pra-asesmen)"
VERIFIKASI = "Memverifikasi TUK dengan daftar periksa"
MENETAPKAN_TUK = "Menetapkan TUK terverifikasi"
TINDAK_LANJUT_TUK = "Menindaklanjuti TUK belum sesuai"
KEHADIRAN = "Mencatat kehadiran peserta"
AK01 = "Menyetujui asesmen (FR.AK.01)"
AK02 = "Menilai unit kompetensi (FR.AK.02)"
AK03 = "Memberi umpan balik asesmen (FR.AK.03)"
PLENO = "Melaksanakan rapat pleno"
SK_PENETAPAN = "Menyetujui SK penetapan hasil asesmen"
BANDING = "Mengajukan banding (FR.AK.04)"
TIM_BANDING = "Membentuk tim banding"
KEPUTUSAN_BANDING = "Memutuskan banding"
ASESOR_ULANG = "Menugaskan asesor asesmen ulang"
MENILAI_ULANG = "Menilai ulang unit kompetensi (FR.AK.02)"
HASIL_ULANG = "Memutuskan hasil asesmen ulang"
BUKTI_TAMBAHAN = "Mengumpulkan bukti tambahan peserta ditunda"
REKOMENDASI_DITUNDA = "Meninjau bukti tambahan peserta ditunda"
PLENO_LANJUTAN = "Memutuskan peserta ditunda (rapat pleno lanjutan)"
NOMOR = "Mencatat nomor sertifikat dari BNSP"
KUOTA = "Memutuskan tindak lanjut kuota minimum"
EVALUASI = "Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi"


@dataclass(frozen=True)
class Calon:
    """A candidate of a partial period and how their assessment goes."""

    username: str
    skema: str = sop.JWD
    asesor: str = "asesor"
    tuk: str = "TUK-01"
    hadir: bool = True
    setuju: bool = True
    bk: bool = False
    sesi: int | None = None  # None: the first session of sop.jadwal in which their asesor is at no other TUK


# --------------------------------------------------------------------------------------------------
# Finding tasks, reading data and master data


def ids(tasks: list[dict[str, Any]]) -> set[str]:
    return {t["id"] for t in tasks}


def task_about(api: Api, username: str, name: str, candidate: str) -> dict[str, Any]:
    """The one task `name` in `username`'s inbox about `candidate` (or TUK code)."""
    found = []
    for t in sop.tasks_named(api, username, name):
        data = sop.task_data(api, username, t["id"])
        for key in ("peserta_asesmen", "peserta_pra_asesmen", "pendaftar", "peserta_banding"):
            if isinstance(data.get(key), dict) and data[key].get("username") == candidate:
                found.append(t)
        if isinstance(data.get("tuk_verifikasi"), dict) and data["tuk_verifikasi"].get("kode") == candidate:
            found.append(t)
    assert len(found) == 1, (username, name, candidate, found)
    return found[0]


def documents(api: Api, root_id: int, kind: str | None = None, candidate: str | None = None) -> list[Dokumen]:
    """The period's documents (of `kind`, about `candidate`), in issue order."""
    with api.app.state.db.reading() as session:
        query = select(Dokumen).where(Dokumen.root_id == root_id).order_by(Dokumen.id)
        if kind is not None:
            query = query.where(Dokumen.kind == kind)
        if candidate is not None:
            query = query.where(Dokumen.candidate == candidate)
        rows = session.scalars(query).all()
        session.expunge_all()
        return list(rows)


def certificates(api: Api) -> list[Sertifikat]:
    with api.app.state.db.reading() as session:
        rows = session.scalars(select(Sertifikat).order_by(Sertifikat.id)).all()
        session.expunge_all()
        return list(rows)


def history_of(api: Api, root_id: int, type_: str | None = None) -> list[dict[str, Any]]:
    events = api.history(root_id)
    return [e for e in events if type_ is None or e["type"] == type_]


def process_list(data: dict[str, Any], name: str) -> list[dict[str, Any]]:
    """A list the process carries under `name` (or, collected from child instances, under `daftar_<name>`)."""
    value = data.get(name)
    return value if isinstance(value, list) else data[f"daftar_{name}"]


def instance(api: Api, instance_id: int) -> dict[str, Any]:
    r = api.get("admin", f"/api/instances/{instance_id}")
    assert r.status_code == 200, r.text
    return r.json()


def children(api: Api, root_id: int) -> list[dict[str, Any]]:
    r = api.get("admin", "/api/instances", params={"parent_id": root_id, "page_size": 100})
    assert r.status_code == 200, r.text
    return r.json()["items"]


def asesor_id(api: Api, username: str) -> int:
    r = api.get("admin", "/api/asesor", params={"q": username, "page_size": 100})
    assert r.status_code == 200, r.text
    [found] = [a for a in r.json()["items"] if a["username"] == username]
    return found["id"]


def set_lsp(api: Api, **changes: Any) -> dict[str, Any]:
    """PUT /api/lsp with the current profile and `changes` (e.g. rasio_asesi_per_asesor=1)."""
    current = api.get("admin", "/api/lsp").json()
    fields = (
        "nama kode no_lisensi lisensi_berlaku_sd alamat kota telepon email website ketua "
        "rasio_asesi_per_asesor masa_banding_hari masa_berlaku_sertifikat_tahun"
    ).split()
    body = {k: current[k] for k in fields} | changes
    r = api.client.put("/api/lsp", headers=api.headers("admin"), json=body)
    assert r.status_code == 200, r.text
    return r.json()


def wib(d: date, at: time) -> datetime:
    return datetime.combine(d, at, tzinfo=sop.WIB)


def advance_to(api: Api, clock: Any, moment: datetime) -> None:
    """Move the service clock to `moment` (never back) and let the worker fire what is due."""
    delta = moment - api.app.state.clock.now()
    assert delta > timedelta(0), (moment, api.app.state.clock.now())
    clock.advance(delta)
    api._tokens.clear()  # tokens expire by the service clock: everyone logs in again
    api.drain()


# --------------------------------------------------------------------------------------------------
# Forms


def penugasan(calon: list[Calon], verifikator: dict[str, str] | None = None) -> dict[str, Any]:
    verifikator = verifikator or VERIFIKATOR
    tuks = sorted({c.tuk for c in calon})
    tempat: dict[tuple[str, int], str] = {}
    rows = []
    for c in calon:
        sesi = c.sesi or next(s for s in range(1, 100) if tempat.get((c.asesor, s), c.tuk) == c.tuk)
        tempat.setdefault((c.asesor, sesi), c.tuk)
        rows.append({"username": c.username, "asesor": c.asesor, "tuk_kode": c.tuk, "sesi": sesi})
    return {
        "penugasan_asesor": rows,
        "penugasan_verifikator": [{"tuk_kode": k, "verifikator": verifikator[k]} for k in tuks],
    }


# --------------------------------------------------------------------------------------------------
# Partial periods


def registration_open(api: Api, calon: list[Calon], kuota_min: int = 1) -> int:
    """Steps 1-2 done and registration opened for `calon`: each has their FR.APL task."""
    root = sop.start_period(api)["id"]
    sop.step_1_and_2(api, root, kuota_min=kuota_min)
    sop.open_registration(api, root, {c.username: c.skema for c in calon})
    return root


def registered(api: Api, calon: list[Calon], kuota_min: int = 1) -> int:
    """Every candidate registered and accepted, registration closed: the assignment (or quota) task waits."""
    root = registration_open(api, calon, kuota_min)
    for c in calon:
        sop.submit_apl(api, c.username, c.skema)
    sop.check_files(api, {c.username: ("diterima", "") for c in calon})
    sop.close_registration(api, root)
    return root


def apl_open(api: Api, username: str = "peserta", skema: str = sop.JWD) -> tuple[int, str, dict[str, Any]]:
    """Registration open with `username` its one candidate: the period's root, their FR.APL.01/02 task and a complete
    answer to it (files uploaded, every element K), not yet submitted."""
    root = registration_open(api, [Calon(username, skema)])
    t = sop.one(api, username, APL)
    return root, t["id"], sop.apl(api, username, t["id"], skema)


def pra_asesmen(api: Api, calon: list[Calon]) -> None:
    for c in calon:
        t = task_about(api, c.asesor, PRA_ASESMEN, c.username)
        api.complete(c.asesor, t["id"], {"pra_asesmen": {"rekomendasi": "lanjut", "catatan": "Bukti memadai"}})
    api.drain()


def assigned(api: Api, calon: list[Calon], verifikator: dict[str, str] | None = None, kuota_min: int = 1) -> int:
    """Registered, assigned and pre-assessed: step 4 (TUK verification) waits."""
    root = registered(api, calon, kuota_min)
    t = sop.one(api, "kabid_sertifikasi", MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], penugasan(calon, verifikator))
    pra_asesmen(api, calon)
    return root


def verify(api: Api, kode: str, kesimpulan: str = "sesuai", verifikator: str | None = None) -> None:
    verifikator = verifikator or VERIFIKATOR[kode]
    t = task_about(api, verifikator, VERIFIKASI, kode)
    api.complete(verifikator, t["id"], sop.verifikasi(kesimpulan))


def set_verified(api: Api, kode: str) -> None:
    """Ketua LSP sets TUK `kode` verified."""
    t = task_about(api, "ketua_lsp", MENETAPKAN_TUK, kode)
    api.complete("ketua_lsp", t["id"], {"penetapan_tuk": {"ditetapkan": True, "catatan": ""}})


def ready(api: Api, calon: list[Calon], verifikator: dict[str, str] | None = None) -> int:
    """Every TUK verified and set: step 5's attendance tasks wait in the asesors' inboxes."""
    root = assigned(api, calon, verifikator)
    for kode in sorted({c.tuk for c in calon}):
        verify(api, kode, verifikator=(verifikator or VERIFIKATOR)[kode])
        set_verified(api, kode)
    api.drain()
    return root


def assess(api: Api, c: Calon) -> None:
    """Step 5 for one candidate as `c` says: attendance, FR.AK.01, FR.AK.02, FR.AK.03."""
    t = task_about(api, c.asesor, KEHADIRAN, c.username)
    api.complete(c.asesor, t["id"], sop.kehadiran(c.hadir, "" if c.hadir else "Sakit"))
    if not c.hadir:
        return
    t = sop.one(api, c.username, AK01)
    ak01 = (
        {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}
        if c.setuju
        else {"setuju": False, "catatan": "Belum siap mengikuti asesmen"}
    )
    api.complete(c.username, t["id"], {"ak01": ak01})
    if not c.setuju:
        return
    t = task_about(api, c.asesor, AK02, c.username)
    api.complete(c.asesor, t["id"], sop.penilaian(api, c.skema, c.bk))
    sop.umpan_balik(api, c.username)


def assessed(api: Api, calon: list[Calon], verifikator: dict[str, str] | None = None) -> int:
    """Step 5 done for everyone, each asesor's FR.AK.05 handed in: the rapat pleno task waits."""
    root = ready(api, calon, verifikator)
    for c in calon:
        assess(api, c)
    api.drain()
    sop.laporan_asesor(api)
    return root


def decide(api: Api, keputusan: dict[str, str], anggota: list[str] | None = None) -> None:
    t = sop.one(api, "kabid_sertifikasi", PLENO)
    api.complete("kabid_sertifikasi", t["id"], sop.pleno(keputusan, anggota))
    t = sop.one(api, "ketua_lsp", SK_PENETAPAN)
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    api.drain()


DITUNDA_KARENA = "Bukti portofolio perlu dilengkapi"


def decide_postponing(api: Api, keputusan: dict[str, str], anggota: list[str] | None = None) -> None:
    """The pleno decides, postponing (ditunda) some with the evidence it asks for, and Ketua LSP approves the SK."""
    data = sop.pleno(keputusan, anggota)
    for row in data["pleno"]["keputusan"]:
        if row["keputusan"] == "ditunda":
            row["catatan"] = DITUNDA_KARENA
    t = sop.one(api, "kabid_sertifikasi", PLENO)
    api.complete("kabid_sertifikasi", t["id"], data)
    t = sop.one(api, "ketua_lsp", SK_PENETAPAN)
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    api.drain()


def bukti_tambahan(usernames: Iterable[str]) -> dict[str, Any]:
    """Kabid Sertifikasi's record of the additional evidence gathered on each postponed candidate."""
    return {
        "bukti_tambahan": {
            "peserta": [
                {"username": u, "bukti": "Portofolio proyek perakitan dan wawancara lanjutan"} for u in usernames
            ]
        }
    }


def rekomendasi_ditunda(rekomendasi: dict[str, str]) -> dict[str, Any]:
    """An asesor's recommendation (K, BK or dibawa) on the additional evidence of their postponed candidates."""
    return {
        "rekomendasi_ditunda": {
            "peserta": [
                {
                    "username": u,
                    "rekomendasi": r,
                    "alasan": "Bukti tambahan memadai"
                    if r != "dibawa"
                    else "Peserta sakit, bukti belum dapat dikumpulkan",
                }
                for u, r in rekomendasi.items()
            ]
        }
    }


def evidence_recorded(api: Api, usernames: Iterable[str]) -> None:
    """Kabid Sertifikasi records the additional evidence on each postponed candidate: their asesors' tasks wait."""
    t = sop.one(api, "kabid_sertifikasi", BUKTI_TAMBAHAN)
    api.complete("kabid_sertifikasi", t["id"], bukti_tambahan(usernames))
    api.drain()


def evidence_reviewed(api: Api, rekomendasi: dict[str, str]) -> None:
    """Kabid Sertifikasi records the additional evidence on each postponed candidate, then each candidate's asesor
    recommends on it (K, BK or dibawa): the follow-up pleno's task waits."""
    evidence_recorded(api, rekomendasi)
    for asesor in sop.ASESOR_SEMUA:
        for t in sop.tasks_named(api, asesor, REKOMENDASI_DITUNDA):
            rows = sop.task_data(api, asesor, t["id"])["kelompok_ditunda"]["peserta"]
            api.complete(
                asesor, t["id"], rekomendasi_ditunda({r["username"]: rekomendasi[r["username"]] for r in rows})
            )
    api.drain()


def pleno_lanjutan(keputusan: dict[str, str], anggota: list[str] | None = None) -> dict[str, Any]:
    """The follow-up pleno on the postponed candidates (the pleno's members by default)."""
    rapat = sop.pleno({}, anggota)["pleno"]
    alasan = {
        "K": "Bukti tambahan menunjukkan semua unit kompeten",
        "BK": "Bukti tambahan tidak memadai",
        "dibawa": "Peserta sakit, bukti belum dapat dikumpulkan",
    }
    rapat["keputusan"] = [{"username": u, "keputusan": k, "alasan": alasan[k]} for u, k in keputusan.items()]
    return {"pleno_lanjutan": rapat}


def decided(api: Api, calon: list[Calon], verifikator: dict[str, str] | None = None) -> int:
    """Pleno held (K, or BK for a candidate with a BK unit) and its SK approved: appeals (if any) wait."""
    root = assessed(api, calon, verifikator)
    decide(api, {c.username: "BK" if c.bk else "K" for c in calon if c.hadir and c.setuju})
    return root


def appeal(api: Api, username: str, tim: list[str] | None = None) -> None:
    """The candidate files FR.AK.04 and Ketua LSP forms the tim banding: its decision waits."""
    t = sop.one(api, username, BANDING)
    api.complete(username, t["id"], sop.banding())
    t = sop.one(api, "ketua_lsp", TIM_BANDING)
    api.complete("ketua_lsp", t["id"], {"tim_banding": {"anggota": tim or sop.TIM_BANDING}})


def decide_appeal(api: Api, keputusan: str) -> None:
    t = sop.one(api, "ketua_lsp", KEPUTUSAN_BANDING)
    api.complete(
        "ketua_lsp", t["id"], {"keputusan_banding": {"keputusan": keputusan, "pertimbangan": "Pertimbangan tim"}}
    )


def reassessor_assigned(api: Api, asesor: str = "asesor4") -> None:
    """After an upheld appeal Kabid Sertifikasi sends `asesor` to re-assess."""
    t = sop.one(api, "kabid_sertifikasi", ASESOR_ULANG)
    api.complete("kabid_sertifikasi", t["id"], {"asesor_ulang": {"asesor": asesor, **sop.PUKUL_ULANG, "catatan": ""}})


def upheld_and_reassessed(api: Api, username: str = "peserta3", asesor: str = "asesor4", bk: bool = False) -> None:
    """`username` appeals, the appeal is upheld, `asesor` is sent and re-assesses them (every unit K, or one BK)."""
    appeal(api, username)
    decide_appeal(api, "diterima")
    reassessor_assigned(api, asesor)
    reassess(api, username, asesor, bk)


def reassess(api: Api, username: str = "peserta3", asesor: str = "asesor4", bk: bool = False) -> None:
    """The re-assessment after an upheld appeal, as an assessment: the candidate agrees to it (FR.AK.01), the
    re-assessing asesor records FR.AK.02 (every unit K, or the last BK), the candidate gives FR.AK.03."""
    sop.setuju_asesmen_ulang(api, username)
    t = task_about(api, asesor, MENILAI_ULANG, username)
    api.complete(asesor, t["id"], sop.penilaian(api, sop.CANDIDATES[username], bk=bk))
    sop.umpan_balik(api, username, ulang=True)


def decide_reassessment(api: Api, keputusan: str = "K") -> None:
    """The tim banding decides on the re-assessment (Ketua LSP records it)."""
    t = sop.one(api, "ketua_lsp", HASIL_ULANG)
    api.complete("ketua_lsp", t["id"], sop.keputusan_asesmen_ulang(keputusan))


# --------------------------------------------------------------------------------------------------
# Refusals change nothing


def snapshot(api: Api, root_id: int, task: tuple[str, str] | None = None) -> dict[str, Any]:
    """Everything a refused submission must leave as it was."""
    with api.app.state.db.reading() as session:
        docs = [
            (d.id, d.kind, d.key, d.number)
            for d in session.scalars(select(Dokumen).where(Dokumen.root_id == root_id).order_by(Dokumen.id))
        ]
        certs = [(s.peserta_username, s.no_sertifikat) for s in session.scalars(select(Sertifikat))]
        berkas = session.scalar(select(func.count()).select_from(Berkas))
        verifikasi = session.scalar(select(func.count()).select_from(VerifikasiTuk))
    out = {
        "inboxes": {u: api.inbox(u, page_size=200) for u in EVERYONE},
        "instance": instance(api, root_id),
        "children": children(api, root_id),
        "history": api.history(root_id),
        "documents": docs,
        "certificates": certs,
        "berkas": berkas,
        "verifikasi_tuk": verifikasi,
    }
    if task is not None:
        username, task_id = task
        detail = api.get(username, f"/api/tasks/{task_id}").json()
        out["task"] = {k: detail[k] for k in ("state", "data", "claimed_by", "completed_at", "completed_by")}
    return out


def message_at(body: dict[str, Any], path: str) -> str:
    """The message of the error at `path` (the body must carry one)."""
    found = [e["message"] for e in body.get("errors", []) if e.get("path") == path]
    assert found, (path, body)
    return " | ".join(found)


def refused(
    api: Api,
    username: str,
    task_id: str,
    data: dict[str, Any],
    root_id: int,
    expect: dict[str, list[str]],
    status: int = 422,
) -> dict[str, Any]:
    """Submit `data`; assert the refusal names each field of `expect` with the words given (case-insensitive)
    and that nothing changed: the task is still in the inbox, history, documents and every inbox as before."""
    before = snapshot(api, root_id, (username, task_id))
    assert task_id in ids(before["inboxes"].get(username) or api.inbox(username))
    r = api.post(username, f"/api/tasks/{task_id}/complete", json={"data": data})
    assert r.status_code == status, r.text
    body = r.json()
    assert body.get("detail"), body
    for path, words in expect.items():
        message = message_at(body, path)
        for word in words:
            assert word.lower() in message.lower(), (path, word, message)
    after = snapshot(api, root_id, (username, task_id))
    for key in before:
        assert after[key] == before[key], f"a refused submission changed {key}"
    return body
