"""Every form knows its data: reading a ready task (GET /api/tasks/{id}) gives each field that declares a source
(`x-sumber`) its choices as `oneOf` of {const, title}, the eligible ones only, and each field that declares a
pre-filled value (`x-isian`) its `default`; the validators still refuse what the choices leave out."""

import json
import logging
import re
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import jsonschema
import pytest

from api.settings import PROJECT_ROOT
from service_tasks import sumber_formulir
from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon, refused

SEMUA_BIDANG = "Teknologi Informasi dan Komunikasi, Industri Otomotif, Industri Kimia Polimer"
UJI = (PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn").read_text()


@pytest.fixture(autouse=True)
def no_source_fails(request: pytest.FixtureRequest, caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """A failing source only leaves its field as deployed: make it loud here, where none may fail."""
    yield
    if "fails" not in request.node.name:
        failed = [r.getMessage() for r in caplog.records if r.name == "api.engine.form_sources"]
        assert failed == []


def field(schema: dict[str, Any], path: str) -> dict[str, Any]:
    """The subschema at a dotted path of properties (`[]` for an array's items)."""
    node = schema
    for part in path.split("."):
        node = node["items"] if part == "[]" else node["properties"][part]
    return node


def choices(schema: dict[str, Any], path: str) -> list[tuple[Any, str]]:
    return [(c["const"], c["title"]) for c in field(schema, path).get("oneOf", [])]


def form(api: Api, username: str, task_id: str) -> dict[str, Any]:
    schema: dict[str, Any] = sop.task_detail(api, username, task_id)["form"]["schema"]
    return schema


def test_the_direktur_picks_the_target_skema_among_the_active_ones_in_the_licence(api: Api) -> None:
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    schema = form(api, "direktur", t["id"])
    assert choices(schema, "target.[].skema_nomor") == [
        ("SKM/LSP-STMI/001/2024", "Junior Web Developer (SKM/LSP-STMI/001/2024)"),
        ("SKM/LSP-STMI/002/2024", "Operator Perakitan Kendaraan Bermotor Roda Empat (SKM/LSP-STMI/002/2024)"),
        ("SKM/LSP-STMI/003/2024", "Analis Pengendalian Mutu Produk Polimer (SKM/LSP-STMI/003/2024)"),
    ]


BUDI = ("asesor", "Budi Santoso, S.Kom., M.T. — MET.000.001234 2019, MET berlaku s.d. 31 Mei 2028")
HENDRA = ("asesor2", "Hendra Gunawan, S.T. — MET.000.002517 2018, MET berlaku s.d. 31 Agustus 2028")
LESTARI = ("asesor3", "Dr. Lestari Handayani, S.Si., M.Si. — MET.000.004381 2020, MET berlaku s.d. 28 Februari 2029")
RUDI = ("asesor4", "Ir. Rudi Hartono, M.T. — MET.000.006092 2021, MET berlaku s.d. 31 Oktober 2029")
TUK_01 = ("TUK-01", "Laboratorium Komputer Terpadu (TUK-01) — kapasitas 30 orang")
TUK_02 = ("TUK-02", "Workshop Otomotif dan Laboratorium Polimer (TUK-02) — kapasitas 20 orang")
ANDI = ("peserta", "Andi Pratama — 2303001, Sistem Informasi Industri Otomotif")
BUNGA = ("peserta2", "Bunga Maharani — 2303002, Sistem Informasi Industri Otomotif")
CAHYO = ("peserta3", "Cahyo Nugroho — 2301001, Teknik Industri Otomotif")
DIAN = ("peserta4", "Dian Puspitasari — 2301002, Teknik Industri Otomotif")
JWD_UNITS = [
    ("J.620100.004.02", "J.620100.004.02 — Menggunakan Struktur Data"),
    ("J.620100.005.02", "J.620100.005.02 — Mengimplementasikan User Interface"),
    (
        "J.620100.010.01",
        "J.620100.010.01 — Menerapkan Perintah Eksekusi Bahasa Pemrograman Berbasis Teks, Grafik, dan Multimedia",
    ),
    ("J.620100.016.01", "J.620100.016.01 — Menulis Kode dengan Prinsip Sesuai Guidelines dan Best Practices"),
    ("J.620100.017.02", "J.620100.017.02 — Mengimplementasikan Pemrograman Terstruktur"),
    ("J.620100.019.02", "J.620100.019.02 — Menggunakan Library atau Komponen Pre-Existing"),
]


def test_each_step_offers_the_master_data_and_the_period_s_own_data_as_titled_choices(api: Api) -> None:
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    api.complete("direktur", t["id"], sop.TARGET)
    t = sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=root)
    assert choices(form(api, "ketua_lsp", t["id"]), "tuk_kode.[]") == [TUK_01, TUK_02]
    api.complete("ketua_lsp", t["id"], sop.rencana(api))

    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    schema = form(api, "kabid_administrasi", t["id"])
    peserta = choices(schema, "daftar_pendaftar.[].username")
    assert len(peserta) == 40
    assert peserta[:2] == [CAHYO, DIAN]  # by NIM
    assert ANDI in peserta and BUNGA in peserta
    assert choices(schema, "daftar_pendaftar.[].skema_nomor") == [
        (sop.JWD, f"Junior Web Developer ({sop.JWD})"),
        (sop.OPR, f"Operator Perakitan Kendaraan Bermotor Roda Empat ({sop.OPR})"),
        (sop.MUTU, f"Analis Pengendalian Mutu Produk Polimer ({sop.MUTU})"),
    ]
    sop.open_registration(api, root)

    t = sop.one(api, "peserta", "Mengisi FR.APL.01 dan FR.APL.02")
    schema = form(api, "peserta", t["id"])
    assert choices(schema, "apl02.[].unit_kode") == JWD_UNITS
    # Each element of the skema's units, with its KUK, to answer per element.
    elemen = choices(schema, "apl02.[].elemen.[].elemen")
    assert len(elemen) == 13
    assert elemen[0] == (
        "Mengidentifikasi konsep data dan struktur data",
        "J.620100.004.02 · Elemen 1: Mengidentifikasi konsep data dan struktur data — KUK 1.1 Konsep data dan "
        "struktur data diidentifikasi sesuai konteks permasalahan; 1.2 Alternatif struktur data dibandingkan "
        "kelebihan dan kekurangannya",
    )
    for username in sop.CANDIDATES:
        sop.submit_apl(api, username)
    t = sop.tasks_named(api, "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran")[0]
    detail = sop.task_detail(api, "kabid_administrasi", t["id"])
    [bukti] = detail["data"]["apl01"]["bukti"]
    assert choices(detail["form"]["schema"], "pemeriksaan.bukti.[].berkas_id") == [
        (bukti["berkas_id"], "Kartu tanda mahasiswa")
    ]
    first = {u: ("diterima", "") for u in sop.CANDIDATES if u not in sop.RETURNED | sop.REJECTED}
    first |= {u: ("dikembalikan", "Pindaian KTM tidak terbaca") for u in sop.RETURNED}
    first |= {u: ("ditolak", "Bukan mahasiswa tingkat akhir") for u in sop.REJECTED}
    sop.check_files(api, first)
    for username in sop.RETURNED:
        sop.submit_apl(api, username)
    sop.check_files(api, {u: ("diterima", "") for u in sop.RETURNED})
    sop.close_registration(api, root)

    t = sop.one(api, "kabid_sertifikasi", "Menugaskan asesor dan verifikator TUK", instance_id=root)
    schema = form(api, "kabid_sertifikasi", t["id"])
    assert sorted(choices(schema, "penugasan_asesor.[].username")) == [ANDI, BUNGA, CAHYO, DIAN]
    # asesor3 is competent only for the polymer skema, which no accepted candidate takes
    assert choices(schema, "penugasan_asesor.[].asesor") == [BUDI, HENDRA, RUDI]
    assert choices(schema, "penugasan_asesor.[].tuk_kode") == [TUK_01, TUK_02]
    assert choices(schema, "penugasan_verifikator.[].tuk_kode") == [TUK_01, TUK_02]
    assert choices(schema, "penugasan_verifikator.[].verifikator") == [BUDI, LESTARI, HENDRA, RUDI]
    forced = sop.assignment()
    forced["penugasan_asesor"][0]["asesor"] = "asesor3"
    refused(api, "kabid_sertifikasi", t["id"], forced, root, {"penugasan_asesor.0.asesor": ["tidak kompeten"]})
    sop.step_3_assignment(api, root)

    sop.verify_tuk(api, "TUK-01", "belum_sesuai")
    sop.verify_tuk(api, "TUK-02", "sesuai")
    t = sop.one(api, "kabid_sertifikasi", "Menindaklanjuti TUK belum sesuai")
    # TUK-02 is not yet set verified by the Ketua LSP: no TUK to move to
    assert "oneOf" not in field(form(api, "kabid_sertifikasi", t["id"]), "tindak_lanjut_tuk.tuk_pengganti")
    api.complete("kabid_sertifikasi", t["id"], {"tindak_lanjut_tuk": {"tindakan": "perbaiki", "catatan": "UPS"}})
    sop.verify_tuk(api, "TUK-01", "sesuai")
    sop.set_verified(api)
    api.drain()

    sop.step_5(api)
    t = sop.one(api, "kabid_sertifikasi", "Melaksanakan rapat pleno")
    schema = form(api, "kabid_sertifikasi", t["id"])
    assert choices(schema, "pleno.keputusan.[].username") == [ANDI, BUNGA, CAHYO]
    # only the LSP's eligible pleno staff; asesor and asesor2 assessed the candidates decided: not offered
    assert choices(schema, "pleno.anggota.[]") == [
        ("kabid_sertifikasi", f"Agus Salim, S.T., M.Kom. — Kepala Bidang Sertifikasi (bidang {SEMUA_BIDANG})"),
        ("ketua_lsp", "Ir. Ratna Dewi Lestari, M.M. — Ketua LSP (bidang Teknologi Informasi dan Komunikasi)"),
        ("asesor4", f"Ir. Rudi Hartono, M.T. — Asesor Kompetensi (komite teknis) (bidang {SEMUA_BIDANG})"),
        ("kabid_administrasi", "Sri Wahyuni, S.E. — Kepala Bidang Administrasi"),
    ]
    # the asesor's recommendation proposed: peserta3 has a unit BK
    assert defaults(schema)["pleno"]["keputusan"] == [
        {"username": "peserta", "keputusan": "K", "catatan": ""},
        {"username": "peserta2", "keputusan": "K", "catatan": ""},
        {"username": "peserta3", "keputusan": "BK", "catatan": ""},
    ]
    # one competent in the skema's fields, staff before asesor, the Ketua LSP (who decides appeals) last
    assert defaults(schema)["pleno"]["anggota"] == ["kabid_sertifikasi", "kabid_administrasi"]
    assert defaults(schema)["pleno"]["notulis"] == "kabid_administrasi"
    assert defaults(schema)["pleno"]["hadir"] == ["kabid_sertifikasi", "kabid_administrasi"]
    forced = sop.pleno({"peserta": "K", "peserta2": "K", "peserta3": "BK"}, ["ketua_lsp", "asesor"])
    refused(api, "kabid_sertifikasi", t["id"], forced, root, {"pleno.anggota.1": ["adalah asesor dari"]})
    sop.step_6_decision(api)

    t = sop.one(api, "peserta3", "Mengajukan banding (FR.AK.04)")
    api.complete("peserta3", t["id"], sop.banding())
    t = sop.one(api, "ketua_lsp", "Membentuk tim banding")
    # not the candidate, not their asesor (asesor2), not the pleno (kabid_sertifikasi, kabid_administrasi)
    assert choices(form(api, "ketua_lsp", t["id"]), "tim_banding.anggota.[]") == [
        ("ketua_lsp", "Ir. Ratna Dewi Lestari, M.M. — Ketua LSP"),
        ("direktur", "Dr. Mustofa, S.T., M.T. — Direktur"),
        ("asesor", "Budi Santoso, S.Kom., M.T. — Asesor Kompetensi"),
        ("asesor3", "Dr. Lestari Handayani, S.Si., M.Si. — Asesor Kompetensi"),
        ("asesor4", "Ir. Rudi Hartono, M.T. — Asesor Kompetensi"),
    ]
    assert defaults(form(api, "ketua_lsp", t["id"])) == {
        "tim_banding": {"anggota": ["ketua_lsp", "direktur", "asesor"]}
    }
    forced = {"tim_banding": {"anggota": ["direktur", "asesor3", "kabid_administrasi"]}}
    refused(api, "ketua_lsp", t["id"], forced, root, {"tim_banding.anggota.2": ["tim banding harus independen"]})
    api.complete("ketua_lsp", t["id"], {"tim_banding": {"anggota": sop.TIM_BANDING}})
    t = sop.one(api, "ketua_lsp", "Memutuskan banding")
    api.complete("ketua_lsp", t["id"], {"keputusan_banding": {"keputusan": "diterima", "pertimbangan": "Bukti baru"}})
    t = sop.one(api, "kabid_sertifikasi", "Menugaskan asesor asesmen ulang")
    schema = form(api, "kabid_sertifikasi", t["id"])
    assert choices(schema, "asesor_ulang.asesor") == [BUDI, RUDI]
    assert defaults(schema) == {"asesor_ulang": {"asesor": "asesor", "pukul_mulai": "09.00", "pukul_selesai": "12.00"}}
    forced = {"asesor_ulang": {"asesor": "asesor2", **sop.PUKUL_ULANG, "catatan": ""}}
    refused(api, "kabid_sertifikasi", t["id"], forced, root, {"asesor_ulang.asesor": ["asesor lain"]})
    api.complete(
        "kabid_sertifikasi", t["id"], {"asesor_ulang": {"asesor": "asesor4", **sop.PUKUL_ULANG, "catatan": ""}}
    )
    sop.setuju_asesmen_ulang(api, "peserta3")
    t = sop.one(api, "asesor4", "Menilai ulang unit kompetensi (FR.AK.02)")
    assert [c for c, _ in choices(form(api, "asesor4", t["id"]), "penilaian.unit.[].kode")] == [
        "C.291000.001.01",
        "C.291000.004.01",
        "C.291000.007.01",
        "C.291000.012.01",
        "C.291000.015.01",
    ]
    api.complete("asesor4", t["id"], sop.penilaian(api, sop.OPR))
    sop.umpan_balik(api, "peserta3", ulang=True)
    t = sop.one(api, "ketua_lsp", "Memutuskan hasil asesmen ulang")
    api.complete("ketua_lsp", t["id"], sop.keputusan_asesmen_ulang())
    api.drain()

    t = sop.one(api, "kabid_administrasi", "Mencatat nomor sertifikat dari BNSP")
    schema = form(api, "kabid_administrasi", t["id"])
    assert sorted(choices(schema, "nomor_sertifikat.sertifikat.[].username")) == [ANDI, BUNGA, CAHYO]


@pytest.mark.parametrize(
    ("spec", "element_id", "words"),
    [
        (
            {"type": "string", "x-sumber": "skema_semua"},
            "properties.isian.x-sumber",
            ("x-sumber 'skema_semua' bukan sumber pilihan yang dikenal; yang dikenal: "),
        ),
        (
            {"type": "string", "x-isian": "skema_aktif"},
            "properties.isian.x-isian",
            ("x-isian 'skema_aktif' bukan sumber isian awal yang dikenal"),
        ),
        (
            {"type": "string", "x-sumber": "skema_aktif", "oneOf": [{"const": "a", "title": "A"}]},
            "properties.isian.x-sumber",
            "Kolom dengan x-sumber mengambil pilihannya dari sumber itu: hapus oneOf/enum/const-nya",
        ),
    ],
)
def test_a_form_naming_an_unknown_source_is_not_deployed(
    api: Api, spec: dict[str, Any], element_id: str, words: str
) -> None:
    form_file = json.dumps({"type": "object", "title": "Target", "properties": {"isian": {"title": "Isian", **spec}}})
    files = {"uji_kompetensi.bpmn": UJI, "menetapkan_target.json": form_file}
    upload = [("files", (name, body.encode(), "application/octet-stream")) for name, body in files.items()]
    r = api.post("desainer", "/api/deployments", files=upload)
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert (error["file"], error["element_id"]) == ("menetapkan_target.json", element_id)
    assert words in error["message"]


def defaults(schema: dict[str, Any]) -> Any:
    """The answer a person gets by confirming every pre-filled value: the `default`s of the served schema,
    nested objects gathered from their fields."""
    if "default" in schema:
        return schema["default"]
    found = {k: v for k, sub in (schema.get("properties") or {}).items() if (v := defaults(sub)) is not None}
    return found or None


def merged(base: Any, extra: Any) -> Any:
    """`extra` laid over `base`: objects field by field, lists of rows row by row."""
    if isinstance(base, dict) and isinstance(extra, dict):
        return {**base, **{k: merged(base.get(k), v) for k, v in extra.items()}}
    if isinstance(base, list) and isinstance(extra, list) and len(base) == len(extra):
        return [merged(b, e) for b, e in zip(base, extra, strict=True)]
    return extra if extra is not None else base


def confirm(api: Api, username: str, task: dict[str, Any], extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """Complete `task` with its pre-filled values and only what the process cannot know (`extra`)."""
    schema = form(api, username, task["id"])
    data = merged(defaults(schema) or {}, extra or {})
    api.complete(username, task["id"], data)
    return dict(data)


def test_a_period_runs_on_the_pre_filled_values_with_only_the_judgements_typed(api: Api) -> None:
    d = sop.today(api)
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    assert confirm(api, "direktur", t, {"target": sop.TARGET["target"]})["periode"] == "2026 Genap"

    t = sop.one(api, "ketua_lsp", "Menyusun rencana uji kompetensi", instance_id=root)
    plan = sop.rencana(api)
    data = confirm(api, "ketua_lsp", t, {"tor": plan["tor"], "rab": plan["rab"]})
    # registration for step 3's standard (P7D), assessment after step 4's (PT1H: a day) for step 5's (P7D)
    assert data["jadwal"] == {
        "pendaftaran_mulai": d.isoformat(),
        "pendaftaran_selesai": (d + timedelta(days=7)).isoformat(),
        "asesmen_mulai": (d + timedelta(days=8)).isoformat(),
        "asesmen_selesai": (d + timedelta(days=14)).isoformat(),
        "kuota_min": 5,
        # a morning and an afternoon session on each of the window's five weekdays
        "sesi": [
            {"tanggal": hari.isoformat(), "mulai": mulai, "selesai": selesai}
            for hari in (d + timedelta(days=n) for n in range(8, 15))
            if hari.weekday() < 5
            for mulai, selesai in (("08.00", "12.00"), ("13.00", "16.00"))
        ],
    }
    assert len(data["jadwal"]["sesi"]) == 10
    assert data["tuk_kode"] == ["TUK-01", "TUK-02"]

    t = sop.one(api, "kabid_administrasi", "Membuka pendaftaran uji kompetensi", instance_id=root)
    # per target row, as many active candidates of its prodi (by NIM) as targeted, with its skema
    assert confirm(api, "kabid_administrasi", t)["daftar_pendaftar"] == [
        {"username": u, "skema_nomor": k} for u, k in sop.CANDIDATES.items()
    ]

    for username, nomor in sop.CANDIDATES.items():
        t = sop.one(api, username, "Mengisi FR.APL.01 dan FR.APL.02")
        apl = sop.apl(api, username, t["id"], nomor)
        # One row per unit, each with one row per element: only the K/BK judgement is the candidate's to give.
        units = sop.units(api, nomor)
        assert defaults(form(api, username, t["id"]))["apl02"] == [
            {"unit_kode": u["kode"], "elemen": [{"elemen": e["judul"]} for e in u["elemen"]]} for u in units
        ]
        ya = [{"elemen": [{"kompeten": True} for _ in u["elemen"]]} for u in units]
        confirm(api, username, t, {"apl01": apl["apl01"], "apl02": ya})
    for t in sop.tasks_named(api, "kabid_administrasi", "Memeriksa kelengkapan berkas pendaftaran"):
        detail = sop.task_detail(api, "kabid_administrasi", t["id"])
        [bukti] = detail["data"]["apl01"]["bukti"]
        assert defaults(detail["form"]["schema"])["pemeriksaan"]["bukti"] == [
            {"berkas_id": bukti["berkas_id"], "nama": "Kartu tanda mahasiswa"}
        ]
        confirm(
            api,
            "kabid_administrasi",
            t,
            {"pemeriksaan": {"bukti": [{"status": "ada_memenuhi"}], "keputusan": "diterima", "alasan": ""}},
        )
    sop.close_registration(api, root)

    t = sop.one(api, "kabid_sertifikasi", "Menugaskan asesor dan verifikator TUK", instance_id=root)
    # the candidate with fewest competent asesor first (peserta5: asesor3, asesor4), then each to the least
    # loaded competent asesor (by name among equals), all at TUK-01 (room for 30); TUK-01's verifikator is
    # preferably one who assesses no one there (here everyone does: the first by name)
    schema = form(api, "kabid_sertifikasi", t["id"])
    # the field offers every asesor who may assess someone; each row, those who may assess its candidate
    assert choices(schema, "penugasan_asesor.[].asesor") == [BUDI, LESTARI, HENDRA, RUDI]
    assert field(schema, "penugasan_asesor.[]")["allOf"] == [
        {
            "if": {"properties": {"username": {"enum": keys}}, "required": ["username"]},
            "then": {"properties": {"asesor": {"oneOf": [{"const": c, "title": title} for c, title in offered]}}},
        }
        for keys, offered in [
            (["peserta", "peserta2", "peserta3", "peserta4"], [BUDI, HENDRA, RUDI]),
            (["peserta5"], [LESTARI, RUDI]),
        ]
    ]
    jsonschema.validate(defaults(schema), schema)  # the proposal keeps to every row's choices
    wrong = merged(defaults(schema), {"penugasan_asesor": [{"asesor": "asesor3"}, {}, {}, {}, {}]})
    assert not jsonschema.Draft202012Validator(schema).is_valid(wrong)
    data = confirm(api, "kabid_sertifikasi", t)
    assert data["penugasan_asesor"] == [
        {"username": "peserta", "asesor": "asesor", "tuk_kode": "TUK-01", "sesi": 1},
        {"username": "peserta2", "asesor": "asesor2", "tuk_kode": "TUK-01", "sesi": 1},
        {"username": "peserta3", "asesor": "asesor4", "tuk_kode": "TUK-01", "sesi": 1},
        {"username": "peserta4", "asesor": "asesor", "tuk_kode": "TUK-01", "sesi": 1},
        {"username": "peserta5", "asesor": "asesor3", "tuk_kode": "TUK-01", "sesi": 1},
    ]
    assert data["penugasan_verifikator"] == [{"tuk_kode": "TUK-01", "verifikator": "asesor"}]
    asesor_of = {r["username"]: r["asesor"] for r in data["penugasan_asesor"]}
    for asesor in sorted(set(asesor_of.values())):
        for t in sop.tasks_named(api, asesor, "Meninjau FR.APL.02 (pra-asesmen)"):
            api.complete(asesor, t["id"], {"pra_asesmen": {"rekomendasi": "lanjut", "catatan": "Bukti memadai"}})
    api.drain()

    t = sop.one(api, "asesor", "Memverifikasi TUK dengan daftar periksa")
    check = sop.verifikasi()["verifikasi"]
    data = confirm(api, "asesor", t, {"verifikasi": {**check, "tanggal": None}})
    assert data["verifikasi"]["tanggal"] == d.isoformat()
    sop.set_verified(api)
    api.drain()

    for username, asesor in asesor_of.items():
        [t] = [
            t
            for t in sop.tasks_named(api, asesor, "Mencatat kehadiran peserta")
            if sop.task_data(api, asesor, t["id"])["peserta_asesmen"]["username"] == username
        ]
        # The day held is proposed as today; this walk holds it before the SK Jadwal's window, so the asesor
        # types why (the one thing the process cannot know).
        typed = {"kehadiran": {"catatan": "", "alasan_di_luar_jadwal": sop.DI_LUAR_JADWAL}}
        assert confirm(api, asesor, t, typed)["kehadiran"] == {
            "hadir": True,
            "tanggal": d.isoformat(),
            "alasan_di_luar_jadwal": sop.DI_LUAR_JADWAL,
            "catatan": "",
        }
    for username in asesor_of:
        t = sop.one(api, username, "Menyetujui asesmen (FR.AK.01)")
        api.complete(username, t["id"], {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}})
    for username, asesor in asesor_of.items():
        [t] = [
            t
            for t in sop.tasks_named(api, asesor, "Menilai unit kompetensi (FR.AK.02)")
            if sop.task_data(api, asesor, t["id"])["peserta_asesmen"]["username"] == username
        ]
        units = sop.units(api, sop.CANDIDATES[username])
        assert defaults(form(api, asesor, t["id"]))["penilaian"]["unit"] == [
            {"kode": u["kode"], "judul": u["judul"]} for u in units
        ]
        judgement = [{"rekomendasi": "K", "metode": ["observasi_demonstrasi"]} for _ in units]
        confirm(api, asesor, t, {"penilaian": {"unit": judgement, "umpan_balik": "Baik"}})
    for username in asesor_of:
        sop.umpan_balik(api, username)
    api.drain()
    sop.laporan_asesor(api)  # FR.AK.05: nothing to pre-fill but its table; the asesor's words are typed

    t = sop.one(api, "kabid_sertifikasi", "Melaksanakan rapat pleno")
    # every asesor assessed someone decided: the pleno proposed is eligible staff, one competent in each field
    data = confirm(api, "kabid_sertifikasi", t, {"pleno": {"tempat": "Ruang Rapat LSP"}})
    assert data["pleno"] == {
        "tanggal": d.isoformat(),
        "waktu": "09.00",
        "tempat": "Ruang Rapat LSP",
        "anggota": ["kabid_sertifikasi", "kabid_administrasi"],
        "notulis": "kabid_administrasi",
        "hadir": ["kabid_sertifikasi", "kabid_administrasi"],
        "keputusan": [{"username": u, "keputusan": "K", "catatan": ""} for u in sop.CANDIDATES],
    }
    t = sop.one(api, "ketua_lsp", "Menyetujui SK penetapan hasil asesmen")
    api.complete("ketua_lsp", t["id"], {"persetujuan_sk": {"disetujui": True, "catatan": ""}})
    api.drain()

    t = sop.one(api, "kabid_administrasi", "Mencatat nomor sertifikat dari BNSP")
    numbers = sop.nomor_sertifikat(list(sop.CANDIDATES))
    data = confirm(api, "kabid_administrasi", t, {"nomor_sertifikat": {"sertifikat": numbers}})
    assert [r["username"] for r in data["nomor_sertifikat"]["sertifikat"]] == list(sop.CANDIDATES)
    api.drain()
    t = sop.one(api, "ketua_lsp", "Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi", instance_id=root)
    # the summary from the period's data, the budget as planned (4 x Rp500.000 + 5 x Rp35.000) to correct
    data = confirm(api, "ketua_lsp", t, {"evaluasi": {"temuan": "Tidak ada", "rekomendasi": "Lanjutkan"}})
    assert data["evaluasi"] == {
        "ringkasan": "Uji kompetensi periode 2026 Genap: 5 pendaftar, 5 diterima, 5 hadir dan dinilai asesor "
        "(5 K, 0 BK), 0 tidak hadir.",
        "temuan": "Tidak ada",
        "rekomendasi": "Lanjutkan",
        "realisasi_anggaran": 2175000.0,
    }
    t = sop.one(api, "direktur", "Menerima laporan uji kompetensi", instance_id=root)
    api.complete("direktur", t["id"], {"diterima": True, "catatan": "Diterima."})
    assert api.get("direktur", f"/api/instances/{root}").json()["status"] == "completed"


def test_forms_readme_lists_every_registered_source() -> None:
    readme = (PROJECT_ROOT / "forms" / "README.md").read_text()
    listed = set(re.findall(r"^\| `([a-z_0-9]+)` \| `x-(?:sumber|isian)` \|", readme, re.MULTILINE))
    assert listed == set(sumber_formulir.SUMBER)


def test_a_postponed_assessment_is_proposed_a_registration_standard_from_today_for_as_long_as_planned(
    api: Api,
) -> None:
    root = b.registered(api, [Calon("peserta")], kuota_min=2)
    t = sop.one(api, "ketua_lsp", b.KUOTA, instance_id=root)
    d = sop.today(api)
    # the plan's assessment takes two days (sop.jadwal); step 3's standard is P7D
    # the plan's sessions (days 10 and 11, sop.jadwal) moved as far as the start: three days earlier
    assert defaults(form(api, "ketua_lsp", t["id"])) == {
        "keputusan_kuota": {
            "asesmen_mulai": (d + timedelta(days=7)).isoformat(),
            "asesmen_selesai": (d + timedelta(days=8)).isoformat(),
            "sesi": [
                {"tanggal": (d + timedelta(days=7)).isoformat(), "mulai": "08.00", "selesai": "12.00"},
                {"tanggal": (d + timedelta(days=7)).isoformat(), "mulai": "13.00", "selesai": "16.00"},
                {"tanggal": (d + timedelta(days=8)).isoformat(), "mulai": "08.00", "selesai": "12.00"},
            ],
        }
    }
    confirm(api, "ketua_lsp", t, {"keputusan_kuota": {"keputusan": "tunda", "alasan": "Menunggu peserta"}})
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    jadwal = sop.task_data(api, "kabid_sertifikasi", t["id"])["jadwal"]
    assert (jadwal["asesmen_mulai"], jadwal["asesmen_selesai"]) == (
        (d + timedelta(days=7)).isoformat(),
        (d + timedelta(days=8)).isoformat(),
    )


def test_a_source_that_fails_leaves_its_field_as_deployed_and_the_others_filled(
    api: Api, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def rusak(ctx: sumber_formulir.SumberContext) -> Any:
        raise KeyError("data yang tidak terduga")

    caplog.set_level(logging.ERROR, "api.engine.form_sources")
    monkeypatch.setitem(
        sumber_formulir.SUMBER, "skema_aktif", sumber_formulir.Terdaftar(sumber_formulir.Jenis.PILIHAN, rusak, "")
    )
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    schema = form(api, "direktur", t["id"])
    assert "oneOf" not in field(schema, "target.[].skema_nomor")
    assert field(schema, "periode")["default"] == "2026 Genap"
    assert [r.getMessage() for r in caplog.records if r.name == "api.engine.form_sources"] == [
        f"form source x-sumber 'skema_aktif' failed on task {t['id']}"
    ]


def test_a_completed_task_s_form_is_served_as_deployed(api: Api) -> None:
    root = sop.start_period(api)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=root)
    api.complete("direktur", t["id"], sop.TARGET)
    schema = form(api, "direktur", t["id"])
    assert schema == json.loads((PROJECT_ROOT / "forms" / "menetapkan_target.json").read_text())


def test_an_asesor_with_a_declared_conflict_is_not_offered_for_that_candidate_nor_proposed(api: Api) -> None:
    # demo data: asesor4 (Ir. Rudi Hartono) declared a conflict of interest with peserta12 (Lukman Hakim)
    root = b.registered(api, [Calon("peserta"), Calon("peserta12")])
    t = sop.one(api, "kabid_sertifikasi", b.MENUGASKAN, instance_id=root)
    schema = form(api, "kabid_sertifikasi", t["id"])
    assert choices(schema, "penugasan_asesor.[].asesor") == [BUDI, HENDRA, RUDI]
    narrowed = {
        tuple(c["if"]["properties"]["username"]["enum"]): [
            o["const"] for o in c["then"]["properties"]["asesor"]["oneOf"]
        ]
        for c in field(schema, "penugasan_asesor.[]")["allOf"]
    }
    assert narrowed == {("peserta",): ["asesor", "asesor2", "asesor4"], ("peserta12",): ["asesor", "asesor2"]}
    # peserta12 has fewer asesor to choose from: served first (asesor), then peserta the least loaded (asesor2)
    assert defaults(schema)["penugasan_asesor"] == [
        {"username": "peserta", "asesor": "asesor2", "tuk_kode": "TUK-01", "sesi": 1},
        {"username": "peserta12", "asesor": "asesor", "tuk_kode": "TUK-01", "sesi": 1},
    ]
    forced = merged(defaults(schema), {"penugasan_asesor": [{}, {"asesor": "asesor4"}]})
    refused(api, "kabid_sertifikasi", t["id"], forced, root, {"penugasan_asesor.1.asesor": ["konflik kepentingan"]})
