"""The Laporan names each SOP step as the BPMN the period ran names it (no copy of the names in Python)."""

from sqlalchemy import select

from api.settings import PROJECT_ROOT
from api.store.models import Dokumen
from tests.conftest import Api
from tests.support import bpmn_edits, pages, sop

SOP_FILE = PROJECT_ROOT / "processes" / "uji_kompetensi.bpmn"


def laporan_text(api: Api, instance_id: int) -> str:
    with api.app.state.db.reading() as session:
        doc_id = session.scalars(
            select(Dokumen.id).where(Dokumen.root_id == instance_id, Dokumen.kind == "laporan")
        ).one()
    r = api.get("kabid_administrasi", f"/api/dokumen/{doc_id}/html")
    assert r.status_code == 200, r.text
    return pages.teks(r.text)


def test_the_laporan_prints_steps_3_and_7_by_their_names_in_the_sop(api: Api) -> None:
    text = laporan_text(api, sop.walk_period(api))
    assert "Menetapkan target uji kompetensi" in text
    assert "Menerima pendaftaran uji kompetensi" in text
    assert "Memverifikasi tempat uji kompetensi (TUK)" in text
    assert "Evaluasi dan pelaporan pelaksanaan uji kompetensi dan sertifikasi" in text
    assert "Melaksanakan pendaftaran uji kompetensi" not in text


def test_a_step_renamed_in_a_new_version_is_printed_as_renamed_in_the_periods_that_version_runs(api: Api) -> None:
    edited = bpmn_edits.rename(SOP_FILE.read_text(), "memverifikasi_tuk", "Memverifikasi TUK (direvisi)")
    r = api.post("desainer", "/api/deployments", files=[("files", (SOP_FILE.name, edited.encode(), "application/xml"))])
    assert r.status_code == 201, r.text
    text = laporan_text(api, sop.walk_period(api))
    assert "Memverifikasi TUK (direvisi)" in text
    assert "Memverifikasi tempat uji kompetensi (TUK)" not in text
