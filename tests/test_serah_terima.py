"""The register of certificates handed over (issue 12, part 5): a printed certificate given to its holder or to
someone with their surat kuasa is recorded once, on a real day, and each period's register lists every
certificate with its handover. Refusals change nothing (`refused_request`, which also compares the handovers)."""

import io
from datetime import date, datetime, timedelta
from typing import Any

from openpyxl import load_workbook
from sqlalchemy import select

from api.store.master import PenyerahanSertifikat
from api.store.models import Dokumen
from tests.support.api import Api
from tests.support.pages import post, signed_in
from tests.test_register import ADMIN, certified, refused_request


def handovers(api: Api) -> list[tuple[Any, ...]]:
    with api.app.state.db.reading() as session:
        return [
            (p.sertifikat_id, p.tanggal, p.penerima, p.diterima_oleh, p.keterangan, p.dicatat_oleh)
            for p in session.scalars(select(PenyerahanSertifikat).order_by(PenyerahanSertifikat.id))
        ]


def refused(
    api: Api, user: str, doc_id: int, body: dict[str, Any], root: int, status: int, at: str, words: str
) -> None:
    before = handovers(api)
    refused_request(api, user, f"/api/dokumen/{doc_id}/serah-terima", body, root, status, {at: [words]})
    assert handovers(api) == before


def register_sheet(api: Api, root: int, user: str = ADMIN) -> list[tuple[Any, ...]]:
    r = api.get(user, f"/api/instances/{root}/register-sertifikat")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    sheet = load_workbook(io.BytesIO(r.content))["Register Sertifikat"]
    return list(sheet.iter_rows(values_only=True))


def test_a_certificate_handed_over_to_its_holder_is_recorded_once_and_the_period_register_shows_it(
    api: Api,
) -> None:
    root, cert = certified(api)
    path = f"/api/dokumen/{cert.document_id}/serah-terima"

    r = api.post(ADMIN, path, json={"tanggal": cert.terbit.isoformat(), "keterangan": "Diambil di sekretariat"})

    assert r.status_code == 201, r.text
    answer = r.json()
    assert (answer["penerima"], answer["diterima_oleh"], answer["dicatat_oleh"]) == (
        "pemegang",
        "Andi Pratama",
        "kabid_administrasi",
    )
    # A second record of the same certificate is refused: the first stands.
    refused(api, "ketua_lsp", cert.document_id, {"tanggal": cert.terbit.isoformat()}, root, 409, "", "sudah diserahkan")

    rows = register_sheet(api, root)
    assert rows[0] == (
        "No",
        "Nama Pemegang",
        "Akun",
        "Nomor Skema",
        "Skema Sertifikasi",
        "Nomor Sertifikat",
        "Nomor Registrasi",
        "Nomor Blangko",
        "Tanggal Terbit",
        "Berlaku Sampai",
        "Status",
        "Tanggal Diserahkan",
        "Diterima Oleh",
        "Penerima",
        "Keterangan",
        "Dicatat Oleh",
    )
    assert len(rows) == 3  # peserta and peserta2 were certified; peserta3 was not
    andi, bunga = rows[1], rows[2]
    assert andi[:3] == (1, "Andi Pratama", "peserta")
    assert (andi[5], andi[7], andi[10]) == ("62090 2512 4 0000001 2026", "B-00001", "Aktif")
    assert isinstance(andi[8], datetime) and isinstance(andi[11], datetime)  # dates as dates
    assert andi[11].date() == cert.terbit
    assert andi[12:] == ("Andi Pratama", "Pemegang sertifikat", "Diambil di sekretariat", "kabid_administrasi")
    assert bunga[1] == "Bunga Maharani"
    assert bunga[11:] == (None, None, None, None, None)  # not handed over yet


def test_someone_with_a_surat_kuasa_takes_it_under_their_own_name(api: Api) -> None:
    root, cert = certified(api)
    body = {"tanggal": cert.terbit.isoformat(), "penerima": "kuasa", "keterangan": "Surat kuasa bermeterai"}
    refused(api, ADMIN, cert.document_id, body, root, 422, "diterima_oleh", "Nama penerima kuasa wajib diisi")

    r = api.post(ADMIN, f"/api/dokumen/{cert.document_id}/serah-terima", json={**body, "diterima_oleh": "Siti Aminah"})

    assert r.status_code == 201, r.text
    assert (r.json()["penerima"], r.json()["diterima_oleh"]) == ("kuasa", "Siti Aminah")
    assert register_sheet(api, root)[1][12:14] == ("Siti Aminah", "Penerima kuasa")


def test_a_handover_dated_after_today_or_before_the_certificate_was_issued_is_refused_at_tanggal(api: Api) -> None:
    root, cert = certified(api)
    today = api.app.state.clock.now().date()
    refused(
        api,
        ADMIN,
        cert.document_id,
        {"tanggal": (today + timedelta(days=2)).isoformat()},
        root,
        422,
        "tanggal",
        "Tanggal penyerahan tidak boleh setelah hari ini",
    )
    refused(
        api,
        ADMIN,
        cert.document_id,
        {"tanggal": (cert.terbit - timedelta(days=1)).isoformat()},
        root,
        422,
        "tanggal",
        "Tanggal penyerahan tidak boleh sebelum sertifikat terbit",
    )
    refused(
        api,
        ADMIN,
        cert.document_id,
        {"tanggal": "kemarin"},
        root,
        422,
        "body.tanggal",
        "bukan tanggal yang sah: tulis TTTT-BB-HH",
    )


def test_a_revoked_certificate_or_one_replaced_after_a_misprint_is_not_handed_over(api: Api) -> None:
    root, cert = certified(api)
    body = {"tanggal": cert.terbit.isoformat()}
    reissued = api.post(
        ADMIN,
        f"/api/dokumen/{cert.document_id}/ganti-blangko",
        json={"kerusakan": "Tinta luntur pada nama pemegang", "no_blangko_baru": "B-00101"},
    )
    assert reissued.status_code == 201, reissued.text
    refused(api, ADMIN, cert.document_id, body, root, 409, "", "serahkan sertifikat penggantinya")

    new_id = reissued.json()["sertifikat"]["id"]
    assert api.post("ketua_lsp", f"/api/dokumen/{new_id}/cabut", json={"alasan": "Bukti palsu"}).status_code == 204
    refused(api, ADMIN, new_id, body, root, 409, "", "Sertifikat yang dicabut tidak diserahkan")


def test_only_the_kabid_administrasi_ketua_and_administrator_record_handovers_and_read_the_register(
    api: Api,
) -> None:
    root, cert = certified(api)
    body = {"tanggal": cert.terbit.isoformat()}
    for user in ("peserta", "asesor", "kabid_sertifikasi", "direktur"):
        assert api.post(user, f"/api/dokumen/{cert.document_id}/serah-terima", json=body).status_code == 403, user
        assert api.get(user, f"/api/instances/{root}/register-sertifikat").status_code == 403, user
    assert handovers(api) == []
    with api.app.state.db.reading() as session:
        sk = session.scalars(select(Dokumen.id).where(Dokumen.root_id == root, Dokumen.kind == "sk_penetapan")).first()
    assert sk is not None
    refused(api, ADMIN, sk, body, root, 422, "", "Dokumen ini bukan sertifikat")
    assert api.post(ADMIN, "/api/dokumen/999999/serah-terima", json=body).status_code == 404
    assert api.get(ADMIN, "/api/instances/999999/register-sertifikat").status_code == 404


def test_the_holder_sees_on_their_documents_page_when_their_certificate_was_handed_over(api: Api) -> None:
    root, cert = certified(api)
    with signed_in(api.app, "peserta") as page:
        assert "Belum diserahkan" in page.get("/dokumen").text

        r = api.post(ADMIN, f"/api/dokumen/{cert.document_id}/serah-terima", json={"tanggal": cert.terbit.isoformat()})
        assert r.status_code == 201, r.text

        text = page.get("/dokumen").text
        assert f"Diserahkan {tanggal_indonesia(cert.terbit)} kepada Andi Pratama" in text
        assert "Catat penyerahan" not in text  # a holder records nothing


def test_the_kabid_administrasi_records_a_handover_from_the_documents_page_and_a_refusal_says_why(
    api: Api,
) -> None:
    root, cert = certified(api)
    with signed_in(api.app, ADMIN) as page:
        text = page.get("/dokumen").text
        assert "Catat penyerahan" in text and f'action="/dokumen/{cert.document_id}/serah-terima"' in text
        future = (cert.terbit + timedelta(days=400)).isoformat()

        refused_page = post(page, f"/dokumen/{cert.document_id}/serah-terima", {"tanggal": future})
        assert refused_page.status_code == 422
        assert "Tanggal penyerahan tidak boleh setelah hari ini" in refused_page.text
        assert handovers(api) == []

        done = post(
            page,
            f"/dokumen/{cert.document_id}/serah-terima",
            {"tanggal": cert.terbit.isoformat(), "penerima": "kuasa", "diterima_oleh": "Siti Aminah"},
        )
        assert (done.status_code, done.headers["location"]) == (303, "/dokumen")
        assert f"Diserahkan {tanggal_indonesia(cert.terbit)} kepada Siti Aminah" in page.get("/dokumen").text
        sheet = page.get(f"/dokumen/register-sertifikat/{root}")
        assert sheet.status_code == 200 and sheet.content.startswith(b"PK")


BULAN = "Januari Februari Maret April Mei Juni Juli Agustus September Oktober November Desember".split()


def tanggal_indonesia(d: date) -> str:
    return f"{d.day} {BULAN[d.month - 1]} {d.year}"
