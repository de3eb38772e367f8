"""Slack rows -> SCIM 1.1 resources, in the shapes Slack's SCIM API returns.

Shapes follow Slack's responses (as recorded in slackapi/python-slack-sdk's tests and
java-slack-sdk's samples): core 1.0 schema, `meta.created` as ISO 8601 with offset,
`meta.location` under the SCIM base URL, `Resources` with a capital R in lists.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from services.slack import render
from services.slack.models import User, UserGroup

CORE_SCHEMA = "urn:scim:schemas:core:1.0"


def timestamp(seconds: int) -> str:
    return datetime.fromtimestamp(seconds, tz=UTC).isoformat(timespec="seconds")


def user_resource(user: User, *, base_url: str, domain: str, groups: list[UserGroup]) -> dict[str, Any]:
    profile = render.profile(user)
    body: dict[str, Any] = {
        "schemas": [CORE_SCHEMA],
        "id": user.id,
        "externalId": user.external_id or "",
        "meta": {"created": timestamp(user.created or user.updated), "location": f"{base_url}/scim/v1/Users/{user.id}"},
        "userName": user.name,
        "nickName": user.name,
        "name": {"givenName": profile["first_name"], "familyName": profile["last_name"]},
        "displayName": user.display_name,
        "profileUrl": f"https://{domain}.slack.com/team/{user.name}",
        "title": profile["title"],
        "timezone": user.tz,
        "active": not user.deleted,
        "emails": [{"value": user.email, "primary": True}] if user.email else [],
        "photos": [{"value": profile["image_192"], "type": "photo"}],
        "groups": [{"value": group.id, "display": group.name} for group in groups],
    }
    if profile["phone"]:
        body["phoneNumbers"] = [{"value": profile["phone"], "type": "mobile", "primary": True}]
    return body


def group_resource(group: UserGroup, *, base_url: str, users_by_id: dict[str, User]) -> dict[str, Any]:
    members = []
    for user_id in group.users or []:
        user = users_by_id.get(user_id)
        members.append({"value": user_id, "display": user.name if user else ""})
    return {
        "schemas": [CORE_SCHEMA],
        "id": group.id,
        "displayName": group.name,
        "members": members,
        "meta": {"created": timestamp(group.date_create), "location": f"{base_url}/scim/v1/Groups/{group.id}"},
    }


def list_response(resources: list[dict[str, Any]], *, total: int, start_index: int) -> dict[str, Any]:
    return {
        "totalResults": total,
        "itemsPerPage": len(resources),
        "startIndex": start_index,
        "schemas": [CORE_SCHEMA],
        "Resources": resources,
    }


def error(status: int, description: str) -> dict[str, Any]:
    """Slack's SCIM error envelope: {"Errors": {"description": ..., "code": <HTTP status>}}."""
    return {"Errors": {"description": description, "code": status}}
