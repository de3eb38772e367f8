"""Who may call what: OAuth scopes (`okta.users.read`, ...) and admin roles.

A Management API operation names one permission, `okta.<family>.<read|manage>`.
OAuth access tokens must carry that scope (a `.manage` scope also grants `.read`),
and the acting admin (the user behind an SSWS token, or the service app of a
client-credentials token) must hold a role that allows it.
"""

from __future__ import annotations

from services.core.credentials import Principal
from services.okta.errors import OktaError

# Admin role -> families it may manage, and families it may only read. "*" = all.
ROLE_RIGHTS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "SUPER_ADMIN": (frozenset({"*"}), frozenset({"*"})),
    "ORG_ADMIN": (
        frozenset({"users", "groups", "apps", "logs", "eventHooks", "sessions", "userTypes", "authorizationServers"}),
        frozenset({"*"}),
    ),
    "APP_ADMIN": (frozenset({"apps"}), frozenset({"apps", "users", "groups"})),
    "USER_ADMIN": (frozenset({"users", "groups", "sessions"}), frozenset({"users", "groups", "apps"})),
    "GROUP_MEMBERSHIP_ADMIN": (frozenset({"groups"}), frozenset({"groups", "users"})),
    "HELP_DESK_ADMIN": (frozenset({"sessions"}), frozenset({"users", "groups", "apps"})),
    "READ_ONLY_ADMIN": (frozenset(), frozenset({"*"})),
    "REPORT_ADMIN": (frozenset(), frozenset({"logs"})),
    "API_ACCESS_MANAGEMENT_ADMIN": (frozenset({"authorizationServers", "apps"}), frozenset({"apps"})),
}
ROLE_LABELS = {
    "SUPER_ADMIN": "Super Administrator",
    "ORG_ADMIN": "Organizational Administrator",
    "APP_ADMIN": "Application Administrator",
    "USER_ADMIN": "Group Administrator",
    "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
    "HELP_DESK_ADMIN": "Help Desk Administrator",
    "READ_ONLY_ADMIN": "Read-only Administrator",
    "REPORT_ADMIN": "Report Administrator",
    "API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
}


def split(permission: str) -> tuple[str, str]:
    """`okta.users.read` -> ("users", "read")."""
    _, family, action = permission.split(".", 2)
    return family, action


def scope_grants(scopes: frozenset[str], permission: str) -> bool:
    family, action = split(permission)
    return permission in scopes or (action == "read" and f"okta.{family}.manage" in scopes)


def roles_grant(roles: frozenset[str], permission: str) -> bool:
    family, action = split(permission)
    for role in roles:
        manage, read = ROLE_RIGHTS.get(role, (frozenset(), frozenset()))
        allowed = manage if action == "manage" else manage | read
        if "*" in allowed or family in allowed:
            return True
    return False


def authorize(principal: Principal, permission: str) -> None:
    if principal.kind == "oauth" and not scope_grants(principal.scopes, permission):
        raise OktaError(
            "E0000006",
            headers={
                "WWW-Authenticate": f'Bearer error="insufficient_scope", '
                f'error_description="The access token provided does not contain the required scopes.", '
                f'scope="{permission}"'
            },
        )
    roles: frozenset[str] = principal.attributes.get("roles", frozenset())
    if not roles_grant(roles, permission):
        raise OktaError("E0000006")
