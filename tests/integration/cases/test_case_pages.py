"""The case pages and the person's pages over HTTP: a hotline call to a decision the person
reads in their language; problems at their fields; scope; the rate limit; the API."""

from __future__ import annotations

import re
from collections.abc import Callable

from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker
from tests.factories import command, make_post, person_crossing
from tests.web_support import add_user, bearer, csrf_of, sign_in

from borderpost.accounts.model import Role
from borderpost.crossings.services import record_crossing
from borderpost.unit_of_work import UnitOfWork

Factory = sessionmaker[Session]
ClientFor = Callable[..., TestClient]


def _posts(factory: Factory) -> None:
    with UnitOfWork(factory) as uow:
        make_post(uow, "P-A")
        make_post(uow, "P-B")
        uow.commit()


def _receipt(html: str) -> tuple[str, str]:
    reference = re.search(r'id="case-reference">([^<]+)<', html)
    secret = re.search(r'id="case-secret">([^<]+)<', html)
    assert reference is not None
    assert secret is not None
    return reference.group(1), secret.group(1)


def test_a_hotline_call_to_a_decision_read_by_the_person(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _posts(session_factory)
    add_user(session_factory, "cases.a", Role.CASE_OFFICER, ["P-A"])
    officer = client_for()
    csrf = sign_in(officer, "cases.a")
    assert "/cases/new" in officer.get("/cases").text
    form = officer.get("/cases/new")
    assert 'value="P-A" selected' in form.text
    call = {
        "csrf_token": csrf,
        "channel": "hotline",
        "kind": "complaint",
        "post": "P-A",
        "language": "ru",
        "contact_name": "Humanitarian convoy 7",
        "contact": "+994 12 000 00 00",
        "summary": "The convoy waited six hours at the post.",
    }
    received = officer.post("/cases/new", data=call)
    assert received.status_code == 201, received.text
    reference, secret = _receipt(received.text)
    case_url = re.search(r'href="(/cases/[0-9a-f-]+)" id="open-case"', received.text)
    assert case_url is not None
    url = case_url.group(1)
    steps = [
        ("assignment", {"assigned_to": "cases.a"}),
        ("review", {}),
        (
            "decision",
            {
                "outcome": "answered",
                "reason": "Lane 2 was closed for repairs.",
                "legal_basis": "§ 4",
            },
        ),
    ]
    for step, data in steps:
        done = officer.post(f"{url}/{step}", data={"csrf_token": csrf, **data})
        assert done.status_code == 200, (step, done.text[:500])  # followed to the page
    page = officer.get(url)
    assert 'id="case-status"><strong>decided' in page.text

    person = client_for()
    ask = person.get("/public/case/status")
    shown = person.post(
        "/public/case/status",
        data={"csrf_token": csrf_of(ask.text), "reference": reference, "secret": secret},
    )
    assert shown.status_code == 200
    assert '<html lang="ru">' in shown.text
    assert "Lane 2 was closed for repairs." in shown.text
    assert "Humanitarian convoy 7" not in shown.text  # nothing else of the case
    assert "+994" not in shown.text


def test_problems_at_their_fields_and_nothing_written(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _posts(session_factory)
    add_user(session_factory, "cases.a", Role.CASE_OFFICER, ["P-A"])
    officer = client_for()
    csrf = sign_in(officer, "cases.a")
    bad = officer.post(
        "/cases/new",
        data={
            "csrf_token": csrf,
            "kind": "appeal",
            "post": "P-A",
            "contact_name": "",
            "summary": "",
        },
    )
    assert bad.status_code == 422
    assert 'id="contact_name-problem"' in bad.text
    assert officer.get("/api/v1/cases").json() == []
    person = client_for()
    ask = person.get("/public/case/status")
    wrong = person.post(
        "/public/case/status",
        data={"csrf_token": csrf_of(ask.text), "reference": "C-AAAAAAAAAA", "secret": "x"},
    )
    assert wrong.status_code == 422
    assert 'id="reference-problem"' in wrong.text


def test_another_posts_case_and_records_are_out_of_reach(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _posts(session_factory)
    mine = add_user(session_factory, "cases.a", Role.CASE_OFFICER, ["P-A"])
    theirs = add_user(session_factory, "cases.b", Role.CASE_OFFICER, ["P-B"])
    body = {"kind": "inquiry", "post": "P-B", "contact_name": "X", "summary": "Where is he?"}
    api_b = client_for(theirs)
    made = api_b.post("/api/v1/cases", json=body)
    assert made.status_code == 201, made.text
    case_id = made.json()["case"]["id"]
    assert "secret" in made.json()
    api_a = client_for(mine)
    assert api_a.get(f"/api/v1/cases/{case_id}").status_code == 403
    assert api_a.post("/api/v1/cases", json=body).status_code == 403
    assert api_b.get("/api/v1/cases").json()[0]["id"] == case_id


def test_the_public_form_is_rate_limited(session_factory: Factory, client_for: ClientFor) -> None:
    _posts(session_factory)
    person = client_for(case_limit="2/minute")
    page = person.get("/public/case?lang=hy")
    assert '<html lang="hy">' in page.text
    sent = {
        "csrf_token": csrf_of(page.text),
        "kind": "missing_person",
        "post": "P-A",
        "language": "az",
        "contact_name": "A family",
        "summary": "Our father did not arrive.",
    }
    first = person.post("/public/case", data=sent)
    assert first.status_code == 201
    assert '<html lang="az">' in first.text
    _receipt(first.text)
    assert person.post("/public/case", data=sent).status_code == 201
    refused = person.post("/public/case", data=sent)
    assert refused.status_code == 429
    assert refused.headers["content-type"].startswith("text/html")


def test_a_supervisor_approves_a_granted_appeal(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _posts(session_factory)
    officer = client_for(add_user(session_factory, "cases.a", Role.CASE_OFFICER, ["P-A"]))
    chief = client_for(add_user(session_factory, "chief.a", Role.SUPERVISOR, ["P-A"]))
    body = {"kind": "appeal", "post": "P-A", "contact_name": "X", "summary": "Refused."}
    case_id = officer.post("/api/v1/cases", json=body).json()["case"]["id"]
    officer.post(f"/api/v1/cases/{case_id}/assignment", json={"team": "appeals"})
    officer.post(f"/api/v1/cases/{case_id}/review")
    grant = {"outcome": "granted", "reason": "Valid visa.", "legal_basis": "Art. 7"}
    waiting = officer.post(f"/api/v1/cases/{case_id}/decision", json=grant)
    assert waiting.json()["status"] == "awaiting_approval"
    assert officer.post(f"/api/v1/cases/{case_id}/approval").status_code == 403
    approved = chief.post(f"/api/v1/cases/{case_id}/approval")
    assert approved.json()["status"] == "decided"
    assert approved.json()["approved_by"] == "chief.a"
    headers = bearer("nonsense")
    assert chief.get(f"/api/v1/cases/{case_id}", headers=headers).status_code == 401


def test_linking_records_on_the_case_page(session_factory: Factory, client_for: ClientFor) -> None:
    _posts(session_factory)
    with UnitOfWork(session_factory) as uow:
        here = record_crossing(uow, command(person_crossing("P-A"))).crossing
        there = record_crossing(uow, command(person_crossing("P-B"))).crossing
        uow.commit()
    add_user(session_factory, "cases.a", Role.CASE_OFFICER, ["P-A"])
    officer = client_for()
    csrf = sign_in(officer, "cases.a")
    body = {"kind": "appeal", "post": "P-A", "contact_name": "X", "summary": "Refused."}
    received = officer.post("/cases/new", data={"csrf_token": csrf, "channel": "letter", **body})
    case_url = re.search(r'href="(/cases/[0-9a-f-]+)" id="open-case"', received.text)
    assert case_url is not None
    url = case_url.group(1)
    link = {"csrf_token": csrf, "record_type": "crossing"}
    refused = officer.post(f"{url}/records", data={**link, "record_id": str(there.id)})
    assert refused.status_code == 422
    assert 'id="record_id-problem"' in refused.text
    linked = officer.post(f"{url}/records", data={**link, "record_id": str(here.id)})
    assert linked.status_code == 200
    assert f'href="/posts/P-A/crossings/{here.id}"' in linked.text
    assert str(there.id) not in linked.text


def test_a_user_of_several_posts_works_one_post_at_a_time(
    session_factory: Factory, client_for: ClientFor
) -> None:
    _posts(session_factory)
    add_user(session_factory, "cases.ab", Role.CASE_OFFICER, ["P-A", "P-B"])
    officer = client_for()
    sign_in(officer, "cases.ab")
    start = officer.get("/posts")
    assert 'href="/cases?post=P-A"' in start.text
    page = officer.get("/cases?post=P-B")
    assert page.status_code == 200
    assert 'href="/cases?post=P-A"' in page.text
    assert officer.get("/cases").status_code == 403  # every post: only with network scope
