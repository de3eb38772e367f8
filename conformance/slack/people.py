"""Test helpers: more members in a workspace, and user tokens for them.

Members come from the control plane's seed endpoint; their tokens from the real OAuth
flow (the twin's authorize page approves at once as the `dtu_user` it is given, then
`oauth.v2.access` through slack_sdk exchanges the code), as a user's own suite would.
Events arrive at a Request URL served by `receiver.Receiver`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
from slack_sdk import WebClient

from conformance.slack.receiver import Receiver

REDIRECT = "https://example.com/slack/oauth_redirect"


def add_user(dtu_slack: Any, name: str, **fields: Any) -> str:
    """Seed one member (e.g. email=..., is_admin=True) and return its id."""
    user = {"name": name, "email": f"{name}@example.com", "real_name": name.title(), **fields}
    response = dtu_slack.control("POST", "/seed", json={"users": [user]})
    response.raise_for_status()
    created: str = response.json()["created"]["users"][0]
    return created


def user_token(dtu_slack: Any, user: str, scopes: str) -> str:
    """A user token (xoxp-) of `user` (id or name) with the given user scopes."""
    response = httpx.get(
        dtu_slack.base_url + "/oauth/v2/authorize",
        params={"client_id": dtu_slack.client_id, "user_scope": scopes, "redirect_uri": REDIRECT, "dtu_user": user},
        follow_redirects=False,
    )
    assert response.status_code == 302, response.text
    code = parse_qs(urlsplit(response.headers["location"]).query)["code"][0]
    access = WebClient(base_url=dtu_slack.url).oauth_v2_access(
        client_id=dtu_slack.client_id, client_secret=dtu_slack.client_secret, code=code, redirect_uri=REDIRECT
    )
    token: str = access["authed_user"]["access_token"]
    return token


@contextmanager
def events_to(dtu_slack: Any, bot_events: list[str]) -> Iterator[Receiver]:
    """A running Request URL the app's bot events (those named) are delivered to."""
    receiver = Receiver(dtu_slack.signing_secret).start()
    try:
        path = f"/_dtu/slack/tenants/{dtu_slack.tenant_id}/apps/{dtu_slack.app_id}/events"
        body = {"request_url": receiver.url, "bot_events": bot_events, "user_events": []}
        response = dtu_slack.control("POST", path, json=body)
        assert response.status_code == 200, response.text
        yield receiver
    finally:
        receiver.stop()
