"""An independent OIDC relying party for the conformance tests: authlib's httpx client plus a browser.

`Browser` plays the user: it follows the authorize URL to the hosted sign-in page,
posts the credentials in the page's form, and stops at the redirect back to the
client. Tokens are verified against the server's published JWKS with joserfc.
"""

from __future__ import annotations

import re
import secrets
import warnings
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, urljoin, urlsplit

import authlib.deprecate  # noqa: F401  (installs its own "always" filter: must come before ours)
import httpx

with warnings.catch_warnings():
    # authlib 1.9 prefers the `httpx2` package and warns when it falls back to httpx.
    warnings.simplefilter("ignore")
    from authlib.integrations.httpx_client import OAuth2Client
from joserfc import jwt
from joserfc.jwk import KeySet

FORM_ACTION = re.compile(r'<form[^>]*action="([^"]+)"')


@dataclass
class Server:
    issuer: str
    document: dict[str, Any]

    @classmethod
    def discover(cls, issuer: str) -> Server:
        document = httpx.get(issuer + "/.well-known/openid-configuration").json()
        return cls(issuer, document)

    def __getitem__(self, name: str) -> str:
        value: str = self.document[name]
        return value

    def keyset(self) -> KeySet:
        return KeySet.import_key_set(httpx.get(self["jwks_uri"]).json())

    def verify(self, token: str, audience: str) -> tuple[dict[str, Any], dict[str, Any]]:
        """(header, claims) of a JWT signed by one of the server's keys, for this issuer and audience."""
        decoded = jwt.decode(token, self.keyset())
        registry = jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": self.issuer}, aud={"essential": True, "value": audience}
        )
        registry.validate(decoded.claims)
        return dict(decoded.header), decoded.claims


class Clients:
    """Relying-party clients made during a test, closed at its end."""

    def __init__(self) -> None:
        self.made: list[OAuth2Client] = []

    def __call__(self, client_id: str, client_secret: str | None, redirect_uri: str, scope: str) -> OAuth2Client:
        client = rp_client(client_id, client_secret, redirect_uri, scope)
        self.made.append(client)
        return client

    def close(self) -> None:
        for client in self.made:
            client.close()


class Browser:
    def __init__(self) -> None:
        self.http = httpx.Client(timeout=30.0)

    def close(self) -> None:
        self.http.close()

    def open(self, url: str) -> httpx.Response:
        return self.http.get(url, follow_redirects=False)

    def sign_in(self, page: httpx.Response, username: str, password: str) -> httpx.Response:
        match = FORM_ACTION.search(page.text)
        assert match is not None, page.text
        action = urljoin(str(page.url), match.group(1).replace("&amp;", "&"))
        return self.http.post(action, data={"username": username, "password": password}, follow_redirects=False)


def rp_client(client_id: str, client_secret: str | None, redirect_uri: str, scope: str) -> OAuth2Client:
    return OAuth2Client(
        client_id,
        client_secret,
        scope=scope,
        redirect_uri=redirect_uri,
        code_challenge_method="S256",
        timeout=30.0,
    )


def start(client: OAuth2Client, server: Server, **extra: Any) -> tuple[str, str, str, str]:
    """(authorize URL, state, nonce, code_verifier)."""
    verifier = secrets.token_urlsafe(48)
    nonce = secrets.token_urlsafe(16)
    url, state = client.create_authorization_url(
        server["authorization_endpoint"], code_verifier=verifier, nonce=nonce, **extra
    )
    return url, state, nonce, verifier


def query_of(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}
