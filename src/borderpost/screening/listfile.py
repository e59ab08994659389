"""Reading watchlist files: FollowTheMoney JSON Lines and the documented CSV. Pure: no I/O.

Each line becomes one entry row (the columns of ``watchlist_entries`` without ids), or a
``BadLine`` naming the field and the reason. FtM entities of schemas a border post has no use
for (companies, sanctions, addresses...) are skipped, not errors: OpenSanctions exports mix them.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from borderpost.screening.model import SEP, EntryKind

DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
COUNTRY = re.compile(r"^[A-Za-z]{1,3}$")
PERSON_SCHEMAS = frozenset({"Person"})
DOCUMENT_SCHEMAS = frozenset({"Passport", "Identification"})
VEHICLE_SCHEMAS = frozenset({"Vehicle"})
CSV_COLUMNS = ("id", "kind", "names", "birth_dates", "nationalities", "documents", "plates")
MAX_KEY = 200


@dataclass(frozen=True)
class BadLine:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


Row = dict[str, str]
Parsed = tuple[int, Row | BadLine | None]  # None: a line of a schema we do not keep


class _Bad(Exception):
    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason)
        self.field = field
        self.reason = reason


def _texts(values: Any, field: str) -> list[str]:
    if values is None:
        return []
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list):
        raise _Bad(field, "must be a list of strings")
    out = []
    for v in values:  # one pass: this runs for every property of a million entities
        if not isinstance(v, str):
            raise _Bad(field, "must be a list of strings")
        # Newlines separate values in storage; one inside a value would split it.
        words = v.split()
        if words:
            out.append(" ".join(words))
    return out


def _dates(values: list[str], field: str) -> list[str]:
    for value in values:
        if not DATE.match(value):
            raise _Bad(field, f"{value!r} is not a date (YYYY, YYYY-MM or YYYY-MM-DD)")
    return values


def _countries(values: list[str], field: str) -> list[str]:
    for value in values:
        if not COUNTRY.match(value):
            raise _Bad(field, f"{value!r} is not a country code")
    return [v.upper() for v in values]


def _row(key: str, kind: EntryKind, **lists: list[str]) -> Row:
    if not key or len(key) > MAX_KEY:
        raise _Bad("id", f"must be 1 to {MAX_KEY} characters")
    row = {"entry_key": key, "kind": kind.value}
    for column in ("names", "birth_dates", "nationalities", "documents", "plates"):
        row[column] = SEP.join(lists.get(column, []))
    return row


def ftm_row(data: Any) -> Row | None:
    """One FtM entity as an entry row; None for a schema that is not kept."""
    if not isinstance(data, dict):
        raise _Bad("line", "must be a JSON object")
    schema, key, props = data.get("schema"), data.get("id"), data.get("properties", {})
    if not isinstance(schema, str) or not schema:
        raise _Bad("schema", "is missing")
    if not isinstance(key, str):
        raise _Bad("id", "is missing")
    if not isinstance(props, dict):
        raise _Bad("properties", "must be an object")
    if schema in PERSON_SCHEMAS:
        names = _texts(props.get("name"), "properties.name")
        names += _texts(props.get("alias"), "properties.alias")
        if not names:
            raise _Bad("properties.name", "a Person needs a name")
        docs = _texts(props.get("passportNumber"), "properties.passportNumber")
        docs += _texts(props.get("idNumber"), "properties.idNumber")
        return _row(
            key,
            EntryKind.PERSON,
            names=names,
            birth_dates=_dates(_texts(props.get("birthDate"), "properties.birthDate"), "birthDate"),
            nationalities=_countries(
                _texts(props.get("nationality"), "properties.nationality"), "nationality"
            ),
            documents=[f"{n}|" for n in docs],
        )
    if schema in DOCUMENT_SCHEMAS:
        numbers = _texts(props.get("number"), "properties.number")
        if not numbers:
            raise _Bad("properties.number", f"a {schema} needs a number")
        issuers = _countries(_texts(props.get("country"), "properties.country"), "country")
        issuer = issuers[0] if issuers else ""
        return _row(key, EntryKind.DOCUMENT, documents=[f"{n}|{issuer}" for n in numbers])
    if schema in VEHICLE_SCHEMAS:
        plates = _texts(props.get("registrationNumber"), "properties.registrationNumber")
        if not plates:
            raise _Bad("properties.registrationNumber", "a Vehicle needs a registrationNumber")
        return _row(key, EntryKind.VEHICLE, plates=plates)
    return None


def read_ftm(lines: Iterable[str]) -> Iterator[Parsed]:
    """FollowTheMoney JSON Lines: one entity per line."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            yield number, ftm_row(orjson.loads(line))
        except orjson.JSONDecodeError as exc:
            yield number, BadLine(number, "line", f"not JSON ({exc.msg})")
        except _Bad as exc:
            yield number, BadLine(number, exc.field, exc.reason)


def _split(value: str | None) -> list[str]:
    return [v.strip() for v in (value or "").split(";") if v.strip()]


def csv_row(record: dict[str, str | None]) -> Row:
    """One CSV record (see docs/operations.md) as an entry row."""
    kind_text = (record.get("kind") or "").strip().lower()
    try:
        kind = EntryKind(kind_text)
    except ValueError:
        raise _Bad("kind", "must be person, document or vehicle") from None
    names = _split(record.get("names"))
    documents = []
    for item in _split(record.get("documents")):
        number, _, issuer = item.partition(":")
        if issuer and not COUNTRY.match(issuer.strip()):
            raise _Bad("documents", f"{issuer!r} is not a country code")
        documents.append(f"{number.strip()}|{issuer.strip().upper()}")
    plates = _split(record.get("plates"))
    if kind is EntryKind.PERSON and not names:
        raise _Bad("names", "a person needs a name")
    if kind is EntryKind.DOCUMENT and not documents:
        raise _Bad("documents", "a document entry needs a number")
    if kind is EntryKind.VEHICLE and not plates:
        raise _Bad("plates", "a vehicle entry needs a plate")
    return _row(
        (record.get("id") or "").strip(),
        kind,
        names=[" ".join(n.split()) for n in names],
        birth_dates=_dates(_split(record.get("birth_dates")), "birth_dates"),
        nationalities=_countries(_split(record.get("nationalities")), "nationalities"),
        documents=documents,
        plates=plates,
    )


def read_csv(lines: Iterable[str]) -> Iterator[Parsed]:
    """The documented CSV: a header with ``CSV_COLUMNS``; lists separated by ``;``."""
    reader = csv.DictReader(iter(lines))
    missing = [c for c in ("id", "kind") if c not in (reader.fieldnames or [])]
    if missing:
        yield 1, BadLine(1, "header", f"needs the columns {', '.join(CSV_COLUMNS)}")
        return
    for record in reader:
        number = reader.line_num
        try:
            yield number, csv_row(record)
        except _Bad as exc:
            yield number, BadLine(number, exc.field, exc.reason)
