"""`okta` in scenario expressions: a small synchronous facade over the Okta management API.

The official okta SDK is asyncio-only; scenario expressions are synchronous, so the harness
speaks Okta's REST API itself over httpx with the org's SSWS API token (as the SDK does).
Results are `Record`s: Okta's JSON with attribute access (`user.id`, `user.profile.email`).
Errors raise `OktaApiError` carrying Okta's errorCode and errorSummary.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import httpx

from harness.records import record


class OktaApiError(Exception):
    def __init__(self, status: int, body: Any) -> None:
        summary = body.get("errorSummary") if isinstance(body, dict) else None
        code = body.get("errorCode") if isinstance(body, dict) else None
        super().__init__(f"Okta HTTP {status} {code or ''}: {summary or body}".strip())
        self.status, self.code, self.body = status, code, body


class OktaFacade:
    def __init__(self, org_url: str, api_token: str, client: httpx.Client) -> None:
        self.org_url = org_url.rstrip("/")
        self._client = client
        self._headers = {"Authorization": f"SSWS {api_token}", "Accept": "application/json"}

    # Raw calls: any endpoint of the management API.
    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        response = self._client.request(method, self.org_url + path, headers=self._headers, **kwargs)
        body: Any = response.json() if response.content else None
        if response.status_code >= 400:
            raise OktaApiError(response.status_code, body)
        return record(body)

    def get(self, path: str, **params: Any) -> Any:
        return self.request("GET", path, params=params or None)

    def post(self, path: str, json: Any = None) -> Any:
        return self.request("POST", path, json=json)

    def put(self, path: str, json: Any = None) -> Any:
        return self.request("PUT", path, json=json)

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def _all(self, path: str, params: dict[str, Any] | None = None) -> list[Any]:
        """Every page, following Okta's `Link: <...>; rel="next"` headers."""
        items: list[Any] = []
        url: str | None = self.org_url + path
        while url is not None:
            response = self._client.get(url, headers=self._headers, params=params)
            params = None  # the next link carries them
            body = response.json()
            if response.status_code >= 400:
                raise OktaApiError(response.status_code, body)
            items.extend(record(body))
            url = response.links.get("next", {}).get("url")
        return items

    # Users
    def users(self, search: str | None = None, filter: str | None = None, q: str | None = None) -> list[Any]:
        params = {k: v for k, v in {"search": search, "filter": filter, "q": q}.items() if v is not None}
        return self._all("/api/v1/users", params)

    def user(self, id_or_login: str) -> Any:
        return self.get(f"/api/v1/users/{quote(id_or_login, safe='@')}")

    def user_groups(self, user: str) -> list[Any]:
        return self._all(f"/api/v1/users/{quote(self._user_id(user), safe='@')}/groups")

    def deactivate_user(self, user: str) -> Any:
        return self.post(f"/api/v1/users/{quote(self._user_id(user), safe='@')}/lifecycle/deactivate")

    def suspend_user(self, user: str) -> Any:
        return self.post(f"/api/v1/users/{quote(self._user_id(user), safe='@')}/lifecycle/suspend")

    def sessions_revoked(self, user: str) -> Any:
        return self.delete(f"/api/v1/users/{quote(self._user_id(user), safe='@')}/sessions?oauthTokens=true")

    # Groups
    def groups(self, q: str | None = None) -> list[Any]:
        return self._all("/api/v1/groups", {"q": q} if q else None)

    def group(self, name_or_id: str) -> Any:
        """A group by id, or by exact profile name (the first such group)."""
        if name_or_id.startswith("00g"):
            return self.get(f"/api/v1/groups/{name_or_id}")
        for group in self.groups(q=name_or_id):
            if group.profile.name == name_or_id:
                return group
        raise OktaApiError(404, {"errorCode": "E0000007", "errorSummary": f"Not found: group {name_or_id!r}"})

    def group_members(self, group: str) -> list[Any]:
        return self._all(f"/api/v1/groups/{self.group(group).id}/users")

    def add_user_to_group(self, group: str, user: str) -> Any:
        return self.put(f"/api/v1/groups/{self.group(group).id}/users/{self._user_id(user)}")

    def remove_user_from_group(self, group: str, user: str) -> Any:
        return self.delete(f"/api/v1/groups/{self.group(group).id}/users/{self._user_id(user)}")

    # Apps
    def apps(self, q: str | None = None) -> list[Any]:
        return self._all("/api/v1/apps", {"q": q} if q else None)

    def app(self, label_or_id: str) -> Any:
        for app in self.apps():
            if label_or_id in (app.id, app.label, app.name):
                return app
        raise OktaApiError(404, {"errorCode": "E0000007", "errorSummary": f"Not found: app {label_or_id!r}"})

    def app_users(self, app: str) -> list[Any]:
        return self._all(f"/api/v1/apps/{self.app(app).id}/users")

    def logs(self, filter: str | None = None, since: str | None = None) -> list[Any]:
        params = {k: v for k, v in {"filter": filter, "since": since}.items() if v is not None}
        result: list[Any] = self.get("/api/v1/logs", **params)
        return result

    def _user_id(self, user: Any) -> str:
        """A user id from an id, a login or anything with `okta_id` / `id` (a universe person, a user)."""
        for attribute in ("okta_id", "id"):
            value = getattr(user, attribute, None)
            if isinstance(value, str):
                return value
        if isinstance(user, str) and "@" in user:
            return str(self.user(user).id)
        return str(user)
