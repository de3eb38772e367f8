"""Events API: turning events produced by calls into signed deliveries to apps.

After a call commits, `publish` routes each event to the apps that subscribe to it
(event_routing), wraps it in Slack's `event_callback` envelope, records an
EventDelivery row and hands the body to the core delivery queue. Every attempt is
signed afresh (`X-Slack-Signature` over `v0:{timestamp}:{body}`, timestamp from the
tenant's clock); a failed attempt is retried nearly immediately, after 1 minute and
after 5 minutes, with `X-Slack-Retry-Num` and `X-Slack-Retry-Reason`, unless the app
answered `X-Slack-No-Retry: 1`.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
from collections.abc import Callable, Mapping
from typing import Any

import httpx
from sqlmodel import select

from services.core.deliveries import AttemptContext, AttemptRecord, Delivery, DeliveryQueue
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.slack.call import PendingEvent
from services.slack.event_routing import Recipient, Router
from services.slack.models import EventDelivery, Team

log = logging.getLogger("dtu.slack.events")

# Slack: a response must arrive within 3 seconds; up to 3 retries, "nearly immediately",
# after 1 minute and after 5 minutes; at most 2 redirects are followed.
TIMEOUT_SECONDS = 3.0
RETRY_SCHEDULE = (0.0, 60.0, 300.0)
MAX_REDIRECTS = 2
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"


def signature(signing_secret: str, timestamp: str, body: bytes) -> str:
    """Slack's request signature: v0= hex HMAC-SHA256 of `v0:{timestamp}:{body}`."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(signing_secret.encode(), base, hashlib.sha256).hexdigest()


def signed_headers(signing_secret: str, body: bytes, tenant_time: float) -> dict[str, str]:
    timestamp = str(int(tenant_time))
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature(signing_secret, timestamp, body),
    }


def encode(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def event_context(event_type: str, team_id: str, app_id: str, channel: str | None) -> str:
    """The opaque `event_context` (apps.event.authorizations.list takes it back)."""
    context = {"et": event_type, "tid": team_id, "aid": app_id, **({"cid": channel} if channel else {})}
    raw = json.dumps(context, separators=(",", ":")).encode()
    return "4-" + base64.urlsafe_b64encode(raw).decode().rstrip("=")


def envelope(recipient: Recipient, team_id: str, event: dict[str, Any], event_id: str, now: float) -> dict[str, Any]:
    """The outer `event_callback` payload, fields in Slack's order."""
    channel = event.get("channel") if isinstance(event.get("channel"), str) else None
    return {
        "token": recipient.app.verification_token,
        "team_id": team_id,
        "context_team_id": team_id,
        "context_enterprise_id": None,
        "api_app_id": recipient.app.id,
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": int(now),
        "authorizations": [
            {
                "enterprise_id": None,
                "team_id": team_id,
                "user_id": recipient.user_id,
                "is_bot": recipient.is_bot,
                "is_enterprise_install": False,
            }
        ],
        "is_ext_shared_channel": False,
        "event_context": event_context(str(event.get("type")), team_id, recipient.app.id, channel),
    }


def slack_headers(signing_secret: str, body: bytes) -> Callable[[AttemptContext], dict[str, str]]:
    def build(context: AttemptContext) -> dict[str, str]:
        headers = signed_headers(signing_secret, body, context.tenant_time)
        if context.number:
            headers["X-Slack-Retry-Num"] = str(context.number)
            headers["X-Slack-Retry-Reason"] = context.previous_error or "unknown_error"
        return headers

    return build


def no_retry(response: httpx.Response) -> bool:
    return response.headers.get("X-Slack-No-Retry") == "1"


class EventBus:
    def __init__(self, runtime: TwinRuntime) -> None:
        self.runtime = runtime
        self.queue = DeliveryQueue(timeout=TIMEOUT_SECONDS, max_redirects=MAX_REDIRECTS, user_agent=USER_AGENT)

    def publish(self, tenant: Tenant, events: list[PendingEvent]) -> None:
        """Queue events for delivery to subscribed apps (after the call's commit)."""
        if not events:
            return
        try:
            self._publish(tenant, events)
        except Exception:
            # The call has committed and must still answer ok; a routing bug only costs events.
            log.exception("could not publish %d events of tenant %s", len(events), tenant.id)

    def _publish(self, tenant: Tenant, events: list[PendingEvent]) -> None:
        planned: list[tuple[Recipient, dict[str, Any]]] = []
        with self.runtime.store.session() as session:
            router = Router(session, tenant.id)
            if not router.apps:
                return
            team = session.exec(select(Team).where(Team.tenant_id == tenant.id)).first()
            if team is None:
                return
            explicit_mentions = any(p.type == "app_mention" for p in events)
            for pending in events:
                event = {"type": pending.type, **pending.event}
                event.setdefault("event_ts", f"{tenant.clock.time():.6f}")
                planned.extend((recipient, event) for recipient in router.recipients(pending))
                if not explicit_mentions:
                    planned.extend(
                        (recipient, {**mention, "event_ts": event["event_ts"]})
                        for recipient, mention in router.mentions(pending)
                    )
            now = tenant.clock.time()
            rows = []
            for recipient, event in planned:
                event_id = tenant.ids.make("Ev", 10)
                payload = envelope(recipient, team.id, event, event_id, now)
                row = EventDelivery(
                    tenant_id=tenant.id,
                    event_id=event_id,
                    app_id=recipient.app.id,
                    url=recipient.app.event_request_url or "",
                    payload=payload,
                    next_attempt_at=now,
                    created=now,
                )
                session.add(row)
                rows.append((row, recipient.app.signing_secret))
        for row, secret in rows:
            self._enqueue(tenant, row, secret)

    def _enqueue(self, tenant: Tenant, row: EventDelivery, signing_secret: str) -> None:
        body = encode(row.payload or {})
        self.queue.enqueue(
            row.url,
            body,
            slack_headers(signing_secret, body),
            schedule=RETRY_SCHEDULE,
            clock=tenant.clock,
            tenant=tenant.id,
            labels={
                "app_id": row.app_id,
                "event_id": row.event_id,
                "event_type": str((row.payload or {}).get("event", {}).get("type")),
            },
            delivery_id=f"{tenant.id}:{row.event_id}",
            on_attempt=self._record,
            # A deleted or reset tenant's deliveries die with it.
            is_live=lambda: self.runtime.tenants.find(tenant.id) is tenant,
            stop_retrying=no_retry,
        )

    def _record(self, delivery: Delivery, attempt: AttemptRecord) -> None:
        """Mirror the delivery's progress in its EventDelivery row (if the tenant still has it)."""
        tenant_id, event_id = delivery.tenant, delivery.labels["event_id"]
        with self.runtime.store.session() as session:
            row = session.get(EventDelivery, (tenant_id, event_id))
            if row is None:
                return
            row.attempts = delivery.attempts
            row.state = "pending" if attempt.outcome == "retrying" else attempt.outcome
            row.last_status = delivery.last_status
            row.last_error = delivery.last_error
            row.next_attempt_at = delivery.next_attempt_at or 0.0
            session.add(row)

    async def run(self) -> None:
        """Background delivery loop, started with the twin; returns when cancelled."""
        await self.queue.run()
