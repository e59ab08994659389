"""Watchlists across the network: headquarters publishes each list's versions, posts apply them.

The versions bucket holds one signed manifest per list: its version number, the checksum of
its content, the whole file of some version (the object store) and the deltas from that one
to the latest. Headquarters writes the whole file the first time and again only when the
deltas since the last one have grown past half its size; otherwise a version costs a delta.
A post that runs version N takes the deltas after N when they are smaller than the whole file,
else the whole file and every delta after it. Either way it writes the list as a new version
(in steps, not active yet), compares its content's checksum with headquarters' and only then
makes it active, in one short transaction;
the screening warm-up then indexes it in the background and re-screens the crossings recorded
since headquarters published it (its ``imported_at``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore
from sqlalchemy import Connection, CursorResult, Table, bindparam, delete, func, literal, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock, reference
from borderpost.ids import new_id
from borderpost.ledger.tlog.note import Ed25519Signer, NoteVerifier
from borderpost.network import buckets
from borderpost.network.enrolment import Enrolment
from borderpost.network.listfiles import (
    COLUMNS,
    Delta,
    Row,
    apply_delta,
    checksum,
    delta_between,
    read_whole_file,
    whole_file,
)
from borderpost.network.model import NetworkVersion
from borderpost.network.publishing import PublishReport, last_published
from borderpost.network.records import ACTOR, FollowReport, number_in, record, refuse, row_of
from borderpost.network.signing import RefusedVersion, Version, open_version, seal, verifier_of
from borderpost.screening.importing import BATCH, write_entries
from borderpost.screening.model import Watchlist, WatchlistEntry, WatchlistVersion
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
_ENTRIES = cast(Table, WatchlistEntry.__table__)
# Entries written or removed per transaction at a post: a fraction of a second each.
STEP = 20_000


def kind_of(name: str) -> str:
    return f"list:{name}"


def content(conn: Connection, version_id: uuid.UUID) -> list[Row]:
    """A version's entries as rows, in entry-key order (as the checksum takes them)."""
    cols = [_ENTRIES.c[c] for c in COLUMNS]
    rows = conn.execute(select(*cols).where(_ENTRIES.c.version_id == version_id)).all()
    return sorted(cast(list[Row], rows))


# Headquarters ------------------------------------------------------------------------------


def _cache(home: Path, name: str) -> Path:
    return home / "network" / "lists" / f"{buckets.token(name)}.gz"


async def _put(files: ObjectStore, name: str, data: bytes) -> dict[str, Any]:
    await files.put(name, data)
    return {"object": name, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}


async def publish_list(
    session_factory: sessionmaker[Session],
    home: Path,
    js: JetStreamContext,
    stream: str,
    signer: Ed25519Signer,
    watchlist_id: uuid.UUID,
) -> str | None:
    """A new version of the list if its active version is not the one last published."""
    kv = await buckets.versions(js, stream, create=True)
    files = await buckets.files(js, stream, create=True)
    with session_factory() as session:
        watchlist = session.get(Watchlist, watchlist_id)
        if watchlist is None or watchlist.active_version_id is None:
            return None
        active = session.get(WatchlistVersion, watchlist.active_version_id)
        assert active is not None
        key, kind = buckets.list_key(watchlist.name), kind_of(watchlist.name)
        last = await last_published(kv, signer, key, kind, "*")
        if last is not None and last.payload["hq_version"] == str(active.id):
            return None
        rows = content(session.connection(), active.id)
        name, list_kind = watchlist.name, watchlist.kind
        label, imported_by = active.label, active.imported_by
    number = last.number + 1 if last is not None else 1
    cache = _cache(home, name)
    prefix = f"{buckets.token(name)}/{number}"
    full: dict[str, Any] | None = None
    deltas: list[dict[str, Any]] = []
    # The cache holds the content last published, with its checksum beside it; one that is not
    # the last version's (a publication cut short) gives no delta.
    cached = cache.with_suffix(".sha256")
    if (
        last is not None
        and cache.is_file()
        and cached.is_file()
        and cached.read_text(encoding="ascii").strip() == last.payload["checksum"]
    ):
        delta = delta_between(read_whole_file(cache.read_bytes()), rows)
        one = await _put(files, f"{prefix}.delta", delta.encode())
        deltas = [*last.payload["deltas"], {"to": number, **one}]
        full = last.payload["full"]
        if sum(d["size"] for d in deltas) > full["size"] // 2:
            full, deltas = None, []
    whole = whole_file(rows) if full is None else None
    if whole is not None:
        full = {"number": number, **await _put(files, f"{prefix}.full", whole)}
    assert full is not None
    content_checksum = checksum(rows)
    payload = {
        "name": name,
        "kind": list_kind,
        "label": label,
        "imported_by": imported_by,
        "hq_version": str(active.id),
        "checksum": content_checksum,
        "entries": len(rows),
        "full": full,
        "deltas": deltas,
    }
    await kv.put(key, seal(signer, Version(kind, "*", number, clock.now(), payload)))
    # After the manifest: the posts need none of this, the next publication does.
    cache.parent.mkdir(parents=True, exist_ok=True)
    cached.unlink(missing_ok=True)
    partial = cache.with_suffix(".tmp")
    partial.write_bytes(whole if whole is not None else whole_file(rows))
    partial.replace(cache)
    cached.write_text(content_checksum, encoding="ascii")
    how = "whole file" if full["number"] == number else f"{len(deltas)} deltas"
    log.info("published list %s version %d (%s)", name, number, how)
    return f"{name} {number}"


async def publish_lists(
    session_factory: sessionmaker[Session],
    home: Path,
    js: JetStreamContext,
    stream: str,
    signer: Ed25519Signer,
) -> PublishReport:
    with session_factory() as session:
        ids = session.scalars(
            select(Watchlist.id).where(Watchlist.active_version_id.is_not(None))
        ).all()
    report = PublishReport()
    for watchlist_id in ids:
        done = await publish_list(session_factory, home, js, stream, signer, watchlist_id)
        if done:
            report.published.append(f"list {done}")
    return report


# A post ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    """What a post downloads to reach the latest version: objects, in order."""

    objects: list[dict[str, Any]]
    whole: bool

    @property
    def size(self) -> int:
        return sum(int(o["size"]) for o in self.objects)


def plan(manifest: dict[str, Any], have: int, force_whole: bool = False) -> Plan:
    """The deltas after ``have`` when they are all there and cheaper, else the whole file."""
    full, deltas = manifest["full"], manifest["deltas"]
    whole = Plan([full, *deltas], True)
    if have < full["number"] or have == 0 or force_whole:
        return whole
    after = Plan([d for d in deltas if d["to"] > have], False)
    return after if after.size <= whole.size else whole


async def _download(files: ObjectStore, wanted: dict[str, Any]) -> bytes:
    data = (await files.get(wanted["object"])).data or b""
    if hashlib.sha256(data).hexdigest() != wanted["sha256"]:
        raise RefusedVersion(f"checksum: file {wanted['object']} is not what was signed")
    return bytes(data)


# A list whose delta did not give headquarters' checksum takes the whole file next time.
_WHOLE_NEXT: set[str] = set()


def _new_version(
    session_factory: sessionmaker[Session], manifest: dict[str, Any], version: Version
) -> tuple[uuid.UUID, uuid.UUID, uuid.UUID | None]:
    """The list (made if new) and a new version of it, not active yet: (list, version, old)."""
    name = manifest["name"]
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        session = uow.session
        watchlist = session.scalars(select(Watchlist).where(Watchlist.name == name)).one_or_none()
        if watchlist is None:
            watchlist = Watchlist(
                id=new_id(), name=name, kind=manifest["kind"], created_at=clock.now()
            )
            session.add(watchlist)
            session.flush()
        new = WatchlistVersion(
            id=new_id(),
            watchlist_id=watchlist.id,
            source=f"network version {version.number}"[:200],
            label=str(manifest["label"])[:100],
            # Crossings recorded since headquarters published it are re-screened against it.
            imported_at=version.published_at,
            imported_by=f"hq:{manifest['imported_by']}"[:100],
            entry_count=int(manifest["entries"]),
        )
        session.add(new)
        uow.commit()
        return watchlist.id, new.id, watchlist.active_version_id


def _in_steps(session_factory: sessionmaker[Session], work: list[Any]) -> None:
    """Each step in a transaction of its own: a post's booths never wait long for the
    database while a million entries are written (the version is not active meanwhile)."""
    for step in work:
        with session_factory() as session, session.begin():
            step(session.connection())


def _insert_steps(version_id: uuid.UUID, rows: list[Row]) -> list[Any]:
    def step(chunk: list[Row]) -> Any:
        return lambda conn: write_entries(
            conn,
            [{"version_id": version_id, **dict(zip(COLUMNS, r, strict=True))} for r in chunk],
        )

    return [step(rows[i : i + STEP]) for i in range(0, len(rows), STEP)]


def _copy_steps(
    session_factory: sessionmaker[Session], old: uuid.UUID, new: uuid.UUID
) -> list[Any]:
    """Copy the version in force, by ranges of row ids."""
    with session_factory() as session:
        low, high = session.execute(
            select(func.min(_ENTRIES.c.id), func.max(_ENTRIES.c.id)).where(
                _ENTRIES.c.version_id == old
            )
        ).one()
    if low is None:
        return []
    columns = list(COLUMNS)
    copy = _ENTRIES.insert().from_select(
        ["version_id", *columns],
        select(literal(new, _ENTRIES.c.version_id.type), *[_ENTRIES.c[c] for c in columns]).where(
            _ENTRIES.c.version_id == old,
            _ENTRIES.c.id.between(bindparam("low"), bindparam("high")),
        ),
    )

    def step(a: int) -> Any:
        return lambda conn: conn.execute(copy, {"low": a, "high": a + STEP - 1})

    return [step(a) for a in range(low, high + 1, STEP)]


def _drop_entries(session_factory: sessionmaker[Session], watchlist_id: uuid.UUID) -> None:
    """The entries of the list's versions not in force (the one replaced, one left by a
    refused or interrupted version), a step at a time."""
    with session_factory() as session:
        active = session.get(Watchlist, watchlist_id)
        keep = active.active_version_id if active is not None else None
    others = select(WatchlistVersion.id).where(
        WatchlistVersion.watchlist_id == watchlist_id, WatchlistVersion.id != keep
    )
    batch = (
        select(_ENTRIES.c.id).where(_ENTRIES.c.version_id.in_(others)).limit(STEP).scalar_subquery()
    )
    while True:
        with session_factory() as session, session.begin():
            done = session.execute(delete(_ENTRIES).where(_ENTRIES.c.id.in_(batch)))
            if cast(CursorResult[Any], done).rowcount == 0:
                return


def apply_list(
    session_factory: sessionmaker[Session], version: Version, blobs: list[bytes], whole: bool
) -> str:
    """Build the list's new version from the whole file and deltas (or the deltas alone, over
    the version in force), check its checksum, then make it active in one short transaction.

    The entries are written in steps before (the version is not active, so no booth sees
    half of it); the replaced version's entries are removed in steps after.
    """
    manifest = version.payload
    kind = kind_of(manifest["name"])
    watchlist_id, new, old = _new_version(session_factory, manifest, version)
    _drop_entries(session_factory, watchlist_id)  # what an interrupted version left
    if whole or old is None:
        rows = read_whole_file(blobs[0])
        for blob in blobs[1:]:
            apply_delta(rows, Delta.decode(blob))
        _in_steps(session_factory, _insert_steps(new, list(rows.values())))
    else:
        delta = Delta()
        for blob in blobs:
            delta = delta.then(Delta.decode(blob))
        gone = list(delta.removed) + [r[0] for r in delta.put]

        def drop(chunk: list[str]) -> Any:
            return lambda conn: conn.execute(
                delete(_ENTRIES).where(
                    _ENTRIES.c.version_id == new, _ENTRIES.c.entry_key.in_(chunk)
                )
            )

        _in_steps(
            session_factory,
            _copy_steps(session_factory, old, new)
            + [drop(gone[i : i + BATCH]) for i in range(0, len(gone), BATCH)]
            + _insert_steps(new, delta.put),
        )
    with session_factory() as session:
        got = checksum(content(session.connection(), new))
    if got != manifest["checksum"]:
        _WHOLE_NEXT.add(kind)
        _drop_entries(session_factory, watchlist_id)
        raise RefusedVersion(f"checksum: the list built here is {got[:12]}…, not headquarters'")
    _WHOLE_NEXT.discard(kind)
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        session = uow.session
        watchlist = session.get(Watchlist, watchlist_id)
        assert watchlist is not None
        watchlist.active_version_id = new
        reference.touch(session)
        session.info.pop("screener", None)
        record(row_of(session, kind), version, [], manifest["checksum"])
        uow.commit()
    _drop_entries(session_factory, watchlist_id)
    return f"{kind} {version.number}"


async def follow_lists(
    session_factory: sessionmaker[Session], enrolment: Enrolment, js: JetStreamContext,
    kv: KeyValue,
) -> FollowReport:  # fmt: skip
    report = FollowReport()
    keys = await buckets.list_keys(js, enrolment.stream)
    verifier: NoteVerifier = verifier_of(enrolment.vkey)
    files: ObjectStore | None = None
    for key in keys:
        try:
            entry = await kv.get(key)
        except KeyNotFoundError:  # deleted (its subject stays)
            continue
        if entry.value is None:
            continue
        token = key.split(".", 1)[1]
        name = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4)).decode(errors="replace")
        kind = kind_of(name)
        with session_factory() as session:
            have = session.get(NetworkVersion, kind)
            number = have.version if have is not None else 0
        try:
            version = open_version(verifier, entry.value, kind, "*")
            if version.number <= number:
                continue
            steps = plan(version.payload, number, kind in _WHOLE_NEXT)
            files = files or await buckets.files(js, enrolment.stream)
            blobs = [await _download(files, o) for o in steps.objects]
            done = apply_list(session_factory, version, blobs, steps.whole)
        except RefusedVersion as exc:
            refuse(session_factory, kind, number_in(entry.value), str(exc))
            report.refused.append(f"{kind}: {exc}")
            continue
        report.applied.append(f"{done} ({'whole file' if steps.whole else 'deltas'})")
    return report
