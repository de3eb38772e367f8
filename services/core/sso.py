"""Single sign-on through an OpenID Connect identity provider: the relying party every twin shares.

Slack, Google Workspace and Atlassian sign people in through their organization's IdP (SAML in the
real products); here the IdP is an OIDC web app in the Okta twin (a twin's seed key `sso`). What is
the same for every twin lives here: the fields of the setting (`SsoSettingFields`) and of a pending
sign-in (`SsoLoginFields`) as SQLModel mixins, setting it from a seed value (`configure`), sending the
browser to the IdP (`start`: state, nonce, PKCE, a single-use login row that expires), and the
callback's checks up to the email the IdP verified (`complete`). The protocol itself (discovery,
code exchange, ID-token verification) is services/core/oidc_client.py.

No vendor knowledge: each twin keeps its own tables (named in its prefix, in its own metadata, so
snapshots and tenant deletes cover them), finds its person by email, refuses inactive ones in its
own words, and decides what a successful sign-in does.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar
from urllib.parse import urlencode

from sqlmodel import Field, Session, SQLModel, col, select

from services.core import oidc_client
from services.core.twin import TwinRuntime

CALLBACK_PATH = "/sso/okta/callback"  # the redirect URI registered at the IdP (services/universe/sso.py)
LOGIN_LIFETIME = 600  # seconds a sign-in may take at the IdP
# The core "couldn't sign you in" page (services/core/ui/templates): each twin passes its own wording.
REFUSED_TEMPLATE = "dtu_sso_refused.html"

SsoFailed = oidc_client.OidcFailed


class SsoSettingFields(SQLModel):
    """A tenant's relying party as registered at the IdP. One row per tenant; none means no SSO."""

    tenant_id: str = Field(primary_key=True)
    issuer: str  # the authorization server's issuer URL
    client_id: str
    client_secret: str


class SsoLoginFields(SQLModel):
    """A sign-in sent to the IdP, kept until its callback (single use).

    A twin's table adds what it needs to resume afterwards (the original query, a next path).
    """

    tenant_id: str = Field(primary_key=True)
    state: str = Field(primary_key=True)  # the `state` sent to the IdP (random, so unique across tenants)
    code_verifier: str  # PKCE
    nonce: str
    expires: int = 0


Setting = TypeVar("Setting", bound=SsoSettingFields)
Login = TypeVar("Login", bound=SsoLoginFields)


def configure(session: Session, model: type[SsoSettingFields], tenant_id: str, spec: Any) -> None:
    """Set (or, with None, remove) a tenant's SSO; `spec` is `{issuer, client_id, client_secret}`.

    ValueError when `spec` is neither an object with those strings nor None.
    """
    current = session.get(model, tenant_id)
    if spec is None:
        if current is not None:
            session.delete(current)
        return
    if not isinstance(spec, dict):
        raise ValueError("sso must be an object {issuer, client_id, client_secret} or null")
    client = oidc_client.Client.from_spec(spec)
    row = current or model(tenant_id=tenant_id, issuer="", client_id="", client_secret="")
    row.issuer, row.client_id, row.client_secret = client.issuer, client.client_id, client.client_secret
    session.add(row)


def setting(runtime: TwinRuntime, model: type[Setting], tenant_id: str) -> Setting | None:
    """The tenant's SSO setting, detached (usable outside the session while the IdP is contacted)."""
    with runtime.store.session() as session:
        row = session.get(model, tenant_id)
        if row is not None:
            session.expunge(row)
        return row


def start_url(
    runtime: TwinRuntime, model: type[SsoSettingFields], tenant_id: str, path: str, next_path: str
) -> str | None:
    """Where a sign-in page's "Sign in with Okta" goes (the twin's `path`), when the tenant has SSO.

    The IdP itself is contacted only on the click.
    """
    with runtime.store.session() as session:
        if session.get(model, tenant_id) is None:
            return None
    return f"{path}?{urlencode({'tenant': tenant_id, 'next': next_path})}"


def callback_url(runtime: TwinRuntime) -> str:
    return runtime.base_url + CALLBACK_PATH


def _client(sso: SsoSettingFields) -> oidc_client.Client:
    return oidc_client.Client(issuer=sso.issuer, client_id=sso.client_id, client_secret=sso.client_secret)


async def start(runtime: TwinRuntime, sso: SsoSettingFields, login_model: type[SsoLoginFields], **resume: str) -> str:
    """Store a pending sign-in (with the twin's `resume` columns); the URL of the IdP's authorize endpoint.

    SsoFailed when the IdP cannot be reached (its discovery document is read on every sign-in).
    """
    metadata = await oidc_client.discover(sso.issuer)
    attempt = oidc_client.Attempt()
    now = int(runtime.tenants.get(sso.tenant_id).clock.time())
    with runtime.store.session() as session:
        session.add(
            login_model(
                tenant_id=sso.tenant_id,
                state=attempt.state,
                code_verifier=attempt.code_verifier,
                nonce=attempt.nonce,
                expires=now + LOGIN_LIFETIME,
                **resume,
            )
        )
    return oidc_client.authorize_url(metadata, _client(sso), attempt, callback_url(runtime))


# Why a callback did not get as far as an identity (each twin says it in its own words).
UNKNOWN = "unknown"  # no pending sign-in for this state: forged, replayed, or its tenant is gone
EXPIRED = "expired"  # the sign-in took longer than LOGIN_LIFETIME
IDP_REFUSED = "idp_refused"  # the IdP sent an error (e.g. the person is not assigned to the app)
FAILED = "failed"  # the IdP could not be reached or its ID token did not verify


class Refused(Exception):
    """A callback that signs no one in: `reason` (above), the tenant when known, the IdP's `error` if any."""

    def __init__(self, reason: str, tenant_id: str | None = None, error: str = "", description: str = "") -> None:
        super().__init__(reason)
        self.reason, self.tenant_id, self.error, self.description = reason, tenant_id, error, description


@dataclass(frozen=True)
class Verified(Generic[Login]):
    """A callback the IdP vouched for: the used-up pending sign-in and the ID token's claims."""

    login: Login
    claims: dict[str, Any]

    @property
    def tenant_id(self) -> str:
        return self.login.tenant_id

    @property
    def email(self) -> str | None:
        """The email the IdP verified, when the ID token carries one."""
        email = self.claims.get("email")
        return email if isinstance(email, str) and email else None


async def complete(
    runtime: TwinRuntime,
    setting_model: type[SsoSettingFields],
    login_model: type[Login],
    params: Mapping[str, str],
) -> Verified[Login]:
    """The callback's query `params`, checked: its pending sign-in is used up (a replay finds nothing),
    unexpired, and the IdP's code exchanges for an ID token that verifies. Refused otherwise."""
    state = params.get("state") or ""
    with runtime.store.session() as session:
        login = session.exec(select(login_model).where(col(login_model.state) == state)).first() if state else None
        if login is not None:
            session.delete(login)
        sso = session.get(setting_model, login.tenant_id) if login is not None else None
        if sso is not None:
            session.expunge(sso)
    if login is None or sso is None or runtime.tenants.find(login.tenant_id) is None:
        raise Refused(UNKNOWN)
    now = int(runtime.tenants.get(login.tenant_id).clock.time())
    if login.expires <= now:
        raise Refused(EXPIRED, login.tenant_id)
    if params.get("error") or not params.get("code"):
        raise Refused(IDP_REFUSED, login.tenant_id, params.get("error") or "", params.get("error_description") or "")
    attempt = oidc_client.Attempt(state=login.state, nonce=login.nonce, code_verifier=login.code_verifier)
    try:
        claims = await oidc_client.exchange(_client(sso), attempt, params["code"], callback_url(runtime), now)
    except SsoFailed:
        raise Refused(FAILED, login.tenant_id) from None
    return Verified(login, claims)
