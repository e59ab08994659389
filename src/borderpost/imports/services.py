"""Bulk import of posts, organisations and crossings through the same use cases as the API.

A bad line is reported with its number, field and reason. With ``strict`` the file is one
transaction and any bad line writes nothing at all; otherwise good lines are committed in
batches and bad lines are skipped. Re-importing a file changes nothing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from borderpost.crossings.schemas import CrossingCreate
from borderpost.crossings.services import FLAG_POST_CLOSED, prefetch, record_crossing
from borderpost.db import SessionFactory
from borderpost.errors import DomainError, FieldProblem
from borderpost.imports.reader import Line, read_lines
from borderpost.organisations.schemas import OrganisationCreate
from borderpost.organisations.services import save_organisation
from borderpost.posts.schemas import PostCreate
from borderpost.posts.services import save_post
from borderpost.schemas import problems_from
from borderpost.unit_of_work import UnitOfWork

BATCH = 2000


def _batched(items: Iterable[Line], size: int) -> Iterator[list[Line]]:
    it = iter(items)
    while chunk := list(islice(it, size)):
        yield chunk


@dataclass(frozen=True)
class LineProblem:
    line: int
    field: str
    reason: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.field}: {self.reason}"


@dataclass
class BulkImportReport:
    """What one bulk file import did: lines read, outcomes counted, bad lines with reasons."""

    read: int = 0
    outcomes: Counter[str] = field(default_factory=Counter)
    problems: list[LineProblem] = field(default_factory=list)
    strict: bool = False

    @property
    def written(self) -> bool:
        return not (self.strict and self.problems)

    def to_dict(self) -> dict[str, Any]:
        return {
            "read": self.read,
            "outcomes": dict(self.outcomes),
            "rejected": len({p.line for p in self.problems}),
            "written": self.written,
            "problems": [p.__dict__ for p in self.problems],
        }


def _apply_crossing(uow: UnitOfWork, data: CrossingCreate) -> str:
    recorded = record_crossing(uow, data)
    if not recorded.created:
        return "unchanged"
    if FLAG_POST_CLOSED in recorded.crossing.flags:
        return "created_refused_post_closed"
    return "created"


def _apply_post(uow: UnitOfWork, data: PostCreate) -> str:
    return save_post(uow, data)[1]


def _apply_organisation(uow: UnitOfWork, data: OrganisationCreate) -> str:
    return save_organisation(uow, data)[1]


KINDS: dict[str, tuple[type[BaseModel], Callable[[UnitOfWork, Any], str]]] = {
    "crossings": (CrossingCreate, _apply_crossing),
    "posts": (PostCreate, _apply_post),
    "organisations": (OrganisationCreate, _apply_organisation),
}


def import_file(
    session_factory: SessionFactory,
    what: str,
    path: Path,
    *,
    strict: bool = False,
    fmt: str | None = None,
    actor: str = "system:import",
    progress: Callable[[int], None] | None = None,
    home: Path | None = None,
    cargo_random_share: float = 0.0,
) -> BulkImportReport:
    """Import ``path`` as ``what`` (crossings, posts or organisations).

    ``home``: the node's folder, whose rule sets judge declared cargo (shipped ones if None).
    """
    schema, apply = KINDS[what]
    report = BulkImportReport(strict=strict)
    with UnitOfWork(
        session_factory, actor=actor, home=home, cargo_random_share=cargo_random_share
    ) as uow:
        for chunk in _batched(read_lines(path, fmt), BATCH):
            # The chunk is read and checked first: its crossings' documents and vehicles are
            # then looked up in a few statements (``prefetch``), not one each.
            checked: list[tuple[int, BaseModel | list[LineProblem]]] = []
            for line in chunk:
                report.read += 1
                if progress is not None:
                    progress(line.end_offset)
                if line.data is None:
                    reason = line.error or "unreadable"
                    checked.append((line.number, [LineProblem(line.number, "line", reason)]))
                    continue
                try:
                    checked.append((line.number, schema.model_validate(line.data)))
                except ValidationError as exc:
                    problems = problems_from(exc.errors())
                    checked.append(
                        (
                            line.number,
                            [LineProblem(line.number, p.field, p.reason) for p in problems],
                        )
                    )
            if what == "crossings":
                prefetch(uow, [c for _, c in checked if isinstance(c, CrossingCreate)])
            for number, command in checked:
                if isinstance(command, list):
                    report.problems.extend(command)
                    continue
                try:
                    outcome = apply(uow, command)
                except DomainError as exc:
                    problems = exc.problems or [FieldProblem("line", exc.message)]
                    report.problems.extend(LineProblem(number, p.field, p.reason) for p in problems)
                    continue
                report.outcomes[outcome] += 1
            if not strict:
                uow.commit()
        if strict and report.problems:
            uow.rollback()
            report.outcomes.clear()
            return report
        uow.commit()
    return report
