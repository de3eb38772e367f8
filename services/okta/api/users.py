"""Users API: /api/v1/users, the lifecycle operations, a user's groups, app links, sessions, credentials."""

from __future__ import annotations

from typing import Any

from sqlmodel import col, select

from services.okta import paging, render, render_groups, syslog
from services.okta.call import OktaCall, Reply
from services.okta.domain import user_lifecycle, user_search, users
from services.okta.endpoint import route
from services.okta.models import App, AppUser, Group, GroupMember

USERS_READ, USERS_MANAGE = "okta.users.read", "okta.users.manage"


# -- the collection ----------------------------------------------------------------
@route("POST", "/api/v1/users", "createUser", USERS_MANAGE)
def create_user(call: OktaCall) -> dict[str, Any]:
    user = users.create(
        call,
        activate=call.flag("activate", True),
        provider=call.flag("provider"),
        next_login=call.query.get("nextLogin") or None,
    )
    return render.user(call, user)


@route("GET", "/api/v1/users", "listUsers", USERS_READ)
def list_users(call: OktaCall) -> Reply:
    found = user_search.list_users(call)
    body = [render.user(call, u) for u in found.users]
    if not found.paginated:
        return Reply(body, headers={"Link": paging.link_header(call, found.page.limit, None)})
    return paging.paged_reply(call, found.users, found.positions, found.page, body)


# -- one user ------------------------------------------------------------------------
@route("GET", "/api/v1/users/{id}", "getUser", USERS_READ)
def get_user(call: OktaCall) -> dict[str, Any]:
    return render.user(call, users.find(call, call.path["id"]))


@route("POST", "/api/v1/users/{id}", "updateUser", USERS_MANAGE)
def update_user(call: OktaCall) -> dict[str, Any]:
    return render.user(call, users.update(call, users.find(call, call.path["id"]), replace=False))


@route("PUT", "/api/v1/users/{id}", "replaceUser", USERS_MANAGE)
def replace_user(call: OktaCall) -> dict[str, Any]:
    return render.user(call, users.update(call, users.find(call, call.path["id"]), replace=True))


@route("DELETE", "/api/v1/users/{id}", "deleteUser", USERS_MANAGE)
def delete_user(call: OktaCall) -> Reply:
    """The first DELETE deactivates the user; a DELETE of a DEPROVISIONED user removes them."""
    user = users.find(call, call.path["id"])
    if user.status == "DEPROVISIONED":
        users.delete(call, user)
    else:
        user_lifecycle.deactivate(call, user)
    return Reply(None, status=204)


# -- lifecycle -------------------------------------------------------------------------
@route("POST", "/api/v1/users/{id}/lifecycle/activate", "activateUser", USERS_MANAGE)
def activate_user(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["id"])
    return user_lifecycle.activate(call, user, send_email=call.flag("sendEmail", True))


@route("POST", "/api/v1/users/{id}/lifecycle/reactivate", "reactivateUser", USERS_MANAGE)
def reactivate_user(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["id"])
    return user_lifecycle.reactivate(call, user, send_email=call.flag("sendEmail", False))


@route("POST", "/api/v1/users/{id}/lifecycle/deactivate", "deactivateUser", USERS_MANAGE)
def deactivate_user(call: OktaCall) -> dict[str, Any]:
    user_lifecycle.deactivate(call, users.find(call, call.path["id"]))
    return {}


@route("POST", "/api/v1/users/{id}/lifecycle/suspend", "suspendUser", USERS_MANAGE)
def suspend_user(call: OktaCall) -> dict[str, Any]:
    user_lifecycle.suspend(call, users.find(call, call.path["id"]))
    return {}


@route("POST", "/api/v1/users/{id}/lifecycle/unsuspend", "unsuspendUser", USERS_MANAGE)
def unsuspend_user(call: OktaCall) -> dict[str, Any]:
    user_lifecycle.unsuspend(call, users.find(call, call.path["id"]))
    return {}


@route("POST", "/api/v1/users/{id}/lifecycle/unlock", "unlockUser", USERS_MANAGE)
def unlock_user(call: OktaCall) -> dict[str, Any]:
    user_lifecycle.unlock(call, users.find(call, call.path["id"]))
    return {}


@route("POST", "/api/v1/users/{id}/lifecycle/reset_password", "resetPassword", USERS_MANAGE)
def reset_password(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["id"])
    return user_lifecycle.reset_password(
        call, user, send_email=call.flag("sendEmail", True), revoke_sessions=call.flag("revokeSessions")
    )


@route("POST", "/api/v1/users/{id}/lifecycle/expire_password", "expirePassword", USERS_MANAGE)
def expire_password(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["id"])
    # `tempPassword=true` is the older form of expire_password_with_temp_password.
    temp = user_lifecycle.expire_password(
        call, user, temp_password=call.flag("tempPassword"), revoke_sessions=call.flag("revokeSessions")
    )
    if temp is not None:
        return {"tempPassword": temp}
    return render.user(call, user)


@route(
    "POST",
    "/api/v1/users/{id}/lifecycle/expire_password_with_temp_password",
    "expirePasswordWithTempPassword",
    USERS_MANAGE,
)
def expire_password_with_temp_password(call: OktaCall) -> dict[str, Any]:
    user = users.find(call, call.path["id"])
    temp = user_lifecycle.expire_password(call, user, temp_password=True, revoke_sessions=call.flag("revokeSessions"))
    return {"tempPassword": temp}


# -- credentials and sessions ----------------------------------------------------------
@route("POST", "/api/v1/users/{userId}/credentials/change_password", "changePassword", USERS_MANAGE)
def change_password(call: OktaCall) -> dict[str, Any]:
    user = user_lifecycle.change_password(call, users.find(call, call.path["userId"]))
    return render.user_credentials(user)


@route("DELETE", "/api/v1/users/{userId}/sessions", "revokeUserSessions", USERS_MANAGE)
def revoke_user_sessions(call: OktaCall) -> Reply:
    user = users.find(call, call.path["userId"])
    users.close_sessions(call, user)
    if call.flag("oauthTokens"):
        users.revoke_tokens(call, user)
    syslog.record(call, "user.session.clear", targets=[syslog.user_target(user)])
    return Reply(None, status=204)


# -- what the user has -----------------------------------------------------------------
@route("GET", "/api/v1/users/{id}/groups", "listUserGroups", USERS_READ)
def list_user_groups(call: OktaCall) -> list[dict[str, Any]]:
    user = users.find(call, call.path["id"])
    tid = call.tenant.id
    statement = (
        select(Group)
        .join(GroupMember, col(GroupMember.group_id) == col(Group.id))
        .where(Group.tenant_id == tid, GroupMember.tenant_id == tid, GroupMember.user_id == user.id)
        .order_by(col(Group.seq))
    )
    return [render_groups.group(call, group) for group in call.session.exec(statement).all()]


@route("GET", "/api/v1/users/{id}/appLinks", "listAppLinks", USERS_READ)
def list_app_links(call: OktaCall) -> list[dict[str, Any]]:
    user = users.find(call, call.path["id"])
    tid = call.tenant.id
    statement = (
        select(App, AppUser)
        .join(AppUser, col(AppUser.app_id) == col(App.id))
        .where(App.tenant_id == tid, AppUser.tenant_id == tid, AppUser.user_id == user.id, App.status == "ACTIVE")
        .order_by(col(App.seq))
    )
    rows = call.session.exec(statement).all()
    return [render.app_link(call, user, app, assignment, order) for order, (app, assignment) in enumerate(rows)]
