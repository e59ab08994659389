"""What the observer's ledger page shows of one post's log, read from the node's own files.

The latest published checkpoint and who signed it (the log's key, the configured witnesses'
cosignatures, with their time), the verifier keys the log has had, and the latest bulletin with
the result of checking it as an observer would. Every signature is checked here, not taken
from the file: the page says "verified" only for a signature that verified on this node.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from borderpost.ledger.bulletins.services import BulletinStatus, bulletin_status
from borderpost.ledger.keys import load_verifiers
from borderpost.ledger.services import read_log, vkeys
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.cosignature import CosignatureVerifier, cosignature_timestamp
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import NoteVerifier, parse_note


class SignerKind(StrEnum):
    """Whose signature a line of the checkpoint note is."""

    LOG = "log"
    WITNESS = "witness"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class CheckpointSigner:
    """One signature line of the checkpoint: its key name, whose it is, and whether it verified."""

    name: str
    kind: SignerKind
    verified: bool
    at: dt.datetime | None  # a witness's cosignature time


@dataclass(frozen=True)
class LogOverview:
    """One post's log as an observer sees it on this node."""

    post: str
    checkpoint: Checkpoint | None
    note: str | None
    signers: tuple[CheckpointSigner, ...]
    vkeys: tuple[str, ...]
    bulletin: BulletinStatus
    problem: str | None


def checkpoint_signers(
    note: bytes, verifiers: Sequence[NoteVerifier]
) -> tuple[CheckpointSigner, ...]:
    text, signatures = parse_note(note)
    body = text.encode("utf-8")
    out = []
    for sig in signatures:
        match = next((v for v in verifiers if v.name == sig.name and v.key_id == sig.key_id), None)
        if match is None:
            out.append(CheckpointSigner(sig.name, SignerKind.UNKNOWN, False, None))
            continue
        witness = isinstance(match, CosignatureVerifier)
        at = None
        if witness and len(sig.signature) == 72:
            at = dt.datetime.fromtimestamp(cosignature_timestamp(sig.signature), dt.UTC)
        kind = SignerKind.WITNESS if witness else SignerKind.LOG
        out.append(CheckpointSigner(sig.name, kind, match.verify(body, sig.signature), at))
    return tuple(out)


def log_overview(home: Path, code: str, witness_vkeys: Sequence[str]) -> LogOverview:
    """The post's log on this node; empty until its first leaf is appended."""
    found = read_log(home, code)
    if found is None:
        return LogOverview(code, None, None, (), (), BulletinStatus(code, None, False, None), None)
    keys = tuple(vkeys(home, code))
    data = found.read_path("checkpoint")
    checkpoint = None
    signers: tuple[CheckpointSigner, ...] = ()
    problem = None
    if data is not None:
        try:
            checkpoint = Checkpoint.parse(parse_note(data)[0])
            signers = checkpoint_signers(data, load_verifiers([*keys, *witness_vkeys]))
        except LedgerError as exc:
            problem = str(exc)
    note = data.decode("utf-8", "replace") if data is not None else None
    return LogOverview(code, checkpoint, note, signers, keys, bulletin_status(home, code), problem)
