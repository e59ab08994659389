"""The checksum of a list's content: LtHash, a homomorphic multiset hash. No I/O, no database.

Why homomorphic: headquarters and every post prove they hold the same version of a list by
comparing a checksum of its content. A hash of the sorted content must read the whole list
(a million entries) for every version; with LtHash the checksum of version N+1 is the state of
version N minus the entries closed plus the entries put, so both sides update it from the
delta alone (O(delta)), and compute it whole only for a whole file.

The construction is lthash16 of Lewi, Kim, Maykov and Weis, "Securing Update Propagation with
Homomorphic Hashing" (2019), after Bellare and Micciancio: each element is expanded by an
extendable-output function (here SHAKE256) to 2,048 bytes, read as 1,024 little-endian 16-bit
lanes; the state of a multiset is the lane-wise sum of its elements modulo 2^16, and removing
an element subtracts it. The published checksum is the SHA-256 of the 2,048-byte state (hex).

Security note: the paper estimates lthash16 at about 200 bits of security against finding two
multisets with the same state, given a random-oracle-like XOF. It is a multiset hash: one
element added 2^16 times cancels out, which cannot happen here because a list holds one row per
entry key. It proves that two holders have the same content; it says nothing of who made the
content (the signature on headquarters' manifest does that) and hides nothing of it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import numpy as np
import orjson

LANES = 1024
SIZE = 2 * LANES  # bytes of a state and of an expanded element
_CHUNK = 4096  # elements expanded per numpy sum: 8 MiB at a time

Row = tuple[str, str, str, str, str, str, str]


def element(row: Row) -> bytes:
    """The bytes of an entry as hashed: its line in the list file (a JSON array)."""
    return orjson.dumps(list(row))


def _sum(elements: Iterable[bytes]) -> np.ndarray:
    """The lane-wise sum of the expanded elements, modulo 2^16."""
    total = np.zeros(LANES, dtype=np.uint64)
    chunk: list[bytes] = []

    def flush() -> None:
        lanes = np.frombuffer(b"".join(chunk), dtype="<u2").reshape(-1, LANES)
        total[:] += lanes.sum(axis=0, dtype=np.uint64)
        chunk.clear()

    for item in elements:
        chunk.append(hashlib.shake_256(item).digest(SIZE))
        if len(chunk) >= _CHUNK:
            flush()
    if chunk:
        flush()
    return (total & 0xFFFF).astype(np.uint16)


class LtHash:
    """The state of a multiset of byte strings; ``add`` and ``remove`` take any number."""

    __slots__ = ("lanes",)

    def __init__(self, state: bytes | None = None) -> None:
        if state is None:
            self.lanes = np.zeros(LANES, dtype=np.uint16)
        else:
            if len(state) != SIZE:
                raise ValueError(f"an LtHash state is {SIZE} bytes, not {len(state)}")
            self.lanes = np.frombuffer(state, dtype="<u2").astype(np.uint16)

    def add(self, elements: Iterable[bytes]) -> LtHash:
        self.lanes = self.lanes + _sum(elements)  # uint16 wraps: modulo 2^16
        return self

    def remove(self, elements: Iterable[bytes]) -> LtHash:
        self.lanes = self.lanes - _sum(elements)
        return self

    def add_rows(self, rows: Iterable[Row]) -> LtHash:
        return self.add(element(r) for r in rows)

    def remove_rows(self, rows: Iterable[Row]) -> LtHash:
        return self.remove(element(r) for r in rows)

    def state(self) -> bytes:
        """The 2,048-byte state, little-endian lanes."""
        return self.lanes.astype("<u2").tobytes()

    def checksum(self) -> str:
        """SHA-256 of the state, hex: what two holders of a list compare."""
        return hashlib.sha256(self.state()).hexdigest()


def checksum_of(rows: Iterable[Row]) -> tuple[bytes, str]:
    """The state and checksum of a whole content, computed from every row."""
    whole = LtHash().add_rows(rows)
    return whole.state(), whole.checksum()
