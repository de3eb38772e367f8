"""Finding users and conversations the way Slack resolves ids (and names) in arguments."""

from __future__ import annotations

from sqlmodel import col, select

from services.slack.call import Call
from services.slack.errors import SlackError
from services.slack.models import Conversation, Member, Team, User


def team(call: Call) -> Team:
    row = call.session.exec(select(Team).where(Team.tenant_id == call.tenant.id)).first()
    if row is None:
        raise SlackError("team_not_found")
    return row


def user(call: Call, user_id: str | None, error: str = "user_not_found") -> User:
    if not user_id:
        raise SlackError(error)
    row = call.session.get(User, (call.tenant.id, user_id))
    if row is None:
        raise SlackError(error)
    return row


def conversation_type(conversation: Conversation) -> str:
    if conversation.is_im:
        return "im"
    if conversation.is_mpim:
        return "mpim"
    return "private" if conversation.is_private else "public"


def is_member(call: Call, conversation_id: str, user_id: str) -> bool:
    return call.session.get(Member, (call.tenant.id, conversation_id, user_id)) is not None


def conversation(
    call: Call, channel: str | None, error: str = "channel_not_found", *, by_name: bool = True
) -> Conversation:
    """A conversation by id (or by `#name`/name, as chat.postMessage accepts), visible to the caller.

    Private channels, IMs and MPIMs the caller is not a member of do not exist for it:
    Slack answers channel_not_found, exactly as for an unknown id.
    """
    if not channel:
        raise SlackError(error)
    row = call.session.get(Conversation, (call.tenant.id, channel))
    if row is None and by_name:  # conversations.* take ids only (by_name=False)
        name = channel.removeprefix("#")
        row = call.session.exec(
            select(Conversation).where(
                Conversation.tenant_id == call.tenant.id,
                Conversation.name == name,
                Conversation.is_im == False,  # noqa: E712
            )
        ).first()
    if row is None:
        raise SlackError(error)
    if conversation_type(row) != "public" and not is_member(call, row.id, call.user_id):
        raise SlackError(error)
    return row


def members(call: Call, conversation_id: str) -> list[str]:
    rows = call.session.exec(
        select(Member.user_id)
        .where(Member.tenant_id == call.tenant.id, Member.conversation_id == conversation_id)
        .order_by(col(Member.joined), col(Member.user_id))
    ).all()
    return list(rows)
