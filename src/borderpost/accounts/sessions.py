"""Web sessions kept on the server: started at sign-in, checked on every request, ended at
sign-out, when the user is disabled or their password changes, and past the settings' limits.

The cookie (signed by Starlette's session middleware) carries a random token; the database
keeps its SHA-256. A copied cookie is worth nothing once the row is gone.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import cast

from sqlalchemy import ColumnElement, Table, delete, or_, select, update

from borderpost import clock
from borderpost.accounts import passwords, services
from borderpost.accounts.model import User, WebSession
from borderpost.accounts.permissions import Principal
from borderpost.db import SessionFactory
from borderpost.unit_of_work import UnitOfWork

# seen_at is written at most this often: a request in the minute after the last one is
# read-only, and the idle limit is exact to the minute.
SEEN_EVERY = dt.timedelta(minutes=1)

_SESSIONS = cast(Table, WebSession.__table__)
_USERS = cast(Table, User.__table__)


def start_session(
    uow: UnitOfWork, user: User, client: str | None, *, hours: float, idle_minutes: float
) -> str:
    """A new session for ``user`` (audited as its row's creation); returns the cookie's token.

    Sessions past their limits, anyone's, are swept here: they could no longer be used.
    """
    now = clock.now()
    uow.session.execute(delete(_SESSIONS).where(_expired(now, hours, idle_minutes)))
    token = secrets.token_urlsafe(32)
    uow.session.add(
        WebSession(
            user_id=user.id,
            token_hash=passwords.token_hash(token),
            client=client[:64] if client else None,
            created_at=now,
            seen_at=now,
        )
    )
    uow.session.flush()
    return token


def end_session(uow: UnitOfWork, token: str) -> bool:
    """Sign-out: delete the session's row (audited); False when it was already gone."""
    found = uow.session.scalars(
        select(WebSession).where(WebSession.token_hash == passwords.token_hash(token))
    ).one_or_none()
    if found is None:
        return False
    uow.session.delete(found)
    uow.session.flush()
    return True


def principal_for_session(
    factory: SessionFactory, token: str, *, hours: float, idle_minutes: float
) -> Principal | None:
    """Who a session cookie's token signs in, or None: unknown, ended, expired or disabled.

    Runs in a short transaction of its own, before the request's unit of work does anything,
    so that noting the session as seen commits even when the request writes nothing.
    """
    now = clock.now()
    with factory() as session:
        row = session.execute(
            select(_USERS, _SESSIONS.c.id.label("session_id"), _SESSIONS.c.seen_at)
            .join(_SESSIONS, _SESSIONS.c.user_id == _USERS.c.id)
            .where(
                _SESSIONS.c.token_hash == passwords.token_hash(token),
                ~_expired(now, hours, idle_minutes),
            )
        ).one_or_none()
        if row is None or row.disabled_at is not None:
            return None
        if now - row.seen_at >= SEEN_EVERY:
            session.execute(
                update(_SESSIONS).where(_SESSIONS.c.id == row.session_id).values(seen_at=now)
            )
            session.commit()
        return services.principal_from_row(row, "session")


def _expired(now: dt.datetime, hours: float, idle_minutes: float) -> ColumnElement[bool]:
    return or_(
        _SESSIONS.c.created_at <= now - dt.timedelta(hours=hours),
        _SESSIONS.c.seen_at <= now - dt.timedelta(minutes=idle_minutes),
    )
