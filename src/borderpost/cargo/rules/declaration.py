"""Declared consignments and goods items, and parsing of their JSON with field-level errors.

The JSON shape is documented in ``cargo/README.md``. Keys not listed there are
refused, so a misspelt key is caught, not ignored. Every problem is collected before raising,
so the officer sees them all at once, each with the path of its field
(``items[2].hs_code: unknown HS code 999999``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any, NamedTuple

from borderpost.cargo.rules import hs, iso
from borderpost.cargo.rules.enums import OrganisationType
from borderpost.cargo.rules.jsonread import DeclarationProblem, Reader, join, kind
from borderpost.cargo.rules.text import identifier

__all__ = [
    "DeclarationError",
    "DeclarationProblem",
    "DeclaredConsignment",
    "DeclaredGoodsItem",
    "Party",
    "Permit",
    "SendingOrganisation",
    "parse_consignment",
]


class DeclarationError(ValueError):
    """A declaration that cannot be accepted; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[DeclarationProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in self.problems))


@dataclass(frozen=True, slots=True)
class Party:
    """Carrier, consignor or consignee."""

    name: str
    country: str | None = None
    identifier: str | None = None
    address: str | None = None


@dataclass(frozen=True, slots=True)
class Permit:
    """A permit or licence declared with the consignment."""

    type: str
    number: str
    issuer: str
    valid_until: date

    def valid_on(self, day: date) -> bool:
        """True if the permit is still valid on ``day`` (the last day included)."""
        return day <= self.valid_until


@dataclass(frozen=True, slots=True)
class SendingOrganisation:
    """The organisation sending a humanitarian (or other organised) consignment."""

    code: str
    type: OrganisationType


class DeclaredGoodsItem(NamedTuple):
    """One line of goods in a declared consignment (stored as ``cargo.model.GoodsItem``).

    A NamedTuple, not a frozen dataclass: as immutable, and built several times faster, which
    counts when a day's traffic is parsed.
    """

    hs_code: str
    description: str
    quantity: Decimal
    unit: str
    gross_kg: Decimal
    net_kg: Decimal
    value: Decimal
    currency: str
    origin: str


@dataclass(frozen=True, slots=True)
class DeclaredConsignment:
    """Declared goods travelling together, with their parties, seals and permits (stored as
    ``cargo.model.Consignment``)."""

    carrier: Party
    consignor: Party
    consignee: Party
    items: tuple[DeclaredGoodsItem, ...]
    seals: tuple[str, ...] = ()
    permits: tuple[Permit, ...] = ()
    humanitarian: bool = False
    sending_organisation: SendingOrganisation | None = None
    id: str | None = None

    def to_dict(self) -> dict[str, Any]:
        """The documented JSON shape; ``parse_consignment`` reads it back to an equal value."""
        out: dict[str, Any] = {
            "carrier": _party_dict(self.carrier),
            "consignor": _party_dict(self.consignor),
            "consignee": _party_dict(self.consignee),
            "seals": list(self.seals),
            "permits": [
                {
                    "type": p.type,
                    "number": p.number,
                    "issuer": p.issuer,
                    "valid_until": p.valid_until.isoformat(),
                }
                for p in self.permits
            ],
            "humanitarian": self.humanitarian,
            "items": [
                {
                    "hs_code": i.hs_code,
                    "description": i.description,
                    "quantity": str(i.quantity),
                    "unit": i.unit,
                    "gross_kg": str(i.gross_kg),
                    "net_kg": str(i.net_kg),
                    "value": str(i.value),
                    "currency": i.currency,
                    "origin": i.origin,
                }
                for i in self.items
            ],
        }
        if self.id is not None:
            out["id"] = self.id
        if self.sending_organisation is not None:
            org = self.sending_organisation
            out["sending_organisation"] = {"code": org.code, "type": org.type.value}
        return out


def _party_dict(party: Party) -> dict[str, str]:
    out = {"name": party.name}
    for key in ("country", "identifier", "address"):
        value = getattr(party, key)
        if value is not None:
            out[key] = value
    return out


# Bounds of what one vehicle crossing declares, so that its record (outbox event, audit entry,
# page) stays below a NATS message (1 MB) however long each text: consignments, goods items in
# all of them, and each consignment's seals, permits and items.
MAX_CONSIGNMENTS = 20
MAX_GOODS_ITEMS = 500
MAX_SEALS = 20
MAX_PERMITS = 20

_PARTY_FIELDS = frozenset(("name", "country", "identifier", "address"))
# A permit's and a goods item's fields, in the order a form shows them.
PERMIT_FIELDS = ("type", "number", "issuer", "valid_until")
ITEM_FIELDS = (
    "hs_code",
    "description",
    "quantity",
    "unit",
    "gross_kg",
    "net_kg",
    "value",
    "currency",
    "origin",
)
_PERMIT_FIELDS = frozenset(PERMIT_FIELDS)
_ORG_FIELDS = frozenset(("code", "type"))
_ITEM_FIELDS = frozenset(ITEM_FIELDS)
_TOP_FIELDS = frozenset(
    (
        "id",
        "carrier",
        "consignor",
        "consignee",
        "seals",
        "permits",
        "humanitarian",
        "sending_organisation",
        "items",
    )
)


def _party(r: Reader, data: Mapping[str, object], key: str) -> Party | None:
    raw = data.get(key)
    if raw is None:
        r.fail(key, "required")
        return None
    table = r.table(raw, key, _PARTY_FIELDS)
    if table is None:
        return None
    name = r.text(table, "name", key)
    country = r.code(table, "country", key, iso.is_country, "country code", required=False)
    ident = r.text(table, "identifier", key, required=False)
    address = r.text(table, "address", key, required=False)
    return Party(name, country, ident, address) if name is not None else None


def _permit(r: Reader, raw: object, path: str) -> Permit | None:
    table = r.table(raw, path, _PERMIT_FIELDS)
    if table is None:
        return None
    kind = r.text(table, "type", path, max_len=100)
    if kind is not None and not identifier(kind):
        r.fail(join(path, "type"), "must contain letters or digits")
        kind = None
    number = r.text(table, "number", path, max_len=100)
    issuer = r.text(table, "issuer", path)
    until = _date(r, table, "valid_until", path)
    if kind is None or number is None or issuer is None or until is None:
        return None
    return Permit(identifier(kind), number, issuer, until)


def _date(r: Reader, data: Mapping[str, object], key: str, path: str) -> date | None:
    value = r.text(data, key, path, max_len=10)
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        r.fail(join(path, key), f"expected a date as YYYY-MM-DD, got {value!r}")
        return None


def _organisation(r: Reader, raw: object, path: str) -> SendingOrganisation | None:
    table = r.table(raw, path, _ORG_FIELDS)
    if table is None:
        return None
    code = r.text(table, "code", path, max_len=100)
    kind = r.text(table, "type", path, max_len=40)
    org_type: OrganisationType | None = None
    if kind is not None:
        try:
            org_type = OrganisationType(kind)
        except ValueError:
            allowed = ", ".join(t.value for t in OrganisationType)
            r.fail(join(path, "type"), f"unknown organisation type {kind!r} (expected {allowed})")
    if code is None or org_type is None:
        return None
    return SendingOrganisation(code, org_type)


def _hs_code(r: Reader, data: Mapping[str, object], path: str) -> str | None:
    value = r.text(data, "hs_code", path, max_len=20)
    if value is None:
        return None
    try:
        return hs.validate(value)
    except hs.HSCodeError as error:
        r.fail(join(path, "hs_code"), error.message)
        return None


def _item(r: Reader, raw: object, path: str) -> DeclaredGoodsItem | None:
    table = r.table(raw, path, _ITEM_FIELDS)
    if table is None:
        return None
    before = len(r.problems)
    code = _hs_code(r, table, path)
    description = r.text(table, "description", path)
    quantity = r.number(table, "quantity", path, positive=True)
    unit = r.text(table, "unit", path, max_len=16)
    gross = r.number(table, "gross_kg", path, positive=True)
    net = r.number(table, "net_kg", path)
    value = r.number(table, "value", path)
    currency = r.code(table, "currency", path, iso.is_currency, "currency")
    origin = r.code(table, "origin", path, iso.is_country, "country code")
    if gross is not None and net is not None and net > gross:
        r.fail(join(path, "net_kg"), f"net weight {net} kg exceeds gross weight {gross} kg")
    if (
        len(r.problems) > before
        or code is None
        or description is None
        or quantity is None
        or unit is None
        or gross is None
        or net is None
        or value is None
        or currency is None
        or origin is None
    ):
        return None
    return DeclaredGoodsItem(code, description, quantity, unit, gross, net, value, currency, origin)


def _seal(r: Reader, raw: object, path: str) -> str | None:
    if not isinstance(raw, str) or not raw.strip():
        r.fail(path, f"expected a seal number, got {kind(raw)}")
        return None
    if len(raw.strip()) > 100:
        r.fail(path, "longer than 100 characters")
        return None
    return raw.strip()


def parse_consignment(data: Mapping[str, object]) -> DeclaredConsignment:
    """Read a declared consignment (the documented JSON, already decoded).

    Raises DeclarationError listing every problem, each with the path of its field.
    """
    r = Reader()
    top = r.table(data, "", _TOP_FIELDS)
    if top is None:
        raise DeclarationError(r.problems)
    ident = r.text(top, "id", "", required=False, max_len=100)
    carrier = _party(r, top, "carrier")
    consignor = _party(r, top, "consignor")
    consignee = _party(r, top, "consignee")
    seals = r.items(top, "seals", "", lambda raw, path: _seal(r, raw, path), max_items=MAX_SEALS)
    for position, seal in enumerate(seals):
        if seal in seals[:position]:
            r.fail(f"seals[{position}]", f"seal number {seal} listed twice")
    permits = r.items(
        top, "permits", "", lambda raw, path: _permit(r, raw, path), max_items=MAX_PERMITS
    )
    humanitarian = top.get("humanitarian", False)
    if not isinstance(humanitarian, bool):
        r.fail("humanitarian", f"expected true or false, got {kind(humanitarian)}")
        humanitarian = False
    organisation: SendingOrganisation | None = None
    if top.get("sending_organisation") is not None:
        organisation = _organisation(r, top["sending_organisation"], "sending_organisation")
    elif humanitarian:
        r.fail("sending_organisation", "required when humanitarian is true")
    items = r.items(
        top,
        "items",
        "",
        lambda raw, path: _item(r, raw, path),
        required=True,
        max_items=MAX_GOODS_ITEMS,
    )
    if r.problems or carrier is None or consignor is None or consignee is None:
        raise DeclarationError(r.problems)
    return DeclaredConsignment(
        carrier=carrier,
        consignor=consignor,
        consignee=consignee,
        items=tuple(items),
        seals=tuple(seals),
        permits=tuple(permits),
        humanitarian=humanitarian,
        sending_organisation=organisation,
        id=ident,
    )
