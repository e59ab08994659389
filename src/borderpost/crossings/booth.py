"""The booth's use case: a person, or a vehicle with its passengers, from one form.

The form's flat fields become the same ``CrossingCreate`` commands the API takes, and go
through ``record_crossing``; problems come back named by the form's own fields.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from pydantic import ValidationError

from borderpost import clock
from borderpost.crossings.cargo_form import FormConsignment, consignment_from_form, form_problem
from borderpost.crossings.recording import Recorded, record_crossing
from borderpost.crossings.schemas import CrossingCreate
from borderpost.errors import DomainError, FieldProblem, InvalidInput
from borderpost.people.rules import document_problem, name_problem
from borderpost.posts import repository as posts_repository
from borderpost.schemas import MAX_LIST, problems_from
from borderpost.unit_of_work import UnitOfWork
from borderpost.vocab import Decision, Kind

# Where each field of a command is typed in the booth form.
FORM_FIELDS = {
    "traveller.surname": "surname",
    "traveller.given_names": "given_names",
    "traveller.birth_date": "birth_date",
    "traveller.nationality": "nationality",
    "traveller.document.number": "doc_number",
    "traveller.document.issuer": "doc_issuer",
    "traveller.document.expiry": "doc_expiry",
    "traveller.document.type": "doc_type",
    "traveller.document": "doc_number",
    "traveller": "surname",
    "vehicle.plate": "plate",
    "vehicle.country": "country",
    "vehicle.type": "vehicle_type",
    "vehicle": "plate",
    "arrived_at": "arrived_at",
}
PASSENGER_HELP = "SURNAME, GIVEN NAMES, DOCUMENT NUMBER, ISSUER[, BIRTH DATE]"
# Each passenger is a crossing of its own; a coach's worth on one form, not a file's.
MAX_PASSENGERS = MAX_LIST


@dataclass
class BoothResult:
    vehicle_or_person: Recorded
    passengers: list[Recorded] = field(default_factory=list)


def _blank(value: str | None) -> str | None:
    value = (value or "").strip()
    return value or None


def _traveller(
    surname: str, given: str, number: str | None, issuer: str | None, **more: Any
) -> dict[str, Any]:
    data: dict[str, Any] = {"surname": surname, "given_names": given}
    data.update({k: v for k, v in more.items() if v})
    if number or issuer:
        data["document"] = {"number": number or "", "issuer": issuer or ""}
    return data


def _arrived_at(
    uow: UnitOfWork, post: str, text: str | None
) -> tuple[dt.datetime | None, list[FieldProblem]]:
    """The queue ticket's time, typed as the post's local date and time (datetime-local)."""
    text = _blank(text)
    if text is None:
        return None, []
    try:
        local = dt.datetime.fromisoformat(text)
    except ValueError:
        return None, [FieldProblem("arrived_at", "write the date and time, YYYY-MM-DDTHH:MM")]
    known = posts_repository.post_by_code(uow.session, post)
    if known is None or local.tzinfo is not None:  # the unknown post is reported by recording
        return local if local.tzinfo else None, []
    return local.replace(tzinfo=known.zone), []


def _base(post: str, form: Mapping[str, str], kind: Kind, now: dt.datetime) -> dict[str, Any]:
    reasons = [r.strip() for r in (form.get("reasons") or "").split(";") if r.strip()]
    return {
        "post": post,
        "direction": form.get("direction") or "in",
        "time": now,
        "kind": kind.value,
        "category": form.get("category") or "civilian",
        "organisation": _blank(form.get("organisation")),
        "lane": _blank(form.get("lane")),
        "decision": form.get("decision") or "admitted",
        "reasons": reasons,
    }


def _passengers(text: str) -> tuple[list[dict[str, Any]], list[FieldProblem]]:
    people: list[dict[str, Any]] = []
    problems: list[FieldProblem] = []
    lines = text.splitlines()
    if sum(1 for line in lines if line.strip()) > MAX_PASSENGERS:
        return [], [
            FieldProblem("passengers", f"more than {MAX_PASSENGERS} passengers on one form")
        ]
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) < 4:
            problems.append(FieldProblem("passengers", f"line {number}: write {PASSENGER_HELP}"))
            continue
        wrong = [
            f"line {number}: {label} {reason}"
            for label, text in (("surname", parts[0]), ("given names", parts[1]))
            if (reason := name_problem(text))
        ]
        if wrong:
            problems += [FieldProblem("passengers", text) for text in wrong]
            continue
        extra = {"birth_date": parts[4]} if len(parts) > 4 and parts[4] else {}
        people.append(_traveller(parts[0], parts[1], parts[2], parts[3], **extra))
    return people, problems


def _person_problems(data: dict[str, Any]) -> list[FieldProblem]:
    """The booth's own rules for a person: names that are names, and a document or why not."""
    traveller = data["traveller"]
    problems = [
        FieldProblem(field, reason)
        for field, key in (("surname", "surname"), ("given_names", "given_names"))
        if (reason := name_problem(traveller.get(key, "")))
    ]
    try:
        decision = Decision(data["decision"])
    except ValueError:
        return problems  # the schema names a decision off the list
    missing = document_problem(bool(traveller.get("document")), decision, data["reasons"])
    if missing:
        problems.append(FieldProblem("doc_number", missing))
    return problems


@dataclass
class _Cargo:
    """The declaration's parts: the JSON box's consignments, then the form's (if typed)."""

    form: FormConsignment | None = None
    position: int = -1  # the form's consignment among the declared ones


def _consignments(
    data: dict[str, Any], form: Mapping[str, str]
) -> tuple[_Cargo, list[FieldProblem]]:
    """The cargo declaration: the form's rows and fields, and the JSON typed or pasted in its
    box (one consignment or a list), together."""
    declared: list[Any] = []
    text = form.get("consignments", "")
    if text.strip():
        try:
            pasted = json.loads(text)
        except json.JSONDecodeError as exc:
            return _Cargo(), [
                FieldProblem("consignments", f"not JSON: {exc.msg} (line {exc.lineno})")
            ]
        declared = pasted if isinstance(pasted, list) else [pasted]
    cargo = _Cargo(consignment_from_form(form))
    if cargo.form is not None:
        cargo.position = len(declared)
        declared.append(cargo.form.data)
    if declared:
        data["consignments"] = declared
    return cargo, []


def _cargo_problems(problems: list[FieldProblem], cargo: _Cargo) -> list[FieldProblem]:
    # The form's problems show at their rows and fields; the JSON box's there, each with its path.
    if cargo.form is not None:
        problems = [form_problem(p, cargo.position, cargo.form) for p in problems]
    boxed = [f"{p.field}: {p.reason}" for p in problems if p.field.startswith("consignments")]
    others = [p for p in problems if not p.field.startswith("consignments")]
    return others + ([FieldProblem("consignments", "; ".join(boxed))] if boxed else [])


def _box(field: str) -> str:
    return "reasons" if field.startswith("reasons[") else field


def _command(data: dict[str, Any], prefix: str = "") -> CrossingCreate:
    try:
        return CrossingCreate.model_validate(data)
    except ValidationError as exc:
        found = problems_from(exc.errors())
        if prefix:
            problems = [FieldProblem(prefix, f"{p.field.split('.')[-1]} {p.reason}") for p in found]
        else:
            # One box holds every reason: a problem with the third shows on that box.
            problems = [
                FieldProblem(FORM_FIELDS.get(p.field, _box(p.field)), p.reason) for p in found
            ]
        raise InvalidInput(problems) from exc


def record_from_booth(uow: UnitOfWork, post: str, form: Mapping[str, str]) -> BoothResult:
    """Check the whole form first, then record: the vehicle (or person), then each passenger.

    Passengers share the vehicle's direction, category and decision. Nothing is written when
    any part is wrong (the caller does not commit).
    """
    now = clock.now()
    kind = Kind.VEHICLE if form.get("kind") == Kind.VEHICLE.value else Kind.PERSON
    data = _base(post, form, kind, now)
    arrived_at, problems = _arrived_at(uow, post, form.get("arrived_at"))
    if problems:
        raise InvalidInput(problems)
    if arrived_at is not None:
        data["arrived_at"] = arrived_at  # passengers share it: they queued in the vehicle
    passengers: list[dict[str, Any]] = []
    cargo = _Cargo()
    if kind is Kind.PERSON:
        data["traveller"] = _traveller(
            form.get("surname", "").strip(),
            form.get("given_names", "").strip(),
            _blank(form.get("doc_number")),
            _blank(form.get("doc_issuer")),
            birth_date=_blank(form.get("birth_date")),
            nationality=_blank(form.get("nationality")),
        )
        if data["traveller"].get("document") and _blank(form.get("doc_expiry")):
            data["traveller"]["document"]["expiry"] = form["doc_expiry"].strip()
        if data["traveller"].get("document") and _blank(form.get("doc_type")):
            data["traveller"]["document"]["type"] = form["doc_type"].strip()
        problems = _person_problems(data)
        if problems:
            raise InvalidInput(problems)
    else:
        data["vehicle"] = {
            "plate": form.get("plate", ""),
            "country": form.get("country", ""),
            "type": form.get("vehicle_type") or "car",
        }
        passengers, problems = _passengers(form.get("passengers", ""))
        cargo, found = _consignments(data, form)
        problems += found
        if problems:
            raise InvalidInput(problems)
    try:
        command = _command(data)
    except InvalidInput as exc:
        raise InvalidInput(_cargo_problems(exc.problems, cargo)) from exc
    riders = []
    for number, person in enumerate(passengers, start=1):
        # A passenger shares the vehicle's direction, category, lane and decision; the
        # vehicle and its declared cargo are the vehicle's own.
        rider = {**data, "kind": Kind.PERSON.value, "traveller": person}
        rider.pop("vehicle", None)
        rider.pop("consignments", None)
        try:
            riders.append(_command(rider, prefix="passengers"))
        except InvalidInput as exc:
            raise InvalidInput(
                [FieldProblem("passengers", f"line {number}: {p.reason}") for p in exc.problems]
            ) from exc
    try:
        first = record_crossing(uow, command)
    except InvalidInput as exc:
        raise InvalidInput(_cargo_problems(exc.problems, cargo)) from exc
    result = BoothResult(first)
    for rider_command in riders:
        try:
            rider_command.carried_by = first.crossing.id
            result.passengers.append(record_crossing(uow, rider_command))
        except DomainError as exc:
            raise InvalidInput([FieldProblem("passengers", exc.message)]) from exc
    return result
