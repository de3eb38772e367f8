"""Pushing to Slack through its SCIM API (v1.1, `/scim/v1`), as Okta's Slack integration does.

Okta's Slack app provisions over SCIM with an Org Owner's token. Attribute mapping:
userName = the local part of the Okta login (Slack usernames are lowercase, at most 21
characters), name.givenName/familyName, displayName, emails[primary], title, and
externalId = the Okta user id. A user Okta has not linked yet is matched by email first
(Okta's "match existing users" import rule), so an existing Slack account is adopted,
updated and reactivated rather than duplicated.
"""

from __future__ import annotations

import re
from typing import Any

import httpx

from services.okta.provisioning.job import Job, check
from services.okta.provisioning.scim_target import ScimTarget

SCHEMA = "urn:scim:schemas:core:1.0"
PREFIX = "/scim/v1"


def _user_name(job: Job) -> str:
    local = job.login.split("@", 1)[0].lower()
    return re.sub(r"[^a-z0-9._-]", "", local)[:21] or "user"


def _resource(job: Job) -> dict[str, Any]:
    profile = job.profile
    first, last = str(profile.get("firstName") or ""), str(profile.get("lastName") or "")
    body: dict[str, Any] = {
        "schemas": [SCHEMA],
        "userName": _user_name(job),
        "externalId": job.user_id,
        "name": {"givenName": first, "familyName": last},
        "displayName": str(profile.get("displayName") or f"{first} {last}".strip()),
        "emails": [{"value": job.email, "primary": True}],
        "active": True,
    }
    if profile.get("title"):
        body["title"] = str(profile["title"])
    return body


class SlackTarget(ScimTarget):
    accept = "application/json"
    match_filter = 'email eq "{email}"'

    def __init__(self, client: httpx.AsyncClient, job: Job) -> None:
        self.users_url = f"{job.base_url}{PREFIX}/Users"
        super().__init__(client, job)

    def resource(self) -> dict[str, Any]:
        return _resource(self.job)

    async def deactivate(self, account_id: str) -> None:
        # Slack's SCIM DELETE deactivates (the member is kept, `deleted: true`).
        check(await self.client.delete(self.user_url(account_id), headers=self.headers))

    async def update(self, account_id: str, body: dict[str, Any]) -> None:
        body.pop("userName")  # an adopted account keeps its Slack username
        check(await self.client.patch(self.user_url(account_id), json=body, headers=self.headers))
