"""Domain errors. Each carries what an officer needs to fix the input; the API maps them."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field of the input."""

    field: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 400

    def __init__(self, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems = problems or []


class InvalidInput(DomainError):
    """The input breaks a rule: maps to 422 and names the field."""

    status = 422

    def __init__(self, problems: list[FieldProblem]) -> None:
        text = "; ".join(f"{p.field}: {p.reason}" for p in problems)
        super().__init__(text, problems)


class NotFound(DomainError):
    """A referenced record does not exist: maps to 404."""

    status = 404

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}", [FieldProblem(field, reason)])


class Conflict(DomainError):
    """The request contradicts what is recorded: maps to 409, naming the field in question
    (the message is the reason alone, as pages and the command line show it)."""

    status = 409

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(reason, [FieldProblem(field, reason)])


class PostClosed(Conflict):
    """The post is closed for this category of crossing."""


class ClosureOverlap(Conflict):
    """A new closure would overlap one already recorded."""


def invalid(field: str, reason: str) -> InvalidInput:
    """Shorthand for a single-field InvalidInput."""
    return InvalidInput([FieldProblem(field, reason)])
