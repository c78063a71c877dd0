"""A CSV download opens in a spreadsheet as the text it holds: no cell runs as a formula."""

from api.services.ekspor import csv_text


def test_a_text_a_spreadsheet_would_run_as_a_formula_opens_as_text() -> None:
    rows = [
        ['=HYPERLINK("http://x")', "+62812", "-2+3", "@SUM(A1)", "\t=1", "Budi"],
        [5, -5, 0.5, "-", "", None],
    ]
    assert csv_text(rows) == ('"\'=HYPERLINK(""http://x"")",\'+62812,\'-2+3,\'@SUM(A1),\'\t=1,Budi\r\n5,-5,0.5,-,,\r\n')
