"""The attestation statement: one encoding per statement, refused otherwise; the logbook match."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from borderpost.ledger.attestations.leaf import attestation_leaf, open_statement, read_attestation
from borderpost.ledger.attestations.logbook import Leaf, compare, read_logbook
from borderpost.ledger.attestations.statement import Missing, Statement, StatementError, parse
from borderpost.ledger.leaves import parse_leaf
from borderpost.ledger.tlog.errors import VerificationError
from borderpost.ledger.tlog.note import Ed25519Signer, sign_note

DAY = dt.date(2026, 3, 10)
EXAMPLE = (
    "borderpost.attestation/v1\n"
    "log borderpost/AST-W\n"
    "checkpoint 120 " + "A" * 43 + "=\n"
    "party IMF international_force\n"
    "period 2026-03-10 2026-03-10\n"
    "confirmed 6\n"
    "disputed 1\n"
    "missing 1\n"
    "confirm 3-5,7,9,11\n"
    "dispute 8 time\n"
    "missing 2026-03-10T07:00Z in vehicle C-4\n"
)


def _statement(**extra: object) -> Statement:
    fields: dict[str, object] = {
        "log": "borderpost/AST-W",
        "size": 120,
        "root": bytes(32),
        "party": "IMF",
        "organisation_type": "international_force",
        "first": DAY,
        "last": DAY,
        "confirmed": frozenset({3, 4, 5, 7, 9, 11}),
        "disputed": {8: "time"},
        "missing": (Missing("2026-03-10T07:00Z", "in", "vehicle", "C-4"),),
    }
    fields.update(extra)
    return Statement(**fields)  # type: ignore[arg-type]


def test_the_documented_example_round_trips() -> None:
    assert _statement().encode() == EXAMPLE
    assert parse(EXAMPLE) == _statement()


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("confirm 3-5,7,9,11\n", "confirm 3,4,5,7,9,11\n"),  # not merged into ranges
        ("confirmed 6\n", "confirmed 7\n"),  # counts differ from the lines
        ("dispute 8 time\n", "dispute 8 because\n"),  # unknown reason
        ("dispute 8 time\n", "dispute 4 time\n"),  # confirmed and disputed
        ("checkpoint 120 ", "checkpoint 0120 "),  # not canonical decimal
        ("confirm 3-5,7,9,11\n", "confirm 3-5,7,9,11,200\n"),  # beyond the checkpoint
        ("missing 2026-03-10T07:00Z in", "missing 2026-03-10T07:00Z sideways"),
        ("period 2026-03-10 2026-03-10", "period 2026-03-10 2026-03-09"),
    ],
)
def test_anything_else_is_refused(old: str, new: str) -> None:
    changed = EXAMPLE.replace(old, new, 1)
    assert changed != EXAMPLE
    with pytest.raises(StatementError):
        parse(changed.replace("confirmed 6\n", "confirmed 7\n") if "200" in new else changed)


def test_a_signed_statement_opens_with_its_key_only() -> None:
    signer = Ed25519Signer.generate("IMF")
    note = sign_note(EXAMPLE, [signer])
    assert open_statement(note, signer.vkey()) == _statement()
    with pytest.raises(StatementError):
        open_statement(note, Ed25519Signer.generate("IMF").vkey())
    with pytest.raises(StatementError):
        open_statement(note.replace(b"dispute 8", b"dispute 9"), signer.vkey())
    leaf = attestation_leaf("AST-W", "Asia/Baku", "IMF", signer.vkey(), note)
    assert read_attestation(parse_leaf(leaf)).statement == _statement()


def _leaf(index: int, time: str, direction: str, plate: str) -> Leaf:
    facts = {"time": time, "direction": direction, "kind": "vehicle"}
    return Leaf(index, facts, {"vehicle": {"plate": plate}}, None)


def test_the_logbook_confirms_disputes_and_finds_missing() -> None:
    logbook = read_logbook(
        "ref,time,direction,kind,plate\n"
        "A,2026-03-10T09:31+04:00,in,vehicle,if 001\n"  # same plate, written otherwise
        "B,2026-03-10T12:00+04:00,in,vehicle,IF-002\n"  # two hours off
        "C,2026-03-10T10:00+04:00,in,vehicle,IF-003\n"  # the post has it going out
        "D,2026-03-10T11:00+04:00,in,vehicle,IF-004\n"  # no leaf
    )
    leaves = [
        _leaf(0, "2026-03-10T05:30Z", "in", "IF-001"),
        _leaf(1, "2026-03-10T06:00Z", "in", "IF-002"),
        _leaf(2, "2026-03-10T06:00Z", "out", "IF-003"),
        _leaf(3, "2026-03-10T06:10Z", "in", "XX-999"),
        Leaf(4, {"time": "2026-03-10T06:00Z", "direction": "in", "kind": "vehicle"}, None, None),
    ]
    result = compare(leaves, logbook, (DAY, DAY), "Asia/Baku")
    assert result.confirmed == {0}
    assert result.disputed == {1: "time", 2: "direction", 3: "not-in-logbook", 4: "opening"}
    assert [m.reference for m in result.missing] == ["D"]


def test_a_logbook_line_without_a_zone_or_a_name_is_refused() -> None:
    with pytest.raises(StatementError, match="line 2"):
        read_logbook("ref,time,direction,kind,plate\nA,2026-03-10T09:31,in,vehicle,X\n")
    with pytest.raises(StatementError, match="line 2"):
        read_logbook("ref,time,direction,kind,plate\nA,2026-03-10T09:31Z,in,vehicle,\n")


def test_the_signed_example_of_the_docs() -> None:
    signer = Ed25519Signer.from_seed("IMF", bytes(range(32)))
    assert signer.vkey() == "IMF+ef5c162f+AQOhB7/zzhC+HXDdGOdLwJln5NYwm6UNXx3chmQSVTG4"
    note = sign_note(EXAMPLE, [signer]).decode()
    docs = (Path(__file__).parents[3] / "docs" / "attestations.md").read_text("utf-8")
    assert note in docs


def test_the_tool_finds_the_post_from_the_log_url() -> None:
    from borderpost.ledger.attestations.tool import Target

    target = Target.of("https://host.example:8443/bp/ledger/AST-W/")
    assert (target.base, target.post) == ("https://host.example:8443/bp", "AST-W")
    assert target.log_url == "https://host.example:8443/bp/ledger/AST-W/"
    with pytest.raises(VerificationError, match="give the log"):
        Target.of("https://host.example/AST-W/")


def test_following_states_only_what_is_new() -> None:
    from borderpost.ledger.attestations.tool import only_new

    before = dt.datetime(2026, 3, 11, tzinfo=dt.UTC)
    fresh = only_new(_statement(), {3, 4, 8}, set(), before)
    assert fresh is not None
    assert fresh.confirmed == {5, 7, 9, 11}
    assert fresh.disputed == {}
    assert [m.reference for m in fresh.missing] == ["C-4"]
    # Too recent to be called missing yet, and nothing else new: nothing to state.
    early = dt.datetime(2026, 3, 10, 6, tzinfo=dt.UTC)
    assert only_new(_statement(), {3, 4, 5, 7, 8, 9, 11}, set(), early) is None
