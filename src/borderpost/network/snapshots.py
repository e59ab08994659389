"""Headquarters: the reference data that concerns one post, as plain JSON.

A post receives its own post record and lanes, the posts at the other end of its corridors
(without lanes), the organisations, its corridors, the users scoped to it or to the network
(password and token hashes only, never a secret in clear; never another post's users) and the
rule set files in force for it. ``fields_of`` and ``values_for`` turn rows to JSON and back,
by the columns' own types, for both sides.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import Uuid, or_, select
from sqlalchemy.orm import Session

from borderpost.accounts.model import ApiToken, User
from borderpost.db import Base, UTCDateTime
from borderpost.organisations.model import Organisation
from borderpost.posts.model import Post
from borderpost.transit.model import Corridor

KINDS = ("posts", "organisations", "corridors", "users", "rules")

POST_FIELDS = (
    "id", "code", "name", "names", "timezone", "side_a", "side_b",
    "exempt_categories", "opening_hours", "created_at",
)  # fmt: skip
LANE_FIELDS = ("id", "code", "name", "categories")
ORGANISATION_FIELDS = ("id", "code", "name", "type", "created_at")
CORRIDOR_FIELDS = (
    "id", "code", "name", "deadline_hours", "deadlines", "categories", "created_at",
)  # fmt: skip
# Sign-in failures and lock-outs stay local to the node where they happen.
USER_FIELDS = (
    "id", "name", "role", "posts", "network", "language", "password_hash", "disabled_at",
    "created_at",
)  # fmt: skip
TOKEN_FIELDS = ("id", "token_hash", "label", "created_at", "revoked_at")


def fields_of(row: Base, fields: tuple[str, ...]) -> dict[str, Any]:
    """The row's ``fields`` as JSON values (UUIDs and times as text)."""
    out: dict[str, Any] = {}
    for name in fields:
        value = getattr(row, name)
        if isinstance(value, uuid.UUID):
            value = str(value)
        elif isinstance(value, dt.datetime):
            value = value.isoformat()
        out[name] = value
    return out


def values_for(model: type[Base], data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    """``fields_of`` undone for ``model``'s columns."""
    columns = model.__table__.c
    out: dict[str, Any] = {}
    for name in fields:
        value, kind = data.get(name), columns[name].type
        if value is not None and isinstance(kind, Uuid):
            value = uuid.UUID(value)
        elif value is not None and isinstance(kind, UTCDateTime):
            value = dt.datetime.fromisoformat(value)
        out[name] = value
    return out


def _post(post: Post, with_lanes: bool) -> dict[str, Any]:
    data = fields_of(post, POST_FIELDS)
    data["lanes"] = [fields_of(lane, LANE_FIELDS) for lane in post.lanes] if with_lanes else None
    return data


def posts_for(session: Session, post: Post) -> dict[str, Any]:
    mine = or_(Corridor.post_a_id == post.id, Corridor.post_b_id == post.id)
    ends = select(Corridor.post_a_id).where(mine).union(select(Corridor.post_b_id).where(mine))
    others = session.scalars(
        select(Post)
        .where(Post.id.in_(ends.scalar_subquery()), Post.id != post.id)
        .order_by(Post.code)
    ).all()
    return {"posts": [_post(post, True)] + [_post(p, False) for p in others]}


def organisations_for(session: Session, post: Post) -> dict[str, Any]:
    rows = session.scalars(select(Organisation).order_by(Organisation.code)).all()
    return {"organisations": [fields_of(o, ORGANISATION_FIELDS) for o in rows]}


def corridors_for(session: Session, post: Post) -> dict[str, Any]:
    rows = session.scalars(
        select(Corridor)
        .where(or_(Corridor.post_a_id == post.id, Corridor.post_b_id == post.id))
        .order_by(Corridor.code)
    ).all()
    return {
        "corridors": [
            {**fields_of(c, CORRIDOR_FIELDS), "post_a": c.post_a.code, "post_b": c.post_b.code}
            for c in rows
        ]
    }


def users_for(session: Session, post: Post) -> dict[str, Any]:
    users = [
        u
        for u in session.scalars(select(User).order_by(User.name))
        if u.network or post.code in (u.posts or [])
    ]
    tokens: dict[uuid.UUID, list[dict[str, Any]]] = {}
    if users:
        for token in session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id.in_([u.id for u in users]))
            .order_by(ApiToken.id)
        ):
            tokens.setdefault(token.user_id, []).append(fields_of(token, TOKEN_FIELDS))
    return {"users": [{**fields_of(u, USER_FIELDS), "tokens": tokens.get(u.id, [])} for u in users]}


def rules_for(home: Path, post: Post) -> dict[str, Any]:
    """The rule set files in force for the post at headquarters (None: the shipped default)."""

    def text(name: str) -> str | None:
        path = home / "rules" / name
        return path.read_text(encoding="utf-8") if path.is_file() else None

    return {"network": text("network.toml"), "post": text(f"{post.code}.toml")}


def snapshot(session: Session, home: Path, post: Post, kind: str) -> dict[str, Any]:
    """The payload of ``kind`` for ``post`` as headquarters holds it now."""
    if kind == "rules":
        return rules_for(home, post)
    builders = {
        "posts": posts_for,
        "organisations": organisations_for,
        "corridors": corridors_for,
        "users": users_for,
    }
    return builders[kind](session, post)
