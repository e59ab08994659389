"""The leaves of the ledger: the public facts of a record and a salted commitment, as bytes.

A leaf is ``bp-leaf/2`` and a newline, then one JSON object with sorted keys, no spaces, UTF-8
(non-ASCII characters kept as they are), no trailing newline. Its fields:

==================  ====================================================================
``v``               2, the leaf format version (also in the prefix line); version 1
                    leaves (``bp-leaf/1``, whose ``cargo`` was always empty) still parse
``type``            ``crossing`` or ``closure``
``post``            the post's code
``zone``            the post's IANA time zone name, so days are counted in local time
``commitment``      hex SHA-256(salt || canonical personal fields); the salt (16 random
                    bytes) stays in the post's database (``ledger_entries.salt``)
``corrects``        present only on a correction: the log index of the leaf it replaces
crossing            ``time`` (UTC, to the minute, ``YYYY-MM-DDTHH:MMZ``), ``direction``,
                    ``kind``, ``category``, ``organisation_type``, ``vehicle_type``,
                    ``decision``, ``cargo`` (version 2: ``[{"hs": "2616", "kg": "20500"}]``,
                    the HS headings (4 digits) of the declared goods, sorted, each with the
                    summed gross weight in kg as decimal text; empty without consignments)
closure             ``starts_at``, ``ends_at`` (UTC to the minute, or null: open-ended),
                    ``reason``, ``authority``
==================  ====================================================================

No name, document number, plate or birth date ever enters a leaf (nor a consignor, consignee,
seal or permit number): those are only inside the
commitment, which an auditor given the record and its salt can recompute with
``commitment(salt, personal_bytes(...))``. Free text typed at the booth (reasons) is left out.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import secrets
import uuid
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import orjson

from borderpost.reports.summary import Shape

PREFIX = b"bp-leaf/2\n"
VERSION = 2
# Every version this code reads: a log keeps its old leaves for ever.
PREFIXES = {1: b"bp-leaf/1\n", 2: PREFIX}
HEADING = re.compile(r"[0-9]{4}")
WEIGHT = re.compile(r"(0|[1-9][0-9]*)(\.[0-9]*[1-9])?")
SALT_BYTES = 16
CROSSING = "crossing"
CLOSURE = "closure"
CASE = "case"  # its fields: ledger/caseleaf.py
# Leaf kinds with their own module: a case (ledger.caseleaf), an attestation
# (ledger.attestations.leaf).
RECORD_TYPES = (CROSSING, CLOSURE, CASE, "attestation")


class LeafError(ValueError):
    """Bytes that are not a leaf of this format."""


def canonical_json(value: Any) -> bytes:
    """Sorted keys, no spaces, UTF-8: one byte string per value."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def minute(moment: dt.datetime) -> str:
    """UTC, truncated to the minute: ``2026-10-01T05:30Z``."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: a time zone is required")
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%MZ")


_MINUTE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}Z")


def parse_minute(text: str) -> dt.datetime:
    """The inverse of ``minute`` (ValueError on anything else)."""
    # fromisoformat is many times faster than strptime; the pattern keeps it to one format.
    if not _MINUTE.fullmatch(text):
        raise ValueError(f"time {text!r} is not YYYY-MM-DDTHH:MMZ")
    return dt.datetime.fromisoformat(text[:-1]).replace(tzinfo=dt.UTC)


def new_salt() -> bytes:
    return secrets.token_bytes(SALT_BYTES)


def commitment(salt: bytes, personal: bytes) -> str:
    """Hex SHA-256(salt || personal): hides the personal fields, binds the leaf to them."""
    if not 16 <= len(salt) <= 32:
        raise ValueError(f"a salt is 16 to 32 bytes, not {len(salt)}")
    return hashlib.sha256(salt + personal).hexdigest()


def personal_bytes(record_id: uuid.UUID, fields: Mapping[str, Any] | None) -> bytes:
    """The canonical personal fields of a record: its id and what was presented.

    For a crossing, ``fields`` is ``{"traveller": ..., "vehicle": ...}`` as presented at the
    booth (JSON mode of the crossing's input schemas); for a closure, who recorded it.
    """
    return canonical_json({"id": str(record_id), **(fields or {})})


def encode_leaf(fields: Mapping[str, Any]) -> bytes:
    """The leaf bytes of ``fields`` (which must name a known ``type``).

    New leaves are of the current version; fields read from a leaf keep theirs (``v``).
    """
    if fields.get("type") not in RECORD_TYPES:
        raise LeafError(f"unknown record type {fields.get('type')!r}")
    version = fields.get("v", VERSION)
    prefix = PREFIXES.get(version) if isinstance(version, int) else None
    if prefix is None:
        raise LeafError(f"unknown leaf version {version!r}")
    return prefix + canonical_json({**fields, "v": version})


def parse_leaf(data: bytes) -> dict[str, Any]:
    """The fields of a leaf; raises LeafError on anything else (and on non-canonical bytes)."""
    version = next((v for v, p in PREFIXES.items() if data.startswith(p)), None)
    if version is None:
        raise LeafError("not a bp-leaf leaf of a known version")
    prefix = PREFIXES[version]
    fields = _decode(data[len(prefix) :])
    if not isinstance(fields, dict) or fields.get("v") != version:
        raise LeafError(f"leaf body is not a version {version} object")
    if fields.get("type") not in RECORD_TYPES:
        raise LeafError(f"unknown record type {fields.get('type')!r}")
    if fields["type"] == CROSSING:
        _check_cargo(fields.get("cargo"), version)
    if not _canonical(fields, prefix, data):
        raise LeafError("leaf is not in canonical form")
    return fields


# A log is read leaf by leaf (a recount reads every one): orjson is several times faster than
# the json module, and writes what ``canonical_json`` writes for every string, integer, list
# and object (tests/unit/ledger/test_leaf_orjson.py compares them code point by code point).
# Floats, which no leaf holds, it writes otherwise: those go the slow way.


def _decode(body: bytes) -> Any:
    try:
        fields = orjson.loads(body)
        if not _has_float(fields):
            return fields
    except orjson.JSONDecodeError:
        pass
    try:  # the json module reads numbers as written (orjson makes a float of a big integer)
        return json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise LeafError(f"leaf body is not JSON: {exc}") from exc


def _has_float(value: Any) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, dict):
        return any(_has_float(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_float(v) for v in value)
    return False


def _canonical(fields: dict[str, Any], prefix: bytes, data: bytes) -> bool:
    if not _has_float(fields):
        try:
            return prefix + orjson.dumps(fields, option=orjson.OPT_SORT_KEYS) == data
        except (TypeError, orjson.JSONEncodeError):
            pass  # an integer past 64 bits
    return encode_leaf(fields) == data


def _check_cargo(cargo: Any, version: int) -> None:
    # The recount sums these: a leaf with anything else in them is refused, not half-read.
    if not isinstance(cargo, list) or (version == 1 and cargo):
        raise LeafError("cargo is not a list of headings and weights")
    for entry in cargo:
        if (
            not isinstance(entry, dict)
            or set(entry) != {"hs", "kg"}
            or not isinstance(entry["hs"], str)
            or not isinstance(entry["kg"], str)
            or not HEADING.fullmatch(entry["hs"])
            or not WEIGHT.fullmatch(entry["kg"])
        ):
            raise LeafError(f"cargo entry {entry!r} is not a heading and a weight")


def crossing_leaf(
    *,
    post: str,
    zone: str,
    time: dt.datetime,
    direction: str,
    kind: str,
    category: str,
    organisation_type: str | None,
    vehicle_type: str | None,
    decision: str,
    commitment_hex: str,
    cargo: list[dict[str, Any]] | None = None,
    corrects: int | None = None,
) -> bytes:
    """The leaf of a crossing (public facts only); ``cargo`` as ``[{"hs", "kg"}]``."""
    fields: dict[str, Any] = {
        "type": CROSSING,
        "post": post,
        "zone": zone,
        "time": minute(time),
        "direction": direction,
        "kind": kind,
        "category": category,
        "organisation_type": organisation_type,
        "vehicle_type": vehicle_type,
        "decision": decision,
        "cargo": list(cargo or []),
        "commitment": commitment_hex,
    }
    if corrects is not None:
        fields["corrects"] = corrects
    return encode_leaf(fields)


def closure_leaf(
    *,
    post: str,
    zone: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None,
    reason: str,
    authority: str,
    commitment_hex: str,
    corrects: int | None = None,
) -> bytes:
    """The leaf of a closure, or of its new end when the post reopens (a correction)."""
    fields: dict[str, Any] = {
        "type": CLOSURE,
        "post": post,
        "zone": zone,
        "starts_at": minute(starts_at),
        "ends_at": minute(ends_at) if ends_at is not None else None,
        "reason": reason,
        "authority": authority,
        "commitment": commitment_hex,
    }
    if corrects is not None:
        fields["corrects"] = corrects
    return encode_leaf(fields)


def with_corrects(leaf: bytes, index: int) -> bytes:
    """The same leaf, naming the log index of the leaf it corrects."""
    fields = parse_leaf(leaf)
    fields["corrects"] = index
    return encode_leaf(fields)


# Corrections: a crossing's facts corrected later. The new leaf is a crossing leaf with the
# corrected facts and ``corrects`` (set by ``with_corrects`` when appended); only these
# public facts may change, never the commitment.
CORRECTABLE = frozenset({"category", "decision", "direction"})


def corrected_leaf(leaf: bytes, changes: Mapping[str, Any]) -> bytes:
    """The leaf of a correction of ``leaf`` (pending: without its ``corrects`` index yet)."""
    if not changes.keys() <= CORRECTABLE:
        raise LeafError(f"cannot correct {sorted(changes.keys() - CORRECTABLE)}")
    fields = parse_leaf(leaf)
    if fields["type"] != CROSSING:
        raise LeafError("only a crossing's leaf is corrected this way")
    fields.pop("corrects", None)
    return encode_leaf({**fields, **changes})


def counts_from_leaves(leaves: Sequence[bytes], first: dt.date, last: dt.date) -> Counter[Shape]:
    """Crossings by (kind, category, direction, decision, organisation type), days local.

    The counts the summary report is built from (``reports.summary.build_summary``), read from
    leaves alone. A correction (``corrects``) replaces the leaf it names.
    """
    return counts_from_facts([parse_leaf(leaf) for leaf in leaves], first, last)


def counts_from_facts(
    parsed: Sequence[Mapping[str, Any]], first: dt.date, last: dt.date
) -> Counter[Shape]:
    """``counts_from_leaves`` of leaves already parsed (``parse_leaf``), in log order."""
    counts: Counter[Shape] = Counter()
    for _, f in counted_crossings(parsed, first, last):
        key = (f["kind"], f["category"], f["direction"], f["decision"])
        counts[(*key, f["organisation_type"])] += 1
    return counts


def counted_crossings(
    parsed: Sequence[Mapping[str, Any]], first: dt.date, last: dt.date
) -> Iterator[tuple[int, Mapping[str, Any]]]:
    """(log index, fields) of the crossings a summary of ``first``..``last`` counts.

    Crossing leaves of those days (local to the post) that no later correction replaces.
    """
    replaced = {f["corrects"] for f in parsed if "corrects" in f}
    # Leaves share their minutes: each (zone, minute) is turned into a local day once.
    days: dict[tuple[str, str], dt.date] = {}
    for index, f in enumerate(parsed):
        if f["type"] != CROSSING or index in replaced:
            continue
        slot = (f["zone"], f["time"])
        day = days.get(slot)
        if day is None:
            day = days[slot] = parse_minute(f["time"]).astimezone(ZoneInfo(f["zone"])).date()
        if first <= day <= last:
            yield index, f
