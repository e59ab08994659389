"""A post ships to headquarters through a NATS cluster of three servers, and the server that
leads the posts' stream is killed with -9 mid-shipping: nothing is lost and nothing is
duplicated at headquarters, which equals the post record by record.

Three nats-server processes on this machine, JetStream clustered over routes, each with a store
of its own; the streams are made with three replicas (``nats_replicas``). The shipper and the
ingest run as processes of their own, given the three servers' addresses; waits have ceilings
only. ``BORDERPOST_TEST_CLUSTER_PORT`` fixes the first of the six ports (three client ports,
then three route ports); free ports otherwise.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
from collections.abc import Iterator
from pathlib import Path

import nats
import pytest
from nats.js.api import StreamConfig
from tests.network.conftest import Network
from tests.network.support import (
    NATS_SERVER,
    STREAM,
    Process,
    confirmed_ids,
    free_port,
    inbox_ids,
    outbox_state,
    wait_for,
)

from borderpost.sync import link

pytestmark = pytest.mark.postgres
SERVERS = 3
REPLICAS = 3


def _ports() -> list[int]:
    first = os.environ.get("BORDERPOST_TEST_CLUSTER_PORT")
    if first:
        return [int(first) + i for i in range(2 * SERVERS)]
    return [free_port() for _ in range(2 * SERVERS)]


def _answers(port: int) -> bool:
    import socket

    with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), 0.2):
        return True
    return False


class Cluster:
    """Three nats-server processes clustered by routes, JetStream on each, a store each."""

    def __init__(self, folder: Path) -> None:
        ports = _ports()
        self.client_ports, self.route_ports = ports[:SERVERS], ports[SERVERS:]
        self.names = [f"n{i + 1}" for i in range(SERVERS)]
        self.url = ",".join(f"nats://127.0.0.1:{p}" for p in self.client_ports)
        routes = ", ".join(f"nats-route://127.0.0.1:{p}" for p in self.route_ports)
        self.folder = folder
        self.confs: list[Path] = []
        for name, port, route in zip(self.names, self.client_ports, self.route_ports, strict=True):
            conf = folder / f"{name}.conf"
            conf.write_text(
                f"server_name: {name}\n"
                f"listen: 127.0.0.1:{port}\n"
                f'jetstream {{ store_dir: "{folder / ("store-" + name)}" }}\n'
                f"cluster {{ name: borderpost-test, listen: 127.0.0.1:{route}, "
                f"routes: [{routes}] }}\n"
            )
            self.confs.append(conf)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def start(self) -> None:
        for name, conf, port in zip(self.names, self.confs, self.client_ports, strict=True):
            log = (self.folder / f"{name}.log").open("ab")
            self.processes[name] = subprocess.Popen(
                [NATS_SERVER, "-c", str(conf)], stdout=log, stderr=log
            )
            wait_for(lambda port=port: _answers(port), 30, f"nats-server {name} to answer")

    def kill9(self, name: str) -> None:
        process = self.processes.pop(name)
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=30)

    def stop(self) -> None:
        for name in list(self.processes):
            self.kill9(name)


async def _ready(url: str) -> bool:
    """Whether the cluster makes a stream of three replicas (False while it has not elected its
    JetStream leader yet: it answers "temporarily unavailable")."""
    try:
        nc = await link.connect(url)
    except (nats.errors.Error, OSError):
        return False
    try:
        js = nc.jetstream()
        config = StreamConfig(name="BPREADY", subjects=["bpready.>"], num_replicas=REPLICAS)
        await js.add_stream(config)
        await js.delete_stream("BPREADY")
        return True
    except (nats.errors.Error, nats.js.errors.Error, OSError):
        return False
    finally:
        await nc.close()


async def _replicas(url: str, streams: list[str]) -> dict[str, int]:
    nc = await link.connect(url)
    try:
        js = nc.jetstream()
        return {s: (await js.stream_info(s)).config.num_replicas or 1 for s in streams}
    finally:
        await nc.close()


async def _stream_state(url: str) -> tuple[int, str | None, int]:
    """(replicas, the server that leads the stream, its messages)."""
    nc = await link.connect(url)
    try:
        info = await nc.jetstream().stream_info(STREAM)
        leader = info.cluster.leader if info.cluster is not None else None
        return info.config.num_replicas or 1, leader, info.state.messages
    finally:
        await nc.close()


def wait_for_state(url: str) -> tuple[int, str | None, int]:
    """The stream's state once a leader answers (an election may be under way)."""
    found: list[tuple[int, str | None, int]] = []

    def answered() -> bool:
        with contextlib.suppress(nats.errors.Error, nats.js.errors.Error, OSError):
            found.append(asyncio.run(_stream_state(url)))
            return found[-1][1] is not None
        return False

    wait_for(answered, 60, "the stream's leader to answer")
    return found[-1]


@pytest.fixture
def cluster(tmp_path: Path) -> Iterator[Cluster]:
    folder = tmp_path / "cluster"
    folder.mkdir()
    nodes = Cluster(folder)
    nodes.start()
    yield nodes
    nodes.stop()


def test_a_cluster_server_killed_mid_shipping_loses_and_duplicates_nothing(
    network: Network, cluster: Cluster, monkeypatch: pytest.MonkeyPatch
) -> None:
    wait_for(lambda: asyncio.run(_ready(cluster.url)), 60, "JetStream cluster ready")
    network.record("P-A", trucks=150)
    # The shipper and the ingest make the streams with three replicas (the setting), and know
    # every server: the one they are connected to may be the one killed.
    monkeypatch.setenv("BORDERPOST_NATS_REPLICAS", str(REPLICAS))
    node = network.posts["P-A"]
    shipping = Process(
        ["sync", "ship", "--follow", "--batch", "20"],
        node.url,
        network.folder / "home-P-A",
        cluster.url,
    )
    ingesting = Process(
        ["sync", "ingest", "--follow", "--ack-wait", "2"],
        network.hq.url,
        network.folder / "home-hq",
        cluster.url,
    )
    a = node.factory
    try:
        wait_for(lambda: outbox_state(a)[2] > 0, 120, "P-A's first events confirmed")
        streams = [STREAM, link.confirm_stream(STREAM)]
        assert asyncio.run(_replicas(cluster.url, streams)) == dict.fromkeys(streams, REPLICAS)
        # Kill the server that leads the posts' stream: its followers must elect another and
        # keep what it acknowledged.
        _, leader, _ = wait_for_state(cluster.url)
        assert leader is not None
        cluster.kill9(leader)
        done_at_kill = confirmed_ids(a)
        assert done_at_kill
        network.record("P-A", trucks=30)  # more while the cluster is one server short
        assert outbox_state(a)[2] < outbox_state(a)[0]
        wait_for(
            lambda: outbox_state(a)[2] == outbox_state(a)[0],
            180,
            "every event confirmed through the two servers left",
        )
        survivors = ",".join(
            f"nats://127.0.0.1:{port}"
            for name, port in zip(cluster.names, cluster.client_ports, strict=True)
            if name != leader
        )
        _, new_leader, messages = wait_for_state(survivors)
        assert new_leader not in (None, leader)
    finally:
        for process in (shipping, ingesting):
            process.stop()

    events, _, confirmed = outbox_state(a)
    assert confirmed == events
    at_hq = inbox_ids(network.hq.factory)
    assert done_at_kill <= at_hq, "events counted done before the kill are missing"
    # Headquarters holds each of the post's events once (its inbox is keyed by event id), and
    # nothing the post did not write.
    assert at_hq == confirmed_ids(a)
    assert messages >= events  # the stream kept every publication (a resend is one more)
    network.assert_headquarters_equals_posts()
