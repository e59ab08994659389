"""The durable tile log: appends, proofs from stored tiles, recovery, serving, signing."""

from __future__ import annotations

import hashlib
import os
import random
from pathlib import Path

import pytest

from borderpost.ledger.storage.errors import (
    InconsistentTreeError,
    StoreCorruptError,
    StoreLockedError,
)
from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import Ed25519Signer, open_note, sign_note
from borderpost.ledger.tlog.tiles import Tile, decode_bundle, split_hashes

ORIGIN = "borderpost.example/post-17"


def _entries(rng: random.Random, n: int) -> list[bytes]:
    return [rng.randbytes(rng.randint(0, 60)) for _ in range(n)]


def _fill(log: TileLog, tree: merkle.MemoryTree, rng: random.Random, total: int) -> None:
    while log.size < total:
        batch = _entries(rng, min(rng.choice([1, 3, 255, 256, 257, 700]), total - log.size))
        first = log.append(batch)
        assert first == tree.size
        for e in batch:
            tree.append_hash(merkle.leaf_hash(e))


def test_log_matches_an_in_memory_tree_and_survives_reopening(tmp_path: Path) -> None:
    rng, tree = random.Random(7), merkle.MemoryTree()
    with TileLog(tmp_path, ORIGIN) as log:
        _fill(log, tree, rng, 66_000)
        n = log.size
        assert log.root_hash() == tree.root()
        for _ in range(300):
            i = rng.randrange(n)
            size = rng.randint(i + 1, n)
            proof = log.inclusion_proof(i, size)
            assert proof == merkle.inclusion_proof(i, size, tree.node)
            merkle.verify_inclusion(i, size, log.leaf_hash(i), proof, tree.root(size))
            old = rng.randint(0, size)
            assert log.consistency_proof(old, size) == merkle.consistency_proof(
                old, size, tree.node
            )
        assert log.root_hash(65_536) == tree.root(65_536)
        # Every stored hash fits in 64 bytes per entry: under 64 MB per million entries.
        assert log.hash_bytes() <= 64 * n
        log.audit()
    with TileLog(tmp_path, ORIGIN) as again:
        assert again.size == n
        assert again.root_hash() == tree.root()
        assert merkle.leaf_hash(again.entry(n - 1)) == tree.node(0, n - 1)
        _fill(again, tree, rng, 70_000)
        assert again.root_hash() == tree.root()
        again.audit()


def test_full_tiles_are_never_rewritten(tmp_path: Path) -> None:
    rng = random.Random(1)
    with TileLog(tmp_path, ORIGIN) as log:
        log.append(_entries(rng, 600))
        before = {
            name: (tmp_path / name).read_bytes()
            for name in ("tiles.0", "inner.0", "tiles.1", "entries.bundles", "entries.index")
        }
        for _ in range(20):
            log.append(_entries(rng, rng.randint(1, 300)))
        for name, data in before.items():
            assert (tmp_path / name).read_bytes()[: len(data)] == data, name


def test_one_writer_per_directory_and_one_origin(tmp_path: Path) -> None:
    with TileLog(tmp_path, ORIGIN), pytest.raises(StoreLockedError):
        TileLog(tmp_path, ORIGIN)
    with pytest.raises(LedgerError, match="holds the log"):
        TileLog(tmp_path, "another.example/log")
    with TileLog(tmp_path, ORIGIN) as log, pytest.raises(ValueError, match="65,535"):
        log.append([bytes(70_000)])


@pytest.mark.parametrize(
    "damage",
    [
        "torn entry",  # crash while the bundle was written
        "missing leaf hashes",  # crash before the level-0 hashes reached the disk
        "missing upper hashes",  # crash before level 1 and the inner hashes reached the disk
        "missing index",  # crash before the bundle index reached the disk
        "torn hash",
    ],
)
def test_recovery_after_a_crash_mid_batch(tmp_path: Path, damage: str) -> None:
    rng, tree = random.Random(3), merkle.MemoryTree()
    with TileLog(tmp_path, ORIGIN) as log:
        _fill(log, tree, rng, 1000)
        good_size, good_root = log.size, log.root_hash()
        log.append(_entries(rng, 300))  # the batch the "crash" damages (sizes 1000 -> 1300)

    def cut(name: str, length: int) -> None:
        os.truncate(tmp_path / name, length)

    if damage == "torn entry":
        cut("entries.bundles", (tmp_path / "entries.bundles").stat().st_size - 3)
    elif damage == "missing leaf hashes":
        cut("tiles.0", good_size * 32)
    elif damage == "missing upper hashes":
        cut("tiles.1", (good_size // 256) * 32)
        cut("inner.0", (good_size // 256) * 254 * 32)
    elif damage == "missing index":
        cut("entries.index", (good_size // 256) * 8)
    else:
        cut("tiles.0", (tmp_path / "tiles.0").stat().st_size - 5)
    with TileLog(tmp_path, ORIGIN) as log:
        assert good_size <= log.size <= 1300
        assert log.root_hash(good_size) == good_root
        if damage != "torn entry":
            assert log.size == 1300  # nothing lost: hashes are re-derived from the entries
        log.audit()
        log.append([b"after the crash"])
        log.audit()


def test_checkpoints_are_signed_persisted_and_never_inconsistent(tmp_path: Path) -> None:
    key = Ed25519Signer.generate(ORIGIN)
    with TileLog(tmp_path, ORIGIN) as log:
        assert log.read_path("checkpoint") is None
        log.append([b"a", b"b", b"c"])
        note = log.sign_checkpoint(key)
        cp = Checkpoint.parse(open_note(note, [key.verifier()]).text)
        assert (cp.origin, cp.size, cp.root) == (ORIGIN, 3, log.root_hash())
        assert log.read_path("checkpoint") == note == (tmp_path / "checkpoint").read_bytes()
        log.append([b"d"])
        log.sign_checkpoint(key)
    # Someone rewrites history on disk: the log refuses to open rather than sign over it.
    data = bytearray((tmp_path / "entries.bundles").read_bytes())
    data[2] ^= 1
    (tmp_path / "entries.bundles").write_bytes(bytes(data))
    (tmp_path / "tiles.0").write_bytes(
        hashlib.sha256(b"\x00" + bytes(data[2:3])).digest()
        + (tmp_path / "tiles.0").read_bytes()[32:]
    )
    with pytest.raises(StoreCorruptError):
        TileLog(tmp_path, ORIGIN)


def test_signing_refuses_a_tree_that_does_not_extend_the_last_checkpoint(tmp_path: Path) -> None:
    key = Ed25519Signer.generate(ORIGIN)
    with TileLog(tmp_path, ORIGIN) as log:
        log.append([b"a", b"b"])
        log.sign_checkpoint(key)
        # Simulate a stale in-memory view racing a checkpoint signed with more entries.
        log._last = Checkpoint(ORIGIN, 5, merkle.EMPTY_ROOT)
        with pytest.raises(InconsistentTreeError):
            log.sign_checkpoint(key)
        log._last = Checkpoint(ORIGIN, 2, merkle.EMPTY_ROOT)
        with pytest.raises(InconsistentTreeError):
            log.sign_checkpoint(key)
    # A checkpoint file that does not match the stored tree stops the log from opening.
    forged = sign_note(Checkpoint(ORIGIN, 2, merkle.EMPTY_ROOT).body(), [key])
    (tmp_path / "checkpoint").write_bytes(forged)
    with pytest.raises(StoreCorruptError):
        TileLog(tmp_path, ORIGIN)


def test_read_path_serves_tiles_up_to_the_checkpoint(tmp_path: Path) -> None:
    rng, tree = random.Random(5), merkle.MemoryTree()
    key = Ed25519Signer.generate(ORIGIN)
    with TileLog(tmp_path, ORIGIN) as log:
        entries = _entries(rng, 70_000)
        log.append(entries)
        for e in entries:
            tree.append_hash(merkle.leaf_hash(e))
        assert log.read_path("tile/0/000") is None  # nothing signed yet
        log.sign_checkpoint(key)
        log.append([b"unsigned"])
        assert log.read_path("tile/0/000") == b"".join(tree.levels[0][:256])
        assert log.read_path("tile/0/273.p/112") == b"".join(tree.levels[0][273 * 256 :])
        assert log.read_path("tile/0/273.p/113") is None  # beyond the signed checkpoint
        assert log.read_path("tile/0/000.p/7") == b"".join(tree.levels[0][:7])
        assert log.read_path("tile/1/000") == b"".join(tree.levels[8][:256])
        assert log.read_path("tile/1/001.p/17") == b"".join(tree.levels[8][256:273])
        assert log.read_path("tile/2/000.p/1") == tree.levels[16][0]
        assert log.read_path("tile/2/000.p/2") is None
        bundle = log.read_path("tile/entries/001")
        assert bundle is not None
        assert decode_bundle(bundle, 256) == entries[256:512]
        partial = log.read_path("tile/entries/273.p/112")
        assert partial is not None
        assert decode_bundle(partial, 112) == entries[273 * 256 :]
        head = log.read_path("tile/entries/273.p/3")
        assert head is not None
        assert decode_bundle(head, 3) == entries[273 * 256 : 273 * 256 + 3]
        assert log.read_path("tile/entries/274.p/1") is None
        for bad in ("tile/0/x000/000", "tile/../../etc/passwd", "", "tile/0/000.p/256"):
            assert log.read_path(bad) is None
        served = log.read_path(Tile(0, 100).path())
        assert served is not None
        assert split_hashes(served, 256) == tree.levels[0][25600:25856]
