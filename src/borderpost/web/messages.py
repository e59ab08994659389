"""Server messages shown in the reader's language.

What the domain says (``borderpost.messages.Message``: a field problem, a refusal, a chart's
tooltip) stays English text in the API; a page translates it here, when it is rendered: the
template through the catalogue, then formatted with its parameters, each parameter translated
in turn when it is a ``Message`` itself. The Jinja environments call ``localise`` on every
value a template prints (``finalize``), so a template shows ``{{ problems.name }}`` and the
reader sees it in their language; a plain string is printed as it is.
"""

from __future__ import annotations

import re
from typing import Any

from babel.support import NullTranslations

from borderpost.messages import N_, Message
from borderpost.web.i18n import translations


def localise(value: Any, catalogue: NullTranslations) -> Any:
    """``value`` translated when it is a ``Message``; anything else unchanged."""
    if not isinstance(value, Message):
        return value
    template = catalogue.gettext(value.template)
    if not value.params:
        return template
    params = {k: localise(v, catalogue) for k, v in value.params.items()}
    try:
        return template.format(**params)
    except (KeyError, IndexError, ValueError):
        # A translation that lost or mistyped a placeholder: the English is better than nothing.
        return str(value)


def localised(value: Any, language: str) -> Any:
    """``localise`` in ``language``'s catalogue."""
    return localise(value, translations(language))


# Text stored in English before it is shown: the reasons recorded with a crossing and the
# explanation lines of a screening hit (the compiled matcher writes them; the pure core knows
# no catalogue). A page recognises each against these templates, most specific first, and
# shows it translated; a value it captures is translated in turn when it is itself an id or a
# text these templates recognise. Each template is the exact wording of the code that writes
# it (posts/model.py, screening/services.py, inspections/services.py, screening/matcher/).
STORED: tuple[str, ...] = (
    N_("post {post} closed: {reason} (ordered by {authority})"),
    N_("watchlist hit: {list}"),
    N_("inspection: {reason}"),
    # names (matcher/scoring.py)
    N_("{part} {query} matched {entry} ({how})"),
    N_("{part} {name} in the query has no counterpart ({cost})"),
    N_("{part} {name} in the entry has no counterpart ({cost})"),
    N_("{count} extra name part(s) without counterpart ({delta})"),
    N_("only one name part to compare ({delta})"),
    N_("patronymics differ ({delta})"),
    N_("name score {score}"),
    N_("{how}; similarity {score}"),
    N_("{script}, transliterated {latin}; {how}"),
    N_("same sound key {key} (spelling/transliteration variant)"),
    N_("same consonants {key} (Arabic script writes no short vowels)"),
    N_("only vowels differ ({a} / {b})"),
    N_("{count} edit ({a} / {b})"),
    N_("{count} edits ({a} / {b})"),
    # birth dates and nationalities
    N_("birth date: nothing to compare ({delta})"),
    N_("birth date {date} equal ({delta})"),
    N_("birth year {year} equal, {a} vs {b} ({delta})"),
    N_("birth date {a} vs {b}: day and month swapped ({delta})"),
    N_("birth year {year} equal but {a} vs {b} ({delta})"),
    N_("birth year {a} vs {b}, one year apart ({delta})"),
    N_("birth date {a} differs from {b} ({delta})"),
    N_("nationality: nothing to compare ({delta})"),
    N_("nationality {code} equal ({delta})"),
    N_("nationality {code} differs from {codes} ({delta})"),
    N_("total {score}"),
    # document numbers and plates (matcher/documents.py, matcher/plates.py)
    N_("document number {number} matched {entry} ({how})"),
    N_("equal after normalising fillers, spaces, dashes and O/0 ({key})"),
    N_("issuer {code} equal"),
    N_("issuer {a} differs from {b} (score {score}: numbers collide across issuers)"),
    N_("issuer not known on both sides (score {score})"),
    N_("plate {plate} matched {entry} ({how})"),
    N_("equal after normalising look-alikes and separators ({key})"),
)
# Single words of those lines, extracted so that a captured value translates.
STORED_WORDS = (
    N_("surname"),
    N_("given name"),
    N_("patronymic"),
    N_("name part"),
    N_("no penalty"),
    N_("counted as missing"),
    N_("exact"),
    N_("identical"),
    N_("same letters after transliteration"),
)


# A name part's label is one of four words; the name after it may have spaces of its own.
_SHAPES = {"part": "surname|given name|patronymic|name part"}


def _pattern(template: str) -> re.Pattern[str]:
    parts = re.split(r"\{(\w+)\}", template)
    regex = "".join(
        re.escape(part) if n % 2 == 0 else f"(?P<{part}>{_SHAPES.get(part, '.+?')})"
        for n, part in enumerate(parts)
    )
    return re.compile(f"^{regex}$", re.DOTALL)


# The captured values that are words of ours; the others (names, codes, scores, what an officer
# typed) are shown as they were written.
_WORDS = frozenset({"part", "cost", "how"})
_PATTERNS = tuple((template, _pattern(template)) for template in STORED)


def recognise(text: str, catalogue: NullTranslations, depth: int = 0) -> Message | str:
    """``text`` as the ``Message`` it was made from, if a stored template matches; else as is."""
    if isinstance(text, Message) or depth > 3:
        return text
    if catalogue.gettext(text) != text:
        return Message(text)
    for template, pattern in _PATTERNS:
        found = pattern.match(text)
        if found:
            params: dict[str, Any] = {
                name: recognise(value, catalogue, depth + 1) if name in _WORDS else value
                for name, value in found.groupdict().items()
            }
            return Message(template, **params)
    return text


def stored_text(text: Any, catalogue: NullTranslations) -> Any:
    """Stored English ``text`` in ``catalogue``'s language, where a template recognises it."""
    if not isinstance(text, str):
        return text
    return localise(recognise(text, catalogue), catalogue)
