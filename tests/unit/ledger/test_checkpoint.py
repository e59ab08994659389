"""tlog-checkpoint bodies and tlog-cosignature signatures, with the specs' examples."""

from __future__ import annotations

import base64

import pytest

from borderpost.ledger.tlog.checkpoint import Checkpoint
from borderpost.ledger.tlog.cosignature import (
    CosignatureSigner,
    CosignatureVerifier,
    cosignature_timestamp,
    cosigned_message,
)
from borderpost.ledger.tlog.errors import InvalidSignatureError, MalformedNoteError
from borderpost.ledger.tlog.note import (
    ALG_COSIGNATURE_V1,
    Ed25519Signer,
    key_id,
    open_note,
    parse_note,
    sign_note,
)
from borderpost.ledger.tlog.vkeys import parse_vkey

# The example of c2sp.org/tlog-checkpoint and c2sp.org/tlog-cosignature (C2SP/C2SP
# tlog-checkpoint.md, tlog-cosignature.md): a checkpoint with a log signature and a
# witness cosignature; the cosignature spec shows the message signed at time 1679315147.
SPEC_BODY = "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
SPEC_CHECKPOINT = (
    (
        SPEC_BODY + "\n"
        "— example.com/behind-the-sofa Az3grlgtzPICa5OS8npVmf1Myq/5IZniMp+ZJurmRDeOoRDe4URYN7u5/Zhcyv2q1gGzGku9nTo+zyWE+xeMcTOAYQ8=\n"  # noqa: E501
        "— witness.example.com/w1 jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZqhf5nNo0xUe+mbIUBkBIfZ+qnA==\n"  # noqa: E501
    ).encode()
)
SPEC_COSIGNED_MESSAGE = (
    b"cosignature/v1\ntime 1679315147\n"
    b"example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n"
)


def test_spec_checkpoint_parses() -> None:
    text, sigs = parse_note(SPEC_CHECKPOINT)
    cp = Checkpoint.parse(text)
    assert cp.origin == "example.com/behind-the-sofa"
    assert cp.size == 20852163
    assert cp.root == base64.b64decode("CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=")
    assert cp.body() == SPEC_BODY
    log_sig, witness_sig = sigs
    assert len(log_sig.signature) == 64  # Ed25519
    assert len(witness_sig.signature) == 72  # timestamp || Ed25519
    assert cosignature_timestamp(witness_sig.signature) == 1679315147


def test_cosigned_message_matches_the_spec() -> None:
    assert cosigned_message(SPEC_BODY.encode(), 1679315147) == SPEC_COSIGNED_MESSAGE


def test_checkpoint_body_format() -> None:
    cp = Checkpoint("borderpost.example/post-7", 0, bytes(32))
    assert (
        cp.body() == "borderpost.example/post-7\n0\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
    )
    assert Checkpoint.parse(cp.body()) == cp
    ext = Checkpoint("o", 5, bytes(32), ("extra line",))
    assert Checkpoint.parse(ext.body()) == ext


@pytest.mark.parametrize(
    "text",
    [
        "",
        "o\n1\n",  # too few lines
        "\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  # empty origin
        "o\n01\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  # leading zero
        "o\n-1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n+1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
        "o\n18446744073709551616\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",  # 2**64
        "o\n1\nYmFuYW5hcw==\n",  # not 32 bytes
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\n",  # non-canonical base64
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",  # no final newline
        "o\n1\nAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n\n",  # empty extension line
    ],
)
def test_malformed_checkpoints(text: str) -> None:
    with pytest.raises(MalformedNoteError):
        Checkpoint.parse(text)


def test_cosignature_round_trip_and_key_id() -> None:
    log = Ed25519Signer.generate("example.com/log")
    witness = CosignatureSigner.generate("witness.example/w1", clock=lambda: 1700000000.5)
    assert witness.key_id == key_id("witness.example/w1", ALG_COSIGNATURE_V1, witness.public_key)
    assert witness.key_id != key_id("witness.example/w1", 0x01, witness.public_key)
    note = sign_note(SPEC_BODY, [log, witness])
    opened = open_note(note, [log.verifier(), witness.verifier()])
    assert len(opened.verified) == 2
    sig = opened.verified[1].signature
    assert cosignature_timestamp(sig) == 1700000000
    # The cosigner's vkey carries type 0x04 and parses back to a cosignature verifier.
    verifier = parse_vkey(witness.vkey())
    assert isinstance(verifier, CosignatureVerifier)
    assert verifier.verify(SPEC_BODY.encode(), sig)
    # Changing the timestamp breaks the signature.
    forged = (1700000001).to_bytes(8, "big") + sig[8:]
    assert not verifier.verify(SPEC_BODY.encode(), forged)
    # Reloading from the secret key string keeps the cosigner identity.
    again = CosignatureSigner.from_skey(witness.skey())
    assert (again.name, again.key_id, again.public_key) == (
        witness.name,
        witness.key_id,
        witness.public_key,
    )


def test_cosignature_from_the_future_can_be_refused() -> None:
    witness = CosignatureSigner.generate("w", clock=lambda: 2_000_000_000)
    sig = witness.sign(b"x\n")
    strict = CosignatureVerifier("w", witness.public_key, max_future_skew=60, clock=lambda: 1e9)
    assert not strict.verify(b"x\n", sig)
    assert witness.verifier().verify(b"x\n", sig)


def test_tampered_cosignature_rejects_the_note() -> None:
    log = Ed25519Signer.generate("example.com/log")
    witness = CosignatureSigner.generate("witness.example/w1")
    note = bytearray(sign_note(SPEC_BODY, [log, witness]))
    note[-10] = ord("A") if note[-10] != ord("A") else ord("B")
    with pytest.raises((InvalidSignatureError, MalformedNoteError)):
        open_note(bytes(note), [log.verifier(), witness.verifier()])
