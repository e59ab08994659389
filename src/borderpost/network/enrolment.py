"""Enrolment: the one string headquarters prints for a new post, and the post's copy of it.

The string is ``borderpost-network:`` and the base64url of a small JSON object: the post's
code, the NATS URL and stream of the network, headquarters' vkey (its public key) and the post's
NATS credential (an NKey seed, ``seed``). The seed is a secret: whoever holds the string signs
in to the broker as that post. It travels by hand, out of band, like a password (so does the
vkey, which the post must be able to trust), and is never logged. The post keeps the seed in
``home/network/nats.nkey`` (readable by its user alone), not in ``enrolment.json``.

A string without a seed (from a network whose broker checks no credential) joins as before.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
from dataclasses import asdict, dataclass
from pathlib import Path

from borderpost.ledger.tlog.errors import LedgerError
from borderpost.network.signing import verifier_of
from borderpost.sync import link

PREFIX = "borderpost-network:"
MAX_LENGTH = 2000


class BadEnrolment(ValueError):
    """The string given to ``network join`` is not one ``network enrol`` printed."""


@dataclass(frozen=True)
class Enrolment:
    post: str
    url: str
    stream: str
    vkey: str
    seed: str = ""  # the post's NATS credential; empty: none (and never kept in the file)

    def __repr__(self) -> str:  # the seed never reaches a log or a traceback
        return f"Enrolment(post={self.post!r}, url={self.url!r}, stream={self.stream!r})"

    def encode(self) -> str:
        raw = json.dumps(asdict(self), separators=(",", ":")).encode()
        return PREFIX + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode(text: str) -> Enrolment:
    """The enrolment in ``text``; BadEnrolment naming what is wrong."""
    text = text.strip()
    if len(text) > MAX_LENGTH or not text.startswith(PREFIX):
        raise BadEnrolment(f"does not start with {PREFIX} or is too long")
    body = text[len(PREFIX) :]
    try:
        data = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        enrolment = Enrolment(
            str(data["post"]),
            str(data["url"]),
            str(data["stream"]),
            str(data["vkey"]),
            str(data.get("seed", "")),
        )
    except (binascii.Error, ValueError, KeyError, TypeError) as exc:
        raise BadEnrolment("is damaged: copy it again from `borderpost network enrol`") from exc
    if not enrolment.post or len(enrolment.post) > 32:
        raise BadEnrolment("post: must be 1 to 32 characters")
    if not enrolment.url.startswith(("nats://", "tls://")):
        raise BadEnrolment("url: must be a nats:// or tls:// URL")
    try:
        verifier_of(enrolment.vkey)
    except (LedgerError, ValueError) as exc:
        raise BadEnrolment(f"vkey: {exc}") from exc
    if enrolment.seed:
        try:
            link.public_nkey(enrolment.seed.encode())
        except ValueError:
            raise BadEnrolment("seed: not a NATS credential (an NKey user seed)") from None
    return enrolment


def seed_path(home: Path) -> Path:
    """This node's own NATS seed: a post's (``network join``) or headquarters' (``network
    broker-config``); ``Settings.nats_credential`` finds it there."""
    return home / "network" / "nats.nkey"


def write_seed(path: Path, seed: str) -> None:
    """Keep a seed readable by this node's user alone (replacing an earlier one in one step)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.unlink(missing_ok=True)
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as out:
        out.write(seed + "\n")
    os.replace(partial, path)


def path_of(home: Path) -> Path:
    return home / "network" / "enrolment.json"


def store(home: Path, enrolment: Enrolment) -> Path:
    """Keep the enrolment in the node's home (replacing an earlier one in one step), and its
    seed, if any, in the node's seed file (an earlier seed file is removed otherwise)."""
    path = path_of(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    kept = {k: v for k, v in asdict(enrolment).items() if k != "seed"}
    partial.write_text(json.dumps(kept, indent=1), encoding="utf-8")
    os.replace(partial, path)
    if enrolment.seed:
        write_seed(seed_path(home), enrolment.seed)
    else:
        seed_path(home).unlink(missing_ok=True)
    return path


def joined(home: Path) -> Enrolment | None:
    """The enrolment this node joined with, or None (headquarters, or a post on its own)."""
    try:
        data = json.loads(path_of(home).read_text(encoding="utf-8"))
        return Enrolment(data["post"], data["url"], data["stream"], data["vkey"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
