"""A period far enough along that every kind of object a route takes exists, for the authorization matrix.

Two candidates of different asesor: `peserta` (Junior Web Developer, asesor `asesor`, TUK-01) is assessed
up to the FR.AK.03 feedback (their FR.AK.02 record is issued; the feedback task waits in their inbox);
`peserta3` (Operator Perakitan, asesor `asesor2`, TUK-02) waits for `asesor2` to record attendance. A second
period has just started: its first task waits in the Direktur's inbox. So there are open tasks in a
candidate's, an asesor's and a staff lane, an evidence file, documents each kind of reader reads, and master
records.

Each object names who it is about: `peserta`/`asesor` are its own candidate and asesor, `peserta_lain`/
`asesor_lain` someone of the same period it is not about. The matrix calls a route with an object as each
of these identities.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from sqlalchemy import select

from api.store.master import Asesor, Berkas, PengurusPleno, Peserta, Skema, Tuk
from api.store.models import Dokumen, HumanTask, Notifikasi, ProcessDefinition, User
from tests.support import sop, sop_branches
from tests.support.api import Api
from tests.support.sop_branches import Calon

# The identities of the matrix: anonymous, each staff role and the designer, and the object-relative ones.
ANONIM = "anonim"
STAFF = ("admin", "direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi")
IDENTITIES = (ANONIM, *STAFF, "desainer", "asesor", "asesor_lain", "peserta", "peserta_lain")

CALON = [
    Calon("peserta", skema=sop.JWD, asesor="asesor", tuk="TUK-01"),
    Calon("peserta3", skema=sop.OPR, asesor="asesor2", tuk="TUK-02"),
]
SECOND_PERIOD = "LSP-2027-GANJIL"
MENETAPKAN = "Menetapkan target uji kompetensi"


@dataclass(frozen=True)
class Obyek:
    """Path parameters naming real records, and the users the record is (and is not) about."""

    params: dict[str, Any] = field(default_factory=dict)
    peserta: str = "peserta"
    peserta_lain: str = "peserta3"
    asesor: str = "asesor"
    asesor_lain: str = "asesor2"

    def username(self, identity: str) -> str | None:
        """The demo user who plays `identity` for this object (None: anonymous)."""
        if identity == ANONIM:
            return None
        relative = {
            "peserta": self.peserta,
            "peserta_lain": self.peserta_lain,
            "asesor": self.asesor,
            "asesor_lain": self.asesor_lain,
        }
        return relative.get(identity, identity)


def _task(api: Api, username: str, name: str, candidate: str | None = None) -> str:
    if candidate is None:
        return str(sop.one(api, username, name)["id"])
    return str(sop_branches.task_about(api, username, name, candidate)["id"])


def build(api: Api) -> dict[str, Obyek]:
    """Walk the periods described above and name their records."""
    root = sop_branches.ready(api, CALON)
    c = CALON[0]
    kehadiran = sop.kehadiran()
    api.complete(c.asesor, _task(api, c.asesor, sop_branches.KEHADIRAN, c.username), kehadiran)
    ak01 = {"ak01": {"setuju": True, "bukti_yang_dikumpulkan": ["observasi"]}}
    api.complete(c.username, _task(api, c.username, sop_branches.AK01), ak01)
    api.complete(c.asesor, _task(api, c.asesor, sop_branches.AK02, c.username), sop.penilaian(api, c.skema))
    api.drain()
    second = sop.start_period(api, SECOND_PERIOD)["id"]
    # A substitution named by Kabid Sertifikasi from tomorrow: not in force, so no one's tasks change hands.
    besok = sop.today(api) + timedelta(days=1)
    r = api.post(
        "kabid_sertifikasi",
        "/api/pengganti",
        json={"pengganti": "kabid_administrasi", "mulai": str(besok), "sampai": str(besok), "alasan": "cuti"},
    )
    assert r.status_code == 201, r.text
    pengganti_id = r.json()["id"]

    # A notification of `peserta` (the worker writes them; here one row, as it would: the routes read it).
    with api.app.state.db.transaction() as session:
        notice = Notifikasi(
            username="peserta",
            kunci="authz:1",
            jenis="dokumen_terbit",
            judul="Kartu peserta Anda sudah siap",
            isi="Kartu Peserta Uji Kompetensi sudah dapat Anda lihat dan unduh.",
            tautan="/dokumen",
            created_at=api.app.state.clock.now(),
            email_status="tidak_dikirim",
            email_attempts=0,
        )
        session.add(notice)
        session.flush()
        notice_id = notice.id

    with api.app.state.db.reading() as session:

        def doc(kind: str, **about: str) -> int:
            rows = session.scalars(select(Dokumen).where(Dokumen.root_id == root, Dokumen.kind == kind)).all()
            found = [
                d.id
                for d in rows
                if all(
                    d.candidate == v if k == "candidate" else ((d.data or {}).get(k) or {}).get("username") == v
                    for k, v in about.items()
                )
            ]
            assert found, (kind, about)
            return found[0]

        def master_id(model: Any, column: Any, value: object) -> int:
            return int(session.scalars(select(model.id).where(column == value)).one())

        def user_id(username: str) -> int:
            return int(session.scalars(select(User.id).where(User.username == username)).one())

        definition = session.scalars(
            select(ProcessDefinition).where(ProcessDefinition.key == "uji_kompetensi").order_by(ProcessDefinition.id)
        ).first()
        assert definition is not None
        berkas = session.scalars(select(Berkas.id).where(Berkas.uploaded_by == "peserta")).first()
        task_peserta = _task(api, "peserta", sop_branches.AK03)
        # The candidate's assessment instance: their FR.AK.03 waits there, their asesor held tasks there.
        instance_peserta = session.scalars(select(HumanTask.instance_id).where(HumanTask.id == task_peserta)).one()
        objects = {
            "period": Obyek({"instance_id": root}),
            "pengganti": Obyek({"pengganti_id": pengganti_id}),
            "dasbor_csv": Obyek({"instance_id": root, "panel": "corong"}),
            "second_period": Obyek({"instance_id": second}),
            "notifikasi": Obyek({"notifikasi_id": notice_id}),
            "task_peserta": Obyek({"task_id": task_peserta}),
            "instance_peserta": Obyek({"instance_id": instance_peserta}),
            "task_asesor": Obyek(
                {"task_id": _task(api, "asesor2", sop_branches.KEHADIRAN, "peserta3")},
                peserta="peserta3",
                peserta_lain="peserta",
                asesor="asesor2",
                asesor_lain="asesor",
            ),
            "task_direktur": Obyek({"task_id": str(sop.one(api, "direktur", MENETAPKAN, instance_id=second)["id"])}),
            "berkas_peserta": Obyek({"berkas_id": berkas}),
            # The session of asesor (TUK-01) in the first period; asesor2's candidates sit at TUK-02.
            "sesi_asesor": Obyek({"root_id": root, "tuk_kode": "TUK-01"}),
            "dokumen_staff": Obyek({"document_id": doc("nota_dinas")}),
            "dokumen_kartu": Obyek({"document_id": doc("kartu_peserta", candidate="peserta")}),
            "dokumen_rekaman": Obyek({"document_id": doc("rekaman_asesmen", candidate="peserta")}),
            "dokumen_surat_tugas": Obyek({"document_id": doc("surat_tugas_asesor", asesor="asesor")}),
            "skema": Obyek({"skema_id": master_id(Skema, Skema.nomor, sop.MUTU)}),
            "tuk": Obyek({"tuk_id": master_id(Tuk, Tuk.kode, "TUK-01")}),
            # asesor4 is no one's asesor in these periods: retiring and restoring the record disturbs nothing.
            "asesor": Obyek({"asesor_id": master_id(Asesor, Asesor.user_id, user_id("asesor4"))}, asesor="asesor4"),
            "peserta": Obyek({"peserta_id": master_id(Peserta, Peserta.user_id, user_id("peserta40"))}),
            # asesor4 as pleno staff: no pleno of these periods waits on them.
            "pengurus": Obyek({"pengurus_id": master_id(PengurusPleno, PengurusPleno.user_id, user_id("asesor4"))}),
            "version": Obyek({"key": "uji_kompetensi", "version": definition.version}),
            "version_form": Obyek(
                {"key": "uji_kompetensi", "version": definition.version, "name": "menetapkan_target.json"}
            ),
            "deployment": Obyek({"deployment_id": definition.deployment_id}),
            "deployed_file": Obyek({"deployment_id": definition.deployment_id, "name": definition.bpmn_file}),
            # A user no one plays in the matrix: deactivating and reactivating them disturbs nothing.
            "user": Obyek({"username": "peserta40"}),
            "process": Obyek({"key": "uji_kompetensi"}),
            "verify": Obyek({"code": "TIDAK-ADA-SERTIFIKAT"}),
            "diagram_page": Obyek({"instance_id": root}),
            "web_asset": Obyek({"path": "app.css"}),
            "vendor_asset": Obyek({"path": "assets/bpmn-js.css"}),
            "ui_asset": Obyek({"path": "ui.css"}),
            "htmx_asset": Obyek({"path": "htmx.min.js"}),
        }
    assert berkas is not None
    return objects
