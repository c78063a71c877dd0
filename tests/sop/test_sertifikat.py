"""Step 6, certificate numbers from BNSP: typed in or imported from a spreadsheet, for the Kompeten only.
(How these tests work: tests/sop/__init__.py.)
"""

import io
from typing import Any

from openpyxl import Workbook

from tests.support import sop
from tests.support import sop_branches as b
from tests.support.api import Api
from tests.support.sop_branches import Calon

OPR = sop.OPR


CERT_CALON = [
    Calon("peserta", asesor="asesor"),
    Calon("peserta2", asesor="asesor2"),
    Calon("peserta3", OPR, asesor="asesor2", bk=True),
]


def numbers_waiting(api: Api) -> tuple[int, str]:
    """peserta and peserta2 Kompeten, peserta3 BK without appeal: the BNSP numbers are to be recorded."""
    root = b.decided(api, CERT_CALON)
    t = sop.one(api, "peserta3", b.BANDING)
    api.complete("peserta3", t["id"], sop.banding(ajukan=False))
    api.drain()
    return root, sop.one(api, "kabid_administrasi", b.NOMOR)["id"]


def no_certificate_yet(api: Api, root: int) -> None:
    assert b.certificates(api) == [] and b.documents(api, root, "sertifikat") == []
    assert sop.tasks_named(api, "ketua_lsp", b.EVALUASI) == []


def nomor(rows: list[dict[str, str]]) -> dict[str, Any]:
    return {"nomor_sertifikat": {"sertifikat": rows}}


def xlsx(rows: list[dict[str, str]], header: list[str] | None = None) -> bytes:
    header = header or ["username", "no_sertifikat", "no_registrasi", "no_blangko"]
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for r in rows:
        sheet.append([r.get(h, "") for h in header])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_certificate_numbers_for_a_candidate_not_kompeten_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    rows = sop.nomor_sertifikat(["peserta", "peserta2", "peserta3"])
    b.refused(
        api,
        "kabid_administrasi",
        task,
        nomor(rows),
        root,
        {"nomor_sertifikat.sertifikat.2.username": ["(peserta3)", "hanya untuk peserta kompeten"]},
    )
    no_certificate_yet(api, root)


def test_certificate_numbers_missing_a_kompeten_candidate_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    b.refused(
        api,
        "kabid_administrasi",
        task,
        nomor(sop.nomor_sertifikat(["peserta"])),
        root,
        {"nomor_sertifikat.sertifikat": ["belum diisi", "(peserta2)"]},
    )
    no_certificate_yet(api, root)


def test_duplicate_certificate_numbers_are_refused(api: Api) -> None:
    root, task = numbers_waiting(api)
    rows = sop.nomor_sertifikat(["peserta", "peserta2"])
    rows[1]["no_sertifikat"] = rows[0]["no_sertifikat"]
    rows[1]["no_registrasi"] = rows[0]["no_registrasi"]
    b.refused(
        api,
        "kabid_administrasi",
        task,
        nomor(rows),
        root,
        {
            "nomor_sertifikat.sertifikat.1.no_sertifikat": [rows[0]["no_sertifikat"], "sudah dipakai", "baris 1"],
            "nomor_sertifikat.sertifikat.1.no_registrasi": [rows[0]["no_registrasi"], "sudah dipakai"],
        },
    )
    no_certificate_yet(api, root)


def test_certificate_numbers_imported_from_a_spreadsheet_issue_certificates_for_the_kompeten_only(
    api: Api,
) -> None:
    root, task = numbers_waiting(api)
    before = b.snapshot(api, root, ("kabid_administrasi", task))

    # A bad row is refused naming its row in the sheet (header is row 1), and nothing is saved.
    bad = sop.nomor_sertifikat(["peserta", "peserta2", "peserta3"])
    r = api.post(
        "kabid_administrasi",
        f"/api/tasks/{task}/import",
        files={"file": ("nomor.xlsx", xlsx(bad), "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    [error] = r.json()["errors"]
    assert error["row"] == 4 and "hanya untuk peserta kompeten" in error["message"]
    blank = sop.nomor_sertifikat(["peserta", "peserta2"])
    blank[0]["no_registrasi"] = ""
    r = api.post(
        "kabid_administrasi",
        f"/api/tasks/{task}/import",
        files={"file": ("nomor.xlsx", xlsx(blank), "application/octet-stream")},
    )
    assert r.status_code == 422, r.text
    assert [e["row"] for e in r.json()["errors"] if "no_registrasi" in e["path"]] == [2]
    assert b.snapshot(api, root, ("kabid_administrasi", task)) == before

    good = sop.nomor_sertifikat(["peserta", "peserta2"])
    r = api.post(
        "kabid_administrasi",
        f"/api/tasks/{task}/import",
        files={"file": ("nomor.xlsx", xlsx(good), "application/octet-stream")},
    )
    assert r.status_code == 200, r.text
    api.drain()
    assert sop.tasks_named(api, "kabid_administrasi", b.NOMOR) == []
    terbit = sop.today(api)
    certs = {c.peserta_username: c for c in b.certificates(api)}
    assert sorted(certs) == ["peserta", "peserta2"]  # not peserta3 (BK)
    for row in good:
        c = certs[row["username"]]
        assert (c.no_sertifikat, c.no_registrasi, c.no_blangko) == (
            row["no_sertifikat"],
            row["no_registrasi"],
            row["no_blangko"],
        )
        assert c.status == "aktif" and c.terbit == terbit
        assert c.berlaku_sd == terbit.replace(year=terbit.year + 3)
        assert c.root_id == root
    assert {d.candidate: d.number for d in b.documents(api, root, "sertifikat")} == {
        r["username"]: r["no_sertifikat"] for r in good
    }


def test_a_sheet_that_cannot_be_read_is_refused_in_indonesian_naming_the_file_and_nothing_is_saved(
    api: Api,
) -> None:
    root, task = numbers_waiting(api)
    before = b.snapshot(api, root, ("kabid_administrasi", task))
    for content, detail, message in [
        (
            b"bukan lembar kerja",
            "not a readable .xlsx file: File is not a zip file",
            "Berkas ini bukan lembar kerja .xlsx yang dapat dibaca: simpan sebagai .xlsx.",
        ),
        (
            xlsx([{"": "x"}], header=[""]),  # a value under a blank header
            "the first row must name the columns",
            "Baris pertama lembar kerja harus berisi nama kolom.",
        ),
        (
            xlsx([]),
            "the sheet has no rows under its header",
            "Lembar kerja tidak berisi baris data di bawah baris nama kolom.",
        ),
    ]:
        r = api.post(
            "kabid_administrasi",
            f"/api/tasks/{task}/import",
            files={"file": ("nomor.xlsx", content, "application/octet-stream")},
        )
        assert r.status_code == 422, r.text
        assert r.json() == {"detail": detail, "errors": [{"path": "file", "message": message}]}
    assert b.snapshot(api, root, ("kabid_administrasi", task)) == before
    no_certificate_yet(api, root)
