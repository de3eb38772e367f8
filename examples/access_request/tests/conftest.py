"""The access-request service against in-process twins (DTU's pytest fixtures), checked through
the official SDKs.

`world` builds what the universe would hold: one person with the same email in every twin
(the Google domain's bob), the Jira project ACC, the Okta group, the Drive folder (owned by
the domain admin) and the Slack channel; `service` runs the app on a loopback port with the
environment `dtu env` would print for these tenants.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
import pytest
import uvicorn
from google.auth import credentials as auth_credentials
from google.oauth2 import service_account
from googleapiclient.discovery import build
from jira import JIRA
from slack_sdk import WebClient

from examples.access_request.app import create_app
from examples.access_request.config import from_env

T = TypeVar("T")
PASSWORD = "Tr0ub4dor&3-horse"
FOLDER = "application/vnd.google-apps.folder"
CATALOGUE = {
    "resources": {
        "analytics-db": {
            "okta_group": "db-access",
            "drive_folder": "Analytics DB",
            "drive_role": "reader",
            "slack_channel": "db-access-requests",
            "aliases": ["analytics database"],
        }
    }
}


def wait_for(probe: Callable[[], T | None], timeout: float = 30.0, what: str = "condition") -> T:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def twin_env(slack: Any, okta: Any, jira: Any, google: Any) -> dict[str, str]:
    """What `dtu env` prints for these tenants (the names of each twin's env_vars)."""
    return {
        "DTU_SLACK_URL": slack.url,
        "DTU_SLACK_BOT_TOKEN": slack.bot_token,
        "DTU_OKTA_ORG_URL": okta.org_url,
        "DTU_OKTA_API_TOKEN": okta.api_token,
        "DTU_JIRA_URL": jira.url,
        "DTU_JIRA_EMAIL": jira.email,
        "DTU_JIRA_API_TOKEN": jira.api_token,
        "DTU_GOOGLE_DISCOVERY_URL": google.discovery_url,
        "DTU_GOOGLE_SERVICE_ACCOUNT_JSON": json.dumps(google.service_account),
        "DTU_GOOGLE_ADMIN_EMAIL": google.admin_email,
    }


@pytest.fixture(autouse=True)
def _no_regional_access_boundary_lookup(monkeypatch: pytest.MonkeyPatch) -> None:
    """google-auth looks up a service account's (no subject) regional access boundary at Google itself;
    the library skips it for other universes, and the tests skip it the same way (see the Google twin's README)."""
    monkeypatch.setattr(
        auth_credentials.CredentialsWithRegionalAccessBoundary,
        "_is_regional_access_boundary_lookup_required",
        lambda self: False,
    )


@dataclass
class World:
    slack: Any
    okta: Any
    jira: Any
    google: Any
    email: str
    okta_user: str
    okta_group: str
    jira_account: str
    project_id: str
    folder: str
    channel: str
    okta_http: httpx.Client
    jira_lib: JIRA
    slack_web: WebClient
    drive: Any

    def env(self, **extra: str) -> dict[str, str]:
        return {
            **twin_env(self.slack, self.okta, self.jira, self.google),
            "ACCESS_CATALOGUE": json.dumps(CATALOGUE),
            **extra,
        }

    def request(self, summary: str = "Access to the analytics database") -> Any:
        return self.jira_lib.create_issue(
            project="ACC", summary=summary, issuetype={"name": "Task"}, reporter={"accountId": self.jira_account}
        )

    def group_member_ids(self) -> set[str]:
        response = self.okta_http.get(f"/api/v1/groups/{self.okta_group}/users")
        response.raise_for_status()
        return {u["id"] for u in response.json()}

    def folder_emails(self) -> set[str]:
        listed = self.drive.permissions().list(fileId=self.folder, fields="permissions(emailAddress,type)").execute()
        return {p.get("emailAddress", "") for p in listed["permissions"] if p["type"] == "user"}

    def channel_texts(self) -> list[str]:
        history = self.slack_web.conversations_history(channel=self.channel)
        return [m.get("text", "") for m in history["messages"]]

    def comments(self, key: str) -> list[str]:
        return [c.body for c in self.jira_lib.comments(key)]


@pytest.fixture
def world(dtu_slack: Any, dtu_okta: Any, dtu_jira: Any, dtu_google: Any) -> Iterator[World]:
    email = dtu_google.bob_email
    okta_http = httpx.Client(
        base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"}, timeout=30.0
    )
    user = okta_http.post(
        "/api/v1/users?activate=true",
        json={
            "profile": {"firstName": "Bob", "lastName": "Builder", "email": email, "login": email},
            "credentials": {"password": {"value": PASSWORD}},
        },
    )
    assert user.status_code == 200, user.text
    group = okta_http.post("/api/v1/groups", json={"profile": {"name": "db-access", "description": "Analytics DB"}})
    assert group.status_code == 200, group.text

    jira_lib = JIRA(server=dtu_jira.url, basic_auth=(dtu_jira.email, dtu_jira.api_token), max_retries=0)
    with httpx.Client(base_url=dtu_jira.url, auth=(dtu_jira.email, dtu_jira.api_token), timeout=30.0) as http:
        account = http.post("/rest/api/3/user", json={"emailAddress": email, "products": ["jira-software"]})
        assert account.status_code == 201, account.text
        project = http.post(
            "/rest/api/2/project",
            json={
                "key": "ACC",
                "name": "Access Requests",
                "projectTypeKey": "software",
                "leadAccountId": dtu_jira.account_id,
                "assigneeType": "UNASSIGNED",
            },
        )
        assert project.status_code == 201, project.text

    slack_web = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    channel = slack_web.conversations_create(name="db-access-requests")["channel"]["id"]

    creds = service_account.Credentials.from_service_account_info(
        dtu_google.service_account, scopes=["https://www.googleapis.com/auth/drive"]
    ).with_subject(dtu_google.admin_email)
    drive = build(
        "drive",
        "v3",
        credentials=creds,
        discoveryServiceUrl=dtu_google.discovery_url,
        static_discovery=False,
        cache_discovery=False,
    )
    folder = drive.files().create(body={"name": "Analytics DB", "mimeType": FOLDER}, fields="id").execute()["id"]
    try:
        yield World(
            dtu_slack,
            dtu_okta,
            dtu_jira,
            dtu_google,
            email,
            user.json()["id"],
            group.json()["id"],
            account.json()["accountId"],
            str(project.json()["id"]),
            folder,
            channel,
            okta_http,
            jira_lib,
            slack_web,
            drive,
        )
    finally:
        drive.close()
        jira_lib.close()
        okta_http.close()


class Service:
    """The app served by uvicorn in a thread on a loopback port, lifespan included (as `python -m` runs it)."""

    def __init__(self, env: dict[str, str]) -> None:
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.port: int = self._socket.getsockname()[1]
        self.settings = from_env({**env, "ACCESS_PORT": str(self.port)})
        self.app = create_app(self.settings)
        self._server = uvicorn.Server(uvicorn.Config(self.app, log_level="warning", lifespan="on"))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)
        self.http = httpx.Client(base_url=f"http://127.0.0.1:{self.port}", timeout=10.0)

    def start(self) -> Service:
        self._thread.start()
        wait_for(lambda: self._healthy(), 20.0, "the service's /health")
        return self

    def _healthy(self) -> bool:
        try:
            return self.http.get("/health").status_code == 200
        except httpx.TransportError:
            return False

    def jobs(self) -> dict[str, Any]:
        body: dict[str, Any] = self.http.get("/jobs").json()
        return body

    def settled(self, count: int, timeout: float = 15.0) -> list[dict[str, Any]]:
        """Wait until `count` jobs exist and none is queued, running or retrying."""

        def probe() -> list[dict[str, Any]] | None:
            body = self.jobs()
            jobs: list[dict[str, Any]] = body["jobs"]
            finished = all(j["state"] in ("done", "failed", "skipped") for j in jobs)
            return jobs if len(jobs) >= count and finished and body["idle"] else None

        return wait_for(probe, timeout, f"{count} finished job(s)")

    def stop(self) -> None:
        self._server.should_exit = True
        self._thread.join(10)
        self.http.close()


@pytest.fixture
def service(world: World) -> Iterator[Service]:
    running = Service(world.env()).start()
    yield running
    running.stop()
