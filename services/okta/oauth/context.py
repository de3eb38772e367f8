"""Which org and which authorization server an OAuth request addresses.

The org server lives at `/oauth2/v1/...` (issuer: the org URL); custom servers at
`/oauth2/{authServerId}/v1/...` (issuer: `{org}/oauth2/{id}`). Requests at the root
belong to the default org unless their client (or token) identifies another org: the
okta SDK's PrivateKey mode posts to `{orgUrl}/oauth2/v1/token` with the root URL for
any org. Under `/t/{tenant}/` the org is pinned. Issuers always use the canonical org
URL.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field

from sqlmodel import Session, select
from starlette.requests import Request

from services.core.tenants import DEFAULT_TENANT, Tenant, UnknownTenant
from services.core.twin import TwinRuntime
from services.okta.call import OktaCall
from services.okta.credentials import parse_authorization
from services.okta.errors import OktaError, not_found
from services.okta.models import App, AuthServer, OAuthToken
from services.okta.oauth.adapter import Pairs
from services.okta.secrets import token_hash
from services.okta.tenancy import pinned_org, request_base

ORG_SERVER = ""  # SigningKey.server_id / OAuthToken.server_id of the org authorization server


@dataclass
class AuthServerRef:
    """An authorization server as a request sees it."""

    id: str  # ORG_SERVER or the custom server's id
    issuer: str
    audiences: list[str]
    custom_scopes: list[str]
    addressed: str  # the server's base URL as the client addressed it (…/oauth2[/id])

    @property
    def is_org(self) -> bool:
        return self.id == ORG_SERVER

    def endpoint(self, name: str) -> str:
        """Canonical URL of an endpoint (`token`, `keys`, ...), as discovery advertises it."""
        base = f"{self.issuer}/oauth2/v1" if self.is_org else f"{self.issuer}/v1"
        return f"{base}/{name}"

    def addressed_endpoint(self, name: str) -> str:
        return f"{self.addressed}/v1/{name}"


@dataclass
class OAuthCall(OktaCall):
    """An OktaCall for the OAuth endpoints: the form body and the addressed server."""

    form: Pairs = field(default_factory=list)
    server: AuthServerRef | None = None

    @property
    def auth_server(self) -> AuthServerRef:
        assert self.server is not None  # set by the dispatcher before the handler runs
        return self.server


def resolve_server(call: OktaCall, server_id: str | None) -> AuthServerRef:
    addressed_root = request_base(call.request) + "/oauth2"
    if server_id is None:
        return AuthServerRef(ORG_SERVER, call.org_url, [call.org_url], [], addressed_root)
    row = call.session.get(AuthServer, (call.tenant.id, server_id))
    if row is None or row.status != "ACTIVE":
        raise not_found(server_id, "AuthorizationServer")
    return AuthServerRef(
        row.id,
        f"{call.org_url}/oauth2/{row.id}",
        list(row.audiences or []),
        list(row.scopes or []),
        f"{addressed_root}/{row.id}",
    )


def locate_tenant(runtime: TwinRuntime, session: Session, request: Request, form: Pairs) -> Tenant:
    """The pinned org, else the org of the client or token in the request, else the default org."""
    tenant_id = pinned_org(request)
    if tenant_id is None:
        tenant_id = _tenant_of_client(session, _client_id_hint(request, form))
    if tenant_id is None:
        tenant_id = _tenant_of_bearer(session, request) or DEFAULT_TENANT
    try:
        return runtime.tenants.get(tenant_id)
    except UnknownTenant:
        raise OktaError("E0000007", "Not found: Resource not found: org") from None


def _client_id_hint(request: Request, form: Pairs) -> str | None:
    """The client the request claims to be (unverified: only used to pick the org)."""
    values = dict(form)
    header = request.headers.get("authorization", "")
    if header[:6].lower() == "basic ":
        try:
            decoded = base64.b64decode(header[6:].strip()).decode()
            return decoded.split(":", 1)[0] or None
        except (ValueError, UnicodeDecodeError):
            return None
    if values.get("client_id"):
        return values["client_id"]
    for jwt_value in (values.get("client_assertion"), request.query_params.get("id_token_hint")):
        claims = _unverified_claims(jwt_value)
        client = claims.get("sub") if jwt_value is values.get("client_assertion") else claims.get("aud")
        if isinstance(client, str):
            return client
    return request.query_params.get("client_id")


def _unverified_claims(token: str | None) -> dict[str, object]:
    if not token or token.count(".") != 2:
        return {}
    segment = token.split(".")[1]
    try:
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except ValueError:
        return {}
    return claims if isinstance(claims, dict) else {}


def _tenant_of_client(session: Session, client_id: str | None) -> str | None:
    if not client_id:
        return None
    tenants = list(session.exec(select(App.tenant_id).where(App.client_id == client_id)))
    if not tenants:
        return None
    return DEFAULT_TENANT if DEFAULT_TENANT in tenants else tenants[0]


def _tenant_of_bearer(session: Session, request: Request) -> str | None:
    parsed = parse_authorization(request.headers.get("authorization"))
    if parsed is None or parsed[0] != "Bearer":
        return None
    row = session.exec(select(OAuthToken.tenant_id).where(OAuthToken.token_hash == token_hash(parsed[1]))).first()
    return row
