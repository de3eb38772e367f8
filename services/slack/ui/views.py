"""What the client pages show, read through the Slack domain code as the signed-in member.

Visibility is Slack's: public channels for everyone, private channels, DMs and group DMs
only for their members (the same `list_conversations` / `lookup.conversation` the Web API uses).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from markupsafe import Markup
from sqlmodel import col, select

from services.slack.call import Call
from services.slack.domain import conversations, lookup, messages
from services.slack.models import Conversation, Message, User
from services.slack.ui import mrkdwn

HISTORY_LIMIT = 100
SIDEBAR_LIMIT = 1000
KIND_ORDER = {"public": 0, "private": 0, "mpim": 1, "im": 1}


@dataclass
class Person:
    id: str
    name: str  # what the client shows: display name, else real name, else handle
    handle: str
    initial: str
    deleted: bool = False
    is_bot: bool = False


@dataclass
class SidebarItem:
    id: str
    name: str
    kind: str  # public | private | im | mpim
    members: int
    archived: bool = False
    shared: bool = False  # Slack Connect: shared with other teams (seed `shared_with`)


@dataclass
class Reaction:
    name: str
    shown: str
    count: int
    users: str  # names, for the tooltip
    user_ids: str  # space-separated, so the page can toggle for whoever is chosen to act
    mine: bool


@dataclass
class ShownMessage:
    ts: str
    user_id: str
    author: str
    initial: str
    time: str
    when: str
    html: Markup
    subtype: str | None
    reactions: list[Reaction] = field(default_factory=list)
    reply_count: int = 0
    reply_names: str = ""
    edited: bool = False
    is_reply: bool = False


class Directory:
    """Members by id, for names in messages, mentions and the member select.

    Members are looked up as a page needs them (one query per new id, then cached), so a
    live update that shows one new message reads one or two users, not the whole workspace.
    """

    def __init__(self, call: Call) -> None:
        self._users: dict[str, User | None] = {}
        self._channels: dict[str, str] = {}
        self._call = call

    def user(self, user_id: str) -> User | None:
        if user_id not in self._users:
            self._users[user_id] = self._call.session.get(User, (self._call.tenant.id, user_id)) if user_id else None
        return self._users[user_id]

    def person(self, user_id: str) -> Person | None:
        found = self.user(user_id)
        return _person(found) if found is not None else None

    def name(self, user_id: str) -> str:
        person = self.person(user_id)
        return person.name if person else user_id

    def channel_name(self, channel_id: str) -> str:
        if channel_id not in self._channels:
            row = self._call.session.get(Conversation, (self._call.tenant.id, channel_id))
            self._channels[channel_id] = row.name if row is not None and row.name else channel_id
        return self._channels[channel_id]

    def postable(self) -> list[Person]:
        """Members one may post as: people, not bots, not deactivated (the whole workspace: one query)."""
        rows = self._call.session.exec(
            select(User)
            .where(User.tenant_id == self._call.tenant.id, col(User.deleted).is_(False), col(User.is_bot).is_(False))
            .order_by(col(User.name))
        ).all()
        self._users.update({row.id: row for row in rows})
        return [_person(row) for row in rows]


def _person(user: User) -> Person:
    name = user.display_name or user.real_name or user.name
    return Person(user.id, name, user.name, (name[:1] or "?").upper(), user.deleted, user.is_bot)


def sidebar(call: Call, directory: Directory) -> list[SidebarItem]:
    page = conversations.list_conversations(
        call, ["public", "private", "mpim", "im"], exclude_archived=True, limit=SIDEBAR_LIMIT, cursor=None
    )
    counts = conversations.member_counts(call, [c.id for c in page.items])
    items = [
        SidebarItem(
            c.id,
            title(call, c, directory),
            lookup.conversation_type(c),
            counts.get(c.id, 0),
            c.is_archived,
            bool(c.shared_team_ids),
        )
        for c in page.items
    ]
    return sorted(items, key=lambda item: (KIND_ORDER[item.kind], item.name))


def title(call: Call, conversation: Conversation, directory: Directory) -> str:
    """A channel's name; a DM's other person; a group DM's people (as Slack's sidebar names them)."""
    if conversation.is_im:
        partner = conversations.im_partner(call, conversation)
        return directory.name(partner) if partner else "Direct message"
    if conversation.is_mpim:
        others = [u for u in lookup.members(call, conversation.id) if u != call.user_id]
        return ", ".join(sorted(directory.name(u) for u in others)) or conversation.name
    return conversation.name


def _clock(ts: str, offset: int) -> tuple[str, str]:
    moment = datetime.fromtimestamp(float(ts), UTC).astimezone(timezone(timedelta(seconds=offset)))
    return moment.strftime("%H:%M"), moment.strftime("%A, %B %-d, %Y at %H:%M")


def shown(call: Call, directory: Directory, rows: list[Message], *, is_reply: bool = False) -> list[ShownMessage]:
    """Messages as the client shows them, with reactions (who reacted) and thread summaries."""
    viewer = directory.user(call.user_id)
    offset = viewer.tz_offset if viewer is not None else 0
    bodies = messages.messages_with_extras(call, rows)
    out = []
    for row, body in zip(rows, bodies, strict=True):
        author_id = row.user or ""
        author = row.username or (body.get("bot_profile") or {}).get("name") or directory.name(author_id) or "App"
        time, when = _clock(row.ts, offset)
        out.append(
            ShownMessage(
                ts=row.ts,
                user_id=author_id,
                author=author,
                initial=(author[:1] or "?").upper(),
                time=time,
                when=when,
                html=mrkdwn.to_html(row.text or _fallback(body), directory.name, directory.channel_name),
                subtype=row.subtype,
                reactions=[_reaction(r, directory, call.user_id) for r in body.get("reactions", [])],
                reply_count=row.reply_count if row.thread_ts == row.ts else 0,
                reply_names=", ".join(directory.name(u) for u in (row.reply_users or [])[:3]),
                edited=row.edited is not None,
                is_reply=is_reply,
            )
        )
    return out


def _fallback(body: dict[str, Any]) -> str:
    """Text for a message with only blocks or attachments: their `fallback`/text, as notifications use."""
    for attachment in body.get("attachments") or []:
        if isinstance(attachment, dict) and (attachment.get("fallback") or attachment.get("text")):
            return str(attachment.get("fallback") or attachment.get("text"))
    if body.get("blocks"):
        return "(a message with blocks)"
    if body.get("files"):
        return "shared a file: " + ", ".join(str(f.get("name", "")) for f in body["files"])
    return ""


def _reaction(body: dict[str, Any], directory: Directory, viewer: str) -> Reaction:
    users = list(body.get("users") or [])
    return Reaction(
        name=str(body["name"]),
        shown=mrkdwn.reaction(str(body["name"])),
        count=int(body.get("count", len(users))),
        users=", ".join(directory.name(u) for u in users),
        user_ids=" ".join(users),
        mine=viewer in users,
    )


@dataclass
class History:
    """A page of a conversation, oldest first (newest at the bottom, as in Slack)."""

    messages: list[ShownMessage]
    has_more: bool  # older messages exist before the first one


def history(call: Call, conversation: Conversation, directory: Directory, latest: str | None = None) -> History:
    """The page of messages before `latest` (the newest page without it): conversations.history's own query."""
    page = conversations.history(
        call, conversation, oldest=None, latest=latest, inclusive=False, limit=HISTORY_LIMIT, cursor=None
    )
    return History(shown(call, directory, list(reversed(page.messages))), page.has_more)


def newer(call: Call, conversation: Conversation, directory: Directory, after: str) -> list[ShownMessage]:
    """Channel-level messages posted after `after` (for the live stream), oldest first."""
    page = conversations.history(
        call, conversation, oldest=after, latest=None, inclusive=False, limit=HISTORY_LIMIT, cursor=None
    )
    return shown(call, directory, list(reversed(page.messages)))


def newer_replies(
    call: Call, conversation: Conversation, directory: Directory, ts: str, after: str
) -> list[ShownMessage]:
    """Replies of thread `ts` posted after `after` (for the live stream), oldest first."""
    page = conversations.replies(
        call, conversation, ts, oldest=after, latest=None, inclusive=False, limit=HISTORY_LIMIT, cursor=None
    )
    found = shown(call, directory, [m for m in page.messages if m.ts != ts], is_reply=True)
    return found


def by_ts(call: Call, conversation: Conversation, directory: Directory, timestamps: list[str]) -> list[ShownMessage]:
    """Messages of the conversation by ts, as shown (for live updates of reactions and reply counts)."""
    rows = call.session.exec(
        select(Message).where(
            Message.tenant_id == call.tenant.id,
            Message.channel_id == conversation.id,
            col(Message.ts).in_(timestamps),
            col(Message.hidden).is_(False),
        )
    ).all()
    return shown(call, directory, sorted(rows, key=lambda row: row.ts_sort))


def thread(call: Call, conversation: Conversation, directory: Directory, ts: str) -> list[ShownMessage]:
    """A thread: its parent, then the replies, oldest first."""
    page = conversations.replies(
        call, conversation, ts, oldest=None, latest=None, inclusive=False, limit=HISTORY_LIMIT * 10, cursor=None
    )
    found = shown(call, directory, page.messages)
    for message in found[1:]:
        message.is_reply = True
    return found


@dataclass
class Profile:
    id: str
    name: str
    real_name: str
    handle: str
    title: str
    email: str
    status: str
    timezone: str
    okta_id: str | None
    role: str
    deleted: bool
    initial: str


def profile(directory: Directory, user_id: str) -> Profile | None:
    user = directory.user(user_id)
    person = directory.person(user_id)
    if user is None or person is None:
        return None
    data = user.profile or {}
    status = " ".join(
        s
        for s in (
            str(data.get("status_emoji") or ""),
            str(data.get("status_text") or ""),
        )
        if s
    )
    return Profile(
        id=user.id,
        name=person.name,
        real_name=user.real_name,
        handle=user.name,
        title=str(data.get("title") or ""),
        email=user.email or "",
        status=status,
        timezone=user.tz_label,
        # Okta provisions members over SCIM with externalId = the Okta user id (services/slack/scim_users.py).
        okta_id=user.external_id,
        role=_role(user),
        deleted=user.deleted,
        initial=person.initial,
    )


def _role(user: User) -> str:
    if user.is_bot:
        return "App"
    if user.is_primary_owner:
        return "Primary Workspace Owner"
    if user.is_owner:
        return "Workspace Owner"
    if user.is_admin:
        return "Workspace Admin"
    if user.is_ultra_restricted:
        return "Single-Channel Guest"
    if user.is_restricted:
        return "Multi-Channel Guest"
    return "Member"
