"""The rule set in force at a post, from files in the node's home.

``$BORDERPOST_HOME/rules/network.toml`` replaces the shipped default for the whole network;
``$BORDERPOST_HOME/rules/<POST CODE>.toml`` overrides it for one post. A file with a mistake
is reported and the post keeps the rule set it had.
"""

from __future__ import annotations

import logging
import tomllib
from pathlib import Path

from borderpost.cargo.rules.limits import TooDeep, load_toml, too_long
from borderpost.cargo.rules.loading import load_default_ruleset, load_ruleset, parse_ruleset
from borderpost.cargo.rules.ruleset import RuleSet, RuleSetError

log = logging.getLogger(__name__)

# (home, post) -> (file modification times, rule set): reloaded when a file changes.
_IN_FORCE: dict[tuple[Path, str | None], tuple[tuple[float, ...], RuleSet]] = {}


def _stamp(paths: list[Path]) -> tuple[float, ...]:
    return tuple(p.stat().st_mtime if p.is_file() else -1.0 for p in paths)


def ruleset_for(home: Path, post_code: str | None) -> RuleSet:
    """The rule set in force at ``post_code`` (the network's when None)."""
    network = home / "rules" / "network.toml"
    post = home / "rules" / f"{post_code}.toml" if post_code else None
    paths = [network] + ([post] if post else [])
    stamp = _stamp(paths)
    key = (home.resolve(), post_code)
    known = _IN_FORCE.get(key)
    if known is not None and known[0] == stamp:
        return known[1]
    try:
        base = load_ruleset(network) if network.is_file() else load_default_ruleset()
        ruleset = load_ruleset(post, base=base) if post is not None and post.is_file() else base
    except RuleSetError as exc:
        if known is None:
            raise
        # Keep what was in force; the operator sees the error in the log and in `rules check`.
        log.error("rule set for %s not reloaded, keeping version in force: %s", post_code, exc)
        return known[1]
    _IN_FORCE[key] = (stamp, ruleset)
    return ruleset


def check_ruleset_text(home: Path | None, text: str, source: str) -> RuleSet:
    """Validate rule set TOML as it would load: a post's file over the network's set in force.

    Raises RuleSetError listing every mistake with its line, rule and field.
    """
    network = ruleset_for(home, None) if home is not None else load_default_ruleset()
    try:
        head = load_toml(text).get("ruleset", {}) if too_long(text) is None else {}
    except (tomllib.TOMLDecodeError, TooDeep):
        head = {}  # parse_ruleset reports the mistake (with its line for a syntax error)
    is_post_file = isinstance(head, dict) and "post" in head
    return parse_ruleset(text, source=source, base=network if is_post_file else None)
