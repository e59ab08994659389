"""Words shown from data (categories, decisions, roles...), listed so Babel extracts them.

Templates translate them with ``_(value)``; ``N_`` only marks them for ``pybabel extract``.
"""

from __future__ import annotations


def N_(text: str) -> str:  # noqa: N802 - the gettext convention for "mark, do not translate"
    return text


LABELS = (
    # categories
    N_("civilian"),
    N_("commercial"),
    N_("humanitarian"),
    N_("medical_evacuation"),
    N_("international_force"),
    N_("official"),
    # decisions, directions, kinds
    N_("admitted"),
    N_("referred"),
    N_("refused"),
    N_("in"),
    N_("out"),
    N_("person"),
    N_("vehicle"),
    # vehicle types
    N_("car"),
    N_("truck"),
    N_("bus"),
    N_("ambulance"),
    N_("other"),
    # organisation types and report breakdowns
    N_("carrier"),
    N_("government"),
    N_("none"),
    N_("category"),
    N_("direction"),
    N_("decision"),
    N_("organisation_type"),
    # roles
    N_("officer"),
    N_("inspector"),
    N_("supervisor"),
    N_("analyst"),
    N_("observer"),
    N_("admin"),
    # flags
    N_("document_expired"),
    N_("post_closed"),
)
