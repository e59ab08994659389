"""The ledger in the system: leaves written with their records, appended to each post's log.

Writing: ``add_crossing`` and ``add_closure`` insert a ``ledger_entries`` row (the leaf and
its salt) in the caller's transaction, so a committed record always has its leaf: the table is
an outbox that cannot lose an entry.

Appending the pending leaves to each post's tile log, and the appender thread, are in
``ledger.appending``.

Keys: one Ed25519 key per log, named by the log's origin as tlog-checkpoint recommends, in
``$BORDERPOST_HOME/keys/`` (outside the database), made by ``borderpost init`` or at the first
append. A process keeps each post's log open once (the tile store takes an exclusive lock),
shared by the appender thread and the web routes that serve it.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, cast

from pydantic import BaseModel
from sqlalchemy import Table, insert, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.db import insert_at_commit
from borderpost.ids import new_id
from borderpost.ledger import leaves
from borderpost.ledger.keys import generate_log_key, load_log_signer
from borderpost.ledger.model import LedgerLeaf
from borderpost.ledger.storage.log import ORIGIN_FILE, TileLog
from borderpost.ledger.storage.reader import LogReader
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.posts.model import Post
from borderpost.schemas import CODE_PATTERN

log = logging.getLogger("borderpost.ledger")

_LEAVES = cast(Table, LedgerLeaf.__table__)
_INSERT = insert(_LEAVES)
_SAFE_CODE = re.compile(CODE_PATTERN)  # the schemas refuse any other post code
KEYS_DIR = "keys"
LEDGER_DIR = "ledger"


# -- writing leaves, in the record's transaction ----------------------------------------------


class _PostFacts(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def code(self) -> str: ...
    @property
    def timezone(self) -> str: ...


class _CrossingFacts(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def time(self) -> dt.datetime: ...
    @property
    def direction(self) -> str: ...
    @property
    def kind(self) -> str: ...
    @property
    def category(self) -> str: ...
    @property
    def organisation_type(self) -> str | None: ...
    @property
    def vehicle_type(self) -> str | None: ...
    @property
    def decision(self) -> str: ...


def add_crossing(
    session: Session,
    post: _PostFacts,
    crossing: _CrossingFacts,
    traveller: BaseModel | None,
    vehicle: BaseModel | None,
    now: dt.datetime,
    cargo: list[dict[str, Any]] | None = None,
    personal: dict[str, Any] | None = None,
) -> None:
    """Write the leaf of a new crossing; the commitment covers the traveller and vehicle as
    presented (``TravellerIn`` / ``VehicleIn`` in JSON mode) and the crossing's id.

    ``cargo``: the HS headings and summed gross weights of its consignments (public facts).
    ``personal``: the traveller and vehicle in JSON mode when the caller has them already
    (``{"traveller": ..., "vehicle": ...}``)."""
    if personal is None:
        personal = {
            "traveller": traveller.model_dump(mode="json") if traveller is not None else None,
            "vehicle": vehicle.model_dump(mode="json") if vehicle is not None else None,
        }
    salt = leaves.new_salt()
    opening = leaves.personal_bytes(crossing.id, personal)
    leaf = leaves.crossing_leaf(
        post=post.code,
        zone=post.timezone,
        time=crossing.time,
        direction=crossing.direction,
        kind=crossing.kind,
        category=crossing.category,
        organisation_type=crossing.organisation_type,
        vehicle_type=crossing.vehicle_type,
        decision=crossing.decision,
        cargo=cargo,
        commitment_hex=leaves.commitment(salt, opening),
    )
    # Queued for the commit: nothing reads a leaf back before the appender, after commit.
    insert_at_commit(
        session,
        _INSERT,
        {
            "id": new_id(),
            "post_id": post.id,
            "record_type": leaves.CROSSING,
            "record_id": crossing.id,
            "salt": salt,
            "opening": opening,
            "leaf": leaf,
            "corrects_id": None,
            "log_index": None,
            "created_at": now,
        },
    )


class _ClosureFacts(Protocol):
    @property
    def id(self) -> uuid.UUID: ...
    @property
    def starts_at(self) -> dt.datetime: ...
    @property
    def ends_at(self) -> dt.datetime | None: ...
    @property
    def reason(self) -> str: ...
    @property
    def authority(self) -> str: ...


def add_closure(session: Session, post: _PostFacts, closure: _ClosureFacts, by: str) -> None:
    """Write the leaf of a closure; for a closure already in the ledger, a correction."""
    salt = leaves.new_salt()
    leaf = leaves.closure_leaf(
        post=post.code,
        zone=post.timezone,
        starts_at=closure.starts_at,
        ends_at=closure.ends_at,
        reason=closure.reason,
        authority=closure.authority,
        commitment_hex=leaves.commitment(
            salt, leaves.personal_bytes(closure.id, {"recorded_by": by})
        ),
    )
    add_record_leaf(session, post.id, leaves.CLOSURE, closure.id, salt, leaf)


def add_record_leaf(
    session: Session,
    post_id: uuid.UUID,
    record_type: str,
    record_id: uuid.UUID,
    salt: bytes,
    leaf: bytes,
) -> None:
    """Write a record's leaf now (a Core insert: the salt never enters the audit trail); a
    record already in the ledger gets a correction of its last leaf."""
    conn = session.connection()
    previous = conn.execute(
        select(_LEAVES.c.id)
        .where(_LEAVES.c.record_id == record_id)
        .order_by(_LEAVES.c.id.desc())
        .limit(1)
    ).scalar()
    conn.execute(
        _INSERT,
        {
            "id": new_id(),
            "post_id": post_id,
            "record_type": record_type,
            "record_id": record_id,
            "salt": salt,
            "leaf": leaf,
            "corrects_id": previous,
            "log_index": None,
            "created_at": clock.now(),
        },
    )


# -- keys and logs on disk --------------------------------------------------------------------


def origin_for(code: str) -> str:
    """The checkpoint origin (and key name) of a post's log."""
    return f"borderpost/{checked_code(code)}"


def code_names_a_log(code: str) -> bool:
    """Whether ``code`` can name a log (the schemas refuse any other post code)."""
    return _SAFE_CODE.fullmatch(code) is not None


def checked_code(code: str) -> str:
    """A post code safe as one path element and in a key name, or LedgerError."""
    if not _SAFE_CODE.fullmatch(code):
        raise LedgerError(f"post code {code!r} cannot name a log (letters, digits, . _ -)")
    return code


def log_dir(home: Path, code: str) -> Path:
    return home / LEDGER_DIR / checked_code(code)


def _key_paths(home: Path, origin: str, suffix: str) -> list[Path]:
    stem = re.sub(r"[^A-Za-z0-9._-]", "_", origin)
    paths = (home / KEYS_DIR).glob(f"{stem}.*.{suffix}")
    return sorted(paths, key=lambda p: (p.stat().st_mtime_ns, p.name))


def ensure_log_key(home: Path, code: str) -> Ed25519Signer:
    """The newest signing key of the post's log, generated (mode 0600) when there is none."""
    origin = origin_for(code)
    paths = _key_paths(home, origin, "key")
    if not paths:
        generate_log_key(home / KEYS_DIR, origin)
        paths = _key_paths(home, origin, "key")
    signer = load_log_signer(paths[-1])
    if signer.name != origin:
        raise LedgerError(f"{paths[-1]} is a key for {signer.name!r}, not {origin!r}")
    return signer


def previous_log_key(home: Path, code: str) -> Ed25519Signer | None:
    """The key before the newest, while its private file is kept: checkpoints are signed by
    both during a key rotation (see ``ledger.rotation``)."""
    paths = _key_paths(home, origin_for(code), "key")
    return load_log_signer(paths[-2]) if len(paths) >= 2 else None


def rotate_log_key(home: Path, code: str) -> tuple[str, bytes]:
    """Make the post's next log key and its signed rotation statement; return both."""
    from borderpost.ledger.rotation import rotate_key

    if not _key_paths(home, origin_for(code), "key"):
        raise LedgerError(f"post {code} has no log key to rotate: borderpost init makes one")
    return rotate_key(home / KEYS_DIR, log_dir(home, code), ensure_log_key(home, code))


def vkeys(home: Path, code: str) -> list[str]:
    """Every verifier key of the post's log, oldest first (old keys verify old checkpoints)."""
    return [p.read_text("utf-8").strip() for p in _key_paths(home, origin_for(code), "vkey")]


def init_keys(session_factory: sessionmaker[Session], home: Path, node_post: str | None) -> int:
    """Make the log key of the node's post and of every post in the database; count new."""
    with session_factory() as session:
        codes = set(session.execute(select(Post.code)).scalars())
    if node_post:
        codes.add(node_post)
    made = 0
    for code in sorted(codes):
        if not _SAFE_CODE.fullmatch(code):
            log.warning("post code %r cannot name a log; no key made", code)
            continue
        if not _key_paths(home, origin_for(code), "key"):
            ensure_log_key(home, code)
            made += 1
    return made


@dataclass
class _OpenLog:
    log: TileLog
    lock: threading.Lock


_open: dict[Path, _OpenLog] = {}
_open_lock = threading.Lock()


def open_log(home: Path, code: str, *, create: bool = True) -> _OpenLog | None:
    """The process's one open handle on a post's log; None if absent and not ``create``."""
    directory = log_dir(home, code).resolve()
    with _open_lock:
        found = _open.get(directory)
        if found is None:
            if not create and not directory.is_dir():
                return None
            found = _open[directory] = _OpenLog(
                TileLog(directory, origin_for(code)), threading.Lock()
            )
        return found


class PublishedLog(Protocol):
    """What serving a log needs: the published checkpoint, tiles, entries and proofs."""

    @property
    def published_checkpoint_note(self) -> bytes | None: ...
    def read_path(self, path: str) -> bytes | None: ...
    def entry(self, index: int) -> bytes: ...
    def inclusion_proof(self, index: int, size: int) -> list[bytes]: ...


def read_log(home: Path, code: str) -> PublishedLog | None:
    """The published part of a post's log, for serving it; None if there is no log.

    The process's open log when it holds one (it is the appender), else the files read
    without the writer lock, so a process that only serves never takes the lock the
    appender (perhaps in another process) needs.
    """
    directory = log_dir(home, code).resolve()
    with _open_lock:
        found = _open.get(directory)
    if found is not None:
        return found.log
    if not (directory / ORIGIN_FILE).exists():
        return None
    return LogReader(directory)


def close_logs(home: Path | None = None) -> None:
    """Close the logs this process holds open (under ``home``, or all)."""
    root = (home / LEDGER_DIR).resolve() if home is not None else None
    with _open_lock:
        for directory in list(_open):
            if root is None or directory.parent == root:
                held = _open.pop(directory)
                with held.lock:
                    held.log.close()
