"""A new Workspace domain: three users, a group, a service account with domain-wide delegation,
and an OAuth client with refresh tokens granted by two users.

The credentials identify the domain: every domain is served at the twin's root URL and
told apart by the tokens the twin issues. The default domain's credentials (service-account
key included, see keys.py) are derived from fixed names so that `dtu env` works offline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from services.core.ids import ALNUM, LOWER_HEX
from services.core.settings import TwinSettings
from services.core.tenants import DEFAULT_TENANT, Tenant, deterministic_secret
from services.core.twin import TwinRuntime
from services.gdrive import keys
from services.gdrive.credentials import token_hash
from services.gdrive.domain import items
from services.gdrive.ids import from_hex
from services.gdrive.models import Group, OAuthClient, RefreshToken, ServiceAccount, User
from services.gdrive.scopes import AUTH

DEFAULT_DOMAIN = "example.com"
PEOPLE = (("admin", "Admin User", True), ("alice", "Alice Example", False), ("bob", "Bob Example", False))
GRANTED = [AUTH + "drive", AUTH + "documents", AUTH + "spreadsheets", "openid", AUTH + "userinfo.email"]
LOWER_ALNUM = "abcdefghijklmnopqrstuvwxyz0123456789"


@dataclass
class Secrets:
    domain: str
    project_id: str
    sa_client_id: str
    private_key_id: str
    private_key_pem: str
    public_key_pem: str
    oauth_client_id: str
    oauth_client_secret: str
    refresh_tokens: dict[str, str]  # person -> refresh token
    user_ids: dict[str, str]
    permission_ids: dict[str, str]

    @property
    def sa_email(self) -> str:
        return f"dtu-drive@{self.project_id}.iam.gserviceaccount.com"


def _default_secrets() -> Secrets:
    d = deterministic_secret
    key = keys.derived_private_key("google", "default", "service-account")
    return Secrets(
        domain=DEFAULT_DOMAIN,
        project_id="dtu-default-project",
        sa_client_id=from_hex(d("google", "default", "sa-client-id"), 21),
        private_key_id=d("google", "default", "private-key-id", length=40),
        private_key_pem=keys.private_pem(key),
        public_key_pem=keys.public_pem(key),
        oauth_client_id=from_hex(d("google", "default", "oauth-project"), 12)
        + "-"
        + d("google", "default", "oauth-client", length=32)
        + ".apps.googleusercontent.com",
        oauth_client_secret="GOCSPX-" + d("google", "default", "oauth-secret", length=28),
        refresh_tokens={p: "1//0" + d("google", "default", "refresh", p, length=96) for p, _, _ in PEOPLE},
        user_ids={p: from_hex(d("google", "default", "user", p), 21) for p, _, _ in PEOPLE},
        permission_ids={p: from_hex(d("google", "default", "permission", p), 20) for p, _, _ in PEOPLE},
    )


def _new_secrets(tenant: Tenant) -> Secrets:
    ids = tenant.ids
    key = keys.random_private_key()
    return Secrets(
        domain=f"{tenant.id.lower()}.example.com",
        project_id=f"dtu-{tenant.id.lower()}",
        sa_client_id=ids.digits(21),
        private_key_id=ids.draw(40, LOWER_HEX),
        private_key_pem=keys.private_pem(key),
        public_key_pem=keys.public_pem(key),
        oauth_client_id=ids.digits(12) + "-" + ids.draw(32, LOWER_ALNUM) + ".apps.googleusercontent.com",
        oauth_client_secret="GOCSPX-" + ids.draw(28, ALNUM + "-_"),
        refresh_tokens={p: "1//0" + ids.draw(96, ALNUM + "-_") for p, _, _ in PEOPLE},
        user_ids={p: ids.digits(21) for p, _, _ in PEOPLE},
        permission_ids={p: ids.digits(20) for p, _, _ in PEOPLE},
    )


def _credentials(secrets: Secrets, base_url: str) -> dict[str, Any]:
    token_uri = f"{base_url}/token"
    service_account = {
        "type": "service_account",
        "project_id": secrets.project_id,
        "private_key_id": secrets.private_key_id,
        "private_key": secrets.private_key_pem,
        "client_email": secrets.sa_email,
        "client_id": secrets.sa_client_id,
        "auth_uri": f"{base_url}/o/oauth2/auth",
        "token_uri": token_uri,
        "auth_provider_x509_cert_url": f"{base_url}/oauth2/v1/certs",
        "client_x509_cert_url": f"{base_url}/robot/v1/metadata/x509/{secrets.sa_email}",
        "universe_domain": "googleapis.com",
    }
    email = {p: f"{p}@{secrets.domain}" for p, _, _ in PEOPLE}
    authorized_user = {
        "type": "authorized_user",
        "client_id": secrets.oauth_client_id,
        "client_secret": secrets.oauth_client_secret,
        "refresh_token": secrets.refresh_tokens["admin"],
        "token_uri": token_uri,
    }
    return {
        "url": base_url,
        "discovery_url": f"{base_url}/discovery/v1/apis/{{api}}/{{apiVersion}}/rest",
        "token_uri": token_uri,
        "domain": secrets.domain,
        "admin_email": email["admin"],
        "alice_email": email["alice"],
        "bob_email": email["bob"],
        "group_email": f"team@{secrets.domain}",
        "service_account": service_account,
        "service_account_email": secrets.sa_email,
        "client_id": secrets.oauth_client_id,
        "client_secret": secrets.oauth_client_secret,
        "refresh_token": secrets.refresh_tokens["admin"],
        "alice_refresh_token": secrets.refresh_tokens["alice"],
        "authorized_user": authorized_user,
        "scopes": GRANTED,
    }


def default_credentials(settings: TwinSettings) -> dict[str, Any]:
    return _credentials(_default_secrets(), settings.base_url)


def provision(session: Session, tenant: Tenant, runtime: TwinRuntime) -> dict[str, Any]:
    secrets = _default_secrets() if tenant.id == DEFAULT_TENANT else _new_secrets(tenant)
    now = tenant.clock.time()
    for person, name, admin in PEOPLE:
        user = User(
            tenant_id=tenant.id,
            id=secrets.user_ids[person],
            email=f"{person}@{secrets.domain}",
            display_name=name,
            permission_id=secrets.permission_ids[person],
            is_admin=admin,
            created=now,
        )
        items.create_root(session, tenant, user)
        session.add(user)
        session.add(
            RefreshToken(
                tenant_id=tenant.id,
                token_hash=token_hash(secrets.refresh_tokens[person]),
                client_id=secrets.oauth_client_id,
                user_id=user.id,
                scopes=GRANTED,
                created=now,
            )
        )
    session.add(
        Group(
            tenant_id=tenant.id,
            email=f"team@{secrets.domain}",
            name="Team",
            members=[f"alice@{secrets.domain}", f"bob@{secrets.domain}"],
        )
    )
    session.add(
        ServiceAccount(
            tenant_id=tenant.id,
            client_id=secrets.sa_client_id,
            client_email=secrets.sa_email,
            project_id=secrets.project_id,
            private_key_id=secrets.private_key_id,
            public_key_pem=secrets.public_key_pem,
            created=now,
        )
    )
    # A service account acting as itself (no `sub`) has a Drive of its own.
    sa_user = User(
        tenant_id=tenant.id,
        id=secrets.sa_client_id,
        email=secrets.sa_email,
        display_name="dtu-drive",
        permission_id=from_hex(token_hash(secrets.sa_email), 20),
        kind="serviceAccount",
        created=now,
    )
    items.create_root(session, tenant, sa_user)
    session.add(sa_user)
    session.add(
        OAuthClient(
            tenant_id=tenant.id,
            client_id=secrets.oauth_client_id,
            secret_hash=token_hash(secrets.oauth_client_secret),
            project_number=secrets.oauth_client_id.split("-", 1)[0],
            created=now,
        )
    )
    return _credentials(secrets, runtime.base_url)
