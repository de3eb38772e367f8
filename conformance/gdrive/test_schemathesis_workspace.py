"""Docs v1 and Sheets v4 fuzzed by schemathesis from Google's own discovery documents, converted to
OpenAPI by discovery_to_openapi.py, with the checks of the Drive run (test_schemathesis.py):
- no server error (`not_a_server_error`);
- responses match the discovery document's schema, errors Google's envelope
  (`response_schema_conformance`, `status_code_conformance`);
- bad credentials refused: a bogus bearer token is 401 `UNAUTHENTICATED`, none is refused too.

A generated `documentId`/`spreadsheetId` would only ever meet "Requested entity was not found.", so
each operation runs against a document/spreadsheet created for it and every case is sent to that
id. Generated A1 ranges rarely parse, so `range` (and `ranges`) are drawn from a few real A1
ranges as well as from the generated strings. Operations left out are in `EXCLUDED`, with reasons.
"""

from __future__ import annotations

import os
from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance, status_code_conformance

from conformance.gdrive.conftest import refresh, sa_credentials
from conformance.gdrive.discovery_to_openapi import convert, load
from conformance.gdrive.test_schemathesis import BOGUS_TOKEN, authorize

# As in test_schemathesis.py: the route registry (and the batchUpdate handler tables) say WHICH
# operations (request kinds) exist; only Google's discovery documents judge the answers.
from services.gdrive import api as _register_routes  # noqa: F401  (fills ROUTES)
from services.gdrive.docs import edits
from services.gdrive.endpoint import ROUTES
from services.gdrive.sheets import requests

MAX_EXAMPLES = int(os.environ.get("DTU_SCHEMATHESIS_EXAMPLES", "6"))
IMPLEMENTED = {(route.name or "").split(":", 1)[0] for _, route in ROUTES}
EXCLUDED: dict[str, str] = {}
# Schemathesis' coverage phase enumerates boundary values of every property of the request body, and is
# not bounded by max_examples: for these bodies (Document, Spreadsheet and the two batchUpdate requests,
# hundreds of nested kinds) that is 5,000-17,000 cases each. They get the fuzzing phase only.
FUZZING_ONLY = [
    "docs.documents.create",
    "docs.documents.batchUpdate",
    "sheets.spreadsheets.create",
    "sheets.spreadsheets.batchUpdate",
]
CONFIG = SchemathesisConfig.from_dict(
    {"operations": [{"include-operation-id": FUZZING_ONLY, "phases": {"coverage": {"enabled": False}}}]}
)
DOCS = convert(
    load("docs.v1.json"), only={m for m in IMPLEMENTED if m.startswith("docs.")} - set(EXCLUDED), closed=True
)
SHEETS = convert(
    load("sheets.v4.json"), only={m for m in IMPLEMENTED if m.startswith("sheets.")} - set(EXCLUDED), closed=True
)


def _one_kind(spec: dict[str, Any], implemented: set[str]) -> None:
    """A batchUpdate `Request` is a oneof (Docs' and Sheets' references: "Union field request can be only
    one of"), which the discovery document cannot say: one kind per Request. Only the kinds the twin
    implements are generated; the others answer 501, as LIMITATIONS says (services/gdrive/README.md)."""
    request = spec["components"]["schemas"]["Request"]
    request["properties"] = {k: v for k, v in request["properties"].items() if k in implemented}
    request["minProperties"] = request["maxProperties"] = 1


_one_kind(DOCS, set(edits.HANDLERS))
_one_kind(SHEETS, set(requests.HANDLERS))
docs_schema = schemathesis.openapi.from_dict(DOCS, config=CONFIG)
sheets_schema = schemathesis.openapi.from_dict(SHEETS, config=CONFIG)

# A1 ranges a client sends (sheet names quoted or not, open-ended, whole rows/columns), a few of them wrong.
A1_RANGES = ["Sheet1!A1:C3", "A1", "'Sheet1'!B2:B", "Sheet1", "1:2", "A:B", "Sheet1!A1:Z1000", "Nope!A1", "A0"]
SETTINGS = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    database=None,
    # CI replays one fixed set of cases (a failure reproduces); DTU_SCHEMATHESIS_RANDOM=1 explores anew.
    derandomize=os.environ.get("DTU_SCHEMATHESIS_RANDOM") != "1",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


@sheets_schema.hook
def flatmap_path_parameters(
    context: Any, path_parameters: dict[str, Any] | None
) -> st.SearchStrategy[dict[str, Any] | None]:
    if not path_parameters or "range" not in path_parameters:
        return st.just(path_parameters)
    ranges = st.sampled_from([*A1_RANGES, str(path_parameters["range"])])
    return ranges.map(lambda text: {**path_parameters, "range": text})


@sheets_schema.hook
def flatmap_query(context: Any, query: dict[str, Any] | None) -> st.SearchStrategy[dict[str, Any] | None]:
    names = {parameter.name for parameter in context.operation.query}
    strategy: st.SearchStrategy[dict[str, Any]] = st.just(dict(query or {}))
    if "ranges" in names:
        ranges = st.lists(st.sampled_from(A1_RANGES), max_size=3)
        strategy = strategy.flatmap(lambda q: st.just(q) | ranges.map(lambda chosen: {**q, "ranges": chosen}))
    if "valueInputOption" in names:
        strategy = strategy.flatmap(_with_input_option)
    return strategy


@sheets_schema.hook
def flatmap_body(context: Any, body: Any) -> st.SearchStrategy[Any]:
    if context.operation.label.endswith("values:batchUpdate") and isinstance(body, dict):
        return _with_input_option(body)
    return st.just(body)


def _with_input_option(given: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Sheets requires valueInputOption to write, though the discovery document leaves it optional."""
    if given.get("valueInputOption"):
        return st.just(given)
    chosen = st.sampled_from([None, "RAW", "USER_ENTERED"])
    return chosen.map(lambda option: given if option is None else {**given, "valueInputOption": option})


@pytest.fixture
def token(dtu_google: Any) -> str:
    value: str = refresh(sa_credentials(dtu_google, dtu_google.alice_email)).token
    return value


def _created(dtu_google: Any, token: str, path: str, key: str) -> str:
    response = httpx.post(f"{dtu_google.url}{path}", json={}, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.text
    created: str = response.json()[key]
    return created


@pytest.fixture
def document(dtu_google: Any, token: str) -> str:
    """The document every case of one operation is sent to (created once per operation)."""
    return _created(dtu_google, token, "/v1/documents", "documentId")


@pytest.fixture
def spreadsheet(dtu_google: Any, token: str) -> str:
    return _created(dtu_google, token, "/v4/spreadsheets", "spreadsheetId")


def run(case: schemathesis.Case, base_url: str, token: str, spec: dict[str, Any], owned: dict[str, str]) -> None:
    for name, value in owned.items():
        if name in (case.path_parameters or {}):
            case.path_parameters = {**(case.path_parameters or {}), name: value}
    authorize(case, token)
    response = case.call(base_url=base_url)
    if case.method.lower() not in spec["paths"][case.operation.path]:
        # Verbs the document does not define: Google answers 404 before authentication.
        case.validate_response(response, checks=[not_a_server_error])
        return
    case.validate_response(response, checks=[not_a_server_error, response_schema_conformance, status_code_conformance])
    bad_credentials_refused(case, base_url)


def bad_credentials_refused(case: schemathesis.Case, base_url: str) -> None:
    """A bogus token is 401 UNAUTHENTICATED (the newer APIs' envelope: no `errors` list); none is refused."""
    authorize(case, BOGUS_TOKEN)
    bogus = case.call(base_url=base_url)
    assert bogus.status_code == 401, f"bogus token answered {bogus.status_code}: {bogus.request.url} {bogus.text[:300]}"
    assert bogus.json()["error"]["status"] == "UNAUTHENTICATED"
    authorize(case, None)
    missing = case.call(base_url=base_url)
    assert missing.status_code in (401, 403), f"no credentials answered {missing.status_code}"


@docs_schema.parametrize()
@SETTINGS
def test_docs_v1(case: schemathesis.Case, dtu_google: Any, token: str, document: str) -> None:
    run(case, dtu_google.url, token, DOCS, {"documentId": document})


@sheets_schema.parametrize()
@SETTINGS
def test_sheets_v4(case: schemathesis.Case, dtu_google: Any, token: str, spreadsheet: str) -> None:
    run(case, dtu_google.url, token, SHEETS, {"spreadsheetId": spreadsheet})


def test_the_brief_operations_are_fuzzed() -> None:
    fuzzed = {op["operationId"] for spec in (DOCS, SHEETS) for path in spec["paths"].values() for op in path.values()}
    values = {f"sheets.spreadsheets.values.{m}" for m in ("get", "update", "append", "clear", "batchGet")}
    batches = {f"sheets.spreadsheets.values.{m}" for m in ("batchUpdate", "batchClear")}
    spreadsheets = {f"sheets.spreadsheets.{m}" for m in ("create", "get", "batchUpdate")}
    documents = {f"docs.documents.{m}" for m in ("create", "get", "batchUpdate")}
    assert fuzzed >= values | batches | spreadsheets | documents
