"""Searches with entries excluded: exactly the results of an index built without them."""

from __future__ import annotations

import random

import pytest
from tests import screening_data as data

from borderpost.screening.matcher import DocumentIndex, PersonEntry, PersonIndex, PlateIndex, Query
from borderpost.screening.matcher.index import search_layers
from borderpost.screening.matcher.types import Match

# tight budgets, so that the candidate, selection and re-ranking limits are all reached
TIGHT = {"candidate_budget": 40, "rerank": 3, "min_candidates": 5, "max_scored": 15}


def _key(matches: list[Match]) -> list[tuple[str, float, str, tuple[str, ...]]]:
    return [(m.entry_id, m.score, m.matched_name, m.explanation) for m in matches]


@pytest.fixture(scope="module")
def entries() -> list[PersonEntry]:
    return [
        PersonEntry(r.entry_id, r.names, r.birth_dates, r.nationalities)
        for r in data.watchlist(5, 1500)
    ]


def _queries(entries: list[PersonEntry], rng: random.Random, n: int) -> list[Query]:
    out = []
    for e in rng.sample(entries, n):
        name = rng.choice(list(e.names))
        out.append(
            Query(name, rng.choice([*e.birth_dates, None]), rng.choice([*e.nationalities, None]))
        )
        out.append(Query(name[:-2] + "a"))  # a near miss
    return out


@pytest.mark.parametrize("budgets", [{}, TIGHT])
def test_person_search_excluding_equals_a_build_without(entries, budgets) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(3)
    full = PersonIndex(**budgets).build(entries)
    out = frozenset(e.entry_id for e in rng.sample(entries, 400))
    fresh = PersonIndex(**budgets).build(e for e in entries if e.entry_id not in out)
    # the excluded entries' own names among the queries: they must not come back
    queries = _queries(entries, rng, 60)
    for q in queries:
        for limit, min_score in ((5, 0.0), (10, 0.6), (1, 0.0)):
            got = full.search(q, limit, min_score, exclude=out)
            assert _key(got) == _key(fresh.search(q, limit, min_score))
            assert not {m.entry_id for m in got} & out


def test_exclusion_of_nothing_here_or_everything(entries) -> None:  # type: ignore[no-untyped-def]
    idx = PersonIndex().build(entries[:50])
    q = Query(entries[3].names[0])
    assert _key(idx.search(q, exclude={"nope"})) == _key(idx.search(q))
    assert _key(idx.search(q, exclude=[])) == _key(idx.search(q))
    assert idx.search(q, exclude={e.entry_id for e in entries[:50]}) == []
    # a plain set works too, and a later add drops the cached exclusions
    assert entries[3].entry_id not in {
        m.entry_id for m in idx.search(q, exclude={entries[3].entry_id})
    }
    idx.add(PersonEntry("LATE", entries[3].names))
    assert "LATE" in {m.entry_id for m in idx.search(q, exclude={entries[3].entry_id})}


@pytest.mark.parametrize("budgets", [{}, TIGHT])
def test_layered_search_equals_one_index(entries, budgets) -> None:  # type: ignore[no-untyped-def]
    rng = random.Random(4)
    base = entries[:1000]
    out = frozenset(e.entry_id for e in rng.sample(base, 150))
    # namesakes of base entries, so that the two layers compete for the same places
    extra = [
        PersonEntry(f"X{i}", e.names, e.birth_dates[:1], e.nationalities)
        for i, e in enumerate(rng.sample(base, 100))
    ]
    one = PersonIndex(**budgets).build([*(e for e in base if e.entry_id not in out), *extra])
    layers = (
        (PersonIndex(**budgets).build(base), out),
        (PersonIndex(**budgets).build(extra), None),
    )
    for q in _queries(base, rng, 60):
        for limit, min_score in ((5, 0.0), (10, 0.6), (2, 0.0)):
            assert _key(search_layers(layers, q, limit, min_score)) == _key(
                one.search(q, limit, min_score)
            )


def test_document_search_excluding() -> None:
    d = DocumentIndex()
    d.add("E1", "C01X00T47", "DEU")
    d.add("E2", "C01X0OT47", "FRA")
    d.add("E3", "C01X00T47")
    fresh = DocumentIndex()
    fresh.add("E2", "C01X0OT47", "FRA")
    got = d.search("c01x-00t47", "D", exclude={"E1", "E3"})
    assert _key(got) == _key(fresh.search("c01x-00t47", "D"))
    assert [h.entry_id for h in got] == ["E2"]
    assert d.search("C01X00T47", exclude=frozenset({"E1", "E2", "E3"})) == []


def test_plate_search_excluding() -> None:
    p = PlateIndex()
    p.add("V1", "A123BC77")
    p.add("V2", "A12ЗBC77")  # the same plate with a Cyrillic З: an OCR-like neighbour
    p.add("V3", "A1238C77")  # OCR confusion B/8
    p.add("V4", "A123BC7")  # one deletion
    p.add("V5", "A123BC77")
    for out in ({"V1"}, {"V1", "V5"}, {"V3"}, {"V4", "V1"}, {"V1", "V2", "V3", "V4", "V5"}):
        fresh = PlateIndex()
        for eid, plate in (
            ("V1", "A123BC77"),
            ("V2", "A12ЗBC77"),
            ("V3", "A1238C77"),
            ("V4", "A123BC7"),
            ("V5", "A123BC77"),
        ):
            if eid not in out:
                fresh.add(eid, plate)
        for query in ("A123BC77", "A1238C77", "A123BC7", "A123BC777"):
            got = p.search(query, exclude=out)
            assert _key(got) == _key(fresh.search(query)), (out, query)
            assert not {h.entry_id for h in got} & out
