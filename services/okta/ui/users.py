"""The admin console's people pages: `/admin/users` and `/admin/user/profile/view/{id}`.

The list is `GET /api/v1/users`: the search box is the API's `q` (first name, last name
or email starts with, DEPROVISIONED left out), a status filter turns it into a `search`
expression (the only way the API combines the two), pages follow the API's cursors.
Lifecycle buttons run the Users API's own handlers, so the status machine, its errors
and its side effects (System Log, event hooks, provisioning) are the API's.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from services.okta.api import apps as apps_api
from services.okta.api import roles as roles_api
from services.okta.api import users as users_api
from services.okta.call import OktaCall
from services.okta.domain import users as users_domain
from services.okta.errors import OktaError
from services.okta.render import USER_STATUS_LINKS
from services.okta.ui.web import Viewer, acting, back, body_of, looking, message, next_cursor, page, run

PAGE_SIZE = 20
STATUSES = (
    "ACTIVE",
    "STAGED",
    "PROVISIONED",
    "RECOVERY",
    "PASSWORD_EXPIRED",
    "LOCKED_OUT",
    "SUSPENDED",
    "DEPROVISIONED",
)
READ, MANAGE = "okta.users.read", "okta.users.manage"


def _delete_deprovisioned(call: OktaCall) -> Any:
    """The console deletes only DEPROVISIONED users (the API's first DELETE would deactivate)."""
    if users_domain.find(call, call.path["id"]).status != "DEPROVISIONED":
        raise OktaError("E0000038")
    return users_api.delete_user(call)


# action -> (the API handler, its query, the label Okta's console gives it)
LIFECYCLE: dict[str, tuple[Callable[[OktaCall], Any], dict[str, str], str]] = {
    "activate": (users_api.activate_user, {"sendEmail": "false"}, "Activate"),
    "deactivate": (users_api.deactivate_user, {}, "Deactivate"),
    "suspend": (users_api.suspend_user, {}, "Suspend"),
    "unsuspend": (users_api.unsuspend_user, {}, "Unsuspend"),
    "unlock": (users_api.unlock_user, {}, "Unlock"),
    "reset_password": (users_api.reset_password, {"sendEmail": "false"}, "Reset Password"),
    "expire_password": (users_api.expire_password, {}, "Expire Password"),
    "delete": (_delete_deprovisioned, {}, "Delete"),
}
# The `_links` name of each action in a user document (what the status allows).
LINK_OF = {"reset_password": "resetPassword", "expire_password": "expirePassword"}
# And `user.lifecycle`: a post naming no known action (journaled, refused).
ACTIONS = (*(f"user.{action}" for action in LIFECYCLE), "user.lifecycle")


def _list_query(q: str, status: str, after: str) -> dict[str, Any]:
    query: dict[str, Any] = {"limit": PAGE_SIZE, "after": after}
    if status not in STATUSES:
        return {**query, "q": q, "limit": PAGE_SIZE if not q else 200}
    clauses = [f'status eq "{status}"']
    if q:
        # `q` as a search expression: the same starts-with on the same three attributes.
        text = q.replace("\\", "").replace('"', "")
        names = ("profile.firstName", "profile.lastName", "profile.email")
        clauses.insert(0, "(" + " or ".join(f'{name} sw "{text}"' for name in names) + ")")
    return {**query, "search": " and ".join(clauses)}


async def list_users(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    q = (request.query_params.get("q") or "").strip()
    status = request.query_params.get("status") or ""
    after = request.query_params.get("after") or ""
    error, found, more = None, [], None
    try:
        result = run(request, who, users_api.list_users, READ, query=_list_query(q, status, after))
        found, more = body_of(result), next_cursor(result)
    except OktaError as refused:
        error = message(refused)
    return page(
        request,
        "users.html",
        who,
        title="People",
        section="users",
        users=found,
        q=q,
        status=status,
        statuses=STATUSES,
        next_after=more,
        error=error,
    )


def _actions(document: dict[str, Any]) -> list[tuple[str, str]]:
    allowed = set(USER_STATUS_LINKS.get(document["status"], ()))
    shown = [
        (action, label)
        for action, (_, _, label) in LIFECYCLE.items()
        if LINK_OF.get(action, action) in allowed and action != "delete"
    ]
    if document["status"] == "DEPROVISIONED":
        shown.append(("delete", LIFECYCLE["delete"][2]))
    return shown


async def show_user(request: Request) -> Response:
    who = looking(request)
    if not isinstance(who, Viewer):
        return who
    return _user_page(request, who, request.path_params["id"])


def _user_page(request: Request, who: Viewer, user_id: str, **extra: Any) -> Response:
    """A person's page (`extra`: e.g. a one-time link to show once, in the body)."""
    try:
        document = run(request, who, users_api.get_user, READ, path={"id": user_id})
        member_of = run(request, who, users_api.list_user_groups, READ, path={"id": user_id})
        assigned = body_of(
            run(
                request,
                who,
                apps_api.list_applications,
                "okta.apps.read",
                query={"filter": f'user.id eq "{document["id"]}"', "limit": 200},
            )
        )
        roles = run(request, who, roles_api.list_assigned_roles_for_user, READ, path={"userId": user_id})
    except OktaError as refused:
        return page(request, "not_found.html", who, status_code=refused.status_code, error=message(refused))
    profile = document.get("profile") or {}
    return page(
        request,
        "user.html",
        who,
        title=" ".join(str(p) for p in (profile.get("firstName"), profile.get("lastName")) if p) or document["id"],
        section="users",
        person=document,
        profile=profile,
        groups=member_of,
        apps=assigned,
        roles=body_of(roles),
        actions=_actions(document),
        **extra,
    )


async def lifecycle(request: Request) -> Response:
    user_id, action = request.path_params["id"], request.path_params["action"]
    who = await acting(request, f"user.{action}" if action in LIFECYCLE else "user.lifecycle")
    if not isinstance(who, Viewer):
        return who
    here = f"/admin/user/profile/view/{user_id}"
    if action not in LIFECYCLE:
        return back(request, here, error="Unsupported operation.")
    handler, query, label = LIFECYCLE[action]
    try:
        result = run(request, who, handler, MANAGE, path={"id": user_id}, query=query)
    except OktaError as refused:
        return back(request, here, error=message(refused))
    if action == "delete":
        return back(request, "/admin/users", notice="User deleted.")
    link = (result.get("resetPasswordUrl") or result.get("activationUrl")) if isinstance(result, dict) else None
    if not link:
        return back(request, here, notice=f"{label}: done.")
    # A one-time secret is shown in this response's body only: never in a URL (history, logs, Referer).
    shown = _user_page(request, who, user_id, notice=f"{label}: done.", one_time_link=link)
    shown.headers["Cache-Control"] = "no-store"
    return shown


def routes() -> list[BaseRoute]:
    return [
        Route("/admin/users", list_users, methods=["GET"]),
        Route("/admin/user/profile/view/{id}", show_user, methods=["GET"]),
        Route("/admin/user/{id}/lifecycle/{action}", lifecycle, methods=["POST"]),
    ]
