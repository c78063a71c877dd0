"""A client that knows nothing of ujikom's forms runs a whole period, from the Direktur's target to the
Direktur's receipt of the report (issue 10, part 8).

Each demo user works their own inbox over HTTP with their own token (tests/support/generic_client.py): every
answer is built from the task's form alone (its schema, the choices it offers, its defaults) plus uploads where
a file field says so. The people's decisions are a policy that only picks among the values offered: who is
registered for which skema, the one unit an asesor finds not yet competent, the candidate declining to appeal.
Four more periods take other branches the same way: a TUK fixed and an appeal upheld, a registration returned
and a candidate absent, too few accepted and the assessment postponed, candidates moved from a TUK found wanting.
"""

from dataclasses import replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from api.seed import DEMO_USERS
from api.store.models import Dokumen
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.generic_client import Field, GenericClient, Policy, Unanswerable

ROOT = Path(__file__).resolve().parent.parent
# Whether the forms take both their choices (`x-sumber`) and their pre-filled values (`x-isian`) from the data
# yet (issue 10, parts 1 and 2; forms/README.md). Until they do, a task the schema alone cannot answer ends the
# walk with a skip naming it, rather than with a faked answer; once they do, it fails naming it.
FORMS = [
    (ROOT / "forms" / f).read_text(encoding="utf-8") for f in sorted(p.name for p in (ROOT / "forms").glob("*.json"))
]
SOURCES_LANDED = any('"x-sumber"' in f for f in FORMS) and any('"x-isian"' in f for f in FORMS)

# Everyone at work this period: the staff of the SOP's lanes, every asesor, and the first five candidates of the
# demo data (three get registered). Polling all forty candidates' empty inboxes only makes the walk slower; a
# task landing in an inbox not polled stops the walk naming it ("nothing left to do").
STAFF = [u for u, _, roles in DEMO_USERS if "peserta" not in roles and not {"admin", "desainer"} & set(roles)]
USERS = STAFF + [u for u, _, roles in DEMO_USERS if "peserta" in roles][:5]
TARGET_SKEMA = ["Junior Web Developer", "Operator Perakitan Kendaraan Bermotor Roda Empat"]
PRODI = {"Junior Web Developer": "Sistem Informasi Industri Otomotif", "Operator Perakitan": "Teknik Industri Otomotif"}
REGISTERED = {"Andi Pratama": "Junior Web Developer", "Bunga Maharani": "Junior Web Developer"}
REGISTERED |= {"Cahyo Nugroho": "Operator Perakitan"}
BK = "peserta3"  # Cahyo Nugroho: the asesor finds the first unit not yet competent; he does not appeal


def decide(f: Field) -> Any:
    """What the people of this period pick, always among what the form offers."""
    if f.pattern == "target[].skema_nomor":
        return f.value_titled(TARGET_SKEMA[f.index or 0])
    if f.pattern == "target[].prodi":
        skema = TARGET_SKEMA[f.index or 0]
        return f.value_titled(next(p for s, p in PRODI.items() if skema.startswith(s)))
    if f.pattern == "daftar_pendaftar[].username":
        return f.value_titled(list(REGISTERED)[f.index or 0])
    if f.pattern == "daftar_pendaftar[].skema_nomor":
        nama = list(REGISTERED)[f.index or 0]
        return f.value_titled(REGISTERED[nama])
    if f.pattern == "penilaian.unit[].rekomendasi" and f.task.get("subject") == BK and f.index == 0:
        return f.value_titled("Belum kompeten")
    if f.pattern == "banding.ajukan":
        return False
    return None


def from_bnsp(pattern: str, index: int | None) -> str | None:
    """BNSP's letter with the numbers it issued (the n-th certificate row), in BNSP's shapes."""
    if pattern == "nomor_sertifikat.sertifikat[].no_sertifikat":
        return f"62090 2512 4 {(index or 0) + 1:07d} 2026"
    if pattern == "nomor_sertifikat.sertifikat[].no_registrasi":
        return f"TIK 1187 {(index or 0) + 1:05d} 2026"
    return None


def rows(pattern: str, task: dict[str, Any]) -> int | None:
    return {"target": len(TARGET_SKEMA), "daftar_pendaftar": len(REGISTERED)}.get(pattern)


# Registration closes early only when nothing else is left to do (else it closes on its date by itself).
POLICY = Policy(choose=decide, rows=rows, last=frozenset({"Menutup pendaftaran"}), copied=from_bnsp)


def assessment_day_comes(api: Api, instance_id: int, task: dict[str, Any]) -> None:
    """The walk runs on one day; a real period waits for the day its SK Jadwal sets for the assessment before the
    asesor records who came (the attendance is dated the day held, inside the SK Jadwal). Time passes to 08:00
    WIB of the (latest) SK Jadwal's first assessment day, once."""
    if task["name"] != "Mencatat kehadiran peserta":
        return
    with api.app.state.db.reading() as session:
        jadwal = session.scalars(
            select(Dokumen)
            .where(Dokumen.root_id == instance_id, Dokumen.kind == "sk_jadwal")
            .order_by(Dokumen.id.desc())
        ).first()
    assert jadwal is not None
    day = datetime.combine(date.fromisoformat(jadwal.data["jadwal"]["asesmen_mulai"]), time(8), sop.WIB)
    if api.app.state.clock.now() < day:
        b.advance_to(api, api.app.state.clock, day)


def walk(
    api: Api, policy: Policy, rescheduled: bool = False
) -> tuple[int, GenericClient, dict[str, list[dict[str, Any]]]]:
    """Start a period as the Direktur and let everyone work their inbox until the period completes; the
    period's documents by kind (one of each a period issues once, two SK jadwal when `rescheduled`). Skips
    (before the forms offer their data) or fails at a task the forms alone cannot answer, naming it."""
    r = api.post("direktur", "/api/process-definitions/uji_kompetensi/instances", json={"business_key": sop.PERIODE})
    assert r.status_code == 201, r.text
    instance_id = r.json()["id"]
    policy = replace(policy, before=lambda user, task: assessment_day_comes(api, instance_id, task))
    client = GenericClient(api, USERS, policy, today=lambda: sop.today(api))

    def finished() -> bool:
        return api.get("direktur", f"/api/instances/{instance_id}").json()["status"] == "completed"

    try:
        client.run(finished)
    except Unanswerable as e:
        if not SOURCES_LANDED:
            pytest.skip(
                f"the forms do not yet offer their choices and pre-filled values from the data (x-sumber, x-isian): {e}"
            )
        pytest.fail(f"a task the form alone cannot answer: {e}")
    period = api.get("direktur", f"/api/instances/{instance_id}").json()
    assert period["status"] == "completed"
    assert sorted(period["steps"]) == ["1", "2", "3", "4", "5", "6", "7"]
    first, last = client.done[0], client.done[-1]
    assert (first.user, first.task) == ("direktur", "Menetapkan target uji kompetensi")
    assert (last.user, last.task) == ("direktur", "Menerima laporan uji kompetensi")
    assert last.answer["diterima"] is True

    docs = api.get("direktur", f"/api/instances/{instance_id}/dokumen", params={"include_children": "true"}).json()
    kinds: dict[str, list[dict[str, Any]]] = {}
    for d in docs:
        kinds.setdefault(d["kind"], []).append(d)
    for kind in ONE_PER_PERIOD:
        # An SK amending the SK Penetapan after an upheld appeal is that SK's next version, not a second one.
        first = [d for d in kinds.get(kind, []) if d["version"] == 1]
        assert len(first) == (2 if kind == "sk_jadwal" and rescheduled else 1), kind
    return instance_id, client, kinds


ONE_PER_PERIOD = (
    "nota_dinas",
    "tor",
    "rab",
    "sk_jadwal",
    "berita_acara_asesmen",
    "berita_acara_pleno",
    "sk_penetapan",
    "permohonan_blangko",
    "laporan",
)


def candidates(docs: list[dict[str, Any]]) -> list[str]:
    return sorted(d["candidate"] for d in docs)


def test_a_client_knowing_only_the_forms_runs_a_period_from_the_target_to_the_directors_receipt(api: Api) -> None:
    _, client, kinds = walk(api, POLICY)

    assert candidates(kinds["kartu_peserta"]) == ["peserta", "peserta2", "peserta3"]
    assert candidates(kinds["rekaman_asesmen"]) == ["peserta", "peserta2", "peserta3"]
    assert {d.user for d in client.done} >= {"peserta", "peserta2", "peserta3"}
    assert {d.user for d in client.done}.isdisjoint({"peserta4", "peserta5"})  # not registered: nothing to do
    assert "sk_banding" not in kinds  # Cahyo did not appeal
    # Certificates for the two found competent, none for the one with a unit BK, each its own number.
    assert candidates(kinds["sertifikat"]) == ["peserta", "peserta2"]
    assert len({d["number"] for d in kinds["sertifikat"]}) == 2
    assert [d.task for d in client.done].count("Mengajukan banding (FR.AK.04)") == 1


class Appeal:
    """The same period, but TUK-01 fails its first verification and is fixed, and Cahyo appeals: the appeal
    is upheld and another asesor finds every unit competent."""

    def __init__(self) -> None:
        self.failed: set[str] = set()

    def decide(self, f: Field) -> Any:
        if f.pattern == "verifikasi.kesimpulan" and f.task.get("subject") == "TUK-01" and "TUK-01" not in self.failed:
            self.failed.add("TUK-01")
            return f.value_titled("Belum sesuai")
        if f.pattern == "penilaian.unit[].rekomendasi" and f.task["name"].startswith("Menilai ulang"):
            return f.value_titled("Kompeten (K)")
        if f.pattern == "banding.ajukan":
            return True
        if f.pattern == "keputusan_banding.keputusan":
            return f.value_titled("Banding diterima")
        return decide(f)


def test_a_client_knowing_only_the_forms_runs_a_period_with_a_tuk_fixed_and_an_appeal_upheld(api: Api) -> None:
    appeal = Appeal()
    _, client, kinds = walk(api, Policy(choose=appeal.decide, rows=rows, last=POLICY.last, copied=from_bnsp))

    done = [d.task for d in client.done]
    assert done.count("Menindaklanjuti TUK belum sesuai") == 1
    assert done.count("Memverifikasi TUK dengan daftar periksa") == done.count("Menetapkan TUK terverifikasi") + 1
    assert candidates(kinds["sk_banding"]) == ["peserta3"]
    # The tim banding decided K on the re-assessment (the form's first choice): the SK Penetapan is amended.
    assert done.count("Memutuskan hasil asesmen ulang") == 1
    assert [d["title"] for d in kinds["sk_penetapan"]] == [
        "SK penetapan hasil asesmen 2026 Genap",
        "Perubahan atas SK penetapan hasil asesmen 2026 Genap",
    ]
    # One record per assessment and one more for Cahyo's re-assessment, which he agreed to (FR.AK.01) and gave
    # feedback on (FR.AK.03) as on his assessment; certificates for all three.
    for kind in ("persetujuan_asesmen", "rekaman_asesmen", "umpan_balik_asesmen"):
        assert candidates(kinds[kind]) == ["peserta", "peserta2", "peserta3", "peserta3"], kind
    assert candidates(kinds["sertifikat"]) == ["peserta", "peserta2", "peserta3"]
    assert len({d["number"] for d in kinds["sertifikat"]}) == 3


class Returned:
    """The same period, but Bunga's registration is returned once for revision (her evidence found wanting)
    and Cahyo is absent on the day."""

    def __init__(self) -> None:
        self.returned = False

    def decide(self, f: Field) -> Any:
        first_check_of_bunga = f.task.get("subject") == "peserta2" and not self.returned
        if f.pattern == "pemeriksaan.bukti[].status" and first_check_of_bunga:
            return f.value_titled("tidak memenuhi")
        if f.pattern == "pemeriksaan.keputusan" and first_check_of_bunga:
            self.returned = True
            return f.value_titled("Dikembalikan")
        if f.pattern == "kehadiran.hadir" and f.task.get("subject") == "peserta3":
            return False
        return decide(f)


def test_a_client_knowing_only_the_forms_runs_a_period_with_a_registration_returned_and_a_candidate_absent(
    api: Api,
) -> None:
    returned = Returned()
    _, client, kinds = walk(api, Policy(choose=returned.decide, rows=rows, last=POLICY.last, copied=from_bnsp))

    done = [(d.task, d.subject) for d in client.done]
    assert done.count(("Mengisi FR.APL.01 dan FR.APL.02", "peserta2")) == 2
    assert done.count(("Memeriksa kelengkapan berkas pendaftaran", "peserta2")) == 2
    assert ("Menyetujui asesmen (FR.AK.01)", "peserta3") not in done
    assert candidates(kinds["kartu_peserta"]) == ["peserta", "peserta2", "peserta3"]
    assert candidates(kinds["rekaman_asesmen"]) == ["peserta", "peserta2"]
    assert candidates(kinds["sertifikat"]) == ["peserta", "peserta2"]


def reject_two(f: Field) -> Any:
    """Bunga's and Cahyo's evidence is found wanting and their registrations rejected."""
    rejected = f.task.get("subject") in ("peserta2", "peserta3")
    if f.pattern == "pemeriksaan.bukti[].status" and rejected:
        return f.value_titled("tidak memenuhi")
    if f.pattern == "pemeriksaan.keputusan" and rejected:
        return f.value_titled("Ditolak")
    return decide(f)


def test_a_client_knowing_only_the_forms_runs_a_period_postponed_when_too_few_registrations_are_accepted(
    api: Api,
) -> None:
    _, client, kinds = walk(
        api, Policy(choose=reject_two, rows=rows, last=POLICY.last, copied=from_bnsp), rescheduled=True
    )

    # One accepted against the plan's minimum of two: the Ketua LSP takes the form's first course, postponing
    # the assessment to the dates the form proposes, and the SK jadwal is issued again.
    [kuota] = [d for d in client.done if d.task == "Memutuskan tindak lanjut kuota minimum"]
    assert kuota.user == "ketua_lsp" and kuota.answer["keputusan_kuota"]["keputusan"] == "tunda"
    assert candidates(kinds["kartu_peserta"]) == ["peserta"]
    assert candidates(kinds["rekaman_asesmen"]) == ["peserta"]
    assert candidates(kinds["sertifikat"]) == ["peserta"]


class Moved:
    """The same period, but Cahyo is assessed at TUK-02 (its verifier added to the proposal), and TUK-01 is
    found not yet suitable: its candidates are moved to TUK-02 once that one is verified."""

    def __init__(self) -> None:
        self.failed = False

    def decide(self, f: Field) -> Any:
        if f.pattern == "penugasan_asesor[].tuk_kode" and f.row.get("username") == "peserta3":
            return f.value_titled("(TUK-02)")
        if f.pattern == "penugasan_verifikator[].tuk_kode" and f.index == 1:
            return f.value_titled("(TUK-02)")
        if f.pattern == "verifikasi.kesimpulan" and f.task.get("subject") == "TUK-01" and not self.failed:
            self.failed = True
            return f.value_titled("Belum sesuai")
        if f.pattern == "tindak_lanjut_tuk.tindakan":
            return f.value_titled("Pindahkan")
        return decide(f)

    @staticmethod
    def rows(pattern: str, task: dict[str, Any]) -> int | None:
        return 2 if pattern == "penugasan_verifikator" else rows(pattern, task)


def test_a_client_knowing_only_the_forms_runs_a_period_moving_candidates_from_a_tuk_found_wanting(api: Api) -> None:
    moved = Moved()
    last = POLICY.last | {"Menindaklanjuti TUK belum sesuai"}  # decided once the other TUK is verified
    _, client, kinds = walk(api, Policy(choose=moved.decide, rows=moved.rows, last=last, copied=from_bnsp))

    [tindak] = [d for d in client.done if d.task == "Menindaklanjuti TUK belum sesuai"]
    assert tindak.answer["tindak_lanjut_tuk"]["tuk_pengganti"] == "TUK-02"
    assert len(kinds["formulir_verifikasi_tuk"]) == 2  # TUK-01 not yet suitable, TUK-02 suitable
    # Andi's and Bunga's cards are issued again for TUK-02; Cahyo was there from the start.
    assert candidates(kinds["kartu_peserta"]) == ["peserta", "peserta", "peserta2", "peserta2", "peserta3"]
    assert candidates(kinds["sertifikat"]) == ["peserta", "peserta2"]
