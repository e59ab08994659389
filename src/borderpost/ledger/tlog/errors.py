"""Errors raised by the ledger core (RFC 6962, C2SP notes, proofs, verification).

Every error says what was wrong in words an operator can act on; the web layer maps them to
HTTP statuses (the witness state machine returns its statuses itself, as tlog-witness says).
"""

from __future__ import annotations


class LedgerError(Exception):
    """Base class of every ledger error."""


class ProofError(LedgerError):
    """A Merkle inclusion or consistency proof does not verify, or cannot be made."""


class MalformedNoteError(LedgerError):
    """A signed note, key string or checkpoint body does not follow its specification."""


class UnknownKeyError(LedgerError):
    """No trusted key has the name and key ID of a signature."""


class AmbiguousKeyError(LedgerError):
    """Two trusted keys share one name and key ID, so a signature cannot be attributed."""


class InvalidSignatureError(LedgerError):
    """A signature by a trusted key does not verify: the whole note is rejected."""

    def __init__(self, name: str, key_id: int) -> None:
        super().__init__(f"invalid signature for key {name}+{key_id:08x}")
        self.name = name
        self.key_id = key_id


class UnverifiedNoteError(LedgerError):
    """The note parsed, but no signature by a trusted key is on it."""

    def __init__(self, message: str, note: object | None = None) -> None:
        super().__init__(message)
        # The parsed, unverified note (a borderpost.ledger.tlog.note.Note), for diagnostics.
        self.note = note


class VerificationError(LedgerError):
    """A served log (checkpoint, tiles, entry bundles) failed client-side verification."""
