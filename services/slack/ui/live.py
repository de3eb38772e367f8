"""What changes on an open channel page, pushed as server-sent events.

The page opens `…/live?after=<newest ts shown>&since=<oldest ts shown>` (and, with a thread
open, `&thread=<its ts>&thread_after=<newest reply shown>`). Every second the stream asks
the database a few small questions (`Probe`): is there a message newer than the cursor, a
reply newer than the thread's, have reactions, reply counts or edits changed on the messages
shown, did the shown messages' count or timestamp sum change (so one went away)? Only when
something changed does it read through the domain code as the signed-in member (visibility
checked again, conversations.history / conversations.replies) and render what changed with
the page's own template:

- `message`: a new channel-level message, appended to the history;
- `reply`: a new reply of the open thread, appended to the thread pane;
- `update`: a shown message whose reactions, reply count or text changed, replaced in place
  (a deleted thread parent with replies becomes Slack's "This message was deleted." tombstone);
- `delete`: a shown message deleted (chat.delete), taken off the page.

Whoever made the change (the Web API, a scheduled message, the UI) does not matter.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from sqlalchemy import and_, func
from sqlmodel import Session, col, select
from starlette.requests import Request
from starlette.responses import Response

from services.core.twin import TwinRuntime, runtime_of
from services.core.ui.session import UiUser, signed_in_user, ui_request
from services.core.ui.sse import event_stream
from services.slack.domain import lookup
from services.slack.errors import SlackError
from services.slack.models import Message, Reaction
from services.slack.ts import parse_ts
from services.slack.ui import views
from services.slack.ui.acting import acting
from services.slack.ui.page import CHROME, PICKER, TEMPLATES

INTERVAL_SECONDS = 1.0
Events = list[tuple[str, Any]]


def _ts(value: str | None) -> str:
    return value if value and parse_ts(value) is not None else "0"


@dataclass
class Cursor:
    """Where the stream is: the newest channel message and thread reply sent (the SSE event id)."""

    after: str
    thread_after: str

    @classmethod
    def parse(cls, value: str) -> Cursor:
        after, _, thread_after = value.partition("/")
        return cls(_ts(after), _ts(thread_after))

    def __str__(self) -> str:
        return f"{self.after}/{self.thread_after}"


def _newest(session: Session, tenant_id: str, channel_id: str, after: str, thread_ts: str | None = None) -> str | None:
    """The newest message (of the thread, if given) after `after`, any kind: one indexed query."""
    query = select(Message.ts).where(
        Message.tenant_id == tenant_id,
        Message.channel_id == channel_id,
        col(Message.ts_sort) > (parse_ts(after) or 0),
    )
    if thread_ts is not None:
        query = query.where(col(Message.thread_ts) == thread_ts, col(Message.ts) != thread_ts)
    return session.exec(query.order_by(col(Message.ts_sort).desc()).limit(1)).first()


def _shown(tenant_id: str, channel_id: str, since: str, thread_ts: str | None) -> Any:
    """Which messages the page may show: the channel's since the oldest shown, and the open thread's."""
    shown = col(Message.ts_sort) >= (parse_ts(since) or 0)
    if thread_ts is not None:
        shown = shown | (col(Message.thread_ts) == thread_ts)
    return and_(col(Message.tenant_id) == tenant_id, col(Message.channel_id) == channel_id, shown)


def _fingerprint(session: Session, where: Any) -> tuple[int, int]:
    """How many messages may be shown, and the sum of their timestamps: one aggregate over an index.

    A deletion always changes it (a message posted in the same second adds a different ts), so
    the timestamps themselves are read only when it changed.
    """
    count, total = session.exec(select(func.count(), func.coalesce(func.sum(Message.ts_sort), 0)).where(where)).one()
    return int(count), int(total)


def _present(session: Session, where: Any) -> set[str]:
    return set(session.exec(select(Message.ts).where(where)).all())


def _signatures(session: Session, tenant_id: str, channel_id: str, since: str) -> dict[str, tuple[Any, ...]]:
    """What a shown message's look depends on beyond its text: reactions, replies, edits (by ts)."""
    found: dict[str, list[Any]] = {}
    reactions = session.exec(
        select(Reaction.ts, Reaction.name, Reaction.user_id).where(
            Reaction.tenant_id == tenant_id, Reaction.channel_id == channel_id, col(Reaction.ts) >= since
        )
    ).all()
    for ts, name, user_id in reactions:
        found.setdefault(ts, []).append((name, user_id))
    # The subtype turns "tombstone" when a parent with replies is deleted; it rides with the latest
    # reply in one column ("ts/subtype": select's typing stops at four columns).
    latest_and_subtype = func.coalesce(col(Message.latest_reply), "") + "/" + func.coalesce(col(Message.subtype), "")
    threads_or_edited = session.exec(
        select(Message.ts, Message.reply_count, latest_and_subtype, Message.edited).where(
            Message.tenant_id == tenant_id,
            Message.channel_id == channel_id,
            col(Message.ts_sort) >= (parse_ts(since) or 0),
            (col(Message.thread_ts) == col(Message.ts)) | col(Message.edited).is_not(None),
        )
    ).all()
    for ts, count, latest, edited in threads_or_edited:
        found.setdefault(ts, []).append((count, latest, str(edited)))
    return {ts: tuple(sorted(parts, key=repr)) for ts, parts in found.items()}


@dataclass
class Watch:
    """One open page: what it shows, and what the stream has seen of it."""

    user: UiUser
    channel_id: str
    since: str  # the oldest message shown: changes older than that are not on the page
    thread_ts: str | None
    place: dict[str, str]
    seen: dict[str, tuple[Any, ...]] | None = None  # signatures at the last poll (None before the first)
    fingerprint: tuple[int, int] | None = None  # count and ts sum of the messages shown, at the last poll
    present: set[str] | None = None  # their timestamps, read again only when the fingerprint changes

    def poll(self, runtime: TwinRuntime, cursor: Cursor) -> tuple[Events, Cursor]:
        with runtime.store.session() as session:
            newest = _newest(session, self.user.tenant, self.channel_id, cursor.after)
            newest_reply = (
                _newest(session, self.user.tenant, self.channel_id, cursor.thread_after, self.thread_ts)
                if self.thread_ts
                else None
            )
            signatures = _signatures(session, self.user.tenant, self.channel_id, self.since)
            deleted = self._deleted(session)
        changed = [] if self.seen is None else [ts for ts, sig in signatures.items() if self.seen.get(ts) != sig]
        changed += [ts for ts in (self.seen or {}) if ts not in signatures]  # the last reaction removed
        self.seen = signatures
        changed = [ts for ts in changed if ts not in deleted]
        if newest is None and newest_reply is None and not changed and not deleted:
            return [], cursor
        return self._render(runtime, cursor, newest, newest_reply, changed, deleted)

    def _deleted(self, session: Session) -> list[str]:
        """Messages gone since the last poll (chat.delete), found without reading them all each time."""
        where = _shown(self.user.tenant, self.channel_id, self.since, self.thread_ts)
        fingerprint = _fingerprint(session, where)
        if fingerprint == self.fingerprint:
            return []
        present = _present(session, where)
        gone = sorted((self.present or set()) - present)
        self.fingerprint, self.present = fingerprint, present
        return gone

    def _render(
        self,
        runtime: TwinRuntime,
        cursor: Cursor,
        newest: str | None,
        newest_reply: str | None,
        changed: list[str],
        deleted: list[str],
    ) -> tuple[Events, Cursor]:
        fragment = TEMPLATES.env.get_template("message.html")
        events: Events = []
        with acting(runtime, self.user.tenant, self.user.id) as call:
            conversation = lookup.conversation(call, self.channel_id, by_name=False)
            directory = views.Directory(call)
            # Only timestamps leave: nothing of a deleted message is rendered.
            events += [("delete", {"ts": ts}) for ts in deleted]
            if newest is not None:
                # Everything up to `newest` has been looked at: what history leaves out (thread
                # replies) is not shown in the channel, so the cursor moves past it too.
                found = views.newer(call, conversation, directory, cursor.after)
                events += [("message", {"ts": m.ts, "html": self._html(fragment, m)}) for m in found]
                cursor = Cursor(_latest(newest, *(m.ts for m in found)), cursor.thread_after)
            if newest_reply is not None and self.thread_ts:
                replies = views.newer_replies(call, conversation, directory, self.thread_ts, cursor.thread_after)
                events += [("reply", {"ts": m.ts, "html": self._html(fragment, m, in_thread=True)}) for m in replies]
                cursor = Cursor(cursor.after, _latest(newest_reply, *(m.ts for m in replies)))
            for m in views.by_ts(call, conversation, directory, changed) if changed else []:
                # The thread pane shows the parent and the replies in their own way.
                as_reply = replace(m, is_reply=m.ts != self.thread_ts)
                thread_html = self._html(fragment, as_reply, in_thread=True) if self.thread_ts else None
                events.append(("update", {"ts": m.ts, "html": self._html(fragment, m), "thread_html": thread_html}))
        return events, cursor

    def _html(self, fragment: Any, m: views.ShownMessage, *, in_thread: bool = False) -> str:
        context = {"m": m, "place": self.place, "picker": PICKER}
        if in_thread:
            context.update(in_thread=True, thread_ts=self.thread_ts)
        return str(fragment.render(**context))


def _latest(*timestamps: str) -> str:
    return max(timestamps, key=lambda ts: parse_ts(ts) or 0)


async def stream(request: Request) -> Response:
    ui_request(request)
    user = signed_in_user(request, CHROME.sign_in)
    if isinstance(user, Response):
        return Response(status_code=401)
    runtime = runtime_of(request)
    channel_id = str(request.path_params["channel_id"])
    try:  # the member must see the channel (checked again whenever something is rendered)
        with acting(runtime, user.tenant, user.id) as call:
            lookup.conversation(call, channel_id, by_name=False)
    except SlackError:
        return Response(status_code=404)
    query = request.query_params
    thread_ts = query.get("thread") if parse_ts(query.get("thread") or "") is not None else None
    watch = Watch(
        user=user,
        channel_id=channel_id,
        since=_ts(query.get("since")),
        thread_ts=thread_ts,
        place={"base": f"/client/{user.extra.get('team_id', '')}/{channel_id}", "channel_id": channel_id},
    )

    async def poll(value: str) -> tuple[Events, str]:
        cursor = Cursor.parse(value)
        try:
            events, cursor = watch.poll(runtime, cursor)
        except SlackError:
            return [], value  # gone, or no longer visible: nothing more to show
        return events, str(cursor)

    start = Cursor(_ts(query.get("after")), _ts(query.get("thread_after")))
    return event_stream(request, poll, str(start), interval=INTERVAL_SECONDS)
