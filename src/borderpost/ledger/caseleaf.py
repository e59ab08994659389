"""The case leaf: the public facts of a case, so an observer recounts the case figures.

A ``bp-leaf/2`` leaf (``ledger.leaves``) of ``type`` ``case``:

==================  ====================================================================
``post``, ``zone``  the post's code and IANA time zone
``kind``            the case's kind (appeal, complaint, inquiry, passage_request,
                    missing_person, contested_seizure)
``received``        the day it was received, in the post's time zone (``YYYY-MM-DD``)
``due``             the day its decision is due
``decided``         the day it was decided, or null while open
``outcome``         the decision's class (granted, partly_granted, rejected, answered,
                    withdrawn), or null
``commitment``      SHA-256(salt || the case's id and reference)
``corrects``        on every later leaf of the same case (decided, reopened): the log index
                    of the leaf it replaces
==================  ====================================================================

Days, not minutes, and no name, contact, document, reason or legal basis: the leaf says that
a case of this kind was received here and when it was decided, never who or why.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from borderpost.cases.figures import CaseFacts
from borderpost.ledger.leaves import CASE, encode_leaf, parse_leaf


def case_leaf(
    *,
    post: str,
    zone: str,
    kind: str,
    received: dt.date,
    due: dt.date,
    decided: dt.date | None,
    outcome: str | None,
    commitment_hex: str,
) -> bytes:
    """The leaf of a case as it stands (a correction's ``corrects`` is set when appended)."""
    return encode_leaf(
        {
            "type": CASE,
            "post": post,
            "zone": zone,
            "kind": kind,
            "received": received.isoformat(),
            "due": due.isoformat(),
            "decided": decided.isoformat() if decided is not None else None,
            "outcome": outcome,
            "commitment": commitment_hex,
        }
    )


def facts_from_leaves(leaves: Sequence[bytes]) -> list[CaseFacts]:
    """The public facts of each case in ``leaves``, as its latest leaf states them."""
    parsed = [parse_leaf(leaf) for leaf in leaves]
    replaced = {f["corrects"] for f in parsed if "corrects" in f}
    facts = []
    for index, f in enumerate(parsed):
        if f["type"] != CASE or index in replaced:
            continue
        decided = f["decided"]
        facts.append(
            CaseFacts(
                post=f["post"],
                kind=f["kind"],
                received=dt.date.fromisoformat(f["received"]),
                due=dt.date.fromisoformat(f["due"]),
                decided=dt.date.fromisoformat(decided) if decided is not None else None,
                outcome=f["outcome"],
            )
        )
    return facts
