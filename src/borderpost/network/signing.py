"""Every version headquarters publishes is a C2SP signed note over its digest.

The note's text names what the version is (kind, the post it is for or ``*``, its number,
when it was published) and the SHA-256 of its payload's canonical JSON; the payload travels
next to the note. A post opens the note with the key it was given at enrolment and checks the
digest, the kind, the scope and the number before it applies anything.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from borderpost.ledger.keys import read_private_key, write_private_key
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import (
    Ed25519Signer,
    NoteVerifier,
    open_note,
    parse_skey,
    sign_note,
)
from borderpost.ledger.tlog.vkeys import parse_vkey

KEY_NAME = "borderpost-network"
HEADER = "borderpost network version"


class RefusedVersion(Exception):
    """A version a post must not apply; the reason names what did not check."""


def canonical(payload: Any) -> bytes:
    """The bytes a version's digest is taken over: sorted keys, no spaces, UTF-8."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def key_path(home: Path) -> Path:
    return home / "network" / "hq.key"


def network_signer(home: Path) -> Ed25519Signer:
    """Headquarters' network key, made on first use (readable by its owner only)."""
    path = key_path(home)
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        write_private_key(path, Ed25519Signer.generate(KEY_NAME).skey())
    return parse_skey(read_private_key(path))


def verifier_of(vkey: str) -> NoteVerifier:
    """The verifier of the vkey a post was given at enrolment."""
    return parse_vkey(vkey)


@dataclass(frozen=True)
class Version:
    kind: str
    scope: str  # a post's code, or "*" for every post
    number: int
    published_at: dt.datetime
    payload: Any

    @property
    def digest(self) -> str:
        return hashlib.sha256(canonical(self.payload)).hexdigest()


def seal(signer: Ed25519Signer, version: Version) -> bytes:
    """The version as published: ``{"note": signed note, "payload": ...}``."""
    text = (
        f"{HEADER}\n{version.kind}\n{version.scope}\n{version.number}\n"
        f"{version.published_at.isoformat()}\n{version.digest}\n"
    )
    note = sign_note(text, [signer]).decode()
    return canonical({"note": note, "payload": version.payload})


def read_version(verifiers: list[NoteVerifier], data: bytes) -> tuple[Version, set[int]]:
    """The version in ``data`` and the ids of the keys that signed it, whatever its kind and
    scope; RefusedVersion naming what does not check."""
    try:
        sealed = json.loads(data)
        note, payload = sealed["note"], sealed["payload"]
    except (ValueError, KeyError, TypeError) as exc:
        raise RefusedVersion(f"not a published version: {type(exc).__name__}") from exc
    try:
        opened = open_note(str(note).encode(), verifiers)
    except LedgerError as exc:
        raise RefusedVersion(f"signature: {exc}") from exc
    lines = opened.text.split("\n")
    if len(lines) != 7 or lines[0] != HEADER:
        raise RefusedVersion("signature: the note is not a version")
    _, kind, scope, number, published, digest, _ = lines
    version = Version(kind, scope, int(number), dt.datetime.fromisoformat(published), payload)
    if version.digest != digest:
        raise RefusedVersion("checksum: the content is not what headquarters signed")
    return version, {s.key_id for s in opened.verified}


def open_version(verifier: NoteVerifier, data: bytes, kind: str, scope: str) -> Version:
    """The version in ``data``, or RefusedVersion naming what does not check."""
    version, _ = read_version([verifier], data)
    if version.kind != kind or version.scope not in (scope, "*"):
        raise RefusedVersion(f"signed for {version.kind} at {version.scope}, not {kind} at {scope}")
    return version
