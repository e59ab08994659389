"""A post: applying one version of headquarters' reference data, in the caller's transaction.

Records are matched by their stable codes and names (a post may have made its own copy of a
post or a user before it joined), created with headquarters' ids when new. What the post
decides for itself stays its own: whether a lane is open, sign-in failures and lock-outs.
A user headquarters no longer sends (disabled there, or scoped away) is disabled here, with
their tokens revoked.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from borderpost import clock, reference
from borderpost.accounts.model import ApiToken, User
from borderpost.accounts.services import end_sessions_of
from borderpost.network.snapshots import (
    CORRIDOR_FIELDS,
    LANE_FIELDS,
    ORGANISATION_FIELDS,
    POST_FIELDS,
    TOKEN_FIELDS,
    USER_FIELDS,
    values_for,
)
from borderpost.organisations.model import Organisation
from borderpost.posts.model import Lane, Post
from borderpost.transit.model import Corridor
from borderpost.unit_of_work import UnitOfWork


def _upsert(session: Session, row: Any, values: dict[str, Any]) -> None:
    for name, value in values.items():
        if name != "id" and getattr(row, name) != value:
            setattr(row, name, value)
    if row not in session:
        session.add(row)


def apply_posts(session: Session, payload: dict[str, Any]) -> list[str]:
    for data in payload["posts"]:
        values = values_for(Post, data, POST_FIELDS)
        post = session.scalars(select(Post).where(Post.code == values["code"])).one_or_none()
        if post is None:
            post = Post(**values)
        _upsert(session, post, values)
        session.flush()
        for lane_data in data["lanes"] or []:
            lane_values = values_for(Lane, lane_data, LANE_FIELDS)
            lane = next((x for x in post.lanes if x.code == lane_values["code"]), None)
            if lane is None:
                lane = Lane(post_id=post.id, is_open=True, **lane_values)
            _upsert(session, lane, lane_values)
    reference.touch(session)
    return []


def apply_organisations(session: Session, payload: dict[str, Any]) -> list[str]:
    for data in payload["organisations"]:
        values = values_for(Organisation, data, ORGANISATION_FIELDS)
        row = session.scalars(
            select(Organisation).where(Organisation.code == values["code"])
        ).one_or_none()
        _upsert(session, row if row is not None else Organisation(**values), values)
    reference.touch(session)
    return []


def apply_corridors(session: Session, payload: dict[str, Any]) -> list[str]:
    ids = dict(session.execute(select(Post.code, Post.id)).all())
    for data in payload["corridors"]:
        values = values_for(Corridor, data, CORRIDOR_FIELDS)
        values["post_a_id"], values["post_b_id"] = ids[data["post_a"]], ids[data["post_b"]]
        row = session.scalars(select(Corridor).where(Corridor.code == values["code"])).one_or_none()
        _upsert(session, row if row is not None else Corridor(**values), values)
    return []


def apply_users(uow: UnitOfWork, payload: dict[str, Any], before: list[str]) -> list[str]:
    """Users and their tokens; returns the names this version holds."""
    session = uow.session
    names: list[str] = []
    for data in payload["users"]:
        values = values_for(User, data, USER_FIELDS)
        user = session.scalars(select(User).where(User.name == values["name"])).one_or_none()
        if user is None:
            user = User(failed_logins=0, **values)
        was_active = user.disabled_at is None
        scope = (user.role, user.posts, user.network)
        _upsert(session, user, values)
        session.flush()
        if (was_active and user.disabled_at is not None) or scope != (
            user.role,
            user.posts,
            user.network,
        ):
            end_sessions_of(uow, user)
        for token_data in data["tokens"]:
            token_values = values_for(ApiToken, token_data, TOKEN_FIELDS)
            token = session.scalars(
                select(ApiToken).where(ApiToken.token_hash == token_values["token_hash"])
            ).one_or_none()
            if token is None:
                token = ApiToken(user_id=user.id, **token_values)
            _upsert(session, token, token_values)
        names.append(user.name)
    gone = sorted(set(before) - set(names))
    now = clock.now()
    for user in session.scalars(select(User).where(User.name.in_(gone))) if gone else []:
        user.disabled_at = user.disabled_at or now
        for token in session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        ):
            token.revoked_at = now
        end_sessions_of(uow, user)
    return names


def apply_rules(home: Path, post_code: str, payload: dict[str, Any]) -> None:
    """The rule set files, each replaced in one step (``ruleset_for`` reloads on change).

    Called after the version's row is committed: a file written for a version whose
    transaction then failed would run without being recorded.
    """
    folder = home / "rules"
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in (
        ("network.toml", payload["network"]),
        (f"{post_code}.toml", payload["post"]),
    ):
        path = folder / name
        if text is None:
            path.unlink(missing_ok=True)
            continue
        partial = folder / f".{name}.{uuid.uuid4().hex}.tmp"
        partial.write_text(text, encoding="utf-8")
        os.replace(partial, path)
