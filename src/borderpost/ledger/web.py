"""The observer's ledger pages: what each post's log is, its latest checkpoint and who signed it.

Public, as the log itself is: no personal data is on these pages. ``/ledger/`` lists the posts
this node knows; ``/ledger/<POST>/`` (the address the log is served under) shows the
latest checkpoint, the witnesses' cosignatures, the latest bulletin with its check, and the
commands an observer runs to verify it all on their own machine.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from borderpost.accounts.authz import public
from borderpost.api_support import Uow
from borderpost.ledger.overview import log_overview
from borderpost.posts import repository as posts_repository
from borderpost.web.templating import render

router = APIRouter(include_in_schema=False)


def _witness_vkeys(request: Request) -> list[str]:
    return [w.vkey for w in request.app.state.settings.ledger_witnesses]


@router.get("/ledger/", dependencies=[public()])
def ledger_index(request: Request, uow: Uow) -> Response:
    """Every post's log on this node, with its size and latest checkpoint's signers."""
    home = request.app.state.settings.home
    witnesses = _witness_vkeys(request)
    posts = posts_repository.all_posts(uow.session)
    logs = [(post, log_overview(home, post.code, witnesses)) for post in posts]
    return render(request, "ledger/index.html", {"logs": logs})


@router.get("/ledger/{code}/", dependencies=[public()])
def ledger_page(code: str, request: Request, uow: Uow) -> Response:
    """One post's log: latest checkpoint, cosignatures, bulletin, and how to verify them."""
    post = posts_repository.post_by_code(uow.session, code)
    home = request.app.state.settings.home
    if post is None:
        return render(request, "ledger/missing.html", {"code": code}, status_code=404)
    witnesses = _witness_vkeys(request)
    base = str(request.base_url).rstrip("/")
    from borderpost.ledger.attestations.services import statements

    context = {
        "post": post,
        "statements": statements(uow, post.code),
        "log": log_overview(home, code, witnesses),
        "url": f"{base}/ledger/{post.code}/",
        "witness_vkeys": witnesses,
    }
    return render(request, "ledger/log.html", context)
