"""Use cases on accounts: add, list, change, disable and enable users, set passwords, sign in,
issue, list, revoke and check API tokens. The CLI and the users' pages call the same ones."""

from __future__ import annotations

import datetime as dt
import uuid

from sqlalchemy import func, select

from borderpost import clock
from borderpost.accounts import passwords
from borderpost.accounts.model import ApiToken, Role, User, WebSession
from borderpost.accounts.permissions import Principal
from borderpost.accounts.schemas import UserAccess, UserCreate
from borderpost.audit.model import AuditEntry
from borderpost.errors import Conflict, DomainError, FieldProblem, NotFound
from borderpost.messages import Message
from borderpost.posts import repository as posts_repository
from borderpost.unit_of_work import UnitOfWork


class LoginRefused(DomainError):
    """Wrong name or password, a locked or a disabled account: one message for all."""

    status = 401

    def __init__(self) -> None:
        super().__init__(
            "wrong name or password, or the account is locked",
            [FieldProblem("password", "wrong name or password, or the account is locked")],
        )


def user_by_name(uow: UnitOfWork, name: str) -> User | None:
    return uow.session.scalars(select(User).where(User.name == name)).one_or_none()


def get_user(uow: UnitOfWork, name: str) -> User:
    user = user_by_name(uow, name)
    if user is None:
        raise NotFound("name", Message("no user {name!r}", name=name))
    return user


def _known_posts(uow: UnitOfWork, codes: list[str]) -> None:
    for code in codes:
        if posts_repository.post_by_code(uow.session, code) is None:
            raise NotFound("posts", Message("no post with code {code!r}", code=code))


def _not_yourself(uow: UnitOfWork, name: str, field: str) -> None:
    # An admin who disables or demotes themselves may leave no one to undo it.
    if uow.actor == name:
        raise Conflict(field, "cannot be changed on your own account")


def add_user(uow: UnitOfWork, data: UserCreate) -> User:
    if user_by_name(uow, data.name) is not None:
        raise Conflict("name", Message("a user named {name!r} exists", name=data.name))
    _known_posts(uow, data.posts)
    user = User(
        name=data.name,
        role=data.role.value,
        posts=list(data.posts),
        network=data.network,
        language=data.language,
        password_hash=passwords.hash_password(data.password) if data.password else None,
        failed_logins=0,
        created_at=clock.now(),
    )
    uow.session.add(user)
    uow.session.flush()
    return user


def list_users(uow: UnitOfWork) -> list[User]:
    return list(uow.session.scalars(select(User).order_by(User.name)))


def last_sign_ins(uow: UnitOfWork) -> dict[str, dt.datetime]:
    """User name -> when they last signed in, as far as the audit trail knows (each sign-in
    creates a web session, audited as its user's)."""
    rows = uow.session.execute(
        select(AuditEntry.actor, func.max(AuditEntry.at))
        .where(AuditEntry.entity == WebSession.__tablename__, AuditEntry.action == "create")
        .group_by(AuditEntry.actor)
    )
    return {actor: at for actor, at in rows}


def change_access(uow: UnitOfWork, name: str, data: UserAccess) -> User:
    """A new role and scope; the user's web sessions end, so no page shows the old ones."""
    user = get_user(uow, name)
    _not_yourself(uow, name, "role")
    _known_posts(uow, data.posts)
    posts = [] if data.network else list(data.posts)
    if (user.role, user.posts, user.network) != (data.role.value, posts, data.network):
        user.role, user.posts, user.network = data.role.value, posts, data.network
        end_sessions_of(uow, user)
    return user


def enable_user(uow: UnitOfWork, name: str) -> User:
    """Enable a disabled account again; its revoked tokens stay revoked."""
    user = get_user(uow, name)
    if user.disabled_at is not None:
        user.disabled_at = None
        user.note_success()  # a lock-out from before the disabling is forgotten too
        uow.session.flush()
    return user


def disable_user(uow: UnitOfWork, name: str) -> User:
    """Disable the account, revoke its tokens and end its web sessions."""
    user = get_user(uow, name)
    _not_yourself(uow, name, "name")
    now = clock.now()
    if user.disabled_at is None:
        user.disabled_at = now
    for token in uow.session.scalars(
        select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
    ):
        token.revoked_at = now
    end_sessions_of(uow, user)
    return user


def set_password(uow: UnitOfWork, name: str, password: str) -> User:
    """A new password; every web session of the user ends (one may be an intruder's)."""
    user = get_user(uow, name)
    user.password_hash = passwords.hash_password(password)
    user.note_success()
    end_sessions_of(uow, user)
    return user


def end_sessions_of(uow: UnitOfWork, user: User) -> int:
    """End every web session of ``user`` at once, each deletion audited; how many ended.

    Whatever changes who a user is or may be (disabling, a new password, and a change of
    role or scope when there is a use case for one) calls it.
    """
    ended = 0
    for found in uow.session.scalars(select(WebSession).where(WebSession.user_id == user.id)):
        uow.session.delete(found)
        ended += 1
    uow.session.flush()
    return ended


def issue_token(uow: UnitOfWork, name: str) -> str:
    """A new API token for ``name``; the caller shows it once, only its hash is kept."""
    user = get_user(uow, name)
    if not user.active:
        raise Conflict("name", Message("user {name!r} is disabled", name=name))
    token = passwords.new_token()
    uow.session.add(
        ApiToken(
            user_id=user.id,
            token_hash=passwords.token_hash(token),
            label=token[:10],
            created_at=clock.now(),
        )
    )
    uow.session.flush()
    return token


def tokens_of(uow: UnitOfWork, name: str) -> list[ApiToken]:
    """The user's API tokens, newest first, revoked ones included."""
    user = get_user(uow, name)
    return list(
        uow.session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_token_of(uow: UnitOfWork, name: str, token_id: uuid.UUID) -> ApiToken:
    """Revoke one of ``name``'s tokens by its id (what a page shows; the token is never kept)."""
    user = get_user(uow, name)
    found = uow.session.get(ApiToken, token_id)
    if found is None or found.user_id != user.id:
        raise NotFound("token_id", "no such token of this user")
    if found.revoked_at is None:
        found.revoked_at = clock.now()
        uow.session.flush()
    return found


def revoke_token(uow: UnitOfWork, token: str) -> bool:
    found = uow.session.scalars(
        select(ApiToken).where(ApiToken.token_hash == passwords.token_hash(token))
    ).one_or_none()
    if found is None or found.revoked_at is not None:
        return False
    found.revoked_at = clock.now()
    uow.session.flush()
    return True


def sign_in(uow: UnitOfWork, name: str, password: str) -> User:
    """Check the password; count failures and lock the account after too many.

    The caller commits in both outcomes: a failure is recorded (and audited) too.
    """
    now = clock.now()
    user = user_by_name(uow, name)
    if user is None or not user.active or user.locked_at(now):
        # One argon2 verification on every path, against a dummy hash here: an unknown,
        # disabled or locked name costs as long as a wrong password, so the time of the
        # answer does not tell which names exist or which accounts are locked.
        passwords.verify_password(None, password)
        raise LoginRefused
    if not passwords.verify_password(user.password_hash, password):
        user.note_failure(now)
        uow.session.flush()
        raise LoginRefused
    user.note_success()
    uow.session.flush()
    return user


def principal_of(user: User, via: str) -> Principal:
    return Principal(
        name=user.name,
        role=Role(user.role),
        posts=frozenset(user.posts),
        network=user.network,
        language=user.language,
        via=via,
    )


# The token and session look-ups run on every request: plain Core reads, no ORM identity map.
_USERS = User.__table__
_TOKENS = ApiToken.__table__


def principal_for_token(uow: UnitOfWork, token: str) -> Principal | None:
    row = uow.session.execute(
        select(_USERS)
        .join(_TOKENS, _TOKENS.c.user_id == _USERS.c.id)
        .where(_TOKENS.c.token_hash == passwords.token_hash(token), _TOKENS.c.revoked_at.is_(None))
    ).one_or_none()
    if row is None or row.disabled_at is not None:
        return None
    return principal_from_row(row, "token")


def principal_from_row(row: object, via: str) -> Principal:
    return Principal(
        name=row.name,  # type: ignore[attr-defined]
        role=Role(row.role),  # type: ignore[attr-defined]
        posts=frozenset(row.posts or []),  # type: ignore[attr-defined]
        network=bool(row.network),  # type: ignore[attr-defined]
        language=row.language,  # type: ignore[attr-defined]
        via=via,
    )


def set_language(uow: UnitOfWork, name: str, language: str) -> User:
    user = get_user(uow, name)
    if user.language != language:
        user.language = language
        uow.session.flush()
    return user
