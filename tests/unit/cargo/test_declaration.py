"""Parsing declared consignments: values, and errors naming the field path and the reason."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from borderpost.cargo.rules import DeclarationError, OrganisationType, parse_consignment

# The factory fixtures of conftest.py: item(hs_code, description, **fields), consignment(*items)
ItemFactory = Callable[..., dict[str, Any]]
ConsignmentFactory = Callable[..., dict[str, Any]]


def problems(data: Any) -> dict[str, str]:
    with pytest.raises(DeclarationError) as caught:
        parse_consignment(data)
    return {p.field: p.message for p in caught.value.problems}


def test_a_full_declaration_is_read(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    data = consignment(
        item("2616.90", "gold concentrate", quantity="20.5", gross_kg=20600, net_kg="20500.0"),
        item("3004.90", "antibiotics", origin="arm", currency="eur"),
        permits=[
            {
                "type": "Export licence",
                "number": "EL-7",
                "issuer": "Licensing office",
                "valid_until": "2025-12-31",
            }
        ],
        humanitarian=True,
        sending_organisation={"code": "ORG-12", "type": "humanitarian"},
    )
    parsed = parse_consignment(data)
    assert parsed.id == "C-0001"
    assert parsed.carrier.country == "GEO"
    assert parsed.seals == ("S-1001",)
    first, second = parsed.items
    assert first.hs_code == "261690"
    assert first.quantity == Decimal("20.5")
    assert first.net_kg == Decimal("20500.0")
    assert second.origin == "ARM"
    assert second.currency == "EUR"
    assert parsed.permits[0].type == "export_licence"
    assert parsed.permits[0].valid_until == date(2025, 12, 31)
    assert parsed.sending_organisation is not None
    assert parsed.sending_organisation.type is OrganisationType.HUMANITARIAN


def test_unknown_hs_code_names_the_item(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    data = consignment(item(), item(), item("999999", "unspecified goods"))
    assert problems(data) == {"items[2].hs_code": "unknown HS code 999999"}
    with pytest.raises(DeclarationError) as caught:
        parse_consignment(data)
    assert str(caught.value) == "items[2].hs_code: unknown HS code 999999"


def test_every_problem_is_reported_at_once(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    data = consignment(
        item(gross_kg=10, net_kg=12, currency="XYZ"),
        item(origin="Atlantis", quantity=0, value=-1),
        carrier={"name": ""},
        seals=["S-1", "S-1"],
    )
    assert problems(data) == {
        "carrier.name": "must not be empty",
        "seals[1]": "seal number S-1 listed twice",
        "items[0].currency": "unknown currency 'XYZ'",
        "items[0].net_kg": "net weight 12 kg exceeds gross weight 10 kg",
        "items[1].origin": "unknown country code 'Atlantis'",
        "items[1].quantity": "must be greater than zero",
        "items[1].value": "must not be negative",
    }


def test_missing_and_mistyped_fields(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    broken = item(gross_kg=True, description=42)
    del broken["unit"]
    data = consignment(broken, permits={"type": "x"})
    del data["consignee"]
    assert problems(data) == {
        "consignee": "required",
        "permits": "expected a list, got an object",
        "items[0].description": "expected text, got number 42",
        "items[0].unit": "required",
        "items[0].gross_kg": "expected a number, got true",
    }


def test_unknown_fields_are_refused(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    data = consignment(item(hs_cod="2616.90"), colour="red")
    assert problems(data) == {"colour": "unknown field", "items[0].hs_cod": "unknown field"}


def test_humanitarian_needs_its_sending_organisation(consignment: ConsignmentFactory) -> None:
    assert problems(consignment(humanitarian=True)) == {
        "sending_organisation": "required when humanitarian is true"
    }
    bad_type = consignment(humanitarian=True, sending_organisation={"code": "O", "type": "ngo"})
    assert problems(bad_type) == {
        "sending_organisation.type": "unknown organisation type 'ngo' (expected"
        " international_force, humanitarian, carrier, government)"
    }


def test_permit_fields(consignment: ConsignmentFactory) -> None:
    data = consignment(permits=[{"type": "licence", "number": "1", "issuer": "x"}, {"type": "--"}])
    found = problems(data)
    assert found["permits[0].valid_until"] == "required"
    assert found["permits[1].type"] == "must contain letters or digits"
    assert found["permits[1].number"] == "required"
    bad_date = consignment(
        permits=[{"type": "t", "number": "1", "issuer": "x", "valid_until": "31/12/2025"}]
    )
    assert problems(bad_date) == {
        "permits[0].valid_until": "expected a date as YYYY-MM-DD, got '31/12/2025'"
    }


def test_no_items(consignment: ConsignmentFactory) -> None:
    data = consignment()
    data["items"] = []
    assert problems(data) == {"items": "must list at least one entry"}


def test_not_an_object() -> None:
    assert problems([1, 2]) == {"": "expected an object, got a list"}


def test_heading_instead_of_subheading_is_explained(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    assert problems(consignment(item("93.06", "grenades"))) == {
        "items[0].hs_code": "93.06 is a heading; give a 6-digit subheading"
        " (e.g. 9306.21, 9306.29, 9306.30)"
    }


def test_user_assigned_origin_codes_are_accepted(
    consignment: ConsignmentFactory, item: ItemFactory
) -> None:
    # ISO 3166 leaves X.. codes to users; a post may need one for an origin without an ISO code.
    assert parse_consignment(consignment(item(origin="XKX"))).items[0].origin == "XKX"


def test_to_dict_reads_back_equal(consignment: ConsignmentFactory, item: ItemFactory) -> None:
    parsed = parse_consignment(
        consignment(
            item(value=12.5),
            permits=[{"type": "t", "number": "1", "issuer": "x", "valid_until": "2026-01-01"}],
            sending_organisation={"code": "G-1", "type": "government"},
        )
    )
    assert parse_consignment(parsed.to_dict()) == parsed
