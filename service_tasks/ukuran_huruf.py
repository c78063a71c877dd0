"""The largest font size at which a text fits a fixed box of a pre-printed form (the certificate's back page: one
row per unit of competency, a fixed height, whatever the unit's title): measured with the font's own advance
widths and wrapped at spaces as the renderer wraps, so a long title is printed smaller, never cut off.

A document template reads it as the filter ``ukuran_muat``::

    {% set pt = u.judul | ukuran_muat(lebar_mm, tinggi_mm, ukuran, ukuran_min, huruf) %}
"""

import shutil
import subprocess
from functools import lru_cache
from typing import Any

MM_PER_PT = 25.4 / 72
# A glyph the font lacks, or a font that cannot be read: half an em, wider than Liberation Serif's average.
LEBAR_CADANGAN = 0.5
# What a renderer's shaping (kerning, a fallback font for a rare glyph) may add to the sum of advance widths.
CADANGAN = 1.03
LANGKAH_PT = 0.5


@lru_cache(maxsize=8)
def _lebar_huruf(huruf: str) -> tuple[dict[int, float], float]:
    """Each character's advance width in em for the font fontconfig gives for `huruf` (as WeasyPrint's Pango picks
    it), and the font's average; an empty map when no font file is found or readable."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return {}, LEBAR_CADANGAN
    from fontTools.ttLib import TTFont, TTLibError

    try:
        path = subprocess.run(
            [fc_match, "--format=%{file}", huruf], capture_output=True, text=True, timeout=10, check=True
        ).stdout.strip()
        # A collection (.ttc) or a font fontTools cannot read: the estimate below, not a failed print layer.
        with TTFont(path, lazy=True) as font:
            per_em = float(font["head"].unitsPerEm)
            hmtx = font["hmtx"]
            lebar = {kode: hmtx[glyph][0] / per_em for kode, glyph in font.getBestCmap().items()}
    except (OSError, subprocess.SubprocessError, TTLibError, KeyError, ValueError, AttributeError):
        return {}, LEBAR_CADANGAN
    rata = sum(lebar.get(ord(c), LEBAR_CADANGAN) for c in "abcdefghijklmnopqrstuvwxyz ") / 27
    return lebar, max(rata, LEBAR_CADANGAN)


def lebar_em(teks: str, huruf: str) -> float:
    """The width of `teks` on one line, in em of `huruf`."""
    lebar, cadangan = _lebar_huruf(huruf)
    return sum(lebar.get(ord(c), cadangan) for c in teks) * CADANGAN


def jumlah_baris(teks: str, lebar_mm: float, ukuran_pt: float, huruf: str) -> int:
    """How many lines `teks` takes in a box `lebar_mm` wide at `ukuran_pt`, wrapped at spaces (a word longer than
    the line takes a line of its own and overflows it, as the renderer does)."""
    em_mm = ukuran_pt * MM_PER_PT
    batas = lebar_mm / em_mm
    spasi = lebar_em(" ", huruf)
    baris, isi = 0, None
    for kata in str(teks).split():
        w = lebar_em(kata, huruf)
        if isi is not None and isi + spasi + w <= batas:
            isi += spasi + w
        else:
            baris, isi = baris + 1, w
    return max(baris, 1)


def ukuran_muat(
    teks: Any,
    lebar_mm: float,
    tinggi_mm: float,
    ukuran_pt: float,
    ukuran_min_pt: float | None = None,
    huruf: str = "Liberation Serif",
    tinggi_baris: float = 1.1,
) -> float:
    """The largest size from `ukuran_pt` down to `ukuran_min_pt` (in steps of half a point) at which `teks`,
    wrapped to `lebar_mm`, has all its lines (each `tinggi_baris` times the size) inside `tinggi_mm`; the
    smallest when even that does not fit (the box then cuts it: its layout must be changed)."""
    ukuran = float(ukuran_pt)
    terkecil = float(ukuran_min_pt) if ukuran_min_pt else ukuran
    while True:
        tinggi = jumlah_baris(str(teks or ""), float(lebar_mm), ukuran, huruf) * ukuran * tinggi_baris * MM_PER_PT
        if tinggi <= float(tinggi_mm) or ukuran - LANGKAH_PT < terkecil:
            return ukuran
        ukuran -= LANGKAH_PT
