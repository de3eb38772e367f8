"""An Okta OIDC app as authlib's OAuth client, with Okta's refusals worded as Okta words them."""

from __future__ import annotations

import hmac
from typing import Any, NoReturn

from authlib.oauth2.rfc6749 import ClientMixin, UnauthorizedClientError, UnsupportedResponseTypeError
from sqlmodel import select

from services.okta.call import OktaCall
from services.okta.models import App, AppUser, RoleAssignment


class OktaClient(ClientMixin):
    def __init__(self, app: App) -> None:
        self.app = app
        self.client_id = app.client_id or app.id
        document = app.document or {}
        self.settings: dict[str, Any] = (document.get("settings") or {}).get("oauthClient") or {}
        credentials: dict[str, Any] = (document.get("credentials") or {}).get("oauthClient") or {}
        self.auth_method: str = credentials.get("token_endpoint_auth_method") or "client_secret_basic"
        # Public clients must use PKCE; confidential ones when the app says so.
        self.pkce_required = self.auth_method == "none" or bool(credentials.get("pkce_required"))

    # -- what the app allows ----------------------------------------------------------
    @property
    def grant_types(self) -> list[str]:
        return list(self.settings.get("grant_types") or ["authorization_code"])

    @property
    def response_types(self) -> list[str]:
        return list(self.settings.get("response_types") or ["code"])

    @property
    def redirect_uris(self) -> list[str]:
        return list(self.settings.get("redirect_uris") or [])

    @property
    def post_logout_redirect_uris(self) -> list[str]:
        return list(self.settings.get("post_logout_redirect_uris") or [])

    @property
    def jwks(self) -> dict[str, Any]:
        return dict(self.settings.get("jwks") or {"keys": []})

    @property
    def rotation(self) -> tuple[str, int]:
        """Refresh-token rotation: ("ROTATE", leeway seconds) or ("STATIC", 0).

        Okta rotates by default only for SPAs; a web app without `refresh_token`
        settings keeps its refresh token (STATIC).
        """
        config = self.settings.get("refresh_token") or {}
        kind = config.get("rotation_type") or (
            "ROTATE" if self.settings.get("application_type") == "browser" else "STATIC"
        )
        leeway = config.get("leeway")
        return str(kind), int(leeway if isinstance(leeway, int) else 30)

    # -- authlib's ClientMixin --------------------------------------------------------
    def get_client_id(self) -> str:
        return self.client_id

    def get_default_redirect_uri(self) -> str | None:
        return None  # Okta requires `redirect_uri` on every authorize request

    def get_allowed_scope(self, scope: str) -> str:
        return scope  # scopes are checked against the authorization server (server.py)

    def check_redirect_uri(self, redirect_uri: str) -> bool:
        return redirect_uri in self.redirect_uris  # exact match, as Okta compares them

    def check_client_secret(self, client_secret: str) -> bool:
        secret = self.app.client_secret
        return secret is not None and hmac.compare_digest(secret.encode(), client_secret.encode())

    def check_endpoint_auth_method(self, method: str, endpoint: str) -> bool:
        return method == self.auth_method

    def check_response_type(self, response_type: str) -> bool:
        if response_type in self.response_types:
            return True
        configured = ", ".join(self.response_types)
        raise UnsupportedResponseTypeError(
            "The response type is not supported by the authorization server. "
            f"Configured response types: [{configured}].",
            response_type,
        )

    def check_grant_type(self, grant_type: str) -> bool:
        if grant_type in self.grant_types:
            return True
        if grant_type == "refresh_token":
            # authlib also asks this when a code is exchanged, to decide whether to include a
            # refresh token: an app without the grant gets tokens without one, not an error.
            # A refresh_token request is refused by RefreshToken (server.py) with Okta's words.
            return False
        self.refuse_grant_type()

    def refuse_grant_type(self) -> NoReturn:
        configured = ", ".join(self.grant_types)
        raise UnauthorizedClientError(
            f"The client is not authorized to use the provided grant type. Configured grant types: [{configured}]."
        )


def find_client(call: OktaCall, client_id: str) -> OktaClient | None:
    """The org's OIDC app with that client id; INACTIVE apps are not clients (invalid_client)."""
    app = call.one(select(App).where(App.tenant_id == call.tenant.id, App.client_id == client_id))
    if app is None or app.status != "ACTIVE" or app.sign_on_mode != "OPENID_CONNECT":
        return None
    return OktaClient(app)


def is_assigned(call: OktaCall, client: OktaClient, user_id: str) -> bool:
    """Directly or through a group (AppUser rows hold both)."""
    return call.session.get(AppUser, (call.tenant.id, client.app.id, user_id)) is not None


def has_admin_role(call: OktaCall, client_id: str) -> bool:
    row = call.one(
        select(RoleAssignment).where(
            RoleAssignment.tenant_id == call.tenant.id,
            RoleAssignment.principal_id == client_id,
            RoleAssignment.status == "ACTIVE",
        )
    )
    return row is not None
