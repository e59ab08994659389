"""The tlog-witness add-checkpoint state machine: every status the spec prescribes."""

from __future__ import annotations

from pathlib import Path

import pytest

from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.cosignature import CosignatureSigner
from borderpost.ledger.tlog.note import Ed25519Signer, b64encode, open_note, sign_note
from borderpost.ledger.witness.state import (
    TLOG_SIZE,
    Witness,
    WitnessedCheckpoint,
    add_checkpoint,
    merge_cosignatures,
)

ORIGIN = "borderpost.example/post-3"


@pytest.fixture
def world() -> tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner]:
    tree = merkle.MemoryTree(b"entry %d" % i for i in range(40))
    return tree, Ed25519Signer.generate(ORIGIN), CosignatureSigner.generate("witness.example/w1")


def _note(tree: merkle.MemoryTree, size: int, key: Ed25519Signer, origin: str = ORIGIN) -> bytes:
    return sign_note(Checkpoint(origin, size, tree.root(size)).body(), [key])


def _body(old: int, proof: list[bytes], note: bytes) -> bytes:
    lines = [f"old {old}", *(b64encode(p) for p in proof), ""]
    return ("\n".join(lines) + "\n").encode() + note


def _request(tree: merkle.MemoryTree, old: int, new: int, key: Ed25519Signer) -> bytes:
    return _body(old, merkle.consistency_proof(old, new, tree.node), _note(tree, new, key))


def test_first_checkpoint_then_an_extension_are_cosigned(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner], tmp_path: Path
) -> None:
    tree, key, cosigner = world
    witness = Witness(tmp_path / "state.json", {ORIGIN: [key.verifier()]}, [cosigner])
    first = witness.add_checkpoint(_request(tree, 0, 10, key))
    assert first.status == 200, first.body
    assert first.body.startswith("— witness.example/w1 ".encode())
    # The response lines appended to the checkpoint verify with the witness key.
    note = _note(tree, 10, key)
    opened = open_note(note + first.body, [cosigner.verifier()])
    assert [s.name for s in opened.verified] == ["witness.example/w1"]
    merged = merge_cosignatures(note, first.body, [cosigner.verifier()])
    assert len(open_note(merged, [key.verifier(), cosigner.verifier()]).verified) == 2
    second = witness.add_checkpoint(_request(tree, 10, 25, key))
    assert second.status == 200
    # The state survives a restart: it was persisted before answering.
    again = Witness(tmp_path / "state.json", {ORIGIN: [key.verifier()]}, [cosigner])
    latest = again.latest(ORIGIN)
    assert latest is not None
    assert (latest.size, latest.root) == (25, tree.root(25))
    assert (tmp_path / "state.json").stat().st_mode & 0o777 == 0o600


def test_stale_old_size_is_a_409_with_the_current_size(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner],
) -> None:
    tree, key, cosigner = world
    state = {ORIGIN: WitnessedCheckpoint(20, tree.root(20))}
    response = add_checkpoint(
        _request(tree, 10, 30, key), {ORIGIN: [key.verifier()]}, state, [cosigner]
    )
    assert (response.status, response.body, response.content_type) == (409, b"20\n", TLOG_SIZE)
    assert response.new_state is None
    # A client without state asks with old size 0 and learns the size the same way.
    probe = add_checkpoint(
        _request(tree, 0, 30, key), {ORIGIN: [key.verifier()]}, state, [cosigner]
    )
    assert (probe.status, probe.body) == (409, b"20\n")


def test_bad_consistency_proof_is_a_422(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner],
) -> None:
    tree, key, cosigner = world
    logs, state = {ORIGIN: [key.verifier()]}, {ORIGIN: WitnessedCheckpoint(20, tree.root(20))}
    proof = merkle.consistency_proof(20, 30, tree.node)
    bad = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
    assert (
        add_checkpoint(_body(20, bad, _note(tree, 30, key)), logs, state, [cosigner]).status == 422
    )
    assert (
        add_checkpoint(_body(20, [], _note(tree, 30, key)), logs, state, [cosigner]).status == 422
    )
    # A fork: a checkpoint of another tree cannot be proved consistent.
    fork = merkle.MemoryTree(b"forged %d" % i for i in range(30))
    forged = _body(20, merkle.consistency_proof(20, 30, fork.node), _note(fork, 30, key))
    assert add_checkpoint(forged, logs, state, [cosigner]).status == 422
    # From size 0 the proof must be empty.
    fresh = _body(0, [tree.root(1)], _note(tree, 30, key))
    assert add_checkpoint(fresh, logs, {}, [cosigner]).status == 422


def test_unknown_key_or_bad_signature_is_a_403(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner],
) -> None:
    tree, key, cosigner = world
    logs = {ORIGIN: [key.verifier()]}
    stranger = Ed25519Signer.generate(ORIGIN)  # same name, other key: an unknown key
    assert add_checkpoint(_request(tree, 0, 5, stranger), logs, {}, [cosigner]).status == 403
    note = bytearray(_note(tree, 5, key))
    note[note.index(b"\n") + 1] = ord("6")  # size 5 -> 6 under the original signature
    assert add_checkpoint(_body(0, [], bytes(note)), logs, {}, [cosigner]).status == 403


def test_unknown_origin_is_a_404(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner],
) -> None:
    tree, key, cosigner = world
    other = Ed25519Signer.generate("elsewhere.example/log")
    request = _body(0, [], _note(tree, 5, other, "elsewhere.example/log"))
    assert add_checkpoint(request, {ORIGIN: [key.verifier()]}, {}, [cosigner]).status == 404


def test_same_size_must_have_the_same_root(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner],
) -> None:
    tree, key, cosigner = world
    logs, state = {ORIGIN: [key.verifier()]}, {ORIGIN: WitnessedCheckpoint(20, tree.root(20))}
    same = add_checkpoint(_request(tree, 20, 20, key), logs, state, [cosigner])
    assert same.status == 200
    fork = merkle.MemoryTree(b"forged %d" % i for i in range(20))
    assert (
        add_checkpoint(_body(20, [], _note(fork, 20, key)), logs, state, [cosigner]).status == 409
    )
    extra = _body(20, [tree.root(20)], _note(tree, 20, key))
    assert add_checkpoint(extra, logs, state, [cosigner]).status == 422


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"old 1\n",
        b"old 01\n\nx\n",
        b"new 1\n\n",
        b"old 1\nnot base64\n\n",
        b"\xff\xfe",
    ],
)
def test_malformed_requests_are_400(
    body: bytes, world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner]
) -> None:
    _, key, cosigner = world
    assert add_checkpoint(body, {ORIGIN: [key.verifier()]}, {}, [cosigner]).status == 400


def test_old_size_beyond_the_checkpoint_and_too_many_proof_lines_are_400(
    world: tuple[merkle.MemoryTree, Ed25519Signer, CosignatureSigner],
) -> None:
    tree, key, cosigner = world
    logs = {ORIGIN: [key.verifier()]}
    assert add_checkpoint(_body(9, [], _note(tree, 5, key)), logs, {}, [cosigner]).status == 400
    proof = [tree.root(1)] * 64
    assert add_checkpoint(_body(1, proof, _note(tree, 5, key)), logs, {}, [cosigner]).status == 400
