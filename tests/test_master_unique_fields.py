"""A duplicate in master data is a 409 naming the request field: the constraint -> field tables are read from
the models, and must say what the API promised before they were."""

from api.services.master.crud import SQLITE_UNIQUE, UNIQUE_FIELDS


def test_each_unique_constraint_names_its_request_field_as_postgresql_reports_it() -> None:
    assert UNIQUE_FIELDS == {
        "uq_skema_nomor": "nomor",
        "uq_tuk_kode": "kode",
        "uq_asesor_user_id": "username",
        "uq_asesor_no_reg_met": "no_reg_met",
        "uq_peserta_user_id": "username",
        "uq_peserta_nim": "nim",
        "uq_konflik_asesor_peserta": "peserta_username",
        "uq_pengurus_pleno_user_id": "username",
    }


def test_each_unique_constraint_names_its_request_field_as_sqlite_reports_it() -> None:
    assert SQLITE_UNIQUE == {
        "skema.nomor": "nomor",
        "tuk.kode": "kode",
        "asesor.user_id": "username",
        "asesor.no_reg_met": "no_reg_met",
        "peserta.user_id": "username",
        "peserta.nim": "nim",
        "konflik_kepentingan.asesor_id": "peserta_username",
        "pengurus_pleno.user_id": "username",
    }
