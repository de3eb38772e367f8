"""Slack load: a bot posting, reading and reacting in its channel, in slack_sdk's HTTP shapes.

slack_sdk's WebClient POSTs every method to {base_url}{method} with `Authorization: Bearer`:
chat.postMessage as JSON (`Content-Type: application/json;charset=utf-8`), every other method
shown here as a form body (`application/x-www-form-urlencoded`), even those its code marks as
GET (conversations.history, users.list, ...). Slack answers HTTP 200 with `ok: false` for most
errors, so each call checks `ok`.

    locust -f load/locustfile_slack.py --headless -u 10 -r 5 -t 30s [--host http://127.0.0.1:4103]
"""

from __future__ import annotations

import json
import secrets
import urllib.parse
from typing import Any

from locust import FastHttpUser, between, task

from load import bounds, report
from load.common import PYTHON, SLACK, SYSTEM, call, credentials, package_version, think_max

report.install()
bounds.install()

USER_AGENT = f"Python/{PYTHON} slackclient/{package_version('slack_sdk', '3.48.0')} {SYSTEM}"
FORM = "application/x-www-form-urlencoded"
JSON = "application/json;charset=utf-8"
KEEP_TIMESTAMPS = 50  # recent messages a user may thread under or react to


def slack_ok(payload: Any) -> str | None:
    if isinstance(payload, dict) and payload.get("ok") is True:
        return None
    error = payload.get("error") if isinstance(payload, dict) else None
    return f"ok=false: {error}"


class SlackUser(FastHttpUser):
    """A bot in its own channel: mostly posting and reading history, sometimes threads, reactions, lookups."""

    twin = SLACK.name
    host = SLACK.host()
    wait_time = between(0, think_max())
    weight = 3

    def on_start(self) -> None:
        self.token = credentials(SLACK, self.host)["bot_token"]
        self.channel: str | None = None
        self.timestamps: list[str] = []
        self.user_id: str | None = None
        auth = self.api("auth.test")
        self.user_id = auth["user_id"] if auth else None
        created = self.api("conversations.create", name=f"load-{secrets.token_hex(5)}")
        self.channel = created["channel"]["id"] if created else None

    def api(self, method: str, **params: Any) -> Any:
        """A Web API method as slack_sdk sends it: a form body (booleans as "1"/"0", like the SDK)."""
        form = {k: ("1" if v else "0") if isinstance(v, bool) else v for k, v in params.items()}
        headers = {"Content-Type": FORM, "User-Agent": USER_AGENT, "Authorization": f"Bearer {self.token}"}
        body = urllib.parse.urlencode(form) if form else None
        return call(self, "POST", f"/api/{method}", f"slack {method}", headers=headers, body=body, check=slack_ok)

    def post_message(self, **fields: Any) -> Any:
        """chat.postMessage: the one method slack_sdk sends as a JSON body."""
        headers = {"Content-Type": JSON, "User-Agent": USER_AGENT, "Authorization": f"Bearer {self.token}"}
        body = json.dumps(fields)
        return call(
            self, "POST", "/api/chat.postMessage", "slack chat.postMessage", headers=headers, body=body, check=slack_ok
        )

    @task(6)
    def post(self) -> None:
        if self.channel is None:
            return
        posted = self.post_message(channel=self.channel, text=f"deploy {secrets.token_hex(3)} finished :rocket:")
        if posted:
            self.timestamps = [*self.timestamps[-(KEEP_TIMESTAMPS - 1) :], posted["ts"]]

    @task(5)
    def history(self) -> None:
        if self.channel is not None:
            self.api("conversations.history", channel=self.channel, limit=50)

    @task(2)
    def reply_in_thread(self) -> None:
        if self.channel is None or not self.timestamps:
            return
        parent = self.timestamps[-1]
        if self.post_message(channel=self.channel, thread_ts=parent, text="on it"):
            self.api("conversations.replies", channel=self.channel, ts=parent, limit=100)

    @task(2)
    def react(self) -> None:
        # Each message once: a second identical reaction is `already_reacted`, an error.
        if self.channel is not None and self.timestamps:
            self.api("reactions.add", channel=self.channel, name="white_check_mark", timestamp=self.timestamps.pop())

    @task(2)
    def users_list(self) -> None:
        self.api("users.list", limit=200)

    @task(1)
    def conversations_list(self) -> None:
        self.api("conversations.list", types="public_channel", exclude_archived=True, limit=200)

    @task(1)
    def users_info(self) -> None:
        if self.user_id is not None:
            self.api("users.info", user=self.user_id)
