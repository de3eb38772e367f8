"""Okta's wire shapes for the Management API's resources, with their `_links`."""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall
from services.okta.models import User
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
