"""JSON routes for the signed-in account."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from borderpost.accounts.authz import Me, require
from borderpost.accounts.bodies import SignInFirst

router = APIRouter(prefix="/me", tags=["accounts"], route_class=SignInFirst)


class MeRead(BaseModel):
    name: str
    role: str
    posts: list[str]
    network: bool
    language: str


@router.get("", response_model=MeRead, dependencies=[require(None)])
def who_am_i(me: Me) -> MeRead:
    return MeRead(
        name=me.name,
        role=me.role.value,
        posts=sorted(me.posts),
        network=me.network,
        language=me.language,
    )
