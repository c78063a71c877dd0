""".xlsx sheets read and written: rows of an uploaded sheet as dicts (the first row names the columns, as the
form's property names), and the workbooks the service writes (header in row 1, dates as dates)."""

import io
import re
import zipfile
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font
from openpyxl.worksheet.worksheet import Worksheet

FORMAT_TANGGAL = "DD/MM/YYYY"


Lembar = tuple[str, Sequence[Any] | None, Iterable[Sequence[Any]]]  # a sheet's title, header (or None), rows


def xlsx_bytes(*sheets: Lembar) -> bytes:
    """A workbook of these sheets, in order: each header in row 1 in bold, then the rows, every date in them a
    date cell shown DD/MM/YYYY."""
    wb = Workbook()
    first = wb.active
    assert isinstance(first, Worksheet)
    wb.remove(first)
    for title, header, rows in sheets:
        sheet = wb.create_sheet(title)
        if header is not None:
            sheet.append(list(header))
            for cell in sheet[1]:
                cell.font = Font(bold=True)
        for values in rows:
            sheet.append(list(values))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, date | datetime):
                    cell.number_format = FORMAT_TANGGAL
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class SpreadsheetError(ValueError):
    """A sheet that cannot be read: `detail` for integrators (English), `message` for the person who uploaded
    it (Indonesian, with what to do)."""

    def __init__(self, detail: str, message: str) -> None:
        super().__init__(detail)
        self.detail = detail
        self.message = message


def _column(header: Any) -> str:
    return re.sub(r"[^a-z0-9]+", "_", str(header or "").strip().lower()).strip("_")


def _cell(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    # Certificate and registration numbers are text even when a sheet stores them as numbers.
    return str(value).strip() if value is not None else ""


def spreadsheet_rows(content: bytes) -> list[dict[str, Any]]:
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise SpreadsheetError(
            f"not a readable .xlsx file: {exc}",
            "Berkas ini bukan lembar kerja .xlsx yang dapat dibaca: simpan sebagai .xlsx.",
        ) from exc
    sheet = book.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or not any(header):
        raise SpreadsheetError(
            "the first row must name the columns", "Baris pertama lembar kerja harus berisi nama kolom."
        )
    columns = [_column(h) for h in header]
    out: list[dict[str, Any]] = []
    for values in rows:
        if values is None or all(v in (None, "") for v in values):
            continue
        out.append({c: _cell(v) for c, v in zip(columns, values, strict=False) if c})
    book.close()
    if not out:
        raise SpreadsheetError(
            "the sheet has no rows under its header",
            "Lembar kerja tidak berisi baris data di bawah baris nama kolom.",
        )
    return out
