"""C2SP tlog-witness: the add-checkpoint state machine, and its durable per-origin state.

``add_checkpoint`` is pure: given the request body, the trusted log keys, the witness's
latest cosigned checkpoint per origin and its cosigners, it returns the HTTP status, body and
content type that tlog-witness prescribes, plus the new state on success. ``Witness`` wraps
it with a lock and a state file replaced atomically (write temp, fsync, rename), so checking
the old size and recording the new checkpoint happen as one step, as the spec requires.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from borderpost.ledger.storage.files import write_atomically
from borderpost.ledger.tlog.checkpoint import Checkpoint, parse_decimal, parse_hash_b64
from borderpost.ledger.tlog.cosignature import CosignatureSigner
from borderpost.ledger.tlog.errors import (
    AmbiguousKeyError,
    InvalidSignatureError,
    MalformedNoteError,
    ProofError,
    UnverifiedNoteError,
)
from borderpost.ledger.tlog.merkle import EMPTY_ROOT, verify_consistency
from borderpost.ledger.tlog.note import (
    NoteSignature,
    NoteVerifier,
    b64encode,
    open_note,
    parse_note,
)

TEXT_PLAIN = "text/plain; charset=utf-8"
TLOG_SIZE = "text/x.tlog.size"
MAX_PROOF_LINES = 63


@dataclass(frozen=True)
class WitnessedCheckpoint:
    """The latest checkpoint a witness cosigned for one origin."""

    size: int
    root: bytes
    note: bytes = b""


@dataclass(frozen=True)
class AddCheckpointRequest:
    """A parsed add-checkpoint body: old size, consistency proof, checkpoint note."""

    old_size: int
    proof: tuple[bytes, ...]
    checkpoint: bytes


@dataclass(frozen=True)
class WitnessResponse:
    """What the HTTP layer sends back; ``new_state`` is set only on 200."""

    status: int
    body: bytes
    content_type: str = TEXT_PLAIN
    new_state: WitnessedCheckpoint | None = field(default=None, compare=False)
    origin: str | None = None


def parse_add_checkpoint(body: bytes) -> AddCheckpointRequest:
    """Parse ``old <size>\\n``, up to 63 base64 proof lines, an empty line, then a checkpoint."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise MalformedNoteError("request body is not UTF-8") from exc
    first, sep, rest = text.partition("\n")
    if not sep or not first.startswith("old "):
        raise MalformedNoteError("request must start with an 'old <size>' line")
    old_size = parse_decimal(first[4:], "old size")
    proof: list[bytes] = []
    while True:
        line, sep, rest = rest.partition("\n")
        if not sep:
            raise MalformedNoteError("request has no empty line before the checkpoint")
        if line == "":
            break
        if len(proof) == MAX_PROOF_LINES:
            raise MalformedNoteError(f"more than {MAX_PROOF_LINES} consistency proof lines")
        proof.append(parse_hash_b64(line, "consistency proof line"))
    return AddCheckpointRequest(old_size, tuple(proof), rest.encode("utf-8"))


def _text(status: int, message: str, origin: str | None = None) -> WitnessResponse:
    return WitnessResponse(status, (message + "\n").encode("utf-8"), TEXT_PLAIN, None, origin)


def add_checkpoint(
    body: bytes,
    logs: Mapping[str, Sequence[NoteVerifier]],
    state: Mapping[str, WitnessedCheckpoint],
    cosigners: Sequence[CosignatureSigner],
) -> WitnessResponse:
    """Run one add-checkpoint request through the tlog-witness checks, in the spec's order."""
    try:
        request = parse_add_checkpoint(body)
        text, _ = parse_note(request.checkpoint)
    except MalformedNoteError as exc:
        return _text(400, f"malformed request: {exc}")
    origin = text.partition("\n")[0]
    verifiers = logs.get(origin)
    if verifiers is None:
        return _text(404, f"unknown log origin {origin!r}")
    try:
        open_note(request.checkpoint, verifiers)
    except (UnverifiedNoteError, InvalidSignatureError, AmbiguousKeyError) as exc:
        return _text(403, f"checkpoint not signed by a trusted key: {exc}", origin)
    try:
        checkpoint = Checkpoint.parse(text)
    except MalformedNoteError as exc:
        return _text(400, f"malformed checkpoint: {exc}", origin)
    if request.old_size > checkpoint.size:
        return _text(400, f"old size {request.old_size} exceeds size {checkpoint.size}", origin)
    known = state.get(origin) or WitnessedCheckpoint(0, EMPTY_ROOT)
    if request.old_size != known.size:
        return WitnessResponse(409, f"{known.size}\n".encode("ascii"), TLOG_SIZE, None, origin)
    if request.old_size == checkpoint.size:
        if checkpoint.root != known.root:
            return _text(409, f"a different root hash was cosigned for size {known.size}", origin)
        if request.proof:
            return _text(422, "consistency proof between equal sizes must be empty", origin)
    else:
        try:
            verify_consistency(
                request.old_size, checkpoint.size, known.root, checkpoint.root, request.proof
            )
        except ProofError as exc:
            return _text(422, f"consistency proof does not verify: {exc}", origin)
    encoded = text.encode("utf-8")
    lines = "".join(NoteSignature(c.name, c.key_id, c.sign(encoded)).line() for c in cosigners)
    new_state = WitnessedCheckpoint(checkpoint.size, checkpoint.root, request.checkpoint)
    return WitnessResponse(200, lines.encode("utf-8"), TEXT_PLAIN, new_state, origin)


def _load_state(path: Path) -> dict[str, WitnessedCheckpoint]:
    if not path.exists():
        return {}
    raw = json.loads(path.read_text("utf-8"))
    return {
        origin: WitnessedCheckpoint(
            int(v["size"]), parse_hash_b64(v["root"], "stored root"), v["checkpoint"].encode()
        )
        for origin, v in raw["logs"].items()
    }


def _dump_state(state: Mapping[str, WitnessedCheckpoint]) -> bytes:
    logs = {
        origin: {"size": w.size, "root": b64encode(w.root), "checkpoint": w.note.decode("utf-8")}
        for origin, w in sorted(state.items())
    }
    return (json.dumps({"version": 1, "logs": logs}, indent=2) + "\n").encode("utf-8")


class Witness:
    """A witness: trusted log keys, its cosigning keys, and its state file."""

    def __init__(
        self,
        state_path: Path,
        logs: Mapping[str, Sequence[NoteVerifier]],
        cosigners: Sequence[CosignatureSigner],
    ) -> None:
        if not cosigners:
            raise ValueError("a witness needs at least one cosigning key")
        self.state_path = state_path
        self._logs = {origin: list(vs) for origin, vs in logs.items()}
        self._cosigners = list(cosigners)
        self._lock = threading.Lock()
        self._state = _load_state(state_path)

    def latest(self, origin: str) -> WitnessedCheckpoint | None:
        """The latest checkpoint cosigned for ``origin``."""
        with self._lock:
            return self._state.get(origin)

    def add_checkpoint(self, body: bytes) -> WitnessResponse:
        """Handle ``POST <prefix>/add-checkpoint``: check, persist (on 200), then respond."""
        with self._lock:
            response = add_checkpoint(body, self._logs, self._state, self._cosigners)
            if response.new_state is not None and response.origin is not None:
                state = dict(self._state)
                state[response.origin] = response.new_state
                write_atomically(self.state_path, _dump_state(state), 0o600)
                self._state = state
            return response


def merge_cosignatures(
    checkpoint_note: bytes, response_body: bytes, witness_keys: Sequence[NoteVerifier]
) -> bytes:
    """Add the cosignatures of an add-checkpoint 200 response to the checkpoint note.

    As tlog-witness suggests, the response is appended to the checkpoint and opened with the
    witness keys; only cosignatures that verify are moved into the returned note.
    """
    text, existing = parse_note(checkpoint_note)
    opened = open_note(checkpoint_note + response_body, witness_keys)
    have = {(s.name, s.key_id) for s in existing}
    added = [s for s in opened.verified if (s.name, s.key_id) not in have]
    return (text + "\n" + "".join(s.line() for s in [*existing, *added])).encode("utf-8")
