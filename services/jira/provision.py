"""A new Jira Cloud site: its site admin and a second member (each with an API token), and the
default groups (`site-admins`, `jira-admins`: the admin; `jira-software-users`: both).

A fresh site has no projects; statuses, priorities, resolutions, issue types and the
default workflow come from `catalog.py`. The credentials identify the site: every site
is served at the twin's root URL and told apart by its API token.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.core.ids import ALNUM, LOWER_HEX
from services.core.settings import TwinSettings
from services.core.tenants import DEFAULT_TENANT, Tenant, deterministic_secret
from services.core.twin import TwinRuntime
from services.jira.credentials import token_hash
from services.jira.domain.directory import DEFAULT_GROUPS, PRODUCT_USERS
from services.jira.models import ApiToken, Group, GroupMember, User
from services.jira.scim_models import ScimDirectory

ADMIN_EMAIL = "admin@example.com"
MEMBER_EMAIL = "member@example.com"
TOKEN_PREFIX = "ATATT3xFfGF0"  # what Atlassian API tokens start with


def fixed_default_secrets() -> dict[str, str]:
    """The default site's credentials: stable across runs so users can write them down."""
    d = deterministic_secret
    return {
        "api_token": TOKEN_PREFIX + d("jira", "default", "api-token", length=52),
        "account_id": d("jira", "default", "admin-account", length=24),
        "member_account_id": d("jira", "default", "member-account", length=24),
        "member_api_token": TOKEN_PREFIX + d("jira", "default", "member-api-token", length=52),
        "scim_directory_id": _uuid_shape(d("jira", "default", "scim-directory", length=32)),
        "scim_token": d("jira", "default", "scim-api-key", length=64),
    }


def _uuid_shape(hex32: str) -> str:
    """Atlassian directory ids are UUIDs."""
    h = hex32.lower()
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:32]}"


def scim_url(base_url: str, directory_id: str) -> str:
    return f"{base_url}/scim/directory/{directory_id}"


def default_credentials(settings: TwinSettings) -> dict[str, Any]:
    secrets = fixed_default_secrets()
    return {
        **secrets,
        "scim_url": scim_url(settings.base_url, secrets["scim_directory_id"]),
        "url": settings.base_url,
        "email": ADMIN_EMAIL,
        "member_email": MEMBER_EMAIL,
    }


def provision(session: Session, tenant: Tenant, runtime: TwinRuntime) -> dict[str, Any]:
    ids = tenant.ids
    now = tenant.clock.time()
    if tenant.id == DEFAULT_TENANT:
        secrets = fixed_default_secrets()
    else:
        secrets = {
            "api_token": TOKEN_PREFIX + ids.draw(52, ALNUM),
            "account_id": ids.draw(24, LOWER_HEX),
            "member_account_id": ids.draw(24, LOWER_HEX),
            "member_api_token": TOKEN_PREFIX + ids.draw(52, ALNUM),
            "scim_directory_id": ids.uuid4(),
            "scim_token": ids.draw(64, ALNUM),
        }
    session.add(
        User(
            tenant_id=tenant.id,
            account_id=secrets["account_id"],
            email=ADMIN_EMAIL,
            display_name="Site Admin",
            created=now,
        )
    )
    session.add(
        User(
            tenant_id=tenant.id,
            account_id=secrets["member_account_id"],
            email=MEMBER_EMAIL,
            display_name="Team Member",
            created=now,
        )
    )
    session.add(
        ApiToken(
            tenant_id=tenant.id,
            id=ids.uuid4(),
            token_hash=token_hash(secrets["api_token"]),
            account_id=secrets["account_id"],
            label="dtu",
            created=now,
        )
    )
    session.add(
        ApiToken(
            tenant_id=tenant.id,
            id=ids.uuid4(),
            token_hash=token_hash(secrets["member_api_token"]),
            account_id=secrets["member_account_id"],
            label="dtu",
            created=now,
        )
    )
    # The organization's identity-provider directory (Atlassian's user provisioning API).
    session.add(
        ScimDirectory(
            tenant_id=tenant.id,
            id=secrets["scim_directory_id"],
            token_hash=token_hash(secrets["scim_token"]),
            created=now,
        )
    )
    # The default groups: site administration, Jira administration and product access.
    for name in DEFAULT_GROUPS:
        group = Group(tenant_id=tenant.id, id=ids.uuid4(), name=name, lower_name=name, created=now)
        session.add(group)
        members = [secrets["account_id"]]
        if name == PRODUCT_USERS:
            members.append(secrets["member_account_id"])
        for account in members:
            session.add(GroupMember(tenant_id=tenant.id, group_id=group.id, account_id=account, created=now))
    return {
        "url": runtime.base_url,
        "email": ADMIN_EMAIL,
        "api_token": secrets["api_token"],
        "account_id": secrets["account_id"],
        "member_email": MEMBER_EMAIL,
        "member_account_id": secrets["member_account_id"],
        "member_api_token": secrets["member_api_token"],
        "scim_url": scim_url(runtime.base_url, secrets["scim_directory_id"]),
        "scim_token": secrets["scim_token"],
    }
