"""The demo's places: a fictional corridor with a post at each end, its lanes, the
organisations that cross and the closures of the six weeks.

Everything here is invented: the places, the organisations and the people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

POSTS: list[dict[str, Any]] = [
    {
        "code": "AST-W",
        "name": "Aster West",
        "names": {
            "en": "Aster West",
            "az": "Aster Qərb",
            "hy": "Աստեր Արևմուտք",
            "ru": "Астер Запад",
        },
        "timezone": "Asia/Baku",
        "side_a": "UTO",
        "side_b": "UTN",
    },
    {
        "code": "AST-E",
        "name": "Aster East",
        "names": {
            "en": "Aster East",
            "az": "Aster Şərq",
            "hy": "Աստեր Արևելք",
            "ru": "Астер Восток",
        },
        "timezone": "Asia/Yerevan",
        "side_a": "UTN",
        "side_b": "UTO",
    },
]
LANES = [
    {"code": "P1", "name": "Pedestrians"},
    {"code": "C1", "name": "Cars"},
    {"code": "T1", "name": "Trucks", "categories": ["commercial", "humanitarian"]},
    {
        "code": "S1",
        "name": "Priority",
        "categories": ["medical_evacuation", "international_force", "official", "humanitarian"],
    },
]
ORGANISATIONS = [
    ("IMF-1", "International Monitoring Force (fictional)", "international_force"),
    ("LANTERN", "Red Lantern Relief (fictional)", "humanitarian"),
    ("OPENHANDS", "Open Hands Aid (fictional)", "humanitarian"),
    ("SILKLINE", "Silkline Haulage (fictional)", "carrier"),
    ("VALLEYTRANS", "Valley Transport Co. (fictional)", "carrier"),
    ("HEALTH-MIN", "Health Ministry Liaison (fictional)", "government"),
]
CORRIDOR = {
    "code": "AST",
    "name": "Aster corridor",
    "post_a": "AST-W",
    "post_b": "AST-E",
    "deadline_hours": 48,
    "deadlines": {"humanitarian": 24},
    "categories": ["commercial", "humanitarian"],
}
CLOSURES = [
    # (day offset, hours from 06:00 local, duration hours, post, reason, authority)
    (
        17,
        0,
        36,
        "AST-W",
        "Road surface damaged by a landslide; engineering assessment under way",
        "Regional road authority",
    ),
    (
        31,
        8,
        10,
        "AST-E",
        "Temporary suspension pending a security assessment",
        "Joint border commission",
    ),
]


def time_zone(post_code: str) -> dt.tzinfo:
    """The time zone of a demo post."""
    return ZoneInfo(next(p["timezone"] for p in POSTS if p["code"] == post_code))
