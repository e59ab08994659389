"""Find and read the MRZ on a photographed or scanned page (the ``ocr`` extra).

    found = read_image("page.png")
    found.lines, found.box, found.angle, found.fillers

How: the page is cleaned (median filter), binarised (Otsu) and straightened (the angle that
makes the text rows sharpest); the MRZ is the last two or three long, even text rows at the
foot of the page. Each row is cut into its fixed-pitch character cells (OCR-B, Doc 9303
Part 3), and each cell whose ink looks most like OCR-B's filler ``<`` (against every OCR-B
glyph, rendered from Debian's fonts-ocr-b) is a filler. Tesseract (Debian's tesseract-ocr,
through pytesseract) reads the letters and digits with the fillers blanked out: its general
model reads a run of fillers as a mix of ``<``, ``K`` and ``X`` (benchmarks/RESULTS.md).
The caller checks the lines with ``parse_mrz(..., repair=True)`` as for any reader.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
import numpy.typing as npt
from PIL import Image, ImageDraw, ImageFilter, ImageFont, ImageOps

OCR_B_FONT = Path("/usr/share/fonts/opentype/ocr-b/OCRB.otf")
ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
TEMPLATE = (16, 24)  # width, height of a cell compared with the glyph templates
GLYPH_SHARE = 0.75  # of an OCR-B cell, the share a typical glyph's ink spans
Array = npt.NDArray[np.float64]


class OcrUnavailable(RuntimeError):
    """Tesseract, pytesseract or the OCR-B font is missing: the message says what to install."""


@dataclass(frozen=True)
class FoundMrz:
    """The MRZ lines read off an image and where they were found.

    ``box`` is (left, top, right, bottom) in pixels of the straightened page, ``angle`` the
    rotation in degrees that straightened it, ``fillers`` how many cells read as ``<`` by shape.
    """

    lines: tuple[str, ...]
    box: tuple[int, int, int, int]
    angle: float
    fillers: int

    def to_dict(self) -> dict[str, object]:
        """Return the JSON-ready form."""
        return {
            "lines": list(self.lines),
            "box": list(self.box),
            "angle": self.angle,
            "fillers": self.fillers,
        }


def check_ocr() -> None:
    """Raise OcrUnavailable naming what to install when the OCR route cannot run here."""
    missing = []
    if shutil.which("tesseract") is None:
        missing.append("the tesseract program (apt-get install tesseract-ocr)")
    if not OCR_B_FONT.exists():
        missing.append(f"the OCR-B font {OCR_B_FONT} (apt-get install fonts-ocr-b)")
    try:
        import pytesseract  # noqa: F401  (only its presence is checked here)
    except ImportError:
        missing.append("pytesseract (pip install 'borderpost[ocr]')")
    if missing:
        raise OcrUnavailable("reading images needs " + ", ".join(missing))


def read_image(path: str | Path) -> FoundMrz | None:
    """Find the MRZ on the page at ``path`` and read its lines; None when none is found."""
    check_ocr()
    with Image.open(path) as opened:
        grey = ImageOps.exif_transpose(opened).convert("L")
    return read_page(grey)


def read_page(grey: Image.Image) -> FoundMrz | None:
    """As read_image, for a page already loaded as a grey-scale image."""
    clean = grey.filter(ImageFilter.MedianFilter(3))
    threshold = _otsu(np.asarray(clean))
    angle = _skew(clean, threshold)
    if angle:
        background = int(np.median(np.asarray(clean)))
        clean = clean.rotate(angle, Image.Resampling.BICUBIC, expand=True, fillcolor=background)
    ink = np.asarray(clean) < threshold
    rows = _mrz_rows(ink)
    if rows is None:
        return None
    width = 30 if len(rows) == 3 else _width_of(rows[0], ink)
    lines, fillers = _read_rows(clean, ink, rows, width)
    left = min(r[2] for r in rows)
    right = max(r[3] for r in rows)
    box = (int(left), int(rows[0][0]), int(right), int(rows[-1][1]))
    return FoundMrz(tuple(lines), box, angle, fillers)


def _otsu(pixels: npt.NDArray[np.uint8]) -> int:
    histogram = np.bincount(pixels.ravel(), minlength=256).astype(np.float64)
    levels = np.arange(256, dtype=np.float64)
    weight = np.cumsum(histogram)
    mean = np.cumsum(histogram * levels)
    total, grand = weight[-1], mean[-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        between = (grand * weight - mean * total) ** 2 / (weight * (total - weight))
    # A blank page has no two classes: every split scores NaN, any threshold will do.
    return int(np.argmax(np.nan_to_num(between, nan=-1.0)))


def _skew(grey: Image.Image, threshold: int) -> float:
    # On a small copy: the angle whose row profile is sharpest is the one that levels the text.
    scale = min(1.0, 600 / grey.width)
    small = grey.resize((max(1, int(grey.width * scale)), max(1, int(grey.height * scale))))
    ink = small.point(lambda v: 255 if v < threshold else 0)
    best, best_score = 0.0, -1.0
    for tenth in range(-100, 101, 5):
        angle = tenth / 10
        profile = np.asarray(ink.rotate(angle, expand=True), dtype=np.float64).sum(axis=1)
        score = float(np.square(np.diff(profile)).sum())
        if score > best_score:
            best, best_score = angle, score
    return best


Row = tuple[int, int, int, int]  # top, bottom, left, right


def _mrz_rows(ink: npt.NDArray[np.bool_]) -> list[Row] | None:
    height, width = ink.shape
    counts = ink.sum(axis=1)
    on = counts > max(2, width // 200)
    bands: list[Row] = []
    top = None
    for y in range(height + 1):
        inside = y < height and bool(on[y])
        if inside and top is None:
            top = y
        elif not inside and top is not None:
            if y - top >= 6:  # shorter is a rule or noise, not a line of text
                columns = np.flatnonzero(ink[top:y].sum(axis=0) > 0)
                bands.append((top, y, int(columns[0]), int(columns[-1]) + 1))
            top = None
    # The MRZ: the last rows of the page, long and alike (the same length and height).
    long_rows = [b for b in bands if b[3] - b[2] > width * 0.45]
    for count in (3, 2):
        last = long_rows[-count:]
        if len(last) == count and _alike(last):
            return last
    return None


def _alike(rows: list[Row]) -> bool:
    lengths = [r[3] - r[2] for r in rows]
    heights = [r[1] - r[0] for r in rows]
    return max(lengths) < min(lengths) * 1.12 and max(heights) < min(heights) * 1.4


@cache
def _font_pitch() -> float:
    """OCR-B's advance width over its capital height: how wide a cell is for its height."""
    font = ImageFont.truetype(str(OCR_B_FONT), 100)
    _left, top, _right, bottom = font.getbbox("H")
    return font.getlength("H") / (bottom - top)


def _width_of(row: Row, ink: npt.NDArray[np.bool_]) -> int:
    # Two lines are TD2/MRV-B (36) or TD3/MRV-A (44): the nearer by the row's proportions.
    top, bottom, left, right = row
    rows = np.flatnonzero(ink[top:bottom, left:right].sum(axis=1) > 0)
    height = (rows[-1] - rows[0] + 1) if len(rows) else bottom - top
    estimate = (right - left) / (height * _font_pitch())
    return 44 if abs(estimate - 44) < abs(estimate - 36) else 36


@cache
def _templates() -> tuple[str, Array]:
    """Every OCR-B glyph of the MRZ, drawn from the font, cut to its ink and normalised."""
    font = ImageFont.truetype(str(OCR_B_FONT), 96)
    glyphs = ALPHABET + "<"
    vectors = []
    for char in glyphs:
        cell = Image.new("L", (160, 160), 255)
        ImageDraw.Draw(cell).text((20, 10), char, font=font, fill=0)
        vectors.append(_vector(cell, np.asarray(cell) < 128))
    return glyphs, np.stack(vectors)


def _vector(cell: Image.Image, ink: npt.NDArray[np.bool_]) -> Array:
    # The glyph's own box, so the comparison does not depend on where it sits in its cell.
    rows = np.flatnonzero(ink.any(axis=1))
    columns = np.flatnonzero(ink.any(axis=0))
    if len(rows) and len(columns):
        cell = cell.crop((int(columns[0]), int(rows[0]), int(columns[-1]) + 1, int(rows[-1]) + 1))
    data = 255.0 - np.asarray(cell.resize(TEMPLATE, Image.Resampling.BILINEAR), dtype=np.float64)
    data = data.ravel() - data.mean()
    norm = float(np.linalg.norm(data))
    vector: Array = data / norm if norm else data
    return vector


def _read_rows(
    page: Image.Image, ink: npt.NDArray[np.bool_], rows: list[Row], width: int
) -> tuple[list[str], int]:
    glyphs, templates = _templates()
    filler = glyphs.index("<")
    left = min(r[2] for r in rows)
    right = max(r[3] for r in rows)
    # From the first glyph's ink to the last one's: width - 1 pitches and one glyph's ink.
    pitch = (right - left) / (width - 1 + GLYPH_SHARE)
    blanked = page.copy()
    draw = ImageDraw.Draw(blanked)
    background = int(np.percentile(np.asarray(page), 90))
    masks: list[list[bool]] = []
    for top, bottom, _l, _r in rows:
        mask = []
        for index in range(width):
            x0 = round(left + (index - 0.1) * pitch)
            x1 = round(left + (index + 0.9) * pitch)
            cell = page.crop((x0, top, x1, bottom))
            scores = templates @ _vector(cell, ink[top:bottom, max(0, x0) : x1])
            is_filler = int(np.argmax(scores)) == filler
            mask.append(is_filler)
            if is_filler:
                draw.rectangle((x0, top, x1 - 1, bottom), fill=background)
        masks.append(mask)
    lines = [
        _ocr_row(blanked, row, mask, left, right) for row, mask in zip(rows, masks, strict=True)
    ]
    return lines, sum(sum(mask) for mask in masks)


def _ocr_row(page: Image.Image, row: Row, mask: list[bool], left: int, right: int) -> str:
    import pytesseract

    top, bottom, _l, _r = row
    margin = (bottom - top) // 2
    crop = page.crop((max(0, left - margin), max(0, top - margin), right + margin, bottom + margin))
    if crop.height > 48:  # tesseract reads best at a capital height of about 30 pixels
        scale = 48 / crop.height
        crop = crop.resize((max(1, int(crop.width * scale)), 48), Image.Resampling.LANCZOS)
    config = f"--oem 1 --psm 7 -c tessedit_char_whitelist={ALPHABET}"
    words = pytesseract.image_to_string(crop, config=config).split()
    return _merge(words, mask)


def _merge(words: list[str], mask: list[bool]) -> str:
    """Put tesseract's characters into the runs of non-filler cells, in order.

    When the count of characters disagrees, the words are written in with a filler between
    them and the line cut or padded to its width: the check digits then say what is wrong.
    """
    runs: list[tuple[int, int]] = []
    start = None
    for index, filler in enumerate([*mask, True]):
        if not filler and start is None:
            start = index
        elif filler and start is not None:
            runs.append((start, index))
            start = None
    cells = ["<"] * len(mask)
    letters = "".join(words)
    if len(letters) == sum(end - start for start, end in runs):
        # Tesseract often runs words together across one blank cell; the cells still say
        # where each character goes.
        characters = iter(letters)
        for start, end in runs:
            cells[start:end] = [next(characters) for _ in range(end - start)]
        return "".join(cells)
    position = 0
    for index, word in enumerate(words):
        if index < len(runs):
            position = max(position, runs[index][0])
        cells[position : position + len(word)] = word
        position += len(word) + 1
    return "".join(cells)[: len(mask)]
