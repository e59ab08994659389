"""Closed sets of values shared by several features (one meaning each, see docs/glossary.md)."""

from __future__ import annotations

from enum import StrEnum


class Direction(StrEnum):
    IN = "in"
    OUT = "out"


class Kind(StrEnum):
    PERSON = "person"
    VEHICLE = "vehicle"


class Category(StrEnum):
    CIVILIAN = "civilian"
    COMMERCIAL = "commercial"
    HUMANITARIAN = "humanitarian"
    MEDICAL_EVACUATION = "medical_evacuation"
    INTERNATIONAL_FORCE = "international_force"
    OFFICIAL = "official"


class Decision(StrEnum):
    ADMITTED = "admitted"
    REFERRED = "referred"
    REFUSED = "refused"


class OrganisationType(StrEnum):
    INTERNATIONAL_FORCE = "international_force"
    HUMANITARIAN = "humanitarian"
    CARRIER = "carrier"
    GOVERNMENT = "government"


class VehicleType(StrEnum):
    CAR = "car"
    TRUCK = "truck"
    BUS = "bus"
    AMBULANCE = "ambulance"
    OTHER = "other"
