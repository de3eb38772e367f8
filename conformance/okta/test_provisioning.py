"""Okta provisioning into the Slack and Google twins, as Okta's Slack and Google Workspace apps provision.

Three twins on loopback (the plugin's session servers, a fresh tenant in each): an Okta org
whose OIN apps `slack` and `google` carry provisioning connections (Application Connections
API) to the Slack tenant's SCIM API and the Google domain's Directory API. Assigning a user
(directly or through a group) creates their account; profile changes update it; unassignment,
deactivation and suspension deactivate it (Slack `active: false`, Google `suspended: true`);
unsuspension reactivates it. Pushes are asynchronous and retried: a target that is down
delays a push, never loses it. Each push is a System Log event of Okta's provisioning types.
Waits are bounded polls (a few seconds).
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import httpx
import pytest
from google.oauth2 import service_account
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from okta.client import Client
from okta.models import (
    AppUserAssignRequest,
    CreateUserRequest,
    PasswordCredential,
    UpdateUserRequest,
    UserCredentialsWritable,
    UserProfile,
)
from slack_sdk import WebClient

T = TypeVar("T")
DIRECTORY_USER = "https://www.googleapis.com/auth/admin.directory.user"
# Seconds a push may take (retries after a target comes back start at 0.5 s). Generous: polls return
# as soon as the condition holds, and a loaded 2-core CI machine can be slow.
DEADLINE = 30.0


def eventually(probe: Callable[[], T | None], what: str, timeout: float = DEADLINE) -> T:
    """Poll until `probe` returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {timeout}s: {what}")
        time.sleep(0.05)


class Relay:
    """A TCP relay in front of a twin: closed, the twin is unreachable (connection refused)."""

    def __init__(self, target_url: str) -> None:
        url = httpx.URL(target_url)
        self.target = (url.host, url.port or 80)
        probe = socket.socket()
        probe.bind(("127.0.0.1", 0))
        self.port = probe.getsockname()[1]
        probe.close()
        self.url = f"http://127.0.0.1:{self.port}"
        self._listener: socket.socket | None = None
        self._open: set[socket.socket] = set()
        self._lock = threading.Lock()

    def open(self) -> None:
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(16)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()

    def close(self) -> None:
        """Stop listening and cut every relayed connection (pooled keep-alive ones included)."""
        if self._listener is not None:
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._open:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
                sock.close()
            self._open.clear()

    def _accept(self, listener: socket.socket) -> None:
        while True:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            upstream = socket.create_connection(self.target)
            with self._lock:
                self._open |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)


@pytest.fixture
def okta_http(dtu_okta: Any) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=dtu_okta.org_url, headers={"Authorization": f"SSWS {dtu_okta.api_token}"}) as http:
        yield http


def oin_app(http: httpx.Client, name: str, label: str) -> str:
    """The OIN app as Okta creates it (SAML 2.0, named after the vendor)."""
    body = {
        "name": name,
        "label": label,
        "signOnMode": "SAML_2_0",
        "settings": {
            "signOn": {"ssoAcsUrl": f"https://{name}.example/sso/saml", "audience": f"https://{name}.example"}
        },
    }
    response = http.post("/api/v1/apps", json=body)
    assert response.status_code == 200, response.text
    app_id: str = response.json()["id"]
    return app_id


def connect_slack(http: httpx.Client, app_id: str, base_url: str, token: str) -> httpx.Response:
    body = {"profile": {"authScheme": "TOKEN", "token": token}, "baseUrl": base_url}
    return http.post(f"/api/v1/apps/{app_id}/connections/default", params={"activate": "true"}, json=body)


def connect_google(http: httpx.Client, app_id: str, dtu_google: Any) -> httpx.Response:
    profile = {"authScheme": "OAUTH2", "serviceAccount": dtu_google.service_account, "subject": dtu_google.admin_email}
    body = {"profile": profile, "baseUrl": dtu_google.url}
    return http.post(f"/api/v1/apps/{app_id}/connections/default", params={"activate": "true"}, json=body)


# The SDK's operations without a response body answer (None, resp, None) on success but
# (resp, err) on failure, so their error is read as the last element.


async def new_user(okta: Client, login: str, first: str = "Nina", last: str = "Hire") -> Any:
    profile = UserProfile(firstName=first, lastName=last, email=login, login=login, title="Engineer")
    # With a password the user is ACTIVE (without one, PROVISIONED: not yet suspendable).
    credentials = UserCredentialsWritable(password=PasswordCredential(value="Correct-Horse-1"))
    user, _, err = await okta.create_user(CreateUserRequest(profile=profile, credentials=credentials), activate=True)
    assert err is None, err
    return user


def scim_user(dtu_slack: Any, email: str) -> dict[str, Any] | None:
    response = httpx.get(
        f"{dtu_slack.base_url}/scim/v1/Users",
        params={"filter": f'email eq "{email}"'},
        headers={"Authorization": f"Bearer {dtu_slack.user_token}"},
    )
    assert response.status_code == 200, response.text
    resources = response.json()["Resources"]
    return resources[0] if resources else None


@pytest.fixture
def directory(dtu_google: Any) -> Iterator[Any]:
    """The Google domain's Directory API as its admin (a service account delegating as them)."""
    credentials = service_account.Credentials.from_service_account_info(
        dtu_google.service_account, scopes=[DIRECTORY_USER]
    ).with_subject(dtu_google.admin_email)
    service = build(
        "admin",
        "directory_v1",
        credentials=credentials,
        discoveryServiceUrl=dtu_google.discovery_url,
        static_discovery=False,
        cache_discovery=False,
    )
    yield service
    service.close()


def directory_user(directory: Any, email: str) -> dict[str, Any] | None:
    try:
        found: dict[str, Any] = directory.users().get(userKey=email).execute()
    except HttpError as error:
        if error.resp.status == 404:
            return None
        raise
    return found


def provisioning_events(http: httpx.Client, user_id: str) -> list[tuple[str, str]]:
    response = http.get("/api/v1/logs", params={"filter": 'eventType sw "application.provision"', "limit": 200})
    assert response.status_code == 200, response.text
    return [
        (e["eventType"], e["outcome"]["result"])
        for e in response.json()
        if user_id in {t["id"] for t in e.get("target") or []}
    ]


def at_least(count: int, probe: Callable[[], list[T]]) -> Callable[[], list[T] | None]:
    """A probe that is satisfied once `probe` returns `count` items or more."""

    def check() -> list[T] | None:
        found = probe()
        return found if len(found) >= count else None

    return check


def app_user(http: httpx.Client, app_id: str, user_id: str) -> dict[str, Any]:
    response = http.get(f"/api/v1/apps/{app_id}/users/{user_id}")
    assert response.status_code == 200, response.text
    found: dict[str, Any] = response.json()
    return found


# -- the Application Connections API -------------------------------------------------------


async def test_connection_api(okta: Client, okta_http: httpx.Client, dtu_slack: Any) -> None:
    app_id = oin_app(okta_http, "slack", "Slack")
    before = okta_http.get(f"/api/v1/apps/{app_id}/connections/default").json()
    assert before["status"] == "DISABLED" and before["profile"]["authScheme"] == "UNKNOWN"
    created = connect_slack(okta_http, app_id, dtu_slack.base_url, dtu_slack.user_token)
    assert created.status_code == 200, created.text
    body = created.json()
    assert body["status"] == "ENABLED" and body["authScheme"] == "TOKEN" and body["baseUrl"] == dtu_slack.base_url
    assert body["profile"] == {"authScheme": "TOKEN"}  # the token is write-only
    assert body["_links"]["deactivate"]["href"].endswith(
        f"/api/v1/apps/{app_id}/connections/default/lifecycle/deactivate"
    )
    connection, _, err = await okta.get_default_provisioning_connection_for_application(app_id)
    assert err is None, err
    assert connection.status == "ENABLED" and connection.profile.auth_scheme == "TOKEN"
    result = await okta.deactivate_default_provisioning_connection_for_application(app_id)
    assert result[-1] is None
    assert okta_http.get(f"/api/v1/apps/{app_id}/connections/default").json()["status"] == "DISABLED"
    result = await okta.activate_default_provisioning_connection_for_application(app_id)
    assert result[-1] is None
    assert okta_http.get(f"/api/v1/apps/{app_id}/connections/default").json()["status"] == "ENABLED"


def test_connection_errors(okta_http: httpx.Client, dtu_slack: Any) -> None:
    app_id = oin_app(okta_http, "slack", "Slack")
    missing_token = okta_http.post(
        f"/api/v1/apps/{app_id}/connections/default",
        json={"profile": {"authScheme": "TOKEN"}, "baseUrl": dtu_slack.base_url},
    )
    assert missing_token.status_code == 400 and missing_token.json()["errorCode"] == "E0000001"
    bookmark = okta_http.post(
        "/api/v1/apps",
        json={"label": "Wiki", "signOnMode": "BOOKMARK", "settings": {"app": {"url": "https://wiki.example"}}},
    ).json()
    unsupported = okta_http.get(f"/api/v1/apps/{bookmark['id']}/connections/default").json()
    assert unsupported["status"] == "UNKNOWN"
    refused = connect_slack(okta_http, bookmark["id"], dtu_slack.base_url, "xoxp-1")
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001"
    assert okta_http.get("/api/v1/apps/0oaNOPE/connections/default").status_code == 404


# -- pushes ------------------------------------------------------------------------------------


async def test_assignment_and_profile_changes_reach_slack(
    okta: Client, okta_http: httpx.Client, dtu_slack: Any
) -> None:
    app_id = oin_app(okta_http, "slack", "Slack")
    assert connect_slack(okta_http, app_id, dtu_slack.base_url, dtu_slack.user_token).status_code == 200
    user = await new_user(okta, "nina@acme.test")
    _, _, err = await okta.assign_user_to_application(app_id, AppUserAssignRequest(id=user.id, scope="USER"))
    assert err is None, err
    slack = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    found = eventually(lambda: scim_user(dtu_slack, "nina@acme.test"), "the Slack account")
    assert found["externalId"] == user.id and found["active"] is True and found["userName"] == "nina"
    member = slack.users_lookupByEmail(email="nina@acme.test")["user"]
    assert member["id"] == found["id"] and member["real_name"] == "Nina Hire"
    linked = eventually(
        lambda: (row := app_user(okta_http, app_id, user.id))["syncState"] == "SYNCHRONIZED" and row, "SYNCHRONIZED"
    )
    assert linked["externalId"] == found["id"] and linked["lastSync"] is not None

    profile = UserProfile(firstName="Nina", lastName="Moved", email="nina@acme.test", login="nina@acme.test")
    _, _, err = await okta.update_user(user.id, UpdateUserRequest(profile=profile))
    assert err is None, err
    eventually(lambda: slack.users_info(user=found["id"])["user"]["profile"]["last_name"] == "Moved", "the new name")
    events = eventually(at_least(2, lambda: provisioning_events(okta_http, user.id)), "two provisioning events")
    assert ("application.provision.user.push", "SUCCESS") in events
    assert ("application.provision.user.push_profile", "SUCCESS") in events


async def test_group_push_and_deactivation_reach_slack_and_google(
    okta: Client, okta_http: httpx.Client, dtu_slack: Any, dtu_google: Any, directory: Any
) -> None:
    slack_app, google_app = oin_app(okta_http, "slack", "Slack"), oin_app(okta_http, "google", "Google Workspace")
    assert connect_slack(okta_http, slack_app, dtu_slack.base_url, dtu_slack.user_token).status_code == 200
    connected = connect_google(okta_http, google_app, dtu_google)
    assert connected.status_code == 200, connected.text
    assert connected.json()["profile"]["authScheme"] == "OAUTH2"
    group = okta_http.post("/api/v1/groups", json={"profile": {"name": "engineering"}}).json()
    for app_id in (slack_app, google_app):
        assert okta_http.put(f"/api/v1/apps/{app_id}/groups/{group['id']}", json={}).status_code == 200
    email = f"omar@{dtu_google.domain}"
    user = await new_user(okta, email, "Omar", "Khan")
    result = await okta.assign_user_to_group(group["id"], user.id)
    assert result[-1] is None, result

    eventually(lambda: scim_user(dtu_slack, email), "the Slack account")
    google_user = eventually(lambda: directory_user(directory, email), "the Google account")
    assert google_user["name"]["fullName"] == "Omar Khan" and google_user["suspended"] is False
    assert {"type": "organization", "value": user.id} in google_user["externalIds"]

    result = await okta.deactivate_user(user.id)
    assert result[-1] is None, result
    slack = WebClient(token=dtu_slack.bot_token, base_url=dtu_slack.url)
    slack_id = scim_user(dtu_slack, email)["id"]  # type: ignore[index]
    eventually(lambda: slack.users_info(user=slack_id)["user"]["deleted"], "the Slack account deactivated")
    eventually(lambda: (directory_user(directory, email) or {}).get("suspended"), "the Google user suspended")
    events = eventually(at_least(4, lambda: provisioning_events(okta_http, user.id)), "four provisioning events")
    assert events.count(("application.provision.user.push", "SUCCESS")) == 2
    assert events.count(("application.provision.user.deactivate", "SUCCESS")) == 2


async def test_suspend_unsuspend_and_unassign(okta: Client, okta_http: httpx.Client, dtu_slack: Any) -> None:
    app_id = oin_app(okta_http, "slack", "Slack")
    assert connect_slack(okta_http, app_id, dtu_slack.base_url, dtu_slack.user_token).status_code == 200
    user = await new_user(okta, "sam@acme.test", "Sam", "Lee")
    _, _, err = await okta.assign_user_to_application(app_id, AppUserAssignRequest(id=user.id, scope="USER"))
    assert err is None, err
    eventually(lambda: scim_user(dtu_slack, "sam@acme.test"), "the Slack account")

    def active() -> bool | None:
        found = scim_user(dtu_slack, "sam@acme.test")
        return None if found is None else bool(found["active"])

    result = await okta.suspend_user(user.id)
    assert result[-1] is None, result
    eventually(lambda: active() is False, "deactivated on suspension")
    result = await okta.unsuspend_user(user.id)
    assert result[-1] is None, result
    eventually(lambda: active() is True, "reactivated on unsuspension")
    assert okta_http.delete(f"/api/v1/apps/{app_id}/users/{user.id}").status_code == 204
    eventually(lambda: active() is False, "deactivated on unassignment")

    # The System Log event is written after the target changed: wait for it too.
    def logged() -> list[tuple[str, str]] | None:
        found = provisioning_events(okta_http, user.id)
        done = found.count(("application.provision.user.deactivate", "SUCCESS")) >= 2
        return found if done and ("application.provision.user.reactivate", "SUCCESS") in found else None

    events = eventually(logged, "the deactivations and the reactivation logged")
    assert events.count(("application.provision.user.deactivate", "SUCCESS")) == 2


async def test_a_target_that_is_down_delays_the_push(
    okta: Client, okta_http: httpx.Client, dtu_okta: Any, dtu_slack: Any
) -> None:
    relay = Relay(dtu_slack.base_url)
    app_id = oin_app(okta_http, "slack", "Slack")
    assert connect_slack(okta_http, app_id, relay.url, dtu_slack.user_token).status_code == 200
    user = await new_user(okta, "dana@acme.test", "Dana", "Down")
    _, _, err = await okta.assign_user_to_application(app_id, AppUserAssignRequest(id=user.id, scope="USER"))
    assert err is None, err
    time.sleep(1.0)  # the first attempts find nothing listening
    assert scim_user(dtu_slack, "dana@acme.test") is None
    assert app_user(okta_http, app_id, user.id)["syncState"] == "SYNCING"
    relay.open()
    try:
        dtu_okta.advance_clock(60)  # releases the pending retry now instead of after its backoff
        found = eventually(lambda: scim_user(dtu_slack, "dana@acme.test"), "the push after the target came back")
        assert found["externalId"] == user.id
        eventually(lambda: app_user(okta_http, app_id, user.id)["syncState"] == "SYNCHRONIZED", "SYNCHRONIZED")
    finally:
        relay.close()
    pushed = [("application.provision.user.push", "SUCCESS")]
    eventually(lambda: provisioning_events(okta_http, user.id) == pushed, "one successful push logged")


async def test_a_refused_push_is_logged_as_a_failure(okta: Client, okta_http: httpx.Client, dtu_slack: Any) -> None:
    app_id = oin_app(okta_http, "slack", "Slack")
    assert connect_slack(okta_http, app_id, dtu_slack.base_url, "xoxp-not-a-token").status_code == 200
    user = await new_user(okta, "fay@acme.test", "Fay", "Fail")
    _, _, err = await okta.assign_user_to_application(app_id, AppUserAssignRequest(id=user.id, scope="USER"))
    assert err is None, err
    eventually(lambda: app_user(okta_http, app_id, user.id)["syncState"] == "ERROR", "syncState ERROR")

    def logged_failure() -> dict[str, Any] | None:
        response = okta_http.get("/api/v1/logs", params={"filter": 'eventType eq "application.provision.user.push"'})
        return next((e for e in response.json() if user.id in {t["id"] for t in e["target"]}), None)

    failure = eventually(logged_failure, "the failed push logged")
    assert failure["outcome"]["result"] == "FAILURE" and "401" in failure["outcome"]["reason"]
    assert failure["actor"]["type"] == "SystemPrincipal"
    assert scim_user(dtu_slack, "fay@acme.test") is None
