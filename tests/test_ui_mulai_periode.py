"""Mulai periode: the Direktur starts a period in the browser and lands on its first task, the targets; a
name already used is refused at its field and starts nothing."""

from tests.support.api import Api
from tests.support.pages import post, signed_in


def _periods(api: Api) -> list[str]:
    rows = api.get("admin", "/api/instances", params={"key": "uji_kompetensi", "page_size": 100}).json()["items"]
    return sorted(r["business_key"] for r in rows if r["parent_id"] is None)


def test_the_direktur_starts_a_period_and_lands_on_its_first_task(api: Api) -> None:
    with signed_in(api.app, "direktur") as direktur:
        assert '<a href="/periode/baru"' in direktur.get("/dasbor").text  # in the menu
        form = direktur.get("/periode/baru").text
        assert "Uji Kompetensi dan Sertifikasi Kompetensi" in form and "Contoh: LSP-2026-GENAP" in form
        answer = post(direktur, "/periode/baru", {"proses": "uji_kompetensi", "kunci": " LSP-2027-GANJIL "})
        assert answer.status_code == 303
        task_page = direktur.get(answer.headers["location"])
    assert task_page.status_code == 200 and "Menetapkan target uji kompetensi" in task_page.text
    assert _periods(api) == ["LSP-2027-GANJIL"]


def test_a_period_name_already_used_is_refused_at_its_field_and_starts_nothing(api: Api) -> None:
    with signed_in(api.app, "direktur") as direktur:
        assert (
            post(direktur, "/periode/baru", {"proses": "uji_kompetensi", "kunci": "LSP-2027-GANJIL"}).status_code == 303
        )
        again = post(direktur, "/periode/baru", {"proses": "uji_kompetensi", "kunci": "LSP-2027-GANJIL"})
        empty = post(direktur, "/periode/baru", {"proses": "uji_kompetensi", "kunci": "  "})
    assert again.status_code == 409
    assert "Periode LSP-2027-GANJIL sudah dimulai. Pilih nama lain." in again.text
    assert 'aria-invalid="true"' in again.text and 'value="LSP-2027-GANJIL"' in again.text
    assert empty.status_code == 422 and "Isi nama periode, misalnya LSP-2026-GENAP." in empty.text
    assert _periods(api) == ["LSP-2027-GANJIL"]


def test_only_the_direktur_may_start_a_period(api: Api) -> None:
    with signed_in(api.app, "kabid_administrasi") as kabid:
        assert "/periode/baru" not in kabid.get("/tasks").text
        assert kabid.get("/periode/baru").status_code == 403
        refused = post(kabid, "/periode/baru", {"proses": "uji_kompetensi", "kunci": "LSP-X"})
    assert refused.status_code == 403
    assert _periods(api) == []
