"""What a party runs on its own machine: ``borderpost attest``. No database, no post code.

It fetches the party's receipts from the post, verifies each one itself (the checkpoint's log
signature, the witnesses' cosignatures, the inclusion proof, the opening against the leaf's
commitment), compares the leaves with the party's logbook, signs one statement with the
party's own key and sends it to the post. The keys it trusts are the ones it is given.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import httpx
import orjson

from borderpost.ledger.attestations.logbook import (
    Comparison,
    Leaf,
    Movement,
    compare,
    parse_opening,
)
from borderpost.ledger.attestations.statement import Statement
from borderpost.ledger.leaves import CROSSING, LeafError, parse_leaf
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.cosignature import count_cosigners
from borderpost.ledger.tlog.errors import LedgerError, ProofError, VerificationError
from borderpost.ledger.tlog.merkle import leaf_hash, verify_inclusion
from borderpost.ledger.tlog.note import NoteSigner, NoteVerifier, open_note, sign_note
from borderpost.ledger.tlog.proof import TlogProof


@dataclass(frozen=True)
class Target:
    """Where a post's log and its party routes are, from the log's URL."""

    base: str  # scheme://host[:port]
    post: str

    @classmethod
    def of(cls, url: str) -> Target:
        parts = urlsplit(url)
        path = parts.path.strip("/").split("/")
        if len(path) < 2 or path[-2] != "ledger" or not parts.scheme or not parts.netloc:
            raise VerificationError(f"{url}: give the log's URL, http(s)://host/ledger/POST/")
        prefix = "/".join(path[:-2])
        base = f"{parts.scheme}://{parts.netloc}" + (f"/{prefix}" if prefix else "")
        return cls(base, path[-1])

    @property
    def log_url(self) -> str:
        return f"{self.base}/ledger/{self.post}/"


@dataclass(frozen=True)
class Checked:
    """Receipts verified against one checkpoint, and the leaves with their openings."""

    checkpoint: Checkpoint
    cosigners: int
    leaves: tuple[Leaf, ...]
    zone: str
    party: str
    organisation_type: str
    pending: int


def fetch_receipts(
    client: httpx.Client, target: Target, token: str, first: dt.date, last: dt.date
) -> dict[str, Any]:
    response = client.get(
        f"{target.base}/api/v1/parties/receipts",
        params={"post": target.post, "from": first.isoformat(), "to": last.isoformat()},
        headers={"Authorization": f"Bearer {token}"},
    )
    if response.status_code != 200:
        raise VerificationError(f"receipts: HTTP {response.status_code}: {response.text[:300]}")
    body: dict[str, Any] = orjson.loads(response.content)
    return body


def check_receipts(
    body: dict[str, Any],
    log_keys: Sequence[NoteVerifier],
    witness_keys: Sequence[NoteVerifier] = (),
    quorum: int = 0,
) -> Checked:
    """Verify every receipt of ``body`` (the post's answer) and every opening.

    One checkpoint for all: its log signature and ``quorum`` cosignatures are checked once, and
    every receipt must carry that same checkpoint. A receipt that fails is an error (the post
    gave a proof that does not hold); an opening that fails is a dispute (``opening``).
    """
    note = str(body["checkpoint"]).encode("utf-8")
    origin = f"borderpost/{body['post']}"
    try:
        opened = open_note(note, [*log_keys, *witness_keys])
        checkpoint = Checkpoint.parse(opened.text)
    except LedgerError as exc:
        raise VerificationError(f"checkpoint rejected: {exc}") from exc
    log_ids = {(k.name, k.key_id) for k in log_keys}
    if not {(s.name, s.key_id) for s in opened.verified} & log_ids:
        raise VerificationError("the checkpoint carries no valid signature of the log's key")
    if checkpoint.origin != origin:
        raise VerificationError(f"the checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    cosigners = count_cosigners(note, witness_keys) if witness_keys else 0
    if cosigners < quorum:
        raise VerificationError(f"the checkpoint has {cosigners} cosignatures, {quorum} needed")
    out: list[Leaf] = []
    zone = str(body.get("zone") or "UTC")
    for item in body["receipts"]:
        try:
            proof = TlogProof.parse(str(item["receipt"]).encode("utf-8"))
            if proof.checkpoint != note or proof.extra is None:
                raise VerificationError(f"receipt {item['index']}: another checkpoint, or no leaf")
            verify_inclusion(
                proof.index, checkpoint.size, leaf_hash(proof.extra), proof.path, checkpoint.root
            )
            facts = parse_leaf(proof.extra)
        except (LedgerError, LeafError, ProofError) as exc:
            raise VerificationError(f"receipt {item.get('index')}: {exc}") from exc
        if facts["type"] != CROSSING or facts["post"] != body["post"]:
            raise VerificationError(f"receipt {proof.index}: not a crossing of this post")
        zone = facts["zone"]
        out.append(Leaf(proof.index, facts, _opened(item, facts), item.get("convoy")))
    return Checked(
        checkpoint,
        cosigners,
        tuple(out),
        zone,
        str(body["party"]),
        str(body["organisation_type"]),
        int(body.get("pending", 0)),
    )


def _opened(item: dict[str, Any], facts: dict[str, Any]) -> dict[str, Any] | None:
    salt, opening = item.get("salt"), item.get("opening")
    if not isinstance(salt, str) or not isinstance(opening, str):
        return None
    try:
        digest = hashlib.sha256(bytes.fromhex(salt) + opening.encode("utf-8")).hexdigest()
        return parse_opening(opening) if digest == facts.get("commitment") else None
    except ValueError:
        return None


def statement_of(
    checked: Checked, comparison: Comparison, first: dt.date, last: dt.date
) -> Statement:
    cp = checked.checkpoint
    return Statement(
        cp.origin,
        cp.size,
        cp.root,
        checked.party,
        checked.organisation_type,
        first,
        last,
        frozenset(comparison.confirmed),
        dict(comparison.disputed),
        tuple(sorted(set(comparison.missing))),
    )


def attest_once(
    client: httpx.Client,
    target: Target,
    token: str,
    signer: NoteSigner,
    log_keys: Sequence[NoteVerifier],
    first: dt.date,
    last: dt.date,
    logbook: Sequence[Movement] | None = None,
    witness_keys: Sequence[NoteVerifier] = (),
    quorum: int = 0,
) -> tuple[Checked, Statement, bytes]:
    """Fetch, verify, compare and sign: the checked receipts, the statement, the signed note."""
    body = fetch_receipts(client, target, token, first, last)
    checked = check_receipts(body, log_keys, witness_keys, quorum)
    comparison = compare(checked.leaves, logbook, (first, last), checked.zone)
    statement = statement_of(checked, comparison, first, last)
    return checked, statement, sign_note(statement.encode(), [signer])


def send(client: httpx.Client, target: Target, token: str, note: bytes) -> dict[str, Any]:
    """Send a signed statement to the post; its answer (202) or VerificationError."""
    response = client.post(
        f"{target.base}/ledger/{target.post}/attestations",
        content=note,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/plain"},
    )
    if response.status_code != 202:
        raise VerificationError(
            f"the post refused it: HTTP {response.status_code}: {response.text[:300]}"
        )
    answer: dict[str, Any] = response.json()
    return answer


def summary(checked: Checked, statement: Statement) -> dict[str, Any]:
    return {
        "log": statement.log,
        "checkpoint": statement.size,
        "cosignatures": checked.cosigners,
        "receipts": len(checked.leaves),
        "pending": checked.pending,
        "confirmed": len(statement.confirmed),
        "disputed": {str(i): r for i, r in sorted(statement.disputed.items())},
        "missing": [m.line().removeprefix("missing ") for m in statement.missing],
    }


def dumps(value: Any) -> str:
    return json.dumps(value, indent=2, sort_keys=True)


def only_new(
    statement: Statement, done: set[int], reported: set[str], missing_before: dt.datetime
) -> Statement | None:
    """For ``--follow``: the part of ``statement`` not stated before, or None if nothing is.

    A movement is called missing only once it is older than ``missing_before``: the time a
    crossing takes to reach a checkpoint.
    """
    from dataclasses import replace

    from borderpost.ledger.leaves import parse_minute

    missing = tuple(
        m
        for m in statement.missing
        if m.line() not in reported and parse_minute(m.time) < missing_before
    )
    confirmed = frozenset(statement.confirmed - done)
    disputed = {i: r for i, r in statement.disputed.items() if i not in done}
    if not (confirmed or disputed or missing):
        return None
    return replace(statement, confirmed=confirmed, disputed=disputed, missing=missing)


def stated_before(client: httpx.Client, target: Target, party: str) -> tuple[set[int], set[str]]:
    """What ``party``'s statements already in the log state: leaf indexes, missing lines.

    Read from the public log's attestations (``/ledger/<POST>/attestations/``), so ``--follow``
    started again does not state a leaf twice.
    """
    from borderpost.ledger.attestations.statement import parse
    from borderpost.ledger.tlog.note import parse_note

    listing = client.get(target.log_url + "attestations/")
    if listing.status_code != 200:
        raise VerificationError(f"attestations: HTTP {listing.status_code}")
    indexes: set[int] = set()
    missing: set[str] = set()
    for line in listing.text.splitlines():
        index, code = line.split(" ")[:2]
        if code != party:
            continue
        note = client.get(target.log_url + f"attestations/{index}")
        statement = parse(parse_note(note.content)[0])
        indexes.update(statement.confirmed, statement.disputed)
        missing.update(m.line() for m in statement.missing)
    return indexes, missing
