"""Words shown from data (categories, decisions, roles...), listed so Babel extracts them.

Templates translate them with ``_(value)``; ``N_`` only marks them for ``pybabel extract``.
"""

from __future__ import annotations

from borderpost.messages import N_

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
    N_("party"),
    # flags
    N_("document_expired"),
    N_("post_closed"),
    N_("closure_exempt"),
    N_("cargo_prohibited"),
    N_("watchlist_hit"),
    # refusal classes of the access report
    N_("closed_post"),
    N_("documents"),
    N_("screening_or_other"),
    # watchlists and hits
    N_("persons"),
    N_("vehicles"),
    N_("mixed"),
    N_("document"),
    N_("crossing"),
    N_("rescreen"),
    N_("open"),
    N_("closed"),
    N_("true_match"),
    N_("false_match"),
    # transit states, as the corridor pages show them (underscores as spaces)
    N_("in transit"),
    N_("overdue"),
    N_("completed"),
    N_("completed late"),
    N_("returned"),
    N_("exit without entry"),
    # cargo: rule effects, lane colours, outcomes
    N_("prohibit"),
    N_("require_permit"),
    N_("inspect"),
    N_("allow"),
    N_("green"),
    N_("yellow"),
    N_("red"),
    N_("release"),
    N_("prohibited"),
    # inspections: findings, seizures, outcomes
    N_("as_declared"),
    N_("different_quantity"),
    N_("undeclared"),
    N_("held"),
    N_("released"),
    N_("confiscated"),
    N_("admitted_after_seizure"),
)
