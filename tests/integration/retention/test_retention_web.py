"""A supervisor's pages: legal holds placed and released with reasons, in scope only; a
person's export as a page, JSON and PDF, of the posts in scope only, audited."""

from __future__ import annotations

import io
import uuid

from pypdf import PdfReader
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing, traveller
from tests.integration.conftest import ClientFor, TokenFor

from borderpost.audit.model import AuditEntry
from borderpost.crossings.services import record_crossing
from borderpost.retention.model import LegalHold
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]


def _seed(factory: Factory) -> tuple[uuid.UUID, str]:
    person = traveller(surname="WEBNAME")
    with UnitOfWork(factory, actor="officer.a") as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        crossing = record_crossing(uow, command(person_crossing("P-A", traveller=person)))
        uow.commit()
    return crossing.crossing.id, str(person["document"]["number"])


def test_a_supervisor_places_and_releases_a_hold_in_scope_only(
    session_factory: Factory, client_for: ClientFor, token_for: TokenFor
) -> None:
    crossing, _ = _seed(session_factory)
    ours = client_for(token_for("supervisor", ["P-A"]))
    theirs = client_for(token_for("supervisor", ["P-B"]))
    officer = client_for(token_for("officer", ["P-A"]))
    assert officer.get("/retention/holds").status_code == 403

    form = {"post": "P-A", "crossing": str(crossing), "reason": "investigation 12"}
    assert theirs.post("/retention/holds", data=form).status_code == 403
    # Their own post named, our crossing: not found there, nothing written.
    side_door = theirs.post("/retention/holds", data={**form, "post": "P-B"})
    assert side_door.status_code == 422
    assert "no such crossing at this post" in side_door.text
    empty = ours.post("/retention/holds", data={**form, "reason": ""})
    assert empty.status_code == 422
    assert "text/html" in empty.headers["content-type"]
    page = ours.post("/retention/holds", data=form)
    assert page.status_code == 200
    assert "investigation 12" in page.text
    with session_factory() as session:
        hold = session.scalars(select(LegalHold)).one()
    release = f"/retention/holds/{hold.id}/release"
    assert theirs.post(release, data={"reason": "done"}).status_code == 403
    assert ours.post(release, data={"reason": ""}).status_code == 422
    page = ours.post(release, data={"reason": "investigation closed"})
    assert page.status_code == 200
    assert "investigation 12" not in page.text
    with session_factory() as session:
        hold = session.scalars(select(LegalHold)).one()
        assert hold.release_reason == "investigation closed"
        entries = session.scalars(
            select(AuditEntry.action).where(AuditEntry.entity == "legal_holds")
        ).all()
    assert sorted(entries) == ["create", "update"]


def test_a_supervisor_exports_a_person_of_their_posts_as_page_json_and_pdf(
    session_factory: Factory, client_for: ClientFor, token_for: TokenFor
) -> None:
    _, number = _seed(session_factory)
    ours = client_for(token_for("supervisor", ["P-A"]))
    theirs = client_for(token_for("supervisor", ["P-B"]))
    assert client_for(token_for("analyst")).get("/people/export").status_code == 403
    assert ours.get("/people/export").status_code == 200
    asked = {"document": number, "issuer": "UTO"}
    page = ours.post("/people/export", data=asked)
    assert page.status_code == 200
    assert "WEBNAME" in page.text
    download = ours.post("/people/export", data={**asked, "format": "json"})
    assert download.headers["content-disposition"].startswith("attachment")
    assert download.json()["travellers"][0]["surname"] == "WEBNAME"
    pdf = ours.post("/people/export", data={**asked, "format": "pdf"})
    assert pdf.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "WEBNAME" in text
    # Another post's supervisor finds nothing; a bad issuer is named.
    other = theirs.post("/people/export", data=asked)
    assert other.status_code == 422
    assert "WEBNAME" not in other.text
    bad = ours.post("/people/export", data={**asked, "issuer": "12"})
    assert bad.status_code == 422
    assert "text/html" in bad.headers["content-type"]
    with session_factory() as session:
        exports = session.scalars(
            select(AuditEntry).where(AuditEntry.entity == "subject_access")
        ).all()
    assert len(exports) == 3
    assert all("WEBNAME" not in str(e.after) and number not in str(e.after) for e in exports)
