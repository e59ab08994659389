"""C2SP tlog-cosignature: timestamped Ed25519 cosignatures (cosignature/v1, type 0x04).

A cosignature is a note signature on a checkpoint whose key ID is
``SHA-256(name || "\\n" || 0x04 || Ed25519 public key)[:4]`` and whose signature bytes are a
``timestamped_signature``: a big-endian u64 POSIX timestamp followed by the 64-byte Ed25519
signature over::

    cosignature/v1
    time <timestamp>
    <the whole checkpoint note text>
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from borderpost.ledger.tlog.errors import LedgerError, MalformedNoteError
from borderpost.ledger.tlog.note import (
    ALG_COSIGNATURE_V1,
    Ed25519Signer,
    NoteVerifier,
    encode_vkey,
    is_valid_key_name,
    key_id,
    open_note,
    parse_skey,
)

MAX_TIMESTAMP = 2**63 - 1
TIMESTAMPED_SIGNATURE_SIZE = 8 + 64


def cosigned_message(text: bytes, timestamp: int) -> bytes:
    """Return the message an Ed25519 cosigner signs for note text ``text`` at ``timestamp``."""
    if not 0 <= timestamp <= MAX_TIMESTAMP:
        raise ValueError(f"cosignature timestamp {timestamp} out of range")
    return b"cosignature/v1\ntime " + str(timestamp).encode("ascii") + b"\n" + text


def cosignature_timestamp(signature: bytes) -> int:
    """Return the timestamp of a timestamped_signature (the bytes after the key ID)."""
    if len(signature) != TIMESTAMPED_SIGNATURE_SIZE:
        raise MalformedNoteError(f"cosignature is {len(signature)} bytes, not 72")
    return int.from_bytes(signature[:8], "big")


class CosignatureVerifier:
    """Verifies cosignature/v1 signatures of one cosigner (witness)."""

    def __init__(
        self,
        name: str,
        public_key: bytes,
        *,
        max_future_skew: float | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        if not is_valid_key_name(name):
            raise MalformedNoteError(f"invalid cosigner name {name!r}")
        if len(public_key) != 32:
            raise MalformedNoteError(f"Ed25519 public key is {len(public_key)} bytes, not 32")
        self._name = name
        self._public_key = public_key
        self._key = Ed25519PublicKey.from_public_bytes(public_key)
        self._key_id = key_id(name, ALG_COSIGNATURE_V1, public_key)
        # The spec lets verifiers refuse timestamps in the future; None accepts any.
        self._max_future_skew = max_future_skew
        self._clock = clock

    @property
    def name(self) -> str:
        """The cosigner name."""
        return self._name

    @property
    def key_id(self) -> int:
        """The 32-bit key ID (type 0x04)."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._public_key

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Report whether ``signature`` is a valid timestamped cosignature over ``text``."""
        if len(signature) != TIMESTAMPED_SIGNATURE_SIZE:
            return False
        timestamp = int.from_bytes(signature[:8], "big")
        if timestamp > MAX_TIMESTAMP:
            return False
        if self._max_future_skew is not None and timestamp > self._clock() + self._max_future_skew:
            return False
        try:
            self._key.verify(signature[8:], cosigned_message(text, timestamp))
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        """Return the vkey ``name+keyid+base64(0x04 || key)``."""
        return encode_vkey(self._name, ALG_COSIGNATURE_V1, self._public_key)


class CosignatureSigner:
    """Makes cosignature/v1 signatures: what a witness adds to a checkpoint it verified."""

    def __init__(
        self, name: str, private_key: Ed25519PrivateKey, clock: Callable[[], float] = time.time
    ) -> None:
        if not is_valid_key_name(name):
            raise MalformedNoteError(f"invalid cosigner name {name!r}")
        self._name = name
        self._private_key = private_key
        self._public_key = private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        self._key_id = key_id(name, ALG_COSIGNATURE_V1, self._public_key)
        self._clock = clock

    @classmethod
    def generate(cls, name: str, clock: Callable[[], float] = time.time) -> CosignatureSigner:
        """Return a cosigner with a fresh random key."""
        return cls(name, Ed25519PrivateKey.generate(), clock)

    @classmethod
    def from_skey(cls, skey: str, clock: Callable[[], float] = time.time) -> CosignatureSigner:
        """Return a cosigner for a ``PRIVATE+KEY+...`` Ed25519 key string (its seed and name)."""
        signer = parse_skey(skey)
        return cls(signer.name, Ed25519PrivateKey.from_private_bytes(signer.seed()), clock)

    @property
    def name(self) -> str:
        """The cosigner name."""
        return self._name

    @property
    def key_id(self) -> int:
        """The 32-bit key ID (type 0x04)."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._public_key

    def sign_at(self, text: bytes, timestamp: int) -> bytes:
        """Return the timestamped_signature over ``text`` for the given POSIX time."""
        sig = self._private_key.sign(cosigned_message(text, timestamp))
        return timestamp.to_bytes(8, "big") + sig

    def sign(self, text: bytes) -> bytes:
        """Return the timestamped_signature over ``text`` at the current time."""
        return self.sign_at(text, int(self._clock()))

    def verifier(self) -> CosignatureVerifier:
        """Return the matching verifier."""
        return CosignatureVerifier(self._name, self._public_key)

    def vkey(self) -> str:
        """Return the vkey ``name+keyid+base64(0x04 || key)``."""
        return encode_vkey(self._name, ALG_COSIGNATURE_V1, self._public_key)

    def skey(self) -> str:
        """Return the secret key string (Go note format, type 0x01 carrying the seed)."""
        seed = self._private_key.private_bytes_raw()
        return Ed25519Signer.from_seed(self._name, seed).skey()


def count_cosigners(note: bytes, witness_keys: Sequence[NoteVerifier]) -> int:
    """How many distinct witnesses (by name) have a valid cosignature on ``note``."""
    try:
        opened = open_note(note, witness_keys)
    except LedgerError:
        return 0
    return len({s.name for s in opened.verified})
