"""``borderpost user ...``: add, list, disable users and issue API tokens."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from borderpost.accounts import passwords, services
from borderpost.accounts.model import Role
from borderpost.accounts.schemas import UserCreate
from borderpost.cli_support import node_session_factory
from borderpost.config import Settings
from borderpost.errors import DomainError
from borderpost.unit_of_work import UnitOfWork

app = typer.Typer(help="User accounts and API tokens.", no_args_is_help=True)
console = Console(soft_wrap=True)
errors = Console(stderr=True, soft_wrap=True)


def _uow(job: str) -> UnitOfWork:
    settings = Settings()
    factory = node_session_factory(settings)
    return UnitOfWork(factory, actor=f"system:cli:{job}", client="cli")


def _fail(exc: Exception) -> typer.Exit:
    message = exc.message if isinstance(exc, DomainError) else str(exc)
    errors.print(f"[red]error:[/] {message}")
    return typer.Exit(2)


@app.command("add")
def add(
    name: str,
    role: Annotated[Role, typer.Option(help="officer, inspector, supervisor, analyst, ...")],
    post: Annotated[list[str] | None, typer.Option(help="Post code in scope (repeat)")] = None,
    network: Annotated[bool, typer.Option("--network", help="Every post in scope")] = False,
    password: Annotated[
        str | None, typer.Option(help="Password; made up and shown if absent")
    ] = None,
    language: Annotated[str, typer.Option(help="en, az, hy or ru")] = "en",
) -> None:
    """Add a user; without --post the user must have --network scope."""
    from pydantic import ValidationError

    shown = password or passwords.new_secret()
    try:
        data = UserCreate(
            name=name,
            role=role,
            posts=post or [],
            network=network,
            language=language,
            password=shown,
        )
        with _uow("user-add") as uow:
            services.add_user(uow, data)
            uow.commit()
    except (DomainError, ValidationError) as exc:
        raise _fail(exc) from exc
    scope = "every post" if network else ", ".join(post or [])
    console.print(f"User {name} added: {role.value} at {scope}.")
    if password is None:
        console.print(f"Password: {shown}")


@app.command("list")
def list_users() -> None:
    """Every user with role, scope and state."""
    with _uow("user-list") as uow:
        users = services.list_users(uow)
        table = Table()
        for column in ("name", "role", "scope", "language", "state"):
            table.add_column(column)
        for user in users:
            state = "disabled" if not user.active else "active"
            scope = "network" if user.network else ", ".join(user.posts)
            table.add_row(user.name, user.role, scope, user.language, state)
    console.print(table)


@app.command("disable")
def disable(name: str) -> None:
    """Disable a user and revoke their API tokens."""
    try:
        with _uow("user-disable") as uow:
            services.disable_user(uow, name)
            uow.commit()
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"User {name} disabled; their API tokens are revoked.")


@app.command("token")
def token(name: str) -> None:
    """Issue a new API token for NAME; it is printed once, on the last line."""
    try:
        with _uow("user-token") as uow:
            value = services.issue_token(uow, name)
            uow.commit()
    except DomainError as exc:
        raise _fail(exc) from exc
    console.print(f"API token for {name} (shown once; send it as 'Authorization: Bearer ...'):")
    print(value)
