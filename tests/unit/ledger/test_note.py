"""Signed notes: the golang.org/x/mod/sumdb/note vectors and the C2SP signed-note example."""

from __future__ import annotations

import base64
import hashlib

import pytest

from borderpost.ledger.tlog.errors import (
    AmbiguousKeyError,
    InvalidSignatureError,
    MalformedNoteError,
    UnverifiedNoteError,
)
from borderpost.ledger.tlog.note import (
    ALG_ED25519,
    Ed25519Signer,
    NoteSignature,
    is_valid_key_name,
    key_id,
    open_note,
    parse_note,
    parse_skey,
    sign_note,
)
from borderpost.ledger.tlog.vkeys import parse_vkey

# From golang.org/x/mod, sumdb/note/note_test.go (TestNewVerifier, TestNewSigner, TestSign,
# TestOpen), which the C2SP signed-note specification was written from.
PETER_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
PETER_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
ENOCH_VKEY = "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop"
TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"  # noqa: E501
PETER_SIG = "— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"  # noqa: E501
ENOCH_SIG = "— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n"  # noqa: E501

# The example at the top of c2sp.org/signed-note (C2SP/C2SP signed-note.md). The spec gives
# no public key for it, so it is checked for parsing and for being rejected unverified.
SPEC_NOTE = (
    "Ognuno sta solo sul cuor della terra\n"
    "trafitto da un raggio di sole:\n"
    "\n"
    "ed è subito sera.\n"
    "\n"
    "— quasimodo.example/salvatore "
    "NnugSzTjtVAewIS+Z/iJhUPeFDkO/5QQ2i5ddnGITLlC+EhfLW9oJKONrMouFSQU0xMcXxj99ihAQwaqP3ZekRwNtIc=\n"
).encode()


def test_go_vectors_sign_exactly() -> None:
    signer = parse_skey(PETER_SKEY)
    assert signer.key_id == 0xC74F20A3
    assert signer.vkey() == PETER_VKEY
    assert sign_note(TEXT, [signer]).decode() == TEXT + "\n" + PETER_SIG
    # Re-signing replaces the signer's existing signature (Go's TestSign).
    old = NoteSignature("PeterNeumann", 0xC74F20A3, b"BAD")
    assert sign_note(TEXT, [signer], [old]).decode() == TEXT + "\n" + PETER_SIG


def test_key_id_derivation_matches_the_spec_formula() -> None:
    verifier = parse_vkey(PETER_VKEY)
    raw = base64.b64decode(PETER_VKEY.split("+", 2)[2])
    assert raw[0] == ALG_ED25519
    want = hashlib.sha256(b"PeterNeumann\n\x01" + raw[1:]).digest()[:4]
    assert verifier.key_id == int.from_bytes(want, "big") == 0xC74F20A3
    assert key_id("PeterNeumann", ALG_ED25519, raw[1:]) == 0xC74F20A3


def test_go_open_vectors() -> None:
    peter, enoch = parse_vkey(PETER_VKEY), parse_vkey(ENOCH_VKEY)
    msg = (TEXT + "\n" + PETER_SIG + ENOCH_SIG).encode()
    note = open_note(msg, [peter])
    assert note.text == TEXT
    assert [s.name for s in note.verified] == ["PeterNeumann"]
    assert [(s.name, s.key_id) for s in note.unverified] == [("EnochRoot", 0xAF0CFE78)]
    both = open_note(msg, [peter, enoch])
    assert [s.name for s in both.verified] == ["PeterNeumann", "EnochRoot"]
    assert both.unverified == ()
    with pytest.raises(UnverifiedNoteError, match="no verifiable signatures"):
        open_note(msg, [])
    with pytest.raises(AmbiguousKeyError):
        open_note((TEXT + "\n" + ENOCH_SIG).encode(), [enoch, peter, enoch])
    open_note((TEXT + "\n" + PETER_SIG).encode(), [enoch, peter, enoch])  # unused duplicate
    with pytest.raises(MalformedNoteError):
        open_note((TEXT + "\n" + PETER_SIG * 101).encode(), [peter])
    bad = PETER_SIG[:60] + "ABCD" + PETER_SIG[60:]
    with pytest.raises(InvalidSignatureError, match="PeterNeumann\\+c74f20a3"):
        open_note((TEXT + "\n" + bad).encode(), [peter])
    # Duplicated verified and unverified signatures are dropped (Go's TestOpen).
    dup = TEXT + "\n" + PETER_SIG + PETER_SIG + ENOCH_SIG + ENOCH_SIG
    note = open_note(dup.encode(), [peter])
    assert len(note.verified) == 1
    assert len(note.unverified) == 1


@pytest.mark.parametrize(
    "msg",
    [
        TEXT,
        TEXT + "\n",
        TEXT + "\n" + PETER_SIG[:-1],
        "\x01" + TEXT + "\n" + PETER_SIG,
        TEXT
        + "\n"
        + "— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",  # noqa: E501
        TEXT + "\n" + PETER_SIG + "Unexpected line.\n",
    ],
)
def test_go_malformed_messages(msg: str) -> None:
    with pytest.raises(MalformedNoteError):
        open_note(msg.encode(), [parse_vkey(PETER_VKEY)])


def test_invalid_utf8_is_malformed() -> None:
    with pytest.raises(MalformedNoteError):
        open_note(b"\xff" + (TEXT + "\n" + PETER_SIG).encode(), [parse_vkey(PETER_VKEY)])


def test_mangled_keys_are_rejected() -> None:
    # Go's TestNewVerifier / TestNewSigner: every proper substring and every one-byte change.
    for key, parse in ((PETER_VKEY, parse_vkey), (PETER_SKEY, parse_skey)):
        raw = key.encode()
        for i in range(len(raw) + 1):
            for j in range(i + 1, len(raw) + 1):
                if (i, j) != (0, len(raw)):
                    with pytest.raises(MalformedNoteError):
                        parse(raw[i:j].decode())
        for i in range(len(raw)):
            mangled = raw[:i] + bytes([raw[i] + 1]) + raw[i + 1 :]
            with pytest.raises(MalformedNoteError):
                parse(mangled.decode())
    with pytest.raises(MalformedNoteError):  # wrong key length, key ID adjusted
        parse_vkey("PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
    with pytest.raises(MalformedNoteError):  # unknown algorithm, key ID adjusted
        parse_vkey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")


def test_spec_example_note_parses_and_needs_its_key() -> None:
    text, sigs = parse_note(SPEC_NOTE)
    # The text keeps its own empty line: the last empty line separates the signatures.
    assert text == (
        "Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n"  # noqa: E501
    )
    assert [s.name for s in sigs] == ["quasimodo.example/salvatore"]
    assert len(sigs[0].signature) == 64
    with pytest.raises(UnverifiedNoteError):
        open_note(SPEC_NOTE, [parse_vkey(PETER_VKEY)])
    # A key with the same name but another ID is not the signer: ignored, not failed.
    other = Ed25519Signer.generate("quasimodo.example/salvatore").verifier()
    with pytest.raises(UnverifiedNoteError):
        open_note(SPEC_NOTE, [other])


def test_sign_and_open_with_several_keys_round_trip() -> None:
    a, b = Ed25519Signer.generate("example.com/a"), Ed25519Signer.generate("example.com/b")
    note = sign_note("hello\nworld\n", [a, b])
    opened = open_note(note, [a.verifier(), b.verifier()])
    assert opened.text == "hello\nworld\n"
    assert len(opened.verified) == 2
    assert parse_vkey(a.vkey()).key_id == a.key_id
    assert parse_skey(a.skey()).public_key == a.public_key
    tampered = note.replace(b"world", b"World")
    with pytest.raises(InvalidSignatureError):
        open_note(tampered, [a.verifier()])


def test_signature_lines_must_be_canonical_base64() -> None:
    # The last character of Peter's signature carries unused bits: "M=" and "N=" decode
    # alike, but only the canonical form is accepted, so signature lines are not malleable.
    assert PETER_SIG.endswith("AM=\n")
    mangled = PETER_SIG.replace("AM=\n", "AN=\n")
    with pytest.raises(MalformedNoteError, match="canonical"):
        open_note((TEXT + "\n" + mangled).encode(), [parse_vkey(PETER_VKEY)])


def test_sixteen_signatures_are_accepted() -> None:
    signers = [Ed25519Signer.generate(f"example.com/k{i}") for i in range(16)]
    opened = open_note(sign_note("t\n", signers), [s.verifier() for s in signers])
    assert len(opened.verified) == 16


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("example.com/log", True),
        ("PeterNeumann", True),
        ("", False),
        ("a b", False),
        ("a+b", False),
        ("a\u00a0b", False),
        ("a\u3000b", False),
        ("a\tb", False),
        ("póst/ε", True),
    ],
)
def test_key_names(name: str, ok: bool) -> None:
    assert is_valid_key_name(name) is ok


def test_bad_texts_cannot_be_signed() -> None:
    signer = Ed25519Signer.generate("example.com/log")
    for text in ["abc", "a\x07b\n"]:
        with pytest.raises(MalformedNoteError):
            sign_note(text, [signer])
