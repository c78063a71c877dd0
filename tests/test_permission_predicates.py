"""The predicates of api/permissions.py on their own: who works on a task, reads a document, declares a
conflict of interest (reading an evidence file needs the database: tests/test_task_permissions.py)."""

from typing import Any

import pytest

from api.auth import CurrentUser
from api.permissions import Diwakili, acting_as, may_declare_konflik, may_read_document, may_work_on
from api.store.master import Asesor
from api.store.models import Dokumen, HumanTask, User, UserRole


def user(username: str, *roles: str, id_: int = 1) -> CurrentUser:
    return CurrentUser(User(id=id_, username=username, full_name=username, roles=[UserRole(role=r) for r in roles]))


def document(kind: str, candidate: str | None = None, data: dict[str, Any] | None = None) -> Dokumen:
    return Dokumen(kind=kind, candidate=candidate, data=data or {})


def test_a_task_open_to_a_lane_is_for_every_user_of_that_lane_and_no_other() -> None:
    task = HumanTask(role="kabid_administrasi", assignee=None)
    assert may_work_on(user("kabid", "kabid_administrasi"), task)
    assert not may_work_on(user("ketua", "ketua_lsp"), task)


def test_a_task_narrowed_to_one_asesor_is_only_theirs() -> None:
    task = HumanTask(role="asesor", assignee="asesor1")
    assert may_work_on(user("asesor1", "asesor"), task)
    assert not may_work_on(user("asesor2", "asesor"), task)


def test_a_substitute_works_on_the_absent_persons_tasks_as_them_and_on_their_own_as_themselves() -> None:
    ketua = user("ketua", "ketua_lsp")
    kabid = Diwakili("kabid", "Sri", frozenset({"kabid_administrasi"}))
    assert acting_as(ketua, "kabid_administrasi", None, [kabid]) == "kabid"
    assert acting_as(ketua, "kabid_administrasi", "kabid", [kabid]) == "kabid"
    assert acting_as(ketua, "ketua_lsp", None, [kabid]) == "ketua"
    assert acting_as(ketua, "kabid_administrasi", "kabid_lain", [kabid]) is None
    assert acting_as(ketua, "kabid_sertifikasi", None, [kabid]) is None
    assert acting_as(ketua, "kabid_administrasi", None) is None  # outside the range: no one is absent
    assert may_work_on(ketua, HumanTask(role="kabid_administrasi", assignee=None), [kabid])


@pytest.mark.parametrize("role", ["admin", "direktur", "ketua_lsp", "kabid_administrasi", "kabid_sertifikasi"])
def test_staff_read_every_document(role: str) -> None:
    assert may_read_document(user("staf", role), document("nota_dinas"))


def test_a_candidate_reads_their_own_card_assessment_record_and_certificate_only() -> None:
    peserta = user("peserta1", "peserta")
    for kind in ("kartu_peserta", "rekaman_asesmen", "sertifikat"):
        assert may_read_document(peserta, document(kind, candidate="peserta1")), kind
        assert not may_read_document(peserta, document(kind, candidate="peserta2")), kind
    assert not may_read_document(peserta, document("berita_acara_asesmen", candidate="peserta1"))


def test_an_asesor_reads_the_documents_that_name_them_as_asesor_or_verifikator() -> None:
    asesor = user("asesor1", "asesor")
    assert may_read_document(asesor, document("surat_tugas_asesor", data={"asesor": {"username": "asesor1"}}))
    assert not may_read_document(asesor, document("surat_tugas_asesor", data={"asesor": {"username": "asesor2"}}))
    verifikasi = document("formulir_verifikasi_tuk", data={"verifikator": {"username": "asesor1"}})
    assert may_read_document(asesor, verifikasi)
    assert not may_read_document(asesor, document("sk_penetapan", data={"asesor": {"username": "asesor1"}}))


def test_an_unregistered_document_kind_is_for_staff_only() -> None:
    assert not may_read_document(user("peserta1", "peserta"), document("tidak_terdaftar", candidate="peserta1"))


def test_a_conflict_is_declared_by_a_master_writer_or_the_asesor_about_themselves() -> None:
    record = Asesor(user_id=7)
    assert may_declare_konflik(user("kabid", "kabid_sertifikasi"), record)
    assert may_declare_konflik(user("asesor7", "asesor", id_=7), record)
    assert not may_declare_konflik(user("asesor8", "asesor", id_=8), record)
    assert not may_declare_konflik(user("direktur", "direktur"), record)
