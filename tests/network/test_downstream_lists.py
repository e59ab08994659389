"""Watchlists from headquarters to posts: the whole file first, deltas after, a post that
missed versions catching up, the content checksum, files changed on the way refused, and the
crossings recorded since a version was published screened again at the post."""

from __future__ import annotations

import asyncio
import io
import json
from typing import Any

from sqlalchemy import select
from tests.factories import command, person_crossing, traveller
from tests.network.downstream_support import Factory, Network, network, stream

from borderpost.crossings.services import record_crossing
from borderpost.network import buckets
from borderpost.network.listfiles import checksum
from borderpost.network.lists import content, plan
from borderpost.network.model import NetworkVersion
from borderpost.screening.importing import ListFormat, import_version
from borderpost.screening.model import HitOrigin, ScreeningHit, Watchlist
from borderpost.screening.warmup import Warmer
from borderpost.sync import link
from borderpost.unit_of_work import UnitOfWork

__all__ = ["network", "stream"]  # fixtures


def person(key: str, name: str, born: str = "1979-02-14") -> dict[str, Any]:
    return {"id": key, "schema": "Person", "properties": {"name": [name], "birthDate": [born]}}


ALIYEV = person("os-aliyev", "Rashad Aliyev")
ALIYEV_AT_BOOTH = traveller(surname="АЛИЕВ", given_names="РАШАД", birth_date="1979-02-14")


def import_at(factory: Factory, *entities: dict[str, Any]) -> None:
    text = "\n".join(json.dumps(e, ensure_ascii=False) for e in entities) + "\n"
    with UnitOfWork(factory, actor="list.admin") as uow:
        import_version(
            uow, "wanted", io.BytesIO(text.encode()), ListFormat.FTM, source="t", label="v"
        )
        uow.commit()


def record(factory: Factory, post: str, person: dict[str, Any]) -> Any:
    with UnitOfWork(factory, actor="officer") as uow:
        recorded = record_crossing(uow, command(person_crossing(post=post, traveller=person)))
        uow.commit()
    return recorded


def checksum_of(factory: Factory) -> str:
    with factory() as session:
        watchlist = session.scalars(select(Watchlist).where(Watchlist.name == "wanted")).one()
        assert watchlist.active_version_id is not None
        return checksum(content(session.connection(), watchlist.active_version_id))


def crowd(n: int, start: int = 0) -> list[dict[str, Any]]:
    return [person(f"p-{i:05d}", f"Person Number{i} Example") for i in range(start, start + n)]


def test_a_list_imported_at_headquarters_is_screened_at_two_posts(network: Network) -> None:
    posts = {code: network.add_post(code) for code in ("P-A", "P-B")}
    import_at(network.hq, ALIYEV, *crowd(50))
    assert "list wanted 1" in network.publish()
    for code, factory in posts.items():
        report = network.follow(code)
        assert "list:wanted 1 (whole file)" in report.applied
        assert record(factory, code, ALIYEV_AT_BOOTH).crossing.decision == "referred"
        assert checksum_of(factory) == checksum_of(network.hq)  # both hold the same list
        with factory() as session:
            row = session.get(NetworkVersion, "list:wanted")
            assert row is not None
            assert row.checksum == checksum_of(network.hq)


def test_a_post_offline_during_three_versions_catches_up(network: Network) -> None:
    post = network.add_post("P-A")
    base = crowd(300)
    import_at(network.hq, *base)
    network.publish()
    network.follow("P-A")
    # Three versions while the post is away: entries added, changed and removed.
    import_at(network.hq, *base, ALIYEV)
    network.publish()
    changed = [*base[:100], person("p-00100", "Someone Else Entirely"), *base[101:], ALIYEV]
    import_at(network.hq, *changed)
    network.publish()
    import_at(network.hq, *changed[20:])
    assert "list wanted 4" in network.publish()
    report = network.follow("P-A")
    assert report.applied == ["list:wanted 4 (deltas)"]
    assert checksum_of(post) == checksum_of(network.hq)
    assert record(post, "P-A", ALIYEV_AT_BOOTH).crossing.decision == "referred"
    # A post that joins now takes the whole file and the deltas after it.
    late = network.add_post("P-B")
    assert network.follow("P-B").applied[-1] == "list:wanted 4 (whole file)"
    assert checksum_of(late) == checksum_of(network.hq)


def test_a_post_takes_the_whole_file_when_the_deltas_cost_more() -> None:
    manifest = {
        "full": {"number": 3, "object": "f", "size": 1000, "sha256": "x"},
        "deltas": [
            {"to": 4, "object": "d4", "size": 600, "sha256": "x"},
            {"to": 5, "object": "d5", "size": 10, "sha256": "x"},
        ],
    }
    assert [o["object"] for o in plan(manifest, 4).objects] == ["d5"]
    assert plan(manifest, 3).whole is False  # 610 bytes of deltas against 1,610
    assert [o["object"] for o in plan(manifest, 2).objects] == ["f", "d4", "d5"]  # gone past
    assert plan(manifest, 4, force_whole=True).whole


def test_a_list_file_changed_on_the_way_is_refused(network: Network) -> None:
    post = network.add_post("P-A")
    import_at(network.hq, *crowd(200))
    network.publish()
    network.follow("P-A")
    import_at(network.hq, ALIYEV, *crowd(200))
    network.publish()  # a delta: one entry against two hundred

    async def tamper() -> None:
        async with link.jetstream(network.enrolment("P-A").url, network.stream) as js:
            files = await buckets.files(js, network.stream)
            await files.put(f"{buckets.token('wanted')}/2.delta", b"not the delta")

    asyncio.run(tamper())
    report = network.follow("P-A")
    assert report.applied == []
    assert "checksum: file" in report.refused[0]
    with post() as session:
        row = session.get(NetworkVersion, "list:wanted")
        assert row is not None
        assert (row.version, row.refused_version) == (1, 2)


def test_an_index_changed_on_the_way_is_left_out_not_the_version(network: Network) -> None:
    post = network.add_post("P-A")
    import_at(network.hq, ALIYEV, *crowd(50))
    network.publish()

    async def tamper() -> None:
        async with link.jetstream(network.enrolment("P-A").url, network.stream) as js:
            files = await buckets.files(js, network.stream)
            await files.put(f"{buckets.token('wanted')}/1.index", b"not the index")

    asyncio.run(tamper())
    report = network.follow("P-A")
    assert report.refused == []
    assert "list:wanted 1 (whole file)" in report.applied
    # screened all the same: the post built the index itself
    assert record(post, "P-A", ALIYEV_AT_BOOTH).crossing.decision == "referred"


def test_crossings_recorded_since_publication_are_screened_again(network: Network) -> None:
    post = network.add_post("P-A")
    network.publish()
    network.follow("P-A")  # the post's own record, no list yet
    before = record(post, "P-A", ALIYEV_AT_BOOTH)
    assert before.crossing.decision == "admitted"
    import_at(network.hq, ALIYEV)
    network.publish()
    network.follow("P-A")
    Warmer(post).refresh_once()  # the post server's background warm-up, one round
    with post() as session:
        hits = session.scalars(select(ScreeningHit)).all()
    assert [(h.crossing_id, h.origin) for h in hits] == [(before.crossing.id, HitOrigin.RESCREEN)]
