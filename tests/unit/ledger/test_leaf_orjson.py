"""Leaves are read with orjson: it must write exactly what ``canonical_json`` writes."""

from __future__ import annotations

import json

import orjson
import pytest

from borderpost.ledger.leaves import LeafError, canonical_json, parse_leaf


def test_orjson_writes_every_code_point_as_canonical_json_does() -> None:
    points = [*range(0x3000), *range(0x3000, 0x110000, 97)]
    for cp in points:
        if 0xD800 <= cp <= 0xDFFF:
            continue
        value = {"k": chr(cp), "a": [1, None, True, {"z": chr(cp), "y": -(2**63)}]}
        assert orjson.dumps(value, option=orjson.OPT_SORT_KEYS) == canonical_json(value), hex(cp)


def test_a_leaf_in_another_form_is_still_refused() -> None:
    body = {"type": "closure", "v": 2, "post": "P", "n": 2**70, "x": 1.5}
    leaf = b"bp-leaf/2\n" + canonical_json(body)
    assert parse_leaf(leaf) == body  # the slow way: a big integer and a float
    spaced = b"bp-leaf/2\n" + json.dumps(body, sort_keys=True).encode()
    with pytest.raises(LeafError, match="canonical"):
        parse_leaf(spaced)
    with pytest.raises(LeafError, match="not JSON"):
        parse_leaf(b"bp-leaf/2\n{not json")
