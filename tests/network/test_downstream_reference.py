"""Reference data from headquarters to posts: scope, atomic versions, users disabled at
headquarters refused at the post, rule sets, and versions that do not check refused."""

from __future__ import annotations

import asyncio
import datetime as dt

from sqlalchemy import select
from tests.cargo_factories import declared, goods
from tests.factories import make_post
from tests.network.downstream_support import Network, network, stream, user, wait_until

from borderpost import clock
from borderpost.accounts.model import Role, User
from borderpost.accounts.services import (
    disable_user,
    issue_token,
    principal_for_token,
    revoke_token,
)
from borderpost.cargo.rules.declaration import parse_consignment
from borderpost.cargo.rules.selectivity import evaluate
from borderpost.cargo.services import ruleset_for
from borderpost.ledger.tlog.note import Ed25519Signer
from borderpost.network import buckets
from borderpost.network.model import NetworkVersion
from borderpost.network.running import follower
from borderpost.network.signing import Version, seal
from borderpost.network.status import versions
from borderpost.organisations.model import Organisation
from borderpost.posts.model import Post
from borderpost.sync import link
from borderpost.transit.model import Corridor
from borderpost.transit.schemas import CorridorCreate
from borderpost.transit.services import add_corridor
from borderpost.unit_of_work import UnitOfWork

__all__ = ["network", "stream"]  # fixtures


def test_a_post_receives_what_concerns_it_and_no_other_posts_users(network: Network) -> None:
    user(network.hq, "officer.a", Role.OFFICER, ["P-A"])
    user(network.hq, "officer.b", Role.OFFICER, ["P-B"])
    with UnitOfWork(network.hq, actor="admin") as uow:
        make_post(uow, "P-C")
        add_corridor(
            uow,
            CorridorCreate(
                code="C-AB", name="A to B", post_a="P-A", post_b="P-B", deadline_hours=48
            ),
        )
        add_corridor(
            uow,
            CorridorCreate(
                code="C-BC", name="B to C", post_a="P-B", post_b="P-C", deadline_hours=48
            ),
        )
        uow.commit()
    post = network.add_post("P-A")
    published = network.publish()
    assert "P-A users 1" in published
    assert "P-B users 1" in published
    report = network.follow("P-A")
    assert not report.refused
    assert {a.split()[0] for a in report.applied} == {
        "posts", "organisations", "corridors", "users", "rules",
    }  # fmt: skip
    with post() as session:
        # Its own post with lanes; the other end of its corridor without any.
        posts = {p.code: [lane.code for lane in p.lanes] for p in session.scalars(select(Post))}
        assert posts == {"P-A": ["L1", "T1"], "P-B": []}
        assert session.scalars(select(Corridor.code)).all() == ["C-AB"]
        assert session.scalars(select(Organisation.code)).all() == ["AID"]
        assert sorted(session.scalars(select(User.name))) == ["chief", "officer.a"]
        kinds = {r.kind: r.version for r in session.scalars(select(NetworkVersion))}
        assert kinds == {"posts": 1, "organisations": 1, "corridors": 1, "users": 1, "rules": 1}
    # Nothing changed at headquarters: nothing new to publish, nothing new to apply.
    assert network.publish() == []
    assert network.follow("P-A").applied == []


def test_a_user_disabled_at_headquarters_is_refused_at_the_post(network: Network) -> None:
    user(network.hq, "officer.a", Role.OFFICER, ["P-A"])
    with UnitOfWork(network.hq, actor="admin") as uow:
        token = issue_token(uow, "officer.a")
        uow.commit()
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")
    with UnitOfWork(post) as uow:
        assert principal_for_token(uow, token) is not None  # the same token works at the post
    # The post's server follows headquarters in the background, as it runs.
    _, home = network.posts["P-A"]
    loop = follower(post, home, network.enrolment("P-A"), interval=0.1)
    loop.start()
    try:
        with UnitOfWork(network.hq, actor="admin") as uow:
            disable_user(uow, "officer.a")
            uow.commit()
        network.publish()

        def refused() -> bool:
            with UnitOfWork(post) as uow:
                return principal_for_token(uow, token) is None

        wait_until(refused, ceiling=20)
    finally:
        loop.stop()
    with post() as session:
        gone = session.scalars(select(User).where(User.name == "officer.a")).one()
        assert gone.disabled_at is not None


def test_a_user_scoped_away_from_the_post_is_disabled_there(network: Network) -> None:
    user(network.hq, "officer.a", Role.OFFICER, ["P-A"])
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")
    with UnitOfWork(network.hq, actor="admin") as uow:
        moved = uow.session.scalars(select(User).where(User.name == "officer.a")).one()
        moved.posts = ["P-B"]
        uow.commit()
    network.publish()
    network.follow("P-A")
    with post() as session:
        gone = session.scalars(select(User).where(User.name == "officer.a")).one()
        assert gone.disabled_at is not None


RED_FOR_COMPUTERS = """\
[ruleset]
id = "post-a"
version = "2"
effective_from = 2025-01-01
post = "P-A"

[[rule]]
id = "R-A-1"
effect = "inspect"
legal_basis = "Post order 1"
hs = ["8471"]
"""


def test_a_rule_set_changed_at_headquarters_changes_the_lane_at_the_post(network: Network) -> None:
    network.add_post("P-A")
    _, home = network.posts["P-A"]
    consignment = parse_consignment(declared(goods("8471.30")))

    def lane() -> str:
        ruleset = ruleset_for(home, "P-A")
        day = dt.date(2026, 5, 1)
        assessed = evaluate(consignment, ruleset, category="commercial", direction="in", on=day)
        return str(assessed.to_dict()["lane"])

    network.publish()
    network.follow("P-A")
    before = lane()
    (network.hq_home / "rules").mkdir()
    (network.hq_home / "rules" / "P-A.toml").write_text(RED_FOR_COMPUTERS, encoding="utf-8")
    assert "P-A rules 2" in network.publish()
    assert "rules 2" in network.follow("P-A").applied
    assert (before, lane()) == ("green", "red")


def _put(network: Network, key: str, data: bytes) -> None:
    async def run() -> None:
        async with link.jetstream(network.enrolment("P-A").url, network.stream) as js:
            kv = await buckets.versions(js, network.stream)
            await kv.put(key, data)

    asyncio.run(run())


def test_a_version_that_does_not_check_is_refused_with_its_reason(network: Network) -> None:
    user(network.hq, "officer.a", Role.OFFICER, ["P-A"])
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")
    key = buckets.reference_key("P-A", "users")
    forged = Version("users", "P-A", 2, clock.now(), {"users": []})
    _put(network, key, seal(Ed25519Signer.generate("borderpost-network"), forged))
    report = network.follow("P-A")
    assert report.refused
    assert "signature" in report.refused[0]
    # Headquarters' own note over a payload changed on the way.
    genuine = seal(network.signer, forged)
    tampered = genuine.replace(b'"users":[]', b'"users":[{"name":"x"}]')
    _put(network, key, tampered)
    report = network.follow("P-A")
    assert report.refused
    assert "checksum" in report.refused[0]
    with post() as session:
        assert session.scalars(select(User.name).where(User.disabled_at.is_(None))).all()
        (line,) = [v for v in versions(session, 48) if v.kind == "users"]
    assert (line.version, line.refused_version) == (1, 2)
    assert line.refused_reason is not None
    assert "checksum" in line.refused_reason


def test_a_token_revoked_at_headquarters_is_refused_at_the_post(network: Network) -> None:
    user(network.hq, "officer.a", Role.OFFICER, ["P-A"])
    with UnitOfWork(network.hq, actor="admin") as uow:
        kept, revoked = issue_token(uow, "officer.a"), issue_token(uow, "officer.a")
        uow.commit()
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")
    with UnitOfWork(network.hq, actor="admin") as uow:
        assert revoke_token(uow, revoked)
        uow.commit()
    assert "P-A users 2" in network.publish()
    network.follow("P-A")
    with UnitOfWork(post) as uow:
        assert principal_for_token(uow, revoked) is None
        assert principal_for_token(uow, kept) is not None  # the user and the other token stay
