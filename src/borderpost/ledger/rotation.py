"""Log key rotation: a new Ed25519 key, and a statement that the old key hands over to it.

``rotate_key`` makes a new key under the same name (the origin; it gets a new key ID) and
writes the N-th rotation statement of the log, a signed note served at
``/ledger/<POST>/rotation/<N>`` (N from 1)::

    borderpost-key-rotation/v1
    log borderpost/AST-W
    old borderpost/AST-W+1a2b3c4d+AQ...
    new borderpost/AST-W+5e6f7a8b+AQ...

signed by the old key (it vouches for the new one) and by the new key (it was there).
A verifier that trusts the old key follows the statements in order and trusts each new key
it reaches (``follow``); ``ledger verify --state`` remembers the keys it learnt.

While the previous key's private file is still in ``keys/``, each checkpoint is signed by
both keys, so witnesses and observers that only know the old key keep verifying; moving the
old ``.key`` file away ends the changeover (its ``.vkey`` stays: old checkpoints verify).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from borderpost.ledger.keys import generate_log_key, load_log_signer
from borderpost.ledger.storage.files import write_atomically
from borderpost.ledger.tlog.errors import LedgerError, VerificationError
from borderpost.ledger.tlog.note import Ed25519Signer, NoteVerifier, open_note, sign_note
from borderpost.ledger.tlog.vkeys import parse_vkey

HEADER = "borderpost-key-rotation/v1"
ROTATIONS_DIR = "rotations"


def statement_text(origin: str, old_vkey: str, new_vkey: str) -> str:
    """The text of a rotation statement."""
    return f"{HEADER}\nlog {origin}\nold {old_vkey}\nnew {new_vkey}\n"


def rotate_key(keys_dir: Path, log_dir: Path, old: Ed25519Signer) -> tuple[str, bytes]:
    """Make the log's next key, write the signed rotation statement; return (vkey, statement)."""
    made = generate_log_key(keys_dir, old.name)
    new = load_log_signer(made.private_path)
    statement = sign_note(statement_text(old.name, old.vkey(), new.vkey()), [old, new])
    directory = log_dir / ROTATIONS_DIR
    directory.mkdir(parents=True, exist_ok=True)
    number = len(list(directory.iterdir())) + 1
    write_atomically(directory / str(number), statement)
    return new.vkey(), statement


def read_statement(log_dir: Path, number: int) -> bytes | None:
    """The ``number``-th rotation statement of the log (from 1), or None."""
    path = log_dir / ROTATIONS_DIR / str(number)
    return path.read_bytes() if number >= 1 and path.is_file() else None


def _check(note: bytes, origin: str, trusted: dict[str, NoteVerifier]) -> tuple[str, NoteVerifier]:
    """The new vkey of a statement signed by a trusted old key and by the new key."""
    text = note.split(b"\n\n", 1)[0].decode("utf-8", "replace") + "\n"
    lines = dict(line.split(" ", 1) for line in text.splitlines()[1:] if " " in line)
    if not text.startswith(HEADER + "\n") or {"log", "old", "new"} - lines.keys():
        raise VerificationError("malformed key rotation statement")
    if lines["log"] != origin:
        raise VerificationError(f"a key rotation statement of {lines['log']!r}")
    old = trusted.get(lines["old"])
    if old is None:
        raise VerificationError("a key rotation statement from a key not trusted")
    try:
        new = parse_vkey(lines["new"])
        for key in (old, new):
            open_note(note, [key])
    except LedgerError as exc:
        raise VerificationError(f"key rotation statement rejected: {exc}") from exc
    if open_note(note, [old, new]).text != statement_text(origin, lines["old"], lines["new"]):
        raise VerificationError("malformed key rotation statement")
    if new.name != origin:
        raise VerificationError(f"the new key is named {new.name!r}, not {origin!r}")
    return lines["new"], new


def follow(fetch: Callable[[str], bytes | None], origin: str, vkeys: list[str]) -> list[str]:
    """The trusted vkeys extended by every served rotation statement, in order.

    A statement whose old key is not (yet) trusted is refused: trust only flows forward
    from a key the verifier already had.
    """
    trusted: dict[str, NoteVerifier] = {v: parse_vkey(v) for v in vkeys}
    number = 1
    while (note := fetch(f"rotation/{number}")) is not None:
        new_vkey, new = _check(note, origin, trusted)
        trusted.setdefault(new_vkey, new)
        number += 1
    return list(trusted)
