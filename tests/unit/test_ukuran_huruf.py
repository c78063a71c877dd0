"""The size a text is printed at to fit a fixed box of a pre-printed form (`ukuran_muat`)."""

from types import SimpleNamespace

import pytest

from service_tasks import ukuran_huruf
from service_tasks.ukuran_huruf import jumlah_baris, ukuran_muat
from tests.test_bnsp import LONG_UNIT

# The certificate's back page as shipped: a title column of 110 mm less 2 mm of padding, rows 9 mm high, 10 pt.
LEBAR, TINGGI = 108, 9


def test_a_title_that_fits_its_row_keeps_the_rows_size() -> None:
    assert jumlah_baris("Menggunakan Struktur Data", LEBAR, 10, "Liberation Serif") == 1
    assert ukuran_muat("Menggunakan Struktur Data", LEBAR, TINGGI, 10, 7) == 10


def test_a_title_of_three_lines_at_10_pt_is_printed_at_the_largest_half_point_size_whose_lines_fit() -> None:
    # 194 characters: three lines at 10 pt (33 pt, over the row's 25.5); at 8 pt still three (26.4 pt); at 7.5 pt
    # three lines of 8.25 pt are 24.75 pt, inside the row.
    assert jumlah_baris(LONG_UNIT, LEBAR, 10, "Liberation Serif") == 3
    assert jumlah_baris(LONG_UNIT, LEBAR, 8, "Liberation Serif") == 3
    assert ukuran_muat(LONG_UNIT, LEBAR, TINGGI, 10, 7) == 7.5


def test_a_title_too_long_even_at_the_smallest_size_gets_the_smallest_and_no_minimum_means_the_rows_size() -> None:
    assert ukuran_muat(LONG_UNIT * 3, LEBAR, TINGGI, 10, 7) == 7
    assert ukuran_muat(LONG_UNIT, LEBAR, TINGGI, 10) == 10


def test_an_empty_title_and_a_word_wider_than_the_line_take_one_line_each() -> None:
    assert jumlah_baris("", LEBAR, 10, "Liberation Serif") == 1
    assert jumlah_baris("x" * 400, LEBAR, 10, "Liberation Serif") == 1


def test_a_font_fonttools_cannot_read_falls_back_to_half_an_em_per_character(monkeypatch: pytest.MonkeyPatch) -> None:
    # A font collection, as fontconfig may name for a family (here: a path that is no font at all).
    monkeypatch.setattr(ukuran_huruf.subprocess, "run", lambda *a, **k: SimpleNamespace(stdout="/etc/hostname"))
    ukuran_huruf._lebar_huruf.cache_clear()
    try:
        assert ukuran_huruf.lebar_em("abcd", "Bukan Huruf") == 4 * 0.5 * 1.03
        assert ukuran_muat(LONG_UNIT, LEBAR, TINGGI, 10, 7) == 7.5  # half an em a character: still 3 lines at 7.5
    finally:
        ukuran_huruf._lebar_huruf.cache_clear()
