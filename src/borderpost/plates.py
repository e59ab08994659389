"""The one rule for comparing vehicle registration plates, used by vehicles and screening alike.

A plate is written as the officer typed it or as a list publishes it, in Latin or Cyrillic
letters, with spaces, dashes or dots. ``normalise_plate`` gives the key both compare by: upper
case; the Cyrillic letters that look like Latin ones on plates (А В Е К М Н О Р С Т У Х, and
І Ј Ѕ) become those Latin letters; separators are removed. So one truck is one vehicle
whatever script its plate was typed in, and screening sees the same key the vehicle is kept by.

Pure: no framework, no database. Changing the rule changes every stored ``vehicles.plate_key``:
it needs a data migration that recomputes them (and merges the vehicles that become one), as
``migrations/versions/0110`` did when the Cyrillic look-alikes were first folded here.
"""

from __future__ import annotations

__all__ = ["LOOKALIKES", "normalise_plate"]

# Cyrillic letters drawn like a Latin letter on a plate, and that Latin letter.
LOOKALIKES = {
    "А": "A",
    "В": "B",
    "Е": "E",
    "К": "K",
    "М": "M",
    "Н": "H",
    "О": "O",
    "Р": "P",
    "С": "C",
    "Т": "T",
    "У": "Y",
    "Х": "X",
    "І": "I",
    "Ј": "J",
    "Ѕ": "S",
}
_TABLE = str.maketrans({**LOOKALIKES, **{k.lower(): v for k, v in LOOKALIKES.items()}})


def normalise_plate(plate: str) -> str:
    """The key a plate is compared by: 'а 123 вс-77' and 'A123BC77' both give 'A123BC77'."""
    # Folded again after upper-casing: a few lower-case Cyrillic variants (ᲀ ᲂ ᲃ ᲄ) are
    # not in the table but upper-case to a look-alike that is.
    up = plate.translate(_TABLE).upper().translate(_TABLE)
    return "".join(c for c in up if c.isalnum())
