"""Domain errors. Each carries what an officer needs to fix the input; the API maps them.

Reasons and messages are ``Message``s: English text for the API, translated on a page
(``borderpost.web.messages``). A literal reason given to ``invalid``, ``NotFound`` or
``FieldProblem`` is a message id of its own (extracted by ``make translations``); a reason
with values in it is a ``Message(template, **params)``.
"""

from __future__ import annotations

from dataclasses import dataclass

from borderpost.messages import Message

_FIELD_REASON = "{field}: {reason}"


def _joined(problems: list[FieldProblem]) -> Message:
    parts = [f"{{field{n}}}: {{reason{n}}}" for n in range(len(problems))]
    params = {f"field{n}": p.field for n, p in enumerate(problems)}
    params.update({f"reason{n}": p.reason for n, p in enumerate(problems)})
    return Message("; ".join(parts), **params)


@dataclass(frozen=True)
class FieldProblem:
    """One problem with one field of the input."""

    field: str
    reason: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "reason", Message.of(self.reason))

    def to_dict(self) -> dict[str, str]:
        return {"field": self.field, "reason": self.reason}


class DomainError(Exception):
    """Base of every error the domain raises on purpose."""

    status = 400

    def __init__(self, message: str, problems: list[FieldProblem] | None = None) -> None:
        super().__init__(message)
        self.message = Message.of(message)
        self.problems = problems or []


class InvalidInput(DomainError):
    """The input breaks a rule: maps to 422 and names the field."""

    status = 422

    def __init__(self, problems: list[FieldProblem]) -> None:
        super().__init__(_joined(problems), problems)


class NotFound(DomainError):
    """A referenced record does not exist: maps to 404."""

    status = 404

    def __init__(self, field: str, reason: str) -> None:
        problem = FieldProblem(field, reason)
        super().__init__(Message(_FIELD_REASON, field=field, reason=problem.reason), [problem])


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
