"""C2SP tlog-tiles: tile coordinates, paths, entry bundles, and hashes computed from tiles.

A tile at level L, index N holds up to 256 consecutive Merkle tree hashes at tree height 8*L:
the hash of each complete subtree of 256**L leaves, N*256 onwards. Full tiles are 8,192 bytes;
the rightmost tiles of a tree are partial (width 1..255) and served at ``.p/<W>``. Entry bundles
hold the entries of the level-0 tile with the same index, each prefixed by its big-endian
uint16 length.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from borderpost.ledger.tlog.errors import MalformedNoteError
from borderpost.ledger.tlog.merkle import HASH_SIZE, node_hash, perfect_root

TILE_HEIGHT = 8
TILE_WIDTH = 1 << TILE_HEIGHT
FULL_TILE_BYTES = TILE_WIDTH * HASH_SIZE
ENTRIES_LEVEL = -1  # Tile.level of an entry bundle
MAX_LEVEL = 63
MAX_ENTRY_SIZE = 0xFFFF

_LEVEL = re.compile(r"0|[1-9][0-9]?")
_WIDTH = re.compile(r"[1-9][0-9]{0,2}")
_GROUP = re.compile(r"[0-9]{3}")


def encode_index(n: int) -> str:
    """Encode a tile index as zero-padded 3-digit path elements, all but the last x-prefixed."""
    if n < 0:
        raise ValueError(f"negative tile index {n}")
    digits = str(n)
    digits = "0" * (-len(digits) % 3) + digits
    groups = [digits[i : i + 3] for i in range(0, len(digits), 3)]
    return "/".join([*("x" + g for g in groups[:-1]), groups[-1]])


def parse_index(text: str) -> int:
    """Parse the path elements of a tile index, refusing non-canonical forms (e.g. ``x000/001``)."""
    parts = text.split("/")
    for part in parts[:-1]:
        if not (part.startswith("x") and _GROUP.fullmatch(part[1:])):
            raise MalformedNoteError(f"tile index element {part!r} must be x and three digits")
    if not _GROUP.fullmatch(parts[-1]):
        raise MalformedNoteError(f"tile index element {parts[-1]!r} must be three digits")
    if len(parts) > 1 and parts[0] == "x000":
        raise MalformedNoteError("tile index has a leading zero element")
    return int("".join(p.lstrip("x") for p in parts))


@dataclass(frozen=True, order=True)
class Tile:
    """A tile (level 0..63) or an entry bundle (level ENTRIES_LEVEL), with its width."""

    level: int
    index: int
    width: int = TILE_WIDTH

    def __post_init__(self) -> None:
        if not (self.level == ENTRIES_LEVEL or 0 <= self.level <= MAX_LEVEL):
            raise ValueError(f"tile level {self.level} out of range")
        if self.index < 0 or not 1 <= self.width <= TILE_WIDTH:
            raise ValueError(f"bad tile index {self.index} or width {self.width}")

    @property
    def is_entries(self) -> bool:
        """True for an entry bundle."""
        return self.level == ENTRIES_LEVEL

    @property
    def is_partial(self) -> bool:
        """True when narrower than 256."""
        return self.width < TILE_WIDTH

    def path(self) -> str:
        """Return the tlog-tiles path, e.g. ``tile/1/x001/234.p/17`` or ``tile/entries/000``."""
        level = "entries" if self.is_entries else str(self.level)
        suffix = f".p/{self.width}" if self.is_partial else ""
        return f"tile/{level}/{encode_index(self.index)}{suffix}"

    @classmethod
    def parse(cls, path: str) -> Tile:
        """Parse a tlog-tiles tile or entry bundle path, strictly."""
        if not path.startswith("tile/"):
            raise MalformedNoteError(f"not a tile path: {path[:60]!r}")
        level_text, _, rest = path[5:].partition("/")
        if level_text == "entries":
            level = ENTRIES_LEVEL
        elif _LEVEL.fullmatch(level_text) and int(level_text) <= MAX_LEVEL:
            level = int(level_text)
        else:
            raise MalformedNoteError(f"bad tile level {level_text[:10]!r}")
        index_text, sep, width_text = rest.partition(".p/")
        width = TILE_WIDTH
        if sep:
            if not _WIDTH.fullmatch(width_text) or int(width_text) >= TILE_WIDTH:
                raise MalformedNoteError(f"bad partial tile width {width_text[:10]!r}")
            width = int(width_text)
        return cls(level, parse_index(index_text), width)

    def hash_count(self) -> int:
        """Number of hashes (or entries) in the tile."""
        return self.width


def hashes_at_level(size: int, level: int) -> int:
    """Number of hashes at tile level ``level`` in a tree of ``size`` leaves."""
    return size >> (TILE_HEIGHT * level)


def tiles_for_size(size: int) -> list[Tile]:
    """Every hash tile, full and partial, that represents the tree of ``size`` leaves."""
    tiles: list[Tile] = []
    level = 0
    while (count := hashes_at_level(size, level)) > 0:
        full, width = divmod(count, TILE_WIDTH)
        tiles.extend(Tile(level, n) for n in range(full))
        if width:
            tiles.append(Tile(level, full, width))
        level += 1
    return tiles


def bundles_for_size(size: int) -> list[Tile]:
    """Every entry bundle, full and partial, holding the entries of a tree of ``size`` leaves."""
    full, width = divmod(size, TILE_WIDTH)
    bundles = [Tile(ENTRIES_LEVEL, n) for n in range(full)]
    if width:
        bundles.append(Tile(ENTRIES_LEVEL, full, width))
    return bundles


def encode_bundle(entries: Iterable[bytes]) -> bytes:
    """Return the entry bundle bytes: each entry prefixed by its big-endian uint16 length."""
    try:
        return b"".join([len(e).to_bytes(2, "big") + e for e in entries])
    except OverflowError:
        raise ValueError("an entry exceeds the 65,535 bytes a bundle can hold") from None


def decode_bundle(data: bytes, count: int | None = None) -> list[bytes]:
    """Split entry bundle bytes into entries; with ``count``, require exactly that many."""
    entries: list[bytes] = []
    pos, end = 0, len(data)
    while pos < end:
        if pos + 2 > end:
            raise MalformedNoteError("entry bundle ends inside a length prefix")
        n = (data[pos] << 8) | data[pos + 1]
        if pos + 2 + n > end:
            raise MalformedNoteError("entry bundle ends inside an entry")
        entries.append(data[pos + 2 : pos + 2 + n])
        pos += 2 + n
        if len(entries) > TILE_WIDTH:
            raise MalformedNoteError("entry bundle has more than 256 entries")
    if count is not None and len(entries) != count:
        raise MalformedNoteError(f"entry bundle has {len(entries)} entries, expected {count}")
    return entries


def split_hashes(data: bytes, count: int | None = None) -> list[bytes]:
    """Split tile bytes into 32-byte hashes; with ``count``, require exactly that many."""
    if len(data) % HASH_SIZE or (count is not None and len(data) != count * HASH_SIZE):
        raise MalformedNoteError(f"tile of {len(data)} bytes does not hold the expected hashes")
    return [data[i : i + HASH_SIZE] for i in range(0, len(data), HASH_SIZE)]


def tile_inner_levels(hashes: Sequence[bytes]) -> list[list[bytes]]:
    """Return the hashes of a tile's subtree by level: [tile hashes, height 1, ..., height 7].

    Only complete pairs are hashed, so a partial tile yields its complete inner nodes; the root
    of a full tile (height 8) is the caller's to take as ``node_hash(levels[7][0], levels[7][1])``.
    """
    levels = [list(hashes)]
    for _ in range(1, TILE_HEIGHT):
        below = levels[-1]
        levels.append([node_hash(below[i], below[i + 1]) for i in range(0, len(below) - 1, 2)])
    return levels


TileGetter = Callable[[int, int], bytes]


class TileNodeReader:
    """Answers ``node(level, index)`` for complete subtrees by hashing within tiles.

    ``tiles`` maps (tile level, tile index) to tile bytes (full or partial); a missing tile is
    fetched with ``fetch`` when given. This is how a client computes any stored hash, root or
    proof from a served log.
    """

    def __init__(
        self, tiles: Mapping[tuple[int, int], bytes], fetch: TileGetter | None = None
    ) -> None:
        self._tiles = dict(tiles)
        self._fetch = fetch
        self._cache: dict[tuple[int, int], bytes] = {}

    def _tile(self, level: int, index: int) -> bytes:
        key = (level, index)
        data = self._tiles.get(key)
        if data is None:
            if self._fetch is None:
                raise KeyError(f"tile {level}/{index} is not available")
            data = self._tiles[key] = self._fetch(level, index)
        return data

    def node(self, level: int, index: int) -> bytes:
        """Return the hash of the complete subtree at Merkle height ``level``, ``index``."""
        key = (level, index)
        cached = self._cache.get(key)
        if cached is not None:
            return cached
        tile_level, height = divmod(level, TILE_HEIGHT)
        shift = TILE_HEIGHT - height
        tile_index, offset = index >> shift, index & ((1 << shift) - 1)
        data = self._tile(tile_level, tile_index)
        lo, hi = (offset << height) * HASH_SIZE, ((offset + 1) << height) * HASH_SIZE
        if hi > len(data):
            raise KeyError(f"tile {tile_level}/{tile_index} is too narrow for node {level}/{index}")
        value = perfect_root(split_hashes(data[lo:hi]))
        self._cache[key] = value
        return value
