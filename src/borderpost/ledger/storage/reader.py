"""A post's log read from its files by a process that is not its writer.

With several server processes on one home, one process (the elected appender) holds the tile
store's writer lock; the others serve the log from the same files through ``LogReader``. It
reads only what the published checkpoint covers: those bytes were made durable before the
checkpoint was published and are never rewritten (recovery only cuts beyond the last signed
checkpoint), so a reader never sees a half-written tile or entry.
"""

from __future__ import annotations

import os
import struct
from pathlib import Path

from borderpost.ledger.storage.log import CHECKPOINT_FILE, PUBLISHED_FILE
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError, MalformedNoteError
from borderpost.ledger.tlog.note import parse_note
from borderpost.ledger.tlog.tiles import (
    ENTRIES_LEVEL,
    FULL_TILE_BYTES,
    TILE_HEIGHT,
    TILE_WIDTH,
    Tile,
    TileNodeReader,
    decode_bundle,
)


def _pread(path: Path, offset: int, size: int) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        data = os.pread(fd, size, offset)
    finally:
        os.close(fd)
    return data if len(data) == size else None


class LogReader:
    """Read-only view of the published part of the log in ``directory`` (no writer lock)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    @property
    def published_checkpoint_note(self) -> bytes | None:
        """The checkpoint note served to the public, if any (as ``TileLog`` answers it)."""
        for name in (PUBLISHED_FILE, CHECKPOINT_FILE):
            path = self.directory / name
            if path.exists():
                note = path.read_bytes()
                return note or None
        return None

    def _published_size(self) -> int:
        note = self.published_checkpoint_note
        if note is None:
            return 0
        try:
            return Checkpoint.parse(parse_note(note)[0]).size
        except MalformedNoteError:
            return 0

    def read_path(self, path: str) -> bytes | None:
        """Answer a tlog-tiles path as ``TileLog.read_path`` does, from the files."""
        if path == CHECKPOINT_FILE:
            return self.published_checkpoint_note
        try:
            tile = Tile.parse(path)
        except MalformedNoteError:
            return None
        served = self._published_size()
        if tile.is_entries:
            if (tile.index << TILE_HEIGHT) + tile.width > served:
                return None
            return self._bundle(tile.index, tile.width)
        if (tile.index << TILE_HEIGHT) + tile.width > served >> (TILE_HEIGHT * tile.level):
            return None
        return _pread(
            self.directory / f"tiles.{tile.level}",
            tile.index * FULL_TILE_BYTES,
            tile.width * merkle.HASH_SIZE,
        )

    def _bundle(self, index: int, width: int) -> bytes | None:
        start = 0
        if index > 0:
            end = _pread(self.directory / "entries.index", (index - 1) * 8, 8)
            if end is None:
                return None
            (start,) = struct.unpack(">Q", end)
        if width == TILE_WIDTH:
            end = _pread(self.directory / "entries.index", index * 8, 8)
            if end is not None:
                (stop,) = struct.unpack(">Q", end)
                return _pread(self.directory / "entries.bundles", start, stop - start)
        # A partial bundle (or a full one the index does not list yet): walk its entries.
        pos, out = start, bytearray()
        path = self.directory / "entries.bundles"
        for _ in range(width):
            head = _pread(path, pos, 2)
            if head is None:
                return None
            body = _pread(path, pos + 2, (head[0] << 8) | head[1])
            if body is None:
                return None
            out += head + body
            pos += 2 + len(body)
        return bytes(out)

    def entry(self, index: int) -> bytes:
        """Entry ``index`` (within the published checkpoint)."""
        bundle, offset = divmod(index, TILE_WIDTH)
        data = self.read_path(Tile(ENTRIES_LEVEL, bundle, offset + 1).path())
        if data is None:
            raise LedgerError(f"entry {index} is not in the published log")
        return decode_bundle(data)[offset]

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        """The audit path of entry ``index`` in the published tree of ``size`` entries."""

        def get_tile(level: int, n: int) -> bytes:
            count = size >> (TILE_HEIGHT * level)
            width = min(TILE_WIDTH, count - n * TILE_WIDTH)
            data = self.read_path(Tile(level, n, width).path())
            if data is None:
                raise LedgerError(f"tile {level}/{n} is not in the published log")
            return data

        return merkle.inclusion_proof(index, size, TileNodeReader({}, get_tile).node)
