"""A C2SP tlog-witness over HTTP: ``POST /add-checkpoint``, and its folder on disk.

The witness folder holds everything a witness is, so one ``--state DIR`` names it:

- ``witness.key`` / ``witness.vkey``: its cosigning key (cosignature/v1, type 0x04), 0600;
- ``logs``: the vkeys of the logs it witnesses, one a line; the origin of a log is its key's
  name, as tlog-checkpoint recommends (a log with a rotated key has two lines);
- ``state.json``: the latest checkpoint cosigned per origin, replaced atomically before a
  200 is sent (``ledger.witness.state.Witness``).

The HTTP layer is a bare Starlette app: the state machine and its status codes live in
``ledger.witness.state``; this module only moves bytes and sets the content type.
"""

from __future__ import annotations

from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from borderpost.ledger.keys import (
    generate_witness_key,
    load_verifiers,
    load_witness_signer,
)
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import NoteVerifier
from borderpost.ledger.tlog.vkeys import parse_vkey
from borderpost.ledger.witness.state import TEXT_PLAIN, Witness

KEY_FILE = "witness.key"
VKEY_FILE = "witness.vkey"
LOGS_FILE = "logs"
STATE_FILE = "state.json"
# A checkpoint with 100 signatures and 63 proof lines is well under this.
MAX_BODY = 64 * 1024


def init_witness(directory: Path, name: str) -> str:
    """Make a witness folder with a new cosigning key named ``name``; return its vkey."""
    key_path = directory / KEY_FILE
    if key_path.exists():
        raise LedgerError(f"{key_path} exists: this folder already holds a witness")
    made = generate_witness_key(directory, name)
    # Fixed names, so that serve finds the key without being told.
    made.private_path.rename(key_path)
    made.vkey_path.rename(directory / VKEY_FILE)
    return made.vkey


def witness_vkey(directory: Path) -> str:
    """The vkey of the witness in ``directory``."""
    return (directory / VKEY_FILE).read_text("utf-8").strip()


def add_log(directory: Path, vkey: str) -> str:
    """Trust the log whose key is ``vkey`` (its name is the origin); return the origin."""
    verifier = parse_vkey(vkey.strip())
    path = directory / LOGS_FILE
    known = path.read_text("utf-8").splitlines() if path.exists() else []
    if vkey.strip() not in (line.strip() for line in known):
        with path.open("a", encoding="utf-8") as handle:
            handle.write(vkey.strip() + "\n")
    return verifier.name


def load_logs(directory: Path) -> dict[str, list[NoteVerifier]]:
    """The trusted log keys by origin, from the ``logs`` file."""
    path = directory / LOGS_FILE
    lines = path.read_text("utf-8").splitlines() if path.exists() else []
    logs: dict[str, list[NoteVerifier]] = {}
    for verifier in load_verifiers(lines):
        logs.setdefault(verifier.name, []).append(verifier)
    return logs


def open_witness(directory: Path, key: Path | None = None) -> Witness:
    """The witness of ``directory`` (key from ``key`` or the folder), ready to serve."""
    signer = load_witness_signer(key or directory / KEY_FILE)
    logs = load_logs(directory)
    if not logs:
        raise LedgerError(f"{directory} trusts no log yet: borderpost witness add-log VKEY")
    return Witness(directory / STATE_FILE, logs, [signer])


def create_witness_app(witness: Witness) -> Starlette:
    """The witness's HTTP app: ``POST /add-checkpoint`` as tlog-witness specifies."""

    async def add_checkpoint(request: Request) -> Response:
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(b"request too large\n", 413, media_type=TEXT_PLAIN)
        # The state file is fsynced under a lock: keep the event loop free meanwhile.
        result = await run_in_threadpool(witness.add_checkpoint, body)
        return Response(result.body, result.status, headers={"Content-Type": result.content_type})

    return Starlette(routes=[Route("/add-checkpoint", add_checkpoint, methods=["POST"])])
