"""Sending checkpoints to witnesses and publishing them with a quorum of cosignatures.

A post's node is a tlog-witness *client*: for each witness it sends ``old <size>``, the
consistency proof from that size, and the signed checkpoint. It starts from the size it last
saw the witness cosign (0 after a restart) and, on a 409 answered with ``text/x.tlog.size``,
retries once from the size the witness names, as the spec says. Cosignatures that verify with
the witness's configured vkey are added to the note (signed-note allows any number of
signature lines); the note is published only when ``quorum`` distinct witnesses cosigned it.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

import httpx

from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.cosignature import count_cosigners
from borderpost.ledger.tlog.errors import LedgerError, MalformedNoteError
from borderpost.ledger.tlog.note import NoteVerifier, b64encode, parse_note
from borderpost.ledger.tlog.vkeys import parse_vkey
from borderpost.ledger.witness.state import TLOG_SIZE, merge_cosignatures

log = logging.getLogger("borderpost.ledger")


@dataclass(frozen=True)
class WitnessEndpoint:
    """A witness a post sends its checkpoints to: its URL prefix and its cosigning vkey."""

    url: str
    verifier: NoteVerifier

    @classmethod
    def parse(cls, url: str, vkey: str) -> WitnessEndpoint:
        """Check the URL and the vkey (it must be a cosignature/v1 key)."""
        if not url.startswith(("http://", "https://")):
            raise LedgerError(f"witness URL {url!r} is not http(s)")
        return cls(url.rstrip("/"), parse_vkey(vkey))


@dataclass
class WitnessPolicy:
    """The witnesses of a node and how many must cosign before a checkpoint is published."""

    witnesses: Sequence[WitnessEndpoint] = ()
    quorum: int = 0
    timeout: float = 10.0
    # What each witness last cosigned, per (origin, witness URL): saves a 409 round trip.
    sizes: dict[tuple[str, str], int] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if not 0 <= self.quorum <= len(self.witnesses):
            raise LedgerError(
                f"witness quorum {self.quorum} is not between 0 and {len(self.witnesses)}"
            )

    @property
    def enabled(self) -> bool:
        """Checkpoints wait for witnesses (quorum above 0)."""
        return self.quorum > 0


def _request(tlog: TileLog, old: int, size: int, note: bytes) -> bytes:
    proof = tlog.consistency_proof(old, size) if 0 < old < size else []
    lines = [f"old {old}", *(b64encode(p) for p in proof), ""]
    return ("\n".join(lines) + "\n").encode("ascii") + note


def _ask(
    client: httpx.Client, policy: WitnessPolicy, tlog: TileLog, w: WitnessEndpoint, note: bytes
) -> bytes | None:
    """One witness's cosignature lines for ``note``, or None (logged) if it gave none."""
    checkpoint = Checkpoint.parse(parse_note(note)[0])
    key = (checkpoint.origin, w.url)
    with policy._lock:
        old = policy.sizes.get(key, 0)
    for _attempt in range(2):
        if old > checkpoint.size:
            log.warning("witness %s has cosigned %d > %d entries", w.url, old, checkpoint.size)
            return None
        try:
            response = client.post(
                f"{w.url}/add-checkpoint", content=_request(tlog, old, checkpoint.size, note)
            )
        except httpx.HTTPError as exc:
            log.warning("witness %s unreachable: %s", w.url, exc)
            return None
        if response.status_code == 200:
            with policy._lock:
                policy.sizes[key] = checkpoint.size
            return response.content
        if response.status_code == 409 and response.headers.get("content-type") == TLOG_SIZE:
            try:
                old = int(response.text.strip())
            except ValueError:
                return None
            continue  # the witness is at another size: send the proof from there
        log.warning(
            "witness %s refused size %d: HTTP %d %s",
            w.url,
            checkpoint.size,
            response.status_code,
            response.text.strip()[:200],
        )
        return None
    return None


def gather(tlog: TileLog, note: bytes, policy: WitnessPolicy) -> tuple[bytes, int]:
    """Send ``note`` to every witness; return it with the cosignatures gathered, and their count.

    A cosignature is counted only when it verifies with the witness's configured key.
    """
    merged = note
    with httpx.Client(timeout=policy.timeout) as client:
        for w in policy.witnesses:
            lines = _ask(client, policy, tlog, w, note)
            if lines is None:
                continue
            try:
                merged = merge_cosignatures(merged, lines, [w.verifier])
            except (LedgerError, MalformedNoteError) as exc:
                log.warning("witness %s answered no valid cosignature: %s", w.url, exc)
    return merged, count_cosigners(merged, [w.verifier for w in policy.witnesses])


def publish_with_quorum(tlog: TileLog, policy: WitnessPolicy) -> bool:
    """Publish the last signed checkpoint if the witnesses' quorum cosigns it; report it."""
    note = tlog.latest_checkpoint_note()
    if note is None or note == tlog.published_checkpoint_note:
        return False
    published = tlog.published_checkpoint_note
    if published is not None:
        (text, signed), (old_text, old_signed) = parse_note(note), parse_note(published)
        have = {(s.name, s.key_id) for s in old_signed}
        if text == old_text and all((s.name, s.key_id) in have for s in signed):
            return False  # already published with its quorum
    merged, count = gather(tlog, note, policy)
    if count < policy.quorum:
        log.warning(
            "ledger %s: %d of %d cosignatures; checkpoint not published yet",
            tlog.origin,
            count,
            policy.quorum,
        )
        return False
    tlog.publish(merged)
    return True
