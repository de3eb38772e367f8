"""Which Okta org a request addresses.

Real orgs live on their own domains. The twin serves every org on one port: the
default org at the root, and any org under `/t/{tenant}` (its "domain" for browser
flows and issuers). Management API calls are also routed by their credential, so the
okta SDK can use the root URL for any org: its pagination re-prefixes `orgUrl` to the
path of the `Link` URL, which would double a path prefix.
"""

from __future__ import annotations

from starlette.requests import Request
from starlette.types import ASGIApp, Receive, Scope, Send

from services.core.tenants import DEFAULT_TENANT
from services.core.twin import TwinRuntime

ORG_PREFIX = "/t/"
SCOPE_KEY = "okta_org"


class OrgPathMiddleware:
    """`/t/{tenant}/...` pins the org; Starlette routes on the path below `root_path`."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"].startswith(ORG_PREFIX):
            tenant, slash, _rest = scope["path"][len(ORG_PREFIX) :].partition("/")
            if tenant:
                scope = dict(scope)
                scope["root_path"] = scope.get("root_path", "") + ORG_PREFIX + tenant
                scope[SCOPE_KEY] = tenant
                if not slash:
                    scope["path"] += "/"
        await self.app(scope, receive, send)


def pinned_org(request: Request) -> str | None:
    """The org named in the URL (`/t/{tenant}`), if any."""
    value = request.scope.get(SCOPE_KEY)
    return value if isinstance(value, str) else None


def org_url(runtime: TwinRuntime, tenant_id: str) -> str:
    """The org's canonical URL: its issuer and the base of its browser flows."""
    base = runtime.settings.base_url
    return base if tenant_id == DEFAULT_TENANT else f"{base}{ORG_PREFIX}{tenant_id}"


def request_base(request: Request) -> str:
    """The base URL as the client addressed it (with `/t/{tenant}` when it used one), for `Link` URLs."""
    root = request.scope.get("root_path", "")
    return f"{request.url.scheme}://{request.url.netloc}{root}"
