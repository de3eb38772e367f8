"""Okta's tables. Every table is prefixed `okta_` and keyed by (tenant_id, Okta id).

They live in their own SQLModel registry so they never collide with another twin's
tables in a shared database. Timestamps are epoch seconds (float) from the tenant's
clock; `render.py` turns them into Okta's ISO-8601 strings.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlalchemy.orm import registry
from sqlmodel import Field, SQLModel


class OktaModel(SQLModel, registry=registry()):
    """Base of the Okta twin's tables."""


METADATA = OktaModel.metadata


def json_column(nullable: bool = True) -> Any:
    return Field(default=None, sa_column=Column(JSON, nullable=nullable))


class Org(OktaModel, table=True):
    """The tenant as an Okta org: its name and the settings that shape behaviour."""

    __tablename__ = "okta_org"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # 00o...
    name: str
    subdomain: str
    created: float = 0
    # Password policy lockout: failed attempts before LOCKED_OUT (Okta's default policy: 10).
    lockout_threshold: int = 10
    settings: dict[str, Any] | None = json_column()


class User(OktaModel, table=True):
    __tablename__ = "okta_user"
    __table_args__ = (
        # One login per org, compared case-insensitively as Okta does.
        UniqueConstraint("tenant_id", "login_lower", name="uq_okta_user_login"),
        Index("ix_okta_user_status", "tenant_id", "status"),
    )
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # 00u...
    status: str  # STAGED, PROVISIONED, ACTIVE, RECOVERY, PASSWORD_EXPIRED, LOCKED_OUT, SUSPENDED, DEPROVISIONED
    login_lower: str
    profile: dict[str, Any] | None = json_column()
    type_id: str = ""  # the user type (oty...)
    password_hash: str | None = None  # pbkdf2; None = no password credential
    recovery_question: dict[str, Any] | None = json_column()
    provider: dict[str, Any] | None = json_column()  # credentials.provider {type, name}
    transitioning_to_status: str | None = None
    failed_attempts: int = 0
    created: float = 0
    activated: float | None = None
    status_changed: float | None = None
    last_login: float | None = None
    last_updated: float = 0
    password_changed: float | None = None
    # sha256 of the one-time activation / recovery token handed out by the lifecycle API (None when none is live).
    activation_token_hash: str | None = None
    recovery_token_hash: str | None = None
    seq: int = 0  # creation order, the list order and the `after` cursor


class Group(OktaModel, table=True):
    __tablename__ = "okta_group"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # 00g...
    type: str = "OKTA_GROUP"  # OKTA_GROUP, BUILT_IN (Everyone), APP_GROUP
    profile: dict[str, Any] | None = json_column()  # name, description, custom attributes
    name_lower: str = ""
    created: float = 0
    last_updated: float = 0
    last_membership_updated: float = 0
    seq: int = 0


class GroupMember(OktaModel, table=True):
    __tablename__ = "okta_group_member"
    __table_args__ = (Index("ix_okta_group_member_user", "tenant_id", "user_id"),)
    tenant_id: str = Field(primary_key=True)
    group_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    added: float = 0
    seq: int = 0


class App(OktaModel, table=True):
    __tablename__ = "okta_app"
    __table_args__ = (Index("ix_okta_app_client", "tenant_id", "client_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # 0oa...
    name: str  # oidc_client, bookmark, template_saml_2_0, ...
    label: str
    status: str = "ACTIVE"  # ACTIVE, INACTIVE
    sign_on_mode: str = "OPENID_CONNECT"  # OPENID_CONNECT, BOOKMARK, SAML_2_0, AUTO_LOGIN, BASIC_AUTH, ...
    client_id: str | None = None  # OIDC apps: credentials.oauthClient.client_id (the app id in Okta)
    client_secret: str | None = None
    # The app's full wire document minus what the columns above hold (settings, credentials, visibility...).
    document: dict[str, Any] | None = json_column()
    created: float = 0
    last_updated: float = 0
    seq: int = 0


class AppUser(OktaModel, table=True):
    """A user's assignment to an app: direct (scope USER) or through a group (scope GROUP)."""

    __tablename__ = "okta_app_user"
    __table_args__ = (Index("ix_okta_app_user_user", "tenant_id", "user_id"),)
    tenant_id: str = Field(primary_key=True)
    app_id: str = Field(primary_key=True)
    user_id: str = Field(primary_key=True)
    direct: bool = False  # assigned to the user themself (scope USER)
    profile: dict[str, Any] | None = json_column()
    credentials: dict[str, Any] | None = json_column()  # {userName: ...}
    status: str = "ACTIVE"
    created: float = 0
    last_updated: float = 0
    status_changed: float = 0
    seq: int = 0
    # Provisioning: the account's id in the target app, and Okta's view of whether it is in step.
    external_id: str | None = None
    sync_state: str = "DISABLED"  # DISABLED, OUT_OF_SYNC, SYNCING, SYNCHRONIZED, ERROR
    last_sync: float | None = None


class AppGroup(OktaModel, table=True):
    __tablename__ = "okta_app_group"
    __table_args__ = (Index("ix_okta_app_group_group", "tenant_id", "group_id"),)
    tenant_id: str = Field(primary_key=True)
    app_id: str = Field(primary_key=True)
    group_id: str = Field(primary_key=True)
    priority: int = 0
    profile: dict[str, Any] | None = json_column()
    last_updated: float = 0
    seq: int = 0


class AppConnection(OktaModel, table=True):
    """An app's default provisioning connection (Application Connections API) to its target.

    `base_url` is where the target's API lives (Okta knows it for OIN apps; DTU needs the
    twin's URL). TOKEN connections carry `token` (write-only); the Google Workspace app's
    OAUTH2 connection carries a service account key and the admin it acts as (DTU's stand-in
    for the admin consent Okta obtains in a browser).
    """

    __tablename__ = "okta_app_connection"
    tenant_id: str = Field(primary_key=True)
    app_id: str = Field(primary_key=True)
    status: str = "DISABLED"  # ENABLED, DISABLED
    auth_scheme: str = "TOKEN"  # TOKEN, OAUTH2
    base_url: str = ""
    token: str | None = None
    service_account: dict[str, Any] | None = json_column()
    subject: str | None = None
    created: float = 0
    last_updated: float = 0


class ProvisioningPush(OktaModel, table=True):
    """A provisioning push waiting for (or done with) its target: the persisted delivery queue.

    Rows are written in the transaction that caused them, so a push survives a restart
    of the twin and a target that stays down; `login` and `external_id` are snapshots
    for users no longer assigned (or deleted) by the time the push runs.
    """

    __tablename__ = "okta_provisioning_push"
    __table_args__ = (Index("ix_okta_provisioning_push_state", "state", "tenant_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    app_id: str
    user_id: str
    action: str  # push, push_profile, deactivate, reactivate
    login: str = ""
    external_id: str | None = None
    state: str = "pending"  # pending, delivered, failed
    attempts: int = 0
    last_error: str | None = None
    created: float = 0
    finished: float | None = None
    seq: int = 0


class RoleAssignment(OktaModel, table=True):
    """An admin role held by a user or by an OAuth client (service app)."""

    __tablename__ = "okta_role_assignment"
    __table_args__ = (Index("ix_okta_role_principal", "tenant_id", "principal_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    principal_id: str  # user id (00u...) or client id
    principal_type: str = "USER"  # USER, CLIENT
    type: str  # SUPER_ADMIN, ORG_ADMIN, APP_ADMIN, USER_ADMIN, ...
    assignment_type: str = "USER"  # USER, GROUP, CLIENT
    status: str = "ACTIVE"
    created: float = 0
    last_updated: float = 0


class ApiToken(OktaModel, table=True):
    """An SSWS API token: acts with the permissions of the admin who created it."""

    __tablename__ = "okta_api_token"
    __table_args__ = (Index("ix_okta_api_token_value", "token_hash"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # 00T...
    token_hash: str  # sha256 of the token; the token itself is shown once
    name: str
    user_id: str
    client_name: str = "Okta API"
    created: float = 0
    expires_at: float | None = None
    last_updated: float = 0


class LogEvent(OktaModel, table=True):
    """One System Log event; `document` is the LogEvent as /api/v1/logs returns it."""

    __tablename__ = "okta_log_event"
    __table_args__ = (Index("ix_okta_log_published", "tenant_id", "published"),)
    tenant_id: str = Field(primary_key=True)
    uuid: str = Field(primary_key=True)
    seq: int = 0
    published: float = 0
    event_type: str = ""
    document: dict[str, Any] | None = json_column()


class EventHook(OktaModel, table=True):
    __tablename__ = "okta_event_hook"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # who...
    name: str
    description: str | None = None
    status: str = "ACTIVE"
    verification_status: str = "UNVERIFIED"  # UNVERIFIED, VERIFIED
    events: dict[str, Any] | None = json_column()  # {type: EVENT_TYPE, items: [...]}
    channel: dict[str, Any] | None = json_column()  # {type: HTTP, version, config: {uri, headers, authScheme}}
    created: float = 0
    last_updated: float = 0
    created_by: str = ""
    seq: int = 0


class AuthServer(OktaModel, table=True):
    """A custom authorization server (`default` is provisioned); the org server is implicit."""

    __tablename__ = "okta_auth_server"
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # aus... or "default"
    name: str
    description: str = ""
    audiences: list[str] | None = Field(default=None, sa_column=Column(JSON))
    status: str = "ACTIVE"
    scopes: list[str] | None = Field(default=None, sa_column=Column(JSON))  # custom scopes besides OIDC ones
    created: float = 0
    last_updated: float = 0


class SigningKey(OktaModel, table=True):
    """RS256 keys of an authorization server (`server_id` "" = the org server)."""

    __tablename__ = "okta_signing_key"
    tenant_id: str = Field(primary_key=True)
    kid: str = Field(primary_key=True)
    server_id: str = ""
    status: str = "ACTIVE"  # ACTIVE (signs), NEXT, EXPIRED (still published until removed)
    private_pem: str = ""
    public_jwk: dict[str, Any] | None = json_column()
    created: float = 0


class OAuthToken(OktaModel, table=True):
    """An issued access or refresh token (or an authorization code), for introspection and revocation."""

    __tablename__ = "okta_oauth_token"
    __table_args__ = (
        Index("ix_okta_oauth_token_user", "tenant_id", "user_id"),
        Index("ix_okta_oauth_token_value", "token_hash"),
    )
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # jti (AT..., oar..., code id)
    kind: str  # access_token, refresh_token, authorization_code
    token_hash: str  # sha256 of the opaque value (refresh tokens, codes) or of the JWT
    server_id: str = ""  # "" = org authorization server
    client_id: str = ""
    user_id: str | None = None
    session_id: str | None = None
    scopes: list[str] | None = Field(default=None, sa_column=Column(JSON))
    issued_at: float = 0
    expires_at: float = 0
    revoked: bool = False
    # Code: redirect_uri, PKCE challenge, nonce, auth_time; refresh: rotation family.
    data: dict[str, Any] | None = json_column()


class UserSession(OktaModel, table=True):
    """A user's Okta sign-in session (the `sid` cookie)."""

    __tablename__ = "okta_session"
    __table_args__ = (Index("ix_okta_session_user", "tenant_id", "user_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # 102...
    user_id: str
    status: str = "ACTIVE"
    created: float = 0
    expires_at: float = 0
    last_factor_verification: float = 0
    last_password_verification: float = 0
    amr: list[str] | None = Field(default=None, sa_column=Column(JSON))
    closed: bool = False


class UserFactor(OktaModel, table=True):
    """A factor a user enrolled through the Factors API (the twin verifies `token:software:totp`)."""

    __tablename__ = "okta_factor"
    __table_args__ = (Index("ix_okta_factor_user", "tenant_id", "user_id"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)  # ost... (OKTA) / uft... (GOOGLE)
    user_id: str
    factor_type: str  # token:software:totp
    provider: str  # OKTA, GOOGLE
    status: str = "PENDING_ACTIVATION"  # PENDING_ACTIVATION, ACTIVE
    shared_secret: str = ""  # base32 TOTP seed (drawn from the org's seeded generator)
    last_step: int = -1  # the last accepted TOTP time step: a passcode is good once
    created: float = 0
    last_updated: float = 0
    seq: int = 0


class AuthnTransaction(OktaModel, table=True):
    """An Authentication API transaction (`stateToken`) or the one-time `sessionToken` it ends with."""

    __tablename__ = "okta_authn_txn"
    __table_args__ = (Index("ix_okta_authn_txn_token", "tenant_id", "token_hash"),)
    tenant_id: str = Field(primary_key=True)
    id: str = Field(primary_key=True)
    kind: str  # state, session
    token_hash: str  # sha256 of the stateToken / sessionToken
    user_id: str
    status: str  # MFA_REQUIRED, PASSWORD_EXPIRED, SUCCESS, CANCELLED
    created: float = 0
    expires_at: float = 0
    used: bool = False  # a sessionToken is redeemed once; a cancelled stateToken is dead
    password_verified: float | None = None
    factor_verified: float | None = None
    amr: list[str] | None = Field(default=None, sa_column=Column(JSON))
    relay_state: str | None = None


class Counter(OktaModel, table=True):
    """Per-tenant sequence numbers (list order and `after` cursors)."""

    __tablename__ = "okta_counter"
    tenant_id: str = Field(primary_key=True)
    name: str = Field(primary_key=True)
    value: int = 0
