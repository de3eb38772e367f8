"""A new Okta org: its super admin with an API token, Everyone, two apps, the default server.

Every tenant starts as a fresh developer org would after setup:
- an admin user (SUPER_ADMIN) with a password and an SSWS API token;
- the BUILT_IN `Everyone` group;
- an OIDC web app (authorization code + refresh token, client_secret_basic) assigned to
  Everyone, so any active user can sign in to it;
- an API service app (client_credentials, private_key_jwt) holding SUPER_ADMIN, for the
  okta SDK's PrivateKey mode; its private key is part of the returned credentials;
- the `default` custom authorization server.
"""

from __future__ import annotations

from typing import Any

from cryptography.hazmat.primitives import serialization
from joserfc.jwk import RSAKey
from sqlmodel import Session

from services.core.rsa_keys import tenant_private_key
from services.core.settings import TwinSettings
from services.core.tenants import DEFAULT_TENANT, Tenant, deterministic_secret
from services.core.twin import TwinRuntime
from services.okta.models import (
    ApiToken,
    App,
    AppGroup,
    AppUser,
    AuthServer,
    Counter,
    Group,
    GroupMember,
    Org,
    RoleAssignment,
    User,
)
from services.okta.oktaids import new_id, new_secret
from services.okta.secrets import hash_password, token_hash
from services.okta.tenancy import org_url

ADMIN_LOGIN = "admin@example.com"
WEB_REDIRECT_URI = "http://127.0.0.1:8080/authorization-code/callback"
OIDC_SCOPES = ["openid", "profile", "email", "address", "phone", "offline_access", "groups"]


def fixed_default_secrets() -> dict[str, str]:
    """The default org's credentials: stable across runs so users can write them down."""
    d = deterministic_secret
    return {
        "api_token": "00" + d("okta", "default", "api-token", length=40),
        "admin_password": "Dtu-" + d("okta", "default", "admin-password", length=12) + "!",
        "client_id": "0oa" + d("okta", "default", "web-client", length=17),
        "client_secret": d("okta", "default", "web-secret", length=40),
        "service_client_id": "0oa" + d("okta", "default", "service-client", length=17),
    }


def default_credentials(settings: TwinSettings) -> dict[str, Any]:
    return {
        **fixed_default_secrets(),
        "org_url": settings.base_url,
        "issuer": settings.base_url + "/oauth2/default",
        "admin_login": ADMIN_LOGIN,
        "redirect_uri": WEB_REDIRECT_URI,
    }


def _keypair(kid: str) -> tuple[str, dict[str, Any]]:
    key = tenant_private_key()  # fresh, unless DTU_TENANT_KEY_REUSE asks for reuse (scenario runs)
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    ).decode()
    public = RSAKey.import_key(key.public_key()).as_dict(private=False)
    return pem, {**public, "kid": kid, "use": "sig", "alg": "RS256"}


def provision(session: Session, tenant: Tenant, runtime: TwinRuntime) -> dict[str, Any]:
    now = tenant.clock.time()
    tid = tenant.id
    if tid == DEFAULT_TENANT:
        secrets = fixed_default_secrets()
    else:
        secrets = {
            "api_token": "00" + new_secret(tenant, 40),
            "admin_password": "Dtu-" + new_secret(tenant, 12) + "!",
            "client_id": new_id(tenant, "0oa"),
            "client_secret": new_secret(tenant, 40),
            "service_client_id": new_id(tenant, "0oa"),
        }
    subdomain = "dtu" if tid == DEFAULT_TENANT else f"dtu-{tid.lower()}"
    session.add(Org(tenant_id=tid, id=new_id(tenant, "00o"), name=tenant.name, subdomain=subdomain, created=now))

    admin_id = new_id(tenant, "00u")
    session.add(
        User(
            tenant_id=tid,
            id=admin_id,
            status="ACTIVE",
            login_lower=ADMIN_LOGIN,
            profile={
                "firstName": "Org",
                "lastName": "Admin",
                "login": ADMIN_LOGIN,
                "email": ADMIN_LOGIN,
                "mobilePhone": None,
                "secondEmail": None,
            },
            password_hash=hash_password(secrets["admin_password"]),
            provider={"type": "OKTA", "name": "OKTA"},
            created=now,
            activated=now,
            status_changed=now,
            last_updated=now,
            password_changed=now,
            seq=1,
        )
    )
    session.add(
        RoleAssignment(
            tenant_id=tid,
            id=new_id(tenant, "irb"),
            principal_id=admin_id,
            type="SUPER_ADMIN",
            created=now,
            last_updated=now,
        )
    )
    session.add(
        ApiToken(
            tenant_id=tid,
            id=new_id(tenant, "00T"),
            token_hash=token_hash(secrets["api_token"]),
            name="dtu",
            user_id=admin_id,
            created=now,
            last_updated=now,
        )
    )

    everyone = new_id(tenant, "00g")
    session.add(
        Group(
            tenant_id=tid,
            id=everyone,
            type="BUILT_IN",
            profile={"name": "Everyone", "description": "All users in your organization"},
            name_lower="everyone",
            created=now,
            last_updated=now,
            last_membership_updated=now,
            seq=1,
        )
    )
    session.add(GroupMember(tenant_id=tid, group_id=everyone, user_id=admin_id, added=now, seq=1))

    web_app = secrets["client_id"]  # an OIDC app's id is its client_id
    session.add(
        App(
            tenant_id=tid,
            id=web_app,
            name="oidc_client",
            label="DTU Web App",
            sign_on_mode="OPENID_CONNECT",
            client_id=secrets["client_id"],
            client_secret=secrets["client_secret"],
            document={
                "credentials": {
                    "oauthClient": {"autoKeyRotation": True, "token_endpoint_auth_method": "client_secret_basic"}
                },
                "settings": {
                    "oauthClient": {
                        "redirect_uris": [WEB_REDIRECT_URI],
                        "post_logout_redirect_uris": ["http://127.0.0.1:8080/"],
                        "response_types": ["code"],
                        "grant_types": ["authorization_code", "refresh_token"],
                        "application_type": "web",
                        "consent_method": "REQUIRED",
                        "issuer_mode": "ORG_URL",
                    }
                },
            },
            created=now,
            last_updated=now,
            seq=1,
        )
    )
    session.add(AppGroup(tenant_id=tid, app_id=web_app, group_id=everyone, priority=0, last_updated=now, seq=1))
    session.add(
        AppUser(
            tenant_id=tid,
            app_id=web_app,
            user_id=admin_id,
            direct=False,
            credentials={"userName": ADMIN_LOGIN},
            created=now,
            last_updated=now,
            status_changed=now,
            seq=1,
        )
    )

    service_client = secrets["service_client_id"]
    key_id = new_secret(tenant, 20)
    private_pem, public_jwk = _keypair(key_id)
    session.add(
        App(
            tenant_id=tid,
            id=service_client,
            name="oidc_client",
            label="DTU API Service",
            sign_on_mode="OPENID_CONNECT",
            client_id=service_client,
            document={
                "credentials": {
                    "oauthClient": {"autoKeyRotation": True, "token_endpoint_auth_method": "private_key_jwt"}
                },
                "settings": {
                    "oauthClient": {
                        "redirect_uris": [],
                        "response_types": ["token"],
                        "grant_types": ["client_credentials"],
                        "application_type": "service",
                        "jwks": {"keys": [public_jwk]},
                    }
                },
            },
            created=now,
            last_updated=now,
            seq=2,
        )
    )
    session.add(
        RoleAssignment(
            tenant_id=tid,
            id=new_id(tenant, "irb"),
            principal_id=service_client,
            principal_type="CLIENT",
            type="SUPER_ADMIN",
            assignment_type="CLIENT",
            created=now,
            last_updated=now,
        )
    )
    session.add(
        AuthServer(
            tenant_id=tid,
            id="default",
            name="default",
            description="Default Authorization Server for your Applications",
            audiences=["api://default"],
            created=now,
            last_updated=now,
        )
    )
    for name, value in (("user", 1), ("group", 1), ("app", 2), ("member", 1), ("app_user", 1), ("app_group", 1)):
        session.add(Counter(tenant_id=tid, name=name, value=value))
    return {
        **secrets,
        "org_url": runtime.settings.base_url,
        "issuer": org_url(runtime, tid) + "/oauth2/default",
        "org_issuer": org_url(runtime, tid),
        "admin_login": ADMIN_LOGIN,
        "admin_id": admin_id,
        "redirect_uri": WEB_REDIRECT_URI,
        "private_key": private_pem,
        "private_key_id": key_id,
    }
