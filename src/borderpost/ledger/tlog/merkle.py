"""RFC 6962 / RFC 9162 Merkle tree hashing, proofs and their verification.

Pure functions over SHA-256. A tree is seen through a *node reader*: a function
``node(level, index)`` returning the hash of the complete subtree that covers leaves
``[index * 2**level, (index + 1) * 2**level)``. Stores answer it from disk (the tile store),
tests and verifiers from memory or from fetched tiles. Proof generation follows RFC 6962
section 2.1.1 (PATH) and 2.1.2 (SUBPROOF); verification follows RFC 9162 sections 2.1.3.2 and
2.1.4.2, which also reject proofs of the wrong length.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence

from borderpost.ledger.tlog.errors import ProofError

HASH_SIZE = 32
# MTH({}) = SHA-256() per RFC 6962 section 2.1: the root of the empty tree.
EMPTY_ROOT = hashlib.sha256(b"").digest()

NodeReader = Callable[[int, int], bytes]

_sha256 = hashlib.sha256


def leaf_hash(entry: bytes) -> bytes:
    """Return the RFC 6962 leaf hash SHA-256(0x00 || entry)."""
    return _sha256(b"\x00" + entry).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash SHA-256(0x01 || left || right)."""
    return _sha256(b"\x01" + left + right).digest()


def perfect_root(hashes: Sequence[bytes]) -> bytes:
    """Return the root over a power-of-two count of hashes taken as the leaves of a subtree."""
    level = list(hashes)
    if not level or len(level) & (len(level) - 1):
        raise ValueError(f"perfect_root needs a power-of-two count of hashes, got {len(level)}")
    while len(level) > 1:
        level = [
            _sha256(b"\x01" + level[i] + level[i + 1]).digest() for i in range(0, len(level), 2)
        ]
    return level[0]


def root_from_leaf_hashes(hashes: Sequence[bytes]) -> bytes:
    """Return MTH over the given leaf hashes (the empty tree's root when there are none)."""
    if not hashes:
        return EMPTY_ROOT
    # Fold complete subtrees as they close, like a binary counter; the right edge is folded last.
    stack: list[tuple[int, bytes]] = []
    for h in hashes:
        size, node = 1, h
        while stack and stack[-1][0] == size:
            left_size, left = stack.pop()
            node = _sha256(b"\x01" + left + node).digest()
            size += left_size
        stack.append((size, node))
    root = stack[-1][1]
    for _, left in reversed(stack[:-1]):
        root = _sha256(b"\x01" + left + root).digest()
    return root


def subtree_hash(lo: int, hi: int, node: NodeReader) -> bytes:
    """Return MTH(D[lo:hi]) for a range shaped as in RFC 6962's recursion.

    ``lo`` must be a multiple of a power of two at least ``hi - lo``, which every range in the
    RFC's PATH and SUBPROOF recursions is. Such a range is a run of complete subtrees of
    decreasing size, folded from the right.
    """
    n = hi - lo
    if n <= 0:
        if n == 0 and lo == 0:
            return EMPTY_ROOT
        raise ValueError(f"empty or negative range [{lo}, {hi})")
    if lo & ((1 << (n - 1).bit_length()) - 1):
        raise ValueError(f"range [{lo}, {hi}) is not aligned as RFC 6962 ranges are")
    parts: list[bytes] = []
    pos = lo
    for level in range(n.bit_length() - 1, -1, -1):
        if n >> level & 1:
            parts.append(node(level, pos >> level))
            pos += 1 << level
    acc = parts[-1]
    for left in reversed(parts[:-1]):
        acc = _sha256(b"\x01" + left + acc).digest()
    return acc


def root_hash(size: int, node: NodeReader) -> bytes:
    """Return the root hash of the tree of the given size."""
    if size < 0:
        raise ValueError(f"negative tree size {size}")
    return subtree_hash(0, size, node)


def right_edge_hashes(size: int, node: NodeReader) -> list[bytes]:
    """Return E with E[h] = MTH(D[start : size]), start = ((size - 1) >> h) << h, h = 0.. .

    These are the hashes of the (possibly incomplete) subtrees on the right edge of the tree
    of ``size`` leaves: computed once per size, they make every proof a pure lookup.
    """
    if size <= 0:
        return []
    m = size - 1
    edge = [node(0, m)]
    for h in range(1, m.bit_length() + 1):
        if m >> (h - 1) & 1:
            edge.append(_sha256(b"\x01" + node(h - 1, (m >> (h - 1)) - 1) + edge[-1]).digest())
        else:
            edge.append(edge[-1])  # no right sibling yet: the node is promoted unchanged
    return edge


SiblingReader = Callable[[int, Sequence[int]], list[bytes]]


def inclusion_proof(
    index: int,
    size: int,
    node: NodeReader,
    edge: Sequence[bytes] | None = None,
    siblings: SiblingReader | None = None,
) -> list[bytes]:
    """Return the RFC 6962 audit path of leaf ``index`` in the tree of ``size`` leaves.

    The path runs from the leaf's sibling up to the root's child (RFC 6962 section 2.1.1, the
    order tlog-proof uses). Below the height where the paths to ``index`` and to the last leaf
    part, every sibling is a complete subtree; at that height the sibling is the right edge
    (``edge``, from right_edge_hashes(size), or computed); above it the path holds the left
    siblings of the right edge.
    """
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    m = size - 1
    inner = (index ^ m).bit_length()
    low = list(range(inner - 1))
    high = [h for h in range(inner, m.bit_length()) if index >> h & 1]
    if siblings is None:
        proof = [node(h, (index >> h) ^ 1) for h in low]
        upper = [node(h, (index >> h) ^ 1) for h in high]
    else:
        both = siblings(index, low + high)
        proof, upper = both[: len(low)], both[len(low) :]
    if inner:
        h = inner - 1
        sibling = m >> h
        if (sibling + 1) << h <= size:
            proof.append(node(h, sibling))
        elif edge is not None:
            proof.append(edge[h])
        else:
            proof.append(subtree_hash(sibling << h, size, node))
    proof.extend(upper)
    return proof


def consistency_proof(
    old: int,
    new: int,
    node: NodeReader,
    edge: Sequence[bytes] | None = None,
    siblings: SiblingReader | None = None,
) -> list[bytes]:
    """Return the RFC 6962 consistency proof from tree size ``old`` to ``new``.

    It is the audit path of leaf ``old - 1`` in tree ``new`` without its lowest levels (those
    inside the largest complete subtree ending at ``old``), preceded by that subtree's hash
    unless it is the whole old tree. Empty when ``old`` is 0 (tlog-witness) or ``new``.
    """
    if not 0 <= old <= new:
        raise ProofError(f"no consistency proof from size {old} to size {new}")
    if old in (0, new):
        return []
    shift = (old & -old).bit_length() - 1
    proof = inclusion_proof(old - 1, new, node, edge, siblings)[shift:]
    if old != 1 << shift:
        proof.insert(0, node(shift, (old - 1) >> shift))
    return proof


def _check_hash(h: bytes, what: str) -> None:
    if len(h) != HASH_SIZE:
        raise ProofError(f"{what} is {len(h)} bytes, not {HASH_SIZE}")


def root_from_inclusion_proof(index: int, size: int, leaf: bytes, proof: Sequence[bytes]) -> bytes:
    """Return the root that an inclusion proof implies (RFC 9162 section 2.1.3.2)."""
    if not 0 <= index < size:
        raise ProofError(f"leaf index {index} is not in a tree of size {size}")
    _check_hash(leaf, "leaf hash")
    fn, sn = index, size - 1
    r = leaf
    for p in proof:
        _check_hash(p, "proof hash")
        if sn == 0:
            raise ProofError("inclusion proof is longer than the tree is deep")
        if fn & 1 or fn == sn:
            r = _sha256(b"\x01" + p + r).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            r = _sha256(b"\x01" + r + p).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("inclusion proof is shorter than the tree is deep")
    return r


def verify_inclusion(
    index: int, size: int, leaf: bytes, proof: Sequence[bytes], root: bytes
) -> None:
    """Raise ProofError unless ``proof`` shows leaf hash ``leaf`` at ``index`` under ``root``."""
    if root_from_inclusion_proof(index, size, leaf, proof) != root:
        raise ProofError(
            f"inclusion proof for leaf {index} does not lead to the root of size {size}"
        )


def verify_consistency(
    old: int, new: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> None:
    """Raise ProofError unless ``proof`` shows tree ``new`` extends tree ``old``.

    Follows RFC 9162 section 2.1.4.2, with the cases it leaves out: equal sizes need an empty
    proof and equal roots; size 0 needs an empty proof (tlog-witness).
    """
    if old < 0 or old > new:
        raise ProofError(f"tree size {old} cannot be older than size {new}")
    _check_hash(old_root, "old root")
    _check_hash(new_root, "new root")
    if old == new:
        if proof:
            raise ProofError("consistency proof between equal sizes must be empty")
        if old_root != new_root:
            raise ProofError(f"two different roots for tree size {old}")
        return
    if old == 0:
        if proof:
            raise ProofError("consistency proof from size 0 must be empty")
        return
    if not proof:
        raise ProofError("consistency proof is empty")
    for p in proof:
        _check_hash(p, "proof hash")
    path = list(proof)
    if old & (old - 1) == 0:
        path.insert(0, old_root)
    fn, sn = old - 1, new - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            raise ProofError("consistency proof is too long")
        if fn & 1 or fn == sn:
            fr = _sha256(b"\x01" + c + fr).digest()
            sr = _sha256(b"\x01" + c + sr).digest()
            if not fn & 1:
                while not fn & 1 and fn != 0:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = _sha256(b"\x01" + sr + c).digest()
        fn >>= 1
        sn >>= 1
    if sn != 0:
        raise ProofError("consistency proof is too short")
    if fr != old_root:
        raise ProofError(f"consistency proof does not lead to the root of size {old}")
    if sr != new_root:
        raise ProofError(f"consistency proof does not lead to the root of size {new}")


class MemoryTree:
    """An in-memory RFC 6962 tree keeping every complete subtree hash (for tests and tools)."""

    def __init__(self, entries: Sequence[bytes] = ()) -> None:
        self.levels: list[list[bytes]] = [[]]
        for e in entries:
            self.append_hash(leaf_hash(e))

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self.levels[0])

    def append_hash(self, h: bytes) -> None:
        """Append one leaf hash and every subtree hash it completes."""
        self.levels[0].append(h)
        level = 0
        while len(self.levels[level]) % 2 == 0:
            row = self.levels[level]
            parent = node_hash(row[-2], row[-1])
            if level + 1 == len(self.levels):
                self.levels.append([])
            self.levels[level + 1].append(parent)
            level += 1

    def node(self, level: int, index: int) -> bytes:
        """Return the hash of a complete subtree (a NodeReader)."""
        return self.levels[level][index]

    def root(self, size: int | None = None) -> bytes:
        """Return the root hash at ``size`` (default: all leaves)."""
        return root_hash(self.size if size is None else size, self.node)
