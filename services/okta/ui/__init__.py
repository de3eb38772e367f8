"""The Okta twin's web UI: the sign-in page, the end-user dashboard and the admin console.

Pages act through the Management API's own handlers and domain code (`web.run`), so what
an admin does here is what an SDK call does: same System Log events, event hooks and
provisioning pushes. Paths are Okta's own (`/login/login.htm`, `/app/UserHome`,
`/admin/users`, `/report/system_log_2`, ...).
"""

from __future__ import annotations

from starlette.routing import BaseRoute

from services.core.ui.routing import root_redirect
from services.okta.ui import apps, dashboard, groups, sign_in, system_log, users

# The UI actions this twin journals (as `ui.<action>`), for /_dtu/operations.
ACTIONS: tuple[str, ...] = (
    *sign_in.ACTIONS,
    *users.ACTIONS,
    *groups.ACTIONS,
    *apps.ACTIONS,
)


def routes() -> list[BaseRoute]:
    return [
        root_redirect("/app/UserHome"),  # an Okta org's root: the signed-in person's dashboard
        *sign_in.routes(),
        *dashboard.routes(),
        *users.routes(),
        *groups.routes(),
        *apps.routes(),
        *system_log.routes(),
    ]


def operations() -> list[str]:
    return [f"ui.{action}" for action in ACTIONS]
