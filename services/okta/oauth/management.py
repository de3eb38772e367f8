"""Management API for authorization server keys: list, get, rotate (`rotateAuthorizationServerKeys`)."""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall
from services.okta.endpoint import route
from services.okta.errors import OktaError, not_found, validation
from services.okta.models import AuthServer, SigningKey
from services.okta.oauth import keys
from services.okta.render import href


def _server(call: OktaCall) -> AuthServer:
    server_id = call.path["authServerId"]
    row = call.session.get(AuthServer, (call.tenant.id, server_id))
    if row is None:
        raise not_found(server_id, "AuthorizationServer")
    return row


def render_key(call: OktaCall, server: AuthServer, row: SigningKey) -> dict[str, Any]:
    jwk = row.public_jwk or {}
    link = href(call, f"/api/v1/authorizationServers/{server.id}/credentials/keys/{row.kid}")
    link["hints"] = {"allow": ["GET"]}
    return {
        "status": row.status,
        "alg": jwk.get("alg", "RS256"),
        "e": jwk.get("e"),
        "n": jwk.get("n"),
        "kid": row.kid,
        "kty": jwk.get("kty", "RSA"),
        "use": jwk.get("use", "sig"),
        "_links": {"self": link},
    }


@route(
    "GET",
    "/api/v1/authorizationServers/{authServerId}/credentials/keys",
    "listAuthorizationServerKeys",
    "okta.authorizationServers.read",
)
def list_keys(call: OktaCall) -> list[dict[str, Any]]:
    server = _server(call)
    return [render_key(call, server, row) for row in keys.server_keys(call, server.id)]


@route(
    "GET",
    "/api/v1/authorizationServers/{authServerId}/credentials/keys/{keyId}",
    "getAuthorizationServerKey",
    "okta.authorizationServers.read",
)
def get_key(call: OktaCall) -> dict[str, Any]:
    server = _server(call)
    keys.server_keys(call, server.id)
    row = keys.find_key(call, server.id, call.path["keyId"])
    if row is None:
        raise not_found(call.path["keyId"], "Key")
    return render_key(call, server, row)


@route(
    "POST",
    "/api/v1/authorizationServers/{authServerId}/credentials/lifecycle/keyRotate",
    "rotateAuthorizationServerKeys",
    "okta.authorizationServers.manage",
)
def rotate_keys(call: OktaCall) -> list[dict[str, Any]]:
    server = _server(call)
    if call.body is None:
        raise OktaError("E0000003")
    if call.body_object().get("use") != "sig":
        raise validation("use: Invalid value specified for key 'use' parameter.", field="use")
    return [render_key(call, server, row) for row in keys.rotate(call, server.id)]
