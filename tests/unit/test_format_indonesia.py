"""What an Indonesian letter must print, written out by hand: dates, Rupiah, amounts in words, Roman-numeral
months and letter numbers. A wrong formatter fails here; it cannot agree with itself."""

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from service_tasks.format_indonesia import (
    as_date,
    bulan_romawi,
    durasi_terbilang,
    hari_tanggal,
    hari_tanggal_terbilang,
    kalimat,
    nomor_tanggal,
    persen,
    rupiah,
    sebagaimana_diubah,
    tanggal,
    tanggal_inggris,
    terbilang,
    terbilang_rupiah,
    utuh,
)
from service_tasks.nomor_surat import nomor_surat

LETTER = "{seq:03d}/LSP-STMI/{kode}/{bulan_romawi}/{tahun}"  # the shipped default (Settings.nomor_format)


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (0, "nol"),
        (1, "satu"),
        (9, "sembilan"),
        (10, "sepuluh"),
        (11, "sebelas"),
        (12, "dua belas"),
        (19, "sembilan belas"),
        (20, "dua puluh"),
        (21, "dua puluh satu"),
        (99, "sembilan puluh sembilan"),
        (100, "seratus"),
        (101, "seratus satu"),
        (110, "seratus sepuluh"),
        (111, "seratus sebelas"),
        (200, "dua ratus"),
        (999, "sembilan ratus sembilan puluh sembilan"),
        (1000, "seribu"),
        (1001, "seribu satu"),
        (1100, "seribu seratus"),
        (1999, "seribu sembilan ratus sembilan puluh sembilan"),
        (2000, "dua ribu"),
        (2026, "dua ribu dua puluh enam"),
        (10_000, "sepuluh ribu"),
        (11_000, "sebelas ribu"),
        (100_000, "seratus ribu"),
        (101_000, "seratus satu ribu"),
        (1_000_000, "satu juta"),
        (1_001_000, "satu juta seribu"),
        (1_500_000, "satu juta lima ratus ribu"),
        (2_100_000, "dua juta seratus ribu"),
        (12_345_678, "dua belas juta tiga ratus empat puluh lima ribu enam ratus tujuh puluh delapan"),
        (1_000_000_000, "satu miliar"),
        (2_500_000_000, "dua miliar lima ratus juta"),
        (1_000_000_000_000, "satu triliun"),
        (-5, "minus lima"),
        ("24", "dua puluh empat"),
    ],
)
def test_a_number_is_written_in_indonesian_words(n: Any, words: str) -> None:
    assert terbilang(n) == words


@pytest.mark.parametrize(
    ("amount", "text"),
    [
        (1_500_000, "Rp1.500.000,00"),
        (0, "Rp0,00"),
        (None, "Rp0,00"),
        (500, "Rp500,00"),
        (1000, "Rp1.000,00"),
        (35_000, "Rp35.000,00"),
        (2_100_000, "Rp2.100.000,00"),
        (1_234_567_890, "Rp1.234.567.890,00"),
        (1234.5, "Rp1.234,50"),
        (Decimal("99.99"), "Rp99,99"),
        ("750000", "Rp750.000,00"),
        (-2500, "-Rp2.500,00"),
    ],
)
def test_an_amount_is_printed_as_rupiah_with_dots_for_thousands_and_a_comma_for_sen(amount: Any, text: str) -> None:
    assert rupiah(amount) == text


def test_rupiah_without_sen_drops_the_decimals() -> None:
    assert rupiah(1_500_000, sen=False) == "Rp1.500.000"


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        (1_500_000, "satu juta lima ratus ribu rupiah"),
        (2_100_000, "dua juta seratus ribu rupiah"),
        (175_000, "seratus tujuh puluh lima ribu rupiah"),
        (1250.5, "seribu dua ratus lima puluh rupiah lima puluh sen"),
        (0, "nol rupiah"),
    ],
)
def test_an_amount_in_words_ends_in_rupiah_and_names_the_sen(amount: Any, words: str) -> None:
    assert terbilang_rupiah(amount) == words


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2026, 11, 24), "24 November 2026"),
        (date(2026, 1, 5), "5 Januari 2026"),
        (date(2026, 2, 28), "28 Februari 2026"),
        (date(2026, 3, 1), "1 Maret 2026"),
        (date(2026, 4, 30), "30 April 2026"),
        (date(2026, 5, 2), "2 Mei 2026"),
        (date(2026, 6, 11), "11 Juni 2026"),
        (date(2026, 7, 1), "1 Juli 2026"),
        (date(2026, 8, 17), "17 Agustus 2026"),
        (date(2026, 9, 9), "9 September 2026"),
        (date(2026, 10, 28), "28 Oktober 2026"),
        (date(2026, 12, 31), "31 Desember 2026"),
        ("2026-08-17", "17 Agustus 2026"),
        (None, "-"),
        ("", "-"),
        ("bukan tanggal", "-"),
    ],
)
def test_a_date_is_printed_as_day_month_name_and_year(value: Any, text: str) -> None:
    assert tanggal(value) == text


@pytest.mark.parametrize(
    ("moment", "text", "romawi"),
    [
        # 00:00 WIB on 1 July is 17:00 UTC on 30 June: the letter is already dated July.
        (datetime(2026, 6, 30, 17, 0, tzinfo=UTC), "1 Juli 2026", "VII"),
        (datetime(2026, 6, 30, 16, 59, tzinfo=UTC), "30 Juni 2026", "VI"),
        (datetime(2026, 12, 31, 17, 0, tzinfo=UTC), "1 Januari 2027", "I"),
        (datetime(2026, 12, 31, 16, 59, tzinfo=UTC), "31 Desember 2026", "XII"),
        ("2026-03-31T17:30:00+00:00", "1 April 2026", "IV"),
    ],
)
def test_a_moment_is_dated_by_the_lsps_calendar_in_wib(moment: Any, text: str, romawi: str) -> None:
    assert tanggal(moment) == text
    day = as_date(moment)
    assert day is not None
    assert bulan_romawi(day) == romawi


@pytest.mark.parametrize(
    ("month", "romawi"),
    [(1, "I"), (2, "II"), (3, "III"), (4, "IV"), (5, "V"), (6, "VI")]
    + [(7, "VII"), (8, "VIII"), (9, "IX"), (10, "X"), (11, "XI"), (12, "XII")],
)
def test_a_month_is_written_in_roman_numerals(month: int, romawi: str) -> None:
    assert bulan_romawi(month) == romawi


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (date(2026, 11, 24), "Selasa tanggal dua puluh empat bulan November tahun dua ribu dua puluh enam"),
        (date(2020, 6, 11), "Kamis tanggal sebelas bulan Juni tahun dua ribu dua puluh"),
        (date(2026, 8, 17), "Senin tanggal tujuh belas bulan Agustus tahun dua ribu dua puluh enam"),
        (date(2027, 1, 1), "Jumat tanggal satu bulan Januari tahun dua ribu dua puluh tujuh"),
        (date(2000, 1, 1), "Sabtu tanggal satu bulan Januari tahun dua ribu"),
        (None, "-"),
    ],
)
def test_a_berita_acara_writes_its_day_and_date_in_words(value: Any, text: str) -> None:
    assert hari_tanggal_terbilang(value) == text


def test_a_day_and_date_is_printed_with_the_day_name_first() -> None:
    assert hari_tanggal(date(2026, 11, 24)) == "Selasa, 24 November 2026"
    assert hari_tanggal(date(2026, 2, 28)) == "Sabtu, 28 Februari 2026"


@pytest.mark.parametrize(
    ("seq", "kode", "when", "nomor"),
    [
        (1, "ND", date(2026, 1, 5), "001/LSP-STMI/ND/I/2026"),
        (12, "SK", date(2026, 7, 1), "012/LSP-STMI/SK/VII/2026"),
        (123, "ST", date(2026, 11, 24), "123/LSP-STMI/ST/XI/2026"),
        (1000, "BA", date(2026, 12, 31), "1000/LSP-STMI/BA/XII/2026"),
    ],
)
def test_a_letter_number_carries_the_sequence_register_roman_month_and_year(
    seq: int, kode: str, when: date, nomor: str
) -> None:
    assert nomor_surat(LETTER, seq, kode, when) == nomor


@pytest.mark.parametrize(
    ("standar", "teks"),
    [
        ("P2D", "2 (dua) hari"),
        ("P1W", "7 (tujuh) hari"),
        ("P1DT12H", "1 (satu) hari 12 (dua belas) jam"),
        ("PT36H", "1 (satu) hari 12 (dua belas) jam"),
        ("PT30M", "30 (tiga puluh) menit"),
        (timedelta(days=14), "14 (empat belas) hari"),
    ],
)
def test_a_time_standard_is_stated_as_a_letter_states_a_deadline_in_figures_and_words(standar: Any, teks: str) -> None:
    assert durasi_terbilang(standar) == teks


@pytest.mark.parametrize(
    ("teks", "kalimat_"),
    [
        (
            "Tim banding: Dr. Mustofa, S.T., M.T., Sri Wahyuni, S.E.",
            "Tim banding: Dr. Mustofa, S.T., M.T., Sri Wahyuni, S.E.",
        ),
        ("TENTANG HASIL BANDING ASESMEN A.N. CAHYO NUGROHO", "TENTANG HASIL BANDING ASESMEN A.N. CAHYO NUGROHO."),
        ("Apakah sudah lengkap? ", "Apakah sudah lengkap?"),
    ],
)
def test_a_sentence_ends_with_one_full_stop_even_after_a_degree(teks: str, kalimat_: str) -> None:
    assert kalimat(teks) == kalimat_


@pytest.mark.parametrize(
    ("bagian", "dari", "teks"),
    [
        (2, 3, "66,7%"),
        (1, 2, "50%"),
        (993, 1000, "99,3%"),
        (91, 200, "45,5%"),
        (1, 8, "12,5%"),
        (3, 3, "100%"),
        (0, 0, "-"),
    ],
)
def test_a_share_is_printed_with_one_decimal_rounded_half_up_and_a_decimal_comma(
    bagian: int, dari: int, teks: str
) -> None:
    assert persen(bagian, dari) == teks


SK = {"nomor": "003/LSP-STMI/SK/XII/2026", "tanggal": "2026-12-01T02:00:00+00:00"}


@pytest.mark.parametrize(
    ("daftar", "teks"),
    [
        ([], ""),
        ([SK], ""),
        (
            [SK | {"perubahan": [{"nomor": "004/LSP-STMI/SK/XII/2026", "tanggal": "2026-12-02T02:00:00+00:00"}]}],
            " sebagaimana telah diubah dengan Keputusan Ketua LSP Nomor 004/LSP-STMI/SK/XII/2026"
            " tanggal 2 Desember 2026",
        ),
        (
            [
                SK
                | {
                    "perubahan": [
                        {"nomor": "004/LSP-STMI/SK/XII/2026", "tanggal": "2026-12-02T02:00:00+00:00"},
                        {"nomor": "007/LSP-STMI/SK/XII/2026", "tanggal": "2026-12-09T02:00:00+00:00"},
                    ]
                }
            ],
            " sebagaimana telah diubah dengan Keputusan Ketua LSP Nomor 004/LSP-STMI/SK/XII/2026"
            " tanggal 2 Desember 2026 dan Nomor 007/LSP-STMI/SK/XII/2026 tanggal 9 Desember 2026",
        ),
    ],
)
def test_a_cited_decision_names_the_decisions_that_amended_it_and_nothing_when_none_did(
    daftar: list[dict[str, Any]], teks: str
) -> None:
    # Each number is kept whole on its line (`utuh`, below); read without its word joiners.
    assert sebagaimana_diubah(daftar, "Keputusan Ketua LSP").replace("\u2060", "") == teks


def test_a_number_is_kept_whole_by_a_word_joiner_after_each_place_a_line_could_break() -> None:
    assert utuh("002/LSP-STMI/VT/XII/2026") == "002/\u2060LSP-\u2060STMI/\u2060VT/\u2060XII/\u20602026"
    assert utuh("MET.000.002517 2018") == "MET.\u2060000.\u2060002517 \u20602018"
    assert utuh(None) == "" and utuh("") == ""
    assert (
        nomor_tanggal([SK]) == " Nomor 003/\u2060LSP-\u2060STMI/\u2060SK/\u2060XII/\u20602026 tanggal 1 Desember 2026"
    )


def test_a_certificates_english_line_gives_its_date_in_english() -> None:
    assert tanggal_inggris("2029-12-01") == "1 December 2029"
    assert tanggal_inggris(None) == "-"
