"""Loading a seed document into a Slack workspace.

```yaml
users:     [{name: alice, real_name: Alice Doe, email: alice@example.com, title: Engineer, is_admin: false}]
channels:  [{name: eng, is_private: false, members: [alice, admin], topic: ..., purpose: ...,
             shared_with: [T0PARTNER1]}]
messages:  [{channel: eng, user: alice, text: hello}]
sso:       {issuer: http://okta.example/oauth2/default, client_id: 0oa..., client_secret: ...}
```
Users are referred to by name or email, channels by name. Users and channels may carry an
explicit `id`; users an `external_id` (SCIM externalId, e.g. the Okta id) and `deleted`.
A channel whose name exists is an error, unless it says `if_exists: join`: then its members
join the existing channel (e.g. #general, which every workspace has) and a given topic or
purpose replaces the channel's. `shared_with` lists the other teams of a Slack Connect channel
(it then reads `is_shared`/`is_ext_shared`, with `shared_team_ids` starting with this workspace's).
`sso` (a DTU setting) makes members sign in to the install page through an OIDC app of an Okta org
(services/slack/sso.py); `sso: null` removes it.
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, select

from services.core.bulk import insert_rows
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.slack import sso
from services.slack.models import Conversation, Member, Message, Team, User


def _shared_team_ids(home_team: str, shared_with: Any) -> list[str] | None:
    if shared_with is None:
        return None
    if not isinstance(shared_with, list) or not all(isinstance(t, str) and t for t in shared_with):
        raise SeedError("shared_with must be a list of team ids")
    return [home_team, *dict.fromkeys(t for t in shared_with if t != home_team)]


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
    # name -> id and email -> id; new users and memberships are written in bulk (services/core/bulk.py).
    users = {u.name: u.id for u in session.exec(select(User).where(User.tenant_id == tenant.id)).all()}
    by_email = {str(u.email): u.id for u in session.exec(select(User).where(User.tenant_id == tenant.id)) if u.email}
    new_users: list[dict[str, Any]] = []
    new_members: list[dict[str, Any]] = []
    created: dict[str, list[str]] = {"users": [], "channels": [], "messages": []}

    def find_user(ref: str) -> str:
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
        user_id = str(spec.get("id") or ids.make("U", 10))
        if user_id in users.values():
            raise SeedError(f"user id {user_id!r} exists")
        new_users.append(
            {
                "tenant_id": tenant.id,
                "id": user_id,
                "team_id": team.id,
                "name": name,
                "real_name": str(spec.get("real_name", name)),
                "display_name": str(spec.get("display_name", "")),
                "email": spec.get("email"),
                "is_admin": bool(spec.get("is_admin", False)),
                "is_owner": bool(spec.get("is_owner", False)),
                "is_bot": bool(spec.get("is_bot", False)),
                "deleted": bool(spec.get("deleted", False)),
                "profile": profile,
                "updated": now,
                "created": now,
                "external_id": spec.get("external_id"),
            }
        )
        users[name] = user_id
        if spec.get("email"):
            by_email[str(spec["email"])] = user_id
        created["users"].append(user_id)
    insert_rows(session, User, new_users)

    channels = {c.name: c for c in session.exec(select(Conversation).where(Conversation.tenant_id == tenant.id)).all()}
    for spec in _list(document, "channels"):
        name = str(spec.get("name", ""))
        if name in channels and spec.get("if_exists") == "join":
            people = [find_user(str(m)) for m in spec.get("members") or []]
            new_members += _join(session, tenant.id, channels[name], spec, people, now)
            continue
        if not name or name in channels:
            raise SeedError(f"channel name {name!r} is missing or taken")
        private = bool(spec.get("is_private", False))
        member_refs = [str(m) for m in spec.get("members") or []]
        creator = find_user(member_refs[0]) if member_refs else find_user("admin")
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
            shared_team_ids=_shared_team_ids(team.id, spec.get("shared_with")),
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
        for user_id in dict.fromkeys(find_user(ref) for ref in member_refs):
            new_members.append(
                {"tenant_id": tenant.id, "conversation_id": channel.id, "user_id": user_id, "joined": now}
            )
        created["channels"].append(channel.id)
    session.flush()
    insert_rows(session, Member, new_members)

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
                user=author,
                text=str(spec.get("text", "")),
                blocks=None,
            )
        )
        created["messages"].append(ts)
    if "sso" in document:
        spec = document["sso"]
        if spec is not None and not isinstance(spec, dict):
            raise SeedError("sso must be an object or null")
        try:
            sso.configure(session, tenant.id, spec)
        except ValueError as problem:
            raise SeedError(str(problem)) from problem
        created["sso"] = [spec["issuer"]] if spec else []
    return created


def _member(tenant_id: str, channel_id: str, user_id: str, now: int) -> dict[str, Any]:
    return {"tenant_id": tenant_id, "conversation_id": channel_id, "user_id": user_id, "joined": now}


def _join(
    session: Session, tenant_id: str, channel: Conversation, spec: dict[str, Any], people: list[str], now: int
) -> list[dict[str, Any]]:
    """The memberships to add to an existing channel (whose topic or purpose a spec may replace)."""
    present = set(
        session.exec(
            select(Member.user_id).where(Member.tenant_id == tenant_id, Member.conversation_id == channel.id)
        ).all()
    )
    rows = [_member(tenant_id, channel.id, user_id, now) for user_id in dict.fromkeys(people) if user_id not in present]
    for key in ("topic", "purpose"):
        if spec.get(key):
            setattr(channel, key, {"value": str(spec[key]), "creator": channel.creator, "last_set": now})
    session.add(channel)
    return rows
