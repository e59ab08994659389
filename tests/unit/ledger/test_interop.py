"""Interoperability with independent implementations installed from PyPI.

- sigstore (sigstore-python): its signed-note checkpoint parser (``SignedCheckpoint``) and
  note verification, and its RFC 6962 inclusion proof verifier (``verify_merkle_inclusion``),
  fed our checkpoints and proofs.
- pymerkle: an independent RFC 9162 tree; roots and inclusion paths must agree with ours.

Both are private or third-party APIs; the tests skip when the package is not installed.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from types import SimpleNamespace

import pytest

from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.note import Ed25519Signer


def test_sigstore_parses_and_verifies_our_checkpoints(tmp_path: Path) -> None:
    checkpoint_mod = pytest.importorskip("sigstore._internal.rekor.checkpoint")
    errors = pytest.importorskip("sigstore.errors")
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

    origin = "borderpost.example/post-1"
    key = Ed25519Signer.generate(origin)
    with TileLog(tmp_path, origin) as log:
        log.append([b"crossing %d" % i for i in range(300)])
        note = log.sign_checkpoint(key)
        root = log.root_hash()

    signed = checkpoint_mod.SignedCheckpoint.from_text(note.decode())
    assert signed.checkpoint.origin == origin
    assert signed.checkpoint.log_size == 300
    assert signed.checkpoint.log_hash == root.hex()

    class Keyring:
        """Stands in for sigstore's RekorKeyring: plain Ed25519 verification."""

        def verify(self, *, key_id: bytes, signature: bytes, data: bytes) -> None:
            try:
                Ed25519PublicKey.from_public_bytes(key.public_key).verify(signature, data)
            except InvalidSignature as exc:
                raise errors.VerificationError("bad signature") from exc

    # The key ID is recomputed here from the signed-note formula, not taken from our code.
    kid = hashlib.sha256(origin.encode() + b"\n\x01" + key.public_key).digest()[:4]
    signed.signed_note.verify(Keyring(), kid)
    tampered = checkpoint_mod.SignedCheckpoint.from_text(
        note.decode().replace("\n300\n", "\n301\n")
    )
    with pytest.raises(errors.VerificationError, match="invalid signature"):
        tampered.signed_note.verify(Keyring(), kid)


def test_sigstore_verifies_our_inclusion_proofs(tmp_path: Path) -> None:
    sig_merkle = pytest.importorskip("sigstore._internal.merkle")
    errors = pytest.importorskip("sigstore.errors")
    entries = [b"entry %d" % i for i in range(1000)]
    with TileLog(tmp_path, "borderpost.example/post-2") as log:
        log.append(entries)
        for size in (1, 2, 3, 255, 256, 257, 999, 1000):
            root = log.root_hash(size)
            for index in {0, size // 2, size - 1}:
                proof = log.inclusion_proof(index, size)
                entry = SimpleNamespace(
                    _inner=SimpleNamespace(
                        inclusion_proof=SimpleNamespace(
                            log_index=index, tree_size=size, hashes=proof, root_hash=root
                        ),
                        canonicalized_body=entries[index],
                    )
                )
                sig_merkle.verify_merkle_inclusion(entry)
                entry._inner.canonicalized_body = b"forged"
                with pytest.raises(errors.VerificationError):
                    sig_merkle.verify_merkle_inclusion(entry)


def test_pymerkle_agrees_on_roots_and_inclusion_paths() -> None:
    pymerkle = pytest.importorskip("pymerkle")
    entries = [b"leaf %d" % i for i in range(70)]
    theirs = pymerkle.InmemoryTree(algorithm="sha256")
    ours = merkle.MemoryTree()
    for e in entries:
        theirs.append_entry(e)
        ours.append_hash(merkle.leaf_hash(e))
    for size in range(1, 71):
        assert theirs.get_root(size) == ours.root(size)
        for index in range(size):
            path = theirs.prove_inclusion(index + 1, size).serialize()["path"]
            # pymerkle's path starts with the leaf's own hash, then the RFC 6962 audit path.
            assert [bytes.fromhex(h) for h in path[1:]] == merkle.inclusion_proof(
                index, size, ours.node
            )
