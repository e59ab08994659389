"""RFC 6962 hashing and proofs against published vectors, and exhaustively for small trees."""

from __future__ import annotations

import hashlib

import pytest

from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.errors import ProofError

# Vectors from transparency-dev/merkle, rfc6962/rfc6962_test.go (TestRFC6962Hasher).
HASHER_VECTORS = [
    ("empty root", merkle.EMPTY_ROOT,
     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
    ("empty leaf", merkle.leaf_hash(b""),
     "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
    ("leaf L123456", merkle.leaf_hash(b"L123456"),
     "395aa064aa4c29f7010acfe3f25db9485bbd4b91897b6ad7ad547639252b4d56"),
    ("node N123 N456", merkle.node_hash(b"N123", b"N456"),
     "aa217fe888e47007fa15edab33c2b492a722cb106c64667fc2b044444de66bbb"),
]  # fmt: skip

# The 8-leaf RFC 6962 test tree of transparency-dev/merkle, proof/verify_test.go (the same
# data as certificate-transparency's C++ and Go tests): leaves, roots of sizes 1..8, and
# inclusion (leaf index, tree size, path) and consistency (size1, size2, proof) vectors.
LEAVES = [bytes.fromhex(h) for h in [
    "", "00", "10", "2021", "3031", "40414243", "5051525354555657",
    "606162636465666768696a6b6c6d6e6f",
]]  # fmt: skip
ROOTS = [bytes.fromhex(h) for h in [
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]]  # fmt: skip
INCLUSION = [  # (1-based leaf as in the Go test, size, path)
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (3, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (2, 5, ["6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
]  # fmt: skip
CONSISTENCY = [
    (1, 1, []),
    (1, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (6, 8, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (2, 5, ["5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"]),
    (6, 7, ["0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
]  # fmt: skip
SOME_HASH = bytes.fromhex("abacaba000000000000000000000000000000000000000000060061e00123456")


@pytest.mark.parametrize(("desc", "got", "want"), HASHER_VECTORS)
def test_rfc6962_hasher_vectors(desc: str, got: bytes, want: str) -> None:
    assert got.hex() == want, desc


def test_roots_of_the_reference_tree() -> None:
    tree = merkle.MemoryTree(LEAVES)
    for size in range(1, 9):
        assert tree.root(size) == ROOTS[size - 1]
        hashes = [merkle.leaf_hash(e) for e in LEAVES[:size]]
        assert merkle.root_from_leaf_hashes(hashes) == ROOTS[size - 1]
    assert merkle.root_from_leaf_hashes([]) == merkle.EMPTY_ROOT


@pytest.mark.parametrize(("leaf", "size", "path"), INCLUSION)
def test_inclusion_vectors(leaf: int, size: int, path: list[str]) -> None:
    tree = merkle.MemoryTree(LEAVES)
    proof = merkle.inclusion_proof(leaf - 1, size, tree.node)
    assert [p.hex() for p in proof] == path
    merkle.verify_inclusion(leaf - 1, size, tree.node(0, leaf - 1), proof, ROOTS[size - 1])


@pytest.mark.parametrize(("size1", "size2", "path"), CONSISTENCY)
def test_consistency_vectors(size1: int, size2: int, path: list[str]) -> None:
    tree = merkle.MemoryTree(LEAVES)
    proof = merkle.consistency_proof(size1, size2, tree.node)
    assert [p.hex() for p in proof] == path
    merkle.verify_consistency(size1, size2, ROOTS[size1 - 1], ROOTS[size2 - 1], proof)


def _inclusion_probes(
    index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes
) -> list[tuple[int, int, list[bytes], bytes, bytes]]:
    """The corruptions of transparency-dev's corruptInclusionProof, plus bit flips."""
    probes = [
        (index - 1, size, proof, root, leaf),
        (index + 1, size, proof, root, leaf),
        (index ^ 2, size, proof, root, leaf),
        (index, size * 2, proof, root, leaf),
        (index, size // 2, proof, root, leaf),
        (index, size, proof, root, hashlib.sha256(b"WrongLeaf").digest()),
        (index, size, proof, merkle.EMPTY_ROOT, leaf),
        (index, size, proof, SOME_HASH, leaf),
        (index, size, [*proof, root], root, leaf),
        (index, size, [root, *proof], root, leaf),
    ]
    for i in range(len(proof)):
        flipped = list(proof)
        flipped[i] = bytes([proof[i][0] ^ 8]) + proof[i][1:]
        probes.append((index, size, flipped, root, leaf))
    if proof:
        probes.append((index, size, proof[:-1], root, leaf))
    if len(proof) > 1:
        probes.append((index, size, [proof[0], SOME_HASH, *proof[1:]], root, leaf))
    return probes


def _fails_inclusion(index: int, size: int, proof: list[bytes], root: bytes, leaf: bytes) -> bool:
    try:
        merkle.verify_inclusion(index, size, leaf, proof, root)
    except ProofError:
        return True
    return False


def _fails_consistency(m: int, n: int, r1: bytes, r2: bytes, proof: list[bytes]) -> bool:
    try:
        merkle.verify_consistency(m, n, r1, r2, proof)
    except ProofError:
        return True
    return False


def test_every_inclusion_proof_up_to_70_verifies_and_tampering_fails() -> None:
    tree = merkle.MemoryTree([b"entry %d" % i for i in range(70)])
    for size in range(1, 71):
        root = tree.root(size)
        for index in range(size):
            leaf = tree.node(0, index)
            proof = merkle.inclusion_proof(index, size, tree.node)
            merkle.verify_inclusion(index, size, leaf, proof, root)
            for probe in _inclusion_probes(index, size, proof, root, leaf):
                assert _fails_inclusion(*probe), (index, size, probe[:2])


def test_every_consistency_proof_up_to_70_verifies_and_tampering_fails() -> None:
    tree = merkle.MemoryTree([b"entry %d" % i for i in range(70)])
    roots = [tree.root(n) for n in range(71)]
    for n in range(1, 71):
        for m in range(1, n + 1):
            proof = merkle.consistency_proof(m, n, tree.node)
            merkle.verify_consistency(m, n, roots[m], roots[n], proof)
            if m == n:
                assert proof == []
                assert _fails_consistency(m, n, roots[m], SOME_HASH, proof)
                continue
            assert _fails_consistency(m, n, roots[n], roots[m], proof)  # swapped roots
            assert _fails_consistency(m, n, roots[m], roots[n], [])
            assert _fails_consistency(m, n, roots[m], roots[n], proof[:-1])
            assert _fails_consistency(m, n, roots[m], roots[n], [*proof, roots[m]])
            assert _fails_consistency(m, n, roots[m], roots[n], [proof[0], *proof])
            for i in range(len(proof)):
                flipped = list(proof)
                flipped[i] = bytes([proof[i][0] ^ 16]) + proof[i][1:]
                assert _fails_consistency(m, n, roots[m], roots[n], flipped), (m, n, i)


def _mth(hashes: list[bytes]) -> bytes:
    """MTH straight from RFC 6962 section 2.1 (recursive, slow, obviously right)."""
    if len(hashes) == 1:
        return hashes[0]
    k = 1 << ((len(hashes) - 1).bit_length() - 1)
    return merkle.node_hash(_mth(hashes[:k]), _mth(hashes[k:]))


def _path(m: int, d: list[bytes]) -> list[bytes]:
    """PATH(m, D[n]) of RFC 6962 section 2.1.1."""
    if len(d) == 1:
        return []
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m < k:
        return [*_path(m, d[:k]), _mth(d[k:])]
    return [*_path(m - k, d[k:]), _mth(d[:k])]


def _subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
    """SUBPROOF(m, D[n], b) of RFC 6962 section 2.1.2."""
    if m == len(d):
        return [] if complete else [_mth(d)]
    k = 1 << ((len(d) - 1).bit_length() - 1)
    if m <= k:
        return [*_subproof(m, d[:k], complete), _mth(d[k:])]
    return [*_subproof(m - k, d[k:], False), _mth(d[:k])]


def test_proofs_equal_the_rfc_definitions_for_every_size_up_to_70() -> None:
    tree = merkle.MemoryTree([b"entry %d" % i for i in range(70)])
    leaves = tree.levels[0]
    for n in range(1, 71):
        edge = merkle.right_edge_hashes(n, tree.node)
        assert tree.root(n) == _mth(leaves[:n])
        for i in range(n):
            want = _path(i, leaves[:n])
            assert merkle.inclusion_proof(i, n, tree.node) == want
            assert merkle.inclusion_proof(i, n, tree.node, edge) == want
        for m in range(1, n):
            want = _subproof(m, leaves[:n], True)
            assert merkle.consistency_proof(m, n, tree.node) == want
            assert merkle.consistency_proof(m, n, tree.node, edge) == want


def test_consistency_edge_cases() -> None:
    merkle.verify_consistency(0, 5, merkle.EMPTY_ROOT, SOME_HASH, [])
    assert _fails_consistency(0, 5, merkle.EMPTY_ROOT, SOME_HASH, [SOME_HASH])
    assert _fails_consistency(3, 2, SOME_HASH, SOME_HASH, [])
    assert _fails_consistency(1, 1, SOME_HASH, SOME_HASH, [SOME_HASH])
    assert merkle.consistency_proof(0, 9, merkle.MemoryTree([b"x"] * 9).node) == []
    with pytest.raises(ProofError):
        merkle.consistency_proof(5, 4, merkle.MemoryTree([b"x"] * 9).node)


def test_inclusion_edge_cases() -> None:
    leaf = merkle.leaf_hash(b"data")
    merkle.verify_inclusion(0, 1, leaf, [], leaf)  # a one-leaf tree's root is its leaf hash
    for index, size in [(0, 0), (1, 0), (2, 1)]:
        assert _fails_inclusion(index, size, [], leaf, leaf)
    assert _fails_inclusion(0, 1, [], leaf, b"")
    with pytest.raises(ProofError):
        merkle.inclusion_proof(3, 3, merkle.MemoryTree([b"x"] * 3).node)


def test_subtree_hash_rejects_unaligned_ranges() -> None:
    tree = merkle.MemoryTree([b"x"] * 8)
    with pytest.raises(ValueError, match="aligned"):
        merkle.subtree_hash(1, 3, tree.node)
