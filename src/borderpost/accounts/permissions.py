"""What each role may do, and the principal a request acts as. Pure: no framework imports."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from borderpost.accounts.model import Role


class Permission(StrEnum):
    VIEW_POSTS = "view_posts"  # post names, lanes, open/closed: public facts
    VIEW_AGGREGATES = "view_aggregates"  # reports and counts, no personal data
    VIEW_ORGANISATIONS = "view_organisations"
    READ_CROSSINGS = "read_crossings"  # personal data: names, documents, plates
    RECORD_CROSSING = "record_crossing"
    CLOSE_POST = "close_post"
    MANAGE_POSTS = "manage_posts"
    MANAGE_ORGANISATIONS = "manage_organisations"
    READ_AUDIT = "read_audit"
    MANAGE_USERS = "manage_users"
    CORRECT_CROSSING = "correct_crossing"  # a supervisor's correction, a new ledger entry
    INSPECT_CARGO = "inspect_cargo"  # inspections, seizures, evidence files
    RESOLVE_HITS = "resolve_hits"  # screening hits and alerts: true or false match
    MANAGE_WATCHLISTS = "manage_watchlists"
    MANAGE_SYNC = "manage_sync"  # headquarters' parked events: see why, replay
    WATCH_LEDGERS = "watch_ledgers"  # headquarters' checks of the posts' logs and their alerts
    HANDLE_CASES = "handle_cases"  # cases: receive, link records, assign, decide, close
    APPROVE_CASES = "approve_cases"  # a decision that grants an appeal or a passage
    ATTEST = "attest"  # a party's own receipts (with openings) and its signed statements
    HOLD_RECORDS = "hold_records"  # legal holds: place and release, with the reason
    EXPORT_PERSON = "export_person"  # subject access: everything held about a person


_PUBLIC_FACTS = {Permission.VIEW_POSTS, Permission.VIEW_AGGREGATES, Permission.VIEW_ORGANISATIONS}

ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.OFFICER: frozenset(
        _PUBLIC_FACTS | {Permission.READ_CROSSINGS, Permission.RECORD_CROSSING}
    ),
    Role.INSPECTOR: frozenset(
        _PUBLIC_FACTS
        | {Permission.READ_CROSSINGS, Permission.RECORD_CROSSING, Permission.INSPECT_CARGO}
    ),
    Role.SUPERVISOR: frozenset(
        _PUBLIC_FACTS
        | {
            Permission.READ_CROSSINGS,
            Permission.RECORD_CROSSING,
            Permission.CLOSE_POST,
            Permission.READ_AUDIT,
            Permission.CORRECT_CROSSING,
            Permission.INSPECT_CARGO,
            Permission.RESOLVE_HITS,
            Permission.HANDLE_CASES,
            Permission.APPROVE_CASES,
            Permission.HOLD_RECORDS,
            Permission.EXPORT_PERSON,
        }
    ),
    Role.ANALYST: frozenset(_PUBLIC_FACTS | {Permission.READ_CROSSINGS}),
    # Works cases to a decision; reads the records a case concerns, records no crossing.
    Role.CASE_OFFICER: frozenset(
        _PUBLIC_FACTS | {Permission.READ_CROSSINGS, Permission.HANDLE_CASES}
    ),
    # International monitors: aggregates only, never a name, document, plate or birth date.
    Role.OBSERVER: frozenset(_PUBLIC_FACTS | {Permission.WATCH_LEDGERS}),
    # A party: post names, and its own organisation's receipts; no figures, no other record.
    Role.PARTY: frozenset({Permission.VIEW_POSTS, Permission.ATTEST}),
    Role.ADMIN: frozenset(Permission),
}


def role_allows(role: Role, permission: Permission) -> bool:
    return permission in ROLE_PERMISSIONS[role]


@dataclass(frozen=True)
class Principal:
    """Who a request acts as: a signed-in user, through a session cookie or an API token."""

    name: str
    role: Role
    posts: frozenset[str] = field(default_factory=frozenset)
    network: bool = False
    language: str = "en"
    via: str = "token"  # "session" or "token"

    def can(self, permission: Permission) -> bool:
        return role_allows(self.role, permission)

    def covers(self, post_code: str | None) -> bool:
        """Whether ``post_code`` is in scope; None (every post) needs network scope."""
        if self.network:
            return True
        return post_code is not None and post_code in self.posts

    @property
    def only_post(self) -> str | None:
        """The one post of a user scoped to exactly one; None for the network or several."""
        if self.network or len(self.posts) != 1:
            return None
        return next(iter(self.posts))

    def visible_posts(self, all_codes: list[str]) -> list[str]:
        return [c for c in all_codes if self.covers(c)]
