"""The network through its faults: after each, headquarters equals the posts record by record
and report by report, and nothing a post counted done is missing at headquarters.

Two posts (P-A on SQLite, P-B on PostgreSQL), headquarters on PostgreSQL, and a nats-server of
the suite's own on a free port (see support.py).
"""

from __future__ import annotations

import asyncio
import json
import random
from pathlib import Path

import pytest
from tests.factories import make_post
from tests.integration.sync.conftest import outbox_events
from tests.network.conftest import Network
from tests.network.support import (
    STREAM,
    Broker,
    Link,
    Process,
    confirmed_ids,
    converge,
    inbox_ids,
    ingest,
    later,
    outbox_state,
    purge,
    ship,
    wait_for,
)

from borderpost.ids import new_id
from borderpost.sync import inbox, link
from borderpost.unit_of_work import UnitOfWork

pytestmark = pytest.mark.postgres


def _ship_process(net: Network, code: str, broker_url: str, batch: int = 20) -> Process:
    node = net.posts[code]
    home = net.folder / f"home-{code}"
    return Process(["sync", "ship", "--follow", "--batch", str(batch)], node.url, home, broker_url)


def _ingest_process(net: Network, broker_url: str) -> Process:
    home = net.folder / "home-hq"
    return Process(["sync", "ingest", "--follow", "--ack-wait", "2"], net.hq.url, home, broker_url)


def test_broker_killed_mid_shipping_loses_nothing_a_post_counted_done(
    network: Network, broker: Broker
) -> None:
    network.record("P-A", trucks=150)
    network.record("P-B", trucks=150)
    shippers = [_ship_process(network, code, broker.url) for code in ("P-A", "P-B")]
    hq = _ingest_process(network, broker.url)
    try:
        a = network.posts["P-A"].factory
        # Some of it shipped and confirmed: kill the broker there (on a fast machine the rest
        # may be confirmed too before the kill, so more is recorded while the broker is down:
        # either way the broker dies with P-A's shipping unfinished).
        wait_for(lambda: outbox_state(a)[2] > 0, 120, "P-A's first events confirmed")
        broker.kill9()
        done_at_kill = {c: confirmed_ids(n.factory) for c, n in network.posts.items()}
        assert done_at_kill["P-A"]
        network.record("P-A", trucks=30)
        assert outbox_state(a)[2] < outbox_state(a)[0]  # unfinished when the broker returns
        broker.start()
        wait_for(
            lambda: all(outbox_state(f)[2] == outbox_state(f)[0] for f in network.factories()),
            180,
            "every event confirmed after the restart",
        )
    finally:
        for process in [*shippers, hq]:
            process.stop()
    at_hq = inbox_ids(network.hq.factory)
    for code, done in done_at_kill.items():
        assert done <= at_hq, f"{code}: events counted done are missing at headquarters"
    network.assert_headquarters_equals_posts()


def test_link_cut_mid_shipping(network: Network, broker: Broker) -> None:
    network.record("P-A", trucks=60)
    network.record("P-B", trucks=10)
    cable = Link(broker.port)
    try:
        a = network.posts["P-A"].factory
        shipper = _ship_process(network, "P-A", cable.url, batch=10)
        try:
            wait_for(lambda: outbox_state(a)[1] > 0, 60, "P-A shipping")
            cable.cut()
            sent_at_cut = outbox_state(a)[1]
            assert sent_at_cut < outbox_state(a)[0]  # cut in the middle
            network.record("P-A", trucks=3)  # the post records on while cut off
            ingest(network.hq.factory, broker.url)
            cable.mend()
            wait_for(lambda: outbox_state(a)[1] == outbox_state(a)[0], 120, "P-A all sent")
        finally:
            shipper.stop()
    finally:
        cable.close()
    converge(network.hq.factory, network.factories(), broker.url)
    network.assert_headquarters_equals_posts()


def test_shipper_killed_with_minus_9(network: Network, broker: Broker) -> None:
    network.record("P-A", trucks=100)
    a = network.posts["P-A"].factory
    shipper = _ship_process(network, "P-A", broker.url, batch=10)
    wait_for(lambda: outbox_state(a)[1] > 0, 60, "P-A shipping")
    shipper.kill9()
    assert outbox_state(a)[1] < outbox_state(a)[0]  # killed in the middle
    network.record("P-B", trucks=5)
    converge(network.hq.factory, network.factories(), broker.url)
    network.assert_headquarters_equals_posts()


def test_ingest_killed_with_minus_9(network: Network, broker: Broker) -> None:
    network.record("P-A", trucks=200)
    network.record("P-B", trucks=200)
    for factory in network.factories():
        ship(factory, broker.url)
    hq = _ingest_process(network, broker.url)
    wait_for(lambda: len(inbox_ids(network.hq.factory)) > 0, 120, "headquarters ingesting")
    hq.kill9()
    total = sum(outbox_state(f)[0] for f in network.factories())
    assert len(inbox_ids(network.hq.factory)) < total  # killed in the middle
    # What the killed ingest took and did not acknowledge comes back after the wait.
    converge(network.hq.factory, network.factories(), broker.url)
    network.assert_headquarters_equals_posts()


def test_every_event_delivered_twice_and_once_more_after_the_window(
    network: Network, broker: Broker
) -> None:
    network.record("P-A", trucks=10)
    network.record("P-B", trucks=10)
    for factory in network.factories():
        ship(factory, broker.url)
    # Headquarters' confirmations are lost (as a power cut at the broker may take them):
    # the posts send everything again when it is due, under new message ids.
    asyncio.run(purge(broker.url, link.confirm_stream(STREAM)))
    ingest(network.hq.factory, broker.url)
    asyncio.run(purge(broker.url, link.confirm_stream(STREAM)))
    with later(301):
        reports = [ship(f, broker.url) for f in network.factories()]
    assert all(r is not None and r.resent > 0 for r in reports)
    converge(network.hq.factory, network.factories(), broker.url)
    network.assert_headquarters_equals_posts()
    with network.hq.factory() as session:
        from sqlalchemy import func, select

        from borderpost.sync.model import InboxEntry

        assert session.scalar(select(func.count()).select_from(InboxEntry)) == sum(
            outbox_state(f)[0] for f in network.factories()
        )


async def _publish(url: str, events: list[tuple[str, str, str, str]]) -> None:
    """Events as (id, post, topic, payload), published as a post would, in this order."""
    nc = await link.connect(url)
    try:
        js = nc.jetstream()
        await link.ensure_stream(js, STREAM)
        for event_id, post, topic, data in events:
            await js.publish(
                link.subject(STREAM, post, topic),
                data.encode(),
                headers={
                    "Nats-Msg-Id": event_id,
                    link.EVENT_HEADER: event_id,
                    link.TOPIC_HEADER: topic,
                    link.POST_HEADER: post,
                },
            )
    finally:
        await nc.close()


def test_events_arriving_in_any_order(network: Network, broker: Broker) -> None:
    network.record("P-A", trucks=15)
    network.record("P-B", trucks=15)
    events = [
        (str(e.id), e.post, e.topic, e.data)
        for factory in network.factories()
        for e in outbox_events(factory)
    ]
    random.Random(17).shuffle(events)
    asyncio.run(_publish(broker.url, events))
    ingest(network.hq.factory, broker.url)
    network.assert_headquarters_equals_posts()
    assert inbox.parked(network.hq.factory) == []  # what waited was applied when it could be
    converge(network.hq.factory, network.factories(), broker.url)  # and confirmed


def test_poison_events_are_parked_and_hold_back_nothing(network: Network, broker: Broker) -> None:
    network.record("P-A", trucks=10)
    poison = [
        (str(new_id()), "P-A", "crossing.recorded", "[]"),
        (str(new_id()), "P-A", "crossing.recorded", "null"),
        (str(new_id()), "P-B", "crossing.corrected", json.dumps({"crossing": 5})),
        (str(new_id()), "P-B", "crossing.teleported", "{}"),
    ]
    asyncio.run(_publish(broker.url, poison))
    network.record("P-B", trucks=10)
    converge(network.hq.factory, network.factories(), broker.url)
    network.assert_headquarters_equals_posts()
    assert {str(p.event_id) for p in inbox.parked(network.hq.factory)} == {p[0] for p in poison}


def test_a_new_post_before_headquarters_knows_it(
    network: Network, broker: Broker, sqlite_template: Path
) -> None:
    network.record("P-A", trucks=5)
    newcomer = network.new_post("P-N", sqlite_template)
    network.record("P-N", trucks=5)
    network.record("P-B", trucks=5)
    ship(newcomer.factory, broker.url)
    # Every post's events are applied or parked, and all confirmed: nothing stalls.
    converge(network.hq.factory, network.factories(), broker.url)
    parked = inbox.parked(network.hq.factory)
    assert {p.post for p in parked} == {"P-N"}
    with UnitOfWork(network.hq.factory) as uow:  # headquarters learns the post
        make_post(uow, "P-N")
        uow.commit()
    assert inbox.replay(network.hq.factory)["created"] > 0
    network.assert_headquarters_equals_posts()
