"""C2SP tlog-proof: self-contained receipts that an entry is in the log, verifiable offline.

::

    c2sp.org/tlog-proof@v1
    [extra <base64 opaque data>]
    index <entry index>
    <base64 inclusion proof hash, leaf's sibling first>
    ...
    <empty line>
    <the checkpoint note verbatim, with log signature and any witness cosignatures>

A receipt checks against a fixed policy: the log's origin and keys, and optionally witness
keys with a quorum, so a verifier needs nothing from the network.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from borderpost.ledger.tlog.checkpoint import Checkpoint, parse_decimal, parse_hash_b64
from borderpost.ledger.tlog.errors import (
    LedgerError,
    MalformedNoteError,
    ProofError,
    VerificationError,
)
from borderpost.ledger.tlog.merkle import leaf_hash, verify_inclusion
from borderpost.ledger.tlog.note import NoteVerifier, b64decode_strict, b64encode, open_note

HEADER = "c2sp.org/tlog-proof@v1"
MAX_PROOF_HASHES = 63


@dataclass(frozen=True)
class TlogProof:
    """A parsed receipt."""

    index: int
    path: tuple[bytes, ...]
    checkpoint: bytes
    extra: bytes | None = None

    def encode(self) -> bytes:
        """Return the receipt in the tlog-proof text format."""
        lines = [HEADER]
        if self.extra is not None:
            lines.append(f"extra {b64encode(self.extra)}")
        lines.append(f"index {self.index}")
        lines.extend(b64encode(h) for h in self.path)
        return ("\n".join(lines) + "\n\n").encode("ascii") + self.checkpoint

    @classmethod
    def parse(cls, data: bytes) -> TlogProof:
        """Parse a receipt strictly (the checkpoint note itself is checked on verification)."""
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise MalformedNoteError("tlog-proof is not UTF-8") from exc
        lines = iter(text.split("\n"))
        consumed = 0

        def take() -> str:
            nonlocal consumed
            line = next(lines, None)
            if line is None:
                raise MalformedNoteError("tlog-proof ends too early")
            consumed += len(line) + 1
            return line

        if take() != HEADER:
            raise MalformedNoteError(f"tlog-proof must start with {HEADER}")
        line = take()
        extra = None
        if line.startswith("extra "):
            extra = b64decode_strict(line[6:])
            line = take()
        if not line.startswith("index "):
            raise MalformedNoteError("tlog-proof has no index line")
        index = parse_decimal(line[6:], "tlog-proof index")
        path: list[bytes] = []
        while (line := take()) != "":
            if len(path) == MAX_PROOF_HASHES:
                raise MalformedNoteError("tlog-proof has too many proof hashes")
            path.append(parse_hash_b64(line, "tlog-proof hash"))
        checkpoint = text[consumed:].encode("utf-8")
        if not checkpoint:
            raise MalformedNoteError("tlog-proof has no checkpoint")
        return cls(index, tuple(path), checkpoint, extra)


def create_proof(
    index: int, path: Sequence[bytes], checkpoint_note: bytes, extra: bytes | None = None
) -> bytes:
    """Return a receipt for entry ``index`` with its inclusion ``path`` in the checkpoint."""
    return TlogProof(index, tuple(path), checkpoint_note, extra).encode()


@dataclass(frozen=True)
class VerifiedReceipt:
    """What a receipt proved: the entry index, the checkpoint, and who cosigned it."""

    index: int
    checkpoint: Checkpoint
    cosigners: tuple[str, ...]
    extra: bytes | None


def verify_proof(
    data: bytes,
    *,
    origin: str,
    log_keys: Sequence[NoteVerifier],
    entry: bytes | None = None,
    leaf: bytes | None = None,
    witness_keys: Sequence[NoteVerifier] = (),
    quorum: int = 0,
) -> VerifiedReceipt:
    """Verify a receipt offline for ``entry`` (or its RFC 6962 ``leaf`` hash).

    Requires a valid signature by one of ``log_keys`` on a checkpoint of ``origin``, at least
    ``quorum`` distinct valid cosignatures from ``witness_keys``, and an inclusion proof from
    the entry to the checkpoint's root. Raises VerificationError otherwise.
    """
    if (entry is None) == (leaf is None):
        raise ValueError("give exactly one of entry or leaf")
    target = leaf_hash(entry) if entry is not None else leaf
    assert target is not None
    try:
        receipt = TlogProof.parse(data)
        note = open_note(receipt.checkpoint, [*log_keys, *witness_keys])
        checkpoint = Checkpoint.parse(note.text)
    except LedgerError as exc:
        raise VerificationError(f"receipt rejected: {exc}") from exc
    log_ids = {(k.name, k.key_id) for k in log_keys}
    witness_ids = {(k.name, k.key_id) for k in witness_keys} - log_ids
    signed = {(s.name, s.key_id) for s in note.verified}
    if not signed & log_ids:
        raise VerificationError("receipt checkpoint carries no valid log signature")
    if checkpoint.origin != origin:
        raise VerificationError(f"receipt is for log {checkpoint.origin!r}, not {origin!r}")
    cosigned = sorted(name for name, kid in signed & witness_ids)
    if len(cosigned) < quorum:
        raise VerificationError(f"receipt has {len(cosigned)} witness cosignatures, needs {quorum}")
    try:
        verify_inclusion(receipt.index, checkpoint.size, target, receipt.path, checkpoint.root)
    except ProofError as exc:
        raise VerificationError(f"receipt inclusion proof fails: {exc}") from exc
    return VerifiedReceipt(receipt.index, checkpoint, tuple(cosigned), receipt.extra)
