"""Client-side verification of a served log, given only ``fetch(path) -> bytes | None``.

``verify_log`` checks the checkpoint signature, fetches every tile and entry bundle the
checkpoint covers, checks that entries hash to the level-0 tiles, that each full tile hashes
to its entry one level up, that the tree rebuilt from the tiles has the signed root, and that
the log is consistent with a checkpoint seen before. Any changed byte in an entry, a tile or
the checkpoint makes it fail.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from borderpost.ledger import merkle
from borderpost.ledger.checkpoint import Checkpoint
from borderpost.ledger.errors import LedgerError, VerificationError
from borderpost.ledger.note import NoteVerifier, open_note
from borderpost.ledger.tiles import (
    TILE_WIDTH,
    Tile,
    TileNodeReader,
    bundles_for_size,
    decode_bundle,
    split_hashes,
    tiles_for_size,
)

Fetch = Callable[[str], "bytes | None"]


@dataclass(frozen=True)
class VerifiedLog:
    """A checkpoint that verified, with the entries it covers (when fetched)."""

    checkpoint: Checkpoint
    note: bytes
    entries: tuple[bytes, ...] | None


def _get(fetch: Fetch, path: str) -> bytes:
    data = fetch(path)
    if data is None:
        raise VerificationError(f"the log does not serve {path}")
    return data


def open_checkpoint(note: bytes, origin: str, log_keys: Sequence[NoteVerifier]) -> Checkpoint:
    """Verify a checkpoint note's log signature and origin; return the checkpoint."""
    try:
        opened = open_note(note, log_keys)
        checkpoint = Checkpoint.parse(opened.text)
    except LedgerError as exc:
        raise VerificationError(f"checkpoint rejected: {exc}") from exc
    if checkpoint.origin != origin:
        raise VerificationError(f"checkpoint is for {checkpoint.origin!r}, not {origin!r}")
    return checkpoint


def fetch_tiles(fetch: Fetch, size: int) -> dict[tuple[int, int], bytes]:
    """Fetch every hash tile of a tree of ``size`` leaves, checking each tile's length."""
    tiles: dict[tuple[int, int], bytes] = {}
    for tile in tiles_for_size(size):
        data = _get(fetch, tile.path())
        if len(data) != tile.width * merkle.HASH_SIZE:
            raise VerificationError(f"{tile.path()} is {len(data)} bytes, not {tile.width * 32}")
        tiles[(tile.level, tile.index)] = data
    return tiles


def check_tiles(tiles: dict[tuple[int, int], bytes], size: int, root: bytes) -> TileNodeReader:
    """Check that tiles chain up to ``root``; return a node reader over them."""
    for (level, index), data in tiles.items():
        if len(data) == TILE_WIDTH * merkle.HASH_SIZE:
            parent = tiles.get((level + 1, index // TILE_WIDTH))
            pos = (index % TILE_WIDTH) * merkle.HASH_SIZE
            if parent is None or len(parent) < pos + merkle.HASH_SIZE:
                raise VerificationError(f"no hash one level up for full tile {level}/{index}")
            if merkle.perfect_root(split_hashes(data)) != parent[pos : pos + merkle.HASH_SIZE]:
                raise VerificationError(f"tile {level}/{index} does not hash to its parent")
    reader = TileNodeReader(tiles)
    if merkle.root_hash(size, reader.node) != root:
        raise VerificationError(f"the tree rebuilt from tiles does not have the root of {size}")
    return reader


def fetch_entries(fetch: Fetch, size: int, level0: Callable[[int], bytes]) -> list[bytes]:
    """Fetch every entry bundle of a tree of ``size`` leaves, checked against level-0 tiles."""
    entries: list[bytes] = []
    for bundle in bundles_for_size(size):
        try:
            got = decode_bundle(_get(fetch, bundle.path()), bundle.width)
        except LedgerError as exc:
            raise VerificationError(f"{bundle.path()}: {exc}") from exc
        tile = split_hashes(level0(bundle.index))
        for i, e in enumerate(got):
            if merkle.leaf_hash(e) != tile[i]:
                raise VerificationError(f"entry {bundle.index * TILE_WIDTH + i} does not match")
        entries.extend(got)
    return entries


def verify_log(
    fetch: Fetch,
    *,
    origin: str,
    log_keys: Sequence[NoteVerifier],
    previous: Checkpoint | None = None,
    with_entries: bool = True,
) -> VerifiedLog:
    """Verify the served log in full, and its consistency with ``previous`` if given."""
    note = _get(fetch, "checkpoint")
    checkpoint = open_checkpoint(note, origin, log_keys)
    size = checkpoint.size
    tiles = fetch_tiles(fetch, size)
    reader = check_tiles(tiles, size, checkpoint.root)
    entries = None
    if with_entries:
        entries = tuple(fetch_entries(fetch, size, lambda n: tiles[(0, n)]))
    if previous is not None:
        if previous.origin != origin:
            raise VerificationError(f"previous checkpoint is for {previous.origin!r}")
        if previous.size > size:
            raise VerificationError(f"the log shrank from {previous.size} to {size} entries")
        # The proof is computed from the tiles like any client would, then checked per RFC 9162.
        proof = merkle.consistency_proof(previous.size, size, reader.node)
        try:
            merkle.verify_consistency(previous.size, size, previous.root, checkpoint.root, proof)
        except LedgerError as exc:
            raise VerificationError(
                f"the log is inconsistent with the previous view: {exc}"
            ) from exc
    return VerifiedLog(checkpoint, note, entries)


def prove_inclusion_from_tiles(fetch: Fetch, checkpoint: Checkpoint, index: int) -> list[bytes]:
    """Compute the inclusion proof of entry ``index`` by fetching only the tiles it touches."""

    def get_tile(level: int, n: int) -> bytes:
        count = checkpoint.size >> (8 * level)
        width = min(TILE_WIDTH, count - n * TILE_WIDTH)
        return _get(fetch, Tile(level, n, width).path())

    return merkle.inclusion_proof(index, checkpoint.size, TileNodeReader({}, get_tile).node)
