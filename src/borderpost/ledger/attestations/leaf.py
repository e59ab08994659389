"""The attestation leaf: a party's signed statement, appended to the post's log as it was sent.

Fields (with the common ``type`` = ``attestation``, ``v``, ``post`` and ``zone`` of
``ledger.leaves``):

=============  ===========================================================================
``party``      the party's code, as registered at the post
``vkey``       the party's verifier key (C2SP signed-note vkey) the post checked it with
``statement``  the signed note, verbatim: the statement text (``statement``), a blank line,
               the party's signature line
=============  ===========================================================================

Anyone reading the log checks the signature with the ``vkey`` in the leaf, and that the key is
the party's by the post's register of parties (``/ledger/<POST>/parties``) or by the party.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from borderpost.ledger.attestations.statement import Statement, StatementError, parse
from borderpost.ledger.leaves import encode_leaf
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import open_note
from borderpost.ledger.tlog.vkeys import parse_vkey

ATTESTATION = "attestation"


@dataclass(frozen=True)
class Attestation:
    """A statement that verified with the key named beside it."""

    party: str
    vkey: str
    statement: Statement
    note: bytes


def open_statement(note: bytes, vkey: str) -> Statement:
    """The statement of a signed note that ``vkey`` signed; StatementError otherwise."""
    try:
        verifier = parse_vkey(vkey)
        opened = open_note(note, [verifier])
    except LedgerError as exc:
        raise StatementError(f"signature: {exc}") from exc
    return parse(opened.text)


def attestation_leaf(post: str, zone: str, party: str, vkey: str, note: bytes) -> bytes:
    """The leaf bytes of a statement already checked with ``vkey``."""
    fields = {
        "type": ATTESTATION,
        "post": post,
        "zone": zone,
        "party": party,
        "vkey": vkey,
        "statement": note.decode("utf-8"),
    }
    return encode_leaf(fields)


def read_attestation(fields: Mapping[str, Any]) -> Attestation:
    """The attestation of a parsed leaf, its signature checked; StatementError otherwise."""
    party, vkey, text = fields.get("party"), fields.get("vkey"), fields.get("statement")
    if not (isinstance(party, str) and isinstance(vkey, str) and isinstance(text, str)):
        raise StatementError("an attestation leaf names a party, a vkey and a statement")
    note = text.encode("utf-8")
    statement = open_statement(note, vkey)
    if statement.party != party:
        raise StatementError(f"the statement is by {statement.party!r}, the leaf says {party!r}")
    return Attestation(party, vkey, statement, note)
