"""The tamper-evident log of one post: a tile store, its proofs and its signed checkpoints.

``TileLog`` appends opaque entries durably, answers root hashes and RFC 6962 proofs from the
stored tiles, signs C2SP checkpoints, and answers tlog-tiles paths for the web layer through
``read_path``. It never signs a checkpoint inconsistent with the last one it signed: that
checkpoint is kept on disk, checked against the stored tree on open, and every new checkpoint
must extend it.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

from borderpost.ledger.storage.errors import InconsistentTreeError, StoreCorruptError
from borderpost.ledger.storage.files import write_atomically
from borderpost.ledger.storage.store import TileStore
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError, MalformedNoteError
from borderpost.ledger.tlog.note import NoteSigner, parse_note, sign_note
from borderpost.ledger.tlog.tiles import (
    TILE_HEIGHT,
    Tile,
    bundles_for_size,
    decode_bundle,
    split_hashes,
    tile_inner_levels,
    tiles_for_size,
)

CHECKPOINT_FILE = "checkpoint"
# The checkpoint served to the public: the last signed one, or with witnesses, the last one
# that gathered its quorum of cosignatures. Empty: nothing published yet.
PUBLISHED_FILE = "checkpoint.published"
ORIGIN_FILE = "origin"


class TileLog:
    """An append-only RFC 6962 log stored as C2SP tiles in ``directory``, for one origin."""

    def __init__(self, directory: Path, origin: str, *, sync_hashes: bool = False) -> None:
        """Open or create the log of ``origin`` in ``directory``.

        Entries are fsynced on every append; ``sync_hashes`` fsyncs the hash tiles on every
        append too, instead of before each checkpoint is signed.
        """
        Checkpoint(origin, 0, merkle.EMPTY_ROOT)  # validates the origin line
        directory.mkdir(parents=True, exist_ok=True)
        origin_path = directory / ORIGIN_FILE
        if origin_path.exists():
            stored = origin_path.read_text("utf-8").rstrip("\n")
            if stored != origin:
                raise LedgerError(f"{directory} holds the log {stored!r}, not {origin!r}")
        else:
            write_atomically(origin_path, (origin + "\n").encode("utf-8"))
        self.origin = origin
        self.directory = directory
        self._lock = threading.RLock()
        self._last_note: bytes | None = None
        self._last: Checkpoint | None = None
        self._read_last_checkpoint()
        self._published_root: bytes | None = None
        self._published_note, self._published_size = self._read_published()
        # Recovery may cut an unfinished batch but never below the last signed checkpoint.
        self._store = TileStore(
            directory, self._last.size if self._last else 0, sync_hashes=sync_hashes
        )
        self._edge_cache: tuple[int, list[bytes]] | None = None
        try:
            self._check_last_checkpoint()
        except BaseException:
            self._store.close()
            raise

    def _read_last_checkpoint(self) -> None:
        path = self.directory / CHECKPOINT_FILE
        if not path.exists():
            return
        note = path.read_bytes()
        try:
            last = Checkpoint.parse(parse_note(note)[0])
        except MalformedNoteError as exc:
            raise StoreCorruptError(f"the last signed checkpoint is unreadable: {exc}") from exc
        if last.origin != self.origin:
            raise StoreCorruptError(f"the last signed checkpoint is for {last.origin!r}")
        self._last, self._last_note = last, note

    def _read_published(self) -> tuple[bytes | None, int]:
        path = self.directory / PUBLISHED_FILE
        if not path.exists():  # a log from before witnesses: what it signed, it published
            return self._last_note, self._last.size if self._last else 0
        note = path.read_bytes()
        if not note:
            return None, 0
        try:
            published = Checkpoint.parse(parse_note(note)[0])
        except MalformedNoteError as exc:
            raise StoreCorruptError(f"the published checkpoint is unreadable: {exc}") from exc
        if self._last is None or published.size > self._last.size:
            raise StoreCorruptError("the published checkpoint is ahead of the last signed one")
        self._published_root = published.root
        return note, published.size

    def _check_last_checkpoint(self) -> None:
        if self._published_root is not None and (
            merkle.root_hash(self._published_size, self._store.node) != self._published_root
        ):
            raise StoreCorruptError("the stored tree does not match the published checkpoint")
        last = self._last
        if last is None:
            return
        if last.size > self._store.size:
            raise StoreCorruptError(
                f"the store has {self._store.size} entries but checkpoint {last.size} was signed"
            )
        if merkle.root_hash(last.size, self._store.node) != last.root:
            raise StoreCorruptError(
                f"the stored tree at size {last.size} does not match the signed checkpoint"
            )

    # -- context management --------------------------------------------------------------

    def close(self) -> None:
        """Release the store (appends are already durable)."""
        with self._lock:
            self._store.close()

    def __enter__(self) -> TileLog:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # -- the tree ------------------------------------------------------------------------

    @property
    def size(self) -> int:
        """Number of entries appended (all durable)."""
        return self._store.size

    def append(self, entries: Sequence[bytes]) -> int:
        """Append entries durably, fsynced before returning; return the index of the first."""
        with self._lock:
            return self._store.append(entries)

    def entry(self, index: int) -> bytes:
        """Return entry ``index``."""
        with self._lock:
            return self._store.entry(index)

    def leaf_hash(self, index: int) -> bytes:
        """Return the RFC 6962 leaf hash of entry ``index``."""
        with self._lock:
            return self._store.node(0, index)

    def _size_arg(self, size: int | None) -> int:
        n = self._store.size
        if size is None:
            return n
        if not 0 <= size <= n:
            raise LedgerError(f"tree size {size} is not between 0 and {n}")
        return size

    def root_hash(self, size: int | None = None) -> bytes:
        """Return the root hash of the tree of ``size`` entries (default: all)."""
        with self._lock:
            size = self._size_arg(size)
            edge = self._edge(size)
            if edge is not None:
                return edge[-1]  # the top of the right edge is the root
            return merkle.root_hash(size, self._store.node)

    def _edge(self, size: int) -> list[bytes] | None:
        """Right-edge hashes of the current tree, computed once per size (the frontier)."""
        if size != self._store.size:
            return None
        cached = self._edge_cache
        if cached is None or cached[0] != size:
            cached = self._edge_cache = (size, merkle.right_edge_hashes(size, self._store.node))
        return cached[1]

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return the audit path of entry ``index`` in the tree of ``size`` entries."""
        with self._lock:
            size = self._size_arg(size)
            store = self._store
            return merkle.inclusion_proof(index, size, store.node, self._edge(size), store.siblings)

    def consistency_proof(self, old: int, new: int | None = None) -> list[bytes]:
        """Return the consistency proof from tree size ``old`` to ``new`` (default: all)."""
        with self._lock:
            new = self._size_arg(new)
            store = self._store
            return merkle.consistency_proof(old, new, store.node, self._edge(new), store.siblings)

    # -- checkpoints ---------------------------------------------------------------------

    @property
    def last_checkpoint(self) -> Checkpoint | None:
        """The last checkpoint this log signed, if any."""
        return self._last

    def latest_checkpoint_note(self) -> bytes | None:
        """The last signed checkpoint note, as served at ``checkpoint``."""
        return self._last_note

    def checkpoint(self, size: int | None = None) -> Checkpoint:
        """Return the (unsigned) checkpoint of the tree of ``size`` entries."""
        with self._lock:
            size = self._size_arg(size)
            return Checkpoint(self.origin, size, self.root_hash(size))

    def checkpoint_note(self, signer: NoteSigner, *cosigners: NoteSigner) -> bytes:
        """Return the signed note of the current tree head without persisting it.

        Refuses a tree that does not extend the last signed checkpoint. ``sign_checkpoint``
        is the durable form that logs must use before publishing.
        """
        with self._lock:
            cp = self.checkpoint()
            last = self._last
            # The stored prefix was checked against ``last`` when it was signed or loaded, and
            # the store only appends, so a smaller tree is the one way to fail here; audit()
            # and reopening re-check the stored prefix itself.
            if last is not None and (
                cp.size < last.size or (cp.size == last.size and cp.root != last.root)
            ):
                raise InconsistentTreeError(
                    f"the tree of size {cp.size} does not extend signed checkpoint {last.size}"
                )
            return sign_note(cp.body(), [signer, *cosigners])

    def sign_checkpoint(
        self, signer: NoteSigner, *cosigners: NoteSigner, publish: bool = True
    ) -> bytes:
        """Sign the current tree head, persist it, and return the checkpoint note.

        ``cosigners`` add further signatures (a second log key during rotation, say). The
        hash tiles are made durable first, then the note replaces the last checkpoint
        atomically; it never signs a tree that does not extend the last signed checkpoint.
        ``publish=False`` keeps serving the previously published checkpoint (until witnesses
        cosign this one and ``publish`` is called with their cosignatures).
        """
        with self._lock:
            note = self.checkpoint_note(signer, *cosigners)
            self._store.sync_hashes()
            published = self.directory / PUBLISHED_FILE
            if not publish and not published.exists():
                # Pin what is served now, so a restart cannot take the new note as published.
                write_atomically(published, self._published_note or b"")
            write_atomically(self.directory / CHECKPOINT_FILE, note)
            self._last, self._last_note = self.checkpoint(), note
            if publish:
                self.publish(note)
            return note

    def publish(self, note: bytes) -> None:
        """Serve ``note`` from now on: the last signed checkpoint, with any cosignatures added.

        Refuses a note whose text is not the last signed checkpoint's, so only what the log
        signed (and checked against its history) is ever published. Without witnesses the
        published checkpoint is the ``checkpoint`` file itself; with them, its own file.
        """
        with self._lock:
            last_note = self._last_note
            if last_note is None or parse_note(note)[0] != parse_note(last_note)[0]:
                raise LedgerError("only the last signed checkpoint can be published")
            path = self.directory / PUBLISHED_FILE
            if note != last_note or path.exists():
                write_atomically(path, note)
            assert self._last is not None
            self._published_note, self._published_size = note, self._last.size

    @property
    def published_checkpoint_note(self) -> bytes | None:
        """The checkpoint note served to the public, if any."""
        return self._published_note

    # -- serving -------------------------------------------------------------------------

    def read_path(self, path: str) -> bytes | None:
        """Answer a tlog-tiles path relative to the log prefix, or None (404).

        ``checkpoint`` is the published checkpoint. Tiles and entry bundles are served only
        as far as that checkpoint reaches, so the public view never runs ahead of it.
        """
        if path == CHECKPOINT_FILE:
            return self._published_note
        try:
            tile = Tile.parse(path)
        except MalformedNoteError:
            return None
        with self._lock:
            served = self._published_size
            if tile.is_entries:
                if (tile.index << TILE_HEIGHT) + tile.width > served:
                    return None
                return self._store.bundle(tile.index, tile.width)
            start = tile.index << TILE_HEIGHT
            if start + tile.width > served >> (TILE_HEIGHT * tile.level):
                return None
            return self._store.tile(tile.level, tile.index, tile.width)

    def audit(self) -> None:
        """Re-derive every stored hash from the entries and compare; raise StoreCorruptError.

        A full check (an fsck): O(n) hashing, about a second per million entries. It covers
        what clients never see, such as the inner hashes that proofs are read from.
        """
        with self._lock:
            store, n = self._store, self._store.size
            for b in bundles_for_size(n):
                entries = decode_bundle(store.bundle(b.index, b.width) or b"", b.width)
                tile = split_hashes(store.tile(0, b.index, b.width) or b"", b.width)
                for i, (e, h) in enumerate(zip(entries, tile, strict=True)):
                    if merkle.leaf_hash(e) != h:
                        raise StoreCorruptError(f"entry {(b.index << 8) + i} != its leaf hash")
            for t in tiles_for_size(n):
                if t.is_partial:
                    continue
                rows = tile_inner_levels(split_hashes(store.tile(t.level, t.index) or b""))
                if store.inner_record(t.level, t.index) != b"".join(map(b"".join, rows[1:])):
                    raise StoreCorruptError(f"inner hashes of tile {t.level}/{t.index} differ")
                top = merkle.node_hash(rows[7][0], rows[7][1])
                if store.node(TILE_HEIGHT * (t.level + 1), t.index) != top:
                    raise StoreCorruptError(f"tile {t.level}/{t.index} != its parent hash")
            last = self._last
            if last is not None and merkle.root_hash(last.size, store.node) != last.root:
                raise StoreCorruptError(f"the tree does not match signed checkpoint {last.size}")

    def hash_bytes(self) -> int:
        """Bytes of tree hashes stored on disk."""
        return self._store.hash_bytes()
