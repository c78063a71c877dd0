"""The BA Rapat Pleno says how many it decided: the assessed, not the absent or refusing, who are named apart
(documents-and-rules review, section 8.5: "atas 9 asesi" when 7 were decided)."""

from tests.support import sop
from tests.support.api import Api
from tests.test_documents import documents, download
from tests.test_letter_form import pages


def test_the_ba_pleno_counts_the_candidates_it_decided_and_names_the_absent_apart(api: Api) -> None:
    # The walk: peserta, peserta2, peserta3 assessed; peserta4 absent; peserta5 rejected at registration.
    instance_id = sop.walk_period(api)
    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    (ba,) = [d for d in documents(api, instance_id) if d["kind"] == "berita_acara_pleno"]
    text = " ".join(pages(download(api, ba["id"])))
    assert "atas 3 (tiga) asesi yang telah diases" in text
    assert "Tidak dinilai: Dian Puspitasari (tidak hadir)." in text
