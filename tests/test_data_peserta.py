"""`MasterData.data_peserta`: the period's candidate rows carry ids (username, skema, asesor, TUK); where a
page, a document or the list of candidates assessed needs the name, NIM, prodi and skema title, they are read
from the master data by those ids."""

from api.store.db import Database
from service_tasks.data_induk import MasterData

JWD = "SKM/LSP-STMI/001/2024"
MUTU = "SKM/LSP-STMI/003/2024"


def test_rows_of_ids_get_the_name_nim_prodi_and_skema_title_and_keep_their_own_fields(db: Database) -> None:
    rows = [
        {"username": "peserta", "skema_nomor": JWD, "asesor": "asesor", "tuk_kode": "TUK-01"},
        {"username": "peserta3", "skema_nomor": MUTU, "nama": "Nama tercatat"},
        {"username": "tidak_ada", "skema_nomor": "SKM/TIDAK/ADA"},
    ]
    with db.reading() as session:
        assert MasterData(session).data_peserta(rows) == [
            {
                "username": "peserta",
                "skema_nomor": JWD,
                "asesor": "asesor",
                "tuk_kode": "TUK-01",
                "nama": "Andi Pratama",
                "nim": "2303001",
                "prodi": "Sistem Informasi Industri Otomotif",
                "skema_judul": "Junior Web Developer",
            },
            {
                "username": "peserta3",
                "skema_nomor": MUTU,
                "nama": "Nama tercatat",
                "nim": "2301001",
                "prodi": "Teknik Industri Otomotif",
                "skema_judul": "Analis Pengendalian Mutu Produk Polimer",
            },
            {"username": "tidak_ada", "skema_nomor": "SKM/TIDAK/ADA", "skema_judul": None},
        ]
