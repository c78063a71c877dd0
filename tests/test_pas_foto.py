"""The candidate's pas foto: FR.APL.01 asks for it as a field of its own (an upload marked `jenis=pas_foto`),
refuses on submit one that is not a JPEG or PNG by content, larger than 2 MB, smaller than 300 × 400 pixels or
not upright 3 × 4, and the kartu peserta and the certificate print it; a registration made before the field
prints the empty frame. Only the candidate and staff read the photo itself."""

import io
from typing import Any

from pypdf import PdfReader
from sqlalchemy import select, update

from api.store.models import Dokumen, Event
from tests.support import foto, sop
from tests.support.api import Api
from tests.support.sop_branches import (
    APL,
    MENUGASKAN,
    Calon,
    penugasan,
    pra_asesmen,
    refused,
    registered,
    registration_open,
)

FIELD = "apl01.pas_foto_berkas_id"
STAFF = "kabid_administrasi"


def images(pdf: bytes) -> list[tuple[int, int]]:
    """The pixel size of each raster image the PDF holds (WeasyPrint lists an image among the resources of
    every page: counted once)."""
    found = {img.name: img.image.size for page in PdfReader(io.BytesIO(pdf)).pages for img in page.images if img.image}
    return sorted(found.values())


def text(pdf: bytes) -> str:
    return " ".join(" ".join(p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages).split())


def rendered(api: Api, root: int, kind: str) -> dict[str, bytes]:
    """The documents of `kind` of the period, rendered, by candidate."""
    api.app.state.settings.render_processes = 0
    api.app.state.worker.render_documents()
    with api.app.state.db.reading() as session:
        docs = session.scalars(select(Dokumen).where(Dokumen.root_id == root, Dokumen.kind == kind)).all()
        ids = {d.candidate: d.id for d in docs if d.candidate}
    out = {}
    for candidate, doc_id in ids.items():
        r = api.get(STAFF, f"/api/dokumen/{doc_id}")
        assert r.status_code == 200, r.text
        out[candidate] = r.content
    return out


def photo(api: Api, task_id: str, content: bytes, name: str, mime: str = "image/png") -> int:
    r = api.post("peserta", f"/api/tasks/{task_id}/berkas?jenis=pas_foto", files={"file": (name, content, mime)})
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def with_photo(data: dict[str, Any], berkas_id: Any) -> dict[str, Any]:
    return {**data, "apl01": {**data["apl01"], "pas_foto_berkas_id": berkas_id}}


def test_a_registration_refuses_a_pas_foto_of_the_wrong_type_size_or_shape_at_its_field(api: Api) -> None:
    root = registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", APL)["id"]
    data = sop.apl(api, "peserta", task, sop.JWD)
    without = {**data, "apl01": {k: v for k, v in data["apl01"].items() if k != "pas_foto_berkas_id"}}
    refused(api, "peserta", task, without, root, {FIELD: ["wajib diisi"]})

    # The type is the content's, not the name's: a PDF called foto.jpg is a PDF.
    pdf = photo(api, task, sop.PDF, "foto.jpg", "image/jpeg")
    refused(api, "peserta", task, with_photo(data, pdf), root, {FIELD: ["JPEG atau PNG", "foto.jpg adalah berkas PDF"]})
    # 600 × 800, but 2,2 MB: the JPEG's bytes padded past its end.
    besar = photo(api, task, foto.JPEG + b"\0" * (2_300_000 - len(foto.JPEG)), "besar.jpg", "image/jpeg")
    refused(
        api,
        "peserta",
        task,
        with_photo(data, besar),
        root,
        {FIELD: ["paling besar 2 MB", "besar.jpg berukuran 2,2 MB"]},
    )
    persegi = photo(api, task, foto.pas_foto(400, 400), "persegi.png")
    refused(
        api,
        "peserta",
        task,
        with_photo(data, persegi),
        root,
        {FIELD: ["tegak berbanding 3 × 4", "persegi.png berukuran 400 × 400 piksel"]},
    )
    mendatar = photo(api, task, foto.pas_foto(400, 300), "mendatar.png")
    refused(api, "peserta", task, with_photo(data, mendatar), root, {FIELD: ["tegak berbanding 3 × 4"]})
    kecil = photo(api, task, foto.pas_foto(150, 200), "kecil.png")
    refused(
        api,
        "peserta",
        task,
        with_photo(data, kecil),
        root,
        {FIELD: ["paling kecil 300 × 400 piksel", "kecil.png berukuran 150 × 200 piksel"]},
    )
    # An evidence file is not a pas foto, even a picture of the right shape; nor is a file of another person.
    bukti = api.post("peserta", f"/api/tasks/{task}/berkas", files={"file": ("foto.png", foto.PNG, "image/png")})
    assert bukti.status_code == 201, bukti.text
    refused(api, "peserta", task, with_photo(data, bukti.json()["id"]), root, {FIELD: ["bukan sebagai pas foto"]})
    refused(api, "peserta", task, with_photo(data, 987654), root, {FIELD: ["tidak ditemukan", "unggah pas foto"]})
    refused(api, "peserta", task, with_photo(data, 2**40), root, {FIELD: ["tidak ditemukan"]})

    # A JPEG of 3 × 4 within the tolerance (35 × 45 mm, 350 × 450) is taken.
    baik = photo(api, task, foto.pas_foto(350, 450, "JPEG"), "pas-foto.jpg", "image/jpeg")
    api.complete("peserta", task, with_photo(data, baik))


def test_the_upload_of_a_pas_foto_answers_its_pixel_size_as_shown(api: Api) -> None:
    registration_open(api, [Calon("peserta")])
    task = sop.one(api, "peserta", APL)["id"]
    r = api.post(
        "peserta", f"/api/tasks/{task}/berkas?jenis=pas_foto", files={"file": ("f.png", foto.PNG, "image/png")}
    )
    assert r.status_code == 201, r.text
    assert (r.json()["jenis"], r.json()["lebar"], r.json()["tinggi"], r.json()["content_type"]) == (
        "pas_foto",
        300,
        400,
        "image/png",
    )
    assert (
        api.post("peserta", f"/api/tasks/{task}/berkas?jenis=ktp", files={"file": ("f.png", foto.PNG)}).status_code
        == 422
    )


def test_the_kartu_prints_the_pas_foto_and_a_registration_before_the_field_prints_the_empty_frame(api: Api) -> None:
    calon = [Calon("peserta"), Calon("peserta2")]
    root = registered(api, calon)
    # peserta2 registered with the form as it was before the field: their FR.APL.01 names no pas foto. (History
    # is append-only to the service; the test writes the older submission in place with a plain UPDATE.)
    events = Event.__table__
    with api.app.state.db.transaction() as session:
        for event_id, data in session.execute(
            select(Event.id, Event.data).where(
                Event.root_id == root, Event.type == "task_completed", Event.actor == "peserta2"
            )
        ).all():
            if isinstance((data or {}).get("apl01"), dict):
                apl01 = {k: v for k, v in data["apl01"].items() if k != "pas_foto_berkas_id"}
                session.connection().execute(
                    update(events).where(events.c.id == event_id).values(data={**data, "apl01": apl01})
                )
    t = sop.one(api, "kabid_sertifikasi", MENUGASKAN, instance_id=root)
    api.complete("kabid_sertifikasi", t["id"], penugasan(calon))
    pra_asesmen(api, calon)

    kartu = rendered(api, root, "kartu_peserta")
    assert images(kartu["peserta"]) == [(300, 400)]
    assert "Pas foto 3 × 4" not in text(kartu["peserta"])
    assert images(kartu["peserta2"]) == []
    assert "Pas foto 3 × 4" in text(kartu["peserta2"])

    # A correction of the card whose data names no stored picture prints the empty frame, never an error.
    with api.app.state.db.reading() as session:
        card = session.scalars(
            select(Dokumen.id).where(
                Dokumen.root_id == root, Dokumen.kind == "kartu_peserta", Dokumen.candidate == "peserta"
            )
        ).one()
    bogus = {"foto": {"sha256": "../../secret_key", "content_type": "text/plain"}}
    body = {"alasan": "Pas foto salah", "data": {"peserta": bogus}}
    r = api.post(STAFF, f"/api/dokumen/{card}/koreksi", json=body)
    assert r.status_code == 201, r.text
    api.app.state.worker.render_documents()
    corrected = api.get(STAFF, f"/api/dokumen/{r.json()['id']}")
    assert corrected.status_code == 200, corrected.text
    assert images(corrected.content) == [] and "Pas foto 3 × 4" in text(corrected.content)

    # The photo itself: the candidate and staff read it; their asesor reads their evidence but not the photo.
    with api.app.state.db.reading() as session:
        events = session.scalars(
            select(Event.data).where(Event.root_id == root, Event.type == "task_completed", Event.actor == "peserta")
        ).all()
    apl01 = next(d["apl01"] for d in events if isinstance((d or {}).get("apl01"), dict))
    foto_id, bukti_id = apl01["pas_foto_berkas_id"], apl01["bukti"][0]["berkas_id"]
    for user, status in (("peserta", 200), (STAFF, 200), ("ketua_lsp", 200), ("asesor", 403), ("peserta2", 403)):
        assert api.get(user, f"/api/berkas/{foto_id}").status_code == status, user
    assert api.get("asesor", f"/api/berkas/{bukti_id}").status_code == 200


def test_the_certificate_prints_the_holders_pas_foto(api: Api) -> None:
    root = sop.walk_period(api)
    sertifikat = rendered(api, root, "sertifikat")
    assert sorted(sertifikat) == sorted(sop.KOMPETEN)
    for pdf in sertifikat.values():
        assert images(pdf) == [(300, 400)]
        assert "Pas foto 3 × 4" not in text(pdf)
