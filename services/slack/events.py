"""Events API: turning events produced by calls into signed deliveries to apps.

Only the publishing interface exists so far; subscriptions, the url_verification
handshake, signing and retries are being built in this module next.
"""

from __future__ import annotations

from services.core.tenants import Tenant
from services.core.twin import TwinRuntime
from services.slack.call import PendingEvent


class EventBus:
    def __init__(self, runtime: TwinRuntime) -> None:
        self.runtime = runtime

    def publish(self, tenant: Tenant, events: list[PendingEvent]) -> None:
        """Queue events for delivery to subscribed apps (after the call's commit)."""

    async def run(self) -> None:
        """Background delivery loop, started with the twin; returns when cancelled."""
