"""See it: ``borderpost sync status``, the admin page and /metrics tell the same figures, per
post. Against a real NATS JetStream server (BORDERPOST_TEST_NATS_URL)."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.integration.sync.conftest import add_reference, trail_events
from tests.integration.sync.test_delivery import NATS_URL, _record_some, stream  # noqa: F401
from tests.web_support import add_user, bearer, make_app
from typer.testing import CliRunner

from borderpost.accounts.model import Role
from borderpost.sync.ingest import ingest_once
from borderpost.sync.shipper import backlog, ship_once
from borderpost.sync.status import node_status

Factory = sessionmaker[Session]


def test_status_page_and_metrics_show_each_posts_figures(
    post: Factory,
    session_factory: Factory,
    stream: str,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    hq = session_factory
    add_reference(hq)
    _record_some(post, n=4)
    asyncio.run(ship_once(post, NATS_URL, stream))
    events = 4 + trail_events(post)  # the crossings and their audit entries
    assert backlog(post).unconfirmed == events
    asyncio.run(ingest_once(hq, NATS_URL, stream, wait=0.5))
    asyncio.run(ship_once(post, NATS_URL, stream))
    assert backlog(post).unconfirmed == 0
    assert backlog(post).last_confirmed is not None

    (line,) = node_status(hq, tmp_path).posts
    assert (line.post, line.events, line.parked) == ("P-A", events, 0)
    assert line.lag_seconds is not None
    assert line.last_applied_at is not None

    app = make_app(hq)
    observer = add_user(hq, "scraper", Role.OBSERVER)
    admin = add_user(hq, "admin.a", Role.ADMIN)
    with TestClient(app) as client:
        assert client.get("/metrics", follow_redirects=False).status_code in {401, 303}
        scraped = client.get("/metrics", headers=bearer(observer))
        assert scraped.status_code == 200
        assert f'borderpost_sync_post_events{{post="P-A"}} {events}.0' in scraped.text
        assert 'borderpost_sync_post_parked{post="P-A"} 0.0' in scraped.text
        assert "borderpost_sync_outbox_unconfirmed 0.0" in scraped.text
        assert client.get("/sync/status", headers=bearer(observer)).status_code == 403
        page = client.get("/sync/status", headers=bearer(admin))
        assert page.status_code == 200
        assert f"<td>P-A</td><td>{events}</td>" in page.text

    # The post's own view, from the command line.
    path = tmp_path / "post.db"
    with post() as session:
        url = str(session.get_bind().url)
    monkeypatch.setenv("BORDERPOST_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", url)
    from borderpost.cli import app as cli

    shown = CliRunner().invoke(cli, ["sync", "status"])
    assert shown.exit_code == 0, shown.output
    assert "0 events wait to be shipped, 0 to be confirmed by headquarters" in shown.output
    assert path.exists()
