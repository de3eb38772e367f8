"""Event hook traffic: the one-time verification GET and the event deliveries.

Deliveries: after a call commits, its System Log events reach `HookDelivery.on_events`
(a `log_listeners` entry). Each ACTIVE and VERIFIED hook subscribed to some of them gets
one POST carrying those events in Okta's event hook envelope (events of one request are
amalgamated, as Okta batches events that occur close together). Okta's documented
contract: a 3-second timeout and at most one retry, never after a 4xx answer; a
delivery that finally fails is recorded as an `event_hook.delivery` FAILURE event.

Verification: `probe` is the verify route's `prepare` step (it runs before the call's
transaction): a GET with `X-Okta-Verification-Challenge` that must be answered with
`{"verification": <challenge>}`, retried once after a timeout or an error response.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

import httpx
from sqlmodel import select
from starlette.requests import Request

from services.core.deliveries import FAILED, AttemptContext, AttemptRecord, Delivery, DeliveryQueue
from services.core.ids import ALNUM
from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.okta import syslog
from services.okta.domain.event_hooks import Verification
from services.okta.models import EventHook
from services.okta.tenancy import org_url
from services.okta.timefmt import iso

log = logging.getLogger("dtu.okta.hooks")

TIMEOUT_SECONDS = 3.0
RETRY_SCHEDULE = (0.0,)  # "Okta will attempt at most one retry"; it documents no delay before it
USER_AGENT = "Okta-Integrations"
CHALLENGE_ALPHABET = ALNUM + "-_"


def encode(payload: Mapping[str, Any]) -> bytes:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False).encode()


def configured_headers(channel: Mapping[str, Any]) -> dict[str, str]:
    """The hook's custom headers, then its authScheme header (the secret wins a clash)."""
    config = channel.get("config") or {}
    headers = {h["key"]: h["value"] for h in config.get("headers") or []}
    scheme = config.get("authScheme")
    if scheme:
        headers[scheme["key"]] = scheme["value"]
    return headers


def envelope(source: str, event_id: str, now: float, events: list[dict[str, Any]]) -> dict[str, Any]:
    """Okta's event hook request body, fields in the order Okta's sample shows them."""
    return {
        "eventType": "com.okta.event_hook",
        "eventTypeVersion": "1.0",
        "cloudEventsVersion": "0.1",
        "contentType": "application/json",
        "eventId": event_id,
        "eventTime": iso(now),
        "source": source,
        "data": {"events": events},
    }


def no_retry(response: httpx.Response) -> bool:
    """Responses with a 4xx status code are not retried."""
    return 400 <= response.status_code < 500


class HookDelivery:
    def __init__(self, runtime: TwinRuntime) -> None:
        self.runtime = runtime
        # Okta does not follow redirects: a 3xx is a failed delivery.
        self.queue = DeliveryQueue(timeout=TIMEOUT_SECONDS, max_redirects=0, user_agent=USER_AGENT)

    # -- deliveries ----------------------------------------------------------------------
    def on_events(self, tenant_id: str, events: list[dict[str, Any]]) -> None:
        tenant = self.runtime.tenants.find(tenant_id)
        if tenant is None or not events:
            return
        with self.runtime.store.session() as session:
            hooks = session.exec(
                select(EventHook).where(
                    EventHook.tenant_id == tenant_id,
                    EventHook.status == "ACTIVE",
                    EventHook.verification_status == "VERIFIED",
                )
            ).all()
            subscriptions = [
                (hook.id, hook.name, set((hook.events or {}).get("items") or []), hook.channel) for hook in hooks
            ]
        for hook_id, name, items, channel in subscriptions:
            matching = [event for event in events if event.get("eventType") in items]
            if matching and channel:
                self._enqueue(tenant, hook_id, name, channel, matching)

    def _enqueue(
        self, tenant: Tenant, hook_id: str, name: str, channel: dict[str, Any], events: list[dict[str, Any]]
    ) -> None:
        event_id = tenant.ids.uuid4()
        source = f"{org_url(self.runtime, tenant.id)}/api/v1/eventHooks/{hook_id}"
        body = encode(envelope(source, event_id, tenant.clock.time(), events))
        custom = configured_headers(channel)

        def headers(context: AttemptContext) -> dict[str, str]:
            return {
                **custom,
                "Accept": "application/json",
                "Content-Type": "application/json",
                "X-Okta-Request-Id": tenant.ids.draw(27, ALNUM),
            }

        self.queue.enqueue(
            channel["config"]["uri"],
            body,
            headers,
            schedule=RETRY_SCHEDULE,
            clock=tenant.clock,
            tenant=tenant.id,
            labels={"event_hook_id": hook_id, "event_hook_name": name, "event_id": event_id},
            delivery_id=f"{tenant.id}:{event_id}",
            on_attempt=self._attempted,
            is_live=lambda: self._live(tenant, hook_id),
            stop_retrying=no_retry,
        )

    def _live(self, tenant: Tenant, hook_id: str) -> bool:
        """A delivery dies with its tenant, or when its hook is deactivated, unverified or deleted."""
        if self.runtime.tenants.find(tenant.id) is not tenant:
            return False
        with self.runtime.store.session() as session:
            hook = session.get(EventHook, (tenant.id, hook_id))
            return hook is not None and hook.status == "ACTIVE" and hook.verification_status == "VERIFIED"

    def _attempted(self, delivery: Delivery, attempt: AttemptRecord) -> None:
        if delivery.state != FAILED or delivery.tenant is None:
            return
        tenant = self.runtime.tenants.find(delivery.tenant)
        if tenant is None:
            return
        hook_id, name = delivery.labels["event_hook_id"], delivery.labels["event_hook_name"]
        why = f"HTTP {attempt.status}" if attempt.status is not None else (attempt.error or "unknown_error")
        syslog.record_job(
            self.runtime,
            tenant,
            "event_hook.delivery",
            targets=[
                {"id": hook_id, "type": "EventHook", "alternateId": name, "displayName": name, "detailEntry": None}
            ],
            outcome="FAILURE",
            reason=f"Event hook delivery failed: {why}",
            severity="WARN",
            debug_data={"eventHookId": hook_id, "eventId": delivery.labels["event_id"], "attempts": delivery.attempts},
        )

    async def run(self) -> None:
        """Background delivery loop, started with the twin; returns when cancelled."""
        await self.queue.run()

    # -- verification --------------------------------------------------------------------
    async def verify(self, tenant: Tenant, hook_id: str, channel: dict[str, Any]) -> Verification:
        challenge = tenant.ids.draw(40, CHALLENGE_ALPHABET)
        headers = {
            **configured_headers(channel),
            "Accept": "application/json",
            "User-Agent": USER_AGENT,
            "X-Okta-Verification-Challenge": challenge,
        }
        detail = "no response"
        async with httpx.AsyncClient(timeout=TIMEOUT_SECONDS, follow_redirects=False, trust_env=False) as client:
            for _ in range(2):  # the request and its one retry
                headers["X-Okta-Request-Id"] = tenant.ids.draw(27, ALNUM)
                try:
                    response = await client.get(channel["config"]["uri"], headers=headers)
                except httpx.TimeoutException:
                    detail = "timeout"
                    continue
                except httpx.HTTPError as exc:
                    detail = f"connection failed: {type(exc).__name__}"
                    continue
                if not 200 <= response.status_code < 300:
                    detail = f"HTTP {response.status_code}"
                    continue
                answered = _verification_value(response)
                if answered == challenge:
                    return Verification(hook_id, True, "")
                return Verification(hook_id, False, "The verification value in the response did not match")
        return Verification(hook_id, False, detail)


def _verification_value(response: httpx.Response) -> str | None:
    try:
        body = response.json()
    except ValueError:
        return None
    value = body.get("verification") if isinstance(body, dict) else None
    return value if isinstance(value, str) else None


async def probe(runtime: TwinRuntime, tenant: Tenant, request: Request) -> Verification | None:
    """The verify route's `prepare` step: call the hook's endpoint before the transaction opens."""
    hook_id = str(request.path_params.get("eventHookId", ""))
    with runtime.store.session() as session:
        hook = session.get(EventHook, (tenant.id, hook_id))
        channel = dict(hook.channel) if hook is not None and hook.channel else None
    if channel is None:
        return None  # the handler answers 404
    delivery: HookDelivery = runtime.extras["event_hooks"]
    return await delivery.verify(tenant, hook_id, channel)


def attach(runtime: TwinRuntime) -> None:
    delivery = HookDelivery(runtime)
    runtime.extras["event_hooks"] = delivery
    runtime.extras.setdefault("log_listeners", []).append(delivery.on_events)
