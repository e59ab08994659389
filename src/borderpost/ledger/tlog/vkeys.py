"""Verifier keys (C2SP signed-note ``vkey`` strings) of every signature type the log uses.

Apart from ``note`` because a cosigner's key (type 0x04) is verified by ``cosignature``, which
builds on ``note``.
"""

from __future__ import annotations

from borderpost.ledger.tlog.cosignature import CosignatureVerifier
from borderpost.ledger.tlog.errors import MalformedNoteError
from borderpost.ledger.tlog.note import (
    ALG_COSIGNATURE_V1,
    ALG_ED25519,
    Ed25519Verifier,
    NoteVerifier,
    _split_key_string,
    key_id,
)


def parse_vkey(vkey: str) -> NoteVerifier:
    """Return the verifier for a vkey: Ed25519 (0x01) or an Ed25519 cosigner (0x04)."""
    name, kid, alg, key = _split_key_string(vkey, "verifier key")
    if kid != key_id(name, alg, key):
        raise MalformedNoteError(f"verifier key {name}: key ID does not match the key")
    if alg == ALG_ED25519:
        return Ed25519Verifier(name, key)
    if alg == ALG_COSIGNATURE_V1:
        return CosignatureVerifier(name, key)
    raise MalformedNoteError(f"verifier key {name}: unknown signature type 0x{alg:02x}")
