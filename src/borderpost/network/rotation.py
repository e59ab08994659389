"""Headquarters' network key replaced without enrolling any post again.

A rotation makes a new key and a *link*: a signed note naming the new key's vkey, signed by
the key it replaces and by the new key itself (so a link proves both that the old key agreed
and that headquarters holds the new one). The links form a chain from the first key, kept in
``home/network/key-chain.json`` and published under the ``key`` entry of the versions bucket.

A post trusts the key it was given at enrolment. At each round it reads the chain, finds its
key in it and walks the links after it, each checked by the key before it; it then trusts the
last key only (stored in its enrolment, recorded as the ``key`` row of its versions), so a
post offline through several rotations catches up through all of them. A chain that does
not check is refused with the reason, and the post keeps the key it had.

At headquarters, after a rotation, every version in the bucket is signed again by the new key
under the same number (a post that has it already skips it; one that has not applies it) and
every command sent and not answered yet is sent again, signed by the new key (a post applies
a command once, by its id). Versions and commands signed by a replaced key are refused by a
post that has moved to the new key: a rotation after a key was exposed closes it for good.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import os
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from nats.js.errors import KeyNotFoundError, NoKeysError
from nats.js.kv import KeyValue
from sqlalchemy import update
from sqlalchemy.orm import Session, sessionmaker

from borderpost import clock
from borderpost.ledger.keys import read_private_key, write_private_key
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import (
    Ed25519Signer,
    NoteVerifier,
    open_note,
    parse_note,
    parse_skey,
    sign_note,
)
from borderpost.network import enrolment as enrolments
from borderpost.network.model import NetworkCommand
from borderpost.network.records import ACTOR, refuse, row_of
from borderpost.network.signing import (
    KEY_NAME,
    RefusedVersion,
    canonical,
    key_path,
    read_version,
    seal,
    verifier_of,
)
from borderpost.unit_of_work import UnitOfWork

log = logging.getLogger(__name__)

CHAIN_KEY = "key"  # its entry in the versions bucket
KIND = "key"  # its row in a post's versions
LINK_HEADER = "borderpost network key"
MAX_LINKS = 1000  # what a post reads of a chain


@dataclass
class Chain:
    """The first key headquarters had, and one link per rotation since."""

    first: str
    links: list[str] = field(default_factory=list)

    def vkeys(self) -> list[str]:
        """Every key in order; those after the first as the links claim them (unchecked)."""
        return [self.first] + [_link_vkey(link) for link in self.links]

    def encode(self) -> bytes:
        return canonical({"first": self.first, "links": self.links})

    @classmethod
    def decode(cls, data: bytes) -> Chain:
        try:
            body = json.loads(data)
            first, links = str(body["first"]), [str(x) for x in body["links"]]
        except (ValueError, KeyError, TypeError) as exc:
            raise RefusedVersion(f"key: not a key chain ({type(exc).__name__})") from exc
        if len(links) > MAX_LINKS:
            raise RefusedVersion("key: the chain is longer than a post reads")
        return cls(first, links)


def _link_vkey(link: str) -> str:
    try:
        text, _ = parse_note(link.encode())
    except LedgerError as exc:
        raise RefusedVersion(f"key: a link is not a signed note: {exc}") from exc
    lines = text.split("\n")
    if len(lines) != 4 or lines[0] != LINK_HEADER:
        raise RefusedVersion("key: a link does not name a key")
    return lines[1]


# Headquarters ------------------------------------------------------------------------------


def chain_path(home: Path) -> Path:
    return home / "network" / "key-chain.json"


def _next_path(home: Path) -> Path:
    return key_path(home).with_name(key_path(home).name + ".next")


def _resealed_path(home: Path) -> Path:
    return home / "network" / "resealed"


def load_chain(home: Path) -> Chain | None:
    """The chain kept at headquarters, None before the first rotation."""
    try:
        return Chain.decode(chain_path(home).read_bytes())
    except OSError:
        return None


def _write(path: Path, data: bytes) -> None:
    partial = path.with_suffix(".tmp")
    partial.write_bytes(data)
    os.replace(partial, path)


def finish_rotation(home: Path) -> None:
    """A rotation cut short: the new key is put in place if the chain names it, else dropped.

    The order of a rotation is: the new key beside the old (``hq.key.next``), the chain with
    its link, then the new key in place of the old. Called before the key is read."""
    pending = _next_path(home)
    if not pending.is_file():
        return
    new = parse_skey(read_private_key(pending))
    chain = load_chain(home)
    if chain is not None and chain.vkeys()[-1] == new.vkey():
        os.replace(pending, key_path(home))
    else:
        pending.unlink()


def rotate(home: Path, old: Ed25519Signer) -> Ed25519Signer:
    """Replace ``old`` (headquarters' key in force) by a new key; the new signer."""
    new = Ed25519Signer.generate(KEY_NAME)
    text = f"{LINK_HEADER}\n{new.vkey()}\n{clock.now().isoformat()}\n"
    link = sign_note(text, [old, new]).decode()
    chain = load_chain(home) or Chain(old.vkey())
    if chain.vkeys()[-1] != old.vkey():
        raise RefusedVersion("key: the key in force is not the last of the chain")
    pending = _next_path(home)
    pending.unlink(missing_ok=True)
    write_private_key(pending, new.skey())
    chain.links.append(link)
    _write(chain_path(home), chain.encode())
    os.replace(pending, key_path(home))
    log.warning("headquarters' network key replaced (%s)", new.vkey().split("+")[1])
    return new


def verifiers(home: Path, signer: Ed25519Signer) -> list[NoteVerifier]:
    """Every key headquarters has had, the one in force included."""
    chain = load_chain(home)
    vkeys = chain.vkeys() if chain is not None else [signer.vkey()]
    return [verifier_of(v) for v in dict.fromkeys([*vkeys, signer.vkey()])]


def _resign(data: bytes, known: list[NoteVerifier], signer: Ed25519Signer) -> bytes | None:
    """``data`` (a sealed version) signed again by ``signer``; None when it already is, or
    when it does not check with any key of headquarters' (left alone)."""
    try:
        version, signed_by = read_version(known, data)
    except RefusedVersion:
        return None
    return None if signer.key_id in signed_by else seal(signer, version)


async def publish_chain(
    kv: KeyValue,
    home: Path,
    signer: Ed25519Signer,
    session_factory: sessionmaker[Session],
) -> list[str]:
    """Headquarters, at each round: the chain published, and after a rotation every version
    signed again and every command not answered sent again. What was done."""
    finish_rotation(home)
    chain = load_chain(home)
    if chain is None:
        return []
    done: list[str] = []
    try:
        current = (await kv.get(CHAIN_KEY)).value
    except KeyNotFoundError:
        current = None
    if current != chain.encode():
        await kv.put(CHAIN_KEY, chain.encode())
        done.append(f"key {len(chain.links)}")
    marker = _resealed_path(home)
    if marker.is_file() and marker.read_text(encoding="ascii").strip() == signer.vkey():
        return done
    known = verifiers(home, signer)
    try:
        keys = [k for k in await kv.keys() if k != CHAIN_KEY]
    except NoKeysError:
        keys = []
    resigned = 0
    for key in keys:
        entry = await kv.get(key)
        again = _resign(entry.value or b"", known, signer)
        if again is not None:
            await kv.put(key, again)
            resigned += 1
    # Commands sent under a replaced key and not answered yet go again (a post applies each
    # once, by its id).
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        uow.session.execute(
            update(NetworkCommand)
            .where(NetworkCommand.published_at.is_not(None), NetworkCommand.outcome.is_(None))
            .values(published_at=None)
            .execution_options(synchronize_session=False)
        )
        uow.commit()
    _write(marker, signer.vkey().encode("ascii"))
    done.append(f"{resigned} versions signed again by the new key")
    return done


def generation(home: Path) -> int:
    """How many times the key was replaced: commands sent again carry it in their message id
    (JetStream would drop a second message with the same id)."""
    chain = load_chain(home)
    return len(chain.links) if chain is not None else 0


# A post ------------------------------------------------------------------------------------


def walk(chain: Chain, trusted: str) -> tuple[str, int, str | None]:
    """The last key of ``chain`` reached from ``trusted`` by links each checked by the key
    before it, its place in the chain and the time of its link; RefusedVersion otherwise."""
    vkeys = chain.vkeys()
    if trusted not in vkeys:
        raise RefusedVersion("key: the key this post trusts is not in headquarters' chain")
    at = vkeys.index(trusted)
    current, when = trusted, None
    for link in chain.links[at:]:
        new = _link_vkey(link)
        try:
            before, after = verifier_of(current), verifier_of(new)
            note = open_note(link.encode(), [before, after])
        except (LedgerError, ValueError) as exc:
            raise RefusedVersion(f"key: a link does not check: {exc}") from exc
        if {s.key_id for s in note.verified} != {before.key_id, after.key_id}:
            raise RefusedVersion("key: a link is not signed by both the old and the new key")
        current, when, at = new, note.text.split("\n")[2], at + 1
    return current, at, when


async def adopt(
    session_factory: sessionmaker[Session],
    home: Path,
    enrolment: enrolments.Enrolment,
    kv: KeyValue,
) -> enrolments.Enrolment:
    """A post: the enrolment with headquarters' newest key, kept, when the chain leads to it."""
    try:
        data = (await kv.get(CHAIN_KEY)).value
    except KeyNotFoundError:
        return enrolment
    if not data:
        return enrolment
    try:
        chain = Chain.decode(data)
        newest, place, when = walk(chain, enrolment.vkey)
    except RefusedVersion as exc:
        refuse(session_factory, KIND, None, str(exc))
        return enrolment
    if newest == enrolment.vkey:
        return enrolment
    updated = replace(enrolment, vkey=newest)
    enrolments.store(home, updated)
    with UnitOfWork(session_factory, actor=ACTOR) as uow:
        row = row_of(uow.session, KIND)
        row.version, row.checksum, row.keys = place, newest.split("+")[1], []
        row.published_at = dt.datetime.fromisoformat(when) if when else None
        row.applied_at = clock.now()
        row.refused_version = row.refused_reason = row.refused_at = None
        uow.commit()
    log.warning("headquarters' network key is now %s", newest.split("+")[1])
    return updated


def describe(chain: Chain | None) -> dict[str, Any]:
    """For ``network key``: the keys in order."""
    if chain is None:
        return {"rotations": 0, "keys": []}
    return {"rotations": len(chain.links), "keys": chain.vkeys()}
