"""The Jira UI's routes, at Jira Cloud's own paths where it has them."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from services.core.ui.session import ui_request
from services.core.ui.sign_in import SignIn, sign_in_routes
from services.jira.ui import issue, people, projects, search, sso
from services.jira.ui.guard import action, page
from services.jira.ui.shell import CHROME, PROJECTS_PATH, TEMPLATES


async def home(request: Request) -> Response:
    ui_request(request)
    query = request.url.query  # keeps `?tenant=` for the sign-in page
    return RedirectResponse(PROJECTS_PATH + (f"?{query}" if query else ""), status_code=302)


SIGN_IN = SignIn(
    chrome=CHROME,
    templates=TEMPLATES,
    people=people.people,
    credentials=people.credentials,
    username_label="Email",
    password_label="API token",
    sso=sso.start_url,
    sso_label="Sign in with Okta",
    title="Log in to Jira",
)


def routes() -> list[BaseRoute]:
    return [
        Route("/", home, methods=["GET"]),
        *sign_in_routes(SIGN_IN),
        *sso.routes(),
        Route(PROJECTS_PATH, page(projects.projects_page), methods=["GET"]),
        Route("/jira/software/projects/{key}/board", page(projects.board_page), methods=["GET"]),
        Route("/jira/software/projects/{key}/boards/{board}", page(projects.board_by_id), methods=["GET"]),
        Route("/issues", page(search.search_page), methods=["GET"]),
        Route("/issues/", page(search.search_page), methods=["GET"]),
        Route("/browse/{key}", page(issue.issue_page), methods=["GET"]),
        Route("/browse/{key}/transitions", action("transition", issue.transition), methods=["POST"]),
        Route("/browse/{key}/comment", action("comment", issue.comment), methods=["POST"]),
        Route("/browse/{key}/watch", action("watch", issue.watch), methods=["POST"]),
        Route("/browse/{key}/unwatch", action("unwatch", issue.unwatch), methods=["POST"]),
    ]
