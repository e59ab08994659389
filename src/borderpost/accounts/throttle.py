"""Rate limits where guessing pays: failed sign-ins per client address, searches per user.

Built on ``limits`` (the library slowapi wraps) rather than slowapi itself, because slowapi's
limiter is one module-level object whose counters every app of a process shares (each test's
app, the e2e servers), its limits cannot be read from the app's ``Settings``, it counts every
request where sign-in must count only failures (an officer who types the password right
spends nothing), and its 429 answer is its own JSON rather than ours or a page. Here each app
holds its own counters (``app.state.throttle``) and a refusal is a ``TooManyRequests``, which
the error handlers turn into the API's JSON or a translated page.

Counters live in the process's memory: several web processes each count on their own, which
multiplies the allowance by the number of processes, never lets it through unbounded.
"""

from __future__ import annotations

import math
import time
from enum import StrEnum
from typing import Any

from fastapi import Depends, Request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

from borderpost.config import Settings
from borderpost.errors import DomainError, FieldProblem


class Action(StrEnum):
    SIGN_IN = "sign-in"  # failed sign-ins, per client address
    SEARCH = "search"  # searches of personal data, per user
    CASE = "case"  # the public case form and status page, per client address


class TooManyRequests(DomainError):
    """429: the API answers its JSON error, a page its translated message."""

    status = 429

    def __init__(self, retry_after: int) -> None:
        reason = f"too many requests: try again in {retry_after} seconds"
        # The field is the caller's rate of requests: nothing in the request itself is wrong.
        super().__init__(reason, [FieldProblem("requests", reason)])
        self.retry_after = retry_after


class Throttle:
    """One app's counters and the limits of its settings."""

    def __init__(self, settings: Settings) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._limits: dict[Action, list[RateLimitItem]] = {
            Action.SIGN_IN: parse_many(settings.sign_in_limit),
            Action.SEARCH: parse_many(settings.search_limit),
            Action.CASE: parse_many(settings.case_limit),
        }

    def check(self, action: Action, key: str) -> None:
        """Raise ``TooManyRequests`` when ``key`` has used up an allowance for ``action``."""
        for limit in self._limits[action]:
            if not self._limiter.test(limit, action.value, key):
                raise TooManyRequests(self._retry_after(limit, action, key))

    def spend(self, action: Action, key: str) -> bool:
        """Count one ``action`` of ``key`` in every limit; False when one was exceeded."""
        hits = [self._limiter.hit(limit, action.value, key) for limit in self._limits[action]]
        return all(hits)

    def _retry_after(self, limit: RateLimitItem, action: Action, key: str) -> int:
        # The window's own clock is the wall clock (the library's); only the header reads it.
        reset = self._limiter.get_window_stats(limit, action.value, key).reset_time
        return max(1, math.ceil(reset - time.time()))


def client_address(request: Request) -> str:
    """The peer's address: the proxy's forwarded one only from proxies the settings trust."""
    return request.client.host if request.client else "unknown"


def throttle_of(request: Request) -> Throttle:
    throttle: Throttle = request.app.state.throttle
    return throttle


class _Limited:
    """A route dependency: each call counts one ``action`` of the signed-in user."""

    def __init__(self, action: Action) -> None:
        self.action = action

    def __call__(self, request: Request) -> None:
        principal = getattr(request.state, "principal", None)
        key = principal.name if principal is not None else client_address(request)
        throttle = throttle_of(request)
        throttle.check(self.action, key)
        throttle.spend(self.action, key)


def limited(action: Action) -> Any:
    """``dependencies=[require(...), limited(Action.SEARCH)]``: after the rule signed them in."""
    return Depends(_Limited(action))
