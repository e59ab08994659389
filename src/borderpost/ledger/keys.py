"""Key management: generate, store and load log and witness keys; rotate log keys.

Private keys are kept in Go's note format (``PRIVATE+KEY+<name>+<id>+<base64>``) in files only
their owner can read (0600); public keys are vkey strings. Rotating a log key makes a new key
under the same name (the checkpoint origin, as tlog-checkpoint recommends): it gets a new key
ID, so old checkpoints keep verifying with the old vkey while new ones are signed with the new
key, or with both during the changeover.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from borderpost.ledger.tlog.cosignature import CosignatureSigner
from borderpost.ledger.tlog.errors import LedgerError
from borderpost.ledger.tlog.note import Ed25519Signer, NoteVerifier, parse_skey
from borderpost.ledger.tlog.vkeys import parse_vkey

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")


@dataclass(frozen=True)
class KeyFiles:
    """Where a generated key pair was written, and its public vkey."""

    private_path: Path
    vkey_path: Path
    vkey: str


def _file_stem(name: str, key_id: int) -> str:
    return f"{_UNSAFE.sub('_', name)}.{key_id:08x}"


def write_private_key(path: Path, skey: str) -> None:
    """Write a secret key string to a new file readable by its owner only (never overwrites)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
    try:
        os.fchmod(fd, 0o600)  # the umask may have widened nothing, but make it exact
        os.write(fd, (skey + "\n").encode("ascii"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_public(path: Path, vkey: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o644)
    try:
        os.write(fd, (vkey + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_pair(directory: Path, name: str, key_id: int, skey: str, vkey: str) -> KeyFiles:
    directory.mkdir(parents=True, exist_ok=True)
    stem = _file_stem(name, key_id)
    private_path, vkey_path = directory / f"{stem}.key", directory / f"{stem}.vkey"
    write_private_key(private_path, skey)
    _write_public(vkey_path, vkey)
    return KeyFiles(private_path, vkey_path, vkey)


def generate_log_key(directory: Path, name: str) -> KeyFiles:
    """Generate an Ed25519 log key named ``name`` (use the origin) and write both halves.

    Calling it again for the same name is a key rotation: the new key has a new key ID and
    its own files; the old files are left in place.
    """
    signer = Ed25519Signer.generate(name)
    return _write_pair(directory, name, signer.key_id, signer.skey(), signer.vkey())


def generate_witness_key(directory: Path, name: str) -> KeyFiles:
    """Generate a witness (cosigner) key; its vkey has signature type 0x04."""
    cosigner = CosignatureSigner.generate(name)
    return _write_pair(directory, name, cosigner.key_id, cosigner.skey(), cosigner.vkey())


def read_private_key(path: Path, *, allow_shared: bool = False) -> str:
    """Read a secret key string, refusing a file that group or others may read."""
    mode = path.stat().st_mode
    if not allow_shared and mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise LedgerError(f"{path} is readable by others (mode {mode & 0o777:o}); chmod 600 it")
    return path.read_text("ascii").strip()


def load_log_signer(path: Path) -> Ed25519Signer:
    """Load a log signing key written by ``generate_log_key``."""
    return parse_skey(read_private_key(path))


def load_witness_signer(path: Path) -> CosignatureSigner:
    """Load a witness key written by ``generate_witness_key``."""
    return CosignatureSigner.from_skey(read_private_key(path))


def load_verifiers(vkeys: Iterable[str]) -> list[NoteVerifier]:
    """Parse vkey strings (blank lines and ``#`` comments skipped) into verifiers."""
    out: list[NoteVerifier] = []
    for line in vkeys:
        line = line.strip()
        if line and not line.startswith("#"):
            out.append(parse_vkey(line))
    return out


def load_vkey_file(path: Path) -> list[NoteVerifier]:
    """Load the verifiers listed in a vkey file, one per line."""
    return load_verifiers(path.read_text("utf-8").splitlines())
