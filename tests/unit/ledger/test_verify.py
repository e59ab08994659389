"""Client-side verification of a served log, tampering, key files and key rotation."""

from __future__ import annotations

import random
import stat
from collections.abc import Callable
from pathlib import Path

import pytest

from borderpost.ledger.client.verify import prove_inclusion_from_tiles, verify_log
from borderpost.ledger.keys import (
    generate_log_key,
    generate_witness_key,
    load_log_signer,
    load_vkey_file,
    load_witness_signer,
)
from borderpost.ledger.storage.errors import StoreCorruptError
from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.errors import LedgerError, VerificationError
from borderpost.ledger.tlog.note import Ed25519Signer, open_note
from borderpost.ledger.tlog.tiles import bundles_for_size, tiles_for_size

ORIGIN = "borderpost.example/post-5"


@pytest.fixture
def served(tmp_path: Path) -> tuple[TileLog, Ed25519Signer, list[bytes]]:
    rng = random.Random(11)
    key = Ed25519Signer.generate(ORIGIN)
    log = TileLog(tmp_path / "log", ORIGIN)
    entries = [rng.randbytes(rng.randint(0, 40)) for _ in range(600)]
    log.append(entries)
    log.sign_checkpoint(key)
    return log, key, entries


def test_a_served_log_verifies_and_follows_on_consistently(
    served: tuple[TileLog, Ed25519Signer, list[bytes]],
) -> None:
    log, key, entries = served
    first = verify_log(log.read_path, origin=ORIGIN, log_keys=[key.verifier()])
    assert first.entries == tuple(entries)
    assert first.checkpoint.size == 600
    log.append([b"more %d" % i for i in range(70_000 - 600)])
    log.sign_checkpoint(key)
    second = verify_log(
        log.read_path,
        origin=ORIGIN,
        log_keys=[key.verifier()],
        previous=first.checkpoint,
        with_entries=False,
    )
    assert second.checkpoint.size == 70_000
    proof = prove_inclusion_from_tiles(log.read_path, second.checkpoint, 599)
    merkle.verify_inclusion(
        599, 70_000, merkle.leaf_hash(entries[599]), proof, second.checkpoint.root
    )
    # A checkpoint from a forked history is caught by the consistency check.
    fork = merkle.MemoryTree([b"forged"] * 600)
    with pytest.raises(VerificationError, match="inconsistent"):
        verify_log(
            log.read_path,
            origin=ORIGIN,
            log_keys=[key.verifier()],
            previous=Checkpoint(ORIGIN, 600, fork.root()),
            with_entries=False,
        )
    with pytest.raises(VerificationError, match="shrank"):
        verify_log(
            log.read_path,
            origin=ORIGIN,
            log_keys=[key.verifier()],
            previous=Checkpoint(ORIGIN, 80_000, fork.root()),
            with_entries=False,
        )
    log.close()


def _tampering(
    read: Callable[[str], bytes | None], path: str, pos: int
) -> Callable[[str], bytes | None]:
    def fetch(p: str) -> bytes | None:
        data = read(p)
        if p != path or data is None:
            return data
        return data[:pos] + bytes([data[pos] ^ 0x20]) + data[pos + 1 :]

    return fetch


def test_any_changed_byte_of_entries_tiles_or_checkpoint_is_detected(
    served: tuple[TileLog, Ed25519Signer, list[bytes]],
) -> None:
    log, key, _ = served
    paths = ["checkpoint"] + [t.path() for t in tiles_for_size(600) + bundles_for_size(600)]
    checked = 0
    for path in paths:
        data = log.read_path(path)
        assert data is not None
        # Every byte of the checkpoint and of small tiles; a spread of ~100 in larger ones.
        step = 1 if len(data) <= 200 else len(data) // 97 + 1
        for pos in [*range(0, len(data), step), len(data) - 1]:
            with pytest.raises(VerificationError):
                verify_log(
                    _tampering(log.read_path, path, pos), origin=ORIGIN, log_keys=[key.verifier()]
                )
            checked += 1
    assert checked > 800
    with pytest.raises(VerificationError):  # a missing resource
        verify_log(
            lambda p: None if p == "tile/0/001" else log.read_path(p),
            origin=ORIGIN,
            log_keys=[key.verifier()],
        )
    with pytest.raises(VerificationError):  # another log's key
        verify_log(
            log.read_path, origin=ORIGIN, log_keys=[Ed25519Signer.generate(ORIGIN).verifier()]
        )
    log.close()


@pytest.mark.parametrize("name", ["entries.bundles", "tiles.0", "tiles.1", "inner.0", "checkpoint"])
def test_changed_bytes_on_disk_are_detected(tmp_path: Path, name: str) -> None:
    key = Ed25519Signer.generate(ORIGIN)
    rng = random.Random(2)
    with TileLog(tmp_path, ORIGIN) as log:
        log.append([rng.randbytes(30) for _ in range(700)])
        log.sign_checkpoint(key)
    path = tmp_path / name
    data = bytearray(path.read_bytes())
    for pos in range(0, len(data), max(1, len(data) // 40)):
        data[pos] ^= 0x04
        path.write_bytes(bytes(data))
        try:
            with TileLog(tmp_path, ORIGIN) as log:
                log.audit()
                verify_log(log.read_path, origin=ORIGIN, log_keys=[key.verifier()])
        except (StoreCorruptError, VerificationError, LedgerError):
            pass
        else:
            pytest.fail(f"a changed byte at {name}[{pos}] went unnoticed")
        data[pos] ^= 0x04
    path.write_bytes(bytes(data))
    with TileLog(tmp_path, ORIGIN) as log:
        log.audit()


def test_key_files_and_rotation(tmp_path: Path) -> None:
    first = generate_log_key(tmp_path / "keys", ORIGIN)
    assert stat.S_IMODE(first.private_path.stat().st_mode) == 0o600
    old = load_log_signer(first.private_path)
    assert old.vkey() == first.vkey == first.vkey_path.read_text().strip()
    with TileLog(tmp_path / "log", ORIGIN) as log:
        log.append([b"a"])
        old_note = log.sign_checkpoint(old)
        # Rotation: a new key under the same name gets a new key ID and its own files.
        second = generate_log_key(tmp_path / "keys", ORIGIN)
        new = load_log_signer(second.private_path)
        assert new.key_id != old.key_id
        assert second.private_path != first.private_path
        log.append([b"b"])
        both = log.sign_checkpoint(new, old)  # the changeover: signed by both keys
        log.append([b"c"])
        new_note = log.sign_checkpoint(new)
    old_keys = load_vkey_file(first.vkey_path)
    new_keys = load_vkey_file(second.vkey_path)
    open_note(old_note, old_keys)
    open_note(both, old_keys)
    open_note(both, new_keys)
    open_note(new_note, new_keys)
    with pytest.raises(LedgerError):
        open_note(new_note, old_keys)
    first.private_path.chmod(0o644)
    with pytest.raises(LedgerError, match="readable by others"):
        load_log_signer(first.private_path)
    witness = generate_witness_key(tmp_path / "keys", "witness.example/w1")
    signer = load_witness_signer(witness.private_path)
    assert signer.vkey() == witness.vkey
    assert load_vkey_file(witness.vkey_path)[0].key_id == signer.key_id


def test_a_changed_published_checkpoint_is_detected(tmp_path: Path) -> None:
    # With witnesses, the served checkpoint has its own file, with the cosignatures.
    key = Ed25519Signer.generate(ORIGIN)
    with TileLog(tmp_path, ORIGIN) as log:
        log.append([b"entry %d" % i for i in range(300)])
        note = log.sign_checkpoint(key, publish=False)
        assert log.read_path("checkpoint") is None  # signed, not yet published
        log.publish(note)
    path = tmp_path / "checkpoint.published"
    data = bytearray(path.read_bytes())
    for pos in range(len(data)):
        data[pos] ^= 0x04
        path.write_bytes(bytes(data))
        try:
            with TileLog(tmp_path, ORIGIN) as log:
                verify_log(log.read_path, origin=ORIGIN, log_keys=[key.verifier()])
        except (StoreCorruptError, VerificationError, LedgerError):
            pass
        else:
            pytest.fail(f"a changed byte at {pos} went unnoticed")
        data[pos] ^= 0x04
    path.write_bytes(bytes(data))
    with TileLog(tmp_path, ORIGIN) as log:
        assert log.read_path("checkpoint") == note
        with pytest.raises(LedgerError, match="only the last signed"):
            log.publish(note.replace(b"300", b"299"))
