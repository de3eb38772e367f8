"""The okta SDK in PrivateKey mode: client credentials with private_key_jwt on the org server.

The SDK signs an RS256 client assertion with the service app's key, posts it to
`{orgUrl}/oauth2/v1/token` (the root URL, whatever the org) and calls the
Management API with the `Bearer` access token it gets. okta.* scopes are only
issued by the org server, only to clients allowed to hold them.
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey
from okta.client import Client

from conformance.okta.oidc_client import Server

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def assertion(dtu_okta: Any, audience: str, *, key: Any = None, jti: str | None = None, kid: str | None = None) -> str:
    now = int(time.time())  # assertions are minted on the client's own clock
    claims = {
        "iss": dtu_okta.service_client_id,
        "sub": dtu_okta.service_client_id,
        "aud": audience,
        "iat": now,
        "exp": now + 300,
        "jti": jti or str(uuid.uuid4()),
    }
    signing = key or RSAKey.import_key(dtu_okta.private_key)
    return jwt.encode({"alg": "RS256", "kid": kid or dtu_okta.private_key_id}, claims, signing)


def client_credentials(url: str, token: str, scope: str) -> httpx.Response:
    return httpx.post(
        url,
        data={
            "grant_type": "client_credentials",
            "scope": scope,
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": token,
        },
    )


@pytest.fixture
async def service(dtu_okta: Any) -> AsyncIterator[Client]:
    config = {
        "orgUrl": dtu_okta.org_url,
        "authorizationMode": "PrivateKey",
        "clientId": dtu_okta.service_client_id,
        "scopes": ["okta.users.read", "okta.groups.read"],
        "privateKey": dtu_okta.private_key,
        "kid": dtu_okta.private_key_id,
        "rateLimit": {"maxRetries": 0},
    }
    async with Client(config) as client:
        yield client


async def test_the_sdk_lists_users_with_a_private_key_token(service: Client, dtu_okta: Any) -> None:
    users, response, err = await service.list_users()
    assert err is None, err
    assert response.status_code == 200
    assert [user.profile.login for user in users] == [dtu_okta.admin_login]


async def test_a_read_scope_does_not_allow_writes(service: Client, dtu_okta: Any) -> None:
    *_, err = await service.deactivate_user(dtu_okta.admin_id)
    assert err is not None
    assert err.status == 403


def test_the_token_is_a_jwt_of_the_org_server(dtu_okta: Any) -> None:
    server = Server.discover(dtu_okta.org_issuer)
    token_url = dtu_okta.org_url + "/oauth2/v1/token"  # the root URL, as the SDK addresses it
    response = client_credentials(token_url, assertion(dtu_okta, token_url), "okta.users.read okta.groups.read")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["token_type"] == "Bearer" and body["expires_in"] == 3600
    assert body["scope"] == "okta.users.read okta.groups.read"
    assert "refresh_token" not in body and "id_token" not in body
    _, claims = server.verify(body["access_token"], dtu_okta.org_issuer)
    assert claims["sub"] == dtu_okta.service_client_id
    assert claims["cid"] == dtu_okta.service_client_id
    assert "uid" not in claims
    assert claims["scp"] == ["okta.users.read", "okta.groups.read"]


def test_client_assertion_refusals(dtu_okta: Any) -> None:
    token_url = dtu_okta.org_issuer + "/oauth2/v1/token"
    wrong_audience = client_credentials(token_url, assertion(dtu_okta, dtu_okta.org_issuer), "okta.users.read")
    assert wrong_audience.status_code == 401
    assert wrong_audience.json() == {
        "error": "invalid_client",
        "error_description": "The audience claim for client_assertion must be the endpoint invoked for the request.",
    }
    once = assertion(dtu_okta, token_url)
    assert client_credentials(token_url, once, "okta.users.read").status_code == 200
    replayed = client_credentials(token_url, once, "okta.users.read")
    assert replayed.status_code == 401 and replayed.json()["error"] == "invalid_client"

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = stranger.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    forged = client_credentials(
        token_url, assertion(dtu_okta, token_url, key=RSAKey.import_key(pem)), "okta.users.read"
    )
    assert forged.status_code == 401 and forged.json()["error"] == "invalid_client"


def test_scope_refusals(dtu_okta: Any) -> None:
    org_token = dtu_okta.org_issuer + "/oauth2/v1/token"
    openid = client_credentials(org_token, assertion(dtu_okta, org_token), "openid okta.users.read")
    assert openid.status_code == 400 and openid.json()["error"] == "invalid_scope"
    empty = client_credentials(org_token, assertion(dtu_okta, org_token), "")
    assert empty.json() == {
        "error": "invalid_scope",
        "error_description": "The authorization server resource does not have any configured default scopes, "
        "'scope' must be provided.",
    }
    # Custom authorization servers never issue okta.* scopes.
    custom_token = dtu_okta.issuer + "/v1/token"
    custom = client_credentials(custom_token, assertion(dtu_okta, custom_token), "okta.users.read")
    assert custom.json() == {
        "error": "invalid_scope",
        "error_description": "One or more scopes are not configured for the authorization server resource.",
    }


def test_rotating_the_default_servers_keys(dtu_okta: Any) -> None:
    admin = {"Authorization": f"SSWS {dtu_okta.api_token}"}
    base = f"{dtu_okta.org_url}/api/v1/authorizationServers/default/credentials"
    before = httpx.get(f"{base}/keys", headers=admin).json()
    assert [key["status"] for key in before] == ["ACTIVE", "NEXT"]
    assert {key["alg"] for key in before} == {"RS256"} and before[0]["_links"]["self"]["href"].endswith(
        before[0]["kid"]
    )
    refused = httpx.post(f"{base}/lifecycle/keyRotate", headers=admin, json={"use": "enc"})
    assert refused.status_code == 400 and refused.json()["errorCode"] == "E0000001"
    rotated = httpx.post(f"{base}/lifecycle/keyRotate", headers=admin, json={"use": "sig"})
    assert rotated.status_code == 200, rotated.text
    statuses = {key["kid"]: key["status"] for key in rotated.json()}
    assert statuses[before[0]["kid"]] == "EXPIRED"
    assert statuses[before[1]["kid"]] == "ACTIVE"
    assert len(statuses) == 3
    published = KeySet.import_key_set(httpx.get(dtu_okta.issuer + "/v1/keys").json())
    assert {key.kid for key in published.keys} == set(statuses)
    missing = httpx.get(f"{dtu_okta.org_url}/api/v1/authorizationServers/nope/credentials/keys", headers=admin)
    assert missing.status_code == 404
