"""The LSP's calendar and Indonesian official-letter forms: the one home of WIB, the month and day names,
today's date, date parsing (:func:`as_date`) and formatting, as Jinja2 filters for the document templates
(and plain functions for operators and validators).

- ``hari_ini``: today in WIB; ``as_date``: a date from a date, a date-time or an ISO string

- ``tanggal``: 11 Juni 2020
- ``hari_tanggal_terbilang``: Kamis tanggal sebelas bulan Juni tahun dua ribu dua puluh (a Berita Acara)
- ``rupiah``: Rp1.500.000,00; ``terbilang_rupiah``: satu juta lima ratus ribu rupiah
- ``terbilang``: 1500000 -> satu juta lima ratus ribu
- ``bulan_romawi``: 6 -> VI
- ``durasi_terbilang``: P2D -> 2 (dua) hari (a time standard as a letter states it)
- ``utuh``: a letter's or a registration's number kept on one line; ``tanggal_inggris``: 1 December 2029
"""

import re
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from service_tasks.context import ServiceContext
from service_tasks.durasi import parse_duration

# Waktu Indonesia Barat: the LSP's calendar (Asia/Jakarta has had no daylight saving since 1964).
WIB = timezone(timedelta(hours=7), "WIB")

BULAN = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)
HARI = ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu")
BULAN_ROMAWI = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
_SATUAN = ("", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan", "sepuluh", "sebelas")


def terbilang(n: Any) -> str:
    """A whole number in Indonesian words: 1500000 -> "satu juta lima ratus ribu"."""
    n = int(n)
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _SATUAN[n] or "nol"
    if n < 20:
        return f"{_SATUAN[n - 10]} belas"
    if n < 100:
        return f"{_SATUAN[n // 10]} puluh {_SATUAN[n % 10]}".strip()
    if n < 200:
        return f"seratus {terbilang(n - 100) if n > 100 else ''}".strip()
    if n < 1000:
        return f"{_SATUAN[n // 100]} ratus {terbilang(n % 100) if n % 100 else ''}".strip()
    if n < 2000:
        return f"seribu {terbilang(n - 1000) if n > 1000 else ''}".strip()
    for size, word in ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu")):
        if n >= size:
            rest = n % size
            return f"{terbilang(n // size)} {word} {terbilang(rest) if rest else ''}".strip()
    return ""


def _uang(value: Any) -> Decimal:
    try:
        return Decimal(str(value if value is not None else 0)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except InvalidOperation:
        return Decimal("0.00")


def rupiah(value: Any, sen: bool = True) -> str:
    """Rp1.500.000,00 (dot for thousands, comma for decimals); ``sen=False`` gives Rp1.500.000."""
    amount = _uang(value)
    sign = "-" if amount < 0 else ""
    whole, cents = divmod(abs(amount) * 100, 100)
    text = f"{int(whole):,}".replace(",", ".")
    return f"{sign}Rp{text}" + (f",{int(cents):02d}" if sen else "")


def terbilang_rupiah(value: Any) -> str:
    """The amount in words as a RAB prints it: "satu juta lima ratus ribu rupiah" (sen when there are any)."""
    amount = _uang(value)
    whole, cents = divmod(abs(amount) * 100, 100)
    words = f"{terbilang(int(whole))} rupiah"
    if cents:
        words += f" {terbilang(int(cents))} sen"
    return ("minus " if amount < 0 else "") + words


def hari_ini(ctx: ServiceContext) -> date:
    """Today in the LSP's calendar (the service clock read in Asia/Jakarta)."""
    now = ctx.now if ctx.now.tzinfo is not None else ctx.now.replace(tzinfo=UTC)
    return now.astimezone(WIB).date()


def as_date(value: Any) -> date | None:
    """A date from a date, an aware date-time (read in WIB) or an ISO string; None when empty or unreadable."""
    if isinstance(value, datetime):
        return value.astimezone(WIB).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        return as_date(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None


def tanggal(value: Any, kosong: str = "-") -> str:
    """11 Juni 2020."""
    d = as_date(value)
    return f"{d.day} {BULAN[d.month - 1]} {d.year}" if d else kosong


# The certificate's English lines (BNSP's bilingual design): "valid ... until 1 December 2029".
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


def tanggal_inggris(value: Any, kosong: str = "-") -> str:
    """1 December 2029: a date in a certificate's English line."""
    d = as_date(value)
    return f"{d.day} {MONTHS[d.month - 1]} {d.year}" if d else kosong


def hari(value: Any) -> str:
    d = as_date(value)
    return HARI[d.weekday()] if d else "-"


def hari_tanggal(value: Any) -> str:
    """Kamis, 11 Juni 2020."""
    d = as_date(value)
    return f"{HARI[d.weekday()]}, {tanggal(d)}" if d else "-"


def hari_tanggal_terbilang(value: Any) -> str:
    """As a Berita Acara opens: "Kamis tanggal sebelas bulan Juni tahun dua ribu dua puluh"."""
    d = as_date(value)
    if d is None:
        return "-"
    return f"{HARI[d.weekday()]} tanggal {terbilang(d.day)} bulan {BULAN[d.month - 1]} tahun {terbilang(d.year)}"


def bulan_romawi(value: Any) -> str:
    """6 (or a date in June) -> VI."""
    month = value.month if isinstance(value, date) else int(value)
    return BULAN_ROMAWI[month - 1]


def angka(value: Any) -> str:
    """1500 -> 1.500 (a count or quantity; decimals with a comma)."""
    if value is None or value == "":
        return "-"
    number = float(value)
    if number.is_integer():
        return f"{int(number):,}".replace(",", ".")
    return f"{number:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")


def persen(bagian: Any, dari: Any) -> str:
    """A share as a report prints it: one decimal rounded half up, a decimal comma, none on a whole number
    (2 of 3 -> "66,7%", 1 of 2 -> "50%", 993 of 1000 -> "99,3%"); "-" when there is nothing to divide by."""
    if not dari:
        return "-"
    share = (Decimal(str(bagian)) * 100 / Decimal(str(dari))).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    if share == share.to_integral_value():
        return f"{int(share)}%"
    return f"{share}%".replace(".", ",")


def durasi(value: Any) -> str:
    """A timedelta (or seconds) as an Indonesian duration: "2 hari 3 jam", "45 menit"."""
    if value is None:
        return "-"
    seconds = int(value.total_seconds() if isinstance(value, timedelta) else float(value))
    days, rest = divmod(max(seconds, 0), 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    parts = [f"{days} hari"] if days else []
    if hours:
        parts.append(f"{hours} jam")
    if minutes and not days:
        parts.append(f"{minutes} menit")
    return " ".join(parts) or "kurang dari 1 menit"


def durasi_terbilang(value: Any) -> str:
    """A time standard (an ISO 8601 duration as the BPMN writes it, or a timedelta) as a letter states a deadline:
    "P2D" -> "2 (dua) hari", "P1DT12H" -> "1 (satu) hari 12 (dua belas) jam", "PT30M" -> "30 (tiga puluh) menit"."""
    lama = value if isinstance(value, timedelta) else parse_duration(str(value))
    seconds = max(int(lama.total_seconds()), 0)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    parts = [(days, "hari"), (hours, "jam"), (rest // 60, "menit")]
    return " ".join(f"{n} ({terbilang(n)}) {unit}" for n, unit in parts if n) or "0 (nol) menit"


def kalimat(teks: str) -> str:
    """A sentence ends with one full stop: "Sri Wahyuni, S.E." stays as it is, "Cahyo Nugroho" gains one."""
    teks = str(teks).rstrip()
    return teks if teks.endswith((".", "!", "?")) else teks + "."


# U+2060 WORD JOINER: no line break next to it; invisible, and absent from the PDF's text (copying the number
# from the PDF gives the number).
_SAMBUNG = "\u2060"


def utuh(teks: Any) -> str:
    """A number printed whole, never split across two lines: "002/LSP-STMI/VT/XII/2026", "MET.000.002517 2018" (a
    word joiner after each slash, hyphen, full stop and space, where a line could otherwise break)."""
    return re.sub(r"([/\-. ])", "\\1" + _SAMBUNG, str(teks)) if teks else ""


def nomor_tanggal(daftar: Any) -> str:
    """How a letter cites documents: " Nomor 001/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026" (with its leading
    space, so a citation without a known document prints nothing); several joined by "dan"."""
    bagian = [f"Nomor {utuh(d['nomor'])} tanggal {tanggal(d['tanggal'])}" for d in (daftar or []) if d.get("nomor")]
    if not bagian:
        return ""
    return " " + (", ".join(bagian[:-1]) + " dan " + bagian[-1] if len(bagian) > 1 else bagian[0])


def sebagaimana_diubah(daftar: Any, dengan: str = "Keputusan") -> str:
    """How a letter cites the amendments of the documents it cites (their `perubahan`, see `rujukan`): " sebagaimana
    telah diubah dengan Keputusan Nomor 004/LSP-STMI/SK/XII/2026 tanggal 1 Desember 2026" (with its leading space,
    nothing when none was amended); several joined by "dan"."""
    perubahan = [p for d in (daftar or []) for p in (d.get("perubahan") or [])]
    return f" sebagaimana telah diubah dengan {dengan}{nomor_tanggal(perubahan)}" if perubahan else ""


FILTERS = {
    "kalimat": kalimat,
    "nomor_tanggal": nomor_tanggal,
    "utuh": utuh,
    "sebagaimana_diubah": sebagaimana_diubah,
    "tanggal": tanggal,
    "tanggal_inggris": tanggal_inggris,
    "hari": hari,
    "hari_tanggal": hari_tanggal,
    "hari_tanggal_terbilang": hari_tanggal_terbilang,
    "rupiah": rupiah,
    "terbilang": terbilang,
    "terbilang_rupiah": terbilang_rupiah,
    "bulan_romawi": bulan_romawi,
    "angka": angka,
    "persen": persen,
    "durasi": durasi,
    "durasi_terbilang": durasi_terbilang,
}
