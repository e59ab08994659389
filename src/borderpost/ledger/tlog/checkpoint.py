"""C2SP tlog-checkpoint: the note text of a signed tree head.

::

    <origin>
    <tree size in decimal, no leading zeroes>
    <base64 RFC 6962 root hash>
    [extension lines, non-empty, discouraged]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from borderpost.ledger.tlog.errors import MalformedNoteError
from borderpost.ledger.tlog.merkle import HASH_SIZE
from borderpost.ledger.tlog.note import b64decode_strict, b64encode

_DECIMAL = re.compile(r"0|[1-9][0-9]*")
MAX_TREE_SIZE = 2**64 - 1


def parse_decimal(text: str, what: str, limit: int = MAX_TREE_SIZE) -> int:
    """Parse an ASCII decimal with no leading zeroes (``0`` itself allowed), up to ``limit``."""
    if not _DECIMAL.fullmatch(text) or len(text) > 20:
        raise MalformedNoteError(f"{what} {text[:30]!r} is not a decimal without leading zeroes")
    value = int(text)
    if value > limit:
        raise MalformedNoteError(f"{what} {text} is too large")
    return value


def parse_hash_b64(text: str, what: str) -> bytes:
    """Decode a canonical base64 SHA-256 hash."""
    raw = b64decode_strict(text)
    if len(raw) != HASH_SIZE or b64encode(raw) != text:
        raise MalformedNoteError(f"{what} is not the base64 of a 32-byte hash")
    return raw


@dataclass(frozen=True)
class Checkpoint:
    """A tree head: log origin, tree size, root hash and optional extension lines."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not self.origin or "\n" in self.origin:
            raise MalformedNoteError("checkpoint origin must be one non-empty line")
        if not 0 <= self.size <= MAX_TREE_SIZE:
            raise MalformedNoteError(f"checkpoint size {self.size} out of range")
        if len(self.root) != HASH_SIZE:
            raise MalformedNoteError(f"checkpoint root is {len(self.root)} bytes, not 32")
        for line in self.extensions:
            if not line or "\n" in line:
                raise MalformedNoteError("checkpoint extension lines must be non-empty lines")

    def body(self) -> str:
        """Return the note text: origin, size, base64 root, extensions, each ending in newline."""
        lines = [self.origin, str(self.size), b64encode(self.root), *self.extensions]
        return "".join(line + "\n" for line in lines)

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        """Parse a checkpoint note text, strictly as tlog-checkpoint defines it."""
        if not text.endswith("\n"):
            raise MalformedNoteError("checkpoint text must end with a newline")
        lines = text[:-1].split("\n")
        if len(lines) < 3:
            raise MalformedNoteError("checkpoint text needs origin, size and root lines")
        origin, size_line, root_line, *extensions = lines
        if not origin:
            raise MalformedNoteError("checkpoint origin is empty")
        size = parse_decimal(size_line, "checkpoint size")
        root = parse_hash_b64(root_line, "checkpoint root hash")
        return cls(origin, size, root, tuple(extensions))
