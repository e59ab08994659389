"""Quality floor on a few thousand generated pairs at the default THRESHOLD (not timed).

The seed differs from the one THRESHOLD was chosen on (7). Floors are set below the
measured values (see the helper report) so that the test guards against regressions.
"""

from tests import screening_data as data

from borderpost.screening.matcher import THRESHOLD, compare_names, evaluate


def test_recall_and_hard_negative_false_positives_per_language() -> None:
    pairs = data.pair_set(20251, 150)  # 150 positives + 300 hard negatives per language
    assert len(pairs) == 450 * len(data.LANGS)
    res = evaluate(((p.lang, p.positive, compare_names(p.a, p.b)) for p in pairs), THRESHOLD)
    assert res["all"].recall >= 0.94, res["all"]
    assert res["all"].false_positive_rate <= 0.012, res["all"]
    for lang in data.LANGS:
        assert res[lang].recall >= 0.88, res[lang]
        assert res[lang].false_positive_rate <= 0.025, res[lang]


def test_generator_is_deterministic_and_covers_every_language_and_view() -> None:
    a = data.pair_set(5, 30)
    b = data.pair_set(5, 30)
    assert a == b
    assert {p.lang for p in a} == set(data.LANGS)
    kinds = {p.kind for p in a}
    assert kinds == {"positive", "neg-given", "neg-surname"}
    views = {v for p in data.pair_set(6, 200) for v in p.views}
    assert views == {v for vs in data.VIEWS.values() for v in vs}
    w1 = [e.names for e in data.watchlist(9, 50)]
    assert w1 == [e.names for e in data.watchlist(9, 50)]


def test_generator_uses_the_azerbaijani_russian_adaptation() -> None:
    import random

    rng = random.Random(1)
    forms = {data.az_to_russian("Hüseynov", rng) for _ in range(40)}
    assert {"Гусейнов", "Хусейнов"} & forms
    assert all(f.endswith("сейнов") for f in forms)
    assert data.translit_cyr("Щукин", "german") == "Schtschukin"
    assert data.translit_cyr("Щукин", "french") == "Chtchoukine"
    assert data.translit_cyr("Щукин", "iso9") == "Ŝukin"
    assert data.translit_cyr("Щукин", "icao") == "Shchukin"
