"""Okta's wire shape of a Group (`/api/v1/groups`), with its `_links` and optional `_embedded.stats`."""

from __future__ import annotations

from typing import Any

from services.okta.call import OktaCall
from services.okta.models import Group
from services.okta.render import href
from services.okta.timefmt import iso

LOGO_SIZES = ("medium", "large")


def group(call: OktaCall, row: Group, *, stats: dict[str, Any] | None = None) -> dict[str, Any]:
    base = f"/api/v1/groups/{row.id}"
    body: dict[str, Any] = {
        "id": row.id,
        "created": iso(row.created),
        "lastUpdated": iso(row.last_updated),
        "lastMembershipUpdated": iso(row.last_membership_updated),
        "objectClass": ["okta:user_group"],
        "type": row.type,
        "profile": row.profile or {},
        "_links": {
            "logo": [
                {**href(call, f"/img/logos/groups/okta-{size}.png"), "name": size, "type": "image/png"}
                for size in LOGO_SIZES
            ],
            "users": href(call, f"{base}/users"),
            "apps": href(call, f"{base}/apps"),
        },
    }
    if stats is not None:
        body["_embedded"] = {"stats": stats}
    return body
