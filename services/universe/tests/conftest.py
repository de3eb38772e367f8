"""A fleet of the four twins (the plugin's session servers) with a universe loaded into one tenant.

The tenant id is the same in every twin, as `apply_universe` makes it; the checks talk to the
twins only through the vendors' SDKs and HTTP, never through services.*.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from google.auth import credentials as auth_credentials

from services.pytest_plugin import TwinServer
from services.universe import FleetClient, Universe, apply_universe, load_universe

# The okta SDK refuses plain-http org URLs unless its testing flag is set.
os.environ.setdefault("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true")

FRAGMENT: dict[str, Any] = {
    "universe": 1,
    "company": {"name": "Initech", "domain": "initech.test"},
    "seed": 11,
    "people": [
        {
            "handle": "alice",
            "name": "Alice Liddell",
            "title": "Database Engineer",
            "department": "Engineering",
            "manager": "bob",
            "groups": ["engineering", "db-admins"],
        },
        {"handle": "bob", "name": "Bob Stone", "title": "Engineering Manager", "groups": ["engineering"]},
        {"handle": "carol", "name": "Carol Jensen", "status": "suspended", "groups": ["engineering"]},
        {"handle": "dan", "name": "Dan Brown", "email": "Daniel.Brown@initech.test", "password": "Correct-Horse-1"},
    ],
    "groups": [
        {"handle": "engineering", "name": "Engineering", "description": "All engineers"},
        {"handle": "db-admins", "name": "Database Admins"},
    ],
    "apps": [
        {"handle": "slack", "label": "Slack", "assign": {"groups": ["everyone"]}},
        {"handle": "google", "label": "Google Workspace", "assign": {"groups": ["everyone"]}},
    ],
    "slack": {
        "channels": [
            {"name": "general", "members": "everyone"},
            {"name": "eng", "members": {"group": "engineering"}, "topic": "Build things"},
            {"name": "db-access-requests", "private": True, "members": {"group": "db-admins"}},
        ]
    },
    "jira": {"projects": [{"key": "ACC", "name": "Access Requests", "lead": "bob", "members": "everyone"}]},
    "google": {
        "folders": [{"name": "Analytics DB", "owner": "alice", "share": [{"group": "db-admins", "role": "writer"}]}]
    },
}


@dataclass
class Loaded:
    universe: Universe
    fleet: FleetClient
    tenant: str
    result: dict[str, Any]

    def credentials(self, twin: str) -> dict[str, Any]:
        creds: dict[str, Any] = self.result["credentials"][twin]
        return creds

    def url(self, twin: str) -> str:
        return self.fleet.url(twin)


@pytest.fixture(scope="session")
def fleet(
    dtu_okta_server: TwinServer,
    dtu_slack_server: TwinServer,
    dtu_jira_server: TwinServer,
    dtu_google_server: TwinServer,
) -> Iterator[FleetClient]:
    servers = {"okta": dtu_okta_server, "slack": dtu_slack_server, "jira": dtu_jira_server, "google": dtu_google_server}
    with FleetClient({name: server.url for name, server in servers.items()}) as client:
        yield client


def load_into(fleet: FleetClient, source: Any) -> Loaded:
    universe = load_universe(source)
    tenant = "u" + uuid.uuid4().hex[:12]
    return Loaded(universe, fleet, tenant, apply_universe(universe, fleet, tenant))


@pytest.fixture(scope="module")
def small(fleet: FleetClient) -> Iterator[Loaded]:
    """The fragment above, loaded into a fresh tenant of every twin."""
    loaded = load_into(fleet, FRAGMENT)
    yield loaded
    fleet.delete_tenant(loaded.tenant)


@pytest.fixture(autouse=True)
def _no_regional_access_boundary_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """google-auth may look up a service account's access boundary at Google: meaningless for a twin."""
    monkeypatch.setattr(
        auth_credentials.CredentialsWithRegionalAccessBoundary,
        "_is_regional_access_boundary_lookup_required",
        lambda self: False,
    )
