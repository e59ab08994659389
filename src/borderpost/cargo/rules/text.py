"""Text folding and word splitting shared by HS search and rule keywords.

Both sides of every comparison go through :func:`fold`, so a keyword written with or without
accents, in upper or lower case, matches the same descriptions. Words are runs of Unicode
letters and digits, which works for Latin, Cyrillic, Armenian, Georgian and Arabic script.
"""

from __future__ import annotations

import re
import unicodedata

_WORD = re.compile(r"\w+")
# The Turkish and Azerbaijani dotless i folds to nothing else in Unicode; writers mix it with "i".
_EXTRA = str.maketrans({"ı": "i"})


def fold(text: str) -> str:
    """Lower-case ``text`` and strip accents and other combining marks."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold().translate(_EXTRA)


def words(text: str) -> list[str]:
    """Split ``text`` into folded words (letters and digits; underscores split too)."""
    return _WORD.findall(fold(text).replace("_", " "))


def identifier(text: str) -> str:
    """Fold free text into a snake_case key: ``"Export licence"`` -> ``"export_licence"``."""
    return "_".join(words(text))
