"""Pas foto made in code for the tests (no image is committed): a plain placeholder portrait, a head and
shoulders in grey on a light blue background, as PNG or JPEG of any size."""

import io

from PIL import Image, ImageDraw


def pas_foto(lebar: int = 300, tinggi: int = 400, format: str = "PNG") -> bytes:
    """A placeholder photo of `lebar` × `tinggi` pixels."""
    image = Image.new("RGB", (lebar, tinggi), (170, 200, 235))
    draw = ImageDraw.Draw(image)
    cx = lebar // 2
    head = min(lebar, tinggi) // 5
    draw.ellipse((cx - head, tinggi * 0.22, cx + head, tinggi * 0.22 + 2.4 * head), fill=(110, 110, 120))
    draw.ellipse((cx - 2.4 * head, tinggi * 0.62, cx + 2.4 * head, tinggi * 1.3), fill=(80, 80, 95))
    out = io.BytesIO()
    image.save(out, format=format)
    return out.getvalue()


PNG = pas_foto()
JPEG = pas_foto(600, 800, "JPEG")
