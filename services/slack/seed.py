"""Loading a seed document into a Slack workspace.

```yaml
users:     [{name: alice, real_name: Alice Doe, email: alice@example.com, title: Engineer, is_admin: false}]
channels:  [{name: eng, is_private: false, members: [alice, admin], topic: ..., purpose: ...}]
messages:  [{channel: eng, user: alice, text: hello}]
```
Users are referred to by name or email, channels by name.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.slack.models import Conversation, Member, Message, Team, User


class SeedError(ValueError):
    pass


def _list(document: dict[str, Any], key: str) -> list[dict[str, Any]]:
    value = document.get(key) or []
    if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
        raise SeedError(f"{key} must be a list of objects")
    return value


def seed(session: Session, tenant: Tenant, runtime: TwinRuntime, document: dict[str, Any]) -> dict[str, Any]:
    ids, now = tenant.ids, int(tenant.clock.time())
    team = session.exec(select(Team).where(Team.tenant_id == tenant.id)).one()
    users = {u.name: u for u in session.exec(select(User).where(User.tenant_id == tenant.id)).all()}
    by_email = {u.email: u for u in users.values() if u.email}
    created: dict[str, list[str]] = {"users": [], "channels": [], "messages": []}

    def find_user(ref: str) -> User:
        found = users.get(ref) or by_email.get(ref)
        if found is None:
            raise SeedError(f"unknown user {ref!r}")
        return found

    for spec in _list(document, "users"):
        name = str(spec.get("name") or str(spec.get("email", "")).split("@")[0])
        if not name:
            raise SeedError("a user needs a name or an email")
        if name in users:
            raise SeedError(f"user {name!r} exists")
        profile: dict[str, Any] = {
            k: spec[k]
            for k in ("title", "phone", "first_name", "last_name", "status_text", "status_emoji")
            if k in spec
        }
        user = User(
            tenant_id=tenant.id,
            id=str(spec.get("id") or ids.make("U", 10)),
            team_id=team.id,
            name=name,
            real_name=str(spec.get("real_name", name)),
            display_name=str(spec.get("display_name", "")),
            email=spec.get("email"),
            is_admin=bool(spec.get("is_admin", False)),
            is_owner=bool(spec.get("is_owner", False)),
            is_bot=bool(spec.get("is_bot", False)),
            deleted=bool(spec.get("deleted", False)),
            profile=profile,
            updated=now,
            external_id=spec.get("external_id"),
        )
        session.add(user)
        users[name] = user
        if user.email:
            by_email[user.email] = user
        created["users"].append(user.id)

    channels = {c.name: c for c in session.exec(select(Conversation).where(Conversation.tenant_id == tenant.id)).all()}
    for spec in _list(document, "channels"):
        name = str(spec.get("name", ""))
        if not name or name in channels:
            raise SeedError(f"channel name {name!r} is missing or taken")
        private = bool(spec.get("is_private", False))
        member_refs = [str(m) for m in spec.get("members") or []]
        creator = find_user(member_refs[0]).id if member_refs else find_user("admin").id
        channel = Conversation(
            tenant_id=tenant.id,
            id=str(spec.get("id") or ids.make("G" if private else "C", 10)),
            name=name,
            is_channel=not private,
            is_group=private,
            is_private=private,
            creator=creator,
            created=now,
            updated=now * 1000,
            is_archived=bool(spec.get("is_archived", False)),
            topic={
                "value": str(spec.get("topic", "")),
                "creator": creator if spec.get("topic") else "",
                "last_set": now if spec.get("topic") else 0,
            },
            purpose={
                "value": str(spec.get("purpose", "")),
                "creator": creator if spec.get("purpose") else "",
                "last_set": now if spec.get("purpose") else 0,
            },
        )
        session.add(channel)
        channels[name] = channel
        for ref in dict.fromkeys(member_refs):
            session.add(Member(tenant_id=tenant.id, conversation_id=channel.id, user_id=find_user(ref).id, joined=now))
        created["channels"].append(channel.id)

    ts_source = runtime.extras["ts"]
    for spec in _list(document, "messages"):
        target = channels.get(str(spec.get("channel", "")).removeprefix("#"))
        if target is None:
            raise SeedError(f"unknown channel {spec.get('channel')!r}")
        author = find_user(str(spec.get("user", "admin")))
        session.flush()
        ts, micros = ts_source.next(session, tenant.id, tenant.clock.time())
        session.add(
            Message(
                tenant_id=tenant.id,
                channel_id=target.id,
                ts=ts,
                ts_sort=micros,
                user=author.id,
                text=str(spec.get("text", "")),
                blocks=None,
            )
        )
        created["messages"].append(ts)
    return created
