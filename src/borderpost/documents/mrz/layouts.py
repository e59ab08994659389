"""Where each field sits in each MRZ format (ICAO Doc 9303 Parts 4 to 7).

Positions are 0-based (line index, start, end) slices; Doc 9303's own tables count from 1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from operator import itemgetter

Slice = tuple[int, int, int]  # (line, start, end)
Pos = tuple[int, int]  # (line, column)


@dataclass(frozen=True, slots=True)
class Layout:
    """The field map of one MRZ format."""

    name: str  # "TD1" | "TD2" | "TD3" | "MRVA" | "MRVB"
    label: str  # for messages: "a passport (TD3)"
    line_count: int
    line_length: int
    first_letters: str  # allowed first characters of the document code
    doc_code: Slice
    issuer: Slice
    name_zone: Slice
    number: Slice
    number_cd: Pos
    nationality: Slice
    birth: Slice
    birth_cd: Pos
    sex: Pos
    expiry: Slice
    expiry_cd: Pos
    optional: Slice
    optional_cd: Pos | None  # TD3 only
    optional_2: Slice | None  # TD1 only
    composite: tuple[Slice, ...]  # empty for visas
    composite_cd: Pos | None
    overflow: bool  # may the document number continue into the optional data (TD1, TD2)
    #: One C call that cuts every field out of the lines joined together: document code,
    #: issuer, name zone, number, its check digit, nationality, birth, its check digit, sex,
    #: expiry, its check digit, optional data, its check digit, optional data 2, composite
    #: check digit, then the composite's segments ("" for what the format lacks).
    split: Callable[[str], tuple[str, ...]] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        def cut(s: Slice | None) -> slice:
            if s is None:
                return slice(0, 0)  # absent in this format: always ""
            line, start, end = s
            return slice(line * self.line_length + start, line * self.line_length + end)

        def one(p: Pos | None) -> slice:
            return cut(None if p is None else (p[0], p[1], p[1] + 1))

        slices = [
            cut(self.doc_code),
            cut(self.issuer),
            cut(self.name_zone),
            cut(self.number),
            one(self.number_cd),
            cut(self.nationality),
            cut(self.birth),
            one(self.birth_cd),
            one(self.sex),
            cut(self.expiry),
            one(self.expiry_cd),
            cut(self.optional),
            one(self.optional_cd),
            cut(self.optional_2),
            one(self.composite_cd),
            *(cut(s) for s in self.composite),
        ]
        object.__setattr__(self, "split", itemgetter(*slices))


def _two_line(
    name: str,
    label: str,
    width: int,
    first_letters: str,
    optional: Slice,
    optional_cd: Pos | None,
    composite: tuple[Slice, ...],
    composite_cd: Pos | None,
    overflow: bool,
) -> Layout:
    # The two-line formats share line 1 and the first 28 characters of line 2.
    return Layout(
        name=name,
        label=label,
        line_count=2,
        line_length=width,
        first_letters=first_letters,
        doc_code=(0, 0, 2),
        issuer=(0, 2, 5),
        name_zone=(0, 5, width),
        number=(1, 0, 9),
        number_cd=(1, 9),
        nationality=(1, 10, 13),
        birth=(1, 13, 19),
        birth_cd=(1, 19),
        sex=(1, 20),
        expiry=(1, 21, 27),
        expiry_cd=(1, 27),
        optional=optional,
        optional_cd=optional_cd,
        optional_2=None,
        composite=composite,
        composite_cd=composite_cd,
        overflow=overflow,
    )


TD3 = _two_line(
    "TD3",
    "a passport (TD3, 2 lines of 44)",
    44,
    "P",
    optional=(1, 28, 42),
    optional_cd=(1, 42),
    composite=((1, 0, 10), (1, 13, 20), (1, 21, 43)),
    composite_cd=(1, 43),
    overflow=False,
)
MRVA = _two_line(
    "MRVA",
    "a visa (MRV-A, 2 lines of 44)",
    44,
    "V",
    optional=(1, 28, 44),
    optional_cd=None,
    composite=(),
    composite_cd=None,
    overflow=False,
)
TD2 = _two_line(
    "TD2",
    "a travel document (TD2, 2 lines of 36)",
    36,
    "ACI",
    optional=(1, 28, 35),
    optional_cd=None,
    composite=((1, 0, 10), (1, 13, 20), (1, 21, 35)),
    composite_cd=(1, 35),
    overflow=True,
)
MRVB = _two_line(
    "MRVB",
    "a visa (MRV-B, 2 lines of 36)",
    36,
    "V",
    optional=(1, 28, 36),
    optional_cd=None,
    composite=(),
    composite_cd=None,
    overflow=False,
)

TD1 = Layout(
    name="TD1",
    label="an identity card (TD1, 3 lines of 30)",
    line_count=3,
    line_length=30,
    first_letters="ACI",
    doc_code=(0, 0, 2),
    issuer=(0, 2, 5),
    number=(0, 5, 14),
    number_cd=(0, 14),
    optional=(0, 15, 30),
    optional_cd=None,
    birth=(1, 0, 6),
    birth_cd=(1, 6),
    sex=(1, 7),
    expiry=(1, 8, 14),
    expiry_cd=(1, 14),
    nationality=(1, 15, 18),
    optional_2=(1, 18, 29),
    composite=((0, 5, 30), (1, 0, 7), (1, 8, 15), (1, 18, 29)),
    composite_cd=(1, 29),
    name_zone=(2, 0, 30),
    overflow=True,
)

LAYOUTS: dict[str, Layout] = {lay.name: lay for lay in (TD1, TD2, TD3, MRVA, MRVB)}


def choose_layout(lengths: list[int], first_char: str) -> Layout | None:
    """Pick the format from the number of lines, their lengths and the document code.

    Three lines are a TD1. Two lines are 44 or 36 wide, whichever the lengths are nearer to
    (so a line that lost a filler is still read in its format and reported as short); a
    document code starting with 'V' makes them a visa. Anything else has no format.
    """
    if len(lengths) == 3:
        return TD1
    if len(lengths) != 2:
        return None
    wide = sum(lengths) / 2 >= 40
    if first_char == "V":
        return MRVA if wide else MRVB
    return TD3 if wide else TD2
