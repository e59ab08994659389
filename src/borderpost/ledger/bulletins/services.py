"""Issuing, storing and checking the bulletins of the posts' logs on this node.

The latest bulletin of a post is ``$BORDERPOST_HOME/ledger/<POST>/bulletin`` (replaced
atomically); every bulletin issued is also kept under ``bulletins/<from>_<to>``. Bulletins
are computed from the leaves of the *published* checkpoint, so anyone can check them against
what the log serves.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.ledger.bulletins import bulletin
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.services import (
    PublishedLog,
    ensure_log_key,
    log_dir,
    open_log,
    origin_for,
    read_log,
    vkeys,
)
from borderpost.ledger.storage.files import write_atomically
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import parse_note
from borderpost.posts.model import Post

log = logging.getLogger("borderpost.ledger")
LATEST = "bulletin"
ARCHIVE = "bulletins"


def _published_leaves(tlog: PublishedLog) -> list[bytes]:
    note = tlog.published_checkpoint_note
    if note is None:
        raise LedgerError("the log has no published checkpoint yet")
    size = Checkpoint.parse(parse_note(note)[0]).size
    return [tlog.entry(i) for i in range(size)]


def issue_bulletin(home: Path, code: str, zone: str, first: dt.date, last: dt.date) -> bytes:
    """Compute, sign and store the bulletin of ``code`` for ``first``..``last``; return it."""
    held = open_log(home, code, create=False)
    if held is None:
        raise LedgerError(f"post {code} has no log on this node")
    with held.lock:
        leaves = _published_leaves(held.log)
        made = bulletin.compute(leaves, origin_for(code), code, zone, first, last)
        note = bulletin.sign(made, ensure_log_key(home, code))
        directory = log_dir(home, code)
        (directory / ARCHIVE).mkdir(exist_ok=True)
        write_atomically(directory / ARCHIVE / f"{first}_{last}", note)
        write_atomically(directory / LATEST, note)
    log.info("ledger %s: bulletin %s..%s at size %d", code, first, last, made.size)
    return note


def latest_bulletin(home: Path, code: str) -> bytes | None:
    """The latest bulletin of the post's log, signed, or None."""
    path = log_dir(home, code) / LATEST
    return path.read_bytes() if path.is_file() else None


@dataclass(frozen=True)
class BulletinStatus:
    """The latest bulletin of a post and whether it verified against the log."""

    post: str
    bulletin: bulletin.Bulletin | None
    verified: bool
    problem: str | None


# Checking reads and recounts every leaf the bulletin covers: done once per bulletin and key
# set, not on every page view (leaves never change, so the answer cannot either).
_checked: dict[tuple[Path, str, bytes, tuple[str, ...]], BulletinStatus] = {}
_checked_lock = threading.Lock()


def bulletin_status(home: Path, code: str) -> BulletinStatus:
    """Check the latest bulletin of ``code`` as an observer would: signature, binding, figures."""
    note = latest_bulletin(home, code)
    if note is None:
        return BulletinStatus(code, None, False, None)
    key = (home, code, note, tuple(vkeys(home, code)))
    with _checked_lock:
        found = _checked.get(key)
    if found is None:
        found = _check_status(home, code, note)
        if found.verified:  # a failure is checked again: it may have been a passing state
            with _checked_lock:
                if len(_checked) > 1000:
                    _checked.clear()
                _checked[key] = found
    return found


def _check_status(home: Path, code: str, note: bytes) -> BulletinStatus:
    shown: bulletin.Bulletin | None = None
    try:
        shown = bulletin.parse_text(parse_note(note)[0])
        found = read_log(home, code)
        if found is None:
            raise LedgerError(f"post {code} has no log on this node")
        bulletin.check(note, load_verifiers(vkeys(home, code)), _published_leaves(found))
    except LedgerError as exc:
        return BulletinStatus(code, shown, False, str(exc))
    return BulletinStatus(code, shown, True, None)


def issue_due_bulletins(
    session_factory: sessionmaker[Session], home: Path, now: dt.datetime | None = None
) -> int:
    """Issue yesterday's bulletin (local day) of each post whose latest is older; count them."""
    now = now or clock.now()
    with session_factory() as session:
        posts = session.execute(select(Post.code, Post.timezone).order_by(Post.code)).all()
    issued = 0
    for code, zone in posts:
        try:
            held = open_log(home, code, create=False)
            if held is None or held.log.published_checkpoint_note is None:
                continue
            yesterday = now.astimezone(ZoneInfo(zone)).date() - dt.timedelta(days=1)
            latest = latest_bulletin(home, code)
            if latest is not None:
                last = bulletin.read_header(parse_note(latest)[0])["to"]
                if dt.date.fromisoformat(last) >= yesterday:
                    continue
            issue_bulletin(home, code, zone, yesterday, yesterday)
            issued += 1
        except LedgerError:
            log.exception("ledger %s: bulletin not issued", code)
    return issued
