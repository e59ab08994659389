"""Every input is bounded: no text without a maximum length, no list without a maximum count.

Two walks, so that nothing escapes: the request bodies of the app's OpenAPI document (what the
API and the forms declare), and every pydantic model in ``src/borderpost`` that takes input
(``extra="forbid"``: the import lines, the shipped events and the bodies alike). A text
(``maxLength``), a list (``maxItems``) or a mapping (``maxProperties``) without its bound
fails, naming the schema and the field. Enumerations, dates, times and ids are bounded by
their format.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, TypeAdapter, ValidationError

import borderpost
from borderpost.app import create_app
from borderpost.config import Settings
from borderpost.ledger.services import checked_code
from borderpost.schemas import Code

# Values bounded elsewhere (with what is inside them), and why. A declared consignment is read
# by the cargo rules' JSON reader, which bounds every text, number and list in it
# (cargo/rules/jsonread.py). A quantity is a decimal, bounded by its max_digits once read.
UNBOUNDED_ON_PURPOSE = {
    "CrossingCreate.consignments[]",
    "CargoCheck.declaration",
    "FindingCreate.quantity",
    "SeizureCreate.quantity",
    # What a post shipped as it stored it: the values of its JSON columns (parties, permits,
    # rules, an audit entry's before and after), bounded in count and keys here and in size
    # at the post (the cargo reader, the post's schemas); amounts by their max_digits.
    *(f"ConsignmentRow.{name}{{}}" for name in ("carrier", "consignee", "consignor", "random")),
    *(f"ConsignmentRow.{name}" for name in ("permits[]{}", "rules[]{}", "sending_organisation{}")),
    *(f"GoodsItemRow.{name}" for name in ("gross_kg", "net_kg", "quantity", "value")),
    "GoodsItemRow.reasons[]{}",
    "_AuditRow.after{}",
    "_AuditRow.before{}",
    "_FindingRow.quantity",
    "_SeizureRow.quantity",
}
BOUNDED_FORMATS = {"date", "date-time", "time", "uuid", "duration", "binary"}


def _walk(
    schema: dict[str, Any], defs: dict[str, Any], where: str, seen: set[str]
) -> Iterator[str]:
    """Paths (``Model.field[]``) of unbounded texts, lists, mappings and free values."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        if name in seen:
            return
        yield from _walk(defs[name], defs, name, seen | {name})
        return
    for key in ("anyOf", "oneOf", "allOf"):
        for option in schema.get(key, []):
            yield from _walk(option, defs, where, seen)
    if any(key in schema for key in ("anyOf", "oneOf", "allOf", "enum", "const")):
        return
    kind = schema.get("type")
    if kind == "string":
        # An uploaded file (contentMediaType) is bounded by the route that reads it.
        bounded = schema.get("format") in BOUNDED_FORMATS or "contentMediaType" in schema
        if "maxLength" not in schema and not bounded:
            yield where
    elif kind == "array":
        if "maxItems" not in schema:
            yield where
        yield from _walk(schema.get("items", {}), defs, f"{where}[]", seen)
    elif kind == "object":
        for name, field in schema.get("properties", {}).items():
            yield from _walk(field, defs, f"{where}.{name}", seen)
        extra = schema.get("additionalProperties", {} if "properties" not in schema else False)
        if extra is not False:
            if "maxProperties" not in schema:
                yield where
            yield from _walk(extra if isinstance(extra, dict) else {}, defs, f"{where}{{}}", seen)
            # JSON keys are texts: pydantic leaves the type out.
            names = {"type": "string", **schema.get("propertyNames", {})}
            yield from _walk(names, defs, f"{where}{{key}}", seen)
    elif kind is None:
        yield where  # any value at all


def _unbounded(schema: dict[str, Any], defs: dict[str, Any], where: str) -> list[str]:
    found = set(_walk(schema, defs, where, set()))
    return sorted(p for p in found if not p.startswith(tuple(UNBOUNDED_ON_PURPOSE)))


def _input_models() -> Iterator[type[BaseModel]]:
    for info in pkgutil.walk_packages(borderpost.__path__, "borderpost."):
        if ".migrations." in info.name or info.name.endswith("__main__"):
            continue
        try:
            module = importlib.import_module(info.name)
        except ImportError:  # an optional extra (ocr) that is not installed
            continue
        for _, value in inspect.getmembers(module, inspect.isclass):
            if (
                issubclass(value, BaseModel)
                and value.__module__ == info.name
                and value.model_config.get("extra") == "forbid"
            ):
                yield value


def test_the_walk_finds_an_unbounded_text_and_list() -> None:
    class Loose(BaseModel):
        name: str
        tags: list[int]

    schema = Loose.model_json_schema()
    assert _unbounded(schema, schema.get("$defs", {}), "Loose") == ["Loose.name", "Loose.tags"]


def test_every_request_body_of_the_app_is_bounded() -> None:
    app = create_app(Settings(database_url="sqlite://", secret_key="t"))
    document = app.openapi()
    defs = document.get("components", {}).get("schemas", {})
    found: list[str] = []
    bodies = 0
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for media in operation.get("requestBody", {}).get("content", {}).values():
                bodies += 1
                where = f"{method.upper()} {path}"
                found += [f"{where}: {p}" for p in _unbounded(media["schema"], defs, "body")]
    assert bodies > 10  # the walk saw the API
    assert found == []


@pytest.mark.parametrize("model", sorted(_input_models(), key=lambda m: m.__qualname__), ids=str)
def test_every_input_model_is_bounded(model: type[BaseModel]) -> None:
    schema = model.model_json_schema(mode="validation")
    assert _unbounded(schema, schema.get("$defs", {}), model.__name__) == []


@given(st.text(max_size=40) | st.from_regex(r"[A-Za-z0-9][A-Za-z0-9._-]{0,35}", fullmatch=True))
def test_a_code_the_schemas_take_is_one_the_ledger_takes(text: str) -> None:
    """One pattern: every post code a schema admits names a log (its folder and URL)."""
    try:
        code = TypeAdapter(Code).validate_python(text)
    except ValidationError:
        return
    assert checked_code(code) == code
