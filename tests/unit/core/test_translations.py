"""The catalogues are complete and current: every string the sources mark is translated.

`make translations-check` prints the same lists; `make translations` appends new ids.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from enum import StrEnum

import pytest
from babel.messages.catalog import Catalog
from pydantic import BaseModel, Field, ValidationError

from borderpost.accounts.model import Role
from borderpost.cargo.rules.enums import Effect, LaneColour, Outcome
from borderpost.errors import NotFound, invalid
from borderpost.inspections.model import FindingKind, SeizureStatus
from borderpost.inspections.schemas import InspectionOutcome
from borderpost.messages import Message
from borderpost.reports.access.services import REFUSAL_CLASSES
from borderpost.reports.chart import stacked_bars
from borderpost.schemas import CountryCode, problems_from
from borderpost.screening.model import HitOrigin, HitState, ListKind
from borderpost.transit.pairing import TransitState
from borderpost.vocab import Category, Decision, Direction, Kind, OrganisationType, VehicleType
from borderpost.web import catalogues
from borderpost.web.i18n import translations
from borderpost.web.messages import localised
from borderpost.web.templating import environment

LANGUAGES = catalogues.TRANSLATED


@functools.cache
def sources() -> Catalog:
    return catalogues.extract()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_marked_string_is_translated(language: str) -> None:
    missing = catalogues.missing(language, sources())
    assert not missing, f"{language} lacks {len(missing)}: {missing} (make translations-check)"


def test_the_template_is_as_the_sources_are() -> None:
    new, gone = catalogues.stale(sources())
    assert not new, f"messages.pot lacks {sorted(new)}: make translations"
    assert not gone, f"messages.pot still has {sorted(gone)}: make translations"


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_the_placeholders(language: str) -> None:
    catalog = catalogues.read(catalogues.catalogue_path(language), language)
    wrong = []
    for message in catalog:
        if not message.id or not isinstance(message.id, str) or not message.string:
            continue
        for pattern in (r"\{[^{}]*\}", r"%\(\w+\)\w"):
            if sorted(re.findall(pattern, message.id)) != sorted(
                re.findall(pattern, str(message.string))
            ):
                wrong.append(message.id)
    assert not wrong


@pytest.mark.parametrize(
    "values",
    [
        Direction, Kind, Category, Decision, OrganisationType, VehicleType, Role, ListKind,
        HitOrigin, HitState, Effect, LaneColour, Outcome, FindingKind, SeizureStatus,
        InspectionOutcome, REFUSAL_CLASSES,
    ],
)  # fmt: skip
def test_words_from_data_are_extracted(values: type[StrEnum] | tuple[str, ...]) -> None:
    """Pages show these values through ``_(value)``: each must be an id of the catalogues."""
    known = catalogues.ids(sources())
    assert not [str(v) for v in values if str(v) not in known]


def test_transit_states_are_extracted_as_shown() -> None:
    known = catalogues.ids(sources())
    assert not [s for s in TransitState if s.value.replace("_", " ") not in known]


class _Form(BaseModel):
    country: CountryCode
    name: str = Field(max_length=5)
    count: int = Field(gt=0)


def test_pydantic_errors_become_our_messages_in_the_readers_language() -> None:
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate({"country": "x1", "name": "too long", "count": 0})
    problems = {p.field: p.reason for p in problems_from(caught.value.errors())}
    assert problems["country"] == "is not in the expected form"
    assert problems["name"] == "must be at most 5 characters"
    assert localised(problems["name"], "ru") == "должно быть не длиннее 5 знаков"
    assert localised(problems["count"], "hy") == "պետք է մեծ լինի 0-ից"
    with pytest.raises(ValidationError) as caught:
        _Form.model_validate({"country": "ABC", "count": 1})
    (missing,) = problems_from(caught.value.errors())
    assert (missing.field, missing.reason) == ("name", "is required")
    assert localised(missing.reason, "az") == "mütləqdir"


def test_domain_errors_keep_english_and_translate_on_a_page() -> None:
    error = invalid("arrived_at", "is after the crossing time")
    assert error.message == "arrived_at: is after the crossing time"
    assert localised(error.message, "ru") == "arrived_at: позже времени пересечения"
    assert localised(error.problems[0].reason, "en") == "is after the crossing time"
    missing = NotFound("hit", "no such evidence file in this inspection")
    assert localised(missing.message, "hy").startswith("hit: այս զննման մեջ")


def test_parameters_are_formatted_after_translating() -> None:
    reason = Message(
        "post {post} closed: {reason} (ordered by {authority})",
        post="WEST",
        reason="flooding",
        authority="the district",
    )
    assert reason == "post WEST closed: flooding (ordered by the district)"
    assert localised(reason, "ru") == "пост WEST закрыт: flooding (распоряжение: the district)"


def test_a_page_prints_messages_translated_and_plain_text_as_it_is() -> None:
    page = environment("ru").from_string("{{ a }} | {{ b }}")
    text = page.render(a=Message("is required"), b="is required")
    assert text == "обязательно | is required"


def test_a_charts_tooltip_names_the_category_in_the_readers_language() -> None:
    day = dt.date(2026, 11, 28)
    chart = stacked_bars([day], {day: {"medical_evacuation": 3}})
    (bar,) = chart.bars
    assert bar.title == "2026-11-28 medical_evacuation: 3"
    category = translations("ru").gettext("medical_evacuation")
    assert category != "medical_evacuation"
    assert localised(bar.title, "ru") == f"2026-11-28 {category}: 3"
