"""Headquarters follows a post's log: a post served by its own app (in process), headquarters
on SQLite and PostgreSQL with the replica ingested from the post's outbox.

Normal growth raises nothing; a post that shows headquarters another log than before (a
fork: same size, other root; or a larger tree that does not extend the one held), a leaf not
served, a checkpoint not signed by the post's key, and a replica whose counts differ from the
leaves are each found and stored as an alert, shown by the API, the page and ``sync status``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import person_crossing, vehicle_crossing
from tests.integration.sync.conftest import add_reference, outbox_events
from tests.integration.sync.test_ordering import _correct, _record
from tests.web_support import add_user, bearer, make_app, sign_in

from borderpost.app import create_app
from borderpost.config import FollowedLogSetting, Settings
from borderpost.crossings.model import Crossing
from borderpost.ledger import leaves
from borderpost.ledger.appending import append_pending
from borderpost.ledger.client.verify import Fetch
from borderpost.ledger.follow import repository, services
from borderpost.ledger.follow.model import AlertKind, FollowAlert, FollowedLog
from borderpost.ledger.keys import generate_log_key
from borderpost.ledger.services import close_logs, ensure_log_key, origin_for
from borderpost.ledger.storage.log import TileLog
from borderpost.ledger.tlog.tiles import decode_bundle
from borderpost.sync.events import Event
from borderpost.sync.inbox import receive

Factory = sessionmaker[Session]
NO_GRACE = dt.timedelta(0)


class PostNode:
    """A post: its database, its home with the log, and its app serving the log."""

    def __init__(self, factory: Factory, home: Path) -> None:
        self.factory, self.home = factory, home
        settings = Settings(home=home, database_url="sqlite://", secret_key="post")
        self.client = TestClient(create_app(settings, session_factory=factory))
        self.shipped = 0

    def fetch(self, path: str) -> bytes | None:
        response = self.client.get(f"/ledger/P-A/{path}")
        return response.content if response.status_code == 200 else None

    def append(self) -> None:
        append_pending(self.factory, self.home)

    def setting(self) -> FollowedLogSetting:
        return FollowedLogSetting(
            post="P-A", url="http://post.invalid", vkey=ensure_log_key(self.home, "P-A").vkey()
        )

    def ship(self, hq: Factory, skip: Callable[[Event], bool] = lambda e: False) -> None:
        """Deliver the outbox events not delivered yet (those ``skip`` says, never)."""
        events = outbox_events(self.factory)
        for event in events[self.shipped :]:
            if not skip(event):
                receive(hq, event)
        self.shipped = len(events)


@pytest.fixture
def hq(session_factory: Factory) -> Factory:
    """Headquarters (SQLite, PostgreSQL) knowing the post, as every node of the network does."""
    add_reference(session_factory)
    return session_factory


@pytest.fixture
def node(post: Factory, tmp_path: Path) -> Iterator[PostNode]:
    home = tmp_path / "post-home"
    yield PostNode(post, home)
    close_logs(home)


def _day(node: PostNode, n: int, start: int = 0) -> None:
    for i in range(n):
        when = f"2026-11-27T{10 + (start + i) // 60:02d}:{(start + i) % 60:02d}:00+04:00"
        make = vehicle_crossing if i % 3 == 2 else person_crossing
        _record(node.factory, make("P-A", when))


def _followed_day(hq: Factory, node: PostNode, n: int) -> None:
    """``n`` crossings recorded, appended, shipped, and followed without an alert."""
    _day(node, n)
    node.append()
    node.ship(hq)
    assert _follow(hq, node).alerts == []


def _follow(
    hq: Factory, node: PostNode, fetch: Fetch | None = None, grace: dt.timedelta = NO_GRACE
) -> services.RoundResult:
    return services.follow_log(hq, node.setting(), fetch or node.fetch, grace)


def _alerts(hq: Factory) -> list[FollowAlert]:
    with hq() as session:
        return list(session.execute(select(FollowAlert).order_by(FollowAlert.raised_at)).scalars())


def test_normal_growth_raises_nothing(hq: Factory, node: PostNode) -> None:
    _day(node, 5)
    node.append()
    node.ship(hq)
    first = _follow(hq, node)
    assert (first.state, first.size, first.alerts) == ("ok", 5, [])

    _day(node, 4, start=5)
    with node.factory() as session:
        some = session.execute(select(Crossing.id).limit(1)).scalar_one()
    _correct(node.factory, some, decision="refused", reasons=["no visa"])
    node.append()
    node.ship(hq)
    second = _follow(hq, node)
    assert (second.state, second.size, second.alerts) == ("ok", 10, [])  # 9 crossings, 1 fix
    again = _follow(hq, node)  # nothing new: still fine
    assert (again.state, again.size, again.alerts) == ("ok", 10, [])
    assert _alerts(hq) == []
    with hq() as session:
        held = session.get(FollowedLog, "P-A")
        assert held is not None
        assert held.counted_equal_at is not None
        # The database's count of the stored facts is the public recount of the leaves.
        counted = services.recount(session, "P-A")
        assert counted == services.recount_from_leaves(session, "P-A")
        assert sum(counted.values()) == 9


@pytest.fixture
def fork(node: PostNode, tmp_path: Path) -> Iterator[Callable[[int, int], Fetch]]:
    """Makes another log of the post's origin, signed by the post's own key: the first
    ``keep`` leaves of the real one, then leaves of its own up to ``size``."""
    made: list[TileLog] = []

    def make(keep: int, size: int) -> Fetch:
        entries = decode_bundle(node.fetch(f"tile/entries/000.p/{keep}") or b"")
        forked = TileLog(tmp_path / f"fork-{len(made)}", origin_for("P-A"))
        made.append(forked)
        changed = leaves.corrected_leaf(entries[0], {"decision": "refused"})
        forked.append([*entries, *[changed] * (size - keep)])
        forked.sign_checkpoint(ensure_log_key(node.home, "P-A"))
        return forked.read_path

    yield make
    for forked in made:
        forked.close()


def test_a_fork_of_the_same_size_is_a_split_view(
    hq: Factory, node: PostNode, fork: Callable[[int, int], Fetch]
) -> None:
    _followed_day(hq, node, 4)

    forked = fork(3, 4)  # size 4, the last leaf another
    found = _follow(hq, node, forked)
    assert found.state == "alert"
    [alert] = _alerts(hq)
    assert alert.kind == AlertKind.SPLIT_VIEW
    assert "two checkpoints of size 4" in alert.detail
    assert alert.evidence is not None
    assert alert.evidence.count("borderpost/P-A\n4\n") == 2  # both signed notes
    # What is held does not move; the same fork shown again is not a second alert.
    assert _follow(hq, node, forked).state == "alert"
    assert len(_alerts(hq)) == 1
    with hq() as session:
        held = session.get(FollowedLog, "P-A")
        assert held is not None
        assert held.size == 4
        assert held.state == "alert"


def test_a_larger_tree_that_does_not_extend_the_one_held_is_a_split_view(
    hq: Factory, node: PostNode, fork: Callable[[int, int], Fetch]
) -> None:
    _followed_day(hq, node, 4)
    forked = fork(2, 5)  # size 5, leaves 2.. differ
    found = _follow(hq, node, forked)
    [alert] = _alerts(hq)
    assert (found.state, alert.kind) == ("alert", AlertKind.SPLIT_VIEW)
    assert "not consistent with 4" in alert.detail
    assert alert.size == 5  # the checkpoint shown, not the one held


def test_a_leaf_not_served_is_a_missing_leaf(hq: Factory, node: PostNode) -> None:
    _day(node, 3)
    node.append()
    node.ship(hq)

    def without_entries(path: str) -> bytes | None:
        return None if path.startswith("tile/entries/") else node.fetch(path)

    found = _follow(hq, node, without_entries)
    [alert] = _alerts(hq)
    assert (found.state, alert.kind) == ("alert", AlertKind.MISSING_LEAF)
    assert "tile/entries/000.p/3" in alert.detail


def test_a_checkpoint_not_signed_by_the_posts_key_is_an_alert(
    hq: Factory, node: PostNode, tmp_path: Path
) -> None:
    _day(node, 2)
    node.append()
    other = generate_log_key(tmp_path / "other-keys", origin_for("P-A"))
    setting = node.setting().model_copy(update={"vkey": other.vkey})
    found = services.follow_log(hq, setting, node.fetch, NO_GRACE)
    [alert] = _alerts(hq)
    assert (found.state, alert.kind) == ("alert", AlertKind.BAD_CHECKPOINT)


def test_a_replica_that_differs_from_the_leaves_is_found_after_the_grace(
    hq: Factory, node: PostNode
) -> None:
    _day(node, 6)
    node.append()
    held_back = outbox_events(node.factory)[2]
    node.ship(hq, skip=lambda e: e.id == held_back.id)  # one crossing never reached HQ

    grace = dt.timedelta(minutes=10)
    within = _follow(hq, node, grace=grace)  # shipping lag, as far as HQ can tell yet
    assert (within.state, within.alerts) == ("ok", [])
    with hq() as session:
        held = session.get(FollowedLog, "P-A")
        assert held is not None
        assert held.differs_since is not None

    found = _follow(hq, node, grace=NO_GRACE)
    [alert] = _alerts(hq)
    assert (found.state, alert.kind) == ("alert", AlertKind.COUNT_DIFFERS)
    assert alert.detail.startswith("log 6, replica 5")

    receive(hq, held_back)  # it arrives after all: equal again
    assert _follow(hq, node).alerts == []
    with hq() as session:
        held = session.get(FollowedLog, "P-A")
        assert held is not None
        assert held.differs_since is None


def test_alerts_in_the_api_and_on_the_page_for_observers_and_admins(
    hq: Factory, node: PostNode, fork: Callable[[int, int], Fetch]
) -> None:
    _followed_day(hq, node, 4)
    _follow(hq, node, fork(3, 4))
    observer = add_user(hq, "monitor", "observer")
    officer = add_user(hq, "officer9", "officer", ["P-A"])
    add_user(hq, "chief", "admin")
    client = TestClient(make_app(hq))

    answer = client.get("/api/v1/sync/ledgers", headers=bearer(observer))
    assert answer.status_code == 200
    body = answer.json()
    assert body["logs"][0]["post"] == "P-A"
    assert body["logs"][0]["state"] == "alert"
    assert body["alerts"][0]["kind"] == "split_view"
    assert client.get("/api/v1/sync/ledgers", headers=bearer(officer)).status_code == 403

    sign_in(client, "chief")
    page = client.get("/sync/ledgers")
    assert page.status_code == 200
    assert "split_view" in page.text
    assert "P-A" in page.text

    [status] = repository.status(hq)
    assert (status["checked_size"], status["state"], status["alerts"]) == (4, "alert", 1)


def test_a_round_without_the_post_is_unreachable_not_an_alert(hq: Factory, node: PostNode) -> None:
    found = _follow(hq, node, lambda path: None)
    assert (found.state, found.alerts) == ("unreachable", [])
    assert "serves no checkpoint" in (found.problem or "")
