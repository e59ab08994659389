"""A durable on-disk tile store: entry bundles and hash tiles, appended in batches.

Files, all append-only (nothing written is rewritten; recovery only cuts a torn tail)::

    entries.bundles  entry bundles back to back; entries.index: uint64 end of each full one
    tiles.<L>        level-L tile hashes back to back: tile L/N is bytes [8192*N, 8192*(N+1))
    inner.<L>        the 254 inner hashes (heights 8L+1..8L+7) of each full level-L tile

Every tree hash is stored once (2n - popcount(n) hashes: under 64 MB per million entries), so
proofs are lookups. Entries are fsynced per batch and are the source of truth: on open, hashes
a crash cut short are re-derived from them; the right edge of each level lives in memory.
"""

from __future__ import annotations

import fcntl
import hashlib
import os
import struct
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from itertools import accumulate
from pathlib import Path

from borderpost.ledger.storage.appendfile import CHUNK_BITS, AppendFile, entry_ends, scan_bundles
from borderpost.ledger.storage.errors import StoreCorruptError, StoreLockedError
from borderpost.ledger.storage.files import fsync_dir
from borderpost.ledger.tlog.merkle import HASH_SIZE
from borderpost.ledger.tlog.tiles import (
    FULL_TILE_BYTES,
    MAX_ENTRY_SIZE,
    TILE_HEIGHT,
    TILE_WIDTH,
    decode_bundle,
    encode_bundle,
    split_hashes,
    tile_inner_levels,
)

INNER_PER_TILE = TILE_WIDTH - 2  # 128 + 64 + ... + 2 inner hashes of a full tile
INNER_RECORD_BYTES = INNER_PER_TILE * HASH_SIZE
_sha256 = hashlib.sha256


def _inner_offset(height: int, offset: int) -> int:
    """Position of an inner hash in a tile's record: heights stored lowest first."""
    return (TILE_WIDTH - (1 << (TILE_HEIGHT + 1 - height))) + offset


class TileStore:
    """The on-disk tiles and entry bundles of one log (single writer per directory)."""

    def __init__(self, directory: Path, min_size: int = 0, *, sync_hashes: bool = False) -> None:
        """Open (creating if needed) the store; ``min_size`` entries must survive recovery.

        ``sync_hashes`` fsyncs the hash tiles on every append as well as the entries.
        """
        directory.mkdir(parents=True, exist_ok=True)
        self.directory = directory
        self._lock_fd = os.open(directory / "lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        try:
            fcntl.flock(self._lock_fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(self._lock_fd)
            raise StoreLockedError(f"{directory} is open in another writer") from exc
        self._tiles: list[AppendFile] = []
        self._inner: list[AppendFile] = []
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="ledger-fsync")
        self._broken = False
        self._size = 0
        self._bundle_ends: list[int] = []
        self._tail_ends: list[int] = []
        self._edge: list[list[list[bytes]]] = []
        self._sync_every_batch = sync_hashes
        self._dirty: set[AppendFile] = set()
        self._created = False
        try:
            self._bundles = AppendFile(directory / "entries.bundles")
            self._index = AppendFile(directory / "entries.index")
            while (directory / f"tiles.{len(self._tiles)}").exists():
                self._open_level()
            self._recover(min_size)
        except BaseException:
            self.close()
            raise

    def _open_level(self) -> None:
        self._created = True
        level = len(self._tiles)
        self._tiles.append(AppendFile(self.directory / f"tiles.{level}"))
        self._inner.append(AppendFile(self.directory / f"inner.{level}"))

    def _entry_ends(self, bundle: int, start: int, count: int) -> list[int]:
        stop = self._bundle_ends[bundle] if bundle < len(self._bundle_ends) else None
        return entry_ends(self._bundles, start, stop, count)

    def _recover(self, min_size: int) -> None:
        valid, ends, tail = scan_bundles(self._index, self._bundles)
        # The entries are the source of truth: every hash is a function of them.
        n = len(ends) * TILE_WIDTH + len(tail)
        leaves = self._tiles[0].length // HASH_SIZE if self._tiles else 0
        if n < min_size:
            # Not a torn batch but lost or damaged entries: leave every file as it is.
            raise StoreCorruptError(
                f"{self.directory}: only {n} entries are intact but a checkpoint of "
                f"{min_size} was signed; nothing was changed"
            )
        full, width = divmod(n, TILE_WIDTH)
        self._bundle_ends = ends[:full]
        start = self._bundle_ends[-1] if full else 0
        self._tail_ends = self._entry_ends(full, start, width) if width else []
        kept = min(n, leaves)
        self._check_leaves(max(0, kept - 2 * TILE_WIDTH), kept)
        if n and not self._tiles:
            self._open_level()
        changed: set[AppendFile] = set()
        self._cut(self._bundles, self._tail_ends[-1] if width else start, changed)
        self._cut(self._index, min(valid, full) * 8, changed)
        if valid < full:
            self._index.append(b"".join(struct.pack(">Q", e) for e in ends[valid:full]))
            changed.add(self._index)
        if self._tiles:
            self._repair_hashes(n, changed)
        self._size = n
        if changed:
            for f in changed:
                f.sync()
            fsync_dir(self.directory)
        self._edge = []
        for level in range(len(self._tiles)):
            count = n >> (TILE_HEIGHT * level)
            tile, w = divmod(count, TILE_WIDTH)
            data = self._tiles[level].read(tile * FULL_TILE_BYTES, w * HASH_SIZE)
            self._edge.append(tile_inner_levels(split_hashes(data)))

    @staticmethod
    def _cut(f: AppendFile, length: int, changed: set[AppendFile]) -> None:
        if f.length != length:
            f.truncate(length)
            changed.add(f)

    def _repair_hashes(self, n: int, changed: set[AppendFile]) -> None:
        """Cut every hash file to what ``n`` entries need; recompute what a crash left out."""
        tiles0 = self._tiles[0]
        self._cut(tiles0, min(tiles0.length // HASH_SIZE, n) * HASH_SIZE, changed)
        for b in range(tiles0.length // FULL_TILE_BYTES, (n + TILE_WIDTH - 1) // TILE_WIDTH):
            have = tiles0.length // HASH_SIZE - b * TILE_WIDTH
            width = min(TILE_WIDTH, n - b * TILE_WIDTH)
            entries = decode_bundle(self.bundle(b, width) or b"", width)[have:]
            tiles0.append(b"".join(_sha256(b"\x00" + e).digest() for e in entries))
            changed.add(tiles0)
        level = 1
        while True:
            need = n >> (TILE_HEIGHT * level)  # hashes at this level = full tiles below it
            below = self._tiles[level - 1]
            self._fill(self._inner[level - 1], INNER_RECORD_BYTES, need, below, changed)
            if level == len(self._tiles):
                if need == 0:
                    return
                self._open_level()  # a crash came before the new level's file was durable
            self._fill(self._tiles[level], HASH_SIZE, need, below, changed)
            level += 1

    def _fill(
        self, f: AppendFile, per: int, need: int, below: AppendFile, changed: set[AppendFile]
    ) -> None:
        keep = min(f.length // per, need)
        self._cut(f, keep * per, changed)
        for tile in range(keep, need):
            rows = tile_inner_levels(
                split_hashes(below.read(tile * FULL_TILE_BYTES, FULL_TILE_BYTES))
            )
            if per == HASH_SIZE:
                f.append(_sha256(b"\x01" + rows[7][0] + rows[7][1]).digest())
            else:
                f.append(b"".join(b"".join(row) for row in rows[1:]))
            changed.add(f)

    def _check_leaves(self, first: int, n: int) -> None:
        """Compare entries [first, n) with their stored leaf hashes before repairing anything."""
        for b in range(first >> TILE_HEIGHT, (n + TILE_WIDTH - 1) >> TILE_HEIGHT):
            width = min(TILE_WIDTH, n - (b << TILE_HEIGHT))
            entries = decode_bundle(self.bundle(b, width) or b"", width)
            hashes = split_hashes(self._tiles[0].read(b * FULL_TILE_BYTES, width * HASH_SIZE))
            for i, (e, h) in enumerate(zip(entries, hashes, strict=True)):
                if _sha256(b"\x00" + e).digest() != h:
                    index = (b << TILE_HEIGHT) + i
                    raise StoreCorruptError(f"entry {index} does not hash to its stored leaf hash")

    def append(self, entries: Sequence[bytes]) -> int:
        """Append entries; return the first new index once they are fdatasync'ed.

        The hash tiles are written in the same call and fsynced with the entries when the
        store was opened with ``sync_hashes``, else at the next ``sync_hashes()``.
        """
        if self._broken:
            raise StoreCorruptError("an earlier append failed; reopen the store to recover")
        first = self._size
        if not entries:
            return first
        lengths = [len(e) for e in entries]
        if max(lengths) > MAX_ENTRY_SIZE:
            raise ValueError(f"entry of {max(lengths)} bytes exceeds the 65,535 a bundle can hold")
        ends = list(accumulate((2 + n for n in lengths), initial=self._bundles.length))[1:]
        tail = self._tail_ends + ends
        split = len(tail) - len(tail) % TILE_WIDTH
        new_ends, tail = tail[TILE_WIDTH - 1 : split : TILE_WIDTH], tail[split:]
        try:
            # The entries go first and their fsync runs while the hashes are computed.
            self._bundles.append(encode_bundle(entries))
            synced = [self._bundles]
            if new_ends:
                self._index.append(b"".join(struct.pack(">Q", e) for e in new_ends))
                synced.append(self._index)
            pending = [self._pool.submit(f.sync) for f in synced]
            edges, hash_files = self._append_hashes(
                [_sha256(b"\x00" + e).digest() for e in entries]
            )
            if self._sync_every_batch:
                pending += [self._pool.submit(f.sync) for f in hash_files]
            else:
                self._dirty.update(hash_files)
            for job in pending:
                job.result()
            if self._created:
                fsync_dir(self.directory)
                self._created = False
        except BaseException:
            self._broken = True  # memory and disk may now disagree; reopening repairs the files
            raise
        for lvl, rows in edges.items():
            self._edge[lvl] = rows
        self._bundle_ends.extend(new_ends)
        self._tail_ends = tail
        self._size += len(entries)
        return first

    def _append_hashes(
        self, new: list[bytes]
    ) -> tuple[dict[int, list[list[bytes]]], list[AppendFile]]:
        """Write the tile hashes that ``new`` leaf hashes add, level by level."""
        edges: dict[int, list[list[bytes]]] = {}
        written: list[AppendFile] = []
        level = 0
        while new:
            if level == len(self._tiles):
                self._open_level()
            if level == len(self._edge):
                self._edge.append([[] for _ in range(TILE_HEIGHT)])
            rows = [list(r) for r in self._edge[level]]
            self._tiles[level].append(b"".join(new))
            written.append(self._tiles[level])
            up: list[bytes] = []
            records: list[bytes] = []
            i = 0
            while i < len(new):
                take = min(TILE_WIDTH - len(rows[0]), len(new) - i)
                rows[0].extend(new[i : i + take])
                i += take
                for h in range(1, TILE_HEIGHT):
                    below, row = rows[h - 1], rows[h]
                    row.extend(
                        [
                            _sha256(b"\x01" + below[c] + below[c + 1]).digest()
                            for c in range(2 * len(row), len(below) - 1, 2)
                        ]
                    )
                if len(rows[0]) == TILE_WIDTH:
                    up.append(_sha256(b"\x01" + rows[7][0] + rows[7][1]).digest())
                    records.append(b"".join([b"".join(r) for r in rows[1:]]))
                    rows = [[] for _ in range(TILE_HEIGHT)]
            if records:
                self._inner[level].append(b"".join(records))
                written.append(self._inner[level])
            edges[level] = rows
            new = up
            level += 1
        return edges, written

    def sync_hashes(self) -> None:
        """Make every hash tile written so far durable (before signing a checkpoint)."""
        dirty, self._dirty = list(self._dirty), set()
        if dirty:
            for job in [self._pool.submit(f.sync) for f in dirty]:
                job.result()

    @property
    def size(self) -> int:
        """Number of durable entries."""
        return self._size

    def node(self, height: int, index: int) -> bytes:
        """Return the hash of a complete subtree (the store's NodeReader); the proof hot path."""
        size = self._size
        if (index + 1) << height > size:
            raise StoreCorruptError(f"node {height}/{index} is not complete at size {size}")
        level, h = height >> 3, height & 7
        shift = TILE_HEIGHT - h
        tile = index >> shift
        if tile >= size >> ((level + 1) << 3):
            return self._edge[level][h][index & ((1 << shift) - 1)]
        if h == 0:
            f, off = self._tiles[level], index << 5
        else:
            pos = tile * INNER_PER_TILE + _inner_offset(h, index & ((1 << shift) - 1))
            f, off = self._inner[level], pos << 5
        # Inline window lookup: hash reads are 32-byte aligned and never straddle windows.
        window = off >> CHUNK_BITS
        maps = f.windows
        if window < len(maps):
            m = maps[window]
            if m is not None:
                rel = off - (window << CHUNK_BITS)
                if rel + HASH_SIZE <= len(m):
                    return m[rel : rel + HASH_SIZE]
        return f.read(off, HASH_SIZE)

    def siblings(self, index: int, heights: Sequence[int]) -> list[bytes]:
        """Return ``node(h, (index >> h) ^ 1)`` for each height, one inner record per tile.

        The siblings of a leaf's ancestors within a full tile all sit in that tile's inner
        record, so a proof reads a handful of records instead of twenty separate hashes.
        """
        out: list[bytes] = []
        size = self._size
        record, record_key = b"", (-1, -1)
        for height in heights:
            k = (index >> height) ^ 1
            level, h = height >> 3, height & 7
            shift = TILE_HEIGHT - h
            tile, offset = k >> shift, k & ((1 << shift) - 1)
            if tile >= size >> ((level + 1) << 3) or h == 0:
                out.append(self.node(height, k))
                continue
            if record_key != (level, tile):
                record = self._inner[level].read(tile * INNER_RECORD_BYTES, INNER_RECORD_BYTES)
                record_key = (level, tile)
            pos = _inner_offset(h, offset) << 5
            out.append(record[pos : pos + HASH_SIZE])
        return out

    def tile(self, level: int, index: int, width: int = TILE_WIDTH) -> bytes | None:
        """Return the first ``width`` hashes of tile ``level/index``, or None if not stored."""
        if level >= len(self._tiles):
            return None
        full = self._size >> (TILE_HEIGHT * (level + 1))
        if index < full:
            return self._tiles[level].read(index * FULL_TILE_BYTES, width * HASH_SIZE)
        if index == full and width <= len(self._edge[level][0]):
            return b"".join(self._edge[level][0][:width])
        return None

    def inner_record(self, level: int, index: int) -> bytes:
        """Return the 254 stored inner hashes of full tile ``level/index``."""
        return self._inner[level].read(index * INNER_RECORD_BYTES, INNER_RECORD_BYTES)

    def bundle(self, index: int, width: int = TILE_WIDTH) -> bytes | None:
        """Return the first ``width`` entries of bundle ``index`` encoded, or None if absent."""
        ends = self._bundle_ends
        start = ends[index - 1] if 0 < index <= len(ends) else 0
        if index < len(ends):
            stop = ends[index] if width == TILE_WIDTH else self._entry_ends(index, start, width)[-1]
        elif index == len(ends) and width <= len(self._tail_ends):
            stop = self._tail_ends[width - 1]
        else:
            return None
        return self._bundles.read(start, stop - start)

    def entry(self, index: int) -> bytes:
        """Return entry ``index``."""
        if not 0 <= index < self._size:
            raise IndexError(f"entry {index} not in a log of size {self._size}")
        bundle, offset = divmod(index, TILE_WIDTH)
        data = self.bundle(bundle, offset + 1)
        if data is None:
            raise StoreCorruptError(f"entry bundle {bundle} is missing")
        return decode_bundle(data)[offset]

    def hash_bytes(self) -> int:
        """Bytes of tree hashes on disk (tiles and inner hashes)."""
        return sum(f.length for f in (*self._tiles, *self._inner))

    def close(self) -> None:
        """Flush nothing (appends are already durable), release files and the writer lock."""
        if self._lock_fd < 0:
            return
        if not self._broken:
            self.sync_hashes()
        self._pool.shutdown(wait=True)
        for name in ("_bundles", "_index"):
            f = getattr(self, name, None)
            if f is not None:
                f.close()
        for f in (*self._tiles, *self._inner):
            f.close()
        os.close(self._lock_fd)
        self._lock_fd = -1
