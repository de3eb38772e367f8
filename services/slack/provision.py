"""A new Slack workspace: the team, its owner, an installed app with a bot, and tokens.

Every tenant starts as a workspace would after one person created it and installed
one app: an owner (`U...`, admin), `#general` and `#random`, and an app whose bot
user is not yet in any channel (bots must be invited, as in Slack).
"""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from services.core.ids import ALNUM
from services.core.settings import TwinSettings
from services.core.tenants import DEFAULT_TENANT, Tenant, deterministic_secret
from services.core.twin import TwinRuntime
from services.slack.catalogue import METHODS
from services.slack.models import App, Conversation, Member, Team, User
from services.slack.tokens import issue_token

# Everything any implemented method can ask for, so the default install can call them all.
BOT_SCOPES = sorted({s for spec in METHODS.values() for s in spec.bot_scopes} | {"chat:write.public", "commands"})
# "admin" is the SCIM API's scope (api.slack.com/scim), held by no Web API method.
USER_SCOPES = sorted({s for spec in METHODS.values() for s in spec.user_scopes} | {"identify", "admin"})


def fixed_default_secrets() -> dict[str, str]:
    """The default tenant's credentials: stable across runs so users can write them down."""
    d = deterministic_secret
    return {
        "bot_token": f"xoxb-100000000001-100000000002-{d('slack', 'default', 'bot')[:24]}",
        "user_token": f"xoxp-100000000001-100000000003-100000000004-{d('slack', 'default', 'user')}",
        "signing_secret": d("slack", "default", "signing"),
        "client_id": "100000000001.100000000005",
        "client_secret": d("slack", "default", "client"),
        "verification_token": d("slack", "default", "verification", length=24),
    }


def default_credentials(settings: TwinSettings) -> dict[str, Any]:
    return {**fixed_default_secrets(), "url": settings.base_url + "/api/"}


def provision(session: Session, tenant: Tenant, runtime: TwinRuntime) -> dict[str, Any]:
    ids = tenant.ids
    now = int(tenant.clock.time())
    if tenant.id == DEFAULT_TENANT:
        secrets = fixed_default_secrets()
    else:
        secrets = {
            "bot_token": "",
            "user_token": "",
            "signing_secret": ids.secret(32),
            "client_id": f"{ids.digits(12)}.{ids.digits(13)}",
            "client_secret": ids.secret(32),
            "verification_token": ids.draw(24, ALNUM),
        }
    team_id = ids.make("T", 10)
    domain = "dtu" if tenant.id == DEFAULT_TENANT else f"dtu-{tenant.id.lower()}"
    session.add(
        Team(tenant_id=tenant.id, id=team_id, name=tenant.name, domain=domain, email_domain="example.com", created=now)
    )
    owner_id = ids.make("U", 10)
    session.add(
        User(
            tenant_id=tenant.id,
            id=owner_id,
            team_id=team_id,
            name="admin",
            real_name="Workspace Admin",
            display_name="admin",
            email="admin@example.com",
            is_admin=True,
            is_owner=True,
            is_primary_owner=True,
            profile={"title": "Workspace owner"},
            updated=now,
        )
    )
    app_id, bot_id, bot_user_id = ids.make("A", 10), ids.make("B", 10), ids.make("U", 10)
    session.add(
        User(
            tenant_id=tenant.id,
            id=bot_user_id,
            team_id=team_id,
            name="dtu_bot",
            real_name="DTU Bot",
            display_name="",
            is_bot=True,
            bot_id=bot_id,
            profile={"api_app_id": app_id},
            updated=now,
            tz="America/Los_Angeles",
        )
    )
    session.add(
        App(
            tenant_id=tenant.id,
            id=app_id,
            name="DTU Bot",
            bot_id=bot_id,
            bot_user_id=bot_user_id,
            client_id=secrets["client_id"],
            client_secret=secrets["client_secret"],
            signing_secret=secrets["signing_secret"],
            verification_token=secrets["verification_token"],
            bot_scopes=BOT_SCOPES,
            user_scopes=USER_SCOPES,
            redirect_urls=[],
            bot_events=[],
            user_events=[],
            created=now,
        )
    )
    bot = issue_token(
        session,
        tenant.id,
        ids,
        type_="bot",
        user_id=bot_user_id,
        app_id=app_id,
        scopes=BOT_SCOPES,
        now=now,
        token=secrets["bot_token"] or None,
    )
    user = issue_token(
        session,
        tenant.id,
        ids,
        type_="user",
        user_id=owner_id,
        app_id=app_id,
        scopes=USER_SCOPES,
        now=now,
        token=secrets["user_token"] or None,
    )
    for name, is_general, purpose in (
        ("general", True, "This is the one channel that will always include everyone."),
        ("random", False, "A place for non-work-related flimflam."),
    ):
        channel_id = ids.make("C", 10)
        session.add(
            Conversation(
                tenant_id=tenant.id,
                id=channel_id,
                name=name,
                is_channel=True,
                is_general=is_general,
                creator=owner_id,
                created=now,
                updated=now * 1000,
                topic={"value": "", "creator": "", "last_set": 0},
                purpose={"value": purpose, "creator": owner_id, "last_set": now},
            )
        )
        session.add(Member(tenant_id=tenant.id, conversation_id=channel_id, user_id=owner_id, joined=now))
    return {
        "url": runtime.base_url + "/api/",
        "team_id": team_id,
        "app_id": app_id,
        "bot_id": bot_id,
        "bot_user_id": bot_user_id,
        "admin_user_id": owner_id,
        "bot_token": bot.token,
        "user_token": user.token,
        "signing_secret": secrets["signing_secret"],
        "client_id": secrets["client_id"],
        "client_secret": secrets["client_secret"],
        "verification_token": secrets["verification_token"],
    }
