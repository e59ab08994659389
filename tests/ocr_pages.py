"""Pages with an MRZ, rendered in OCR-B for the OCR tests and benchmark (Debian fonts-ocr-b).

``render_page(lines)`` draws a document page the size of a passport data page scanned at
about 300 dpi: a few lines of ordinary text above, the MRZ in OCR-B at the foot.
``variant`` photographs it badly: rotated, noisy, scaled down, or blurred.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter, ImageFont

OCR_B = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
VARIANTS = ("clean", "rotated", "noisy", "small", "blurred")


def ocr_b(size: int) -> ImageFont.FreeTypeFont:
    """The OCR-B font at ``size`` pixels; fails with the Debian package to install."""
    if not OCR_B.exists():
        raise FileNotFoundError(f"{OCR_B} is missing: apt-get install fonts-ocr-b")
    return ImageFont.truetype(str(OCR_B), size)


def render_page(lines: Sequence[str], seed: int = 0) -> Image.Image:
    """A light page, some text, and the MRZ in OCR-B at its foot (grey scale)."""
    font = ocr_b(44)
    left, _top, right, bottom = font.getbbox("<" * len(lines[0]))
    width = right - left + 160
    line_height = int((bottom) * 1.45)
    height = 620 + line_height * len(lines)
    page = Image.new("L", (width, height), 238)
    draw = ImageDraw.Draw(page)
    label = ocr_b(30)
    rng = random.Random(seed)
    for row, text in enumerate(("PASSPORT", "SURNAME", "GIVEN NAMES", "DATE OF BIRTH")):
        draw.text((80 + rng.randint(0, 20), 60 + row * 110), text, font=label, fill=90)
    draw.rectangle((width - 460, 60, width - 120, 470), outline=120, width=4)  # the photo
    y = height - 60 - line_height * len(lines)
    for text in lines:
        draw.text((80, y), text, font=font, fill=20)
        y += line_height
    return page


def variant(page: Image.Image, kind: str, seed: int = 0) -> Image.Image:
    """``page`` as a poorer camera or scanner would give it."""
    rng = random.Random(seed)
    if kind == "rotated":
        return page.rotate(4.0, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=200)
    if kind == "noisy":
        noisy = page.copy()
        pixels = noisy.load()
        assert pixels is not None
        for _ in range(noisy.width * noisy.height // 40):
            x, y = rng.randrange(noisy.width), rng.randrange(noisy.height)
            pixels[x, y] = rng.choice((60, 255))
        return noisy
    if kind == "small":
        return page.resize((page.width * 3 // 5, page.height * 3 // 5), Image.Resampling.LANCZOS)
    if kind == "blurred":
        return page.filter(ImageFilter.GaussianBlur(1.6))
    return page
