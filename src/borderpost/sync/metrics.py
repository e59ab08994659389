"""/metrics: the network's figures for Prometheus, the same as ``borderpost sync status``.

Read from the database and the loops' state files at each scrape (nothing is kept in the
process, so every web process answers the same). Access: an API token of an account whose
role may view aggregates (the observer role is enough and can do nothing else; see
docs/operations.md): the figures hold no personal data, but they tell how busy each post is.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import Response
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session, sessionmaker

from borderpost.accounts.authz import require
from borderpost.accounts.permissions import Permission
from borderpost.sync import status

router = APIRouter(include_in_schema=False)
# The loops' states as numbers: 1 while working, 0 while backing off or stopped.
_WORKING = {"shipping", "ingesting"}


class SyncCollector(Collector):
    def __init__(self, session_factory: sessionmaker[Session], home: Path) -> None:
        self.session_factory, self.home = session_factory, home

    def collect(self) -> Iterator[Metric]:
        node = status.node_status(self.session_factory, self.home)
        outbox = node.outbox
        for name, doc, value in (
            ("borderpost_sync_outbox_unsent", "Events never published", outbox.unsent),
            (
                "borderpost_sync_outbox_unconfirmed",
                "Events headquarters has not confirmed",
                outbox.unconfirmed,
            ),
            (
                "borderpost_sync_outbox_lag_seconds",
                "Age of the oldest event headquarters has not confirmed",
                outbox.lag_seconds,
            ),
            (
                "borderpost_sync_outbox_last_confirmed_timestamp_seconds",
                "When headquarters last confirmed an event",
                outbox.last_confirmed.timestamp() if outbox.last_confirmed else 0.0,
            ),
        ):
            yield GaugeMetricFamily(name, doc, value=value)
        for loop, state in (("shipper", node.shipper), ("ingest", node.ingest)):
            if state is None:
                continue
            yield GaugeMetricFamily(
                f"borderpost_sync_{loop}_up",
                f"1 when the {loop}'s last round worked",
                value=1.0 if state.state in _WORKING else 0.0,
            )
            yield GaugeMetricFamily(
                f"borderpost_sync_{loop}_failures",
                f"The {loop}'s rounds failed in a row",
                value=state.failures,
            )
        families = {
            "events": GaugeMetricFamily(
                "borderpost_sync_post_events", "Events taken in at headquarters", labels=["post"]
            ),
            "lag": GaugeMetricFamily(
                "borderpost_sync_post_lag_seconds",
                "Written at the post to committed at headquarters, last batch",
                labels=["post"],
            ),
            "last": GaugeMetricFamily(
                "borderpost_sync_post_last_committed_timestamp_seconds",
                "When headquarters last committed the post's events",
                labels=["post"],
            ),
            "parked": GaugeMetricFamily(
                "borderpost_sync_post_parked", "The post's events parked", labels=["post"]
            ),
        }
        for p in node.posts:
            families["events"].add_metric([p.post], p.events)
            families["parked"].add_metric([p.post], p.parked)
            if p.lag_seconds is not None:
                families["lag"].add_metric([p.post], p.lag_seconds)
            if p.last_applied_at is not None:
                families["last"].add_metric([p.post], p.last_applied_at.timestamp())
        yield from families.values()


@router.get("/metrics", dependencies=[require(Permission.VIEW_AGGREGATES)])
def metrics(request: Request) -> Response:
    registry = CollectorRegistry(auto_describe=False)
    registry.register(
        SyncCollector(request.app.state.session_factory, request.app.state.settings.home)
    )
    return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
