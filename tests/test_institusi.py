"""The institution the LSP belongs to: the Direktur's Nota Dinas is written on the polytechnic's kop and numbered in
its register, not the LSP's (documents-and-rules review, section 3.1)."""

from typing import Any

import pytest

from api.store.master import Institusi
from tests.support import sop
from tests.support.api import Api
from tests.test_documents import documents, download, on_the_day_of_the_period
from tests.test_letter_form import pages

ADMIN = "admin"
PROFIL = {
    "nama": "Politeknik STMI Jakarta",
    "induk": "Kementerian Perindustrian Republik Indonesia\nBadan Pengembangan Sumber Daya Manusia Industri",
    "kode": "PSTMI",
    "nomor_format": "{kode}-{seq:03d}/{instansi}/{bulan_romawi}/{tahun}",
    "alamat": "Jl. Letjen Suprapto No. 26, Cempaka Putih",
    "kota": "Jakarta Pusat",
    "telepon": "(021) 4241234",
    "email": "info@stmi.example.ac.id",
    "website": "https://stmi.example.ac.id",
}


def nota_dinas_of_a_new_period(api: Api, business_key: str) -> tuple[str, str]:
    """Step 1 of a new period; the Nota Dinas's number and its PDF's text."""
    instance_id = sop.start_period(api, business_key)["id"]
    t = sop.one(api, "direktur", "Menetapkan target uji kompetensi", instance_id=instance_id)
    api.complete("direktur", t["id"], sop.TARGET)
    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    (nd,) = [d for d in documents(api, instance_id) if d["kind"] == "nota_dinas"]
    return nd["number"], " ".join(pages(download(api, nd["id"])))


def test_the_nota_dinas_is_on_the_institutions_kop_and_in_its_register(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day_of_the_period(api, monkeypatch)
    nomor, text = nota_dinas_of_a_new_period(api, "LSP-2026-GENAP")
    assert nomor == "ND-001/PSTMI/XII/2026"
    assert text.startswith(
        "KEMENTERIAN PERINDUSTRIAN REPUBLIK INDONESIA BADAN PENGEMBANGAN SUMBER DAYA MANUSIA INDUSTRI "
        "POLITEKNIK STMI JAKARTA Jl. Letjen Suprapto No. 26, Cempaka Putih, Jakarta Pusat "
        "Telp. (021) 4241234, Email: info@stmi.example.ac.id, Laman: https://stmi.example.ac.id NOTA DINAS "
        "Nomor: ND-001/PSTMI/XII/2026"
    )
    assert "Dari : Direktur Politeknik STMI Jakarta" in text
    assert "Direktur Politeknik STMI Jakarta, Dr. Mustofa, S.T., M.T. NIP 197203151998031002" in text
    assert "Lisensi BNSP Nomor" not in text  # the LSP's kop line
    # The next period's Nota Dinas takes the institution's next number; the LSP's own registers are untouched.
    assert nota_dinas_of_a_new_period(api, "LSP-2027-GANJIL")[0] == "ND-002/PSTMI/XII/2026"


def test_without_an_institution_profile_the_nota_dinas_keeps_the_lsps_kop_and_register(
    api: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    on_the_day_of_the_period(api, monkeypatch)
    with api.app.state.db.transaction() as session:
        session.delete(session.get(Institusi, 1))
    nomor, text = nota_dinas_of_a_new_period(api, "LSP-2026-GENAP")
    assert nomor == "001/LSP-STMI/ND/XII/2026"
    assert text.startswith("LSP POLITEKNIK STMI JAKARTA Lisensi BNSP Nomor BNSP-LSP-1187-ID")
    assert "Dari : Direktur " in text


def test_staff_read_the_institution_profile_and_a_master_writer_changes_it(api: Api) -> None:
    r = api.get("peserta", "/api/institusi")
    assert r.status_code == 200, r.text
    assert {k: v for k, v in r.json().items() if k not in ("updated_at", "updated_by")} == PROFIL
    changed = {**PROFIL, "kode": "POLTEK-STMI", "nomor_format": "{seq:03d}/{instansi}/{kode}/{tahun}"}
    r = api.client.put("/api/institusi", json=changed, headers=api.headers(ADMIN))
    assert r.status_code == 200, r.text
    assert r.json()["kode"] == "POLTEK-STMI" and r.json()["updated_by"] == "admin"


@pytest.mark.parametrize(
    "nomor_format",
    [
        "{kode}/{instansi}/{tahun}",  # no sequence number: every letter would get the same number
        "{seq:03d}/{unit}/{tahun}",  # a part nobody fills
        "{seq.__class__}/{tahun}",  # not a name
        "{seq:03d}/{kode",  # broken
    ],
)
def test_a_letter_number_pattern_without_the_sequence_or_with_unknown_parts_is_refused_unchanged(
    api: Api, nomor_format: str
) -> None:
    before = api.get(ADMIN, "/api/institusi").json()
    r = api.client.put("/api/institusi", json={**PROFIL, "nomor_format": nomor_format}, headers=api.headers(ADMIN))
    assert r.status_code == 422, r.text
    errors: list[dict[str, Any]] = r.json()["errors"]
    assert [e["path"] for e in errors] == ["body.nomor_format"]
    assert "format nomor harus memuat {seq}" in errors[0]["message"]
    assert api.get(ADMIN, "/api/institusi").json() == before
