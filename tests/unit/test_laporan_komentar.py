"""The Laporan quotes each FR.AK.03 comment once, with how many forms gave it, the most given first."""

from service_tasks.dokumen.laporan import _komentar_sama


def test_the_same_comment_in_any_case_is_counted_once_as_first_written_and_the_most_given_comes_first() -> None:
    given = ["Ruang terlalu panas", "", "Baik", "baik", "Jadwal mundur", "BAIK", "ruang terlalu panas"]
    assert _komentar_sama(given) == [("Baik", 3), ("Ruang terlalu panas", 2), ("Jadwal mundur", 1)]


def test_no_comment_gives_nothing_to_quote() -> None:
    assert _komentar_sama(["", ""]) == []
