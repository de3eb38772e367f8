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

from services.okta.provisioning.job import Job, Outcome, check

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


class SlackTarget:
    def __init__(self, client: httpx.AsyncClient, job: Job) -> None:
        self.client = client
        self.job = job
        self.base = f"{job.base_url}{PREFIX}"
        self.headers = {"Authorization": f"Bearer {job.token}", "Accept": "application/json"}

    async def _find(self) -> dict[str, Any] | None:
        """The linked account (by externalId, i.e. its Slack id), else one with the user's email."""
        if self.job.external_id:
            response = check(
                await self.client.get(f"{self.base}/Users/{self.job.external_id}", headers=self.headers), allow=(404,)
            )
            if response.status_code != 404:
                found: dict[str, Any] = response.json()
                return found
        query = {"filter": f'email eq "{self.job.email}"'}
        response = check(await self.client.get(f"{self.base}/Users", params=query, headers=self.headers))
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
            check(await self.client.delete(f"{self.base}/Users/{existing['id']}", headers=self.headers))
            return Outcome("deactivate", existing["id"])
        body = _resource(self.job)
        if existing is None:
            response = check(await self.client.post(f"{self.base}/Users", json=body, headers=self.headers))
            return Outcome("push", str(response.json()["id"]))
        body.pop("userName")  # an adopted account keeps its Slack username
        was_active = bool(existing.get("active", True))
        check(await self.client.patch(f"{self.base}/Users/{existing['id']}", json=body, headers=self.headers))
        linked = self.job.external_id == existing["id"]
        if not was_active:
            return Outcome("reactivate", existing["id"])
        return Outcome("push_profile" if linked else "push", existing["id"])
