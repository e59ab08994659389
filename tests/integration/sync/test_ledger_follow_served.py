"""Headquarters' server follows a post's server over HTTP, in the background.

The post is a real ``borderpost serve`` (a subprocess, SQLite home) that appends its log; the
headquarters app runs its lifespan (so the elected follower) on its own SQLite database with
the post's crossings ingested from its outbox. The follower reaches the post's size with no
alert and records the recount equal.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import sessionmaker
from tests.factories import person_crossing
from tests.integration.sync.conftest import add_reference, outbox_events
from tests.servers import start_server
from tests.web_support import add_user, bearer

from borderpost.app import create_app
from borderpost.config import FollowedLogSetting, Settings
from borderpost.db import make_engine
from borderpost.ledger.follow.model import FollowedLog
from borderpost.ledger.services import ensure_log_key
from borderpost.sync.inbox import receive

CEILING = 90.0


def _factory(path: Path, template: Path) -> sessionmaker:  # type: ignore[type-arg]
    shutil.copy(template, path)
    return sessionmaker(bind=make_engine(f"sqlite:///{path}"), expire_on_commit=False)


def test_the_follower_of_a_served_hq_keeps_up_with_a_served_post(
    tmp_path: Path, sqlite_template: Path
) -> None:
    post_home = tmp_path / "post"
    post_home.mkdir()
    post = _factory(post_home / "borderpost.db", sqlite_template)
    add_reference(post)
    token = add_user(post, "officer1", "officer", ["P-A"])
    vkey = ensure_log_key(post_home, "P-A").vkey()
    env = {
        **os.environ,
        "BORDERPOST_HOME": str(post_home),
        "BORDERPOST_CHECKPOINT_INTERVAL_SECONDS": "0.2",
        "BORDERPOST_LEDGER_DAILY_BULLETIN": "false",
    }
    env.pop("BORDERPOST_DATABASE_URL", None)
    server = start_server(env)
    try:
        with httpx.Client(base_url=server.url, headers=bearer(token), timeout=30) as client:
            for i in range(7):
                when = f"2026-11-27T10:{i:02d}:00+04:00"
                answer = client.post("/api/v1/crossings", json=person_crossing("P-A", when))
                assert answer.status_code == 201, answer.text

        hq = _factory(tmp_path / "hq.db", sqlite_template)
        add_reference(hq)
        for event in outbox_events(post):
            receive(hq, event)
        settings = Settings(
            home=tmp_path / "hq-home",
            database_url=f"sqlite:///{tmp_path / 'hq.db'}",
            secret_key="hq",
            ledger_follow=[FollowedLogSetting(post="P-A", url=server.url, vkey=vkey)],
            ledger_follow_interval_seconds=0.2,
            ledger_follow_grace_seconds=600,
        )
        with TestClient(create_app(settings)):  # the lifespan runs the elected follower
            deadline = time.monotonic() + CEILING
            while True:
                with hq() as session:
                    held = session.get(FollowedLog, "P-A")
                    if held is not None and held.size == 7 and held.counted_equal_at:
                        break
                if time.monotonic() > deadline:
                    pytest.fail(
                        f"not followed to 7: {held and (held.size, held.problem)}\n"
                        + server.output()
                    )
                time.sleep(0.1)
        assert held.state == "ok"
        assert held.problem is None
    finally:
        server.stop()
