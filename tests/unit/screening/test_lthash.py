"""The list checksum (LtHash): updated from a delta it equals the checksum computed whole."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from borderpost.screening.lthash import SIZE, LtHash, Row, checksum_of

_TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12)
_ROW = st.tuples(
    st.text(alphabet="abcdefghij0123456789", min_size=1, max_size=6),
    st.sampled_from(["person", "document", "vehicle"]),
    _TEXT,
    _TEXT,
    _TEXT,
    _TEXT,
    _TEXT,
)


def _content(rows: list[Row]) -> dict[str, Row]:
    return {r[0]: r for r in rows}


@settings(max_examples=60, deadline=None)
@given(before=st.lists(_ROW, max_size=40), put=st.lists(_ROW, max_size=20), removed=st.data())
def test_the_checksum_updated_from_a_delta_equals_the_whole(
    before: list[Row], put: list[Row], removed: st.DataObject
) -> None:
    old = _content(before)
    gone = removed.draw(st.lists(st.sampled_from(sorted(old)), unique=True) if old else st.just([]))
    new = dict(old)
    for key in gone:
        del new[key]
    new.update(_content(put))
    # As a post applies a delta: the old state, minus the rows closed, plus the rows put.
    closed = [old[k] for k in {*gone, *(r[0] for r in put)} if k in old]
    state, _ = checksum_of(old.values())
    updated = LtHash(state).remove_rows(closed).add_rows(_content(put).values())
    assert updated.checksum() == checksum_of(new.values())[1]
    assert updated.state() == checksum_of(reversed(list(new.values())))[0]  # in any order


def test_the_state_is_2048_bytes_and_the_empty_list_is_all_zeros() -> None:
    state, _ = checksum_of([])
    assert state == bytes(SIZE)
    row: Row = ("k", "person", "Ann", "", "", "", "")
    one = LtHash().add_rows([row])
    assert len(one.state()) == SIZE
    assert one.remove_rows([row]).state() == bytes(SIZE)
    assert checksum_of([row])[1] != checksum_of([("k", "person", "Anne", "", "", "", "")])[1]
