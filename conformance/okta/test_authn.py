"""Headless sign-in through Okta's Authentication API (`/api/v1/authn`), as automation signs users in.

Primary authentication answers with Okta's transaction object: SUCCESS and a one-time
`sessionToken` (5 minutes), PASSWORD_EXPIRED with a `stateToken` and the change-password
step, or 401 E0000004 for every failure (unknown user, wrong password, user not ACTIVE)
so callers cannot probe for users. Wrong passwords lock the account at the password
policy's threshold; the lockout is hidden (401) unless the policy shows lockout failures.
The sessionToken completes an OAuth authorization-code flow without the sign-in page.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from conformance.okta.authn_client import PASSWORD, admin_client, authn, events, new_user, org_now, sign_in
from conformance.okta.oidc_client import Clients, Server, query_of, start

SCOPE = "openid profile email offline_access"
AUTH_FAILED = {"errorCode": "E0000004", "errorSummary": "Authentication failed", "errorLink": "E0000004"}


@pytest.fixture(autouse=True)
def _plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AUTHLIB_INSECURE_TRANSPORT", "1")


@pytest.fixture
def admin(dtu_okta: Any) -> Iterator[httpx.Client]:
    with admin_client(dtu_okta) as client:
        yield client


@pytest.fixture
def rp() -> Iterator[Clients]:
    clients = Clients()
    yield clients
    clients.close()


def epoch(text: str) -> float:
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=UTC).timestamp()


def assert_auth_failed(response: httpx.Response) -> None:
    assert response.status_code == 401, response.text
    body = response.json()
    assert {k: body[k] for k in AUTH_FAILED} == AUTH_FAILED
    assert body["errorCauses"] == [] and body["errorId"].startswith("oae")


# -- primary authentication ---------------------------------------------------------------
def test_primary_authentication_returns_a_one_time_session_token(dtu_okta: Any, admin: httpx.Client) -> None:
    user = new_user(admin, "dade.murphy@example.com", firstName="Dade", lastName="Murphy")
    before = org_now(dtu_okta)
    body = sign_in(dtu_okta, "Dade.Murphy@example.com")  # logins compare case-insensitively
    assert body["status"] == "SUCCESS"
    assert "stateToken" not in body
    assert body["sessionToken"].startswith("00") and len(body["sessionToken"]) == 42
    assert 299 <= epoch(body["expiresAt"]) - before <= 301  # a sessionToken lives 5 minutes
    assert body["_embedded"] == {
        "user": {
            "id": user["id"],
            "passwordChanged": user["passwordChanged"],
            "profile": {
                "login": "dade.murphy@example.com",
                "firstName": "Dade",
                "lastName": "Murphy",
                "locale": "en_US",
                "timeZone": "America/Los_Angeles",
            },
        }
    }
    started = events(admin, "user.session.start")
    assert [(e["actor"]["id"], e["outcome"]["result"]) for e in started] == [(user["id"], "SUCCESS")]
    assert admin.get(f"/api/v1/users/{user['id']}").json()["lastLogin"] is not None


def test_failures_never_reveal_whether_the_user_exists(dtu_okta: Any, admin: httpx.Client) -> None:
    suspended = new_user(admin, "suspended@example.com")
    deactivated = new_user(admin, "gone@example.com")
    new_user(admin, "ada@example.com")
    assert admin.post(f"/api/v1/users/{suspended['id']}/lifecycle/suspend").status_code == 200
    assert admin.post(f"/api/v1/users/{deactivated['id']}/lifecycle/deactivate").status_code == 200

    assert_auth_failed(authn(dtu_okta, username="nobody@example.com", password=PASSWORD))
    assert_auth_failed(authn(dtu_okta, username="ada@example.com", password="wrong-Password1"))
    assert_auth_failed(authn(dtu_okta, username="suspended@example.com", password=PASSWORD))
    assert_auth_failed(authn(dtu_okta, username="gone@example.com", password=PASSWORD))

    missing = authn(dtu_okta, username="ada@example.com")
    assert missing.status_code == 400
    assert missing.json()["errorCode"] == "E0000001"

    failures = [e for e in events(admin, "user.session.start") if e["outcome"]["result"] == "FAILURE"]
    assert [(e["actor"]["alternateId"], e["outcome"]["reason"]) for e in failures] == [
        ("nobody@example.com", "VERIFICATION_ERROR"),
        ("ada@example.com", "INVALID_CREDENTIALS"),
        ("suspended@example.com", "VERIFICATION_ERROR"),
        ("gone@example.com", "VERIFICATION_ERROR"),
    ]
    assert all(e["severity"] == "WARN" for e in failures)


def test_wrong_passwords_lock_the_account_and_the_lockout_is_hidden_by_default(
    dtu_okta: Any, admin: httpx.Client
) -> None:
    user = new_user(admin, "locky@example.com")
    for _ in range(10):  # Okta's default password policy locks after 10 failed attempts
        assert_auth_failed(authn(dtu_okta, username="locky@example.com", password="wrong-Password1"))
    assert admin.get(f"/api/v1/users/{user['id']}").json()["status"] == "LOCKED_OUT"
    # Hidden lockout failures (the default policy): even the right password is just 401.
    assert_auth_failed(authn(dtu_okta, username="locky@example.com", password=PASSWORD))
    locks = events(admin, "user.account.lock")
    assert [e["actor"]["id"] for e in locks] == [user["id"]]
    reasons = [e["outcome"]["reason"] for e in events(admin, "user.session.start")]
    assert reasons == ["INVALID_CREDENTIALS"] * 10 + ["LOCKED_OUT"]

    # Unlocked through the lifecycle API, the user signs in again (the failure count starts over).
    assert admin.post(f"/api/v1/users/{user['id']}/lifecycle/unlock").status_code == 200
    assert sign_in(dtu_okta, "locky@example.com")["status"] == "SUCCESS"


def test_a_policy_that_shows_lockout_failures_answers_locked_out(dtu_okta: Any, admin: httpx.Client) -> None:
    seeded = dtu_okta.control(
        "POST", "/seed", json={"passwordPolicy": {"lockout": {"maxAttempts": 3, "showLockoutFailures": True}}}
    )
    assert seeded.status_code == 200, seeded.text
    user = new_user(admin, "locky@example.com")
    assert_auth_failed(authn(dtu_okta, username="locky@example.com", password="wrong-Password1"))
    assert_auth_failed(authn(dtu_okta, username="locky@example.com", password="wrong-Password1"))
    locked = authn(dtu_okta, username="locky@example.com", password="wrong-Password1")
    assert locked.status_code == 200
    assert locked.json() == {
        "status": "LOCKED_OUT",
        "_links": {
            "next": {
                "name": "unlock",
                "href": f"{dtu_okta.org_issuer}/api/v1/authn/recovery/unlock",
                "hints": {"allow": ["POST"]},
            }
        },
    }
    assert admin.get(f"/api/v1/users/{user['id']}").json()["status"] == "LOCKED_OUT"
    again = authn(dtu_okta, username="locky@example.com", password=PASSWORD)
    assert again.status_code == 200 and again.json()["status"] == "LOCKED_OUT"


# -- expired passwords ------------------------------------------------------------------
def test_an_expired_password_is_changed_inside_the_transaction(dtu_okta: Any, admin: httpx.Client) -> None:
    user = new_user(admin, "expired@example.com")
    assert admin.post(f"/api/v1/users/{user['id']}/lifecycle/expire_password").status_code == 200
    body = sign_in(dtu_okta, "expired@example.com")
    assert body["status"] == "PASSWORD_EXPIRED"
    assert "sessionToken" not in body
    state = body["stateToken"]
    assert body["_embedded"]["user"]["id"] == user["id"]
    assert body["_embedded"]["policy"]["complexity"]["minLength"] == 8
    assert body["_links"]["next"] == {
        "name": "changePassword",
        "href": f"{dtu_okta.org_issuer}/api/v1/authn/credentials/change_password",
        "hints": {"allow": ["POST"]},
    }
    assert body["_links"]["cancel"]["href"] == f"{dtu_okta.org_issuer}/api/v1/authn/cancel"

    # The transaction's current state, by its stateToken.
    current = authn(dtu_okta, stateToken=state)
    assert current.status_code == 200 and current.json()["status"] == "PASSWORD_EXPIRED"

    change = "/credentials/change_password"
    wrong_old = authn(dtu_okta, change, stateToken=state, oldPassword="nope-Nope-1", newPassword="N3w-Passw0rd!")
    assert wrong_old.status_code == 403 and wrong_old.json()["errorCode"] == "E0000014"
    weak = authn(dtu_okta, change, stateToken=state, oldPassword=PASSWORD, newPassword="short")
    assert weak.status_code == 403 and weak.json()["errorCode"] == "E0000080"
    done = authn(dtu_okta, change, stateToken=state, oldPassword=PASSWORD, newPassword="N3w-Passw0rd!")
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "SUCCESS" and done.json()["sessionToken"]
    assert admin.get(f"/api/v1/users/{user['id']}").json()["status"] == "ACTIVE"
    assert events(admin, "user.account.update_password")[0]["target"][0]["id"] == user["id"]

    # The transaction is over; the old password is gone.
    spent = authn(dtu_okta, stateToken=state)
    assert spent.status_code == 401 and spent.json()["errorCode"] == "E0000011"
    assert_auth_failed(authn(dtu_okta, username="expired@example.com", password=PASSWORD))
    assert sign_in(dtu_okta, "expired@example.com", "N3w-Passw0rd!")["status"] == "SUCCESS"


def test_state_tokens_are_cancelled_expire_and_only_allow_their_state(dtu_okta: Any, admin: httpx.Client) -> None:
    user = new_user(admin, "expired@example.com")
    admin.post(f"/api/v1/users/{user['id']}/lifecycle/expire_password")
    state = sign_in(dtu_okta, "expired@example.com")["stateToken"]
    # A step the state does not allow: verifying a factor while the password is expired.
    wrong = authn(dtu_okta, "/factors/ost1234567890abcdefg/verify", stateToken=state, passCode="123456")
    assert wrong.status_code == 403
    assert wrong.json()["errorCode"] == "E0000079"
    assert wrong.json()["errorSummary"] == "This operation is not allowed in the current authentication state."

    cancelled = authn(dtu_okta, "/cancel", stateToken=state)
    assert cancelled.status_code == 200 and cancelled.json() == {}
    dead = authn(
        dtu_okta, "/credentials/change_password", stateToken=state, oldPassword=PASSWORD, newPassword="N3w-Passw0rd!"
    )
    assert dead.status_code == 401
    assert dead.json()["errorCode"] == "E0000011" and dead.json()["errorSummary"] == "Invalid token provided"

    # A state token lapses after 5 minutes without a step.
    state = sign_in(dtu_okta, "expired@example.com")["stateToken"]
    dtu_okta.advance_clock(301)
    lapsed = authn(dtu_okta, stateToken=state)
    assert lapsed.status_code == 401 and lapsed.json()["errorCode"] == "E0000011"


# -- the headless OAuth flow ------------------------------------------------------------------
@pytest.mark.parametrize("server_kind", ["custom", "org"])
def test_session_token_completes_the_code_flow_without_the_sign_in_page(
    dtu_okta: Any, admin: httpx.Client, rp: Clients, server_kind: str
) -> None:
    user = new_user(admin, "robot@example.com")
    server = Server.discover(dtu_okta.issuer if server_kind == "custom" else dtu_okta.org_issuer)
    scope = SCOPE if server_kind == "custom" else "openid email"
    token = sign_in(dtu_okta, "robot@example.com")["sessionToken"]
    client = rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, scope)
    url, state, nonce, verifier = start(client, server, sessionToken=token)
    with httpx.Client(timeout=30.0) as agent:  # a fresh user agent: no cookie, no form
        redirected = agent.get(url, follow_redirects=False)
        assert redirected.status_code == 302, redirected.text
        location = redirected.headers["location"]
        assert location.startswith(dtu_okta.redirect_uri + "?")
        assert query_of(location)["state"] == state and query_of(location)["code"]
        sid = agent.cookies.get("sid")
        assert sid and sid.startswith("102")

        tokens = client.fetch_token(server["token_endpoint"], authorization_response=location, code_verifier=verifier)
        audience = "api://default" if server_kind == "custom" else dtu_okta.org_issuer
        _, access = server.verify(tokens["access_token"], audience)
        assert access["uid"] == user["id"] and access["sub"] == "robot@example.com"
        _, id_claims = server.verify(tokens["id_token"], dtu_okta.client_id)
        assert id_claims["sub"] == user["id"] and id_claims["nonce"] == nonce and id_claims["amr"] == ["pwd"]
        introspected = client.introspect_token(server["introspection_endpoint"], token=tokens["access_token"]).json()
        assert introspected["active"] is True and introspected["uid"] == user["id"]

        # The session it started serves prompt=none.
        url, state, _, _ = start(client, server, prompt="none")
        silent = agent.get(url, follow_redirects=False)
        assert silent.status_code == 302 and "code" in query_of(silent.headers["location"])

    # The sessionToken was single-use: replayed, it is ignored (the sign-in page, or login_required).
    with httpx.Client(timeout=30.0) as other:
        url, state, _, _ = start(client, server, sessionToken=token)
        assert other.get(url, follow_redirects=False).status_code == 200
        url, state, _, _ = start(client, server, sessionToken=token, prompt="none")
        refused = other.get(url, follow_redirects=False)
        assert refused.status_code == 302
        assert query_of(refused.headers["location"])["error"] == "login_required"
    sso = events(admin, "user.authentication.sso")
    assert [e["actor"]["id"] for e in sso] == [user["id"], user["id"]]


def test_session_tokens_expire_after_five_minutes(dtu_okta: Any, admin: httpx.Client, rp: Clients) -> None:
    new_user(admin, "robot@example.com")
    token = sign_in(dtu_okta, "robot@example.com")["sessionToken"]
    dtu_okta.advance_clock(301)
    server = Server.discover(dtu_okta.issuer)
    client = rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, "openid")
    url, state, _, _ = start(client, server, sessionToken=token, prompt="none")
    refused = httpx.get(url, follow_redirects=False)
    assert refused.status_code == 302
    assert query_of(refused.headers["location"]) == {
        "error": "login_required",
        "error_description": "The client specified not to prompt, but the user is not logged in.",
        "state": state,
    }
