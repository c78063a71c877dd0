"""Tables downloaded as CSV (the Dasbor's panels, the audit search): one writer for all of them.

A spreadsheet opening a CSV runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return
before one of them) as a formula: a candidate's name or a master-data value written as `=HYPERLINK(...)`
would become a link or a command on the Ketua's machine. Such a text cell is written with a leading `'`
(OWASP's advice for CSV injection), so it opens as the text it is. Numbers are written as numbers, and a lone
"-" (the Dasbor's "no skema") stays as it is: alone it is no formula.
"""

import csv
import io
from collections.abc import Iterable
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def sel_aman(value: Any) -> Any:
    """A cell as written: a text a spreadsheet would run as a formula gets a leading `'`; others as they are."""
    if isinstance(value, str) and len(value) > 1 and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_text(rows: Iterable[Iterable[Any]]) -> str:
    """`rows` as CSV (CRLF line ends, as spreadsheets expect), every text cell safe to open."""
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows([sel_aman(v) for v in row] for row in rows)
    return out.getvalue()
