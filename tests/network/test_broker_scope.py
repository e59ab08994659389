"""The scope at the broker: a nats-server started with what `borderpost network broker-config`
prints. Headquarters publishes and ingests with its credential; post P-A follows, ships and
is confirmed with its own; P-A's connection is refused another post's keys and subjects, and
every write to the buckets; a wrong credential, or none, is refused."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import json
import re
import signal
import socket
import subprocess
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nats
import pytest
from nats.aio.client import Client
from sqlalchemy import select
from tests.factories import command, person_crossing
from tests.network.downstream_support import Factory, Network, network, stream, user
from tests.network.support import NATS_SERVER, wait_for
from tests.network.test_downstream_lists import ALIYEV, import_at
from typer.testing import CliRunner

from borderpost.accounts.model import Role, User
from borderpost.cli import app as cli
from borderpost.config import Settings
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.crossings.services import record_crossing
from borderpost.network import broker, buckets
from borderpost.network.commands import request_correction
from borderpost.network.enrolment import Enrolment, decode, seed_path, store
from borderpost.network.following import follow_once
from borderpost.network.records import FollowReport
from borderpost.network.running import follower, publish_all, publisher
from borderpost.outbox import OutboxEvent
from borderpost.sync import link, shipper
from borderpost.sync.ingest import ingest_once
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

__all__ = ["network", "stream"]  # fixtures
PORTS = range(4460, 4480)


def _free_port() -> int:
    for port in PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise AssertionError("no free port in 4460-4479")


@dataclass
class Secured:
    """A network whose broker checks credentials: headquarters' seed file, one per post."""

    net: Network
    url: str
    hq_seed: Path
    seeds: dict[str, Path]
    log: Path
    conf: Path
    port: int
    server: subprocess.Popen[bytes] | None = None

    def configure(self) -> None:
        """Give the running broker what `broker-config` prints now (a reload, as SIGHUP)."""
        authorization = broker.authorization(
            self.net.stream,
            broker.headquarters_key(self.net.hq_home),
            broker.enrolled(self.net.hq_home),
        )
        self.conf.write_text(
            f"listen: 127.0.0.1:{self.port}\n"
            f'jetstream {{ store_dir: "{self.conf.parent / "store"}" }}\n' + authorization
        )

    def publish(self) -> list[str]:
        async def run() -> list[str]:
            async with link.jetstream(self.url, self.net.stream, nkey=self.hq_seed) as js:
                return await publish_all(
                    self.net.hq, self.net.hq_home, js, self.net.stream, self.net.signer
                )

        return asyncio.run(run())

    def follow(self, code: str) -> FollowReport:
        factory, home = self.net.posts[code]
        enrolment = self.net.enrolment(code)

        async def run() -> FollowReport:
            async with link.jetstream(self.url, self.net.stream, nkey=self.seeds[code]) as js:
                return await follow_once(factory, home, enrolment, js)

        return asyncio.run(run())

    def ship(self, code: str) -> shipper.ShipReport:
        factory, _ = self.net.posts[code]
        return asyncio.run(
            shipper.ship_once(factory, self.url, self.net.stream, nkey=self.seeds[code])
        )

    def ingest(self) -> None:
        asyncio.run(
            ingest_once(self.net.hq, self.url, self.net.stream, wait=0.5, nkey=self.hq_seed)
        )


@pytest.fixture
def secured(network: Network, tmp_path: Path) -> Iterator[Secured]:
    """The broker runs the configuration the command prints, for P-A and P-B enrolled."""
    user(network.hq, "alice", Role.OFFICER, ["P-A"])
    user(network.hq, "bob", Role.OFFICER, ["P-B"])
    seeds = {}
    for code in ("P-A", "P-B"):
        network.add_post(code)
        seeds[code] = tmp_path / f"{code}.nkey"
        seeds[code].write_text(broker.enrol(network.hq_home, code))
    port = _free_port()
    secured = Secured(
        network,
        f"nats://127.0.0.1:{port}",
        broker.seed_path(network.hq_home),
        seeds,
        tmp_path / "nats-auth.log",
        tmp_path / "nats-auth.conf",
        port,
    )
    secured.configure()
    with secured.log.open("ab") as out:
        # Refusals are logged at the default level; -D adds why a connection was closed.
        command = [NATS_SERVER, "-c", str(secured.conf), "-D"]
        secured.server = subprocess.Popen(command, stdout=out, stderr=out)
    try:
        wait_for(lambda: "Server is ready" in secured.log.read_text(), 30, "nats-server")
        yield secured
    finally:
        secured.server.terminate()
        secured.server.wait(timeout=30)


def _users_at(factory: Factory) -> set[str]:
    with factory() as session:
        return set(session.scalars(select(User.name)))


def test_each_side_does_its_work_with_its_own_credential(secured: Secured) -> None:
    import_at(secured.net.hq, ALIYEV)
    published = secured.publish()
    assert "P-A users 1" in published
    assert "list wanted 1" in published

    report = secured.follow("P-A")
    assert not report.refused
    assert "list:wanted 1 (whole file)" in report.applied
    post_a, _ = secured.net.posts["P-A"]
    assert {"alice", "chief"} <= _users_at(post_a)
    assert "bob" not in _users_at(post_a)

    with UnitOfWork(post_a, actor="officer.a") as uow:
        crossing = record_crossing(uow, command(person_crossing(post="P-A"))).crossing.id
        uow.commit()
    assert secured.ship("P-A").sent >= 1
    secured.ingest()
    assert secured.ship("P-A").confirmed >= 1
    with post_a() as session:
        assert all(e.confirmed_at for e in session.scalars(select(OutboxEvent)))

    correction = CrossingCorrection(decision=Decision.REFUSED, reasons=["x"], reason="checked")
    with UnitOfWork(secured.net.hq, actor="chief") as uow:
        request_correction(uow, crossing, correction)
        uow.commit()
    secured.publish()
    applied = secured.follow("P-A").applied
    assert [a for a in applied if a.startswith("command")], applied
    assert "Permissions Violation" not in secured.log.read_text()


async def _as_post(secured: Secured, code: str, errors: list[str]) -> Client:
    """A connection as the post, as the node makes it, that keeps the broker's complaints."""
    seed = secured.seeds[code]

    async def keep(exc: Exception) -> None:
        errors.append(str(exc))

    return await nats.connect(
        secured.url,
        nkeys_seed=str(seed),
        inbox_prefix=link.inbox_prefix(link.public_nkey(seed.read_bytes())),
        error_cb=keep,
        allow_reconnect=False,
    )


def _refused(secured: Secured, attempt: Callable[[Client], Awaitable[Any]], subject: str) -> None:
    """``attempt`` as post P-A fails, and the broker says it refused ``subject``."""
    errors: list[str] = []

    async def run() -> bool:
        nc = await _as_post(secured, "P-A", errors)
        try:
            await attempt(nc)
        except (nats.errors.Error, TimeoutError, nats.js.errors.Error):
            return True
        finally:
            with contextlib.suppress(Exception):
                await nc.close()
        return False

    assert asyncio.run(run()), f"not refused: {subject}"
    wait_for(
        lambda: (
            f'"{subject}"' in secured.log.read_text() and "Violation" in secured.log.read_text()
        ),
        30,
        f"the broker to refuse {subject}",
    )
    assert any("permissions violation" in e.lower() for e in errors), errors


def test_a_post_is_refused_what_is_not_its_own(secured: Secured) -> None:
    secured.publish()
    stream = secured.net.stream
    kv, kv_stream = buckets.kv_name(stream), f"KV_{buckets.kv_name(stream)}"
    theirs = buckets.reference_key("P-B", "users")
    quick = 1.0

    async def read_theirs(nc: Client) -> None:
        bucket = await nc.jetstream(timeout=quick).key_value(kv)
        await bucket.get(theirs)

    _refused(secured, read_theirs, f"$JS.API.DIRECT.GET.{kv_stream}.$KV.{kv}.{theirs}")

    async def read_by_body(nc: Client) -> None:
        body = json.dumps({"last_by_subj": f"$KV.{kv}.{theirs}"}).encode()
        await nc.request(f"$JS.API.STREAM.MSG.GET.{kv_stream}", body, timeout=quick)

    _refused(secured, read_by_body, f"$JS.API.STREAM.MSG.GET.{kv_stream}")

    async def watch_all(nc: Client) -> None:
        await nc.jetstream(timeout=quick).add_consumer(kv_stream, filter_subject=f"$KV.{kv}.>")

    _refused(secured, watch_all, f"$JS.API.CONSUMER.CREATE.{kv_stream}")

    async def ship_as_b(nc: Client) -> None:
        await nc.jetstream(timeout=quick).publish(link.subject(stream, "P-B", "crossing"), b"{}")

    _refused(secured, ship_as_b, link.subject(stream, "P-B", "crossing"))

    mine = buckets.reference_key("P-A", "users")

    async def put_key(nc: Client) -> None:
        bucket = await nc.jetstream(timeout=quick).key_value(kv)
        await bucket.put(mine, b"forged")

    _refused(secured, put_key, f"$KV.{kv}.{mine}")

    async def delete_key(nc: Client) -> None:
        bucket = await nc.jetstream(timeout=quick).key_value(kv)
        await bucket.delete(buckets.list_key("wanted"))

    _refused(secured, delete_key, f"$KV.{kv}.{buckets.list_key('wanted')}")

    async def listen_to_replies(nc: Client) -> None:
        await nc.subscribe("_INBOX.>")
        await nc.flush(timeout=1)
        await asyncio.sleep(0.5)  # the broker's refusal comes after the flush
        raise TimeoutError

    _refused(secured, listen_to_replies, "_INBOX.>")

    async def listen_to_puts(nc: Client) -> None:
        await nc.subscribe(f"$KV.{kv}.>")
        await nc.flush(timeout=1)
        await asyncio.sleep(0.5)
        raise TimeoutError

    _refused(secured, listen_to_puts, f"$KV.{kv}.>")

    async def drop_the_stream(nc: Client) -> None:
        await nc.jetstream(timeout=quick).delete_stream(kv_stream)

    _refused(secured, drop_the_stream, f"$JS.API.STREAM.DELETE.{kv_stream}")

    # Its own keys it reads, and a version published after all this is still headquarters'.
    report = secured.follow("P-A")
    assert not report.refused
    assert "bob" not in _users_at(secured.net.posts["P-A"][0])


def test_a_post_enrolled_again_signs_in_with_the_new_credential_only(secured: Secured) -> None:
    old = secured.seeds["P-A"].read_text()
    secured.seeds["P-A"].write_text(broker.enrol(secured.net.hq_home, "P-A"))
    secured.configure()
    assert secured.server is not None
    secured.server.send_signal(signal.SIGHUP)
    wait_for(lambda: "Reloaded server configuration" in secured.log.read_text(), 30, "reload")
    secured.publish()
    assert "users 1" in secured.follow("P-A").applied
    stale = secured.seeds["P-A"].with_suffix(".old")
    stale.write_text(old)
    with pytest.raises(nats.errors.Error):
        asyncio.run(link.connect(secured.url, nkey=stale))


@pytest.mark.parametrize("credential", ["none", "unknown", "damaged"])
def test_a_wrong_credential_is_refused(secured: Secured, credential: str, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.nkey"
    wrong.write_text(broker.new_seed())  # a seed the broker was never told of

    async def run() -> None:
        if credential == "none":
            nc = await link.connect(secured.url)
        elif credential == "unknown":
            nc = await link.connect(secured.url, nkey=wrong)
        else:
            wrong.write_text(secured.seeds["P-A"].read_text()[:-6] + "AAAAA\n")
            nc = await link.connect(secured.url, nkey=wrong)
        await nc.close()

    with pytest.raises((nats.errors.Error, ValueError)):
        asyncio.run(run())
    if credential != "damaged":  # a damaged seed never leaves the node
        wait_for(lambda: "Authentication Failure" in secured.log.read_text(), 30, "refusal")


def test_enrol_prints_a_credential_and_broker_config_its_public_key(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import shutil

    from sqlalchemy.orm import sessionmaker
    from tests.factories import make_post

    from borderpost.db import make_engine

    hq, post = tmp_path / "hq", tmp_path / "post"
    for home in (hq, post):
        home.mkdir()
    shutil.copy(sqlite_template, hq / "borderpost.db")
    engine = make_engine(f"sqlite:///{hq / 'borderpost.db'}")
    with UnitOfWork(sessionmaker(bind=engine), actor="admin") as uow:
        make_post(uow, "P-A")
        uow.commit()
    engine.dispose()
    runner = CliRunner()
    monkeypatch.setenv("BORDERPOST_HOME", str(hq))
    enrolled = runner.invoke(cli, ["network", "enrol", "P-A", "--url", "nats://hq:4222"])
    assert enrolled.exit_code == 0, enrolled.output
    text = next(line for line in enrolled.stdout.splitlines() if line.startswith("borderpost"))
    enrolment = decode(text)
    public = link.public_nkey(enrolment.seed.encode())
    assert enrolment.seed not in repr(enrolment)
    config = runner.invoke(cli, ["network", "broker-config"])
    assert config.exit_code == 0, config.output
    assert public in config.stdout
    assert enrolment.seed not in config.stdout
    assert (hq / "network" / "nats.nkey").stat().st_mode & 0o077 == 0
    hq_public = link.public_nkey((hq / "network" / "nats.nkey").read_bytes())
    assert f'"nkey": "{hq_public}"' in config.stdout

    store(post, enrolment)
    assert enrolment.seed not in (post / "network" / "enrolment.json").read_text()
    assert seed_path(post).read_text().strip() == enrolment.seed
    assert seed_path(post).stat().st_mode & 0o077 == 0
    monkeypatch.setenv("BORDERPOST_HOME", str(post))
    assert Settings().nats_credential == seed_path(post)
    store(post, Enrolment("P-A", "nats://hq:4222", "BP", enrolment.vkey))  # none: as before
    assert Settings().nats_credential is None


def test_the_commands_sign_in_with_the_node_credential(
    secured: Secured, session_factory: Factory, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`network publish` at headquarters and `network follow` and `sync ship` at a post find
    their seed in their home; a post whose seed is gone is refused and says so."""
    if session_factory.kw["bind"].dialect.name != "sqlite":
        pytest.skip("the commands are the same on both; once is enough")
    runner = CliRunner()
    monkeypatch.setenv("BORDERPOST_HOME", str(secured.net.hq_home))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", str(session_factory.kw["bind"].url))
    monkeypatch.setenv("BORDERPOST_SYNC_URL", secured.url)
    monkeypatch.setenv("BORDERPOST_SYNC_STREAM", secured.net.stream)
    published = runner.invoke(cli, ["network", "publish"])
    assert published.exit_code == 0, published.output
    assert "P-A users 1" in published.output

    factory, home = secured.net.posts["P-A"]
    monkeypatch.setenv("BORDERPOST_HOME", str(home))
    monkeypatch.setenv("BORDERPOST_DATABASE_URL", f"sqlite:///{home / 'borderpost.db'}")
    joined = secured.net.enrolment("P-A")
    store(home, Enrolment("P-A", secured.url, joined.stream, joined.vkey, ""))
    refused = runner.invoke(cli, ["network", "follow"])
    assert refused.exit_code == 1
    assert "link:" in refused.output

    seed = secured.seeds["P-A"].read_text().strip()
    store(home, Enrolment("P-A", secured.url, joined.stream, joined.vkey, seed))
    followed = runner.invoke(cli, ["network", "follow"])
    assert followed.exit_code == 0, followed.output
    assert "applied users 1" in followed.output
    with UnitOfWork(factory, actor="officer.a") as uow:
        record_crossing(uow, command(person_crossing(post="P-A")))
        uow.commit()
    shipped = runner.invoke(cli, ["sync", "ship"])
    assert shipped.exit_code == 0, shipped.output
    assert re.search(r"shipped [1-9]", shipped.output), shipped.output


def test_the_server_loops_sign_in_with_the_credential(secured: Secured) -> None:
    """What `borderpost serve` runs: headquarters' publisher, a post's follower and shipper."""
    net = secured.net
    publishing = publisher(net.hq, net.hq_home, secured.url, net.stream, 1.0, nkey=secured.hq_seed)
    asyncio.run(publishing.once())
    assert publishing.state.state == "working", publishing.state.last_error
    factory, home = net.posts["P-B"]
    joined = dataclasses.replace(net.enrolment("P-B"), url=secured.url)
    following = follower(factory, home, joined, 1.0, nkey=secured.seeds["P-B"])
    asyncio.run(following.once())
    assert following.state.state == "working", following.state.last_error
    assert "bob" in _users_at(factory)
    assert "alice" not in _users_at(factory)

    with UnitOfWork(factory, actor="officer.b") as uow:
        record_crossing(uow, command(person_crossing(post="P-B")))
        uow.commit()
    shipping = shipper.Shipper(factory, secured.url, net.stream, nkey=secured.seeds["P-B"])
    asyncio.run(shipping.ship_round())
    assert shipping.state.state == "shipping", shipping.state.last_error
    assert shipper.backlog(factory).unsent == 0
    assert "Violation" not in secured.log.read_text()
