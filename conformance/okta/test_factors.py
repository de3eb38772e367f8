"""TOTP factors (Factors API) and the MFA step of headless sign-in, with passcodes computed by pyotp.

A `token:software:totp` factor enrolls PENDING_ACTIVATION with a base32 shared secret,
becomes ACTIVE with a passcode computed from it, and from then on primary
authentication answers MFA_REQUIRED until a passcode is verified. Wrong and replayed
passcodes are 403 E0000068 "Invalid Passcode/Answer".
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import httpx
import pyotp
import pytest
from joserfc import jwt
from okta.client import Client

from conformance.okta.authn_client import (
    PASSWORD,
    admin_client,
    authn,
    enroll_totp,
    events,
    freeze_clock,
    new_user,
    passcode,
    sign_in,
)
from conformance.okta.oidc_client import Clients, Server, query_of, start

TOTP = "token:software:totp"


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


def test_enroll_and_activate_a_totp_factor(dtu_okta: Any, admin: httpx.Client) -> None:
    freeze_clock(dtu_okta)
    user = new_user(admin, "dade@example.com")
    base = f"/api/v1/users/{user['id']}/factors"
    enrolled = admin.post(base, json={"factorType": TOTP, "provider": "OKTA"})
    assert enrolled.status_code == 200, enrolled.text
    factor = enrolled.json()
    assert factor["id"].startswith("ost") and len(factor["id"]) == 20
    assert factor["factorType"] == TOTP
    assert factor["provider"] == factor["vendorName"] == "OKTA"
    assert factor["status"] == "PENDING_ACTIVATION"
    assert factor["profile"] == {"credentialId": "dade@example.com"}
    assert factor["_links"]["activate"] == {
        "href": f"{dtu_okta.org_issuer}{base}/{factor['id']}/lifecycle/activate",
        "hints": {"allow": ["POST"]},
    }
    activation = factor["_embedded"]["activation"]
    assert activation["timeStep"] == 30 and activation["encoding"] == "base32" and activation["keyLength"] == 6
    assert activation["_links"]["qrcode"]["type"] == "image/png"
    secret = activation["sharedSecret"]
    assert len(secret) == 32 and pyotp.TOTP(secret).now().isdigit()

    listed = admin.get(base).json()
    assert [(f["id"], f["status"]) for f in listed] == [(factor["id"], "PENDING_ACTIVATION")]
    assert "_embedded" not in listed[0]  # the secret is shown once, at enrollment

    wrong = admin.post(f"{base}/{factor['id']}/lifecycle/activate", json={"passCode": "000000"})
    if wrong.status_code == 200:  # one chance in a million: the right code
        pytest.skip("000000 happened to be the current passcode")
    assert wrong.status_code == 403
    assert wrong.json()["errorCode"] == "E0000068"
    assert wrong.json()["errorSummary"] == "Invalid Passcode/Answer"
    assert wrong.json()["errorCauses"] == [
        {"errorSummary": "Your passcode doesn't match our records. Please try again."}
    ]

    code = passcode(dtu_okta, secret)
    active = admin.post(f"{base}/{factor['id']}/lifecycle/activate", json={"passCode": code})
    assert active.status_code == 200, active.text
    assert active.json()["status"] == "ACTIVE"
    assert active.json()["_links"]["verify"]["href"] == f"{dtu_okta.org_issuer}{base}/{factor['id']}/verify"
    assert admin.get(f"{base}/{factor['id']}").json()["status"] == "ACTIVE"

    again = admin.post(base, json={"factorType": TOTP, "provider": "OKTA"})
    assert again.status_code == 400
    assert again.json()["errorCauses"] == [{"errorSummary": "There is an existing verified factor."}]
    assert [e["eventType"] for e in events(admin, "user.mfa.factor.activate")] == ["user.mfa.factor.activate"]


def test_google_authenticator_and_the_factor_lifecycle(dtu_okta: Any, admin: httpx.Client) -> None:
    freeze_clock(dtu_okta)
    user = new_user(admin, "dade@example.com")
    base = f"/api/v1/users/{user['id']}/factors"
    factor_id, secret = enroll_totp(dtu_okta, admin, user["id"], provider="GOOGLE")
    factor = admin.get(f"{base}/{factor_id}").json()
    assert factor["provider"] == "GOOGLE" and factor["id"].startswith("uft")

    # An administrator can check a passcode; each code works once.
    dtu_okta.advance_clock(30)
    code = passcode(dtu_okta, secret)
    assert admin.post(f"{base}/{factor_id}/verify", json={"passCode": code}).json() == {"factorResult": "SUCCESS"}
    replayed = admin.post(f"{base}/{factor_id}/verify", json={"passCode": code})
    assert replayed.status_code == 403 and replayed.json()["errorCode"] == "E0000068"

    assert admin.delete(f"{base}/{factor_id}").status_code == 204
    missing = admin.get(f"{base}/{factor_id}")
    assert missing.status_code == 404
    assert missing.json()["errorSummary"] == f"Not found: Resource not found: {factor_id} (UserFactor)"
    assert admin.get(base).json() == []
    unsupported = admin.post(base, json={"factorType": "sms", "provider": "OKTA"})
    assert unsupported.status_code == 400 and unsupported.json()["errorCode"] == "E0000001"


async def test_the_okta_sdk_lists_the_factors(dtu_okta: Any, admin: httpx.Client, okta: Client) -> None:
    user = new_user(admin, "dade@example.com")
    factor_id, _ = enroll_totp(dtu_okta, admin, user["id"])
    listed, _, err = await okta.list_factors(user["id"])
    assert err is None
    assert [type(f).__name__ for f in listed] == ["UserFactorTokenSoftwareTOTP"]  # the SDK's discriminator
    assert [(f.id, f.status, f.provider) for f in listed] == [(factor_id, "ACTIVE", "OKTA")]


def test_mfa_required_until_a_passcode_is_verified(dtu_okta: Any, admin: httpx.Client, rp: Clients) -> None:
    freeze_clock(dtu_okta)
    user = new_user(admin, "dade@example.com")
    factor_id, secret = enroll_totp(dtu_okta, admin, user["id"])
    used_for_activation = passcode(dtu_okta, secret)

    body = sign_in(dtu_okta, "dade@example.com")
    assert body["status"] == "MFA_REQUIRED"
    assert "sessionToken" not in body
    state = body["stateToken"]
    assert body["_embedded"]["user"]["id"] == user["id"]
    assert body["_embedded"]["factors"] == [
        {
            "id": factor_id,
            "factorType": TOTP,
            "provider": "OKTA",
            "vendorName": "OKTA",
            "profile": {"credentialId": "dade@example.com"},
            "_links": {
                "verify": {
                    "href": f"{dtu_okta.org_issuer}/api/v1/authn/factors/{factor_id}/verify",
                    "hints": {"allow": ["POST"]},
                }
            },
        }
    ]
    verify = f"/factors/{factor_id}/verify"

    wrong = authn(dtu_okta, verify, stateToken=state, passCode="000000")
    if wrong.status_code == 200:
        pytest.skip("000000 happened to be the current passcode")
    assert wrong.status_code == 403 and wrong.json()["errorCode"] == "E0000068"
    # The code that activated the factor cannot be used again in its time window.
    replayed = authn(dtu_okta, verify, stateToken=state, passCode=used_for_activation)
    assert replayed.status_code == 403
    assert replayed.json()["errorCauses"] == [
        {"errorSummary": "Each code can only be used once. Please wait for a new code and try again."}
    ]

    dtu_okta.advance_clock(30)
    done = authn(dtu_okta, verify, stateToken=state, passCode=passcode(dtu_okta, secret))
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "SUCCESS"
    token = done.json()["sessionToken"]

    mfa = events(admin, "user.authentication.auth_via_mfa")
    assert [(e["outcome"]["result"], e["outcome"]["reason"]) for e in mfa] == [
        ("FAILURE", "VERIFICATION_ERROR"),
        ("FAILURE", "VERIFICATION_ERROR"),
        ("SUCCESS", None),
    ]
    assert mfa[-1]["target"][-1]["id"] == factor_id

    # The session and the ID token carry the second factor.
    created = admin.post("/api/v1/sessions", json={"sessionToken": token})
    assert created.status_code == 200, created.text
    session = created.json()
    assert session["amr"] == ["pwd", "otp", "mfa"]
    assert session["mfaActive"] is True
    assert session["lastFactorVerification"] is not None

    token = _mfa_sign_in(dtu_okta, secret, factor_id)
    server = Server.discover(dtu_okta.issuer)
    client = rp(dtu_okta.client_id, dtu_okta.client_secret, dtu_okta.redirect_uri, "openid")
    url, _, _, verifier = start(client, server, sessionToken=token)
    redirected = httpx.get(url, follow_redirects=False)
    assert redirected.status_code == 302 and "code" in query_of(redirected.headers["location"])
    tokens = client.fetch_token(
        server["token_endpoint"], authorization_response=redirected.headers["location"], code_verifier=verifier
    )
    # Signature only: the org's clock was moved ahead, so `iat` is in the wall clock's future.
    id_claims = jwt.decode(tokens["id_token"], server.keyset()).claims
    assert id_claims["aud"] == dtu_okta.client_id and id_claims["amr"] == ["pwd", "otp", "mfa"]

    # Without the factor, primary authentication succeeds at once.
    assert admin.delete(f"/api/v1/users/{user['id']}/factors/{factor_id}").status_code == 204
    assert sign_in(dtu_okta, "dade@example.com", PASSWORD)["status"] == "SUCCESS"


def _mfa_sign_in(dtu_okta: Any, secret: str, factor_id: str) -> str:
    dtu_okta.advance_clock(30)  # a fresh time window: the previous code was spent
    state = sign_in(dtu_okta, "dade@example.com")["stateToken"]
    done = authn(dtu_okta, f"/factors/{factor_id}/verify", stateToken=state, passCode=passcode(dtu_okta, secret))
    assert done.status_code == 200, done.text
    token: str = done.json()["sessionToken"]
    return token
