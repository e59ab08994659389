"""The figures with their attestations, from the leaves of a log alone (no post, no account).

For every figure ``(kind, organisation type)`` of the summary (e.g. international-force
vehicles): how many of its leaves no party has attested yet (**not yet attested**), and for
every party of that organisation type that attested in the log, how many of the figure's leaves
it **confirmed** and **disputed**, and how many movements of the period (days local to the
post) it says are **missing**. Leaves carry the organisation's type, not its name: where two
organisations of one type cross, each party's counts are of its own leaves (those it was given)
and "not yet attested" is the rest.

Each attestation leaf's signature is checked with the vkey it carries (which the post checked
against its register of parties when it accepted it). Where statements of one party disagree
about a leaf, the later one in the log holds. A figure's leaves are those the summary counts:
crossings of the period not replaced by a correction.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from borderpost.ledger.attestations.leaf import ATTESTATION, read_attestation
from borderpost.ledger.attestations.statement import Missing, StatementError
from borderpost.ledger.leaves import counted_crossings, parse_minute
from borderpost.ledger.tlog.errors import VerificationError

Figure = tuple[str, str]  # (kind, organisation type)


@dataclass
class PartyTally:
    """One party's view of the figures of its organisation type, in the logs read so far."""

    organisation_type: str
    state: dict[tuple[str, int], str] = field(default_factory=dict)  # (log, index) -> verdict
    missing: set[tuple[str, Missing]] = field(default_factory=set)


@dataclass
class Tally:
    """What the leaves of the logs say, figure by figure and party by party."""

    figures: dict[Figure, set[tuple[str, int]]] = field(default_factory=lambda: defaultdict(set))
    parties: dict[str, PartyTally] = field(default_factory=dict)
    statements: int = 0

    def add_log(
        self, origin: str, parsed: Sequence[Mapping[str, Any]], first: dt.date, last: dt.date
    ) -> None:
        """Read one verified log's leaves, parsed (``leaves.parse_leaf``), in log order."""
        for index, f in counted_crossings(parsed, first, last):
            if f["organisation_type"] is not None:
                self.figures[(f["kind"], f["organisation_type"])].add((origin, index))
        zone = next((f["zone"] for f in parsed if "zone" in f), "UTC")
        for index, f in enumerate(parsed):
            if f["type"] != ATTESTATION:
                continue
            try:
                attestation = read_attestation(f)
            except StatementError as exc:
                raise VerificationError(
                    f"entry {index}: attestation does not verify: {exc}"
                ) from exc
            s = attestation.statement
            if s.log != origin:
                raise VerificationError(f"entry {index}: a statement about another log, {s.log}")
            self.statements += 1
            tally = self.parties.setdefault(attestation.party, PartyTally(s.organisation_type))
            for i in s.confirmed:
                tally.state[(origin, i)] = "confirmed"
            for i in s.disputed:
                tally.state[(origin, i)] = "disputed"
            for m in s.missing:
                day = parse_minute(m.time).astimezone(ZoneInfo(zone)).date()
                if first <= day <= last:
                    tally.missing.add((origin, m))

    def figures_json(self) -> list[dict[str, Any]]:
        """One entry per figure: its total, how many no party attested, and per party of its
        organisation type, confirmed, disputed and missing."""
        out = []
        for kind, org_type in sorted(self.figures):
            leaves = self.figures[(kind, org_type)]
            attested: set[tuple[str, int]] = set()
            parties = []
            for code in sorted(self.parties):
                tally = self.parties[code]
                if tally.organisation_type != org_type:
                    continue
                mine = {key: tally.state[key] for key in leaves if key in tally.state}
                attested.update(mine)
                verdicts = list(mine.values())
                parties.append(
                    {
                        "party": code,
                        "confirmed": verdicts.count("confirmed"),
                        "disputed": verdicts.count("disputed"),
                        "missing": sum(1 for _, m in tally.missing if m.kind == kind),
                    }
                )
            out.append(
                {
                    "kind": kind,
                    "organisation_type": org_type,
                    "total": len(leaves),
                    "not_attested": len(leaves) - len(attested),
                    "parties": parties,
                }
            )
        return out


def sentence(figure: dict[str, Any]) -> str:
    """``850 international_force vehicles: 846 confirmed by IFOR, 0 disputed, 0 missing;
    4 not yet attested``."""
    kinds = {"vehicle": "vehicles", "person": "persons"}
    kind = kinds.get(figure["kind"], figure["kind"])
    head = f"{figure['total']} {figure['organisation_type']} {kind}"
    parts = [
        f"{p['confirmed']} confirmed by {p['party']}, {p['disputed']} disputed, "
        f"{p['missing']} missing"
        for p in figure["parties"]
    ]
    return f"{head}: " + "; ".join([*parts, f"{figure['not_attested']} not yet attested"])
