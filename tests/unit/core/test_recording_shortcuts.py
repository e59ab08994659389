"""What recording a crossing computes once and uses twice is what it computed twice before."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import uuid

import orjson
from tests.factories import command, person_crossing, vehicle_crossing

from borderpost.crossings.recording import _command_json
from borderpost.db import json_text
from borderpost.ids import new_id
from borderpost.outbox import plain


def test_the_presented_traveller_and_vehicle_are_their_own_json() -> None:
    # The ledger's commitment covers TravellerIn / VehicleIn in JSON mode; recording takes
    # them from the command's JSON (the digest's) instead of dumping them again.
    for one in (command(person_crossing()), command(vehicle_crossing())):
        data = _command_json(one)
        for key, model in (("traveller", one.traveller), ("vehicle", one.vehicle)):
            assert data[key] == (model.model_dump(mode="json") if model is not None else None)


def test_json_columns_hold_the_same_values() -> None:
    value = {"a": [1, 2.5, None, True], "é": "ÅSA ÇİĞDEM", "n": {"x": ""}, "big": 1e16}
    assert json.loads(json_text(value)) == value
    assert orjson.loads(json_text(value)) == value
    huge = {"n": 2**70}  # beyond orjson: json.dumps writes it
    assert json.loads(json_text(huge)) == huge


class _Colour(enum.StrEnum):
    RED = "red"


class _Size(enum.Enum):
    BIG = 3


def test_plain_is_as_before() -> None:
    moment = dt.datetime(2026, 1, 2, 3, 4, tzinfo=dt.UTC)
    ident = uuid.UUID(int=5)
    value = {
        1: [moment, ident, decimal.Decimal("1.50"), _Colour.RED, _Size.BIG, (1, "a"), None],
        "d": dt.date(2026, 1, 2),
        "s": {"x"},
    }
    assert plain(value) == {
        "1": ["2026-01-02T03:04:00+00:00", str(ident), "1.50", _Colour.RED, 3, [1, "a"], None],
        "d": "2026-01-02",
        "s": ["x"],
    }


def test_new_ids_are_time_ordered_uuid7() -> None:
    made = [new_id() for _ in range(1000)]
    assert all(isinstance(x, uuid.UUID) and x.version == 7 for x in made)
    assert made == sorted(made)
    assert len(set(made)) == len(made)
    assert uuid.UUID(str(made[0])) == made[0]
    assert made[0].is_safe is uuid.SafeUUID.unknown
