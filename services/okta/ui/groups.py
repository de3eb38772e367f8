"""The admin console's groups: `/admin/groups` and `/admin/group/{id}` with its members.

Listing, members and membership changes run the Groups API's handlers: Everyone's
membership stays Okta's (E0000060), memberships grant the group's apps, and each change
is a `group.user_membership.*` System Log event (event hooks, provisioning pushes).
"""

from __future__ import annotations

import contextlib
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

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

READ, MANAGE = "okta.groups.read", "okta.groups.manage"
ACTIONS = ("group.create", "group.member.add", "group.member.remove")


async def list_groups(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    q = (request.query_params.get("q") or "").strip()
    error, found = None, []
    try:
        found = body_of(run(request, who, groups_api.list_groups, READ, query={"q": q, "expand": "stats"}))
    except OktaError as refused:
        error = message(refused)
    return page(request, "groups.html", who, title="Groups", section="groups", groups=found, q=q, error=error)


async def create_group(request: Request) -> Response:
    who = await acting(request, "group.create")
    if not isinstance(who, Viewer):
        return who
    fields = await form_fields(request)
    body = {"profile": {"name": fields.get("name", "").strip(), "description": fields.get("description") or None}}
    try:
        created = run(request, who, groups_api.add_group, MANAGE, body=body)
    except OktaError as refused:
        return back(request, "/admin/groups", error=message(refused))
    return back(request, f"/admin/group/{created['id']}", notice="Group created.")


async def show_group(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    group_id = request.path_params["id"]
    after = request.query_params.get("after") or ""
    try:
        group = run(request, who, groups_api.get_group, READ, path={"groupId": group_id}, query={"expand": "stats"})
        members = run(
            request, who, groups_api.list_group_users, READ, path={"groupId": group_id}, query={"after": after}
        )
        apps: list[Any] = []
        with contextlib.suppress(OktaError):  # a role that reads groups but not apps still sees the members
            apps = body_of(
                run(request, who, groups_api.list_assigned_applications_for_group, READ, path={"groupId": group_id})
            )
    except OktaError as refused:
        return page(request, "not_found.html", who, status_code=refused.status_code, error=message(refused))
    return page(
        request,
        "group.html",
        who,
        title=(group.get("profile") or {}).get("name") or group_id,
        section="groups",
        group=group,
        members=body_of(members),
        next_after=next_cursor(members),
        apps=apps,
    )


def _member_change(handler: Any) -> Any:
    """The API handler with the user named by id or login (the form's free text), as the API resolves it."""

    def change(call: OktaCall) -> Any:
        user = users_domain.find(call, call.path["userId"])
        call.path["userId"] = user.id
        return handler(call)

    return change


async def add_member(request: Request) -> Response:
    who = await acting(request, "group.member.add")
    if not isinstance(who, Viewer):
        return who
    group_id = request.path_params["id"]
    here = f"/admin/group/{group_id}"
    login = (await form_fields(request)).get("user", "").strip()
    if not login:
        return back(request, here, error=message(validation("userId: The field cannot be left blank", field="userId")))
    path = {"groupId": group_id, "userId": login}
    add = _member_change(groups_api.assign_user_to_group)
    return attempt(request, who, add, MANAGE, here, f"Added {login} to the group.", path=path)


async def remove_member(request: Request) -> Response:
    who = await acting(request, "group.member.remove")
    if not isinstance(who, Viewer):
        return who
    group_id, user_id = request.path_params["id"], request.path_params["userId"]
    here = f"/admin/group/{group_id}"
    path = {"groupId": group_id, "userId": user_id}
    remove = groups_api.unassign_user_from_group
    return attempt(request, who, remove, MANAGE, here, "Removed from the group.", path=path)


def routes() -> list[BaseRoute]:
    return [
        Route("/admin/groups", list_groups, methods=["GET"]),
        Route("/admin/groups", create_group, methods=["POST"]),
        Route("/admin/group/{id}", show_group, methods=["GET"]),
        Route("/admin/group/{id}/members", add_member, methods=["POST"]),
        Route("/admin/group/{id}/members/{userId}/remove", remove_member, methods=["POST"]),
    ]
