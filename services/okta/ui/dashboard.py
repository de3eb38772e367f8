"""The end-user dashboard (`/app/UserHome`): a tile per app assigned to the person.

The tiles are what `GET /api/v1/users/{id}/appLinks` returns for them (apps assigned
directly or through a group, ACTIVE apps only), by the same handler; links hidden on
the web (`visibility.hide.web`, e.g. OIDC apps by default) are left out as Okta does.
"""

from __future__ import annotations

from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.okta.api import users as users_api
from services.okta.call import OktaCall
from services.okta.domain import apps as apps_domain
from services.okta.errors import OktaError
from services.okta.ui.web import CHROME, Viewer, back, body_of, looking, message, page, run, viewer


def _links(request: Request, who: Viewer) -> list[dict[str, Any]]:
    # The person's own links: no admin permission needed (Okta's `/users/me/appLinks`).
    return list(body_of(run(request, who, users_api.list_app_links, None, path={"id": who.user.id})))


def _tiles(request: Request, who: Viewer) -> list[dict[str, Any]]:
    return [link for link in _links(request, who) if not link.get("hidden")]


def _launch_url(call: OktaCall) -> str | None:
    """Where an app opens: a bookmark's URL, an OIDC app's initiate login URI (None: nowhere to go)."""
    settings = (apps_domain.find(call, call.path["appId"]).document or {}).get("settings") or {}
    url = (settings.get("app") or {}).get("url") or (settings.get("oauthClient") or {}).get("initiate_login_uri")
    return url if isinstance(url, str) and url.startswith(("http://", "https://")) else None


async def launch(request: Request) -> Response:
    """A tile's `linkUrl` (`/home/{appName}/{appId}/{linkId}`): open the app, if it is the person's."""
    who = looking(request, viewer)
    if not isinstance(who, Viewer):
        return who
    app_id = request.path_params["appId"]
    try:
        if not any(link["appInstanceId"] == app_id for link in _links(request, who)):
            return back(request, CHROME.home, error="You are not assigned to this app.")
        url = run(request, who, _launch_url, None, path={"appId": app_id})
    except OktaError as refused:
        return back(request, CHROME.home, error=message(refused))
    if url is None:
        return back(request, CHROME.home, notice="This app has no sign-in URL to open in the twin.")
    return RedirectResponse(url, status_code=302)


async def user_home(request: Request) -> Response:
    who = looking(request, viewer)
    if not isinstance(who, Viewer):
        return who
    try:
        tiles, error = _tiles(request, who), None
    except OktaError as refused:
        tiles, error = [], message(refused)
    return page(request, "dashboard.html", who, title="My Apps", tiles=tiles, error=error)


def routes() -> list[BaseRoute]:
    return [
        Route("/app/UserHome", user_home, methods=["GET"]),
        Route("/home/{appName}/{appId}/{linkId}", launch, methods=["GET"]),
    ]
