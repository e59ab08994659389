"""OCR repair: undo the character confusions of MRZ readers where the MRZ itself proves them.

Readers confuse 0/O, 1/I, 8/B, 5/S, 2/Z and '<'/K. Two kinds of repair are made, and each is
returned as a Repair so the officer sees it:

1. Format repairs. A character the field's format forbids is replaced by its look-alike when
   there is exactly one: a letter O in a date or a check digit becomes 0, a digit 0 in a name
   becomes O, a K in a check digit position that may hold a filler becomes '<'. An issuer or
   nationality code is changed only when exactly one look-alike spelling is a known code
   ("UT0" -> "UTO", "DKK" -> "D<<"). In names, K becomes '<' only where no name can be: after
   the double filler that ends the given names.
2. Check digit repairs, in the alphanumeric fields (document number, optional data) where a
   letter and a digit are both allowed. Every single look-alike swap is tried; a swap is kept
   only when exactly one candidate satisfies the field's check digit. Where the format has a
   composite check digit, the candidates of all failing fields (and single swaps in data only
   the composite covers) are tried together, and a combination that alone satisfies every
   check digit is kept even where a field by itself had two candidates.

'<' and K differ by 20 in value, a multiple of 10, so no 7-3-1 check digit can tell them
apart: that confusion is repaired only where the format decides it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from itertools import product

from .checkdigit import compute
from .checker import number_parts
from .fields import DIGITS
from .icao_codes import KNOWN_CODES
from .layouts import Layout, Pos, Slice
from .model import Repair

DIGIT_FOR = {"O": "0", "I": "1", "B": "8", "S": "5", "Z": "2"}
LETTER_FOR = {digit: letter for letter, digit in DIGIT_FOR.items()}
SWAP = {**DIGIT_FOR, **LETTER_FOR}

Change = tuple[str, int, int, int, str]  # (field, position in field, line, column, new char)


class _Grid:
    """The MRZ as mutable rows, recording every change as a Repair."""

    def __init__(self, lines: tuple[str, ...]) -> None:
        self.rows = [list(line) for line in lines]
        self.repairs: list[Repair] = []

    def get(self, line: int, col: int) -> str:
        return self.rows[line][col]

    def text(self, positions: list[Pos]) -> str:
        return "".join(self.rows[line][col] for line, col in positions)

    def set(self, change: Change) -> None:
        field, position, line, col, new = change
        old = self.rows[line][col]
        if old != new:
            self.rows[line][col] = new
            self.repairs.append(Repair(field, position, old, new, line + 1, col + 1))

    def lines(self) -> tuple[str, ...]:
        return tuple("".join(row) for row in self.rows)


def _span(s: Slice) -> list[Pos]:
    return [(s[0], col) for col in range(s[1], s[2])]


def repair_lines(layout: Layout, lines: tuple[str, ...]) -> tuple[tuple[str, ...], list[Repair]]:
    """Return the repaired lines and the repairs made (none when nothing is proven)."""
    grid = _Grid(lines)
    _format_repairs(layout, grid)
    _check_digit_repairs(layout, grid)
    return grid.lines(), sorted(grid.repairs, key=lambda r: (r.line, r.column))


# --- 1. format repairs ---------------------------------------------------------------------


def _format_repairs(layout: Layout, grid: _Grid) -> None:
    _doc_code(layout, grid)
    for field, where in (("issuer", layout.issuer), ("nationality", layout.nationality)):
        _code(field, where, grid)
    _names(layout, grid)
    for field, where, cd in (
        ("birth_date", layout.birth, layout.birth_cd),
        ("expiry_date", layout.expiry, layout.expiry_cd),
    ):
        for i, (line, col) in enumerate(_span(where)):
            _to_digit(grid, field, i, line, col, filler_ok=False)
        _to_digit(grid, field, 6, *cd, filler_ok=False)
    _to_digit(grid, "document_number", 9, *layout.number_cd, filler_ok=layout.overflow)
    if layout.optional_cd is not None:
        width = layout.optional[2] - layout.optional[1]
        _to_digit(grid, "optional_data", width, *layout.optional_cd, filler_ok=True)
    if layout.composite_cd is not None:
        _to_digit(grid, "composite", 0, *layout.composite_cd, filler_ok=False)
    line, col = layout.sex
    if grid.get(line, col) == "K":
        grid.set(("sex", 0, line, col, "<"))


def _to_digit(grid: _Grid, field: str, position: int, line: int, col: int, filler_ok: bool) -> None:
    c = grid.get(line, col)
    if c in DIGIT_FOR:
        grid.set((field, position, line, col, DIGIT_FOR[c]))
    elif c == "K" and filler_ok:
        grid.set((field, position, line, col, "<"))


def _doc_code(layout: Layout, grid: _Grid) -> None:
    line, start, _ = layout.doc_code
    first = grid.get(line, start)
    letter = LETTER_FOR.get(first)
    if first not in layout.first_letters and letter is not None and letter in layout.first_letters:
        grid.set(("document_type", 0, line, start, letter))
    second = grid.get(line, start + 1)
    if second in LETTER_FOR:
        grid.set(("document_type", 1, line, start + 1, LETTER_FOR[second]))


def _code(field: str, where: Slice, grid: _Grid) -> None:
    positions = _span(where)
    raw = grid.text(positions)
    if raw.rstrip("<") in KNOWN_CODES:
        return
    options = [
        {c, LETTER_FOR[c]} if c in LETTER_FOR else {c, "<"} if c == "K" and i else {c}
        for i, c in enumerate(raw)
    ]
    known = {"".join(p) for p in product(*options)}
    known = {k for k in known if k != raw and k.rstrip("<") in KNOWN_CODES}
    if len(known) == 1:
        fixed = known.pop()
        for i, (line, col) in enumerate(positions):
            grid.set((field, i, line, col, fixed[i]))


def _names(layout: Layout, grid: _Grid) -> None:
    positions = _span(layout.name_zone)
    zone = grid.text(positions)
    sep = zone.find("<<")
    for i, c in enumerate(zone):
        if c in LETTER_FOR:  # names hold no digits
            field = "surname" if sep < 0 or i < sep else "given_names"
            grid.set((field, i, *positions[i], LETTER_FOR[c]))
    if sep < 0:
        return
    start = sep + 2
    # Given names start right after the separator; the next double filler ends them.
    end = start if zone[start : start + 1] == "<" else zone.find("<<", start)
    if end < 0:
        return
    for i in range(end, len(zone)):
        if zone[i] == "K":
            grid.set(("given_names", i, *positions[i], "<"))


# --- 2. check digit repairs ----------------------------------------------------------------


class _Field:
    """An alphanumeric field covered by its own check digit."""

    def __init__(self, name: str, data: list[Pos], cd: Pos) -> None:
        self.name = name
        self.data = data
        self.cd = cd

    def passes(self, grid: _Grid) -> bool:
        cd = grid.get(*self.cd)
        data = grid.text(self.data)
        return compute(data) == (int(cd) if cd in DIGITS else -1) or (
            self.name == "optional_data" and cd == "<" and not data.strip("<")
        )

    def candidates(self, grid: _Grid) -> list[Change]:
        cd = grid.get(*self.cd)
        if cd not in DIGITS:
            return []
        data = grid.text(self.data)
        found = []
        for i, c in enumerate(data):
            if c in SWAP:
                trial = data[:i] + SWAP[c] + data[i + 1 :]
                if compute(trial) == int(cd):
                    found.append((self.name, i, *self.data[i], SWAP[c]))
        return found


def _fields(layout: Layout, grid: _Grid) -> tuple[list[_Field], list[tuple[str, Pos, int]]]:
    """The check-digit fields, and the (field, position, index) only the composite covers."""
    number_data = _span(layout.number)
    number_cd = layout.number_cd
    opt_line, opt_start, opt_end = layout.optional
    optional_from = opt_start
    _, _, _, ext = number_parts(layout, grid.lines())
    if ext > 0:
        number_data += [(opt_line, opt_start + i) for i in range(ext - 1)]
        number_cd = (opt_line, opt_start + ext - 1)
        optional_from = opt_start + ext + 1
    fields = [_Field("document_number", number_data, number_cd)]
    if layout.optional_cd is not None:
        fields.append(_Field("optional_data", _span(layout.optional), layout.optional_cd))
    composite_only: list[tuple[str, Pos, int]] = []
    if layout.composite_cd is not None and layout.optional_cd is None:
        composite_only += [
            ("optional_data", (opt_line, col), col - opt_start)
            for col in range(optional_from, opt_end)
        ]
        if layout.optional_2 is not None:
            composite_only += [
                ("optional_data_2", pos, i) for i, pos in enumerate(_span(layout.optional_2))
            ]
    return fields, composite_only


def _composite_passes(layout: Layout, grid: _Grid) -> bool:
    assert layout.composite_cd is not None
    data = "".join(grid.text(_span(s)) for s in layout.composite)
    cd = grid.get(*layout.composite_cd)
    return cd in DIGITS and compute(data) == int(cd)


@contextmanager
def _apply_trial(grid: _Grid, changes: tuple[Change | None, ...]) -> Iterator[None]:
    """Apply ``changes`` without recording them, yield, then restore the grid."""
    saved = []
    for change in changes:
        if change is not None:
            _, _, line, col, new = change
            saved.append((line, col, grid.rows[line][col]))
            grid.rows[line][col] = new
    try:
        yield
    finally:
        for line, col, old in reversed(saved):
            grid.rows[line][col] = old


def _check_digit_repairs(layout: Layout, grid: _Grid) -> None:
    fields, composite_only = _fields(layout, grid)
    failing = [f for f in fields if not f.passes(grid)]
    candidates = {f.name: f.candidates(grid) for f in failing}

    if layout.composite_cd is not None and all(candidates[f.name] for f in failing):
        singles: list[Change | None] = [None]
        for field, (line, col), index in composite_only:
            c = grid.get(line, col)
            if c in SWAP:
                singles.append((field, index, line, col, SWAP[c]))
        good = []
        for combo in product(*(candidates[f.name] for f in failing), singles):
            with _apply_trial(grid, combo):
                if _composite_passes(layout, grid):
                    good.append(combo)
        if len(good) == 1:
            for change in good[0]:
                if change is not None:
                    grid.set(change)
            return

    for f in failing:
        if len(candidates[f.name]) == 1:  # the field's own check digit proves it
            grid.set(candidates[f.name][0])
