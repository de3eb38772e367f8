"""The UI acts as the signed-in account through the same domain code as the REST API.

`as_user` opens the transaction a REST request does (services/jira/endpoint.py `transaction`):
a JiraCall whose principal is the signed-in account, committed at the end, then the
after-commit callbacks (webhook deliveries). The domain code therefore records the same
changelog, `updated` times and webhooks for a click as for an API call.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from starlette.requests import Request

from services.core.credentials import Principal
from services.core.twin import runtime_of
from services.core.ui.session import UiUser
from services.jira.call import JiraCall
from services.jira.endpoint import transaction
from services.jira.models import User

UI_API_VERSION = "3"  # rich text in the domain code is ADF, as v3 carries it


@contextmanager
def as_user(request: Request, user: UiUser) -> Iterator[JiraCall]:
    """A JiraCall acting as `user`; commits when the block ends without an exception."""
    tenant = runtime_of(request).tenants.get(user.tenant)
    principal = Principal(tenant_id=tenant.id, subject=user.id, kind="ui")
    with transaction(request, tenant, principal, UI_API_VERSION) as call:
        yield call


def still_active(request: Request, user: UiUser) -> bool:
    """A deactivated (or removed) account loses its UI session as it loses its API tokens."""
    runtime = runtime_of(request)
    if runtime.tenants.find(user.tenant) is None:
        return False
    with runtime.store.session() as session:
        row = session.get(User, (user.tenant, user.id))
        return row is not None and row.active
