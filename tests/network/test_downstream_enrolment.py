"""A network set up with the commands alone: enrol at headquarters, join at the post, publish,
follow; what the post runs shown by ``borderpost sync status``, its post page and the booth."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import uuid
from dataclasses import asdict
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker
from tests.factories import make_post
from tests.network.downstream_support import NATS_URL, Network, network, stream, user, wait_until
from tests.network.test_downstream_lists import ALIYEV, import_at
from tests.web_support import add_user, bearer
from typer.testing import CliRunner

from borderpost import clock
from borderpost.accounts.model import Role
from borderpost.accounts.services import disable_user, issue_token
from borderpost.app import create_app
from borderpost.cli import app as cli
from borderpost.config import Settings
from borderpost.db import make_engine
from borderpost.network.enrolment import BadEnrolment, decode, joined, store
from borderpost.network.state import LoopState, state_path
from borderpost.unit_of_work import UnitOfWork

__all__ = ["network", "stream"]  # fixtures


def test_enrol_join_publish_follow_with_the_commands(
    tmp_path: Path, sqlite_template: Path, stream: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    hq_home, post_home = tmp_path / "hq", tmp_path / "post"
    for home in (hq_home, post_home):
        home.mkdir()
        shutil.copy(sqlite_template, home / "borderpost.db")
    engine = make_engine(f"sqlite:///{hq_home / 'borderpost.db'}")
    with UnitOfWork(sessionmaker(bind=engine), actor="admin") as uow:
        make_post(uow, "P-A")
        uow.commit()
    engine.dispose()
    runner = CliRunner()
    monkeypatch.setenv("BORDERPOST_HOME", str(hq_home))
    monkeypatch.setenv("BORDERPOST_SYNC_STREAM", stream)
    refused = runner.invoke(cli, ["network", "enrol", "P-Z", "--url", NATS_URL])
    assert refused.exit_code == 1
    assert "no post" in refused.output
    enrolled = runner.invoke(cli, ["network", "enrol", "P-A", "--url", NATS_URL])
    assert enrolled.exit_code == 0, enrolled.output
    text = enrolled.stdout.strip()  # the string alone; the note on it goes to stderr
    monkeypatch.setenv("BORDERPOST_SYNC_URL", NATS_URL)
    published = runner.invoke(cli, ["network", "publish"])
    assert "P-A users 1" in published.output, published.output
    order = ["network", "correct", "--reason", "wrong decision", "--by", "chief"]
    assert runner.invoke(cli, [*order, "not-an-id", "--decision", "admitted"]).exit_code == 2
    unknown = runner.invoke(cli, [*order, str(uuid.uuid4()), "--decision", "admitted"])
    assert unknown.exit_code == 1
    assert "no crossing" in unknown.output

    monkeypatch.setenv("BORDERPOST_HOME", str(post_home))
    for name in ("BORDERPOST_SYNC_STREAM", "BORDERPOST_SYNC_URL"):
        monkeypatch.delenv(name)
    bad = runner.invoke(cli, ["network", "join", text[:-6]])
    assert bad.exit_code == 2
    assert "enrolment:" in bad.output
    joined_now = runner.invoke(cli, ["network", "join", text])
    assert joined_now.exit_code == 0
    assert "NATS credential kept in" in joined_now.output
    assert decode(text).seed not in joined_now.output
    assert 'node_post = "P-A"' in (post_home / "borderpost.toml").read_text()
    followed = runner.invoke(cli, ["network", "follow"])
    assert followed.exit_code == 0, followed.output
    assert "applied users 1" in followed.output
    status = runner.invoke(cli, ["sync", "status"])
    assert "runs users version 1" in status.output, status.output


def test_a_damaged_enrolment_names_what_is_wrong() -> None:
    with pytest.raises(BadEnrolment, match="does not start"):
        decode("hello")
    with pytest.raises(BadEnrolment, match="damaged"):
        decode("borderpost-network:!!!!")
    assert joined(Path("/nonexistent")) is None


def test_the_post_page_and_the_booth_show_versions_and_a_stale_list(network: Network) -> None:
    post = network.add_post("P-A")
    import_at(network.hq, ALIYEV)
    network.publish()
    network.follow("P-A")
    _, home = network.posts["P-A"]
    token = add_user(post, "sup.a", "supervisor", ["P-A"])
    settings = Settings(database_url="sqlite://", secret_key="t", home=home)
    app = create_app(settings, session_factory=post)
    with TestClient(app, headers=bearer(token)) as http:
        page = http.get("/posts/P-A")
        assert page.status_code == 200
        assert "Versions from headquarters" in page.text
        assert "list:wanted" in page.text
        assert "is stale" not in http.get("/posts/P-A/status").text
        start = clock.now()
        clock.pin(start + dt.timedelta(days=3))  # three days without news from headquarters
        try:
            banner = http.get("/posts/P-A/status").text
            # The post read headquarters a minute ago: the list is old, and still the latest.
            heard = LoopState("working", last_round_at=clock.now().isoformat())
            state_path(home, "follower").parent.mkdir(exist_ok=True)
            state_path(home, "follower").write_text(json.dumps(asdict(heard)))
            current = http.get("/posts/P-A/status").text
        finally:
            clock.pin(start)
    assert "Watchlist wanted is stale: published 72 hours ago" in banner
    assert "is stale" not in current


def test_a_joined_post_server_follows_headquarters_by_itself(network: Network) -> None:
    user(network.hq, "officer.a", Role.OFFICER, ["P-A"])
    with UnitOfWork(network.hq, actor="admin") as uow:
        token = issue_token(uow, "officer.a")
        uow.commit()
    network.add_post("P-A")
    _, home = network.posts["P-A"]
    store(home, network.enrolment("P-A"))
    network.publish()
    settings = Settings(
        database_url=f"sqlite:///{home / 'borderpost.db'}",
        secret_key="t",
        home=home,
        network_interval_seconds=0.1,
    )
    with TestClient(create_app(settings), headers=bearer(token)) as http:
        wait_until(lambda: http.get("/api/v1/posts").status_code == 200)
        with UnitOfWork(network.hq, actor="admin") as uow:
            disable_user(uow, "officer.a")
            uow.commit()
        network.publish()
        wait_until(lambda: http.get("/api/v1/posts").status_code == 401)
