"""The booth's cargo form: goods items as rows, the parties, seals and permits, as fields.

The form posts ordinary fields (``items-0-hs_code``, ``consignor-name``, ``permits-0-number``,
``seals``); ``consignment_from_form`` assembles them into the documented JSON of one
consignment (``cargo/README.md``), the same declaration the API and the JSON box take, so
``cargo.rules.declaration.parse_consignment`` judges all three alike. ``form_problem`` turns
a problem of that consignment (``consignments[1].items[2].gross_kg: required``) back into
the form's own field and words ("line 3, gross weight: is required"), translatable.

Pure: no framework, no database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from borderpost.cargo.rules.declaration import (
    ITEM_FIELDS,
    MAX_GOODS_ITEMS,
    MAX_PERMITS,
    MAX_SEALS,
    PERMIT_FIELDS,
)
from borderpost.errors import FieldProblem
from borderpost.messages import N_, Message

PARTIES = ("carrier", "consignor", "consignee")
PARTY_FIELDS = ("name", "country")
# Each field's name in words, for the problems.
LABELS = {
    "hs_code": N_("HS code"),
    "description": N_("description"),
    "quantity": N_("quantity"),
    "unit": N_("unit"),
    "gross_kg": N_("gross weight"),
    "net_kg": N_("net weight"),
    "value": N_("value"),
    "currency": N_("currency"),
    "origin": N_("origin"),
    "type": N_("type"),
    "number": N_("number"),
    "issuer": N_("issuer"),
    "valid_until": N_("valid until"),
}
# The parser's reasons (cargo/rules/jsonread.py, declaration.py, hs.py), in words an officer
# reads, each a template its match fills; the others are shown as they are.
REASONS = (
    (r"required|must not be empty", N_("is required")),
    (r"must be greater than zero", N_("must be greater than zero")),
    (r"must not be negative", N_("must not be negative")),
    (r"must list at least one entry", N_("write at least one goods item")),
    (r"must contain letters or digits", N_("must contain letters or digits")),
    (r"expected a number.*", N_("write a number")),
    (r".* is implausibly large", N_("is implausibly large")),
    (r"expected a date.*", N_("write the date as YYYY-MM-DD")),
    (r"unknown country code.*", N_("is not a country code (three letters, e.g. AZE)")),
    (r"unknown currency.*", N_("is not a currency code (three letters, e.g. USD)")),
    (r"net weight .*", N_("is more than the gross weight")),
    (r"longer than .*", N_("is too long")),
    (r"unknown HS code (?P<code>\d+)", N_("{code} is not a subheading of HS 2022")),
    (r"expected a 6-digit HS code.*", N_("write a 6-digit HS code, such as 2616.90")),
    (
        r"(?P<code>[\d.]+) is a (chapter|heading); give a 6-digit subheading \(e\.g\. "
        r"(?P<examples>.*)\)",
        N_("{code} is not a subheading; write one of its own, such as {examples}"),
    ),
    (r"seal number (?P<seal>.+) listed twice", N_("{seal} is listed twice")),
)
_REASONS = tuple((re.compile(pattern), words) for pattern, words in REASONS)
_ROW = re.compile(r"^(items|permits)-(\d{1,4})-([a-z_]+)$")
_PATH = re.compile(r"^consignments\[(\d+)\](?:\.(.*))?$")
_LIST = re.compile(r"^(items|permits|seals)\[(\d+)\](?:\.([a-z_]+))?$")


@dataclass(frozen=True, slots=True)
class CargoRows:
    """How many rows of goods items and permits the form shows (at least one of each)."""

    items: int = 1
    permits: int = 1


def _indices(form: Mapping[str, str], group: str, limit: int) -> list[int]:
    found = {
        int(m.group(2))
        for key in form
        if (m := _ROW.match(key)) and m.group(1) == group and int(m.group(2)) < limit
    }
    return sorted(found)


def rows(form: Mapping[str, str]) -> CargoRows:
    """The rows to show again: as many as were posted (the last index), at least one."""
    items = _indices(form, "items", MAX_GOODS_ITEMS)
    permits = _indices(form, "permits", MAX_PERMITS)
    return CargoRows(items[-1] + 1 if items else 1, permits[-1] + 1 if permits else 1)


def _value(form: Mapping[str, str], key: str) -> str:
    return (form.get(key) or "").strip()


@dataclass(frozen=True, slots=True)
class FormConsignment:
    """The consignment the form declares, and which form row each of its list entries is."""

    data: dict[str, Any]
    item_rows: tuple[int, ...]
    permit_rows: tuple[int, ...]


def _rows(
    form: Mapping[str, str], group: str, fields: tuple[str, ...], limit: int
) -> tuple[list[dict[str, str]], tuple[int, ...]]:
    entries: list[dict[str, str]] = []
    used: list[int] = []
    for index in _indices(form, group, limit):
        entry = {f: v for f in fields if (v := _value(form, f"{group}-{index}-{f}"))}
        if entry:  # a blank row is no entry: the form always shows one to fill
            entries.append(entry)
            used.append(index)
    return entries, tuple(used)


def consignment_from_form(form: Mapping[str, str]) -> FormConsignment | None:
    """The consignment typed in the form's rows and fields; None when nothing is typed."""
    items, item_rows = _rows(form, "items", ITEM_FIELDS, MAX_GOODS_ITEMS)
    permits, permit_rows = _rows(form, "permits", PERMIT_FIELDS, MAX_PERMITS)
    seals = [s.strip() for s in _value(form, "seals").split(",") if s.strip()]
    parties = {
        party: {f: v for f in PARTY_FIELDS if (v := _value(form, f"{party}-{f}"))}
        for party in PARTIES
    }
    if not items and not permits and not seals and not any(parties.values()):
        return None
    data: dict[str, Any] = {"items": items, "seals": seals[: MAX_SEALS + 1], "permits": permits}
    for party, fields in parties.items():
        if fields:
            data[party] = fields
    return FormConsignment(data, item_rows, permit_rows)


def _reason(reason: str) -> str:
    for pattern, words in _REASONS:
        if found := pattern.fullmatch(reason):
            return Message(words, **found.groupdict())
    return reason


def form_problem(problem: FieldProblem, position: int, form: FormConsignment) -> FieldProblem:
    """A problem of the consignment at ``position`` named by the form field it concerns, in
    words; any other problem unchanged."""
    found = _PATH.match(problem.field)
    if found is None or int(found.group(1)) != position:
        return problem
    rest = found.group(2) or ""
    reason = _reason(problem.reason)
    if rest in PARTIES or rest.split(".")[0] in PARTIES:
        party, _, key = rest.partition(".")
        field = f"{party}-{key or 'name'}"
        return FieldProblem(field if key in ("", *PARTY_FIELDS) else f"{party}-name", reason)
    listed = _LIST.match(rest)
    if listed is None:
        return FieldProblem("items-0-hs_code" if rest == "items" else "cargo", reason)
    group, entry, key = listed.group(1), int(listed.group(2)), listed.group(3)
    if group == "seals":
        return FieldProblem(
            "seals", Message("seal {line}: {reason}", line=entry + 1, reason=reason)
        )
    used = form.item_rows if group == "items" else form.permit_rows
    row = used[entry] if entry < len(used) else 0
    key = key if key in LABELS else (ITEM_FIELDS[0] if group == "items" else PERMIT_FIELDS[0])
    label = Message(LABELS[key])
    return FieldProblem(
        f"{group}-{row}-{key}",
        Message("line {line}, {field}: {reason}", line=row + 1, field=label, reason=reason),
    )
