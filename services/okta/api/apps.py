"""Apps API: /api/v1/apps, lifecycle, user assignments and group assignments."""

from __future__ import annotations

from typing import Any

from services.okta import render, render_apps, render_groups
from services.okta.call import OktaCall, Reply
from services.okta.domain import apps, groups, users
from services.okta.endpoint import route
from services.okta.errors import validation
from services.okta.paging import page_request, paged_reply

# Okta's page sizes: apps 20 (max 200), app users 50 (max 500), app groups 20 (max 200).
APPS_LIMIT, APPS_MAX = 20, 200
APP_USERS_LIMIT, APP_USERS_MAX = 50, 500
APP_GROUPS_LIMIT, APP_GROUPS_MAX = 20, 200


@route("POST", "/api/v1/apps", "createApplication", "okta.apps.manage")
def create_application(call: OktaCall) -> dict[str, Any]:
    app = apps.create(call, call.body_object(), activate=call.flag("activate", default=True))
    return render_apps.app(call, app)


@route("GET", "/api/v1/apps", "listApplications", "okta.apps.read")
def list_applications(call: OktaCall) -> Reply:
    page = page_request(call, APPS_LIMIT, APPS_MAX)
    rows = apps.page(call, page.after, page.limit + 1)
    body = [render_apps.app(call, row) for row in rows[: page.limit]]
    return paged_reply(call, rows, [row.seq for row in rows], page, body)


@route("GET", "/api/v1/apps/{appId}", "getApplication", "okta.apps.read")
def get_application(call: OktaCall) -> dict[str, Any]:
    return render_apps.app(call, apps.find(call, call.path["appId"]))


@route("PUT", "/api/v1/apps/{appId}", "replaceApplication", "okta.apps.manage")
def replace_application(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    return render_apps.app(call, apps.replace(call, app, call.body_object()))


@route("DELETE", "/api/v1/apps/{appId}", "deleteApplication", "okta.apps.manage")
def delete_application(call: OktaCall) -> Reply:
    apps.delete(call, apps.find(call, call.path["appId"]))
    return Reply(None, 204)


@route("POST", "/api/v1/apps/{appId}/lifecycle/activate", "activateApplication", "okta.apps.manage")
def activate_application(call: OktaCall) -> dict[str, Any]:
    apps.activate(call, apps.find(call, call.path["appId"]))
    return {}


@route("POST", "/api/v1/apps/{appId}/lifecycle/deactivate", "deactivateApplication", "okta.apps.manage")
def deactivate_application(call: OktaCall) -> dict[str, Any]:
    apps.deactivate(call, apps.find(call, call.path["appId"]))
    return {}


# -- users ------------------------------------------------------------------------


def _render_assignment(call: OktaCall, row: Any, user: Any = None) -> dict[str, Any]:
    group = None if row.direct else apps.assignment_group(call, row.app_id, row.user_id)
    embedded = render.user(call, user) if user is not None and call.query.get("expand") == "user" else None
    return render_apps.app_user(call, row, group=group, embedded_user=embedded)


@route("POST", "/api/v1/apps/{appId}/users", "assignUserToApplication", "okta.apps.manage")
def assign_user_to_application(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    body = call.body_object()
    user_id = body.get("id")
    if not isinstance(user_id, str) or not user_id:
        raise validation("id: The field cannot be left blank", field="id")
    return _render_assignment(call, apps.assign_user(call, app, users.find(call, user_id), body))


@route("GET", "/api/v1/apps/{appId}/users", "listApplicationUsers", "okta.apps.read")
def list_application_users(call: OktaCall) -> Reply:
    app = apps.find(call, call.path["appId"])
    page = page_request(call, APP_USERS_LIMIT, APP_USERS_MAX)
    rows = apps.users_page(call, app, page.after, page.limit + 1)
    body = [_render_assignment(call, row, user) for row, user in rows[: page.limit]]
    return paged_reply(call, rows, [row.seq for row, _ in rows], page, body)


@route("GET", "/api/v1/apps/{appId}/users/{userId}", "getApplicationUser", "okta.apps.read")
def get_application_user(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    row = apps.find_assignment(call, app, call.path["userId"])
    return _render_assignment(call, row, users.find(call, row.user_id))


@route("POST", "/api/v1/apps/{appId}/users/{userId}", "updateApplicationUser", "okta.apps.manage")
def update_application_user(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    row = apps.find_assignment(call, app, call.path["userId"])
    user = users.find(call, row.user_id)
    return _render_assignment(call, apps.update_user(call, app, row, call.body_object(), user), user)


@route("DELETE", "/api/v1/apps/{appId}/users/{userId}", "unassignUserFromApplication", "okta.apps.manage")
def unassign_user_from_application(call: OktaCall) -> Reply:
    app = apps.find(call, call.path["appId"])
    apps.unassign_user(call, app, apps.find_assignment(call, app, call.path["userId"]))
    return Reply(None, 204)


# -- groups -----------------------------------------------------------------------


def _render_grant(call: OktaCall, row: Any, group: Any) -> dict[str, Any]:
    embedded = render_groups.group(call, group) if call.query.get("expand") == "group" else None
    return render_apps.app_group(call, row, embedded_group=embedded)


@route("PUT", "/api/v1/apps/{appId}/groups/{groupId}", "assignGroupToApplication", "okta.apps.manage")
def assign_group_to_application(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    group = groups.find(call, call.path["groupId"])
    return _render_grant(call, apps.assign_group(call, app, group, call.body_object()), group)


@route("GET", "/api/v1/apps/{appId}/groups", "listApplicationGroupAssignments", "okta.apps.read")
def list_application_group_assignments(call: OktaCall) -> Reply:
    app = apps.find(call, call.path["appId"])
    page = page_request(call, APP_GROUPS_LIMIT, APP_GROUPS_MAX)
    rows = apps.group_assignments_page(call, app, page.after, page.limit + 1)
    body = [_render_grant(call, grant, group) for grant, group in rows[: page.limit]]
    return paged_reply(call, rows, [grant.seq for grant, _ in rows], page, body)


@route("GET", "/api/v1/apps/{appId}/groups/{groupId}", "getApplicationGroupAssignment", "okta.apps.read")
def get_application_group_assignment(call: OktaCall) -> dict[str, Any]:
    app = apps.find(call, call.path["appId"])
    grant = apps.find_group_assignment(call, app, call.path["groupId"])
    return _render_grant(call, grant, groups.find(call, grant.group_id))


@route("DELETE", "/api/v1/apps/{appId}/groups/{groupId}", "unassignApplicationFromGroup", "okta.apps.manage")
def unassign_application_from_group(call: OktaCall) -> Reply:
    app = apps.find(call, call.path["appId"])
    apps.unassign_group(call, app, apps.find_group_assignment(call, app, call.path["groupId"]))
    return Reply(None, 204)
