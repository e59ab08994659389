"""Messages an officer reads, kept translatable from where they are made to where they are shown.

A ``Message`` is the English text (a ``str``: the API, the logs and the tests read it as
before) that also remembers its message id, the template, and the parameters, so a page can
show it in the reader's language: ``borderpost.web.messages`` translates the template and
formats it with the parameters, which are never translated themselves unless they are
``Message`` too. ``Message("no post with code {code!r}", code=code)`` is extracted into the
catalogues by ``pybabel extract`` (the keyword ``Message``, see ``web/catalogues.py``).

``N_`` marks a template defined in a table (``{type: N_("...")}``) without translating it.

Pure: no Babel, no framework; any module may use it, the pure cores included.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    """Mark ``text`` as a message id for extraction; it stays as it is."""
    return text


class Message(str):
    """English text formatted from ``template`` and ``params``, which it keeps for translating."""

    template: str
    params: Mapping[str, Any]

    def __new__(cls, template: str, /, **params: Any) -> Message:
        text = template.format(**params) if params else template
        made = super().__new__(cls, text)
        made.template = template
        made.params = params
        return made

    @classmethod
    def of(cls, text: str) -> Message:
        """``text`` as a message (itself when it already is one): its own id, no parameters."""
        return text if isinstance(text, Message) else cls(text)

    def __reduce__(self) -> tuple[Any, ...]:
        return (_rebuild, (self.template, dict(self.params)))


def _rebuild(template: str, params: dict[str, Any]) -> Message:
    return Message(template, **params)


def joined(separator: str, parts: list[str]) -> Message:
    """``separator.join(parts)`` that still translates each part that is a ``Message``."""
    template = (
        separator.replace("{", "{{")
        .replace("}", "}}")
        .join(f"{{part{n}}}" for n in range(len(parts)))
    )
    params = {"part" + str(n): part for n, part in enumerate(parts)}
    return Message(template, **params)
