"""Okta's wire shapes for the Management API's resources, with their `_links`."""

from __future__ import annotations

import hashlib
from typing import Any

from services.okta.call import OktaCall
from services.okta.models import App, AppUser, RoleAssignment, User
from services.okta.timefmt import iso

# What each status allows next, as the `_links` of a user advertise it.
USER_STATUS_LINKS: dict[str, tuple[str, ...]] = {
    "STAGED": ("activate",),
    "PROVISIONED": ("resetPassword", "deactivate", "activate"),
    "ACTIVE": (
        "suspend",
        "resetPassword",
        "expirePassword",
        "forgotPassword",
        "changeRecoveryQuestion",
        "deactivate",
        "changePassword",
    ),
    "RECOVERY": ("resetPassword", "expirePassword", "deactivate", "changePassword"),
    "PASSWORD_EXPIRED": ("resetPassword", "deactivate", "changePassword"),
    "LOCKED_OUT": ("unlock", "resetPassword", "deactivate"),
    "SUSPENDED": ("unsuspend", "deactivate"),
    "DEPROVISIONED": ("activate",),
}
LIFECYCLE_PATHS = {
    "activate": "lifecycle/activate",
    "deactivate": "lifecycle/deactivate",
    "suspend": "lifecycle/suspend",
    "unsuspend": "lifecycle/unsuspend",
    "unlock": "lifecycle/unlock",
    "resetPassword": "lifecycle/reset_password",
    "expirePassword": "lifecycle/expire_password",
    "forgotPassword": "credentials/forgot_password",
    "changeRecoveryQuestion": "credentials/change_recovery_question",
    "changePassword": "credentials/change_password",
}


def href(call: OktaCall, path: str, method: str | None = None) -> dict[str, Any]:
    link: dict[str, Any] = {"href": f"{call.org_url}{path}"}
    if method:
        link["method"] = method
    return link


def user_credentials(user: User) -> dict[str, Any]:
    credentials: dict[str, Any] = {}
    if user.password_hash is not None:
        credentials["password"] = {}
    if user.recovery_question:
        credentials["recovery_question"] = {"question": user.recovery_question.get("question")}
    credentials["provider"] = user.provider or {"type": "OKTA", "name": "OKTA"}
    return credentials


def user(call: OktaCall, row: User) -> dict[str, Any]:
    base = f"/api/v1/users/{row.id}"
    links: dict[str, Any] = {"self": href(call, base)}
    for name in USER_STATUS_LINKS.get(row.status, ()):
        method = "POST"
        links[name] = href(call, f"{base}/{LIFECYCLE_PATHS[name]}", method)
    links["schema"] = href(call, f"/api/v1/meta/schemas/user/{row.type_id or 'default'}")
    links["type"] = href(call, f"/api/v1/meta/types/user/{row.type_id or 'default'}")
    return {
        "id": row.id,
        "status": row.status,
        "created": iso(row.created),
        "activated": iso(row.activated),
        "statusChanged": iso(row.status_changed),
        "lastLogin": iso(row.last_login),
        "lastUpdated": iso(row.last_updated),
        "passwordChanged": iso(row.password_changed),
        "type": {"id": row.type_id or "oty_default"},
        "transitioningToStatus": row.transitioning_to_status,
        "profile": row.profile or {},
        "credentials": user_credentials(row),
        "_links": links,
    }


def _derived_id(prefix: str, *parts: str) -> str:
    """A stable 20-character Okta-style id for a relation that has no row id of its own."""
    digest = hashlib.sha256("/".join(parts).encode()).digest()
    alphabet = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
    return prefix + "".join(alphabet[b % 62] for b in digest[: 20 - len(prefix)])


def app_link(call: OktaCall, row: User, app: App, assignment: AppUser, order: int) -> dict[str, Any]:
    """One entry of `GET /api/v1/users/{id}/appLinks` (AssignedAppLink)."""
    visibility = (app.document or {}).get("visibility") or {}
    hide = visibility.get("hide") or {}
    link_id = _derived_id("0ol", app.id, "link")
    return {
        "id": link_id,
        "label": app.label,
        "linkUrl": f"{call.org_url}/home/{app.name}/{app.id}/{link_id}",
        "logoUrl": f"{call.org_url}/assets/img/logos/default.6770228fb0dab49a1695ef440a5279bb.png",
        "appName": app.name,
        "appInstanceId": app.id,
        "appAssignmentId": _derived_id("0ua", app.id, row.id),
        "credentialsSetup": False,
        "hidden": bool(hide.get("web", False)),
        "sortOrder": order,
    }


# Labels of the standard admin roles as the Role Assignment API returns them.
ROLE_LABELS: dict[str, str] = {
    "SUPER_ADMIN": "Super Administrator",
    "ORG_ADMIN": "Organization Administrator",
    "APP_ADMIN": "Application Administrator",
    "USER_ADMIN": "Group Administrator",
    "GROUP_MEMBERSHIP_ADMIN": "Group Membership Administrator",
    "HELP_DESK_ADMIN": "Help Desk Administrator",
    "READ_ONLY_ADMIN": "Read Only Administrator",
    "REPORT_ADMIN": "Report Administrator",
    "API_ACCESS_MANAGEMENT_ADMIN": "API Access Management Administrator",
    "MOBILE_ADMIN": "Mobile Administrator",
    "WORKFLOWS_ADMIN": "Workflows Administrator",
}


def role_assignment(call: OktaCall, row: RoleAssignment) -> dict[str, Any]:
    """A standard role held by a user (StandardRole)."""
    assignee = "users" if row.principal_type == "USER" else "apps"
    return {
        "id": row.id,
        "label": ROLE_LABELS.get(row.type, row.type),
        "type": row.type,
        "status": row.status,
        "created": iso(row.created),
        "lastUpdated": iso(row.last_updated),
        "assignmentType": row.assignment_type,
        "_links": {"assignee": href(call, f"/api/v1/{assignee}/{row.principal_id}")},
    }
