"""The servers' metadata: `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`.

Fields as Okta publishes them for an org or custom authorization server, limited to
what the twin really supports (code flow, PKCE S256, the client auth methods it
verifies, RS256).
"""

from __future__ import annotations

from typing import Any

from services.okta.oauth.context import AuthServerRef
from services.okta.oauth.server import AUTH_METHODS
from services.okta.oauth.tokens import OIDC_SCOPES

CLAIMS = [
    "iss", "ver", "sub", "aud", "iat", "exp", "jti", "auth_time", "amr", "idp", "nonce", "name",
    "nickname", "preferred_username", "given_name", "middle_name", "family_name", "email",
    "email_verified", "profile", "zoneinfo", "locale", "address", "phone_number", "picture",
    "website", "gender", "birthdate", "updated_at", "at_hash", "c_hash",
]  # fmt: skip
OKTA_SCOPES = [
    f"okta.{family}.{action}"
    for family in (
        "apps",
        "authorizationServers",
        "eventHooks",
        "groups",
        "logs",
        "roles",
        "sessions",
        "users",
        "userTypes",
    )
    for action in ("manage", "read")
]


def metadata(server: AuthServerRef, *, openid: bool) -> dict[str, Any]:
    scopes = ["openid", "profile", "email", "address", "phone", "offline_access", "groups"]
    scopes += [scope for scope in server.custom_scopes if scope not in OIDC_SCOPES]
    if server.is_org:
        scopes += OKTA_SCOPES
    document: dict[str, Any] = {
        "issuer": server.issuer,
        "authorization_endpoint": server.endpoint("authorize"),
        "token_endpoint": server.endpoint("token"),
    }
    if openid:
        document["userinfo_endpoint"] = server.endpoint("userinfo")
        document["registration_endpoint"] = f"{_org(server)}/oauth2/v1/clients"
    document["jwks_uri"] = server.endpoint("keys")
    document.update(
        {
            "response_types_supported": ["code"],
            "response_modes_supported": ["query"],
            "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials"],
        }
    )
    if openid:
        document["subject_types_supported"] = ["public"]
        document["id_token_signing_alg_values_supported"] = ["RS256"]
    document["scopes_supported"] = scopes
    document["token_endpoint_auth_methods_supported"] = [m for m in AUTH_METHODS]
    if openid:
        document["claims_supported"] = CLAIMS
    document["code_challenge_methods_supported"] = ["S256"]
    document["introspection_endpoint"] = server.endpoint("introspect")
    document["introspection_endpoint_auth_methods_supported"] = list(AUTH_METHODS)
    document["revocation_endpoint"] = server.endpoint("revoke")
    document["revocation_endpoint_auth_methods_supported"] = list(AUTH_METHODS)
    document["end_session_endpoint"] = server.endpoint("logout")
    document["request_parameter_supported"] = False
    document["request_object_signing_alg_values_supported"] = ["RS256"]
    return document


def _org(server: AuthServerRef) -> str:
    return server.issuer if server.is_org else server.issuer.rsplit("/oauth2/", 1)[0]
