"""The Doc 9303 check digit (Part 3, section 4.9): weights 7, 3, 1 repeated, sum modulo 10.

Character values: '0'-'9' are 0-9, 'A'-'Z' are 10-35, the filler '<' is 0. The table is built
once at import; the hot path translates the data to values and sums three strided slices,
so every loop runs in C.
"""

from __future__ import annotations

import string

#: The characters an MRZ may contain.
MRZ_CHARS = string.ascii_uppercase + string.digits + "<"

#: Value of each MRZ character in the check digit computation.
VALUES: dict[str, int] = {"<": 0}
VALUES.update({d: int(d) for d in string.digits})
VALUES.update({c: 10 + i for i, c in enumerate(string.ascii_uppercase)})

# bytes.translate table: every byte to its value, 255 for bytes that are not MRZ characters.
_BYTE_VALUES = bytes(VALUES.get(chr(i), 255) for i in range(256))


def compute(data: str) -> int | None:
    """Return the check digit of ``data``, or None if it holds a non-MRZ character."""
    try:
        values = data.encode("ascii").translate(_BYTE_VALUES)
    except UnicodeEncodeError:
        return None
    if 255 in values:
        return None
    return (7 * sum(values[0::3]) + 3 * sum(values[1::3]) + sum(values[2::3])) % 10


def _chunk_table() -> dict[str, int]:
    # Weighted sums of every 1-, 2- and 3-character string: a field of up to 9 characters
    # (document numbers, dates) is then checked with at most three look-ups. 52,059 entries
    # (about 5 MB), built once at import.
    items = [(c, VALUES[c]) for c in MRZ_CHARS]
    table: dict[str, int] = {}
    for a, va in items:
        table[a] = 7 * va
        for b, vb in items:
            ab, sum2 = a + b, 7 * va + 3 * vb
            table[ab] = sum2
            for c, vc in items:
                table[ab + c] = sum2 + vc
    return table


#: Weighted sum (weights 7, 3, 1 from the first character) of every string of 1 to 3 MRZ
#: characters; a missing key means a character that is not an MRZ character.
CHUNKS: dict[str, int] = _chunk_table()

#: A check digit character -> its value (a missing key: not a digit).
DIGIT_VALUE: dict[str, int] = {str(d): d for d in range(10)}


def check_digit(data: str) -> int:
    """Return the 7-3-1 check digit of ``data`` (A-Z, 0-9 and '<' only).

    >>> check_digit("L898902C3")
    6

    Raises ValueError naming the first character that is not an MRZ character: this is the
    only function of the package that raises on bad input, because it is a calculator, not
    a checker.
    """
    result = compute(data)
    if result is None:
        bad = next(c for c in data if c not in VALUES)
        raise ValueError(f"{bad!r} is not an MRZ character (A-Z, 0-9 or '<')")
    return result
