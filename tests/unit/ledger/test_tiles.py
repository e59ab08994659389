"""tlog-tiles paths, tile sets, entry bundles, and hashes computed from tiles."""

from __future__ import annotations

import pytest

from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.errors import MalformedNoteError
from borderpost.ledger.tlog.tiles import (
    ENTRIES_LEVEL,
    Tile,
    TileNodeReader,
    bundles_for_size,
    decode_bundle,
    encode_bundle,
    encode_index,
    tiles_for_size,
)

# c2sp.org/tlog-tiles: "index 1234067 will be encoded as x001/x234/067". The other index
# encodings come from golang.org/x/mod sumdb/tlog/tlog_test.go (tilePaths), whose paths also
# carry a tile height that C2SP tiles drop.
INDEX_VECTORS = [
    (1234067, "x001/x234/067"),
    (123456078, "x123/x456/078"),
    (3057500, "x003/x057/500"),
    (1, "001"),
    (0, "000"),
    (1000, "x001/000"),
]
PATH_VECTORS = [
    ("tile/0/001", Tile(0, 1)),
    ("tile/0/001.p/5", Tile(0, 1, 5)),
    ("tile/5/x123/x456/078", Tile(5, 123456078)),
    ("tile/5/x123/x456/078.p/2", Tile(5, 123456078, 2)),
    ("tile/1/x001/x234/067.p/17", Tile(1, 1234067, 17)),
    ("tile/entries/x003/x057/500", Tile(ENTRIES_LEVEL, 3057500)),
    ("tile/entries/000.p/255", Tile(ENTRIES_LEVEL, 0, 255)),
    ("tile/63/000", Tile(63, 0)),
]
BAD_PATHS = [
    "tile/3/123/456/078",  # Go's invalid example: elements before the last need an x
    "tile/-1/000",
    "tile/01/000",  # leading zero in the level
    "tile/64/000",  # levels stop at 63
    "tile/0/1",
    "tile/0/x000/001",  # non-canonical index
    "tile/0/001.p/0",
    "tile/0/001.p/256",
    "tile/0/001.p/05",
    "tile/0/001.p/",
    "tile/data/000",
    "checkpoint/000",
    "tile/0/x001",
]


@pytest.mark.parametrize(("n", "text"), INDEX_VECTORS)
def test_index_encoding(n: int, text: str) -> None:
    assert encode_index(n) == text
    assert Tile.parse(f"tile/0/{text}").index == n


@pytest.mark.parametrize(("path", "tile"), PATH_VECTORS)
def test_paths_round_trip(path: str, tile: Tile) -> None:
    assert Tile.parse(path) == tile
    assert tile.path() == path


@pytest.mark.parametrize("path", BAD_PATHS)
def test_bad_paths(path: str) -> None:
    with pytest.raises(MalformedNoteError):
        Tile.parse(path)


def test_spec_tile_set_examples() -> None:
    # c2sp.org/tlog-tiles: "a tree of size 70,000 will be represented by 273 full level 0
    # tiles, one partial level 0 tile of width 112, one full level 1 tile, one partial level 1
    # tile of width 17, and one partial level 2 tile of width 1."
    tiles = tiles_for_size(70000)
    full0 = [t for t in tiles if t.level == 0 and not t.is_partial]
    assert len(full0) == 273
    assert [t for t in tiles if t.is_partial] == [Tile(0, 273, 112), Tile(1, 1, 17), Tile(2, 0, 1)]
    assert [t for t in tiles if t.level == 1 and not t.is_partial] == [Tile(1, 0)]
    # "a tree of size 256 will be represented by a full level 0 tile and a partial level 1 tile
    # of width 1."
    assert tiles_for_size(256) == [Tile(0, 0), Tile(1, 0, 1)]
    assert tiles_for_size(0) == []
    assert bundles_for_size(513) == [
        Tile(ENTRIES_LEVEL, 0),
        Tile(ENTRIES_LEVEL, 1),
        Tile(ENTRIES_LEVEL, 2, 1),
    ]


def test_entry_bundles() -> None:
    entries = [b"", b"a", bytes(300), bytes(range(256)) * 255 + bytes(255)]
    data = encode_bundle(entries)
    assert data[:4] == b"\x00\x00\x00\x01"
    assert decode_bundle(data, 4) == entries
    with pytest.raises(ValueError, match="65,535"):
        encode_bundle([bytes(65536)])
    for bad in (data[:-1], data + b"\x00", b"\x00\x05abc"):
        with pytest.raises(MalformedNoteError):
            decode_bundle(bad, 4)
    with pytest.raises(MalformedNoteError):
        decode_bundle(data, 3)


def test_any_stored_hash_and_proof_from_tiles() -> None:
    size = 70000
    tree = merkle.MemoryTree(b"%d" % i for i in range(size))
    tiles = {}
    for t in tiles_for_size(size):
        start = t.index * 256
        row = tree.levels[8 * t.level][start : start + t.width]
        tiles[(t.level, t.index)] = b"".join(row)
    reader = TileNodeReader(tiles)
    for height, index in [(0, 0), (3, 5), (7, 1), (8, 0), (9, 0), (16, 0), (8, 272), (4, 4370)]:
        assert reader.node(height, index) == tree.node(height, index)
    assert merkle.root_hash(size, reader.node) == tree.root()
    for old in (1, 255, 256, 65536, 69999):
        proof = merkle.consistency_proof(old, size, reader.node)
        assert proof == merkle.consistency_proof(old, size, tree.node)
    for index in (0, 255, 65535, 65536, 69999):
        assert merkle.inclusion_proof(index, size, reader.node) == merkle.inclusion_proof(
            index, size, tree.node
        )
