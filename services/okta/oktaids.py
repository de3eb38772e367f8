"""Okta's object ids: 20 characters, a 3-character type prefix and 17 of base62.

00u users, 00g groups, 0oa apps, aus authorization servers, who event hooks,
00T API tokens, irb role assignments, 00o orgs, 102 sessions.
"""

from __future__ import annotations

from services.core.ids import ALNUM
from services.core.tenants import Tenant


def new_id(tenant: Tenant, prefix: str) -> str:
    return tenant.ids.make(prefix, 20 - len(prefix), ALNUM)


def new_secret(tenant: Tenant, length: int = 40) -> str:
    """Client secrets and API tokens: base62 plus Okta's `-`/`_`, here base62 only."""
    return tenant.ids.draw(length, ALNUM)
