"""Demo accounts with known passwords: for the fictional demo only, never for a real post."""

from __future__ import annotations

from borderpost.accounts import services
from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.db import SessionFactory
from borderpost.unit_of_work import UnitOfWork

DEMO_PASSWORD = "borderpost-demo"  # noqa: S105 - printed for the demo on purpose
DEMO_USERS: list[tuple[str, Role, list[str]]] = [
    ("officer.west", Role.OFFICER, ["AST-W"]),
    ("officer.east", Role.OFFICER, ["AST-E"]),
    ("inspector.west", Role.INSPECTOR, ["AST-W"]),
    ("supervisor.west", Role.SUPERVISOR, ["AST-W"]),
    ("cases.west", Role.CASE_OFFICER, ["AST-W"]),
    ("analyst", Role.ANALYST, []),
    ("observer", Role.OBSERVER, []),
    ("admin", Role.ADMIN, []),
    # The parties' accounts are made with the parties (demo.attestations).
    ("liaison.force", Role.PARTY, ["AST-W", "AST-E"]),
    ("liaison.lantern", Role.PARTY, ["AST-W", "AST-E"]),
]


def create_demo_users(session_factory: SessionFactory) -> list[tuple[str, str, str]]:
    """Add the demo users that are missing; returns (name, role, scope) of every demo user."""
    rows = []
    with UnitOfWork(session_factory, actor="system:demo") as uow:
        for name, role, posts in DEMO_USERS:
            if services.user_by_name(uow, name) is None:
                data = UserCreate(
                    name=name, role=role, posts=posts, network=not posts, password=DEMO_PASSWORD
                )
                services.add_user(uow, data)
            rows.append((name, role.value, ", ".join(posts) or "every post"))
        uow.commit()
    return rows


def login_help(rows: list[tuple[str, str, str]]) -> str:
    lines = [f"Demo users (password for each: {DEMO_PASSWORD}):"]
    lines += [f"  {name:<16} {role:<12} {scope}" for name, role, scope in rows]
    return "\n".join(lines)
