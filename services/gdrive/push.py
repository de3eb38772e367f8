"""Push notifications (changes.watch, files.watch): Google's webhook messages to a channel's address.

A message has no body; everything is in headers (Drive guide "Notifications for resource
changes"): `X-Goog-Channel-ID`, `X-Goog-Channel-Token` (when the channel has one),
`X-Goog-Channel-Expiration` (RFC 1123 date), `X-Goog-Resource-ID`, `X-Goog-Resource-URI`,
`X-Goog-Resource-State` (`sync` first, on creation; then `change` for changes channels and
`add`/`remove`/`update`/`trash`/`untrash` for file channels), `X-Goog-Changed` on file
updates, and `X-Goog-Message-Number` (1 for sync, increasing). 500/502/503/504 answers are
retried with exponential backoff; other failures are dropped, as Google documents.
"""

from __future__ import annotations

import logging
from email.utils import formatdate
from typing import Any

from sqlmodel import Session, select

from services.core.deliveries import DeliveryQueue
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.gdrive import endpoint
from services.gdrive.call import DriveCall
from services.gdrive.domain import changes as changelog
from services.gdrive.models import Change, Channel, User

log = logging.getLogger("dtu.google.push")

USER_AGENT = "APIs-Google; (+https://developers.google.com/webmasters/APIs-Google.html)"
RETRY_SCHEDULE = (1.0, 2.0, 4.0, 8.0, 16.0, 32.0)
RETRIED = {500, 502, 503, 504}


def expiration_header(expiration_ms: int) -> str:
    return formatdate(expiration_ms / 1000, usegmt=True)


class Notifier:
    def __init__(self, runtime: TwinRuntime) -> None:
        self.runtime = runtime
        self.queue = DeliveryQueue(timeout=10.0, max_redirects=0, user_agent=USER_AGENT)

    def send(self, tenant: Tenant, channel: Channel, state: str, changed: list[str] | None = None) -> None:
        """Queue one message (the caller persists the channel's incremented message number)."""
        channel.message_number += 1
        headers = {
            "X-Goog-Channel-ID": channel.id,
            "X-Goog-Resource-ID": channel.resource_id,
            "X-Goog-Resource-URI": channel.resource_uri,
            "X-Goog-Resource-State": state,
            "X-Goog-Message-Number": str(channel.message_number),
            "Content-Length": "0",
        }
        if channel.token:
            headers["X-Goog-Channel-Token"] = channel.token
        if channel.expiration:
            headers["X-Goog-Channel-Expiration"] = expiration_header(channel.expiration)
        if changed:
            headers["X-Goog-Changed"] = ",".join(changed)
        self.queue.enqueue(
            channel.address,
            b"",
            headers,
            schedule=RETRY_SCHEDULE,
            clock=tenant.clock,
            tenant=tenant.id,
            labels={"channel_id": channel.id, "resource_id": channel.resource_id, "state": state},
            is_live=lambda: self.runtime.tenants.find(tenant.id) is tenant,
            stop_retrying=lambda response: response.status_code not in RETRIED,
        )

    def after_commit(self, call: DriveCall) -> None:
        """Notify the channels whose resource the committed request changed."""
        recorded = changelog.taken(call.session)
        described = changelog.details(call.session)
        if not recorded and not described:
            return
        session = call.session
        now_ms = int(call.now() * 1000)
        channels = session.exec(select(Channel).where(Channel.tenant_id == call.tenant.id)).all()
        for channel in channels:
            if channel.expiration and channel.expiration <= now_ms:
                continue
            try:
                self._notify(call, session, channel, recorded, described)
            except Exception:
                log.exception("push notification for channel %s failed", channel.id)
        session.commit()

    def _notify(
        self,
        call: DriveCall,
        session: Session,
        channel: Channel,
        recorded: list[Change],
        described: dict[str, dict[str, Any]],
    ) -> None:
        from services.gdrive.api import changes as changes_api  # the change log's reader (imports this module)

        if channel.kind == "changes":
            user = session.get(User, (call.tenant.id, channel.user_id))
            if user is not None and changes_api.visible_to(call, user, recorded, channel.drive_id):
                self.send(call.tenant, channel, "change")
                session.add(channel)
            return
        entry = described.get(channel.file_id)
        if entry is None or entry["state"] is None:
            return
        changed = sorted(entry["changed"]) if entry["state"] == "update" else None
        self.send(call.tenant, channel, entry["state"], changed)
        session.add(channel)

    async def run(self) -> None:
        await self.queue.run()


def hook(call: DriveCall) -> None:
    notifier: Notifier | None = call.runtime.extras.get("push")
    if notifier is not None:
        try:
            notifier.after_commit(call)
        except Exception:
            log.exception("push notifications after %s failed", call.operation)
    else:
        changelog.taken(call.session)
        changelog.details(call.session)


endpoint.COMMIT_HOOKS.append(hook)
