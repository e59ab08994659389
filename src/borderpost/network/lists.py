"""Watchlists across the network: headquarters publishes each list's versions, posts apply them.

The versions bucket holds one signed manifest per list: its version number, the checksum of
its content, the whole file of some version (the object store) and the deltas from that one
to the latest. Headquarters writes the whole file the first time and again only when the
deltas since the last one have grown past half its size; otherwise a version costs a delta,
read from the rows the version put and closed (``screening.versions``), not from the list.
A post that runs version N takes the deltas after N when they are smaller than the whole file,
else the whole file and every delta after it. Deltas alone are applied in one transaction:
the rows they close and put, the checksum updated from them (``screening.lthash``) and
compared with headquarters', and the version made active. A whole file is written in steps
as a version not active yet (only what differs from the version in force), its checksum
computed whole and compared, then made active in one short transaction. Either way the
screening warm-up then indexes it in the background (from the previous version's index when
it has it) and re-screens the crossings recorded since headquarters published it (its
``imported_at``).
"""

from __future__ import annotations

import base64
import hashlib
import logging
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nats.errors import Error as NatsError
from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from nats.js.kv import KeyValue
from nats.js.object_store import ObjectStore
from sqlalchemy import Connection, select
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock, reference
from borderpost.ids import new_id
from borderpost.ledger.tlog.note import Ed25519Signer, NoteVerifier
from borderpost.network import buckets
from borderpost.network.enrolment import Enrolment
from borderpost.network.listfiles import (
    Delta,
    Row,
    line_of,
    read_whole_lines,
    whole_file,
)
from borderpost.network.model import NetworkVersion
from borderpost.network.publishing import PublishReport, last_published
from borderpost.network.records import ACTOR, FollowReport, number_in, record, refuse, row_of
from borderpost.network.signing import RefusedVersion, Version, open_version, seal, verifier_of
from borderpost.screening import prebuilt, screener
from borderpost.screening.lthash import LtHash
from borderpost.screening.model import Watchlist, WatchlistVersion
from borderpost.screening.versions import (
    NextVersion,
    WholeDiff,
    activate,
    changes,
    clean_pending,
    digests,
    next_number,
    read_rows,
    state_of,
)
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)
# Entries written or closed per transaction at a post taking a whole file: a fraction of a
# second each.
STEP = 20_000


def kind_of(name: str) -> str:
    return f"list:{name}"


def content(conn: Connection, version_id: uuid.UUID) -> list[Row]:
    """A version's entries as rows, in entry-key order."""
    version = conn.execute(
        select(WatchlistVersion.watchlist_id, WatchlistVersion.number).where(
            WatchlistVersion.id == version_id
        )
    ).one()
    return sorted(read_rows(conn, version.watchlist_id, version.number))


# Headquarters ------------------------------------------------------------------------------


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
    """A new version of the list if its active version is not the one last published.

    The delta is read from the rows the active version put and closed, when it was written
    over the version last published; else (the first time, versions imported in between) the
    whole file is published, read from the rows in one streamed query."""
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
        conn = session.connection()
        if active.checksum is None:  # a version from before checksums were kept
            state_of(conn, active)
            session.commit()
        published = last.payload.get("hq_number") if last is not None else None
        delta: Delta | None = None
        if published is not None and active.base_number == published:
            delta = Delta(*changes(conn, watchlist.id, published, active.number))
        name, list_kind, number_here = watchlist.name, watchlist.kind, active.number
        label, imported_by, entries = active.label, active.imported_by, active.entry_count
        content_checksum, hq_version = active.checksum, str(active.id)
        whole: bytes | None = None
        index: bytes | None = None
        encoded = delta.encode() if delta is not None else None
        if (
            last is None
            or encoded is None
            or (
                sum(d["size"] for d in last.payload["deltas"]) + len(encoded)
                > last.payload["full"]["size"] // 2
            )
        ):
            rows = list(read_rows(conn, watchlist.id, number_here))
            whole = whole_file(rows)
            # Built once here, in the file's order, instead of at every post.
            built = screener.build_rows(watchlist.id, active.id, name, rows)
            del rows
            index = prebuilt.dump(built)
            del built
    number = last.number + 1 if last is not None else 1
    prefix = f"{buckets.token(name)}/{number}"
    if whole is not None:
        full = {"number": number, **await _put(files, f"{prefix}.full", whole)}
        if index is not None:
            made = await _put(files, f"{prefix}.index", index)
            full["index"] = {**made, "matcher": prebuilt.fingerprint()}
        deltas: list[dict[str, Any]] = []
    else:
        assert last is not None
        assert encoded is not None
        one = await _put(files, f"{prefix}.delta", encoded)
        full, deltas = last.payload["full"], [*last.payload["deltas"], {"to": number, **one}]
    payload = {
        "name": name,
        "kind": list_kind,
        "label": label,
        "imported_by": imported_by,
        "hq_version": hq_version,
        "hq_number": number_here,
        "checksum": content_checksum,
        "entries": entries,
        "full": full,
        "deltas": deltas,
    }
    await kv.put(key, seal(signer, Version(kind, "*", number, clock.now(), payload)))
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


async def _shipped_index(files: ObjectStore, version: Version, steps: Plan) -> bytes | None:
    """Headquarters' index of the whole file, if it was made by this post's matcher code.
    Only a shortcut: one that does not download whole (or not as signed) is left out, and
    the post builds the index itself, as without one."""
    shipped = version.payload["full"].get("index")
    if not shipped or shipped.get("matcher") != prebuilt.fingerprint():
        return None
    try:
        return await _download(files, shipped)
    except (RefusedVersion, NatsError, OSError) as exc:
        log.warning("list %s: headquarters' index not taken: %s", version.payload["name"], exc)
        return None


# A list whose delta did not give headquarters' checksum takes the whole file next time.
_WHOLE_NEXT: set[str] = set()


class _Mismatch(Exception):
    def __init__(self, got: str) -> None:
        super().__init__(got)
        self.got = got


def _refused(kind: str, got: str) -> RefusedVersion:
    _WHOLE_NEXT.add(kind)
    return RefusedVersion(f"checksum: the list built here is {got[:12]}…, not headquarters'")


def _version_row(
    manifest: dict[str, Any], version: Version, watchlist_id: uuid.UUID, number: int, base: int
) -> WatchlistVersion:
    return WatchlistVersion(
        id=new_id(),
        watchlist_id=watchlist_id,
        source=f"network version {version.number}"[:200],
        label=str(manifest["label"])[:100],
        # Crossings recorded since headquarters published it are re-screened against it.
        imported_at=version.published_at,
        imported_by=f"hq:{manifest['imported_by']}"[:100],
        entry_count=int(manifest["entries"]),
        number=number,
        base_number=base or None,
    )


def _activate(
    session: Session, watchlist: Watchlist, new: WatchlistVersion, kind: str, version: Version
) -> None:
    """The pointer switch, with what a post records of the version it runs."""
    activate(session.connection(), watchlist, new)
    reference.touch(session)
    session.info.pop("screener", None)
    record(row_of(session, kind), version, [], version.payload["checksum"])


def _apply_deltas(
    session_factory: sessionmaker[Session], version: Version, blobs: list[bytes]
) -> None:
    """The deltas over the version in force, in one transaction: the rows they close and
    put, the checksum updated from those rows, the version made active if it matches."""
    manifest = version.payload
    kind = kind_of(manifest["name"])
    delta = Delta()
    for blob in blobs:
        delta = delta.then(Delta.decode(blob))
    try:
        with UnitOfWork(session_factory, actor=ACTOR) as uow:
            session = uow.session
            conn = session.connection()
            watchlist = session.scalars(
                select(Watchlist).where(Watchlist.name == manifest["name"])
            ).one()
            old = session.get(WatchlistVersion, watchlist.active_version_id)
            assert old is not None
            clean_pending(conn, watchlist.id, old.number)  # what an interrupted version left
            new = _version_row(
                manifest, version, watchlist.id, next_number(conn, watchlist.id), old.number
            )
            session.add(new)
            session.flush()
            writer = NextVersion(watchlist.id, old.number, new.number, state_of(conn, old))
            writer.close(conn, [*delta.removed, *(r[0] for r in delta.put)])
            writer.write(conn, delta.put)
            assert writer.lthash is not None
            got = writer.lthash.checksum()
            if got != manifest["checksum"]:
                raise _Mismatch(got)  # nothing of it is kept
            new.lthash, new.checksum = writer.lthash.state(), got
            _activate(session, watchlist, new, kind, version)
            uow.commit()
    except _Mismatch as exc:
        raise _refused(kind, exc.got) from None


def _in_steps(session_factory: sessionmaker[Session], work: list[Any]) -> None:
    """Each step in a transaction of its own: a post's booths never wait long for the
    database while a million entries are written (the version is not active meanwhile)."""
    for step in work:
        with session_factory() as session, session.begin():
            step(session.connection())


def _whole_lines(blobs: list[bytes]) -> tuple[dict[str, tuple[Row, bytes]], list[str]]:
    """The whole file and the deltas after it: each entry key's row and its line as hashed
    (the file's own line: no row is serialised again for the checksum); and the file's own
    keys, in its order."""
    lines = read_whole_lines(blobs[0])
    keys = list(lines)
    for blob in blobs[1:]:
        delta = Delta.decode(blob)
        for key in delta.removed:
            lines.pop(key, None)
        for row in delta.put:
            lines[row[0]] = (row, line_of(row))
    return lines, keys


def _prebuilt_index(
    index_blob: bytes | None,
    blobs: list[bytes],
    keys: list[str],
    ids: tuple[uuid.UUID, uuid.UUID, str],
) -> screener.ListIndex | None:
    """Headquarters' index of the whole file, as this version's index: loaded, checked to
    hold the file's keys in its order, extended by the deltas after the file. None (the
    warm-up builds it, as without one) if there is none or it does not fit."""
    if index_blob is None:
        return None
    watchlist_id, version_id, name = ids
    try:
        index = prebuilt.load(index_blob, watchlist_id, version_id, name)
    except ValueError as exc:
        log.warning("list %s: headquarters' index not used: %s", name, exc)
        return None
    if not prebuilt.matches(index, keys):
        log.warning("list %s: headquarters' index does not hold the file's entries", name)
        return None
    if len(blobs) > 1:
        delta = Delta()
        for blob in blobs[1:]:
            delta = delta.then(Delta.decode(blob))
        index = screener.extend(index, version_id, delta.put, delta.removed)
        if screener.should_rebuild(index):
            return None
    return index


def _apply_whole(
    session_factory: sessionmaker[Session],
    version: Version,
    blobs: list[bytes],
    index_blob: bytes | None = None,
) -> None:
    """The whole file (and the deltas after it): its checksum computed whole, then what
    differs from the version in force written in steps as a version not active yet, then
    made active in one short transaction. With headquarters' prebuilt index of the file
    (``index_blob``), that index is offered to the screener as the new version's, once the
    checksum is proved, so that no build is needed."""
    manifest = version.payload
    name, kind = manifest["name"], kind_of(manifest["name"])
    lines, file_keys = _whole_lines(blobs)
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        session = uow.session
        conn = session.connection()
        watchlist = session.scalars(select(Watchlist).where(Watchlist.name == name)).one_or_none()
        if watchlist is None:
            watchlist = Watchlist(
                id=new_id(), name=name, kind=manifest["kind"], created_at=clock.now()
            )
            session.add(watchlist)
            session.flush()
        active = watchlist.active_version_id
        old = session.get(WatchlistVersion, active) if active is not None else None
        base = old.number if old is not None else 0
        clean_pending(conn, watchlist.id, base)  # what an interrupted version left
        new = _version_row(manifest, version, watchlist.id, next_number(conn, watchlist.id), base)
        session.add(new)
        uow.commit()
        watchlist_id, new_id_, number = watchlist.id, new.id, new.number
    whole = LtHash().add(line for _, line in lines.values())
    got = whole.checksum()
    if got != manifest["checksum"]:
        raise _refused(kind, got)
    writer = NextVersion(watchlist_id, base, number, None)
    put: list[Row] = [row for row, _ in lines.values()]  # over nothing: every row
    closing: list[str] = []
    if base:
        with session_factory() as session:
            diff = WholeDiff(digests(session.connection(), watchlist_id, base))
        put = []
        for row, line in lines.values():
            seen = diff.see(row, line)
            if seen == "same":
                continue
            if seen == "changed":
                closing.append(row[0])
            put.append(row)
        closing += diff.gone()
    del lines

    def close(keys: list[str]) -> Any:
        return lambda conn: writer.close(conn, keys)

    def write(chunk: list[Row]) -> Any:
        return lambda conn: writer.write(conn, chunk)

    _in_steps(
        session_factory,
        [close(closing[i : i + STEP]) for i in range(0, len(closing), STEP)]
        + [write(put[i : i + STEP]) for i in range(0, len(put), STEP)],
    )
    del put, closing  # before the index is loaded: not both in memory at once
    index = _prebuilt_index(index_blob, blobs, file_keys, (watchlist_id, new_id_, name))
    del file_keys
    if index is not None:
        screener.offer(index)  # taken by the screener once the version is active
    try:
        with UnitOfWork(session_factory, actor=ACTOR) as uow:
            session = uow.session
            watchlist = session.get(Watchlist, watchlist_id)
            made = session.get(WatchlistVersion, new_id_)
            assert watchlist is not None
            assert made is not None
            made.lthash, made.checksum = whole.state(), got
            _activate(session, watchlist, made, kind, version)
            uow.commit()
    except BaseException:
        screener.withdraw(new_id_)
        raise


def apply_list(
    session_factory: sessionmaker[Session],
    version: Version,
    blobs: list[bytes],
    whole: bool,
    index: bytes | None = None,
) -> str:
    """Build the list's new version from the whole file and deltas (or the deltas alone, over
    the version in force), check its checksum, then make it active."""
    manifest = version.payload
    kind = kind_of(manifest["name"])
    with session_factory() as session:
        has = session.scalars(
            select(Watchlist.active_version_id).where(Watchlist.name == manifest["name"])
        ).one_or_none()
    if whole or has is None:
        _apply_whole(session_factory, version, blobs, index)
    else:
        _apply_deltas(session_factory, version, blobs)
    _WHOLE_NEXT.discard(kind)
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
            index = await _shipped_index(files, version, steps) if steps.whole else None
            done = apply_list(session_factory, version, blobs, steps.whole, index)
        except RefusedVersion as exc:
            refuse(session_factory, kind, number_in(entry.value), str(exc))
            report.refused.append(f"{kind}: {exc}")
            continue
        report.applied.append(f"{done} ({'whole file' if steps.whole else 'deltas'})")
    return report
