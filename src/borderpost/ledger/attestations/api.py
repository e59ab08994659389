"""``/ledger/<POST>/attestations``: a party sends its signed statement; anyone reads them.

``POST`` (a party's account; the body is the signed note, ``text/plain``): checked and
appended to the post's log. ``GET .../attestations/``: one line per attestation in the log,
``<log index> <party> <checkpoint size> <confirmed> <disputed> <missing>``;
``GET .../attestations/<index>``: the signed statement as sent; ``GET .../attestations/parties``:
the register, ``<party> <organisation type> <vkey>`` a line. Public like the log itself.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from borderpost.accounts.authz import Me, public, require
from borderpost.accounts.bodies import SignInFirst
from borderpost.accounts.permissions import Permission
from borderpost.api_support import Uow
from borderpost.errors import FieldProblem, InvalidInput
from borderpost.ledger.attestations import services
from borderpost.ledger.leaves import parse_leaf

router = APIRouter(prefix="/ledger/{code}/attestations", tags=["ledger"], route_class=SignInFirst)
TEXT = "text/plain; charset=utf-8"


@router.post("", dependencies=[require(Permission.ATTEST, post_from="path", field="code")])
async def submit(code: str, request: Request, me: Me, uow: Uow) -> JSONResponse:
    """Append a party's signed statement to the post's log (202: appended within seconds)."""
    from starlette.concurrency import run_in_threadpool

    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > services.MAX_NOTE_BYTES:
            raise InvalidInput([FieldProblem("statement", "the statement is too long")])
    home = request.app.state.settings.home

    def work() -> dict[str, object]:
        answer = services.submit(uow, home, me.name, code, body)
        uow.commit()
        return answer

    return JSONResponse(await run_in_threadpool(work), status_code=202)


@router.get("/", dependencies=[public()])
def index(code: str, uow: Uow) -> Response:
    """Every attestation in the post's log, one line each."""
    lines = []
    for log_index, a in services.statements(uow, code):
        s = a.statement
        lines.append(
            f"{log_index} {a.party} {s.size} {len(s.confirmed)} {len(s.disputed)} "
            f"{len(s.missing)}\n"
        )
    return Response("".join(lines), media_type=TEXT)


@router.get("/parties", dependencies=[public()])
def parties(code: str, uow: Uow) -> Response:
    """The parties registered at this node and their verifier keys."""
    from borderpost.parties.services import list_parties

    lines = [f"{p.code} {p.organisation.type} {p.vkey}\n" for p in list_parties(uow)]
    return Response("".join(lines), media_type=TEXT)


@router.get("/{log_index}", dependencies=[public()])
def statement(code: str, log_index: int, uow: Uow) -> Response:
    """The signed statement appended at ``log_index``, as the party sent it."""
    for found, leaf in services.published(uow, code):
        if found == log_index:
            note = parse_leaf(leaf)["statement"]
            return Response(note, media_type=TEXT)
    return Response(status_code=404, content="not found\n", media_type=TEXT)
