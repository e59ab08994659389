"""Test data builders: each call makes fresh data; nothing is shared between tests."""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from borderpost.crossings.schemas import CrossingCreate
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.model import Post
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.unit_of_work import UnitOfWork

_numbers = itertools.count(1000000)
UTC = dt.UTC


def post_data(code: str = "P-A", **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "code": code,
        "name": f"Post {code}",
        "names": {"en": f"Post {code}", "ru": f"Пост {code}"},
        "timezone": "Asia/Baku",
        "lanes": [
            {"code": "L1", "name": "Lane 1"},
            {"code": "T1", "name": "Trucks", "categories": ["commercial"]},
        ],
    }
    data.update(extra)
    return data


def make_post(uow: UnitOfWork, code: str = "P-A", **extra: Any) -> Post:
    post, _ = save_post(uow, PostCreate.model_validate(post_data(code, **extra)))
    return post


def make_organisation(uow: UnitOfWork, code: str = "AID", kind: str = "humanitarian") -> None:
    save_organisation(
        uow, OrganisationCreate.model_validate({"code": code, "name": code, "type": kind})
    )


def traveller(**extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "surname": "ERIKSSON",
        "given_names": "ANNA MARIA",
        "birth_date": "1974-08-12",
        "nationality": "UTO",
        "document": {
            "type": "P",
            "number": f"L{next(_numbers)}",
            "issuer": "UTO",
            "expiry": "2030-04-15",
        },
    }
    data.update(extra)
    return data


def person_crossing(
    post: str = "P-A", time: str = "2026-03-10T09:30:00+04:00", **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "post": post,
        "direction": "in",
        "time": time,
        "kind": "person",
        "category": "civilian",
        "traveller": traveller(),
        "decision": "admitted",
    }
    data.update(extra)
    return data


def vehicle_crossing(
    post: str = "P-A", time: str = "2026-03-10T09:30:00+04:00", **extra: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {
        "post": post,
        "direction": "in",
        "time": time,
        "kind": "vehicle",
        "category": "commercial",
        "vehicle": {
            "plate": f"10-AB-{next(_numbers) % 1000:03d}",
            "country": "AZE",
            "type": "truck",
        },
        "decision": "admitted",
    }
    data.update(extra)
    return data


def command(data: dict[str, Any]) -> CrossingCreate:
    return CrossingCreate.model_validate(data)
