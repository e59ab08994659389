"""C2SP signed-note: signing and opening notes, Ed25519 keys, key IDs and key strings.

A signed note is a text ending in a newline, a blank line, and one or more lines
``— <key name> base64(key ID || signature)``. Key IDs follow the spec's recommendation,
``SHA-256(key name || 0x0A || signature type || public key)[:4]`` read big-endian. Verifier keys
(vkeys) are ``<name>+<hex key ID>+base64(type || public key)`` and signer keys are
``PRIVATE+KEY+<name>+<hex key ID>+base64(type || Ed25519 seed)``, as golang.org/x/mod/sumdb/note
writes them, so keys move freely between this code and the Go tooling.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Protocol

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from borderpost.ledger.tlog.errors import (
    AmbiguousKeyError,
    InvalidSignatureError,
    MalformedNoteError,
    UnverifiedNoteError,
)

ALG_ED25519 = 0x01
ALG_COSIGNATURE_V1 = 0x04
# The spec asks verifiers to accept at least 16 signatures; Go's note package stops at 100.
MAX_SIGNATURES = 100
SIGNATURE_PREFIX = "\u2014 "  # em dash, space

# Unicode White_Space code points: what Go's unicode.IsSpace rejects in key names.
_WHITE_SPACE = frozenset(
    (*range(0x09, 0x0E), 0x20, 0x85, 0xA0, 0x1680, *range(0x2000, 0x200B), 0x2028, 0x2029)
) | {0x202F, 0x205F, 0x3000}


class NoteSigner(Protocol):
    """Something that signs note texts under a key name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def sign(self, text: bytes) -> bytes:
        """Return the signature bytes (without the key ID) over the note text."""
        ...


class NoteVerifier(Protocol):
    """Something that checks signatures made under one key name and key ID."""

    @property
    def name(self) -> str: ...

    @property
    def key_id(self) -> int: ...

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Report whether ``signature`` (without the key ID) is valid over the note text."""
        ...


def b64decode_strict(text: str) -> bytes:
    """Decode canonical, padded standard base64 (RFC 4648 section 4), refusing anything else.

    Canonical means the unused bits of the last character are zero, so each byte string has
    one encoding and a signature line cannot be rewritten into another that still verifies.
    """
    try:
        encoded = text.encode("ascii")
        raw = base64.b64decode(encoded, validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError) as exc:
        raise MalformedNoteError(f"not standard base64: {text[:40]!r}") from exc
    if base64.b64encode(raw) != encoded:
        raise MalformedNoteError(f"not canonical base64: {text[:40]!r}")
    return raw


def b64encode(data: bytes) -> str:
    """Encode as standard, padded base64."""
    return base64.b64encode(data).decode("ascii")


def is_valid_key_name(name: str) -> bool:
    """Report whether ``name`` may name a key: non-empty, no spaces, no plus, no controls."""
    return bool(name) and all(
        ord(ch) >= 0x20 and ord(ch) not in _WHITE_SPACE and ch != "+" for ch in name
    )


def key_id(name: str, alg: int, public_key: bytes) -> int:
    """Return the key ID: SHA-256(name || 0x0A || alg || public key)[:4], big-endian."""
    digest = hashlib.sha256(name.encode("utf-8") + b"\n" + bytes([alg]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _raw_public(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


class Ed25519Verifier:
    """Verifies Ed25519 note signatures (signature type 0x01)."""

    def __init__(self, name: str, public_key: bytes) -> None:
        if not is_valid_key_name(name):
            raise MalformedNoteError(f"invalid key name {name!r}")
        if len(public_key) != 32:
            raise MalformedNoteError(f"Ed25519 public key is {len(public_key)} bytes, not 32")
        self._name = name
        self._public_key = public_key
        self._key = Ed25519PublicKey.from_public_bytes(public_key)
        self._key_id = key_id(name, ALG_ED25519, public_key)

    @property
    def name(self) -> str:
        """The key name."""
        return self._name

    @property
    def key_id(self) -> int:
        """The 32-bit key ID."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._public_key

    def verify(self, text: bytes, signature: bytes) -> bool:
        """Report whether ``signature`` is a valid Ed25519 signature over ``text``."""
        if len(signature) != 64:
            return False
        try:
            self._key.verify(signature, text)
        except InvalidSignature:
            return False
        return True

    def vkey(self) -> str:
        """Return the verifier key string ``name+keyid+base64(0x01 || key)``."""
        return encode_vkey(self._name, ALG_ED25519, self._public_key)


class Ed25519Signer:
    """Signs notes with an Ed25519 key (signature type 0x01)."""

    def __init__(self, name: str, private_key: Ed25519PrivateKey) -> None:
        if not is_valid_key_name(name):
            raise MalformedNoteError(f"invalid key name {name!r}")
        self._name = name
        self._private_key = private_key
        self._public_key = _raw_public(private_key.public_key())
        self._key_id = key_id(name, ALG_ED25519, self._public_key)

    @classmethod
    def generate(cls, name: str) -> Ed25519Signer:
        """Return a signer with a fresh random key."""
        return cls(name, Ed25519PrivateKey.generate())

    @classmethod
    def from_seed(cls, name: str, seed: bytes) -> Ed25519Signer:
        """Return a signer for the RFC 8032 32-byte private key seed."""
        if len(seed) != 32:
            raise MalformedNoteError(f"Ed25519 seed is {len(seed)} bytes, not 32")
        return cls(name, Ed25519PrivateKey.from_private_bytes(seed))

    @property
    def name(self) -> str:
        """The key name."""
        return self._name

    @property
    def key_id(self) -> int:
        """The 32-bit key ID."""
        return self._key_id

    @property
    def public_key(self) -> bytes:
        """The 32-byte Ed25519 public key."""
        return self._public_key

    def seed(self) -> bytes:
        """Return the 32-byte private seed (secret)."""
        return self._private_key.private_bytes_raw()

    def sign(self, text: bytes) -> bytes:
        """Return the 64-byte Ed25519 signature over ``text``."""
        return self._private_key.sign(text)

    def verifier(self) -> Ed25519Verifier:
        """Return the matching verifier."""
        return Ed25519Verifier(self._name, self._public_key)

    def vkey(self) -> str:
        """Return the verifier key string for this key."""
        return encode_vkey(self._name, ALG_ED25519, self._public_key)

    def skey(self) -> str:
        """Return the secret signer key string ``PRIVATE+KEY+name+keyid+base64(0x01 || seed)``."""
        body = b64encode(bytes([ALG_ED25519]) + self.seed())
        return f"PRIVATE+KEY+{self._name}+{self._key_id:08x}+{body}"


def encode_vkey(name: str, alg: int, public_key: bytes) -> str:
    """Return ``name+keyid+base64(alg || public key)``."""
    if not is_valid_key_name(name):
        raise MalformedNoteError(f"invalid key name {name!r}")
    return f"{name}+{key_id(name, alg, public_key):08x}+{b64encode(bytes([alg]) + public_key)}"


def _split_key_string(text: str, what: str) -> tuple[str, int, int, bytes]:
    """Split ``name+hexid+base64`` into name, key ID, algorithm byte and key material."""
    name, _, rest = text.partition("+")
    hex_id, _, key64 = rest.partition("+")
    if (
        not is_valid_key_name(name)
        or len(hex_id) != 8
        or any(c not in "0123456789abcdefABCDEF" for c in hex_id)
    ):
        raise MalformedNoteError(f"malformed {what}")
    raw = b64decode_strict(key64)
    if not raw:
        raise MalformedNoteError(f"malformed {what}: no key material")
    return name, int(hex_id, 16), raw[0], raw[1:]


def parse_skey(skey: str) -> Ed25519Signer:
    """Return the signer for a ``PRIVATE+KEY+...`` string (signature type 0x01)."""
    head, body = skey[:12], skey[12:]
    if head != "PRIVATE+KEY+":
        raise MalformedNoteError("malformed signer key: no PRIVATE+KEY+ prefix")
    name, kid, alg, seed = _split_key_string(body, "signer key")
    if alg != ALG_ED25519:
        raise MalformedNoteError(f"signer key {name}: unknown signature type 0x{alg:02x}")
    signer = Ed25519Signer.from_seed(name, seed)
    if signer.key_id != kid:
        raise MalformedNoteError(f"signer key {name}: key ID does not match the key")
    return signer


@dataclass(frozen=True)
class NoteSignature:
    """One signature line of a note: key name, key ID and the signature bytes after the ID."""

    name: str
    key_id: int
    signature: bytes

    def line(self) -> str:
        """Return the signature line, ending in a newline."""
        blob = self.key_id.to_bytes(4, "big") + self.signature
        return f"{SIGNATURE_PREFIX}{self.name} {b64encode(blob)}\n"


@dataclass(frozen=True)
class Note:
    """An opened note: its text and the signatures that verified or came from unknown keys."""

    text: str
    verified: tuple[NoteSignature, ...]
    unverified: tuple[NoteSignature, ...]


def _check_text(text: str) -> None:
    if not text.endswith("\n"):
        raise MalformedNoteError("note text must end with a newline")
    if any(ch < " " and ch != "\n" for ch in text):
        raise MalformedNoteError("note text has a control character")


def sign_note(
    text: str, signers: Sequence[NoteSigner], existing: Sequence[NoteSignature] = ()
) -> bytes:
    """Return the signed note: ``text``, a blank line, kept signatures, then new ones.

    Existing signatures by the same name and key ID as a signer are replaced, as Go's
    note.Sign does.
    """
    _check_text(text)
    encoded = text.encode("utf-8")
    fresh: list[str] = []
    replaced: set[tuple[str, int]] = set()
    for signer in signers:
        if not is_valid_key_name(signer.name):
            raise MalformedNoteError(f"invalid signer name {signer.name!r}")
        replaced.add((signer.name, signer.key_id))
        fresh.append(NoteSignature(signer.name, signer.key_id, signer.sign(encoded)).line())
    kept = [s.line() for s in existing if (s.name, s.key_id) not in replaced]
    if not kept and not fresh:
        raise MalformedNoteError("a signed note needs at least one signature")
    return (text + "\n" + "".join(kept) + "".join(fresh)).encode("utf-8")


def parse_note(msg: bytes) -> tuple[str, list[NoteSignature]]:
    """Split a signed note into its text and signatures without verifying anything."""
    try:
        decoded = msg.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedNoteError("note is not valid UTF-8") from exc
    if any(ch < " " and ch != "\n" for ch in decoded):
        raise MalformedNoteError("note has a control character")
    split = decoded.rfind("\n\n")
    if split < 0:
        raise MalformedNoteError("note has no blank line before its signatures")
    text, block = decoded[: split + 1], decoded[split + 2 :]
    if not block or not block.endswith("\n"):
        raise MalformedNoteError("note signatures must end with a newline")
    lines = block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise MalformedNoteError(f"note has more than {MAX_SIGNATURES} signatures")
    sigs: list[NoteSignature] = []
    for line in lines:
        if not line.startswith(SIGNATURE_PREFIX):
            raise MalformedNoteError(f"not a signature line: {line[:40]!r}")
        name, _, blob64 = line[len(SIGNATURE_PREFIX) :].partition(" ")
        if not is_valid_key_name(name) or not blob64:
            raise MalformedNoteError(f"malformed signature line: {line[:40]!r}")
        blob = b64decode_strict(blob64)
        if len(blob) < 5:
            raise MalformedNoteError("signature is shorter than a key ID and one byte")
        sigs.append(NoteSignature(name, int.from_bytes(blob[:4], "big"), blob[4:]))
    return text, sigs


def open_note(msg: bytes, verifiers: Iterable[NoteVerifier]) -> Note:
    """Parse a signed note and verify every signature by a known key.

    Signatures from unknown keys are kept aside, unverified. A known key whose signature fails
    rejects the whole note (InvalidSignatureError); a note with no verified signature raises
    UnverifiedNoteError.
    """
    text, sigs = parse_note(msg)
    known: dict[tuple[str, int], list[NoteVerifier]] = {}
    for v in verifiers:
        known.setdefault((v.name, v.key_id), []).append(v)
    encoded = text.encode("utf-8")
    verified: list[NoteSignature] = []
    unverified: list[NoteSignature] = []
    seen: set[tuple[str, int]] = set()
    seen_unknown: set[NoteSignature] = set()
    for sig in sigs:
        key = (sig.name, sig.key_id)
        candidates = known.get(key, [])
        if not candidates:
            if sig not in seen_unknown:
                seen_unknown.add(sig)
                unverified.append(sig)
            continue
        if len(candidates) > 1:
            raise AmbiguousKeyError(f"ambiguous key {sig.name}+{sig.key_id:08x}")
        if key in seen:
            continue
        seen.add(key)
        if not candidates[0].verify(encoded, sig.signature):
            raise InvalidSignatureError(sig.name, sig.key_id)
        verified.append(sig)
    if not verified:
        raise UnverifiedNoteError(
            "note has no verifiable signatures", Note(text, (), tuple(unverified))
        )
    return Note(text, tuple(verified), tuple(unverified))
