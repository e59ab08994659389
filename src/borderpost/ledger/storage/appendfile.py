"""Append-only files read through memory-mapped windows (the tile store's storage)."""

from __future__ import annotations

import mmap
import os
import struct
from pathlib import Path

from borderpost.ledger.storage.errors import StoreCorruptError

CHUNK_BITS = 20  # files are mapped in 1 MiB windows: a full window is never remapped


class AppendFile:
    """An append-only file, read through memory-mapped 1 MiB windows.

    Windows that the file has filled stay mapped (prefaulted once), so random reads of old
    hashes cost a slice, not a system call or a page fault; only the last window is remapped
    as the file grows.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
        self.length = os.fstat(self.fd).st_size
        # Public for the store's hot path: window i maps bytes [i << CHUNK_BITS, ...).
        self.windows: list[mmap.mmap | None] = []

    def append(self, data: bytes) -> None:
        view, offset = memoryview(data), self.length
        while view:
            written = os.pwrite(self.fd, view, offset)
            offset += written
            view = view[written:]
        self.length = offset

    def sync(self) -> None:
        os.fdatasync(self.fd)

    def read(self, offset: int, size: int) -> bytes:
        end = offset + size
        if offset < 0 or end > self.length:
            raise StoreCorruptError(f"{self.path.name}: read past the end ({end} > {self.length})")
        if size == 0:
            return b""
        window = offset >> CHUNK_BITS
        if (end - 1) >> CHUNK_BITS != window:
            return os.pread(self.fd, size, offset)  # straddles two windows: rare
        base = window << CHUNK_BITS
        maps = self.windows
        m = maps[window] if window < len(maps) else None
        if m is None or end - base > len(m):
            m = self._map_window(window)
        return m[offset - base : end - base]

    def _map_window(self, window: int) -> mmap.mmap:
        maps = self.windows
        while len(maps) <= window:
            maps.append(None)
        old = maps[window]
        if old is not None:
            old.close()
        base = window << CHUNK_BITS
        length = min(1 << CHUNK_BITS, self.length - base)
        flags = mmap.MAP_SHARED | getattr(mmap, "MAP_POPULATE", 0)
        m = mmap.mmap(self.fd, length, flags=flags, prot=mmap.PROT_READ, offset=base)
        maps[window] = m
        return m

    def _unmap(self) -> None:
        for m in self.windows:
            if m is not None:
                m.close()
        self.windows = []

    def truncate(self, length: int) -> None:
        self._unmap()
        os.ftruncate(self.fd, length)
        self.length = length

    def close(self) -> None:
        self._unmap()
        os.close(self.fd)


def scan_bundles(index: AppendFile, bundles: AppendFile) -> tuple[int, list[int], list[int]]:
    """Read a bundle index and the bundles after it, stopping at a torn tail.

    Returns (index entries that are valid, end offsets of the full bundles, end offsets of the
    complete entries after the last full bundle). Bundles the index lacks are found by
    parsing: the index is only a shortcut.
    """
    raw = index.read(0, index.length - index.length % 8)
    ends: list[int] = []
    prev = 0
    for (end,) in struct.iter_unpack(">Q", raw):
        if end - prev < 2 * 256 or end > bundles.length:
            break  # a torn or unflushed index tail
        ends.append(end)
        prev = end
    valid = len(ends)
    data = bundles.read(prev, bundles.length - prev)
    tail: list[int] = []
    pos = 0
    while pos + 2 <= len(data):
        n = (data[pos] << 8) | data[pos + 1]
        if pos + 2 + n > len(data):
            break
        pos += 2 + n
        tail.append(prev + pos)
        if len(tail) == 256:
            ends.append(tail[-1])
            tail = []
    return valid, ends, tail


def entry_ends(bundles: AppendFile, start: int, stop: int | None, count: int) -> list[int]:
    """End offsets of the first ``count`` entries of the bundle at ``start``."""
    data = bundles.read(start, (bundles.length if stop is None else stop) - start)
    out, pos = [], 0
    for _ in range(count):
        pos += 2 + ((data[pos] << 8) | data[pos + 1])
        out.append(start + pos)
    return out
