"""What Okta's SCIM-based provisioning targets share: find the linked (or same-email) account, then create,
update, deactivate or reactivate it. Each target says how its vendor spells those steps."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from services.okta.provisioning.job import Job, Outcome, check


class ScimTarget:
    users_url: str  # the vendor's `/Users` collection
    accept = "application/scim+json"
    match_filter = 'userName eq "{email}"'  # how an account not linked yet is found by the user's email

    def __init__(self, client: httpx.AsyncClient, job: Job) -> None:
        self.client = client
        self.job = job
        self.headers = {"Authorization": f"Bearer {job.token}", "Accept": self.accept}

    def resource(self) -> dict[str, Any]:
        raise NotImplementedError

    def user_url(self, account_id: str) -> str:
        return f"{self.users_url}/{quote(account_id)}"

    async def deactivate(self, account_id: str) -> None:
        raise NotImplementedError

    async def update(self, account_id: str, body: dict[str, Any]) -> None:
        raise NotImplementedError

    async def _find(self) -> dict[str, Any] | None:
        """The linked account (by externalId: the vendor's id), else the one with the user's email."""
        if self.job.external_id:
            response = check(
                await self.client.get(self.user_url(self.job.external_id), headers=self.headers), allow=(404,)
            )
            if response.status_code != 404:
                found: dict[str, Any] = response.json()
                return found
        query = {"filter": self.match_filter.format(email=self.job.email)}
        response = check(await self.client.get(self.users_url, params=query, headers=self.headers))
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
            await self.deactivate(str(existing["id"]))
            return Outcome("deactivate", str(existing["id"]))
        body = self.resource()
        if existing is None:
            response = check(await self.client.post(self.users_url, json=body, headers=self.headers))
            return Outcome("push", str(response.json()["id"]))
        account_id = str(existing["id"])
        was_active = bool(existing.get("active", True))
        await self.update(account_id, body)
        if not was_active:
            return Outcome("reactivate", account_id)
        return Outcome("push_profile" if self.job.external_id == account_id else "push", account_id)
