"""Server messages shown in the reader's language.

What the domain says (``borderpost.messages.Message``: a field problem, a refusal, a chart's
tooltip) stays English text in the API; a page translates it here, when it is rendered: the
template through the catalogue, then formatted with its parameters, each parameter translated
in turn when it is a ``Message`` itself. The Jinja environments call ``localise`` on every
value a template prints (``finalize``), so a template shows ``{{ problems.name }}`` and the
reader sees it in their language; a plain string is printed as it is.
"""

from __future__ import annotations

from typing import Any

from babel.support import NullTranslations

from borderpost.messages import Message
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
