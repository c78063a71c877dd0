"""The form renderer draws each construct of a form the way every page relies on (names are data paths, ids
`f-` + path, labels, hints and errors tied by aria-describedby, groups as fieldset/legend, "(wajib)" as the
data makes a field required) and reads the submitted form back into data typed by the schema."""

import re
from typing import Any

from api.engine.form_rules import form_keywords, unsupported
from api.ui import formulir
from tests.support.form_html import read, submitted

SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Contoh",
    "description": "Isi dengan jujur.",
    "type": "object",
    "properties": {
        "data": {
            "type": "object",
            "title": "Data peserta",
            "properties": {
                "nama": {"type": "string", "title": "Nama lengkap", "minLength": 1, "description": "Sesuai KTP"},
                "lahir": {"type": "string", "format": "date", "title": "Tanggal lahir"},
                "umur": {"type": "integer", "title": "Umur"},
                "biaya": {"type": "number", "title": "Biaya (Rp)"},
                "setuju": {"type": "boolean", "title": "Saya setuju"},
                "hadir": {"type": "boolean", "title": "Apakah hadir?"},
                "keputusan": {
                    "type": "string",
                    "title": "Keputusan",
                    "oneOf": [
                        {"const": "terima", "title": "Diterima"},
                        {"const": "tolak", "title": "Ditolak"},
                    ],
                },
                "alasan": {"type": "string", "title": "Alasan"},
                "kota": {
                    "type": "string",
                    "title": "Kota",
                    "oneOf": [{"const": f"k{i}", "title": f"Kota {i}"} for i in range(1, 8)],
                },
                "metode": {
                    "type": "array",
                    "title": "Metode",
                    "uniqueItems": True,
                    "items": {
                        "type": "string",
                        "oneOf": [
                            {"const": "lisan", "title": "Pertanyaan lisan"},
                            {"const": "tertulis", "title": "Pertanyaan tertulis"},
                        ],
                    },
                },
            },
            "required": ["nama", "setuju", "keputusan"],
            "if": {"properties": {"keputusan": {"const": "tolak"}}, "required": ["keputusan"]},
            "then": {"required": ["alasan"], "properties": {"alasan": {"minLength": 1}}},
        },
        "bukti": {
            "type": "array",
            "title": "Bukti persyaratan",
            "minItems": 1,
            "items": {
                "type": "object",
                "title": "Bukti",
                "properties": {
                    "nama": {"type": "string", "title": "Nama bukti", "minLength": 1},
                    "berkas_id": {
                        "type": "integer",
                        "title": "Berkas unggahan",
                        "minimum": 1,
                        "x-berkas": {
                            "upload": "/api/tasks/{task_id}/berkas",
                            "download": "/api/berkas/{berkas_id}",
                            "accept": ["application/pdf", "image/png", "image/jpeg"],
                            "max_bytes": 5242880,
                        },
                    },
                },
                "required": ["nama", "berkas_id"],
            },
        },
    },
    "required": ["data", "bukti"],
}

DATA: dict[str, Any] = {
    "data": {
        "nama": "Andi Pratama",
        "lahir": "2004-03-17",
        "umur": 22,
        "biaya": 1500000.5,
        "setuju": True,
        "hadir": False,
        "keputusan": "tolak",
        "alasan": "Berkas tidak lengkap",
        "kota": "k6",
        "metode": ["tertulis"],
    },
    "bukti": [{"nama": "KTM", "berkas_id": 7}, {"nama": "Transkrip", "berkas_id": 9}],
}


def html(data: Any = DATA, errors: Any = (), **kw: Any) -> str:
    return str(formulir.render(SCHEMA, data, errors, **kw))


def tag(page: str, element_id: str) -> str:
    m = re.search(r"<[a-z]+[^>]*\bid=\"" + re.escape(element_id) + r"\"[^>]*>", page)
    assert m, element_id
    return m.group(0)


def test_a_text_field_is_named_by_its_path_labelled_by_its_title_and_says_it_is_required() -> None:
    page = read(html())
    assert page.labels["f-data-nama"] == "Nama lengkap (wajib)"
    assert tag(html(), "f-data-nama") == (
        '<input type="text" id="f-data-nama" name="data.nama" value="Andi Pratama" '
        'aria-describedby="f-data-nama-petunjuk">'
    )
    assert '<p class="petunjuk" id="f-data-nama-petunjuk">Sesuai KTP</p>' in html()


def test_an_error_sits_at_its_field_with_aria_invalid_and_describedby() -> None:
    page = html(errors=[{"path": "data.nama", "message": "tidak boleh kosong"}])
    assert tag(page, "f-data-nama").endswith(
        'aria-describedby="f-data-nama-petunjuk f-data-nama-galat" aria-invalid="true">'
    )
    assert '<p class="pesan-galat" id="f-data-nama-galat">Tidak boleh kosong</p>' in page


def test_a_missing_field_is_said_in_the_words_of_its_label_not_its_key() -> None:
    page = html(errors=[{"path": "data.nama", "message": "nama wajib diisi"}])
    assert '<p class="pesan-galat" id="f-data-nama-galat">Wajib diisi</p>' in page
    summary = str(formulir.error_summary([{"path": "bukti.1.nama", "message": "nama wajib diisi"}], SCHEMA))
    assert '<a href="#f-bukti-1-nama">Bukti 2 › Nama bukti: Wajib diisi</a>' in summary
    assert 'class="ringkasan-galat" role="alert" tabindex="-1"' in summary
    assert "Ada 1 isian yang perlu diperbaiki" in summary


def test_no_errors_no_summary() -> None:
    assert str(formulir.error_summary([], SCHEMA)) == ""


def test_an_object_is_a_fieldset_with_its_title_as_legend() -> None:
    assert '<fieldset class="kelompok" id="f-data">\n<legend>Data peserta</legend>' in html()


def test_few_choices_are_radios_showing_titles_never_codes() -> None:
    page = html()
    assert '<legend>Keputusan <span class="wajib">(wajib)</span></legend>' in page
    assert read(page).labels["f-data-keputusan-1"] == "Diterima"
    assert read(page).labels["f-data-keputusan-2"] == "Ditolak"
    assert 'name="data.keputusan" value="tolak" checked>' in page
    assert ">tolak<" not in page


def test_many_choices_are_a_select_with_the_value_chosen() -> None:
    page = read(html())
    select = next(c for c in page.controls if c.name == "data.kota")
    assert select.options[0] == ("", False, "Pilih…")
    assert ("k6", True, "Kota 6") in select.options
    assert len(select.options) == 8


def test_a_list_of_choices_is_a_checkbox_group() -> None:
    page = read(html())
    boxes = [c for c in page.controls if c.name == "data.metode" and c.type == "checkbox"]
    assert [(b.attrs["value"], "checked" in b.attrs) for b in boxes] == [("lisan", False), ("tertulis", True)]
    assert page.labels["f-data-metode-2"] == "Pertanyaan tertulis"


def test_dates_numbers_and_booleans_get_their_controls() -> None:
    page = html()
    assert tag(page, "f-data-lahir") == '<input type="date" id="f-data-lahir" name="data.lahir" value="2004-03-17">'
    assert 'inputmode="numeric"' in tag(page, "f-data-umur")
    assert 'value="1.500.000,5" inputmode="decimal"' in tag(page, "f-data-biaya")  # as Indonesians write it
    # A required yes/no is a checkbox (unticked says no); an optional one asks Ya / Tidak.
    assert '<input type="hidden" name="data.setuju" value="false">' in page
    assert 'type="checkbox" id="f-data-setuju" name="data.setuju" value="true" checked' in page
    assert read(page).labels["f-data-hadir-1"] == "Ya" and read(page).labels["f-data-hadir-2"] == "Tidak"


def test_a_part_required_by_a_condition_says_so_and_shows_when_its_condition_holds() -> None:
    page = html()
    wrapper = re.search(r'<div class="bidang" data-tampil-jika="([^"]*)"([^>]*)>\n<label for="f-data-alasan">', page)
    assert wrapper
    assert wrapper.group(1).replace("&#34;", '"') == '{"nama": "data.keputusan", "nilai": ["tolak"]}'
    assert wrapper.group(2) == ""  # shown: keputusan is "tolak"
    assert read(page).labels["f-data-alasan"] == "Alasan (wajib)"
    accepted = html({**DATA, "data": {**DATA["data"], "keputusan": "terima", "alasan": ""}})
    assert (
        'data-tampil-jika="{&#34;nama&#34;: &#34;data.keputusan&#34;, &#34;nilai&#34;: [&#34;tolak&#34;]}" data-mati>'
        in accepted
    )


def test_the_required_ness_of_a_condition_is_resolved_from_the_data() -> None:
    assert formulir.required_now(SCHEMA["properties"]["data"], {"keputusan": "tolak"}) == {
        "nama",
        "setuju",
        "keputusan",
        "alasan",
    }
    assert formulir.required_now(SCHEMA["properties"]["data"], {"keputusan": "terima"}) == {
        "nama",
        "setuju",
        "keputusan",
    }


def test_a_list_of_rows_is_a_fieldset_per_row_with_remove_and_one_add_button() -> None:
    page = html()
    assert '<fieldset class="kelompok kelompok-baris" id="f-bukti-1">\n<legend>Bukti 2</legend>' in page
    assert page.count("data-hapus>Hapus") == 3  # two rows and the new-row template
    assert '<button type="button" class="tombol tombol-tambah perlu-js" data-tambah>Tambah bukti</button>' in page
    assert 'name="bukti.__i__.nama"' in page.split("<template>")[1]
    assert read(page).labels["f-bukti-1-nama"] == "Nama bukti (wajib)"


def test_a_file_field_says_type_and_size_before_picking_and_shows_the_uploaded_file() -> None:
    page = html(
        berkas={7: {"nama": "ktm.pdf", "size": 1258291, "content_type": "application/pdf"}},
        upload_url="/api/tasks/t1/berkas",
    )
    assert (
        '<p class="petunjuk" id="f-bukti-0-berkas_id-petunjuk">Berkas PDF, PNG atau JPEG, paling besar 5 MB.</p>'
        in page
    )
    assert '<input type="hidden" name="bukti.0.berkas_id" value="7" data-berkas-id>' in page
    assert (
        'accept="application/pdf,image/png,image/jpeg" data-maks="5242880" data-unggah="/api/tasks/t1/berkas"' in page
    )
    assert '<a href="/api/berkas/7" target="_blank" rel="noopener">ktm.pdf' in page
    assert "(PDF, 1,2 MB)" in page
    assert read(page).all_labels["f-bukti-0-berkas_id"] == ["Berkas unggahan (wajib)", "Ganti berkas"]
    assert read(html({**DATA, "bukti": [{"nama": "KTM"}]})).all_labels["f-bukti-0-berkas_id"][1] == "Pilih berkas"


def test_defaults_fill_what_the_data_does_not_say() -> None:
    schema = {
        "type": "object",
        "properties": {"tanggal": {"type": "string", "format": "date", "default": "2026-06-11"}},
    }
    assert 'value="2026-06-11"' in str(formulir.render(schema, {}))
    assert 'value="2026-07-01"' in str(formulir.render(schema, {"tanggal": "2026-07-01"}))


def test_only_draws_the_named_top_level_parts() -> None:
    page = str(formulir.render(SCHEMA, DATA, only=["bukti"]))
    assert 'id="f-bukti"' in page and 'id="f-data"' not in page
    assert "Isi dengan jujur." not in page


def test_the_form_reads_back_typed_and_renumbered() -> None:
    assert formulir.parse(SCHEMA, submitted(html())) == DATA
    form = [
        ("csrf", "x"),
        ("data.nama", "Budi"),
        ("data.setuju", "false"),
        ("data.keputusan", "terima"),
        ("data.alasan", ""),
        ("data.umur", "21"),
        ("data.biaya", "1.500.000"),
        ("data.lahir", ""),
        ("data.metode", ""),
        ("bukti", ""),
        ("bukti.3.nama", "KTM"),
        ("bukti.3.berkas_id", "12"),
        ("bukti.5.nama", "Foto"),
        ("bukti.5.berkas_id", ""),
    ]
    assert formulir.parse(SCHEMA, form) == {
        "data": {"nama": "Budi", "umur": 21, "biaya": 1500000, "setuju": False, "keputusan": "terima"},
        "bukti": [{"nama": "KTM", "berkas_id": 12}, {"nama": "Foto"}],
    }


def test_a_blank_required_text_is_sent_empty_so_the_error_sits_at_it() -> None:
    form = [
        ("data.nama", ""),
        ("data.setuju", "false"),
        ("data.keputusan", "tolak"),
        ("data.alasan", ""),
        ("bukti", ""),
    ]
    assert formulir.parse(SCHEMA, form) == {
        "data": {"nama": "", "setuju": False, "keputusan": "tolak", "alasan": ""},
        "bukti": [],
    }


def test_what_is_not_a_number_stays_as_typed_for_the_validator_to_say() -> None:
    assert formulir.parse(SCHEMA, [("data.umur", "dua")]) == {"data": {"umur": "dua"}}


def test_an_unsupported_keyword_is_shown_as_such_and_refused_at_deploy() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "title": "X",
        "properties": {"a": {"title": "Pilihan", "anyOf": [{"type": "string"}, {"type": "integer"}]}},
    }
    assert "Bidang ini tidak didukung." in str(formulir.render(schema, {}))
    assert unsupported(schema["properties"]["a"]) == ["anyOf"]
    problems = list(form_keywords("x.json", schema))
    assert [(p.file, p.element_id) for p in problems] == [("x.json", "properties.a.anyOf")]
    assert "'anyOf' tidak dapat digambar oleh perender formulir (api/ui/formulir.py)" in problems[0].message


def test_the_deploy_lint_refuses_else_refs_and_type_lists_and_non_choice_oneof() -> None:
    schema = {
        "type": "object",
        "$defs": {},
        "properties": {
            "a": {"type": ["string", "null"]},
            "b": {"type": "string", "oneOf": [{"type": "string", "minLength": 2}]},
            "c": {"type": "object", "if": {"required": ["x"]}, "then": {}, "else": {}},
            "d": {"type": "object", "if": {"required": ["x"]}},
        },
    }
    said = {p.element_id or "": p.message.split(" (lihat")[0] for p in form_keywords("y.json", schema)}
    assert sorted(said) == ["$defs", "properties.a.type", "properties.b.oneOf", "properties.c.else", "properties.d.if"]
    assert (
        said["properties.a.type"]
        == "type harus salah satu dari array, boolean, integer, number, object, string (satu tipe, bukan daftar)"
    )
    assert said["properties.b.oneOf"] == (
        'oneOf harus berisi pilihan {"const": nilai, "title": "Label berbahasa Indonesia"}'
    )
    assert said["properties.d.if"] == "if memerlukan then"


PEKERJAAN: dict[str, Any] = {
    "type": "object",
    "properties": {
        "pekerjaan": {
            "type": "object",
            "title": "Data pekerjaan",
            "properties": {
                "institusi": {"type": "string", "title": "Institusi", "minLength": 1},
                "jabatan": {"type": "string", "title": "Jabatan", "minLength": 1},
                "telepon": {"type": "string", "title": "Telepon"},
            },
            "required": ["institusi", "jabatan"],
        }
    },
}


def test_an_optional_part_says_what_it_needs_once_filled_and_reads_back_as_nothing_when_left_empty() -> None:
    page = str(formulir.render(PEKERJAAN, {}))
    assert "Boleh dikosongkan; bila diisi, Institusi dan Jabatan wajib diisi." in page
    assert read(page).labels["f-pekerjaan-institusi"] == "Institusi"
    assert formulir.parse(PEKERJAAN, submitted(page)) == {}
    filled = str(formulir.render(PEKERJAAN, {"pekerjaan": {"telepon": "021"}}))
    assert read(filled).labels["f-pekerjaan-institusi"] == "Institusi (wajib)"
    assert formulir.parse(PEKERJAAN, submitted(filled)) == {
        "pekerjaan": {"institusi": "", "jabatan": "", "telepon": "021"}
    }


def test_a_required_list_without_data_starts_with_its_minimum_rows_and_an_empty_one_stays_empty() -> None:
    fresh = html({"data": DATA["data"]})
    assert 'id="f-bukti-0"' in fresh and 'id="f-bukti-1"' not in fresh
    assert formulir.parse(SCHEMA, submitted(fresh))["bukti"] == [{}]  # the validator names each field of it
    emptied = html({**DATA, "bukti": []})
    assert 'id="f-bukti-0"' not in emptied
    assert formulir.parse(SCHEMA, submitted(emptied))["bukti"] == []


ROWS: dict[str, Any] = {
    "type": "object",
    "properties": {
        "penugasan": {
            "type": "array",
            "title": "Penugasan",
            "items": {
                "type": "object",
                "title": "Penugasan",
                "properties": {
                    "username": {
                        "type": "string",
                        "title": "Peserta",
                        "x-sumber": "peserta_diterima",
                        "oneOf": [{"const": "p1", "title": "Andi"}, {"const": "p5", "title": "Eka"}],
                    },
                    "asesor": {
                        "type": "string",
                        "title": "Asesor",
                        "x-sumber": "asesor_penilai",
                        "oneOf": [{"const": "a1", "title": "Asesor Satu"}, {"const": "a3", "title": "Asesor Tiga"}],
                    },
                },
                "allOf": [
                    {
                        "if": {"properties": {"username": {"enum": ["p5"]}}, "required": ["username"]},
                        "then": {"properties": {"asesor": {"oneOf": [{"const": "a3", "title": "Asesor Tiga"}]}}},
                    }
                ],
            },
        }
    },
}


def _options(page: str, name: str) -> list[tuple[str, bool, str]]:
    return next(c for c in read(page).controls if c.name == name).options


def test_a_row_offers_the_choices_its_own_data_allows_and_a_new_row_all_of_them() -> None:
    page = str(formulir.render(ROWS, {"penugasan": [{"username": "p1", "asesor": "a1"}, {"username": "p5"}]}))
    assert [t for v, _, t in _options(page, "penugasan.0.asesor") if v] == ["Asesor Satu", "Asesor Tiga"]
    assert [t for v, _, t in _options(page, "penugasan.1.asesor") if v] == ["Asesor Tiga"]
    # The row is about its candidate: named, not offered again; a new row offers every candidate and asesor.
    assert '<input type="hidden" name="penugasan.1.username" value="p5">\n<p class="nilai-baca">Eka</p>' in page
    assert read(page).legends["f-penugasan-1-username"] == "Peserta"
    template = page.split("<template>")[1]
    assert ">Asesor Satu</option>" in template and ">Asesor Tiga</option>" in template and ">Eka</option>" in template
    assert formulir.parse(ROWS, submitted(page)) == {
        "penugasan": [{"username": "p1", "asesor": "a1"}, {"username": "p5"}]
    }
    # Choices from data are a select whatever their number; a value no longer offered stays, readable.
    page = str(formulir.render(ROWS, {"penugasan": [{"asesor": "a_lama"}]}))
    assert ("a_lama", True, "A lama") in _options(page, "penugasan.0.asesor")
    assert len(_options(page, "penugasan.0.username")) == 3  # Pilih…, Andi, Eka


def test_rows_showing_files_from_an_earlier_step_are_neither_added_nor_removed() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "bukti": {
                "type": "array",
                "title": "Bukti",
                "items": {
                    "type": "object",
                    "title": "Bukti",
                    "properties": {
                        "berkas_id": {
                            "type": "integer",
                            "title": "Berkas",
                            "x-berkas": {"download": "/api/berkas/{berkas_id}"},
                        }
                    },
                },
            }
        },
    }
    page = str(
        formulir.render(
            schema,
            {"bukti": [{"berkas_id": 4}]},
            berkas={4: {"nama": "foto.png", "size": 2048, "content_type": "image/png"}},
        )
    )
    assert "data-hapus" not in page and "data-tambah" not in page and "<template>" not in page
    assert read(page).legends["f-bukti-0-berkas_id"] == "Berkas"
    assert '<img class="pratinjau" src="/api/berkas/4" alt="Pratinjau foto.png" loading="lazy">' in page
    assert formulir.parse(schema, submitted(page)) == {"bukti": [{"berkas_id": 4}]}


def test_a_page_may_show_a_field_read_only_or_hidden_and_fix_the_rows() -> None:
    ui = {
        "data.keputusan": {"widget": "hanya-baca"},
        "data.nama": {"widget": "tersembunyi"},
        "bukti": {"baris_tetap": True},
    }
    page = html(ui_schema=ui)
    assert '<p class="nilai-baca">Ditolak</p>' in page
    assert read(page).legends["f-data-keputusan"] == "Keputusan"
    assert '<input type="hidden" id="f-data-nama" name="data.nama" value="Andi Pratama">' in page
    assert "data-tambah" not in page and "data-hapus" not in page
    assert formulir.parse(SCHEMA, submitted(page)) == DATA


def test_a_form_s_read_only_list_keeps_its_rows_and_shows_their_read_only_values_as_text() -> None:
    # FR.APL.02 as the candidate sees it: the skema's units, filled by the data, none added or removed, the unit
    # named, not offered as a choice; only the answer is the candidate's.
    schema = {
        "type": "object",
        "properties": {
            "apl02": {
                "type": "array",
                "title": "Asesmen mandiri",
                "readOnly": True,
                "items": {
                    "type": "object",
                    "title": "Unit",
                    "properties": {
                        "unit_kode": {
                            "type": "string",
                            "title": "Kode unit",
                            "readOnly": True,
                            "oneOf": [
                                {"const": "U1", "title": "U1 — Menulis kode"},
                                {"const": "U2", "title": "U2 — Menguji"},
                            ],
                        },
                        "kompeten": {"type": "boolean", "title": "Dapatkah saya melakukannya? (K)"},
                    },
                },
            }
        },
    }
    data = {"apl02": [{"unit_kode": "U1", "kompeten": True}, {"unit_kode": "U2", "kompeten": False}]}
    page = str(formulir.render(schema, data, []))
    assert "data-tambah" not in page and "data-hapus" not in page and "<template>" not in page
    assert '<p class="nilai-baca">U1 — Menulis kode</p>' in page and '<p class="nilai-baca">U2 — Menguji</p>' in page
    assert "<select" not in page and "<option" not in page
    assert formulir.parse(schema, submitted(page)) == data


def test_read_only_that_is_not_true_or_false_is_a_keyword_the_renderer_refuses() -> None:
    assert unsupported({"type": "string", "readOnly": "ya"}) == ["readOnly"]
    assert unsupported({"type": "string", "readOnly": True}) == []


def test_an_error_whose_field_is_not_drawn_is_shown_at_the_top_and_another_step_s_errors_are_not() -> None:
    errors = [
        {"path": "", "message": "kolom 'x' tidak dikenal formulir ini"},
        {"path": "data.nama", "message": "tidak boleh kosong"},
    ]
    page = html(errors=errors)
    assert (
        '<div class="pesan-galat" id="f-formulir" tabindex="-1">'
        "<p>Kolom &#39;x&#39; tidak dikenal formulir ini</p></div>" in page
    )
    summary = str(formulir.error_summary(errors + [{"path": "data.x", "message": "tidak dikenal"}], SCHEMA))
    assert '<li><a href="#f-formulir">Kolom &#39;x&#39; tidak dikenal formulir ini</a></li>' in summary
    assert '<li><a href="#f-formulir">Tidak dikenal</a></li>' in summary
    step = str(formulir.render(SCHEMA, DATA, errors[1:], only=["bukti"]))
    assert "Tidak boleh kosong" not in step and "pesan-galat" not in step


def test_a_field_two_conditions_require_is_always_shown() -> None:
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "k": {
                "type": "object",
                "title": "K",
                "properties": {
                    "a": {"type": "boolean", "title": "A"},
                    "b": {"type": "boolean", "title": "B"},
                    "alasan": {"type": "string", "title": "Alasan"},
                    "catatan": {"type": "string", "title": "Catatan"},
                },
                "allOf": [
                    {"if": {"properties": {"a": {"const": True}}, "required": ["a"]}, "then": {"required": ["alasan"]}},
                    {
                        "if": {"properties": {"b": {"const": True}}, "required": ["b"]},
                        "then": {"required": ["alasan", "catatan"]},
                    },
                ],
            },
        },
    }
    page = str(formulir.render(schema, {"k": {"a": False, "b": True}}))
    assert '<div class="bidang">\n<label for="f-k-alasan">Alasan <span class="wajib">(wajib)</span>' in page
    assert (
        'data-tampil-jika="{&#34;nama&#34;: &#34;k.b&#34;, &#34;nilai&#34;: [&#34;true&#34;]}">\n'
        '<label for="f-k-catatan">' in page
    )


def test_the_summary_names_a_field_by_its_label_and_a_row_s_field_by_its_row_too() -> None:
    summary = str(
        formulir.error_summary(
            [
                {"path": "data.nama", "message": "tidak boleh kosong"},
                {"path": "bukti", "message": "tidak boleh kosong"},
            ],
            SCHEMA,
        )
    )
    assert '<li><a href="#f-data-nama">Nama lengkap: Tidak boleh kosong</a></li>' in summary
    assert '<li><a href="#f-bukti">Bukti persyaratan: Tidak boleh kosong</a></li>' in summary


def test_the_file_ids_of_the_data_are_listed_for_the_page_to_look_up() -> None:
    assert formulir.berkas_ids(SCHEMA, DATA) == [7, 9]
    assert formulir.berkas_ids(SCHEMA, {"bukti": [{"nama": "KTM"}, {"berkas_id": "x"}]}) == []


def test_starlette_form_data_is_read_as_a_browser_sent_it() -> None:
    from starlette.datastructures import FormData

    form = FormData([("data.metode", ""), ("data.metode", "lisan"), ("data.metode", "tertulis"), ("bukti", "")])
    assert formulir.parse(SCHEMA, form) == {"data": {"metode": ["lisan", "tertulis"]}, "bukti": []}


def test_in_a_long_list_a_person_chosen_from_many_is_named_not_offered_again() -> None:
    many = [{"const": f"p{i}", "title": f"Peserta {i}"} for i in range(1, 31)]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "keputusan": {
                "type": "array",
                "title": "Keputusan",
                "items": {
                    "type": "object",
                    "title": "Keputusan",
                    "properties": {"username": {"type": "string", "title": "Peserta", "x-sumber": "s", "oneOf": many}},
                },
            }
        },
    }
    page = str(formulir.render(schema, {"keputusan": [{"username": "p7"}, {}]}))
    assert '<p class="nilai-baca">Peserta 7</p>' in page
    assert len(_options(page, "keputusan.1.username")) == 31  # a row without a value offers them all
    assert formulir.parse(schema, submitted(page)) == {"keputusan": [{"username": "p7"}, {}]}


def test_in_a_row_a_value_from_data_whose_label_a_list_cannot_show_whole_is_named_not_offered_again() -> None:
    kuk = (
        "J.620100.017.02 · Elemen 2: Membuat program sederhana — KUK 2.1 Program baca tulis untuk memasukkan data dan "
        "menampilkannya dibuat"
    )
    pilihan = [{"const": "a", "title": "Elemen 1: Menggunakan tipe data"}, {"const": "b", "title": kuk}]
    schema: dict[str, Any] = {
        "type": "object",
        "properties": {
            "elemen": {
                "type": "array",
                "title": "Elemen",
                "items": {
                    "type": "object",
                    "title": "Elemen",
                    "properties": {"elemen": {"type": "string", "title": "Elemen", "x-sumber": "s", "oneOf": pilihan}},
                },
            }
        },
    }
    page = str(formulir.render(schema, {"elemen": [{"elemen": "b"}, {"elemen": "a"}]}))
    assert len(kuk) > 120
    assert f'<p class="nilai-baca">{kuk}</p>' in page
    assert [v for v, chosen, _ in _options(page, "elemen.1.elemen") if chosen] == ["a"]  # a short label stays a list
    assert formulir.parse(schema, submitted(page)) == {"elemen": [{"elemen": "b"}, {"elemen": "a"}]}
