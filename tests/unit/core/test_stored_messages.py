"""English stored before it is shown (crossing reasons, hit explanations) reads translated."""

from __future__ import annotations

from datetime import date

import pytest

from borderpost.documents.mrz.parser import parse_mrz
from borderpost.documents.mrz.specimens import SPECIMENS
from borderpost.messages import Message
from borderpost.screening.matcher.names import parse_name
from borderpost.screening.matcher.scoring import (
    date_adjustment,
    explain_name_match,
    match_names,
    nationality_adjustment,
)
from borderpost.web.i18n import translations
from borderpost.web.messages import localised, recognise, stored_text

TD3 = SPECIMENS["TD3"]


def _matcher_lines() -> list[str]:
    lines = []
    for query, entry in [
        ("Иван Петрович Иванов", "IVANOV IVAN"),
        ("JO ANN SMITH", "JOANN SMYTH"),
        ("Mohammed Ali", "Muhammad Ali Khan"),
    ]:
        lines += explain_name_match(match_names(parse_name(query), parse_name(entry)))
    for query, dates in [
        ("1980-05-04", ["1980-04-05"]),
        ("1980-05-04", ["1980-05-04"]),
        ("1980", ["1981-01-01"]),
        (None, []),
    ]:
        lines.append(date_adjustment(query, dates)[1])
    for query, nats in [("ARM", ["ARM"]), ("AZE", ["RUS"]), (None, [])]:
        lines.append(nationality_adjustment(query, nats)[1])
    return lines


def test_every_line_the_matcher_writes_is_recognised() -> None:
    catalogue = translations("ru")
    lines = _matcher_lines()
    assert len(lines) > 12
    assert [line for line in lines if not isinstance(recognise(line, catalogue), Message)] == []


@pytest.mark.parametrize("language", ["az", "hy", "ru"])
def test_matcher_lines_read_in_the_language(language: str) -> None:
    catalogue = translations(language)
    same = [line for line in _matcher_lines() if stored_text(line, catalogue) == line]
    assert same == []


def test_a_closed_posts_refusal_read_back_from_the_database_is_translated() -> None:
    stored = "post WEST closed: flooding (ordered by the governor)"
    shown = stored_text(stored, translations("ru"))
    assert shown == "пост WEST закрыт: flooding (распоряжение: the governor)"


def test_what_an_officer_typed_is_shown_as_typed() -> None:
    catalogue = translations("az")
    assert stored_text("inspection: seals broken", catalogue) == "baxış: seals broken"
    assert stored_text("driver asked to wait", catalogue) == "driver asked to wait"
    assert stored_text("watchlist hit: in", catalogue) == "siyahı uyğunluğu: in"


def test_an_mrz_check_digit_problem_reads_in_the_language() -> None:
    lines = [TD3[0], TD3[1][:27] + "4" + TD3[1][28:]]
    result = parse_mrz(lines, on=date(2026, 11, 23))
    message = result.problems[0].message
    assert message == "expiry date check digit is 4, expected 9"
    assert localised(message, "ru") == "срок действия: контрольная цифра 4, ожидалась 9"
    assert localised(message, "az") == "etibarlılıq müddəti: yoxlama rəqəmi 4, gözlənilən 9"
