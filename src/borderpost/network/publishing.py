"""Headquarters: publish a new version of each kind of reference data whose content changed.

One key per post and kind in the versions bucket; the key's revisions are the versions (the
bucket keeps the last few). A version is numbered one past the last published under its key,
signed, and put only when its content differs from the last one's: publishing every second
costs a few reads when nothing changed.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from pathlib import Path

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.network import buckets
from borderpost.network.signing import RefusedVersion, Version, canonical, open_version, seal
from borderpost.network.snapshots import KINDS, snapshot
from borderpost.posts.model import Post

log = logging.getLogger(__name__)


@dataclass
class PublishReport:
    published: list[str] = field(default_factory=list)  # "<post> <kind> <number>"


async def last_published(
    kv: KeyValue, signer: Ed25519Signer, key: str, kind: str, scope: str
) -> Version | None:
    """The version last put under ``key``, as a post would read it."""
    try:
        entry = await kv.get(key)
    except KeyNotFoundError:
        return None
    if entry.value is None:
        return None
    try:
        return open_version(signer.verifier(), entry.value, kind, scope)
    except RefusedVersion:  # signed with an earlier key: the next version replaces it
        log.warning("version under %s does not open with the network key", key)
        return None


async def publish_reference(
    session_factory: sessionmaker[Session], home: Path, js: JetStreamContext, stream: str,
    signer: Ed25519Signer,
) -> PublishReport:  # fmt: skip
    """Every post's reference data, a new version of each kind that changed."""
    kv = await buckets.versions(js, stream, create=True)
    report = PublishReport()
    with session_factory() as session:
        for post in session.scalars(select(Post).order_by(Post.code)):
            for kind in KINDS:
                payload = snapshot(session, home, post, kind)
                key = buckets.reference_key(post.code, kind)
                last = await last_published(kv, signer, key, kind, post.code)
                if (
                    last is not None
                    and last.digest == hashlib.sha256(canonical(payload)).hexdigest()
                ):
                    continue
                number = last.number + 1 if last is not None else 1
                version = Version(kind, post.code, number, clock.now(), payload)
                await kv.put(key, seal(signer, version))
                report.published.append(f"{post.code} {kind} {number}")
    if report.published:
        log.info("published %s", "; ".join(report.published))
    return report
