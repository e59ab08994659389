"""JSON routes for travel documents."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter

from borderpost.accounts.authz import require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.documents import services
from borderpost.documents.schemas import DocumentCheck

router = APIRouter(prefix="/documents", tags=["documents"], route_class=SignInFirst)


@router.post(
    "/check",
    # Whoever may record a crossing reads documents; nothing is stored, so no post scope.
    dependencies=[require(Permission.RECORD_CROSSING)],
)
def check_document(data: DocumentCheck) -> dict[str, Any]:
    """The fields, ``valid``, problems, flags and repairs: the JSON of `document check --json`."""
    return services.check_document(data).to_dict()
