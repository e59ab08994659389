"""tlog-proof receipts: made from a log and its witnesses, verified offline."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog.cosignature import CosignatureSigner
from borderpost.ledger.tlog.errors import MalformedNoteError, VerificationError
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.ledger.tlog.proof import TlogProof, create_proof, verify_proof
from borderpost.ledger.witness.state import Witness, merge_cosignatures

ORIGIN = "borderpost.example/post-9"

# The example of c2sp.org/tlog-proof (C2SP/C2SP tlog-proof.md), up to its checkpoint, whose
# signatures the spec elides; its receipt lines parse as written.
SPEC_HEAD = """c2sp.org/tlog-proof@v1
extra YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ
index 73894
gSKyXoYZUgZ6jduWYrkDOARinOMGJveXjgMkBTcdPlQ=
B95lDa8R83lS8n0eG+o0buTxRKQTYFi//1U8anccXmA=
EKNzoDWG8LGC0Yp9o+sv3qllpMP9uHQ9B20KNL+Q1zs=
RoopEkOdqkYqMB4MJXrbt/hMjOxsVn0IrWjpz1ZMMes=
AHCioX9nLjsrse6YhjRRmk1WUEirVOLLRoOQ6vfO5vk=

example.com/fancylog
109482
sFodV/vSp5O8n9a8QpW6PRY97tfOSW5bsc2Xl/EQi08=

"""


def test_spec_example_parses() -> None:
    proof = TlogProof.parse(SPEC_HEAD.encode() + "— example.com/fancylog AAAA\n".encode())
    assert proof.index == 73894
    assert proof.extra == base64.b64decode("YWdlLXYxLjIuMS1kYXJ3aW4tYXJtNjQudGFyLmd6kYXJ3aW4tYXJ")
    assert len(proof.path) == 5
    assert proof.checkpoint.startswith(b"example.com/fancylog\n109482\n")
    assert proof.encode() == SPEC_HEAD.encode() + "— example.com/fancylog AAAA\n".encode()


@pytest.mark.parametrize(
    "data",
    [
        b"wrong-header\nindex 0\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nextra !!notbase64!!\nindex 0\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\n\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nindex notanumber\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nindex -5\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nindex 01\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n!!notbase64!!\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n" + base64.b64encode(bytes(64)) + b"\n\ncheckpoint\n",
        b"c2sp.org/tlog-proof@v1\nindex 0\n",
    ],
)
def test_malformed_receipts(data: bytes) -> None:
    # The error cases of transparency-dev/merkle proof/tlog_proof_test.go, and a few more.
    with pytest.raises(MalformedNoteError):
        TlogProof.parse(data)


def test_receipts_verify_offline_with_a_witness_quorum(tmp_path: Path) -> None:
    key = Ed25519Signer.generate(ORIGIN)
    w1, w2 = CosignatureSigner.generate("w1.example"), CosignatureSigner.generate("w2.example")
    with TileLog(tmp_path / "log", ORIGIN) as log:
        entries = [b"crossing %d" % i for i in range(1000)]
        log.append(entries)
        note = log.sign_checkpoint(key)
        for w in (w1, w2):
            witness = Witness(tmp_path / f"{w.name}.json", {ORIGIN: [key.verifier()]}, [w])
            response = witness.add_checkpoint(b"old 0\n\n" + note)
            assert response.status == 200
            note = merge_cosignatures(note, response.body, [w.verifier()])
        receipt = create_proof(417, log.inclusion_proof(417, log.size), note, extra=b"ctx")
    witnesses = [w1.verifier(), w2.verifier()]
    got = verify_proof(
        receipt,
        origin=ORIGIN,
        log_keys=[key.verifier()],
        entry=entries[417],
        witness_keys=witnesses,
        quorum=2,
    )
    assert (got.index, got.checkpoint.size, got.cosigners, got.extra) == (
        417,
        1000,
        ("w1.example", "w2.example"),
        b"ctx",
    )

    def rejects(data: bytes, entry: bytes = entries[417], quorum: int = 2) -> bool:
        try:
            verify_proof(
                data,
                origin=ORIGIN,
                log_keys=[key.verifier()],
                entry=entry,
                witness_keys=witnesses,
                quorum=quorum,
            )
        except VerificationError:
            return True
        return False

    assert rejects(receipt, entry=entries[418])
    assert rejects(receipt.replace(b"index 417", b"index 418"))
    assert rejects(receipt, quorum=3)
    for pos in range(len(receipt)):
        if receipt[pos : pos + 1] in (b"\n",):
            continue
        tampered = receipt[:pos] + bytes([receipt[pos] ^ 0x01]) + receipt[pos + 1 :]
        if tampered.startswith(b"c2sp.org/tlog-proof@v1\nextra "):
            # The extra data is opaque and unauthenticated by design; everything else counts.
            extra_end = receipt.index(b"\n", 30)
            if pos < extra_end and pos > receipt.index(b"extra "):
                continue
        assert rejects(tampered), pos
    # Without the log's signature nothing verifies, whatever the witnesses say.
    with pytest.raises(VerificationError):
        verify_proof(
            receipt, origin=ORIGIN, log_keys=[], entry=entries[417], witness_keys=witnesses
        )
    with pytest.raises(VerificationError):
        verify_proof(receipt, origin="other.example", log_keys=[key.verifier()], entry=entries[417])
