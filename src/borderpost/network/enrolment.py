"""Enrolment: the one string headquarters prints for a new post, and the post's copy of it.

The string is ``borderpost-network:`` and the base64url of a small JSON object: the post's
code, the NATS URL and stream of the network, and headquarters' vkey (its public key). It holds
no secret: what a post must be able to trust is the vkey, so it travels by hand, out of band.
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
            str(data["post"]), str(data["url"]), str(data["stream"]), str(data["vkey"])
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
    return enrolment


def path_of(home: Path) -> Path:
    return home / "network" / "enrolment.json"


def store(home: Path, enrolment: Enrolment) -> Path:
    """Keep the enrolment in the node's home (replacing an earlier one in one step)."""
    path = path_of(home)
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".tmp")
    partial.write_text(json.dumps(asdict(enrolment), indent=1), encoding="utf-8")
    os.replace(partial, path)
    return path


def joined(home: Path) -> Enrolment | None:
    """The enrolment this node joined with, or None (headquarters, or a post on its own)."""
    try:
        data = json.loads(path_of(home).read_text(encoding="utf-8"))
        return Enrolment(data["post"], data["url"], data["stream"], data["vkey"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
