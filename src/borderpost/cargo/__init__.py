"""Cargo rule engine: declared consignments checked against the rule set in force at a post.

Pure modules, no framework: ``hs`` (the HS 2022 nomenclature), ``declaration`` (consignments
and their JSON), ``rules`` and ``rulefile`` (rule sets and their TOML), ``matching`` and
``selectivity`` (evaluation into green, yellow or red lanes with reasons).
"""

from borderpost.cargo.declaration import (
    Consignment,
    DeclarationError,
    DeclarationProblem,
    GoodsItem,
    Party,
    Permit,
    SendingOrganisation,
    parse_consignment,
)
from borderpost.cargo.enums import (
    Category,
    Direction,
    Effect,
    LaneColour,
    OrganisationType,
    Outcome,
)
from borderpost.cargo.rules import (
    Rule,
    RuleProblem,
    RuleSet,
    RuleSetError,
    load_default_ruleset,
    load_ruleset,
    parse_ruleset,
)
from borderpost.cargo.selectivity import (
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
    "Consignment",
    "DeclarationError",
    "DeclarationProblem",
    "Direction",
    "Effect",
    "GoodsItem",
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
