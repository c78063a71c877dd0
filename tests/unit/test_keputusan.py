"""The SOP's decisions (service_tasks.keputusan) on small hand-made data: K/BK, the final Kompeten list with
appeals, who goes on after pra-asesmen, tallies and the RAB total."""

from typing import Any

from service_tasks.keputusan import (
    daftar_kompeten,
    hasil_kompeten,
    kompeten_akhir,
    peserta_asesmen,
    peserta_banding,
    rekap,
    rekomendasi,
    total_rab,
    unit_kompeten,
)


def hasil(username: str, **extra: Any) -> dict[str, Any]:
    return {
        "username": username,
        "skema_nomor": "SKM-01",
        "asesor": "asesor1",
        "tuk_kode": "TUK-A",
        "status": "dinilai",
        "unit": [{"kode": "U1", "rekomendasi": "K"}],
        **extra,
    }


def test_a_candidate_is_kompeten_only_when_every_unit_is_k_and_there_is_at_least_one() -> None:
    assert unit_kompeten([{"rekomendasi": "K"}, {"rekomendasi": "K"}]) is True
    assert unit_kompeten([{"rekomendasi": "K"}, {"rekomendasi": "BK"}]) is False
    assert unit_kompeten([]) is False


def test_a_result_without_units_is_decided_by_its_kompeten_flag() -> None:
    assert hasil_kompeten({"unit": [], "kompeten": True}) is True
    assert hasil_kompeten({"kompeten": False}) is False
    assert hasil_kompeten({"unit": [{"rekomendasi": "BK"}], "kompeten": True}) is False


def test_an_absent_candidate_has_no_recommendation() -> None:
    assert rekomendasi({"status": "dinilai", "kompeten": True}) == "K"
    assert rekomendasi({"status": "dinilai", "kompeten": False}) == "BK"
    assert rekomendasi({"rekomendasi": "BK"}) == "BK"
    assert rekomendasi({"status": "tidak_hadir", "kompeten": True}) is None
    assert rekomendasi({"rekomendasi": "lanjut"}) is None


def test_the_final_list_holds_the_pleno_k_then_the_upheld_appeals_reassessed_k() -> None:
    daftar = [hasil("andi"), hasil("budi"), hasil("citra"), hasil("dewi")]
    pleno = {
        "keputusan": [
            {"username": "andi", "keputusan": "K"},
            {"username": "budi", "keputusan": "BK"},
            {"username": "citra", "keputusan": "BK"},
            {"username": "dewi", "keputusan": "ditunda"},
        ]
    }
    banding = [
        {"username": "budi", "status": "diterima", "kompeten": True, "asesor_ulang": "asesor2", "unit": ["baru"]},
        {"username": "citra", "status": "diterima", "kompeten": False, "asesor_ulang": "asesor2", "unit": []},
    ]
    assert kompeten_akhir(daftar, pleno, banding) == [
        {
            "username": "andi",
            "skema_nomor": "SKM-01",
            "asesor": "asesor1",
            "tuk_kode": "TUK-A",
            "unit": [{"kode": "U1", "rekomendasi": "K"}],
            "melalui_banding": False,
        },
        {
            "username": "budi",
            "skema_nomor": "SKM-01",
            "asesor": "asesor2",
            "tuk_kode": "TUK-A",
            "unit": ["baru"],
            "melalui_banding": True,
        },
    ]


def test_without_a_final_list_documents_fall_back_on_the_pleno_k_completed_from_the_results() -> None:
    pleno = {"keputusan": [{"username": "andi", "keputusan": "K"}, {"username": "budi", "keputusan": "BK"}]}
    rows = daftar_kompeten(None, pleno, [hasil("andi"), hasil("budi")])
    assert [(r["username"], r["tuk_kode"]) for r in rows] == [("andi", "TUK-A")]
    given = daftar_kompeten([{"username": "budi", "melalui_banding": True}], pleno, [hasil("budi")])
    assert [(r["username"], r["melalui_banding"], r["skema_nomor"]) for r in given] == [("budi", True, "SKM-01")]


def test_after_pra_asesmen_only_lanjut_goes_on_and_each_used_tuk_gets_its_first_verifikator() -> None:
    # Names and titles a row may carry are not copied on: the assessment list holds ids.
    pra = [
        {"username": "andi", "nama": "Andi", "nim": "1", "prodi": "TI", "skema_nomor": "S", "skema_judul": "J",
         "asesor": "a1", "tuk_kode": "TUK-A", "sesi": 2},
        {"username": "budi", "nama": "Budi", "nim": "2", "prodi": "TI", "skema_nomor": "S", "skema_judul": "J",
         "asesor": "a1", "tuk_kode": "TUK-B"},
    ]  # fmt: skip
    hasil_pra = [
        {"username": "andi", "rekomendasi": "lanjut", "catatan": ""},
        {"username": "budi", "rekomendasi": "tidak_lanjut", "catatan": "Belum layak"},
    ]
    tuk = [
        {"kode": "TUK-A", "nama": "Lab A", "jenis": "sewaktu", "alamat": "Jl. A"},
        {"kode": "TUK-B", "nama": "Lab B", "jenis": "sewaktu", "alamat": "Jl. B"},
    ]
    verifikator = [
        {"tuk_kode": "TUK-A", "verifikator": "v1"},
        {"tuk_kode": "TUK-A", "verifikator": "v2"},
        {"tuk_kode": "TUK-B", "verifikator": "v3"},
    ]
    assert peserta_asesmen(pra, hasil_pra, tuk, verifikator) == {
        "peserta_asesmen": [
            {"username": "andi", "skema_nomor": "S", "asesor": "a1", "tuk_kode": "TUK-A", "sesi": 2},
        ],
        "tidak_lanjut": [
            {"username": "budi", "skema_nomor": "S", "asesor": "a1", "catatan": "Belum layak"},
        ],
        "tuk_verifikasi": [
            {"kode": "TUK-A", "nama": "Lab A", "jenis": "sewaktu", "alamat": "Jl. A", "verifikator": "v1"},
        ],
    }  # fmt: skip


def test_the_tallies_count_absent_candidates_and_fr_ak_01_refusals_apart_from_k_and_bk() -> None:
    rows = [
        {"status": "dinilai", "kompeten": True},
        {"status": "dinilai", "kompeten": False},
        {"status": "tidak_hadir"},
        {"status": "tidak_setuju"},
    ]
    assert rekap(rows) == {
        "jumlah_peserta": 4,
        "jumlah_hadir": 3,
        "jumlah_dinilai": 2,
        "jumlah_tidak_hadir": 1,
        "jumlah_tidak_setuju": 1,
        "jumlah_k": 1,
        "jumlah_bk": 1,
    }


def test_the_rab_total_is_the_sum_of_volume_times_unit_price() -> None:
    assert total_rab([{"volume": 3, "harga_satuan": 150000}, {"volume": 2, "harga_satuan": 25000.5}]) == 500001.0
    assert total_rab([]) == 0


def test_only_the_assessed_candidates_the_pleno_decided_bk_may_appeal() -> None:
    daftar = [hasil("andi"), hasil("budi"), hasil("citra", status="tidak_hadir")]
    pleno = {
        "anggota": ["ketua_lsp", "kabid_sertifikasi"],
        "keputusan": [
            {"username": "andi", "keputusan": "K"},
            {"username": "budi", "keputusan": "BK"},
            {"username": "citra", "keputusan": "BK"},
        ],
    }
    assert peserta_banding(daftar, pleno, "2026-06-25T00:00:00+07:00") == [
        {
            "username": "budi",
            "skema_nomor": "SKM-01",
            "asesor": "asesor1",
            "tuk_kode": "TUK-A",
            "keputusan": "BK",
            "anggota_pleno": ["ketua_lsp", "kabid_sertifikasi"],
            "batas_banding": "2026-06-25T00:00:00+07:00",
        }
    ]
