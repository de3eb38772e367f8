"""Which installed apps receive an Events API event, and on whose behalf.

Slack delivers an event to an app when the app subscribes to it, either as a bot event
(the app's bot user must be able to see it: for conversation events, be a member) or as
a user event (some user who authorized the app can see it). Message events are
subscribed per conversation type (`message.channels`, `message.groups`, `message.im`,
`message.mpim`) although the delivered event's type stays "message".

Emitters say who may see an event (see `PendingEvent`): `channel_id` limits it to
members of that conversation, `user_ids` to those users.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from services.slack.call import PendingEvent
from services.slack.models import App, Conversation, Member, Token

# `channel_type` of a message event -> the subscription that delivers it.
MESSAGE_SUBSCRIPTIONS = {
    "channel": "message.channels",
    "group": "message.groups",
    "im": "message.im",
    "mpim": "message.mpim",
}
# Sent to an app even after it was uninstalled: they announce exactly that.
SENT_TO_UNINSTALLED = frozenset({"app_uninstalled", "tokens_revoked"})
# Message subtypes that are someone writing (an app_mention can come from them).
AUTHORED_SUBTYPES = frozenset({None, "thread_broadcast", "file_share", "bot_message", "me_message"})


@dataclass(frozen=True)
class Recipient:
    app: App
    user_id: str  # the bot user, or the authorizing user for user events
    is_bot: bool


def conversation_kind(conversation: Conversation | None) -> str | None:
    """A conversation's `channel_type` as message events spell it."""
    if conversation is None:
        return None
    if conversation.is_im:
        return "im"
    if conversation.is_mpim:
        return "mpim"
    return "group" if conversation.is_private else "channel"


class Router:
    """Routes the events of one published batch (one session, caches per batch)."""

    def __init__(self, session: Session, tenant_id: str) -> None:
        self.session = session
        self.tenant_id = tenant_id
        self.apps = list(
            session.exec(
                select(App).where(
                    App.tenant_id == tenant_id,
                    col(App.event_request_url).is_not(None),
                    App.event_url_verified == True,  # noqa: E712
                )
            ).all()
        )
        self._members: dict[str, set[str]] = {}
        self._authorizers: dict[str, list[str]] = {}

    def subscription(self, pending: PendingEvent) -> str:
        """The subscription name that delivers this event."""
        if pending.type != "message":
            return pending.type
        kind = pending.event.get("channel_type")
        if kind not in MESSAGE_SUBSCRIPTIONS:
            channel = pending.channel_id or pending.event.get("channel")
            found = self.session.get(Conversation, (self.tenant_id, channel)) if isinstance(channel, str) else None
            kind = conversation_kind(found)
        return MESSAGE_SUBSCRIPTIONS.get(str(kind), "message")

    def recipients(self, pending: PendingEvent) -> list[Recipient]:
        name = self.subscription(pending)
        found: list[Recipient] = []
        for app in self.apps:
            if app.deleted and pending.type not in SENT_TO_UNINSTALLED:
                continue
            if name in (app.bot_events or []) and self._sees(app.bot_user_id, pending):
                found.append(Recipient(app, app.bot_user_id, True))
                continue
            if name in (app.user_events or []):
                # One delivery per app: Slack lists a single authorization in the payload.
                viewer = next((u for u in self._authorizers_of(app) if self._sees(u, pending)), None)
                if viewer is not None:
                    found.append(Recipient(app, viewer, False))
        return found

    def mentions(self, pending: PendingEvent) -> list[tuple[Recipient, dict[str, Any]]]:
        """`app_mention` events a message produces for the bots it mentions."""
        event = pending.event
        if pending.type != "message" or event.get("subtype") not in AUTHORED_SUBTYPES:
            return []
        if self.subscription(pending) == "message.im":
            return []  # in a DM the app gets message.im, not app_mention
        text = str(event.get("text") or "")
        found = []
        for app in self.apps:
            if app.deleted or "app_mention" not in (app.bot_events or []):
                continue
            if f"<@{app.bot_user_id}>" not in text or not self._sees(app.bot_user_id, pending):
                continue
            mention = {k: v for k, v in event.items() if k not in ("channel_type", "subtype", "hidden")}
            mention["type"] = "app_mention"
            found.append((Recipient(app, app.bot_user_id, True), mention))
        return found

    def _sees(self, user_id: str, pending: PendingEvent) -> bool:
        if pending.user_ids and user_id not in pending.user_ids:
            return False
        return pending.channel_id is None or user_id in self._members_of(pending.channel_id)

    def _members_of(self, conversation_id: str) -> set[str]:
        if conversation_id not in self._members:
            rows = self.session.exec(
                select(Member.user_id).where(
                    Member.tenant_id == self.tenant_id, Member.conversation_id == conversation_id
                )
            ).all()
            self._members[conversation_id] = set(rows)
        return self._members[conversation_id]

    def _authorizers_of(self, app: App) -> list[str]:
        """Users holding a live user token of the app, first authorizer first."""
        if app.id not in self._authorizers:
            rows = self.session.exec(
                select(Token.user_id)
                .where(
                    Token.tenant_id == self.tenant_id,
                    Token.app_id == app.id,
                    Token.type == "user",
                    Token.revoked == False,  # noqa: E712
                )
                .order_by(col(Token.created))
            ).all()
            self._authorizers[app.id] = list(dict.fromkeys(rows))
        return self._authorizers[app.id]


EVENT_NAME = re.compile(r"^[a-z][a-z_]*(\.[a-z_]+)?$")


def subscription_problem(names: object, field: str) -> str | None:
    """Why a list of event subscription names would be refused by Slack's app settings."""
    if not isinstance(names, list) or not all(isinstance(n, str) for n in names):
        return f"{field} must be a list of event names"
    for name in names:
        if not EVENT_NAME.match(name):
            return f"{field}: {name!r} is not an event name"
        if name == "message":
            return f"{field}: subscribe to message.channels, message.groups, message.im or message.mpim, not message"
    return None
