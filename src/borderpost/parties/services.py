"""Use cases on parties: registering one, finding the account's party, its receipts.

A party's receipts are those of its organisation's crossings only: the organisation comes from
the party the signed-in account belongs to, never from the request, so no id, index or code a
party sends reaches another organisation's leaf, salt or opening.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import Table, select

from borderpost import clock
from borderpost.accounts.model import Role, User
from borderpost.errors import Conflict, FieldProblem, InvalidInput, NotFound
from borderpost.ledger import leaves
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.services import open_log, origin_for
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import Ed25519Verifier, parse_note
from borderpost.ledger.tlog.proof import create_proof
from borderpost.ledger.tlog.vkeys import parse_vkey
from borderpost.messages import Message
from borderpost.organisations.services import get_organisation
from borderpost.parties.model import Party
from borderpost.posts.model import Post
from borderpost.unit_of_work import UnitOfWork

_LEAVES = cast(Table, LedgerLeaf.__table__)
# One answer at most: a longer period is asked in parts.
MAX_RECEIPTS = 20_000


def check_vkey(vkey: str) -> str:
    """An Ed25519 signed-note verifier key, or InvalidInput on ``vkey``."""
    try:
        verifier = parse_vkey(vkey.strip())
    except LedgerError as exc:
        raise InvalidInput([FieldProblem("vkey", str(exc))]) from exc
    if not isinstance(verifier, Ed25519Verifier):
        raise InvalidInput([FieldProblem("vkey", "a party signs with an Ed25519 key (type 0x01)")])
    return vkey.strip()


def add_party(
    uow: UnitOfWork, code: str, organisation: str, vkey: str, account: str | None = None
) -> Party:
    """Register a party: its code, its organisation, its verifier key and its account."""
    if uow.session.scalars(select(Party).where(Party.code == code)).first() is not None:
        raise Conflict("code", Message("a party with code {code!r} exists", code=code))
    org = get_organisation(uow, organisation)
    key = check_vkey(vkey)
    if account is not None:
        user = uow.session.scalars(select(User).where(User.name == account)).one_or_none()
        if user is None:
            raise NotFound("account", Message("no user {name!r}", name=account))
        if user.role != Role.PARTY:
            raise Conflict("account", "a party's account has the party role")
    party = Party(
        code=code, organisation_id=org.id, vkey=key, account=account, created_at=clock.now()
    )
    uow.session.add(party)
    uow.session.flush()
    return party


def list_parties(uow: UnitOfWork) -> list[Party]:
    return list(uow.session.scalars(select(Party).order_by(Party.code)))


def party_of(uow: UnitOfWork, account: str) -> Party:
    """The party a signed-in account belongs to; NotFound if none."""
    party = uow.session.scalars(select(Party).where(Party.account == account)).one_or_none()
    if party is None:
        raise NotFound("account", Message("no party has the account {name!r}", name=account))
    return party


def held_log(home: Path, code: str) -> Any:
    """The post's open log, or Conflict naming the post."""
    try:
        held = open_log(home, code, create=False)
    except LedgerError as exc:
        reason = Message("the log of post {code} cannot be opened", code=code)
        raise Conflict("post", reason) from exc
    if held is None:
        raise Conflict("post", Message("post {code} has no log on this node", code=code))
    return held


def _published(home: Path, code: str) -> tuple[Any, bytes, int]:
    held = held_log(home, code)
    note = held.log.published_checkpoint_note
    if note is None:
        raise Conflict("post", Message("post {code} has no published checkpoint yet", code=code))
    return held, note, Checkpoint.parse(parse_note(note)[0]).size


def party_receipts(
    uow: UnitOfWork, home: Path, party: Party, post_code: str, first: dt.date, last: dt.date
) -> dict[str, Any]:
    """The receipts of the party's organisation's crossings at a post, days local to the post.

    Each: the tlog-proof receipt (its ``extra`` is the leaf) against the published checkpoint,
    the salt and the committed personal fields (the opening), and the convoy's reference (the
    post's word: it is not in the commitment). Leaves not yet in a published checkpoint are
    counted in ``pending``.
    """
    from borderpost.crossings.model import Convoy, Crossing

    post = uow.session.scalars(select(Post).where(Post.code == post_code)).one_or_none()
    if post is None:
        raise NotFound("post", Message("no post with code {code!r}", code=post_code))
    if last < first:
        raise InvalidInput([FieldProblem("to", "the last day is before the first")])
    zone = ZoneInfo(post.timezone)
    start = dt.datetime.combine(first, dt.time(), zone)
    end = dt.datetime.combine(last + dt.timedelta(days=1), dt.time(), zone)
    rows = uow.session.execute(
        select(_LEAVES.c.log_index, _LEAVES.c.salt, _LEAVES.c.opening, Convoy.reference)
        .join(Crossing, Crossing.id == _LEAVES.c.record_id)
        .outerjoin(Convoy, Convoy.id == Crossing.convoy_id)
        .where(
            _LEAVES.c.record_type == leaves.CROSSING,
            _LEAVES.c.post_id == post.id,
            Crossing.post_id == post.id,
            Crossing.organisation_id == party.organisation_id,
            Crossing.time >= start,
            Crossing.time < end,
        )
        .order_by(_LEAVES.c.log_index)
        .limit(MAX_RECEIPTS + 1)
    ).all()
    if len(rows) > MAX_RECEIPTS:
        raise InvalidInput(
            [FieldProblem("to", Message("over {n} receipts: ask a shorter period", n=MAX_RECEIPTS))]
        )
    held, note, size = _published(home, post_code)
    receipts: list[dict[str, Any]] = []
    pending = 0
    with held.lock:
        tlog = held.log
        for index, salt, opening, convoy in rows:
            if index is None or index >= size:
                pending += 1
                continue
            proof = create_proof(index, tlog.inclusion_proof(index, size), note, tlog.entry(index))
            receipts.append(
                {
                    "index": index,
                    "receipt": proof.decode("utf-8"),
                    "salt": bytes(salt).hex(),
                    "opening": bytes(opening).decode("utf-8") if opening is not None else None,
                    "convoy": convoy,
                }
            )
    return {
        "post": post_code,
        "log": origin_for(post_code),
        "party": party.code,
        "organisation_type": party.organisation.type,
        "zone": post.timezone,
        "from": first.isoformat(),
        "to": last.isoformat(),
        "checkpoint": note.decode("utf-8"),
        "receipts": receipts,
        "pending": pending,
    }
