"""The JQL corpus (`jql_corpus.yaml`): 100+ queries over a seeded site, each with the issues
Jira returns for it, worked out from Atlassian's JQL reference (see the file's header)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import yaml

CORPUS = yaml.safe_load((Path(__file__).parent / "jql_corpus.yaml").read_text())
QUERIES: list[dict[str, Any]] = CORPUS["queries"]


def _epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()


@pytest.fixture(scope="module")
def site(dtu_jira_server: Any) -> Iterator[tuple[Any, dict[str, str]]]:
    """One seeded site for the whole corpus (read-only queries), clock frozen at the corpus's `now`."""
    handle = dtu_jira_server.new_tenant()
    handle.control("POST", "/clock", json={"action": "freeze", "at": _epoch(CORPUS["now"])}).raise_for_status()
    seeded = handle.control("POST", "/seed", json=CORPUS["seed"])
    assert seeded.status_code == 200, seeded.text
    alice, bob = seeded.json()["created"]["users"]
    people = {"alice": alice, "bob": bob, "member": handle.member_account_id, "admin": handle.account_id}
    yield handle, people
    dtu_jira_server.drop_tenant(handle)


def test_corpus_is_large_enough() -> None:
    assert len(QUERIES) >= 100
    assert len({q["jql"] for q in QUERIES}) == len(QUERIES), "duplicate queries"


@pytest.mark.parametrize("case", QUERIES, ids=[q["jql"] or "<empty>" for q in QUERIES])
def test_jql(site: tuple[Any, dict[str, str]], case: dict[str, Any]) -> None:
    handle, people = site
    jql = case["jql"]
    for name, account in people.items():
        jql = jql.replace("{" + name + "}", account)
    with httpx.Client(base_url=handle.url, auth=(handle.email, handle.api_token), timeout=30) as http:
        response = http.get("/rest/api/2/search", params={"jql": jql, "fields": "key", "maxResults": 100})
    assert response.status_code == 200, response.text
    keys = [issue["key"] for issue in response.json()["issues"]]
    if case.get("ordered"):
        assert keys == case["keys"]
    else:
        assert sorted(keys) == sorted(case["keys"])
