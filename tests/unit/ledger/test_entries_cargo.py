"""Leaf version 2 carries HS headings and weights; version 1 leaves still parse."""

from __future__ import annotations

import datetime as dt

import pytest

from borderpost.ledger import leaves

V1 = (
    b'bp-leaf/1\n{"cargo":[],"category":"civilian","commitment":"00","decision":"admitted",'
    b'"direction":"in","kind":"person","organisation_type":null,"post":"P-A",'
    b'"time":"2026-03-10T05:30Z","type":"crossing","v":1,"vehicle_type":null,"zone":"Asia/Baku"}'
)


def _leaf(cargo: list[dict[str, str]]) -> bytes:
    return leaves.crossing_leaf(
        post="P-A", zone="Asia/Baku", time=dt.datetime(2026, 3, 10, 5, 30, tzinfo=dt.UTC),
        direction="out", kind="vehicle", category="commercial", organisation_type=None,
        vehicle_type="truck", decision="referred", commitment_hex="00", cargo=cargo,
    )  # fmt: skip


def test_a_version_1_leaf_still_parses_and_keeps_its_version_when_corrected() -> None:
    fields = leaves.parse_leaf(V1)
    assert fields["v"] == 1
    assert leaves.with_corrects(V1, 3).startswith(b"bp-leaf/1\n")


def test_new_leaves_are_version_2_with_headings_and_weights() -> None:
    leaf = _leaf([{"hs": "2616", "kg": "20600.5"}])
    assert leaf.startswith(b"bp-leaf/2\n")
    assert leaves.parse_leaf(leaf)["cargo"] == [{"hs": "2616", "kg": "20600.5"}]


@pytest.mark.parametrize(
    "cargo",
    [
        [{"hs": "26", "kg": "1"}],
        [{"hs": "2616", "kg": "1.50"}],
        [{"hs": "2616", "kg": 1}],
        [{"hs": "2616", "kg": "1", "consignor": "x"}],
    ],
)
def test_cargo_other_than_headings_and_weights_is_refused(cargo: list[dict[str, str]]) -> None:
    with pytest.raises(leaves.LeafError, match="cargo entry"):
        leaves.parse_leaf(_leaf(cargo))


def test_a_version_1_leaf_with_cargo_is_refused() -> None:
    forged = V1.replace(b'"cargo":[]', b'"cargo":[{"hs":"2616","kg":"1"}]')
    with pytest.raises(leaves.LeafError):
        leaves.parse_leaf(forged)
