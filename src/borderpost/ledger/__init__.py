"""The tamper-evident ledger core: RFC 6962 trees served as C2SP transparency logs.

Pure modules with no framework imports: ``merkle`` (hashing and proofs), ``note`` (signed
notes and keys), ``checkpoint``, ``cosignature``, ``tiles`` (paths and tile maths), ``store``
and ``log`` (the durable tile log of a post), ``witness``, ``proof`` (receipts), ``verify``
(client-side checks of a served log) and ``keys`` (key files and rotation).
"""

from __future__ import annotations

from borderpost.ledger.checkpoint import Checkpoint
from borderpost.ledger.cosignature import CosignatureSigner, CosignatureVerifier
from borderpost.ledger.log import TileLog
from borderpost.ledger.note import Ed25519Signer, Ed25519Verifier, open_note, sign_note
from borderpost.ledger.proof import create_proof, verify_proof
from borderpost.ledger.verify import verify_log
from borderpost.ledger.witness import Witness, add_checkpoint

__all__ = [
    "Checkpoint",
    "CosignatureSigner",
    "CosignatureVerifier",
    "Ed25519Signer",
    "Ed25519Verifier",
    "TileLog",
    "Witness",
    "add_checkpoint",
    "create_proof",
    "open_note",
    "sign_note",
    "verify_log",
    "verify_proof",
]
