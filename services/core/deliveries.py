"""Outbound webhook deliveries: a queue that POSTs, retries on a schedule, and keeps a log.

Vendor-neutral: Slack's Events API, Okta event hooks, Jira webhooks and Google push
notifications all enqueue here, each with its own body, headers and retry schedule.
Headers may be a factory called once per attempt, because vendors sign each attempt
afresh (timestamped signatures) and number their retries.

A retry is due when EITHER the tenant's clock OR real time has moved past its delay:
advancing a tenant's clock through the control plane releases pending retries at
once, while a twin left running still retries in real time, as the vendor would.

Deliveries live in memory: nothing queued is dropped while the twin runs (attempts
interrupted by shutdown go back to the queue), and each attempt is recorded in a
bounded log the control plane can query. Twins persist what they need through the
`on_attempt` callback.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import ssl
import time
from collections import OrderedDict, deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import httpx

from services.core.clock import Clock

log = logging.getLogger("dtu.deliveries")

# Why an attempt failed. The names are the ones Slack reports in X-Slack-Retry-Reason;
# they describe transport outcomes in general, so other twins can map from them.
HTTP_ERROR = "http_error"  # the endpoint answered with a non-2xx status
HTTP_TIMEOUT = "http_timeout"  # no complete answer within the per-attempt timeout
CONNECTION_FAILED = "connection_failed"  # could not connect (refused, DNS, reset)
SSL_ERROR = "ssl_error"  # TLS negotiation or certificate validation failed
TOO_MANY_REDIRECTS = "too_many_redirects"  # more redirects than the vendor follows
UNKNOWN_ERROR = "unknown_error"  # anything else (protocol errors, bad URL, ...)

PENDING, SENDING, DELIVERED, FAILED, CANCELLED = "pending", "sending", "delivered", "failed", "cancelled"


@dataclass(frozen=True)
class AttemptContext:
    """What a headers factory knows about the attempt it is building headers for."""

    number: int  # 0 for the first attempt, n for the n-th retry
    previous_error: str | None  # why the previous attempt failed (None on the first)
    tenant_time: float  # the tenant's clock when the attempt is sent


HeadersFactory = Callable[[AttemptContext], Mapping[str, str]]


@dataclass
class AttemptRecord:
    """One HTTP attempt, as kept in the queue's log."""

    seq: int
    delivery_id: str
    tenant: str | None
    url: str
    number: int
    time: float  # tenant clock when sent
    status: int | None
    error: str | None
    latency_ms: float
    outcome: str  # delivered | retrying | failed | cancelled
    labels: dict[str, str]

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(eq=False)
class Delivery:
    """One message to one URL, with its retry state."""

    id: str
    url: str
    body: bytes
    headers: Mapping[str, str] | HeadersFactory
    schedule: tuple[float, ...]  # delay before retry 1, 2, ... (seconds)
    clock: Clock
    tenant: str | None = None
    labels: dict[str, str] = field(default_factory=dict)
    method: str = "POST"
    # Called after every attempt (on the event loop), e.g. to persist progress.
    on_attempt: Callable[[Delivery, AttemptRecord], None] | None = None
    # Checked before every attempt: False cancels the delivery (its tenant was deleted...).
    is_live: Callable[[], bool] | None = None
    # A failed response that asks not to be retried (Slack: `X-Slack-No-Retry: 1`).
    stop_retrying: Callable[[httpx.Response], bool] | None = None
    state: str = PENDING
    attempts: int = 0
    last_status: int | None = None
    last_error: str | None = None
    due_tenant: float = 0.0  # tenant-clock instant the next attempt is due
    due_real: float = 0.0  # time.monotonic() instant the next attempt is due

    def is_due(self, now_real: float) -> bool:
        return now_real >= self.due_real or self.clock.time() >= self.due_tenant

    @property
    def next_attempt_at(self) -> float | None:
        """Tenant-clock time of the next attempt, or None when finished."""
        return self.due_tenant if self.state in (PENDING, SENDING) else None

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "url": self.url,
            "tenant": self.tenant,
            "labels": self.labels,
            "state": self.state,
            "attempts": self.attempts,
            "last_status": self.last_status,
            "last_error": self.last_error,
            "next_attempt_at": self.next_attempt_at,
        }


def _caused_by(exc: BaseException, kind: type[BaseException]) -> bool:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, kind):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def classify(exc: BaseException) -> str:
    """The failure reason of an exception raised while sending."""
    if isinstance(exc, httpx.TimeoutException):
        return HTTP_TIMEOUT
    if isinstance(exc, httpx.TooManyRedirects):
        return TOO_MANY_REDIRECTS
    if _caused_by(exc, ssl.SSLError):
        return SSL_ERROR
    if isinstance(exc, httpx.ConnectError):
        return CONNECTION_FAILED
    return UNKNOWN_ERROR


class DeliveryQueue:
    """Deliveries waiting, in flight and recently finished; `run()` is the worker."""

    def __init__(
        self,
        *,
        concurrency: int = 16,
        timeout: float = 10.0,
        max_redirects: int = 2,
        user_agent: str | None = None,
        log_size: int = 2000,
        poll_interval: float = 0.05,
        transport: httpx.AsyncBaseTransport | None = None,
    ) -> None:
        self.concurrency = concurrency
        self.timeout = timeout
        self.max_redirects = max_redirects
        self.user_agent = user_agent
        self.poll_interval = poll_interval
        self.transport = transport
        self._waiting: dict[str, Delivery] = {}  # insertion order = enqueue order
        self._in_flight: dict[str, Delivery] = {}
        self._finished: OrderedDict[str, Delivery] = OrderedDict()
        self._finished_size = log_size
        self._log: deque[AttemptRecord] = deque(maxlen=log_size)
        self._seq = itertools.count(1)
        self._ids = itertools.count(1)
        self._wake = asyncio.Event()
        self._tasks: set[asyncio.Task[None]] = set()
        self.running = False

    # -- producers ----------------------------------------------------------------------
    def enqueue(
        self,
        url: str,
        body: bytes,
        headers: Mapping[str, str] | HeadersFactory,
        *,
        schedule: Sequence[float] = (),
        clock: Clock | None = None,
        tenant: str | None = None,
        labels: Mapping[str, str] | None = None,
        delivery_id: str | None = None,
        on_attempt: Callable[[Delivery, AttemptRecord], None] | None = None,
        is_live: Callable[[], bool] | None = None,
        stop_retrying: Callable[[httpx.Response], bool] | None = None,
    ) -> Delivery:
        """Queue a delivery; its first attempt is due at once. Safe before `run()` starts."""
        delivery = Delivery(
            id=delivery_id or f"d{next(self._ids)}",
            url=url,
            body=body,
            headers=headers,
            schedule=tuple(float(s) for s in schedule),
            clock=clock or Clock(),
            tenant=tenant,
            labels=dict(labels or {}),
            on_attempt=on_attempt,
            is_live=is_live,
            stop_retrying=stop_retrying,
        )
        delivery.due_tenant = delivery.clock.time()
        delivery.due_real = time.monotonic()
        self._waiting[delivery.id] = delivery
        self._wake.set()
        return delivery

    def cancel(self, predicate: Callable[[Delivery], bool]) -> int:
        """Drop waiting deliveries matching `predicate` (in-flight attempts finish first)."""
        dropped = [d for d in self._waiting.values() if predicate(d)]
        for delivery in dropped:
            del self._waiting[delivery.id]
            delivery.state = CANCELLED
            self._remember(delivery)
        return len(dropped)

    # -- queries --------------------------------------------------------------------------
    def get(self, delivery_id: str) -> Delivery | None:
        return self._waiting.get(delivery_id) or self._in_flight.get(delivery_id) or self._finished.get(delivery_id)

    def pending(self, tenant: str | None = None) -> list[Delivery]:
        """Deliveries not finished yet (waiting or in flight)."""
        found = [*self._in_flight.values(), *self._waiting.values()]
        return [d for d in found if tenant is None or d.tenant == tenant]

    def attempts(
        self,
        *,
        tenant: str | None = None,
        delivery_id: str | None = None,
        labels: Mapping[str, str] | None = None,
        limit: int = 100,
    ) -> list[AttemptRecord]:
        """Recorded attempts, oldest first (the newest `limit` of those matching)."""

        def keep(record: AttemptRecord) -> bool:
            return (
                (tenant is None or record.tenant == tenant)
                and (delivery_id is None or record.delivery_id == delivery_id)
                and all(record.labels.get(k) == v for k, v in (labels or {}).items())
            )

        selected = [r for r in self._log if keep(r)]
        return selected[-limit:] if limit > 0 else []

    def idle(self) -> bool:
        """Nothing in flight and nothing due now (retries scheduled for later don't count)."""
        now = time.monotonic()
        return not self._in_flight and not any(d.is_due(now) for d in self._waiting.values())

    async def wait_idle(self, timeout: float = 10.0) -> None:
        """Wait until `idle()`: every due attempt has been made. For tests."""
        await self._wait_for(self.idle, timeout)

    async def drain(self, timeout: float = 10.0) -> None:
        """Wait until every delivery has finished, retries included. For tests with short schedules."""
        await self._wait_for(lambda: not self._in_flight and not self._waiting, timeout)

    async def _wait_for(self, condition: Callable[[], bool], timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            if time.monotonic() > deadline:
                raise TimeoutError(f"deliveries not settled within {timeout}s: {len(self.pending())} pending")
            await asyncio.sleep(0.005)

    # -- the worker -----------------------------------------------------------------------
    async def run(self) -> None:
        """Deliver until cancelled. Attempts cut short by cancellation are queued again."""
        headers = {"User-Agent": self.user_agent} if self.user_agent else None
        async with httpx.AsyncClient(
            timeout=self.timeout,
            follow_redirects=self.max_redirects > 0,
            max_redirects=self.max_redirects,
            headers=headers,
            transport=self.transport,
            trust_env=False,  # a user's HTTP(S)_PROXY must not capture deliveries to local apps
        ) as client:
            self._wake = asyncio.Event()  # bound to this loop (a queue may outlive an earlier loop)
            self.running = True
            try:
                while True:
                    self._wake.clear()
                    self._dispatch(client)
                    await self._sleep()
            finally:
                self.running = False
                await self._abandon_in_flight()

    def _dispatch(self, client: httpx.AsyncClient) -> None:
        now = time.monotonic()
        for delivery in list(self._waiting.values()):
            if len(self._in_flight) >= self.concurrency:
                return
            if delivery.is_due(now):
                del self._waiting[delivery.id]
                self._in_flight[delivery.id] = delivery
                delivery.state = SENDING
                task = asyncio.create_task(self._attempt(client, delivery), name=f"delivery-{delivery.id}")
                self._tasks.add(task)
                task.add_done_callback(self._tasks.discard)

    async def _sleep(self) -> None:
        timeout: float | None = None
        if self._waiting and len(self._in_flight) < self.concurrency:
            # Tenant clocks can jump at any moment (control plane), so poll while retries wait.
            soonest = min(d.due_real for d in self._waiting.values()) - time.monotonic()
            timeout = max(0.0, min(self.poll_interval, soonest))
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._wake.wait(), timeout)

    async def _abandon_in_flight(self) -> None:
        tasks = list(self._tasks)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        for delivery in list(self._in_flight.values()):
            del self._in_flight[delivery.id]
            delivery.state = PENDING
            self._waiting[delivery.id] = delivery

    async def _attempt(self, client: httpx.AsyncClient, delivery: Delivery) -> None:
        if delivery.is_live is not None and not delivery.is_live():
            self._in_flight.pop(delivery.id, None)
            delivery.state = CANCELLED
            self._remember(delivery)
            self._wake.set()
            return
        context = AttemptContext(delivery.attempts, delivery.last_error, delivery.clock.time())
        started = time.perf_counter()
        response: httpx.Response | None = None
        error: str | None = None
        try:
            headers = delivery.headers(context) if callable(delivery.headers) else delivery.headers
            response = await client.request(delivery.method, delivery.url, content=delivery.body, headers=headers)
            if not 200 <= response.status_code < 300:
                error = HTTP_ERROR
        except asyncio.CancelledError:
            raise  # shutdown: _abandon_in_flight puts the delivery back
        except Exception as exc:
            error = classify(exc)
            if error == UNKNOWN_ERROR:
                log.warning("delivery %s to %s failed: %r", delivery.id, delivery.url, exc)
        latency_ms = round((time.perf_counter() - started) * 1000, 3)
        self._in_flight.pop(delivery.id, None)
        self._settle(delivery, context, response, error, latency_ms)
        self._wake.set()

    def _settle(
        self,
        delivery: Delivery,
        context: AttemptContext,
        response: httpx.Response | None,
        error: str | None,
        latency_ms: float,
    ) -> None:
        delivery.attempts += 1
        delivery.last_status = response.status_code if response is not None else None
        delivery.last_error = error
        retries_left = delivery.attempts <= len(delivery.schedule)
        refused = response is not None and delivery.stop_retrying is not None and delivery.stop_retrying(response)
        if error is None:
            delivery.state = DELIVERED
        elif retries_left and not refused:
            delay = delivery.schedule[delivery.attempts - 1]
            delivery.state = PENDING
            delivery.due_tenant = delivery.clock.time() + delay
            delivery.due_real = time.monotonic() + delay
            self._waiting[delivery.id] = delivery
        else:
            delivery.state = FAILED
        if delivery.state != PENDING:
            self._remember(delivery)
        record = AttemptRecord(
            seq=next(self._seq),
            delivery_id=delivery.id,
            tenant=delivery.tenant,
            url=delivery.url,
            number=context.number,
            time=context.tenant_time,
            status=delivery.last_status,
            error=error,
            latency_ms=latency_ms,
            outcome="retrying" if delivery.state == PENDING else delivery.state,
            labels=delivery.labels,
        )
        self._log.append(record)
        if delivery.on_attempt is not None:
            try:
                delivery.on_attempt(delivery, record)
            except Exception:
                log.exception("on_attempt callback of delivery %s failed", delivery.id)

    def _remember(self, delivery: Delivery) -> None:
        self._finished[delivery.id] = delivery
        while len(self._finished) > self._finished_size:
            self._finished.popitem(last=False)
