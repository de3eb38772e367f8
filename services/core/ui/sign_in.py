"""The sign-in page every twin's UI serves, and signing out.

Three ways in, each offered only where it applies:
- the vendor's own form (Okta's username and password, ...), checked by the twin's domain code;
- single sign-on through the Okta twin, where the tenant has it wired (the twin gives the URL);
- one click as any person of the tenant, when the fleet runs with `dtu up --dev-sign-in`.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from services.core.tenants import DEFAULT_TENANT
from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.session import UiUser, cross_origin, current_user, forget, remember, safe_next, ui_request
from services.core.ui.templates import Chrome

# (runtime, tenant id) -> the people one can enter as with the development sign-in.
PeopleLister = Callable[[TwinRuntime, str], list[UiUser]]
# (runtime, tenant id, person id) -> that person if the development sign-in may enter as them.
PersonFinder = Callable[[TwinRuntime, str, str], UiUser | None]
# (runtime, tenant id, text) -> the people matching `text`, for a twin that filters its list on the server.
PeopleSearch = Callable[[TwinRuntime, str, str], list[UiUser]]
# (runtime, tenant id, username, password) -> the person, or the error message to show.
CredentialChecker = Callable[[TwinRuntime, str, str, str], UiUser | str]
# (request, tenant id, next path) -> where single sign-on starts, or None when the tenant has none.
SsoStarter = Callable[[Request, str, str], Awaitable[str | None]]

MAX_LISTED_TENANTS = 50
CROSS_ORIGIN = "This form was sent from another site; sign in from this page."


@dataclass
class SignIn:
    chrome: Chrome
    templates: Jinja2Templates
    people: PeopleLister
    credentials: CredentialChecker | None = None
    username_label: str = "Email"
    password_label: str = "Password"
    sso: SsoStarter | None = None
    sso_label: str = "Sign in with Okta"
    title: str = "Sign in"
    # Looks one person up for the development sign-in; by default they must be in `people`
    # (a twin that lists only the first N people gives `find` so that everyone can be entered as).
    find: PersonFinder | None = None
    # Filters the development sign-in's list on the server (a `q` box) instead of `people`:
    # for a twin with more people than one page lists (with `find` for the click itself).
    search: PeopleSearch | None = None

    def listed(self, runtime: TwinRuntime, tenant: str, text: str) -> list[UiUser]:
        if self.search is not None:
            return self.search(runtime, tenant, text)
        return self.people(runtime, tenant)

    def person(self, runtime: TwinRuntime, tenant: str, person_id: str) -> UiUser | None:
        if self.find is not None:
            return self.find(runtime, tenant, person_id)
        return next((p for p in self.people(runtime, tenant) if p.id == person_id), None)


def _tenant_choice(request: Request, form_value: str | None = None) -> str:
    runtime = runtime_of(request)
    wanted = form_value or request.query_params.get("tenant") or DEFAULT_TENANT
    return wanted if runtime.tenants.find(wanted) is not None else DEFAULT_TENANT


def sign_in_routes(options: SignIn) -> list[BaseRoute]:
    chrome = options.chrome

    async def page(request: Request, tenant: str, next_path: str, error: str | None = None) -> Response:
        runtime = runtime_of(request)
        dev = runtime.settings.dev_sign_in
        sso_url = await options.sso(request, tenant, next_path) if options.sso else None
        tenants = [t.id for t in runtime.tenants.all()][:MAX_LISTED_TENANTS]
        text = (request.query_params.get("q") or "").strip() if request.method == "GET" else ""
        return options.templates.TemplateResponse(
            request,
            "dtu_sign_in.html",
            {
                "ui": chrome,
                "user": current_user(request),
                "title": options.title,
                "tenant": tenant,
                "tenants": tenants,
                "next": next_path,
                "error": error,
                "people": options.listed(runtime, tenant, text) if dev else [],
                "people_search": options.search is not None,
                "q": text,
                "dev_sign_in": dev,
                "credentials": options.credentials is not None,
                "username_label": options.username_label,
                "password_label": options.password_label,
                "sso_url": sso_url,
                "sso_label": options.sso_label,
            },
            status_code=401 if error else 200,
        )

    async def show(request: Request) -> Response:
        ui_request(request)
        return await page(request, _tenant_choice(request), safe_next(request.query_params.get("next"), chrome.home))

    async def with_credentials(request: Request) -> Response:
        form = await request.form()
        tenant = _tenant_choice(request, str(form.get("tenant") or ""))
        next_path = safe_next(str(form.get("next") or ""), chrome.home)
        ui_request(request, "sign_in", tenant)
        if cross_origin(request):
            return await page(request, tenant, next_path, CROSS_ORIGIN)
        if options.credentials is None:
            return await page(request, tenant, next_path, "This sign-in page has no password form.")
        outcome = options.credentials(
            runtime_of(request), tenant, str(form.get("username") or ""), str(form.get("password") or "")
        )
        if isinstance(outcome, str):
            return await page(request, tenant, next_path, outcome)
        return signed_in(request, outcome, next_path)

    async def dev(request: Request) -> Response:
        form = await request.form()
        tenant = _tenant_choice(request, str(form.get("tenant") or ""))
        next_path = safe_next(str(form.get("next") or ""), chrome.home)
        ui_request(request, "sign_in.dev", tenant)
        runtime = runtime_of(request)
        if cross_origin(request):
            return await page(request, tenant, next_path, CROSS_ORIGIN)
        if not runtime.settings.dev_sign_in:
            return await page(request, tenant, next_path, "Development sign-in is off (dtu up --dev-sign-in).")
        person = options.person(runtime, tenant, str(form.get("user") or ""))
        if person is None:
            return await page(request, tenant, next_path, "No such person in this tenant.")
        return signed_in(request, person, next_path)

    async def sign_out(request: Request) -> Response:
        ui_request(request, "sign_out")
        response = RedirectResponse(chrome.sign_in, status_code=303)
        if not cross_origin(request):
            forget(request, response)
        return response

    return [
        Route(chrome.sign_in, show, methods=["GET"]),
        Route(chrome.sign_in, with_credentials, methods=["POST"]),
        Route(chrome.sign_in + "/dev", dev, methods=["POST"]),
        # POST only: a GET would let any page sign people out (an <img> is enough).
        Route(chrome.sign_out, sign_out, methods=["POST"]),
    ]


def signed_in(request: Request, user: UiUser, next_path: str) -> RedirectResponse:
    """Set the cookie and go on: also the end of a twin's single sign-on callback."""
    response = RedirectResponse(next_path, status_code=303)
    remember(request, response, user)
    return response
