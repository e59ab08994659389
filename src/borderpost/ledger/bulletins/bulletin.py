"""Statistics bulletins: the figures of a post and period, bound to a checkpoint, signed.

A bulletin says "these figures are what leaves 0..N of this log give": its text names the
log (origin), the size N and the root hash of the checkpoint it was computed from, then the
period (local days in the post's zone), the minutes the post was open and closed, and the
crossings counted as the summary report counts them (corrections applied). Anyone holding
the log recomputes it from the leaves and compares the text byte for byte. Format::

    borderpost-bulletin/v1
    log borderpost/AST-W
    size 1234
    root <base64 root hash>
    post AST-W
    zone Asia/Baku
    from 2026-03-10
    to 2026-03-10
    minutes open 1290
    minutes closed 150
    persons total 812
    persons by_category civilian 790
    ...
    attested vehicle international_force total 850 not_attested 4
    attested vehicle international_force party IFOR confirmed 846 disputed 0 missing 0
    ...

The ``attested`` lines (only when the leaves hold attestations) give each figure of an
organisation type with how many of its leaves no party attested yet, and per party its
confirmed, disputed and missing counts (``ledger.attestations.figures``).

It is signed as a signed note by the post's log key. One key for the log and its bulletins
means one key to pin and to rotate; a bulletin cannot pass for a checkpoint, because a
checkpoint's first line is the origin, the key's name, and a bulletin's never is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from zoneinfo import ZoneInfo

from borderpost.cases.figures import case_figures
from borderpost.ledger.attestations.figures import Tally
from borderpost.ledger.caseleaf import facts_from_leaves
from borderpost.ledger.leaves import CLOSURE, counts_from_facts, parse_leaf, parse_minute
from borderpost.ledger.tlog.errors import LedgerError, VerificationError
from borderpost.ledger.tlog.merkle import MemoryTree
from borderpost.ledger.tlog.note import (
    NoteSigner,
    NoteVerifier,
    b64decode_strict,
    b64encode,
    open_note,
    sign_note,
)
from borderpost.reports.summary import build_summary

HEADER = "borderpost-bulletin/v1"
BLOCKS = ("persons", "vehicles")
GROUPS = ("by_category", "by_direction", "by_decision", "by_organisation_type")
# The case figures a bulletin states, per kind (lines only for a period with cases, so a
# bulletin of a log without case leaves reads as before).
CASE_FIGURES = ("received", "decided", "overdue", "median_days", "p90_days")


@dataclass(frozen=True)
class Bulletin:
    """The figures of one post and period, and the checkpoint they were computed from."""

    origin: str
    size: int
    root: bytes
    post: str
    zone: str
    first: dt.date
    last: dt.date
    minutes_open: int
    minutes_closed: int
    summary: dict[str, Any]
    # {kind: {figure: value}}, the figures of CASE_FIGURES that are not None
    cases: dict[str, dict[str, int]] = field(default_factory=dict)

    def text(self) -> str:
        """The bulletin's note text (what is signed)."""
        lines = [
            HEADER,
            f"log {self.origin}",
            f"size {self.size}",
            f"root {b64encode(self.root)}",
            f"post {self.post}",
            f"zone {self.zone}",
            f"from {self.first.isoformat()}",
            f"to {self.last.isoformat()}",
            f"minutes open {self.minutes_open}",
            f"minutes closed {self.minutes_closed}",
        ]
        for block in BLOCKS:
            lines.append(f"{block} total {self.summary[block]['total']}")
            for group in GROUPS:
                for key, count in sorted(self.summary[block][group].items()):
                    lines.append(f"{block} {group} {key} {count}")
        for kind, figures in sorted(self.cases.items()):
            for name in CASE_FIGURES:
                if name in figures:
                    lines.append(f"cases {kind} {name} {figures[name]}")
        for figure in self.summary.get("attestations", ()):
            head = f"attested {figure['kind']} {figure['organisation_type']}"
            lines.append(f"{head} total {figure['total']} not_attested {figure['not_attested']}")
            lines += [
                f"{head} party {p['party']} confirmed {p['confirmed']} disputed {p['disputed']} "
                f"missing {p['missing']}"
                for p in figure["parties"]
            ]
        return "\n".join(lines) + "\n"

    def to_json(self) -> dict[str, Any]:
        """The bulletin as JSON (the signed text stays the reference)."""
        return {
            "format": HEADER,
            "log": self.origin,
            "size": self.size,
            "root": b64encode(self.root),
            "post": self.post,
            "zone": self.zone,
            "from": self.first.isoformat(),
            "to": self.last.isoformat(),
            "hours_open": round(self.minutes_open / 60, 2),
            "hours_closed": round(self.minutes_closed / 60, 2),
            "persons": self.summary["persons"],
            "vehicles": self.summary["vehicles"],
            "cases": self.cases,
            "attestations": self.summary.get("attestations", []),
        }


def period_bounds(zone: str, first: dt.date, last: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The period's start and end (exclusive) in UTC: local midnights of ``first`` and after
    ``last``."""
    tz = ZoneInfo(zone)
    start = dt.datetime.combine(first, dt.time(), tz)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), tz)
    return start.astimezone(dt.UTC), end.astimezone(dt.UTC)


def closed_minutes(
    parsed: Sequence[dict[str, Any]], post: str, start: dt.datetime, end: dt.datetime
) -> int:
    """Minutes of [start, end) covered by the post's closures (corrections applied)."""
    replaced = {f["corrects"] for f in parsed if "corrects" in f}
    spans = []
    for index, f in enumerate(parsed):
        if f["type"] != CLOSURE or f["post"] != post or index in replaced:
            continue
        lo = max(parse_minute(f["starts_at"]), start)
        hi = min(parse_minute(f["ends_at"]) if f["ends_at"] else end, end)
        if lo < hi:
            spans.append((lo, hi))
    total, reach = dt.timedelta(), start
    for lo, hi in sorted(spans):  # the union: overlapping closures count once
        if hi > reach:
            total += hi - max(lo, reach)
            reach = hi
    return int(total.total_seconds() // 60)


def compute(
    leaves: Sequence[bytes], origin: str, post: str, zone: str, first: dt.date, last: dt.date
) -> Bulletin:
    """The bulletin of ``post`` for ``first``..``last`` from all ``leaves`` of a checkpoint."""
    if last < first:
        raise LedgerError(f"the period ends ({last}) before it starts ({first})")
    start, end = period_bounds(zone, first, last)
    parsed = [parse_leaf(leaf) for leaf in leaves]
    closed = closed_minutes(parsed, post, start, end)
    total = int((end - start).total_seconds() // 60)
    summary = build_summary(counts_from_facts(parsed, first, last), first, last, [post])
    tally = Tally()
    tally.add_log(origin, parsed, first, last)
    if tally.statements:  # a log without attestations keeps the bulletin it always had
        summary["attestations"] = tally.figures_json()
    root = MemoryTree(leaves).root()
    facts = [f for f in facts_from_leaves(leaves) if f.post == post]
    rows = case_figures(facts, first, last)["rows"]
    cases = {row["kind"]: {k: row[k] for k in CASE_FIGURES if row[k] is not None} for row in rows}
    return Bulletin(
        origin, len(leaves), root, post, zone, first, last, total - closed, closed, summary, cases
    )


def sign(bulletin: Bulletin, signer: NoteSigner) -> bytes:
    """The bulletin as a signed note."""
    return sign_note(bulletin.text(), [signer])


def read_header(text: str) -> dict[str, str]:
    """The binding and period lines of a bulletin text (``log``, ``size``, ``root``, ...)."""
    lines = text.split("\n")
    if not lines or lines[0] != HEADER:
        raise VerificationError(f"not a bulletin: it does not start with {HEADER}")
    header: dict[str, str] = {}
    for line in lines[1:8]:
        key, _, value = line.partition(" ")
        header[key] = value
    missing = {"log", "size", "root", "post", "zone", "from", "to"} - header.keys()
    if missing:
        raise VerificationError(f"bulletin lacks {', '.join(sorted(missing))}")
    return header


def parse_text(text: str) -> Bulletin:
    """Read a bulletin text back (for its JSON form); ``check`` is what verifies it."""
    header = read_header(text)
    summary: dict[str, Any] = {"from": header["from"], "to": header["to"], "posts": []}
    minutes: dict[str, int] = {}
    cases: dict[str, dict[str, int]] = {}
    try:
        summary["posts"] = [header["post"]]
        for line in text.split("\n")[8:]:
            words = line.split(" ")
            if words[0] == "minutes" and len(words) == 3:
                minutes[words[1]] = int(words[2])
            elif words[0] in BLOCKS and len(words) == 3:
                summary.setdefault(words[0], {})["total"] = int(words[2])
            elif words[0] in BLOCKS and len(words) == 4:
                block = summary.setdefault(words[0], {})
                block.setdefault(words[1], {})[words[2]] = int(words[3])
            elif words[0] == "cases" and len(words) == 4:
                cases.setdefault(words[1], {})[words[2]] = int(words[3])
            elif words[0] == "attested" and len(words) == 7:
                summary.setdefault("attestations", []).append(
                    {"kind": words[1], "organisation_type": words[2], "total": int(words[4]),
                     "not_attested": int(words[6]), "parties": []}
                )  # fmt: skip
            elif words[0] == "attested" and len(words) == 11:
                summary["attestations"][-1]["parties"].append(
                    {"party": words[4], "confirmed": int(words[6]), "disputed": int(words[8]),
                     "missing": int(words[10])}
                )  # fmt: skip
        return Bulletin(
            header["log"],
            int(header["size"]),
            b64decode_strict(header["root"]),
            header["post"],
            header["zone"],
            dt.date.fromisoformat(header["from"]),
            dt.date.fromisoformat(header["to"]),
            minutes["open"],
            minutes["closed"],
            summary,
            cases,
        )
    except (KeyError, ValueError, LedgerError) as exc:
        raise VerificationError(f"bulletin unreadable: {exc}") from exc


def check(note: bytes, log_keys: Sequence[NoteVerifier], leaves: Sequence[bytes]) -> Bulletin:
    """Verify a signed bulletin against the log's leaves (at least its first ``size``).

    Checks the signature, that the first ``size`` leaves have the bulletin's root (the
    binding), and that recomputing the figures from them gives the same text.
    """
    try:
        text = open_note(note, log_keys).text
    except LedgerError as exc:
        raise VerificationError(f"bulletin signature rejected: {exc}") from exc
    header = read_header(text)
    if header["log"] not in {k.name for k in log_keys}:
        raise VerificationError(f"the bulletin is for log {header['log']!r}")
    try:
        size = int(header["size"])
        first, last = dt.date.fromisoformat(header["from"]), dt.date.fromisoformat(header["to"])
    except ValueError as exc:
        raise VerificationError(f"bulletin header unreadable: {exc}") from exc
    if not 0 <= size <= len(leaves):
        raise VerificationError(f"the bulletin counts {size} entries; the log has {len(leaves)}")
    recomputed = compute(leaves[:size], header["log"], header["post"], header["zone"], first, last)
    if b64encode(recomputed.root) != header["root"]:
        raise VerificationError(f"the log's root at size {size} is not the bulletin's root")
    if recomputed.text() != text:
        raise VerificationError("the figures recomputed from the entries differ from the bulletin")
    return recomputed
