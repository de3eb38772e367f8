"""A push committed but not yet delivered survives a restart of the Okta twin (SQLite file).

The first Okta app runs without its background work (no server, so no lifespan): the
assignment commits its push, which is never attempted. The second app on the same data
dir is served for real; its engine finds the pending push in the store and delivers it
to a Slack twin.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import httpx

from services.core.settings import TwinSettings
from services.core.testing import ThreadedServer
from services.okta.app import create_app as create_okta
from services.slack.app import create_app as create_slack


def _scim_user(slack_url: str, token: str, email: str) -> dict[str, Any] | None:
    response = httpx.get(
        f"{slack_url}/scim/v1/Users",
        params={"filter": f'email eq "{email}"'},
        headers={"Authorization": f"Bearer {token}"},
    )
    resources = response.json()["Resources"]
    return resources[0] if resources else None


async def test_pending_pushes_survive_a_restart(tmp_path: Path) -> None:
    with ThreadedServer(create_slack(TwinSettings(service="slack", port=0)), name="slack") as slack:
        slack_tenant = httpx.post(f"{slack.url}/_dtu/tenants", json={"name": "acme"}).json()
        scim_token = slack_tenant["credentials"]["user_token"]

        first = create_okta(TwinSettings(service="okta", port=4101, data_dir=tmp_path))
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=first), base_url="http://okta") as http:
            tenant = (await http.post("/_dtu/tenants", json={"name": "acme"})).json()
            http.headers["Authorization"] = f"SSWS {tenant['credentials']['api_token']}"
            sign_on = {"ssoAcsUrl": "https://slack.example/sso/saml", "audience": "https://slack.com"}
            app = await http.post(
                "/api/v1/apps",
                json={"name": "slack", "label": "Slack", "signOnMode": "SAML_2_0", "settings": {"signOn": sign_on}},
            )
            app_id = app.json()["id"]
            connection = {"profile": {"authScheme": "TOKEN", "token": scim_token}, "baseUrl": slack.url}
            answer = await http.post(f"/api/v1/apps/{app_id}/connections/default?activate=true", json=connection)
            assert answer.status_code == 200, answer.text
            profile = {"firstName": "Ron", "lastName": "Start", "email": "ron@acme.test", "login": "ron@acme.test"}
            user = (await http.post("/api/v1/users?activate=true", json={"profile": profile})).json()
            assigned = await http.post(f"/api/v1/apps/{app_id}/users", json={"id": user["id"], "scope": "USER"})
            assert assigned.status_code == 200, assigned.text
            assert assigned.json()["syncState"] == "SYNCING"
        first.state.runtime.store.dispose()
        assert _scim_user(slack.url, scim_token, "ron@acme.test") is None

        second = create_okta(TwinSettings(service="okta", port=4101, data_dir=tmp_path))
        with ThreadedServer(second, name="okta"):
            deadline = time.monotonic() + 30  # generous: the poll ends as soon as the push lands
            while (found := _scim_user(slack.url, scim_token, "ron@acme.test")) is None:
                assert time.monotonic() < deadline, "the pending push was not delivered after the restart"
                time.sleep(0.05)
        second.state.runtime.store.dispose()
    assert found["externalId"] == user["id"]
