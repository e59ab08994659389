"""Receipts: a C2SP tlog-proof that a crossing's leaf is in its post's published log.

The receipt's ``extra`` line carries the leaf itself (its public facts and the salted
commitment, no personal data), so the receipt alone is enough to check offline what was
recorded and that it is in the log: ``borderpost ledger check-receipt FILE --vkey KEY``.
Against the *published* checkpoint only, so its cosignatures (if the post has witnesses)
come with it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from sqlalchemy import Table, select

from borderpost.db import UnitOfWork
from borderpost.errors import Conflict, NotFound
from borderpost.ledger import leaves
from borderpost.ledger.checkpoint import Checkpoint
from borderpost.ledger.errors import LedgerError, VerificationError
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.note import NoteVerifier, parse_note
from borderpost.ledger.proof import TlogProof, create_proof, verify_proof
from borderpost.ledger.services import open_log
from borderpost.posts.model import Post

_LEAVES = cast(Table, LedgerLeaf.__table__)


def crossing_receipt(uow: UnitOfWork, home: Path, crossing_id: uuid.UUID) -> bytes:
    """The tlog-proof receipt of a crossing's leaf against the latest published checkpoint.

    NotFound if there is no such crossing leaf; Conflict while the leaf is not yet covered by
    a published checkpoint (pending append, or waiting for the witnesses' quorum).
    """
    row = uow.session.execute(
        select(_LEAVES.c.log_index, Post.code)
        .join(Post, Post.id == _LEAVES.c.post_id)
        .where(
            _LEAVES.c.record_id == crossing_id,
            _LEAVES.c.record_type == leaves.CROSSING,
        )
        .order_by(_LEAVES.c.id)
        .limit(1)
    ).first()
    if row is None:
        raise NotFound("crossing_id", f"no ledger entry for crossing {crossing_id}")
    index, code = row
    if index is None:
        raise Conflict("the crossing is not in the log yet: it is appended within seconds")
    try:
        held = open_log(home, code, create=False)
    except LedgerError as exc:
        raise Conflict(f"the log of post {code} cannot be opened: {exc}") from exc
    if held is None:
        raise Conflict(f"post {code} has no log on this node")
    tlog = held.log
    note = tlog.published_checkpoint_note
    size = Checkpoint.parse(parse_note(note)[0]).size if note is not None else 0
    if note is None or index >= size:
        raise Conflict(
            "the crossing is in the log but not yet in a published checkpoint "
            "(waiting for the next checkpoint or for the witnesses' cosignatures)"
        )
    return create_proof(index, tlog.inclusion_proof(index, size), note, extra=tlog.entry(index))


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
