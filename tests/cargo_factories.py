"""Declared cargo for the integration tests: fresh JSON on every call."""

from __future__ import annotations

from typing import Any


def goods(
    hs_code: str = "8471.30", description: str = "laptop computers", **fields: Any
) -> dict[str, Any]:
    item: dict[str, Any] = {
        "hs_code": hs_code,
        "description": description,
        "quantity": 10,
        "unit": "pcs",
        "gross_kg": 25,
        "net_kg": 20,
        "value": 5000,
        "currency": "USD",
        "origin": "DEU",
    }
    item.update(fields)
    return item


def declared(*items: dict[str, Any], **fields: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": "C-0001",
        "carrier": {"name": "Mountain Freight", "country": "GEO"},
        "consignor": {"name": "Sender Ltd"},
        "consignee": {"name": "Receiver LLC"},
        "seals": ["S-1001"],
        "items": list(items) or [goods()],
    }
    data.update(fields)
    return data


def gold_concentrate() -> dict[str, Any]:
    return declared(goods("2616.90", "gold concentrate", gross_kg=20600, net_kg=20500,
                          quantity=20, unit="t", origin="ARM"))  # fmt: skip


def medical_supplies() -> dict[str, Any]:
    return declared(
        goods("3004.90", "antibiotics and analgesics", gross_kg=800, net_kg=700),
        humanitarian=True,
        sending_organisation={"code": "AID", "type": "humanitarian"},
    )


def mine() -> dict[str, Any]:
    return declared(goods("9306.90", "anti-tank mines", quantity=4, gross_kg=40, net_kg=36))
