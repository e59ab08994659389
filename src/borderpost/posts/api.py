"""JSON routes for posts, lanes and closures."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Query

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.posts import repository, services
from borderpost.posts.schemas import (
    ClosureCreate,
    ClosureEnd,
    ClosureRead,
    PostCreate,
    PostRead,
    PostStatus,
)

router = APIRouter(prefix="/posts", tags=["posts"], route_class=SignInFirst)


@router.get("", response_model=list[PostRead], dependencies=[require(Permission.VIEW_POSTS)])
def list_posts(uow: Uow) -> list[PostRead]:
    return [PostRead.model_validate(p) for p in repository.all_posts(uow.session)]


@router.post(
    "",
    response_model=PostRead,
    status_code=201,
    dependencies=[require(Permission.MANAGE_POSTS, post_from="network")],
)
def create_post(data: PostCreate, uow: Uow) -> PostRead:
    post, _ = services.save_post(uow, data)
    uow.commit()
    return PostRead.model_validate(post)


@router.get(
    "/{code}",
    response_model=PostRead,
    dependencies=[require(Permission.VIEW_POSTS, post_from="path", field="code")],
)
def read_post(code: str, uow: Uow) -> PostRead:
    return PostRead.model_validate(services.get_post(uow, code))


@router.get(
    "/{code}/status",
    response_model=PostStatus,
    dependencies=[require(Permission.VIEW_POSTS, post_from="path", field="code")],
)
def post_status(code: str, uow: Uow) -> PostStatus:
    closure = services.current_closure(uow, code)
    return PostStatus(
        code=code,
        open=closure is None,
        closure=ClosureRead.model_validate(closure) if closure else None,
    )


@router.get(
    "/{code}/closures",
    response_model=list[ClosureRead],
    dependencies=[require(Permission.VIEW_POSTS, post_from="path", field="code")],
)
def list_closures(
    code: str, uow: Uow, limit: int = Query(100, ge=1, le=1000), offset: int = Query(0, ge=0)
) -> list[ClosureRead]:
    post = services.get_post(uow, code)
    closures = repository.closures_of(uow.session, post, limit=limit, offset=offset)
    return [ClosureRead.model_validate(c) for c in closures]


@router.post(
    "/{code}/closures",
    response_model=ClosureRead,
    status_code=201,
    dependencies=[require(Permission.CLOSE_POST, post_from="path", field="code")],
)
def close_post(code: str, data: ClosureCreate, uow: Uow) -> ClosureRead:
    closure = services.close_post(uow, code, data)
    uow.commit()
    return ClosureRead.model_validate(closure)


@router.post(
    "/{code}/closures/{closure_id}/end",
    response_model=ClosureRead,
    dependencies=[require(Permission.CLOSE_POST, post_from="path", field="code")],
)
def end_closure(code: str, closure_id: uuid.UUID, uow: Uow, data: ClosureEnd) -> ClosureRead:
    """Reopen the post: end the closure now (or at ``ends_at``), with the reason and authority."""
    closure = services.reopen_post(uow, code, closure_id, data)
    uow.commit()
    return ClosureRead.model_validate(closure)
