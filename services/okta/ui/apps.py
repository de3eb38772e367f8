"""The admin console's applications: `/admin/apps/active` and `/admin/app/{name}/instance/{id}`.

An app's Assignments tab lists its users (directly assigned, scope USER, or through a
group, scope GROUP) and its groups; assigning and unassigning run the Apps API's
handlers, so a group assignment grants the app to the group's members, a group-granted
user cannot be unassigned directly (E0000046), and provisioning pushes follow.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.okta.api import apps as apps_api
from services.okta.api import groups as groups_api
from services.okta.call import OktaCall
from services.okta.domain import users as users_domain
from services.okta.errors import OktaError, validation
from services.okta.ui.web import (
    Viewer,
    acting,
    attempt,
    back,
    body_of,
    form_fields,
    looking,
    message,
    next_cursor,
    page,
    run,
)

READ, MANAGE = "okta.apps.read", "okta.apps.manage"
ACTIONS = ("app.user.assign", "app.user.unassign", "app.group.assign", "app.group.unassign")
LIST_LIMIT = 200
USERS_PAGE_SIZE = 50  # the Assignments tab pages its people with the API's `after` cursor
STATUSES = ("ACTIVE", "INACTIVE")
Endpoint = Callable[[Request], Awaitable[Response]]


async def list_apps(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    q = (request.query_params.get("q") or "").strip()
    status = request.query_params.get("status") or "ACTIVE"
    status = status if status in STATUSES else "ACTIVE"
    query = {"q": q, "filter": f'status eq "{status}"', "limit": LIST_LIMIT}
    error, found = None, []
    try:
        found = body_of(run(request, who, apps_api.list_applications, READ, query=query))
    except OktaError as refused:
        error = message(refused)
    return page(
        request, "apps.html", who, title="Applications", section="apps", apps=found, q=q, status=status, error=error
    )


async def show_app(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    app_id = request.path_params["id"]
    path = {"appId": app_id}
    after = request.query_params.get("after") or ""
    try:
        app = run(request, who, apps_api.get_application, READ, path=path)
        assigned_users = run(
            request,
            who,
            apps_api.list_application_users,
            READ,
            path=path,
            query={"expand": "user", "limit": USERS_PAGE_SIZE, "after": after},
        )
        assigned_groups = run(
            request,
            who,
            apps_api.list_application_group_assignments,
            READ,
            path=path,
            query={"expand": "group", "limit": 200},
        )
        try:
            all_groups = body_of(run(request, who, groups_api.list_groups, "okta.groups.read"))
        except OktaError:
            all_groups = []
    except OktaError as refused:
        return page(request, "not_found.html", who, status_code=refused.status_code, error=message(refused))
    granted = {grant["id"] for grant in body_of(assigned_groups)}
    return page(
        request,
        "app.html",
        who,
        title=app["label"],
        section="apps",
        app=app,
        assigned_users=body_of(assigned_users),
        next_after=next_cursor(assigned_users),
        paged=bool(after),
        assigned_groups=body_of(assigned_groups),
        other_groups=[g for g in all_groups if g["id"] not in granted],
    )


def _by_login(handler: Any) -> Any:
    """The API handler with the body's user named by id or login (the form's free text)."""

    def assign(call: OktaCall) -> Any:
        call.body = {**call.body_object(), "id": users_domain.find(call, str(call.body_object().get("id"))).id}
        return handler(call)

    return assign


def _here(request: Request) -> str:
    return f"/admin/app/{request.path_params['name']}/instance/{request.path_params['id']}"


async def assign_user(request: Request) -> Response:
    who = await acting(request, "app.user.assign")
    if not isinstance(who, Viewer):
        return who
    login = (await form_fields(request)).get("user", "").strip()
    if not login:
        blank = validation("id: The field cannot be left blank", field="id")
        return back(request, _here(request), error=message(blank))
    assign = _by_login(apps_api.assign_user_to_application)
    path = {"appId": request.path_params["id"]}
    return attempt(request, who, assign, MANAGE, _here(request), f"Assigned to {login}.", path=path, body={"id": login})


async def assign_group(request: Request) -> Response:
    who = await acting(request, "app.group.assign")
    if not isinstance(who, Viewer):
        return who
    group_id = (await form_fields(request)).get("group", "").strip()
    path = {"appId": request.path_params["id"], "groupId": group_id}
    assign = apps_api.assign_group_to_application
    return attempt(request, who, assign, MANAGE, _here(request), "Group assigned.", path=path, body={})


def _removal(action: str, handler: Callable[[OktaCall], Any], param: str, notice: str) -> Endpoint:
    """The POST that removes the app's assignment named in the path (`param`: userId or groupId)."""

    async def remove(request: Request) -> Response:
        who = await acting(request, action)
        if not isinstance(who, Viewer):
            return who
        path = {"appId": request.path_params["id"], param: request.path_params[param]}
        return attempt(request, who, handler, MANAGE, _here(request), notice, path=path)

    return remove


unassign_user = _removal("app.user.unassign", apps_api.unassign_user_from_application, "userId", "Unassigned.")
unassign_group = _removal(
    "app.group.unassign", apps_api.unassign_application_from_group, "groupId", "Group unassigned."
)


def routes() -> list[BaseRoute]:
    base = "/admin/app/{name}/instance/{id}"
    return [
        Route("/admin/apps/active", list_apps, methods=["GET"]),
        Route(base, show_app, methods=["GET"]),
        Route(base + "/users", assign_user, methods=["POST"]),
        Route(base + "/users/{userId}/remove", unassign_user, methods=["POST"]),
        Route(base + "/groups", assign_group, methods=["POST"]),
        Route(base + "/groups/{groupId}/remove", unassign_group, methods=["POST"]),
    ]
