"""Pushing to Atlassian Cloud through its user provisioning API (SCIM 2.0), as Okta's Atlassian Cloud app does.

Okta's connection takes the directory's base URL (`https://api.atlassian.com/scim/directory/
{directoryId}`; DTU's Jira twin serves it at its root) and the directory's API key, sent
as a Bearer token. Mapping: userName = the Okta login's email, emails[primary],
name.givenName/familyName, displayName, title, externalId = the Okta user id. A user not
linked yet is matched by `userName eq` its email, so an existing Atlassian account is
adopted rather than duplicated. Losing the app deactivates the account (PATCH
`active: false`); Okta's Atlassian integration does not delete accounts.
"""

from __future__ import annotations

from typing import Any

import httpx

from services.okta.provisioning.job import Job, check
from services.okta.provisioning.scim_target import ScimTarget

CORE = "urn:ietf:params:scim:schemas:core:2.0:User"
PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp"


def _resource(job: Job) -> dict[str, Any]:
    profile = job.profile
    first, last = str(profile.get("firstName") or ""), str(profile.get("lastName") or "")
    body: dict[str, Any] = {
        "schemas": [CORE],
        "userName": job.email,
        "externalId": job.user_id,
        "name": {"givenName": first, "familyName": last},
        "displayName": str(profile.get("displayName") or f"{first} {last}".strip()),
        "emails": [{"value": job.email, "type": "work", "primary": True}],
        "active": True,
    }
    if profile.get("title"):
        body["title"] = str(profile["title"])
    return body


def _active(patch_active: bool) -> dict[str, Any]:
    return {"schemas": [PATCH], "Operations": [{"op": "replace", "path": "active", "value": patch_active}]}


class AtlassianTarget(ScimTarget):
    def __init__(self, client: httpx.AsyncClient, job: Job) -> None:
        self.users_url = f"{job.base_url}/Users"
        super().__init__(client, job)

    def resource(self) -> dict[str, Any]:
        return _resource(self.job)

    async def deactivate(self, account_id: str) -> None:
        check(await self.client.patch(self.user_url(account_id), json=_active(False), headers=self.headers))

    async def update(self, account_id: str, body: dict[str, Any]) -> None:
        check(await self.client.put(self.user_url(account_id), json=body, headers=self.headers))
