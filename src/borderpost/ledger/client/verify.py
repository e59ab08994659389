"""Client-side verification of a served log, given only ``fetch(path) -> bytes | None``.

``verify_log`` checks the checkpoint signature, fetches every tile and entry bundle the
checkpoint covers, checks that entries hash to the level-0 tiles, that each full tile hashes
to its entry one level up, that the tree rebuilt from the tiles has the signed root, and that
the log is consistent with a checkpoint seen before. Any changed byte in an entry, a tile or
the checkpoint makes it fail.

``verify`` is what an observer runs on top of it (``borderpost ledger verify``): the keys it
trusts, extended by the log's key rotation statements; the witnesses' quorum; every entry a
leaf; and a state file keeping the last view between runs. ``http_fetch`` reads a log's URL.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.leaves import LeafError, parse_leaf
from borderpost.ledger.rotation import follow
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.cosignature import count_cosigners
from borderpost.ledger.tlog.errors import LedgerError, VerificationError
from borderpost.ledger.tlog.note import NoteVerifier, open_note
from borderpost.ledger.tlog.tiles import (
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
    # The parsed leaves (``leaves.parse_leaf``), when ``verify`` read them: parsed once.
    facts: tuple[dict[str, Any], ...] | None = None


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


def http_fetch(url: str) -> Fetch:
    """``fetch(path)`` over HTTP under the log's URL; None for 404."""
    import httpx

    base = url if url.endswith("/") else url + "/"
    client = httpx.Client(timeout=30.0, follow_redirects=True)

    def fetch(path: str) -> bytes | None:
        response = client.get(base + path)
        if response.status_code == 404:
            return None
        if response.status_code != 200:
            raise VerificationError(f"{base + path}: HTTP {response.status_code}")
        return response.content

    return fetch


def _load_state(state: Path | None, origin: str) -> Checkpoint | None:
    if state is None or not state.exists():
        return None
    data = json.loads(state.read_text("utf-8"))
    if data.get("origin") != origin:
        raise VerificationError(f"{state} holds the state of {data.get('origin')!r}")
    return Checkpoint(origin, int(data["size"]), base64.b64decode(data["root"]))


def _state_keys(state: Path | None) -> list[str]:
    if state is None or not state.exists():
        return []
    return list(json.loads(state.read_text("utf-8")).get("learnt_keys", []))


def _save_state(state: Path, verified: VerifiedLog, learnt: list[str]) -> None:
    cp = verified.checkpoint
    data: dict[str, Any] = {
        "origin": cp.origin,
        "size": cp.size,
        "root": base64.b64encode(cp.root).decode(),
    }
    if learnt:  # log keys reached by following rotation statements from a pinned key
        data["learnt_keys"] = learnt
    tmp = state.with_name(state.name + ".tmp")
    tmp.write_text(json.dumps(data, indent=2) + "\n", "utf-8")
    tmp.replace(state)


def verify(
    fetch: Fetch,
    vkeys: Sequence[str],
    *,
    state: Path | None = None,
    origin: str | None = None,
    witnesses: Sequence[str] = (),
    quorum: int | None = None,
) -> VerifiedLog:
    """Verify the whole served log (and against the state file's last view); save the view.

    ``witnesses``: witness vkeys of which ``quorum`` (default: all) must have cosigned the
    checkpoint. Raises VerificationError on any inconsistency, including a leaf that does
    not parse.
    """
    try:
        verifiers = load_verifiers(vkeys)
    except LedgerError as exc:
        raise VerificationError(f"bad vkey: {exc}") from exc
    if not verifiers:
        raise VerificationError("no verifier key given")
    if origin is None:
        # The origin line names the log; only a trusted key of that name can sign it.
        note = fetch("checkpoint")
        if note is None:
            raise VerificationError("the log serves no checkpoint")
        origin = note.split(b"\n", 1)[0].decode("utf-8", "replace")
        if origin not in {v.name for v in verifiers}:
            raise VerificationError(f"no trusted key is named {origin!r}")
    previous = _load_state(state, origin)
    # Keys learnt from rotation statements on earlier runs, then any new statements.
    known = [*vkeys, *_state_keys(state)]
    try:
        trusted = follow(fetch, origin, [k.strip() for k in known if k.strip()])
        verifiers = load_verifiers(trusted)
    except LedgerError as exc:
        raise VerificationError(str(exc)) from exc
    verified = verify_log(fetch, origin=origin, log_keys=verifiers, previous=previous)
    if witnesses:
        _check_cosigned(verified.note, witnesses, len(witnesses) if quorum is None else quorum)
    facts = []
    for index, leaf in enumerate(verified.entries or ()):
        try:
            facts.append(parse_leaf(leaf))
        except LeafError as exc:
            raise VerificationError(f"entry {index} is not a leaf: {exc}") from exc
    verified = replace(verified, facts=tuple(facts))
    if state is not None:
        _save_state(state, verified, [k for k in trusted if k not in vkeys])
    return verified


def _check_cosigned(note: bytes, witnesses: Sequence[str], quorum: int) -> None:
    try:
        keys = load_verifiers(witnesses)
    except LedgerError as exc:
        raise VerificationError(f"bad witness vkey: {exc}") from exc
    have = count_cosigners(note, keys)
    if have < quorum:
        raise VerificationError(
            f"the checkpoint has {have} valid cosignatures of the given witnesses, "
            f"{quorum} required"
        )
