"""PersonIndex: top-10 on a small generated list, consistency with compare_names, hits."""

import random

import numpy as np
import pytest
from tests import screening_data as data

from borderpost.screening.matcher import (
    THRESHOLD,
    PersonEntry,
    PersonIndex,
    Query,
    compare_names,
    kernels,
)
from borderpost.screening.matcher import index as index_module
from borderpost.screening.matcher.index import _FORMS, _ROLES
from borderpost.screening.matcher.names import parse_name
from borderpost.screening.matcher.scoring import (
    DOB_DIFFERS,
    DOB_EQUAL,
    DOB_NEAR,
    DOB_YEAR_EQUAL,
    EXTRA_PART_PENALTY,
    EXTRA_PART_PENALTY_MAX,
    NAT_DIFFERS,
    NAT_EQUAL,
    SINGLE_PART_PENALTY,
    batch_key_similarity,
    date_adjustment,
    explain_name_match,
    key_similarity,
    match_names,
    nationality_adjustment,
    normalise_country,
    parse_date,
)


@pytest.fixture(scope="module")
def planted_index() -> tuple[PersonIndex, list[data.PlantedQuery]]:
    planted = data.planted_persons(31, 70)
    captured: dict[str, data.EntryRecord] = {}
    entries = []
    for r in data.watchlist(29, 5000, planted):
        if r.entry_id.startswith("PLANT"):
            captured[r.entry_id] = r
        entries.append(PersonEntry(r.entry_id, r.names, r.birth_dates, r.nationalities))
    idx = PersonIndex().build(entries)
    return idx, data.planted_queries(37, planted, captured)


def test_planted_persons_are_in_the_top_ten(planted_index) -> None:  # type: ignore[no-untyped-def]
    idx, queries = planted_index
    found = sum(
        q.person.pid in {h.entry_id for h in idx.search(Query(q.name, q.birth_date, q.nationality))}
        for q in queries
    )
    assert found >= 0.95 * len(queries), found


def test_hit_scores_equal_compare_names_plus_adjustments(planted_index) -> None:  # type: ignore[no-untyped-def]
    idx, queries = planted_index
    for q in queries[:25]:
        query = Query(q.name, q.birth_date, q.nationality)
        for h in idx.search(query, limit=5):
            eidx = next(i for i in range(len(idx)) if idx._entry_id(i) == h.entry_id)
            expected = (
                compare_names(q.name, h.matched_name)
                + date_adjustment(q.birth_date, idx._entry_dates(eidx))[0]
                + nationality_adjustment(q.nationality, idx._entry_nats(eidx))[0]
            )
            assert h.score == pytest.approx(max(0.0, min(1.0, expected)), abs=1e-4)


def test_hits_are_sorted_and_explained(planted_index) -> None:  # type: ignore[no-untyped-def]
    idx, queries = planted_index
    hits = idx.search(Query(queries[0].name, queries[0].birth_date, queries[0].nationality))
    assert hits == sorted(hits, key=lambda h: -h.score)
    for h in hits:
        assert 0.0 <= h.score <= 1.0
        assert any("matched" in line or "no counterpart" in line for line in h.explanation)
        assert any(line.startswith(("birth", "birth date")) for line in h.explanation)
        assert any(line.startswith("nationality") for line in h.explanation)
        assert h.explanation[-1].startswith("total ")


def test_explanations_equal_those_of_match_names(planted_index) -> None:  # type: ignore[no-untyped-def]
    """The index explains a hit from the alignment it scored with; the words must be the
    ones ``match_names`` gives for the same two names."""
    idx, queries = planted_index
    for q in queries[:25]:
        for h in idx.search(Query(q.name, q.birth_date, q.nationality), limit=10):
            expected = explain_name_match(
                match_names(parse_name(q.name), parse_name(h.matched_name))
            )
            assert list(h.explanation[: len(expected)]) == expected, (q.name, h.matched_name)


def test_part_similarities_equal_the_scalar_function(planted_index) -> None:  # type: ignore[no-untyped-def]
    """Both ways the index computes part similarities: the vectorised pass of the
    vocabulary look-up and the per-pair one of the re-scoring."""
    idx, queries = planted_index
    for q in queries[:20]:
        qt = list(parse_name(q.name).tokens)
        names = list(range(0, len(idx._a_entry), 97))[:40]
        col, rows = idx._part_similarities(qt, names)
        vids = sorted(col)
        for t, row in zip(qt, rows, strict=True):
            got, sims = idx._vocab_similarity(t, vids, prefilter=False)
            vectorised = dict(zip(got.tolist(), sims.tolist(), strict=True))
            for vid in vids:
                scalar = key_similarity(
                    t.key,
                    t.alt,
                    t.arabic,
                    idx._v_key[vid],
                    idx._v_alt[vid],
                    bool(idx._v_arabic[vid]),
                )
                assert row[col[vid]] == scalar
                assert vectorised[vid] == pytest.approx(scalar, abs=1e-12)


def test_compiled_vocabulary_similarity_equals_the_scalar_function(planted_index) -> None:  # type: ignore[no-untyped-def]
    """The vocabulary look-up's compiled Levenshtein pass gives exactly ``key_similarity``
    (rapidfuzz's normalised similarity and the vowel rules), for every kind of key."""
    idx, queries = planted_index
    vids = list(range(0, len(idx._v_key), max(1, len(idx._v_key) // 600)))
    checked = 0
    for q in queries:
        for t in parse_name(q.name).tokens:
            got, sims = idx._vocab_similarity(t, vids, prefilter=False)
            for vid, sim in zip(got.tolist(), sims.tolist(), strict=True):
                want = key_similarity(
                    t.key,
                    t.alt,
                    t.arabic,
                    idx._v_key[vid],
                    idx._v_alt[vid],
                    bool(idx._v_arabic[vid]),
                )
                assert sim == pytest.approx(want, abs=1e-12), (t.key, idx._v_key[vid])
                checked += 1
    assert checked > 10_000


def _approx_reference(idx, cand, best, qt, query):  # type: ignore[no-untyped-def]
    """The approximate ranking as numpy calls (what index.py did before the kernel)."""
    nq = len(qt)
    q_opt = np.array([t.optional for t in qt])
    core = np.flatnonzero(~q_opt) if (~q_opt).any() else np.arange(nq)
    rec = np.take(idx._n_rec, cand, axis=0)
    lens = (rec[:, 0] & 255).astype(np.int64)
    e_core = (rec[:, 0] >> 8).astype(np.int64)
    e_core = np.where(e_core > 0, e_core, lens)
    k = np.maximum(np.minimum(len(core), e_core), 1)
    srt = -np.sort(-best[:, core], axis=1)
    csum = np.cumsum(srt, axis=1)
    rows = np.arange(len(cand))
    score = 0.5 * csum[rows, k - 1] / k + 0.5 * srt[rows, k - 1]
    score -= np.minimum(EXTRA_PART_PENALTY * np.abs(e_core - len(core)), EXTRA_PART_PENALTY_MAX)
    score -= np.where((k == 1) & (np.maximum(e_core, len(core)) > 1), SINGLE_PART_PENALTY, 0.0)
    qd = parse_date(query.birth_date) if query.birth_date else None
    if qd is not None:
        full = qd[1] > 0 and qd[2] > 0
        code = qd[0] * 10000 + qd[1] * 100 + qd[2]
        adj = np.full(len(cand), -np.inf)
        for c in (rec[:, 1], rec[:, 2]):
            y, md = c // 10000, c % 10000
            a = np.where(
                (c == code) & full,
                DOB_EQUAL,
                np.where(
                    y == qd[0],
                    np.where((md == 0) | (not full), DOB_YEAR_EQUAL, 0.0),
                    np.where(np.abs(y - qd[0]) == 1, DOB_NEAR, DOB_DIFFERS),
                ),
            )
            adj = np.maximum(adj, np.where(c >= 0, a, -np.inf))
        score += np.where(np.isfinite(adj), adj, 0.0)
    qn = normalise_country(query.nationality)
    if qn:
        cid = idx._country_ids.get(qn, -1)
        nat = rec[:, 3]
        score += np.where(nat == 0, 0.0, np.where(nat == cid, NAT_EQUAL, NAT_DIFFERS))
    return score


def test_compiled_approximate_ranking_equals_the_numpy_formula(planted_index) -> None:  # type: ignore[no-untyped-def]
    idx, queries = planted_index
    rng = np.random.default_rng(3)
    for q in queries[:30]:
        qt = list(parse_name(q.name).tokens)
        cand = np.sort(rng.choice(len(idx._a_entry), size=300, replace=False)).astype(np.int64)
        best = rng.random((len(cand), len(qt)), dtype=np.float32)
        best[rng.random(best.shape) < 0.3] = 0.0
        for query in (
            Query(q.name, q.birth_date, q.nationality),
            Query(q.name, (q.birth_date or "1970")[:4], "XX"),
            Query(q.name),
        ):
            got = idx._approx_scores(cand, best, qt, query)
            want = _approx_reference(idx, cand, best, qt, query)
            np.testing.assert_allclose(got, want, rtol=0, atol=1e-6)


def test_radix_sort_equals_numpy_sort() -> None:
    rng = np.random.default_rng(5)
    for dtype, high in ((np.int32, 2**31 - 1), (np.int64, 2**62), (np.int32, 3)):
        for n in (0, 1, 2, 17, 5000):
            keys = rng.integers(0, high, size=n, dtype=dtype)
            got = kernels.radix_sort(keys)
            assert got.dtype == keys.dtype
            np.testing.assert_array_equal(got, np.sort(keys))
    zeros = np.zeros(9, dtype=np.int32)
    np.testing.assert_array_equal(kernels.radix_sort(zeros), zeros)


def test_select_names_keeps_the_largest_totals_ties_to_the_lowest_names() -> None:
    rng = np.random.default_rng(11)
    for n, max_scored, min_candidates in (
        (0, 5, 3),
        (50, 10, 3),
        (5000, 300, 200),
        (400, 3000, 500),
    ):
        uniq = np.sort(rng.choice(10 * n + 1, size=n, replace=False)).astype(np.int64)
        counts = rng.integers(1, 4, size=n).astype(np.int64)
        totals = (counts * rng.integers(60, 64, size=n)).astype(np.int32)  # many ties
        f_run = np.repeat(np.arange(n, dtype=np.int64), counts)
        f_part = (
            np.concatenate([rng.permutation(4)[:c] for c in counts]).astype(np.int64)
            if n
            else np.zeros(0, np.int64)
        )
        for need, rare in ((2, 1), (2, -1), (1, -1)):
            cand, row_of = kernels.select_names(
                uniq, counts, totals, f_run, f_part, need, rare, min_candidates, max_scored
            )
            keep = counts >= need
            if rare >= 0 and keep.sum() < min_candidates:
                keep[f_run[f_part == rare]] = True
            if keep.sum() > max_scored:
                t = np.where(keep, totals, -1)
                keep[:] = False
                keep[np.argsort(-t, kind="stable")[:max_scored]] = True
            np.testing.assert_array_equal(cand, uniq[keep])
            want_rows = np.full(n, -1, dtype=np.int64)
            want_rows[keep] = np.arange(int(keep.sum()))
            np.testing.assert_array_equal(row_of, want_rows)


def _candidates_reference(idx, qt, gen, df, sims):  # type: ignore[no-untyped-def]
    """The candidate step as numpy did it before the compiled loops, with the
    cut at ``max_scored`` made deterministic as the compiled selection makes it."""
    mq, bits, top = index_module._MAX_QUERY_PARTS, index_module._SIM_BITS, index_module._SIM_MAX
    nq = len(qt)
    usable = [i for i in range(nq) if 0 < df[i] <= idx.candidate_budget]
    if not usable:
        rarest = min((i for i in range(nq) if df[i] > 0), key=lambda i: df[i], default=-1)
        if rarest < 0:
            return np.zeros(0, np.int64), np.zeros((0, nq), np.float32)
        usable = [rarest]
    tags = []
    for i in usable:
        vids, s = gen[i]
        starts = idx._post_off[vids]
        lens = idx._post_off[vids + 1] - starts
        seg = np.zeros(len(vids), dtype=np.int64)
        np.cumsum(lens[:-1], out=seg[1:])
        pos = np.arange(int(lens.sum()), dtype=np.int64) - np.repeat(seg - starts, lens)
        n, s = idx._post[pos].astype(np.int64), np.repeat(s, lens)
        q = top - np.rint(s * top).astype(np.int64)
        tags.append(((n * mq + i) << bits) | q)
    keys = np.sort(np.concatenate(tags).astype(np.int32))
    name_part = keys >> bits
    fresh = np.ones(len(keys), dtype=bool)
    fresh[1:] = name_part[1:] != name_part[:-1]
    name_part = name_part[fresh]
    sim = top - (keys[fresh] & top)
    name = name_part // mq
    runs = np.flatnonzero(np.concatenate(([True], name[1:] != name[:-1])))
    uniq = name[runs]
    counts = np.diff(np.append(runs, len(name)))
    need = min(2, len(usable))
    keep = counts >= need
    if need > 1 and int(keep.sum()) < idx.min_candidates:
        rare = min(usable, key=lambda i: df[i])
        keep[np.searchsorted(uniq, name[name_part % mq == rare])] = True
    row_of = np.full(len(uniq), -1, dtype=np.int64)
    if int(keep.sum()) > idx.max_scored:
        total = np.add.reduceat(sim.astype(np.int32), runs)
        total[~keep] = -1
        keep[:] = False
        # the largest totals, ties at the cut to the lowest names (numpy's argpartition,
        # used before the compiled selection, left the choice among ties to its introselect)
        keep[np.argsort(-total, kind="stable")[: idx.max_scored]] = True
    cand = uniq[keep].astype(np.int64)
    row_of[keep] = np.arange(len(cand))
    best = np.zeros((len(cand), nq), dtype=np.float32)
    rows = np.repeat(row_of, counts)
    ok = rows >= 0
    best[rows[ok], (name_part % mq)[ok]] = sim[ok] / top
    rest = [i for i in range(nq) if i not in usable and df[i] > 0]
    if rest and len(cand):
        best[:, rest] = idx._part_best(cand, [sims[i] for i in rest])
    return cand, best


@pytest.mark.parametrize("max_scored", [3000, 40])
def test_compiled_candidate_step_equals_the_numpy_steps(planted_index, max_scored) -> None:  # type: ignore[no-untyped-def]
    # max_scored 40 makes the pre-selection by summed similarity run on most queries
    idx, queries = planted_index
    idx.max_scored, kept = max_scored, idx.max_scored
    try:
        for q in queries:
            qt = list(parse_name(q.name).tokens)[: index_module._MAX_QUERY_PARTS]
            sims = [idx._similar_vocab(t) for t in qt]
            lim = index_module.GENERATE_MIN_SIMILARITY
            gen = [(v[s >= lim], s[s >= lim]) for v, s in sims]
            df = [int((idx._post_off[v + 1] - idx._post_off[v]).sum()) for v, _ in gen]
            got = idx._candidates(qt, gen, df, sims)
            want = _candidates_reference(idx, qt, gen, df, sims)
            np.testing.assert_array_equal(got[0], want[0])
            np.testing.assert_array_equal(got[1], want[1])
    finally:
        idx.max_scored = kept


# Names the build's fast path must read exactly as the parser does: particles and
# patronymic markers before and after, Arabic articles and Abd/Abu in Latin and Arabic
# script, "Allah" fused back, MRZ forms (a name field and a whole line 1), the list form
# with a comma, suffix patronymics with and without two other parts, parts with no letters.
VARIED_NAMES = [
    "Əli Həsən oğlu Məmmədov",
    "Sona Xəyal qızı Quliyeva",
    "Rashad Ali ogly Aliyev",
    "Алиев Рашад Али оглы",
    "Mohammed bin Salman Al Saud",
    "Abdullah ibn Abdul Aziz",
    "Fatima bint Hassan",
    "Ahmad Al-Masri",
    "El Masry, Ahmed",
    "أحمد المصري",
    "عبد الله بن محمد",
    "أبو بكر البغدادي",
    "Abu Bakr al-Baghdadi",
    "Nasr Allah Hassan",
    "Abd al Rahman ad Dakhil",
    "Omar ash Shishani",
    "Ben Ali",
    "bin",
    "Ivan Petrovich Sidorov",
    "Marko Petrović",
    "IVANOV<<IVAN<PETROVICH",
    "P<UTOALIYEV<<RASHAD<ALI<OGLU<<<<<<<<<<<<<<<<",
    "AL<MASRI<<AHMED",
    "Sidorov, Ivan Petrovich",
    "Petrovich, Ivan",
    "  Олена   Петрівна  Коваленко ",
    "Ｉｖａｎ　Ｐｅｔｒｏｖ",
    "J. R. R. Tolkien 3rd",
    "123 456",
    "",
    "Ахмед Аль-Масри",
    "Ərdoğan Abdulla oğlu",
    "O'Brien-Smith, Mary-Jane",
]


def test_lean_build_path_equals_the_parser(planted_index) -> None:  # type: ignore[no-untyped-def]
    """The build reads each name through a per-token cache; every part's vocabulary entry
    (key, alternate keys, Arabic flag), its role and the form equal ``parse_name``'s."""
    idx, _ = planted_index
    names = [p.a for p in data.pair_set(41, 60)] + [p.b for p in data.pair_set(41, 60)]
    for n in VARIED_NAMES + names:
        form, vids, roles = idx._name_vids(n)
        parsed = parse_name(n)
        got = [
            (idx._v_key[v], idx._v_alt[v], bool(idx._v_arabic[v]), r)
            for v, r in zip(vids, roles, strict=True)
        ]
        want = [(t.key, t.alt, t.arabic, _ROLES[t.role]) for t in parsed.tokens]
        assert (_FORMS[parsed.form], got) == (form, want), n


def test_batch_similarity_equals_scalar() -> None:
    toks = sorted(
        {t for p in data.pair_set(43, 40) for n in (p.a, p.b) for t in parse_name(n).tokens}
    )
    rng = random.Random(3)
    for q in toks[:60]:
        others = rng.sample(toks, 80)
        batch = batch_key_similarity(
            q.key,
            q.alt,
            q.arabic,
            [o.key for o in others],
            [o.alt for o in others],
            [o.arabic for o in others],
        )
        for o, b in zip(others, batch, strict=True):
            assert b == pytest.approx(
                key_similarity(q.key, q.alt, q.arabic, o.key, o.alt, o.arabic), abs=1e-9
            )


def test_small_index_end_to_end() -> None:
    idx = PersonIndex()
    idx.add(
        PersonEntry("E1", ["Алиев Гейдар Алирзаевич", "Aliyev Heydar"], ["1923-05-10"], ["AZE"])
    )
    idx.add(PersonEntry("E2", ["Алиев Рамиль"], ["1980"], ["AZ"]))
    idx.add(PersonEntry("E3", ["Гусейнов Гейдар"], [], []))
    idx.add(PersonEntry("E4", ["محمد عبد الله الحسيني"], ["1970-01-01"], ["SY"]))
    assert len(idx) == 4
    hits = idx.search(Query("ƏLIYEV<<HEYDƏR", birth_date="1923-05-10", nationality="AZ"))
    assert hits[0].entry_id == "E1"
    assert hits[0].score >= THRESHOLD
    text = "\n".join(hits[0].explanation)
    assert "birth date 1923-05-10 equal (+0.05)" in text
    assert "nationality AZ equal (+0.02)" in text
    others = {h.entry_id: h.score for h in hits[1:]}
    assert all(s < THRESHOLD for s in others.values())
    ar = idx.search(Query("Mohammed Abdullah Al-Husseini"), limit=1)
    assert ar[0].entry_id == "E4"
    assert ar[0].score >= THRESHOLD
    # surname / given_names form of the query
    sg = idx.search(Query(surname="Aliyev", given_names="Heydar"), limit=1)
    assert sg[0].entry_id == "E1"
    # min_score filters, and a later add is searchable
    assert idx.search(Query("Zzyzx Qwerty"), min_score=THRESHOLD) == []
    idx.add(PersonEntry("E5", ["Zzyzx Qwerty"]))
    assert idx.search(Query("ZZYZX<<QWERTY"), limit=1)[0].entry_id == "E5"


def test_birth_date_breaks_ties_between_namesakes() -> None:
    idx = PersonIndex().build(
        [
            PersonEntry("A", ["Иванов Иван"], ["1950-01-01"]),
            PersonEntry("B", ["Иванов Иван"], ["1984-07-21"]),
            PersonEntry("C", ["Иванов Иван"], []),
        ]
    )
    hits = idx.search(Query("IVANOV<<IVAN", birth_date="1984-07-21"))
    assert [h.entry_id for h in hits] == ["B", "C", "A"]


def test_empty_index_and_empty_query() -> None:
    idx = PersonIndex()
    assert idx.search(Query("Ivanov")) == []
    idx.build([PersonEntry("A", ["Ivanov Ivan"])])
    assert idx.search(Query("")) == []
    assert idx.search(Query("<<<")) == []


def test_a_compiled_module_whose_source_changed_is_named(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import hashlib
    import json
    from importlib.machinery import EXTENSION_SUFFIXES

    from borderpost.screening.matcher import compiled

    (tmp_path / "names.py").write_text("X = 1\n")
    (tmp_path / "index.py").write_text("Y = 2\n")
    assert compiled.stale(tmp_path) == []  # nothing compiled: nothing stale
    for module in ("names", "index"):
        (tmp_path / f"{module}{EXTENSION_SUFFIXES[0]}").write_bytes(b"")
    assert compiled.stale(tmp_path) == ["names", "index"]  # compiled, no record
    record = {
        m: hashlib.sha256((tmp_path / f"{m}.py").read_bytes()).hexdigest()
        for m in ("names", "index")
    }
    (tmp_path / "_compiled.json").write_text(json.dumps(record))
    assert compiled.stale(tmp_path) == []
    (tmp_path / "names.py").write_text("X = 3\n")  # edited after compiling
    assert compiled.stale(tmp_path) == ["names"]
