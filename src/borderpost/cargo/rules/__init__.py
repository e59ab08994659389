"""Cargo rule engine: declared consignments checked against the rule set in force at a post.

Pure modules, no framework and no database: ``hs`` (the HS 2022 nomenclature),
``declaration`` and ``jsonread`` (declared consignments and their JSON), ``ruleset``,
``rulefile`` and ``tomllines`` (rule sets and their TOML), ``matching`` and ``selectivity``
(evaluation into a green, yellow or red lane colour with reasons), ``enums``, ``text`` and
``iso`` (vocabulary, word folding, ISO codes). What is stored and served lives one level up,
in ``borderpost.cargo``.
"""

from borderpost.cargo.rules.declaration import (
    DeclarationError,
    DeclarationProblem,
    DeclaredConsignment,
    DeclaredGoodsItem,
    Party,
    Permit,
    SendingOrganisation,
    parse_consignment,
)
from borderpost.cargo.rules.enums import (
    Category,
    Direction,
    Effect,
    LaneColour,
    OrganisationType,
    Outcome,
)
from borderpost.cargo.rules.loading import load_default_ruleset, load_ruleset, parse_ruleset
from borderpost.cargo.rules.ruleset import Rule, RuleProblem, RuleSet, RuleSetError
from borderpost.cargo.rules.selectivity import (
    Assessment,
    ItemAssessment,
    RandomSelection,
    Reason,
    RuleHit,
    RuleSetNotInForce,
    evaluate,
)

__all__ = [
    "Assessment",
    "Category",
    "DeclarationError",
    "DeclarationProblem",
    "DeclaredConsignment",
    "DeclaredGoodsItem",
    "Direction",
    "Effect",
    "ItemAssessment",
    "LaneColour",
    "OrganisationType",
    "Outcome",
    "Party",
    "Permit",
    "RandomSelection",
    "Reason",
    "Rule",
    "RuleHit",
    "RuleProblem",
    "RuleSet",
    "RuleSetError",
    "RuleSetNotInForce",
    "SendingOrganisation",
    "evaluate",
    "load_default_ruleset",
    "load_ruleset",
    "parse_consignment",
    "parse_ruleset",
]
