"""``borderpost witness``: a real witness process on a free port, spoken to over HTTP."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from tests.witnesses import free_port, start_witness, stop, witness_cli

from borderpost.ledger.tlog import merkle
from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.note import Ed25519Signer, b64encode, open_note, sign_note
from borderpost.ledger.tlog.vkeys import parse_vkey
from borderpost.ledger.witness.state import TLOG_SIZE

ORIGIN = "borderpost/W-1"


@pytest.fixture
def log_key() -> Ed25519Signer:
    return Ed25519Signer.generate(ORIGIN)


@pytest.fixture
def witness(
    tmp_path: Path, log_key: Ed25519Signer
) -> Iterator[tuple[str, Path, str, subprocess.Popen[bytes]]]:
    state = tmp_path / "witness"
    vkey = witness_cli("init", "--state", str(state), "--name", "observer.example/w1").strip()
    assert witness_cli("vkey", "--state", str(state)).strip() == vkey
    assert "witnessing borderpost/W-1" in witness_cli(
        "add-log", "--state", str(state), log_key.vkey()
    )
    port = free_port()
    process = start_witness(state, port)
    yield f"http://127.0.0.1:{port}", state, vkey, process
    if process.poll() is None:
        stop(process)


def _request(
    tree: merkle.MemoryTree, old: int, new: int, key: Ed25519Signer
) -> tuple[bytes, bytes]:
    note = sign_note(Checkpoint(ORIGIN, new, tree.root(new)).body(), [key])
    proof = merkle.consistency_proof(old, new, tree.node) if old else []
    lines = [f"old {old}", *(b64encode(p) for p in proof), ""]
    return ("\n".join(lines) + "\n").encode() + note, note


def test_consistent_checkpoints_are_cosigned_and_state_survives_restart(
    witness: tuple[str, Path, str, subprocess.Popen[bytes]], log_key: Ed25519Signer
) -> None:
    url, state, vkey, first = witness
    tree = merkle.MemoryTree(b"leaf %d" % i for i in range(300))
    body, note = _request(tree, 0, 100, log_key)
    response = httpx.post(f"{url}/add-checkpoint", content=body)
    assert response.status_code == 200, response.text
    opened = open_note(note + response.content, [parse_vkey(vkey)])
    assert [s.name for s in opened.verified] == ["observer.example/w1"]

    body, _ = _request(tree, 100, 250, log_key)
    assert httpx.post(f"{url}/add-checkpoint", content=body).status_code == 200
    saved = json.loads((state / "state.json").read_text())
    assert saved["logs"][ORIGIN]["size"] == 250

    # A restarted witness remembers size 250: old 100 is now a conflict, answered with its size.
    stop(first)
    port = int(url.rsplit(":", 1)[1])
    restarted = start_witness(state, port)
    try:
        body, _ = _request(tree, 100, 300, log_key)
        conflict = httpx.post(f"{url}/add-checkpoint", content=body)
        assert conflict.status_code == 409
        assert conflict.headers["content-type"] == TLOG_SIZE
        assert conflict.text == "250\n"
        body, _ = _request(tree, 250, 300, log_key)
        assert httpx.post(f"{url}/add-checkpoint", content=body).status_code == 200
    finally:
        stop(restarted)


def test_refusals_carry_the_spec_status_codes(
    witness: tuple[str, Path, str, subprocess.Popen[bytes]], log_key: Ed25519Signer
) -> None:
    url, _, _, _ = witness
    tree = merkle.MemoryTree(b"leaf %d" % i for i in range(300))
    assert (
        httpx.post(f"{url}/add-checkpoint", content=_request(tree, 0, 100, log_key)[0]).status_code
        == 200
    )

    # A checkpoint of another history: the proof from 100 does not verify -> 422.
    other = merkle.MemoryTree(b"other %d" % i for i in range(300))
    forged = sign_note(Checkpoint(ORIGIN, 200, other.root(200)).body(), [log_key])
    proof = merkle.consistency_proof(100, 200, tree.node)
    body = ("\n".join(["old 100", *(b64encode(p) for p in proof), ""]) + "\n").encode() + forged
    assert httpx.post(f"{url}/add-checkpoint", content=body).status_code == 422
    # A wrong old size -> 409 with the witness's size.
    wrong = httpx.post(f"{url}/add-checkpoint", content=_request(tree, 50, 200, log_key)[0])
    assert (wrong.status_code, wrong.text) == (409, "100\n")
    # Not signed by a trusted key -> 403; an unknown origin -> 404; old > size -> 400.
    stranger = Ed25519Signer.generate(ORIGIN)
    assert (
        httpx.post(
            f"{url}/add-checkpoint", content=_request(tree, 100, 200, stranger)[0]
        ).status_code
        == 403
    )
    unknown_key = Ed25519Signer.generate("borderpost/ELSEWHERE")
    unknown = sign_note(Checkpoint("borderpost/ELSEWHERE", 1, tree.root(1)).body(), [unknown_key])
    assert httpx.post(f"{url}/add-checkpoint", content=b"old 0\n\n" + unknown).status_code == 404
    too_old = b"old 200\n\n" + sign_note(Checkpoint(ORIGIN, 150, tree.root(150)).body(), [log_key])
    assert httpx.post(f"{url}/add-checkpoint", content=too_old).status_code == 400
    # Nothing refused moved the witness: 100 is still its size.
    again = httpx.post(f"{url}/add-checkpoint", content=_request(tree, 100, 200, log_key)[0])
    assert again.status_code == 200
