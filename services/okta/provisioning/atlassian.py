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
from urllib.parse import quote

import httpx

from services.okta.provisioning.job import Job, Outcome, check

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


class AtlassianTarget:
    def __init__(self, client: httpx.AsyncClient, job: Job) -> None:
        self.client = client
        self.job = job
        self.base = f"{job.base_url}/Users"
        self.headers = {"Authorization": f"Bearer {job.token}", "Accept": "application/scim+json"}

    async def _find(self) -> dict[str, Any] | None:
        """The linked account (by externalId, i.e. its SCIM id), else the one whose userName is the email."""
        if self.job.external_id:
            response = check(
                await self.client.get(f"{self.base}/{quote(self.job.external_id)}", headers=self.headers),
                allow=(404,),
            )
            if response.status_code != 404:
                found: dict[str, Any] = response.json()
                return found
        query = {"filter": f'userName eq "{self.job.email}"'}
        response = check(await self.client.get(self.base, params=query, headers=self.headers))
        resources = response.json().get("Resources") or []
        return resources[0] if resources else None

    async def push(self) -> Outcome:
        wants = self.job.wants_active
        if wants is None:
            return Outcome(None, self.job.external_id)
        existing = await self._find()
        if not wants:
            if existing is None or not existing.get("active", True):
                return Outcome(None, existing["id"] if existing else self.job.external_id)
            url = f"{self.base}/{quote(str(existing['id']))}"
            check(await self.client.patch(url, json=_active(False), headers=self.headers))
            return Outcome("deactivate", str(existing["id"]))
        body = _resource(self.job)
        if existing is None:
            response = check(await self.client.post(self.base, json=body, headers=self.headers))
            return Outcome("push", str(response.json()["id"]))
        was_active = bool(existing.get("active", True))
        check(await self.client.put(f"{self.base}/{quote(str(existing['id']))}", json=body, headers=self.headers))
        if not was_active:
            return Outcome("reactivate", str(existing["id"]))
        return Outcome("push_profile" if self.job.external_id == existing["id"] else "push", str(existing["id"]))
