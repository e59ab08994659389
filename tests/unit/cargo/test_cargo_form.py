"""The booth's cargo rows assembled into the declaration, and its problems named by row."""

from __future__ import annotations

from borderpost.cargo.rules.declaration import DeclarationError, parse_consignment
from borderpost.crossings.cargo_form import consignment_from_form, form_problem, rows
from borderpost.errors import FieldProblem

ITEM = {"hs_code": "8471.30", "description": "laptops", "quantity": "10", "unit": "pcs",
        "gross_kg": "25", "net_kg": "20", "value": "5000", "currency": "usd",
        "origin": "DEU"}  # fmt: skip


def _rows(*items: dict[str, str], start: int = 0) -> dict[str, str]:
    return {
        f"items-{n}-{k}": v for n, item in enumerate(items, start=start) for k, v in item.items()
    }


def test_nothing_typed_is_no_consignment() -> None:
    blank = {"items-0-hs_code": " ", "permits-0-number": "", "seals": "", "carrier-name": ""}
    assert consignment_from_form(blank) is None
    assert rows(blank).items == 1


def test_the_rows_become_the_documented_json_that_the_parser_reads() -> None:
    form = {"carrier-name": "Mountain Freight", "carrier-country": "GEO",
            "consignor-name": "Sender Ltd", "consignee-name": "Receiver LLC",
            "seals": "S-1, S-2,", **_rows(ITEM), **_rows(ITEM, start=2),
            "permits-0-type": "export licence", "permits-0-number": "EX-7",
            "permits-0-issuer": "Ministry", "permits-0-valid_until": "2027-01-31"}  # fmt: skip
    made = consignment_from_form(form)
    assert made is not None
    assert made.item_rows == (0, 2)  # row 1 was never posted
    assert rows(form).items == 3
    declared = parse_consignment(made.data)
    assert [i.currency for i in declared.items] == ["USD", "USD"]
    assert declared.seals == ("S-1", "S-2")
    assert declared.carrier.country == "GEO"
    assert declared.permits[0].number == "EX-7"


def test_a_problem_names_the_row_the_officer_sees_and_its_field_in_words() -> None:
    form = {"consignor-name": "Sender Ltd", **_rows(ITEM), "items-1-description": " ",
            **_rows({**ITEM, "gross_kg": "", "net_kg": "x"}, start=2)}  # fmt: skip
    made = consignment_from_form(form)
    assert made is not None
    try:
        parse_consignment(made.data)
    except DeclarationError as exc:
        found = {
            (p.field, str(p.reason))
            for d in exc.problems
            for p in [form_problem(FieldProblem(f"consignments[1].{d.field}", d.message), 1, made)]
        }
    assert ("items-2-gross_kg", "line 3, gross weight: is required") in found
    assert ("items-2-net_kg", "line 3, net weight: write a number") in found
    assert ("carrier-name", "is required") in found
    assert ("consignee-name", "is required") in found


def test_problems_of_another_consignment_keep_their_path() -> None:
    made = consignment_from_form(_rows(ITEM))
    assert made is not None
    pasted = FieldProblem("consignments[0].items[0].gross_kg", "required")
    assert form_problem(pasted, 1, made) == pasted
    whole = FieldProblem("consignments", "no rule set in force")
    assert form_problem(whole, 1, made) == whole
