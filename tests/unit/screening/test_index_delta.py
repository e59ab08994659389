"""A version's index made from the previous one and a delta (``screener.extend``) answers
exactly as a whole build of the same entries."""

from __future__ import annotations

import random
import uuid

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests import screening_data as data

from borderpost.screening import screener
from borderpost.screening.matcher import Query
from borderpost.screening.matcher.types import Match
from borderpost.screening.model import SEP
from borderpost.screening.screener import ListIndex, Row, build_rows, extend

LIST = uuid.UUID(int=1)
SETTINGS = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _key(matches: list[Match]) -> list[tuple[str, float, str, tuple[str, ...]]]:
    return [(m.entry_id, m.score, m.matched_name, m.explanation) for m in matches]


def _rows(seed: int, n: int, prefix: str) -> list[Row]:
    """Persons (some with a passport), documents and vehicles; few distinct numbers and
    plates, so that entries share them and plates are one edit apart."""
    rng = random.Random(seed)
    out: list[Row] = []
    for i, r in enumerate(data.watchlist(seed, n)):
        roll = rng.random()
        kind = "person" if roll < 0.8 else ("document" if roll < 0.9 else "vehicle")
        docs = f"P{rng.randint(0, 20):04d}|{rng.choice(['AM', 'DE', ''])}" if roll < 0.3 else ""
        if kind == "document":
            docs = f"L{rng.randint(0, 9):04d}|AM"
        plates = f"A{rng.randint(0, 20):03d}BC" if kind == "vehicle" else ""
        names = SEP.join(r.names) if kind == "person" else ""
        dates = SEP.join(r.birth_dates) if kind == "person" else ""
        nats = SEP.join(r.nationalities) if kind == "person" else ""
        out.append((f"{prefix}{i}", kind, names, dates, nats, docs, plates))
    return out


def _changed(row: Row, rng: random.Random, other: Row) -> Row:
    """The same key with other content: another entry's, or its own name garbled."""
    if rng.random() < 0.5 or not row[2]:
        return (row[0], *other[1:])
    names = row[2].split(SEP)
    names[0] = names[0][:-1] + "x"
    return (row[0], row[1], SEP.join(names), "", row[4], row[5], row[6])


def _queries(rows: list[Row], rng: random.Random) -> tuple[list[Query], list[str], list[str]]:
    persons = [r for r in rows if r[2]]
    people: list[Query] = []
    for r in rng.sample(persons, min(8, len(persons))):
        name = rng.choice(r[2].split(SEP))
        people.append(Query(name, (r[3].split(SEP) or [None])[0] or None, r[4] or None))
        people.append(Query(name[:-2] + "e"))  # a near miss
    docs = [f"P{i:04d}" for i in rng.sample(range(21), 4)] + ["L0003", "L00O7"]
    plates = [f"A{i:03d}BC" for i in rng.sample(range(21), 4)] + ["A0O5BC", "A05BC", "A0155BC"]
    return people, docs, plates


def _same_answers(got: ListIndex, want: ListIndex, rows: list[Row], rng: random.Random) -> None:
    people, docs, plates = _queries(rows, rng)
    for q in people:
        for limit, min_score in ((5, 0.0), (10, 0.6), (1, 0.0), (3, 0.9)):
            assert _key(got.search_persons(q, limit, min_score)) == _key(
                want.search_persons(q, limit, min_score)
            ), q
    for number in docs:
        for issuer in ("AM", None, "DE"):
            assert _key(got.search_documents(number, issuer)) == _key(
                want.search_documents(number, issuer)
            )
    for plate in plates:
        assert _key(got.search_plates(plate)) == _key(want.search_plates(plate))
    assert got.size == want.size == len(rows)


deltas = st.lists(
    st.tuples(
        st.integers(0, 2**16),  # seed
        st.integers(0, 12),  # added
        st.integers(0, 12),  # changed
        st.integers(0, 12),  # removed
    ),
    min_size=1,
    max_size=4,
)


@SETTINGS
@given(seed=st.integers(0, 2**16), n=st.integers(5, 80), steps=deltas)
def test_extended_index_answers_as_a_whole_build(seed: int, n: int, steps) -> None:  # type: ignore[no-untyped-def]
    base_rows = _rows(seed, n, "B")
    index = base = build_rows(LIST, uuid.UUID(int=2), "list", base_rows)
    hidden: set[str] = set()
    overlay: dict[str, Row] = {}  # the order of a whole build: base rows, then these
    for s, (step_seed, added, changed, removed) in enumerate(steps):
        rng = random.Random(step_seed)
        current = [r for r in base_rows if r[0] not in hidden] + list(overlay.values())
        put = _rows(step_seed, added, f"N{s}-")
        others = _rows(step_seed + 1, max(changed, 1), "O")
        for row in rng.sample(current, min(changed, len(current))):
            put.append(_changed(row, rng, rng.choice(others)))
        put_keys = {r[0] for r in put}
        gone = [
            r[0] for r in rng.sample(current, min(removed, len(current))) if r[0] not in put_keys
        ]
        gone.append("never-there")
        index = extend(index, uuid.UUID(int=3 + s), put, gone)
        for key in [*gone, *put_keys]:
            hidden.add(key)
            overlay.pop(key, None)
        for row in put:
            overlay[row[0]] = row
        # one base, never an overlay of an overlay
        assert index.persons is base.persons
        assert index.overlay is not None
        assert index.overlay.overlay is None
    final = [r for r in base_rows if r[0] not in hidden] + list(overlay.values())
    fresh = build_rows(LIST, uuid.UUID(int=99), "list", final)
    _same_answers(index, fresh, final, random.Random(seed))


def test_removed_and_changed_entries_are_no_longer_found() -> None:
    rows = _rows(7, 40, "B")
    person = next(r for r in rows if r[2] and r[5])
    doc_number = person[5].split("|")[0]
    index = build_rows(LIST, uuid.UUID(int=2), "list", rows)
    name = person[2].split(SEP)[0]
    assert person[0] in {m.entry_id for m in index.search_persons(Query(name), 10, 0.0)}
    gone = extend(index, uuid.UUID(int=3), [], [person[0]])
    assert person[0] not in {m.entry_id for m in gone.search_persons(Query(name), 10, 0.0)}
    assert person[0] not in {m.entry_id for m in gone.search_documents(doc_number, None)}
    assert gone.size == 39
    # put back under a new name: found by the new name, not by the old
    back = extend(
        gone, uuid.UUID(int=4), [(person[0], "person", "Zzyzx Qwerty", "", "", "", "")], []
    )
    assert back.size == 40
    assert [m.entry_id for m in back.search_persons(Query("ZZYZX<<QWERTY"), 1, 0.0)] == [person[0]]
    assert person[0] not in {m.entry_id for m in back.search_persons(Query(name), 10, 0.5)}
    # the previous versions are untouched
    assert person[0] in {m.entry_id for m in index.search_persons(Query(name), 10, 0.0)}
    assert index.size == 40
    assert gone.size == 39


def test_screener_reads_the_overlay() -> None:
    rows = _rows(8, 30, "B")
    index = build_rows(LIST, uuid.UUID(int=2), "list", rows)
    new = extend(
        index,
        uuid.UUID(int=3),
        [("N1", "person", "Петросян Арам", "1970-01-01", "AM", "X1234|AM", "Q777QQ")],
        [],
    )
    found = screener.Screener((new,))
    assert [f.match.entry_id for f in found.person("PETROSYAN<<ARAM", limit=1)] == ["N1"]
    assert [f.match.entry_id for f in found.document("X1234", "AM")] == ["N1"]
    assert [f.match.entry_id for f in found.plate("Q777QQ")] == ["N1"]
    assert screener.Screener((index,)).plate("Q777QQ") == []


def test_when_to_rebuild() -> None:
    index = build_rows(LIST, uuid.UUID(int=2), "list", _rows(9, 100, "B"))
    assert screener.overlay_size(index) == 0
    assert not screener.should_rebuild(index)
    small = extend(index, uuid.UUID(int=3), _rows(10, 5, "N"), ["B1"])
    assert screener.overlay_size(small) == 5
    assert not screener.should_rebuild(small)
    more = extend(small, uuid.UUID(int=4), [], ["B2", "B3", "B4", "B5", "B6"])
    assert screener.overlay_size(more) == 6
    assert screener.should_rebuild(more)
