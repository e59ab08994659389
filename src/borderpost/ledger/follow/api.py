"""Headquarters' view of the posts' logs as JSON, and the follower in the server's lifespan."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import APIRouter, FastAPI, Query

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.election import elected_while
from borderpost.ledger.follow import repository, services
from borderpost.ledger.follow.schemas import FollowAlertRead, FollowedLogRead, FollowedLogsRead

router = APIRouter(prefix="/sync/ledgers", tags=["sync"], route_class=SignInFirst)
FOLLOWER_JOB = "ledger-follower"


@router.get("", response_model=FollowedLogsRead, dependencies=[require(Permission.WATCH_LEDGERS)])
def followed_logs(
    uow: Uow,
    post: str | None = Query(None, max_length=32, description="One post's alerts only"),
    limit: int = Query(100, ge=1, le=1000, description="Alerts, newest first"),
) -> FollowedLogsRead:
    """Each followed post's log as last checked (size, state, when), and the latest alerts."""
    session = uow.session
    return FollowedLogsRead(
        logs=[FollowedLogRead.model_validate(f) for f in repository.followed(session)],
        alerts=[
            FollowAlertRead.model_validate(a) for a in repository.open_alerts(session, post, limit)
        ],
    )


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    """Follows the posts' logs named in ``ledger_follow``, in the one process holding the
    ``ledger-follower`` lock, when the app owns its database."""
    settings = app.state.settings
    make = None
    if settings.ledger_follow and getattr(app.state, "owns_database", False):

        def make() -> services.Follower:
            return services.Follower(
                app.state.session_factory,
                settings.ledger_follow,
                settings.ledger_follow_interval_seconds,
                dt.timedelta(seconds=settings.ledger_follow_grace_seconds),
            )

    async with elected_while(settings, FOLLOWER_JOB, make):
        yield
