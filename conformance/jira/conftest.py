"""Black-box Jira conformance: the twin is driven through the `jira` library (pycontribs) and
plain HTTP over a socket.

Fixtures come from DTU's pytest plugin (`dtu_jira`: a fresh site per test, credentials
url, email, api_token, account_id, member_email, member_account_id). Nothing here
imports `services.*`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from jira import JIRA


def client(dtu_jira: Any) -> JIRA:
    return JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.email, dtu_jira.api_token), max_retries=0)


@pytest.fixture
def jira(dtu_jira: Any) -> Iterator[JIRA]:
    """The site admin, through Basic auth with an API token (what Jira Cloud scripts do)."""
    instance = client(dtu_jira)
    yield instance
    instance.close()


@pytest.fixture
def http(dtu_jira: Any) -> Iterator[httpx.Client]:
    """Plain HTTP as the site admin, for what the library does not expose (v3, raw envelopes)."""
    with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.email, dtu_jira.api_token), timeout=30.0) as c:
        yield c


def create_project(jira: JIRA, key: str, name: str | None = None, **extra: Any) -> dict[str, Any]:
    """POST /rest/api/2/project as Jira Cloud documents it (the library's create_project needs an
    issue security scheme, which a new Cloud site does not have)."""
    payload = {
        "key": key,
        "name": name or f"Project {key}",
        "projectTypeKey": "software",
        "projectTemplateKey": "com.pyxis.greenhopper.jira:gh-simplified-basic",
        "leadAccountId": jira.current_user(),
        "assigneeType": "UNASSIGNED",
        **extra,
    }
    response = jira._session.post(jira._get_url("project"), data=json.dumps(payload))
    result: dict[str, Any] = response.json()
    return result


@pytest.fixture
def project(jira: JIRA) -> dict[str, Any]:
    """A fresh company-managed software project `DTU`."""
    return create_project(jira, "DTU", "Digital Twin Universe")


@pytest.fixture
def member(dtu_jira: Any) -> Iterator[JIRA]:
    """The site's second user: product access (`jira-software-users`), no administration."""
    instance = JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.member_email, dtu_jira.member_api_token), max_retries=0)
    yield instance
    instance.close()


@pytest.fixture
def app_http(dtu_jira: Any) -> Iterator[httpx.Client]:
    """An OAuth 2.0 app's view (Bearer), for what only apps may call (dynamic webhooks)."""
    headers = {"Authorization": f"Bearer {dtu_jira.api_token}"}
    with httpx.Client(base_url=dtu_jira.url, headers=headers, timeout=30.0) as c:
        yield c
