"""Pushing to Google Workspace through the Admin SDK Directory API, as Okta's Google app does.

Authentication: a service account with domain-wide delegation signs a JWT assertion
(RFC 7523) for the admin `subject` with the `admin.directory.user` scope, exchanged at the
key's `token_uri` for an access token (cached until shortly before it expires).
Mapping: primaryEmail = the Okta login's email, name.givenName/familyName, suspended,
externalIds [{type: organization, value: <Okta user id>}] (the universe's link). A user
not linked yet is matched by primaryEmail. Okta suspends (never deletes) Google users
when they lose the app, as its Google Workspace integration does by default.
"""

from __future__ import annotations

import base64
import json
import secrets
import time
from typing import Any
from urllib.parse import quote

import httpx
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from services.okta.provisioning.job import Job, Outcome, Refused, check

SCOPE = "https://www.googleapis.com/auth/admin.directory.user"
PREFIX = "/admin/directory/v1"
_tokens: dict[tuple[str, str, str], tuple[str, float]] = {}  # (token_uri, client_email, subject) -> token, expiry


async def access_token(client: httpx.AsyncClient, job: Job) -> str:
    account = job.service_account or {}
    key = (str(account.get("token_uri")), str(account.get("client_email")), str(job.subject))
    cached = _tokens.get(key)
    if cached is not None and cached[1] > time.time() + 60:
        return cached[0]
    now = int(time.time())
    claims = {"iss": key[1], "sub": job.subject, "scope": SCOPE, "aud": key[0], "iat": now, "exp": now + 3600}
    header = {
        "alg": "RS256",
        "typ": "JWT",
        **({"kid": account["private_key_id"]} if account.get("private_key_id") else {}),
    }
    assertion = _signed_jwt(header, claims, str(account.get("private_key")))
    response = await client.post(
        key[0], data={"grant_type": "urn:ietf:params:oauth:grant-type:jwt-bearer", "assertion": assertion}
    )
    check(response)
    body = response.json()
    token = str(body["access_token"])
    _tokens[key] = (token, time.time() + float(body.get("expires_in", 3600)))
    return token


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _signed_jwt(header: dict[str, Any], claims: dict[str, Any], private_pem: str) -> str:
    """An RS256 JWT (the assertion google-auth's service account credentials send)."""
    key = serialization.load_pem_private_key(private_pem.encode(), password=None)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError("the service account key is not an RSA key")
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(claims).encode())}"
    signature = key.sign(signing_input.encode(), padding.PKCS1v15(), hashes.SHA256())
    return f"{signing_input}.{_b64(signature)}"


def _resource(job: Job) -> dict[str, Any]:
    profile = job.profile
    return {
        "primaryEmail": job.email,
        "name": {"givenName": str(profile.get("firstName") or ""), "familyName": str(profile.get("lastName") or "")},
        "externalIds": [{"type": "organization", "value": job.user_id}],
        "suspended": False,
    }


class GoogleTarget:
    def __init__(self, client: httpx.AsyncClient, job: Job) -> None:
        self.client = client
        self.job = job
        self.base = f"{job.base_url}{PREFIX}/users"

    async def _headers(self) -> dict[str, str]:
        try:
            token = await access_token(self.client, self.job)
        except (KeyError, ValueError, TypeError) as exc:  # an unusable key: no retry will fix it
            raise Refused(400, f"service account: {exc}") from None
        return {"Authorization": f"Bearer {token}", "Accept": "application/json"}

    async def _find(self, headers: dict[str, str]) -> dict[str, Any] | None:
        for key in (self.job.external_id, self.job.email):
            if not key:
                continue
            response = check(
                await self.client.get(f"{self.base}/{quote(key, safe='@')}", headers=headers), allow=(404,)
            )
            if response.status_code != 404:
                found: dict[str, Any] = response.json()
                return found
        return None

    async def push(self) -> Outcome:
        wants = self.job.wants_active
        if wants is None:
            return Outcome(None, self.job.external_id)
        headers = await self._headers()
        existing = await self._find(headers)
        if not wants:
            if existing is None or existing.get("suspended"):
                return Outcome(None, existing["id"] if existing else self.job.external_id)
            check(await self.client.patch(f"{self.base}/{existing['id']}", json={"suspended": True}, headers=headers))
            return Outcome("deactivate", str(existing["id"]))
        body = _resource(self.job)
        if existing is None:
            # Google requires a password on insert; Okta sets a random one (users sign in through Okta's SAML).
            body["password"] = secrets.token_urlsafe(24)
            response = check(await self.client.post(self.base, json=body, headers=headers))
            return Outcome("push", str(response.json()["id"]))
        check(await self.client.patch(f"{self.base}/{existing['id']}", json=body, headers=headers))
        if existing.get("suspended"):
            return Outcome("reactivate", str(existing["id"]))
        return Outcome("push_profile" if self.job.external_id == existing["id"] else "push", str(existing["id"]))
