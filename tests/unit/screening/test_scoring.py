"""Name comparison, explanations, birth-date and nationality adjustments."""

import pytest

from borderpost.screening.matcher import THRESHOLD, compare_names
from borderpost.screening.matcher.names import parse_name
from borderpost.screening.matcher.scoring import (
    date_adjustment,
    explain_name_match,
    match_names,
    nationality_adjustment,
    normalise_country,
)

SAME_PERSON = [
    # Azerbaijani through Russian Cyrillic and back to Latin
    ("Əliyev Heydər Əlirza oğlu", "Алиев Гейдар Алирзаевич"),
    ("Əliyev Heydər", "ALIEV<<GEIDAR"),
    ("Hüseynov Elnur", "Гусейнов Эльнур"),
    ("Hüseynov Elnur", "Guseynov, Elnur"),
    ("Cəfərov Cavid", "Dzhafarov Dzhavid"),
    ("Məmmədov Rəşad", "Мамедов Рашад"),
    ("Qasımov Vüqar", "Гасымов Вюгар"),
    # Russian: ICAO, BGN, ISO 9, German, French, order, patronymic present/absent
    ("Щукин Сергей Иванович", "Sergei Shchukin"),
    ("Щукин Сергей Иванович", "SCHTSCHUKIN<<SERGEJ"),
    ("Щукин Сергей Иванович", "Chtchoukine, Sergueï"),
    ("Хрущёв Никита Сергеевич", "Hruŝëv Nikita Sergeevič"),
    ("Юлия Тимошенко", "TYMOSHENKO<<YULIIA"),
    # Ukrainian, Armenian, Georgian, Turkish, Arabic
    ("Шевченко Тарас Григорович", "Shevchenko Taras"),
    ("Մկրտչյան Արամ", "Mkrtchyan Aram"),
    ("Հարությունյան Տիգրան", "Арутюнян Тигран"),
    ("ჯუღაშვილი იოსებ", "Dzhugashvili Iosif"[0:12] + " Ioseb"),
    ("შევარდნაძე ედუარდ", "SHEVARDNADZE<<EDUARD"),
    ("Öztürk Ayşe", "OZTURK<<AYSE"),
    ("Öztürk Ayşe", "Oeztuerk Ayse"),
    ("محمد عبد الله الحسيني", "Mohammed Abdullah Al-Husseini"),
    ("محمد عبد الله الحسيني", "AL<HUSSEINI<<MOHAMED<ABDALLAH"),
    ("Muhammad bin Salman Al Saud", "Mohammed Al-Saud"),
]

DIFFERENT_PEOPLE = [
    ("Əliyev Heydər", "Алиев Рамиль"),  # same family name, different given name
    ("Əliyev Heydər", "Гусейнов Гейдар"),  # same given name, different family name
    ("Иванов Иван Петрович", "Иванов Сергей Петрович"),
    ("Шевченко Тарас", "Коваленко Тарас"),
    # Muhammad and Mahmud share consonants; محمود writes its long u, Muhammad has none there.
    # (The other way round, محمد vs Mahmoud, cannot be told apart from the script alone.)
    ("محمود الحسيني", "Muhammad Al-Husseini"),
    ("Huda Al-Saadi", "Khadija Al-Saadi"),
    ("Mkrtchyan Aram", "Mkrtchyan Tigran"),
]


@pytest.mark.parametrize(("a", "b"), SAME_PERSON)
def test_same_person_scores_above_threshold(a: str, b: str) -> None:
    assert compare_names(a, b) >= THRESHOLD, (a, b, compare_names(a, b))


@pytest.mark.parametrize(("a", "b"), DIFFERENT_PEOPLE)
def test_hard_negatives_score_below_threshold(a: str, b: str) -> None:
    assert compare_names(a, b) < THRESHOLD, (a, b, compare_names(a, b))


@pytest.mark.parametrize(("a", "b"), SAME_PERSON + DIFFERENT_PEOPLE)
def test_compare_names_is_symmetric_and_bounded(a: str, b: str) -> None:
    s = compare_names(a, b)
    assert 0.0 <= s <= 1.0
    assert s == pytest.approx(compare_names(b, a), abs=1e-9)


def test_identical_names_score_one() -> None:
    assert compare_names("Алиев Гейдар", "Алиев Гейдар") == 1.0
    assert compare_names("ALIYEV<<HEYDAR", "Heydar Aliyev") == 1.0


def test_word_order_and_case_do_not_matter() -> None:
    assert compare_names("Ivanov Ivan", "IVAN IVANOV") == 1.0
    assert compare_names("Ivanov, Ivan", "Ivan Ivanov") == 1.0


def test_missing_patronymic_costs_nothing_but_a_different_one_does() -> None:
    full = "Иванов Иван Петрович"
    assert compare_names(full, "Иванов Иван") == 1.0
    assert compare_names(full, "Иванов Иван Сергеевич") < 1.0


def test_explanation_names_parts_methods_and_scripts() -> None:
    m = match_names(parse_name("ALIYEV<<HEYDAR"), parse_name("Алиев Гейдар Алирзаевич"))
    lines = explain_name_match(m)
    text = "\n".join(lines)
    assert "surname ALIYEV matched Алиев" in text
    assert "Cyrillic, transliterated ALIEV" in text
    assert "given name HEYDAR matched Гейдар" in text
    assert "patronymic Алирзаевич in the entry has no counterpart (no penalty)" in text
    assert lines[-1].startswith("name score 1.00")


def test_explanation_reports_edits_and_vowel_differences() -> None:
    m = match_names(parse_name("Mammadov Rashad"), parse_name("Мамедов Рашид"))
    text = "\n".join(explain_name_match(m))
    assert "only vowels differ" in text or "edit" in text


def test_explanation_for_arabic_consonants() -> None:
    m = match_names(parse_name("Mohammed"), parse_name("محمد"))
    text = "\n".join(explain_name_match(m))
    assert "Arabic" in text
    assert "same consonants MHMD" in text


def test_date_adjustments() -> None:
    assert date_adjustment("1980-03-14", ["1980-03-14"]) == (
        0.05,
        "birth date 1980-03-14 equal (+0.05)",
    )
    adj, why = date_adjustment("1980-03-14", ["1980"])
    assert adj == 0.02
    assert "birth year 1980 equal" in why
    adj, why = date_adjustment("1980-03-14", ["1980-14-03"[:5] + "03-14"])
    assert adj == 0.05
    adj, why = date_adjustment("1980-03-14", ["1980-14-03"])  # month 14 invalid -> year only
    assert adj == 0.02
    adj, why = date_adjustment("1980-03-04", ["1980-04-03"])
    assert adj == 0.02
    assert "swapped" in why
    adj, why = date_adjustment("1980-03-14", ["1981-01-01"])
    assert adj == -0.03
    adj, why = date_adjustment("1980-03-14", ["1975-03-14"])
    assert adj == -0.10
    assert "differs" in why
    assert "(-0.10)" in why
    assert date_adjustment(None, ["1980"])[0] == 0.0
    assert date_adjustment("1980", [])[0] == 0.0
    # best of several dates
    assert date_adjustment("1980-03-14", ["1975-01-01", "1980-03-14"])[0] == 0.05


def test_nationality_adjustments_and_codes() -> None:
    assert normalise_country("aze") == "AZ"
    assert normalise_country("AZ") == "AZ"
    assert normalise_country("D") == "DE"
    assert normalise_country("UKR") == "UA"
    assert normalise_country("") is None
    assert nationality_adjustment("AZE", ["AZ"]) == (0.02, "nationality AZ equal (+0.02)")
    adj, why = nationality_adjustment("RU", ["AZ"])
    assert adj == -0.05
    assert "differs" in why
    assert nationality_adjustment(None, ["AZ"])[0] == 0.0
