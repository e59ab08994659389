"""Receipts: a C2SP tlog-proof that a crossing's leaf is in its post's published log.

The receipt's ``extra`` line carries the leaf itself (its public facts and the salted
commitment, no personal data), so the receipt alone is enough to check offline what was
recorded and that it is in the log: ``borderpost ledger check-receipt FILE --vkey KEY``
(``ledger.client.receipts``). Against the *published* checkpoint only, so its cosignatures
(if the post has witnesses) come with it.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import cast

from sqlalchemy import Table, select

from borderpost.errors import Conflict, NotFound
from borderpost.ledger import leaves
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.services import read_log
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import parse_note
from borderpost.ledger.tlog.proof import create_proof
from borderpost.messages import Message
from borderpost.posts.model import Post
from borderpost.unit_of_work import UnitOfWork

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
        raise NotFound(
            "crossing_id",
            Message("no ledger entry for crossing {crossing_id}", crossing_id=crossing_id),
        )
    index, code = row
    if index is None:
        raise Conflict(
            "crossing_id", "the crossing is not in the log yet: it is appended within seconds"
        )
    try:
        tlog = read_log(home, code)
    except LedgerError as exc:
        raise Conflict(
            "post",
            Message("the log of post {code} cannot be opened: {exc}", code=code, exc=exc),
        ) from exc
    if tlog is None:
        raise Conflict("post", Message("post {code} has no log on this node", code=code))
    note = tlog.published_checkpoint_note
    size = Checkpoint.parse(parse_note(note)[0]).size if note is not None else 0
    if note is None or index >= size:
        raise Conflict(
            "crossing_id",
            "the crossing is in the log but not yet in a published checkpoint "
            "(waiting for the next checkpoint or for the witnesses' cosignatures)",
        )
    return create_proof(index, tlog.inclusion_proof(index, size), note, extra=tlog.entry(index))
