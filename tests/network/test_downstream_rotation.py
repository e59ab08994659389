"""Headquarters' network key replaced: posts move to the new key by themselves (one offline
through two rotations too), versions and commands signed again, nothing enrolled again; a key
chain that does not check is refused and the post keeps the key it trusts."""

from __future__ import annotations

import asyncio
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select
from tests.factories import command, person_crossing
from tests.network.downstream_support import NATS_URL, Network, network, stream, user
from typer.testing import CliRunner

from borderpost.accounts.model import Role, User
from borderpost.audit.model import AuditEntry
from borderpost.cli import app as cli
from borderpost.crossings.model import Crossing
from borderpost.crossings.schemas import CrossingCorrection
from borderpost.crossings.services import record_crossing
from borderpost.db import make_engine
from borderpost.ledger.keys import write_private_key
from borderpost.ledger.tlog.note import Ed25519Signer, sign_note
from borderpost.network import buckets, rotation
from borderpost.network import enrolment as enrolments
from borderpost.network.commands import request_correction
from borderpost.network.following import follow_once
from borderpost.network.model import NetworkVersion
from borderpost.network.records import FollowReport
from borderpost.network.signing import KEY_NAME, network_signer
from borderpost.sync import link, shipper
from borderpost.sync.ingest import ingest_once
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision

__all__ = ["network", "stream"]  # fixtures


def _join(network: Network, code: str) -> None:
    """The post joins with the key headquarters has now (its enrolment kept in its home)."""
    network.add_post(code)
    enrolments.store(network.posts[code][1], network.enrolment(code))


def _follow(network: Network, code: str) -> FollowReport:
    """A round at the post with the enrolment it keeps (as its server runs it)."""
    factory, home = network.posts[code]
    joined = enrolments.joined(home)
    assert joined is not None

    async def run() -> FollowReport:
        async with link.jetstream(NATS_URL, network.stream) as js:
            return await follow_once(factory, home, joined, js)

    return asyncio.run(run())


def _rotate(network: Network) -> Ed25519Signer:
    network.signer = rotation.rotate(network.hq_home, network.signer)
    assert network_signer(network.hq_home).vkey() == network.signer.vkey()
    return network.signer


def _trusted(network: Network, code: str) -> str:
    joined = enrolments.joined(network.posts[code][1])
    assert joined is not None
    return joined.vkey


def test_a_post_moves_to_the_new_key_and_applies_what_it_signs(network: Network) -> None:
    _join(network, "P-A")
    network.publish()
    assert not _follow(network, "P-A").refused
    first = network.signer.vkey()

    new = _rotate(network)
    user(network.hq, "officer.new", Role.OFFICER, ["P-A"])
    published = network.publish()
    assert published[0] == "key 1"
    assert any("signed again by the new key" in line for line in published)
    assert "P-A users 2" in published

    report = _follow(network, "P-A")
    assert not report.refused, report.refused
    assert "users 2" in report.applied
    assert _trusted(network, "P-A") == new.vkey() != first
    factory = network.posts["P-A"][0]
    with factory() as session:
        assert session.scalar(select(User.id).where(User.name == "officer.new")) is not None
        row = session.get(NetworkVersion, rotation.KIND)
        assert row is not None
        assert row.version == 1
        assert row.checksum == new.vkey().split("+")[1]
    # Nothing more: the versions signed again carry numbers the post has.
    assert network.publish() == []
    assert _follow(network, "P-A").applied == []


def test_a_post_offline_through_two_rotations_catches_up_and_a_new_post_starts_at_the_last(
    network: Network,
) -> None:
    _join(network, "P-A")
    network.publish()
    _follow(network, "P-A")
    _rotate(network)
    network.publish()
    user(network.hq, "officer.late", Role.OFFICER, ["P-A"])
    last = _rotate(network)
    network.publish()

    report = _follow(network, "P-A")
    assert not report.refused, report.refused
    assert _trusted(network, "P-A") == last.vkey()
    with network.posts["P-A"][0]() as session:
        assert session.scalar(select(User.id).where(User.name == "officer.late")) is not None
        row = session.get(NetworkVersion, rotation.KIND)
        assert row is not None
        assert row.version == 2

    # A post enrolled after the rotations is given the last key and applies everything.
    _join(network, "P-B")
    report = _follow(network, "P-B")
    assert not report.refused
    assert {a.split()[0] for a in report.applied} >= {"posts", "users", "rules"}
    assert _trusted(network, "P-B") == last.vkey()


def test_a_version_signed_by_the_replaced_key_is_refused_after_the_move(
    network: Network,
) -> None:
    _join(network, "P-A")
    network.publish()
    _follow(network, "P-A")
    old = network.signer
    _rotate(network)
    network.publish()
    _follow(network, "P-A")

    # Someone holding the old key publishes a version: the post no longer trusts that key.
    user(network.hq, "officer.forged", Role.OFFICER, ["P-A"])
    network.signer = old
    (network.hq_home / "network" / "resealed").write_text(old.vkey())
    network.publish()
    report = _follow(network, "P-A")
    assert any(r.startswith("users: signature") for r in report.refused), report.refused
    with network.posts["P-A"][0]() as session:
        assert session.scalar(select(User.id).where(User.name == "officer.forged")) is None


def test_a_chain_that_does_not_check_is_refused_and_the_post_keeps_its_key(
    network: Network,
) -> None:
    _join(network, "P-A")
    network.publish()
    _follow(network, "P-A")
    trusted = _trusted(network, "P-A")
    # A link signed by a stranger's key alone, and one signed by the new key alone.
    stranger = Ed25519Signer.generate(KEY_NAME)
    for signers in ([stranger], [Ed25519Signer.generate(KEY_NAME)]):
        new = signers[0]
        text = f"{rotation.LINK_HEADER}\n{new.vkey()}\n2026-11-28T08:00:00+00:00\n"
        chain = rotation.Chain(trusted, [sign_note(text, signers).decode()])

        async def put(data: bytes) -> None:
            async with link.jetstream(NATS_URL, network.stream) as js:
                kv = await buckets.versions(js, network.stream)
                await kv.put(rotation.CHAIN_KEY, data)

        asyncio.run(put(chain.encode()))
        _follow(network, "P-A")
        assert _trusted(network, "P-A") == trusted
        with network.posts["P-A"][0]() as session:
            row = session.get(NetworkVersion, rotation.KIND)
            assert row is not None
            assert row.version == 0
            assert row.refused_reason is not None
            assert row.refused_reason.startswith("key:")
    # Damaged JSON names what is wrong too.
    asyncio.run(put(b"{not json"))
    _follow(network, "P-A")
    with network.posts["P-A"][0]() as session:
        row = session.get(NetworkVersion, rotation.KIND)
        assert row is not None
        assert "not a key chain" in (row.refused_reason or "")


def test_a_command_sent_before_the_rotation_is_applied_after_it(network: Network) -> None:
    _join(network, "P-A")
    network.publish()
    _follow(network, "P-A")
    post = network.posts["P-A"][0]
    with UnitOfWork(post, actor="officer.a") as uow:
        crossing = record_crossing(uow, command(person_crossing())).crossing
        uow.commit()
    # Headquarters holds the crossing's replica and sends a correction for it, signed by the
    # key it has now; the post has not read it when the key is replaced.

    async def ship() -> None:
        async with link.jetstream(NATS_URL, network.stream) as js:
            await shipper.ship(post, js, network.stream)
        await ingest_once(network.hq, NATS_URL, network.stream, wait=0.5)

    asyncio.run(ship())
    with UnitOfWork(network.hq, actor="chief") as uow:
        request_correction(
            uow,
            crossing.id,
            CrossingCorrection(decision=Decision.REFUSED, reasons=["no visa"], reason="check"),
        )
        uow.commit()
    network.publish()
    _rotate(network)
    network.publish()  # the chain, everything signed again, the command sent again
    report = _follow(network, "P-A")
    applied = [a for a in report.applied if a.startswith("command")]
    assert [a.split(": ")[1] for a in applied] == ["applied"], report
    # The copy signed by the replaced key was refused, and changed nothing twice.
    assert any(r.startswith("command: signature") for r in report.refused)
    with post() as session:
        assert session.get(Crossing, crossing.id).decision == "refused"  # type: ignore[union-attr]


def test_rotate_key_on_the_command_line(
    tmp_path: Path, sqlite_template: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hq_home, post_home = tmp_path / "hq", tmp_path / "post"
    for home in (hq_home, post_home):
        home.mkdir()
        shutil.copy(sqlite_template, home / "borderpost.db")
    runner = CliRunner()
    monkeypatch.setenv("BORDERPOST_HOME", str(hq_home))
    none_yet = runner.invoke(cli, ["network", "rotate-key", "--yes"])
    assert none_yet.exit_code == 2
    assert "no network key yet" in none_yet.output
    before = network_signer(hq_home).vkey()
    done = runner.invoke(cli, ["network", "rotate-key", "--yes"])
    assert done.exit_code == 0, done.output
    after = network_signer(hq_home).vkey()
    assert after != before
    assert after in done.output
    shown = runner.invoke(cli, ["network", "key"])
    assert f"0 replaced {before}" in shown.output
    assert f"1 in force {after}" in shown.output
    chain = json.loads((hq_home / "network" / "key-chain.json").read_text())
    assert chain["first"] == before
    assert len(chain["links"]) == 1
    engine = make_engine(f"sqlite:///{hq_home / 'borderpost.db'}")
    with engine.connect() as conn:
        entry = conn.execute(
            select(AuditEntry.actor, AuditEntry.after).where(AuditEntry.entity == "network_key")
        ).one()
    engine.dispose()
    assert entry.actor == "cli"
    assert entry.after == {"vkey": after}
    # A post refuses: it holds no network key.
    monkeypatch.setenv("BORDERPOST_HOME", str(post_home))
    enrolments.store(post_home, enrolments.Enrolment("P-A", NATS_URL, "S", after))
    refused = runner.invoke(cli, ["network", "rotate-key", "--yes"])
    assert refused.exit_code == 2
    assert "only headquarters" in refused.output
    assert f"this post trusts {after}" in runner.invoke(cli, ["network", "key"]).output


def test_a_rotation_cut_short_is_finished_or_dropped(network: Network) -> None:
    home = network.hq_home
    old = network.signer
    # The new key written beside the old, the chain not yet: dropped, the old key stays.
    pending = home / "network" / "hq.key.next"
    write_private_key(pending, Ed25519Signer.generate(KEY_NAME).skey())
    rotation.finish_rotation(home)
    assert not pending.exists()
    assert network_signer(home).vkey() == old.vkey()
    # The chain written naming it, the key not yet in place: put in place.
    new = Ed25519Signer.generate(KEY_NAME)
    write_private_key(pending, new.skey())
    text = f"{rotation.LINK_HEADER}\n{new.vkey()}\n2026-11-28T08:00:00+00:00\n"
    chain = rotation.Chain(old.vkey(), [sign_note(text, [old, new]).decode()])
    rotation.chain_path(home).write_bytes(chain.encode())
    rotation.finish_rotation(home)
    assert not pending.exists()
    assert network_signer(home).vkey() == new.vkey()
