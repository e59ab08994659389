"""UI languages from Babel catalogs.

The ``.po`` files under ``borderpost/translations`` are the source, committed; they are
compiled in memory when the process first needs them, so there is no build step and no
``.mo`` file to forget (``pybabel compile`` would produce the same catalogs).
"""

from __future__ import annotations

import functools
import io
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

LANGUAGES: dict[str, str] = {
    "en": "English",
    "az": "Azərbaycanca",
    "hy": "Հայերեն",
    "ru": "Русский",
}
DEFAULT_LANGUAGE = "en"


@functools.cache
def translations(language: str) -> NullTranslations:
    """The catalog for ``language``; the source strings when there is none.

    English has a small catalog of its own: the words that come from data (``post_closed``).
    """
    if language not in LANGUAGES:
        return NullTranslations()
    path = resources.files("borderpost") / "translations" / language / "LC_MESSAGES"
    source = path / "messages.po"
    if not source.is_file():
        return NullTranslations()
    with source.open("rb") as handle:
        catalog = read_po(handle, locale=language)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer)


def pick_language(wanted: str | None, accept_language: str = "") -> str:
    """The user's language if we have it, else the browser's first one we have, else English."""
    if wanted in LANGUAGES:
        return str(wanted)
    for part in accept_language.split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return DEFAULT_LANGUAGE
