"""Checking a receipt offline: a C2SP tlog-proof whose ``extra`` line is the leaf it proves.

What ``borderpost ledger check-receipt`` runs; it needs the log's key (and the witnesses'),
nothing from the network nor from the post. The post makes receipts in ``ledger.receipts``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from borderpost.ledger import leaves
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError, VerificationError
from borderpost.ledger.tlog.note import NoteVerifier
from borderpost.ledger.tlog.proof import TlogProof, verify_proof


@dataclass(frozen=True)
class CheckedReceipt:
    """A receipt that verified: where the leaf is, in which checkpoint, and what it says."""

    index: int
    checkpoint: Checkpoint
    cosigners: tuple[str, ...]
    facts: dict[str, Any]


def check_receipt(
    data: bytes,
    log_keys: Sequence[NoteVerifier],
    witness_keys: Sequence[NoteVerifier] = (),
    quorum: int = 0,
) -> CheckedReceipt:
    """Verify a receipt offline: signatures, quorum, and the inclusion of its ``extra`` leaf.

    The origin is the log key's name (the posts name their keys by origin).
    """
    if not log_keys:
        raise VerificationError("no log key given")
    try:
        leaf = TlogProof.parse(data).extra
    except LedgerError as exc:
        raise VerificationError(f"receipt rejected: {exc}") from exc
    if leaf is None:
        raise VerificationError("the receipt carries no entry (extra line)")
    verified = verify_proof(
        data,
        origin=log_keys[0].name,
        log_keys=log_keys,
        entry=leaf,
        witness_keys=witness_keys,
        quorum=quorum,
    )
    try:
        facts = leaves.parse_leaf(leaf)
    except leaves.LeafError as exc:
        raise VerificationError(f"the receipt's entry is not a leaf: {exc}") from exc
    return CheckedReceipt(verified.index, verified.checkpoint, verified.cosigners, facts)
