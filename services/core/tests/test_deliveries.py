"""The outbound delivery queue against a real HTTP receiver on 127.0.0.1."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import threading
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from services.core.clock import Clock
from services.core.deliveries import (
    CONNECTION_FAILED,
    HTTP_ERROR,
    HTTP_TIMEOUT,
    TOO_MANY_REDIRECTS,
    AttemptContext,
    AttemptRecord,
    Delivery,
    DeliveryQueue,
)
from services.core.testing import ThreadedServer


@dataclass
class Receiver:
    """A webhook endpoint whose answers the test scripts: statuses in order, then 200."""

    statuses: list[int] = field(default_factory=list)
    delay: float = 0.0
    received: list[dict[str, Any]] = field(default_factory=list)
    concurrent: int = 0
    max_concurrent: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def hook(self, request: Request) -> Response:
        with self.lock:
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            body = await request.body()
            self.received.append({"body": body, "headers": dict(request.headers)})
            if self.delay:
                await asyncio.sleep(self.delay)
            status = self.statuses.pop(0) if self.statuses else 200
            return PlainTextResponse("ok" if status < 300 else "no", status_code=status)
        finally:
            with self.lock:
                self.concurrent -= 1

    async def loop(self, request: Request) -> Response:
        return RedirectResponse("/loop", status_code=307)

    async def no_retry(self, request: Request) -> Response:
        self.received.append({"body": await request.body(), "headers": dict(request.headers)})
        return PlainTextResponse("gone", status_code=500, headers={"X-No-Retry": "1"})


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[ThreadedServer, dict[str, Receiver]]]:
    current: dict[str, Receiver] = {"r": Receiver()}

    async def hook(request: Request) -> Response:
        return await current["r"].hook(request)

    async def loop(request: Request) -> Response:
        return await current["r"].loop(request)

    async def no_retry(request: Request) -> Response:
        return await current["r"].no_retry(request)

    app = Starlette(
        routes=[
            Route("/hook", hook, methods=["POST"]),
            Route("/loop", loop, methods=["GET", "POST"]),
            Route("/no-retry", no_retry, methods=["POST"]),
        ]
    )
    with ThreadedServer(app, name="receiver") as running:
        yield running, current


@pytest.fixture
def receiver(server: tuple[ThreadedServer, dict[str, Receiver]]) -> Receiver:
    fresh = Receiver()
    server[1]["r"] = fresh
    return fresh


@pytest.fixture
def url(server: tuple[ThreadedServer, dict[str, Receiver]]) -> str:
    return server[0].url


@contextlib.asynccontextmanager
async def serving(q: DeliveryQueue) -> AsyncIterator[DeliveryQueue]:
    """The queue's worker running for the duration of the block."""
    task = asyncio.create_task(q.run())
    try:
        yield q
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)


@pytest.fixture
async def queue() -> AsyncIterator[DeliveryQueue]:
    async with serving(DeliveryQueue(timeout=2.0, poll_interval=0.01)) as q:
        yield q


def closed_port() -> int:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port: int = sock.getsockname()[1]
    sock.close()
    return port


async def test_delivers_body_and_static_headers(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    delivery = queue.enqueue(url + "/hook", b'{"a":1}', {"X-Test": "yes"}, tenant="t1", labels={"kind": "demo"})
    await queue.drain()
    assert delivery.state == "delivered"
    assert [r["body"] for r in receiver.received] == [b'{"a":1}']
    assert receiver.received[0]["headers"]["x-test"] == "yes"
    [record] = queue.attempts(tenant="t1", labels={"kind": "demo"})
    assert (record.number, record.status, record.error, record.outcome) == (0, 200, None, "delivered")
    assert record.latency_ms >= 0


async def test_headers_factory_sees_each_attempt(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    receiver.statuses = [500, 503]
    seen: list[AttemptContext] = []

    def headers(context: AttemptContext) -> dict[str, str]:
        seen.append(context)
        return {"X-Attempt": str(context.number), "X-Reason": context.previous_error or ""}

    delivery = queue.enqueue(url + "/hook", b"x", headers, schedule=[0, 0, 0])
    await queue.drain()
    assert delivery.state == "delivered" and delivery.attempts == 3
    assert [(c.number, c.previous_error) for c in seen] == [(0, None), (1, HTTP_ERROR), (2, HTTP_ERROR)]
    assert [r["headers"]["x-attempt"] for r in receiver.received] == ["0", "1", "2"]
    assert [r.status for r in queue.attempts(delivery_id=delivery.id)] == [500, 503, 200]


async def test_retry_waits_for_real_time_or_tenant_clock(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    receiver.statuses = [500]
    clock = Clock()
    clock.freeze()
    delivery = queue.enqueue(url + "/hook", b"x", {}, schedule=[60], clock=clock)
    await queue.wait_idle()
    # The retry is scheduled a minute ahead: nothing is due, so the queue is idle.
    assert delivery.state == "pending" and delivery.attempts == 1
    assert delivery.next_attempt_at == pytest.approx(clock.time() + 60)
    await asyncio.sleep(0.1)
    assert len(receiver.received) == 1
    clock.advance(61)  # as the control plane does: the retry becomes due at once
    await queue.drain()
    assert delivery.state == "delivered" and len(receiver.received) == 2


async def test_exhausted_schedule_fails(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    receiver.statuses = [500, 500, 500]
    outcomes: list[str] = []

    def on_attempt(delivery: Delivery, record: AttemptRecord) -> None:
        outcomes.append(record.outcome)

    delivery = queue.enqueue(url + "/hook", b"x", {}, schedule=[0, 0], on_attempt=on_attempt)
    await queue.drain()
    assert delivery.state == "failed" and delivery.attempts == 3
    assert outcomes == ["retrying", "retrying", "failed"]
    assert queue.get(delivery.id) is delivery


async def test_slow_endpoint_times_out(server: tuple[ThreadedServer, dict[str, Receiver]], receiver: Receiver) -> None:
    receiver.delay = 1.0
    async with serving(DeliveryQueue(timeout=0.2, poll_interval=0.01)) as q:
        delivery = q.enqueue(server[0].url + "/hook", b"x", {})
        await q.drain()
    assert (delivery.state, delivery.last_error, delivery.last_status) == ("failed", HTTP_TIMEOUT, None)


async def test_refused_connection(queue: DeliveryQueue) -> None:
    delivery = queue.enqueue(f"http://127.0.0.1:{closed_port()}/hook", b"x", {})
    await queue.drain()
    assert (delivery.state, delivery.last_error) == ("failed", CONNECTION_FAILED)


async def test_redirect_loop(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    delivery = queue.enqueue(url + "/loop", b"x", {})
    await queue.drain()
    assert delivery.last_error == TOO_MANY_REDIRECTS


async def test_stop_retrying_predicate(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    def stop(response: httpx.Response) -> bool:
        return response.headers.get("x-no-retry") == "1"

    delivery = queue.enqueue(url + "/no-retry", b"x", {}, schedule=[0, 0], stop_retrying=stop)
    await queue.drain()
    assert (delivery.state, delivery.attempts) == ("failed", 1)


async def test_dead_delivery_is_cancelled_without_a_request(queue: DeliveryQueue, receiver: Receiver, url: str) -> None:
    delivery = queue.enqueue(url + "/hook", b"x", {}, is_live=lambda: False)
    await queue.drain()
    assert delivery.state == "cancelled" and receiver.received == []


async def test_cancel_by_predicate(receiver: Receiver, url: str) -> None:
    q = DeliveryQueue()
    kept = q.enqueue(url + "/hook", b"x", {}, tenant="a")
    q.enqueue(url + "/hook", b"x", {}, tenant="b")
    assert q.cancel(lambda d: d.tenant == "b") == 1
    assert q.pending() == [kept]


async def test_concurrency_is_bounded(server: tuple[ThreadedServer, dict[str, Receiver]], receiver: Receiver) -> None:
    receiver.delay = 0.1
    q = DeliveryQueue(concurrency=2, poll_interval=0.01)
    for _ in range(5):
        q.enqueue(server[0].url + "/hook", b"x", {})  # queued before the worker starts
    async with serving(q):
        await q.drain()
    assert len(receiver.received) == 5
    assert receiver.max_concurrent == 2


async def test_shutdown_requeues_in_flight(
    server: tuple[ThreadedServer, dict[str, Receiver]], receiver: Receiver
) -> None:
    receiver.delay = 0.5
    q = DeliveryQueue(poll_interval=0.01)
    task = asyncio.create_task(q.run())
    delivery = q.enqueue(server[0].url + "/hook", b"x", {})
    while delivery.state != "sending":
        await asyncio.sleep(0.005)
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert q.pending() == [delivery] and delivery.state == "pending"
    receiver.delay = 0.0
    async with serving(q):
        await q.drain()
    assert delivery.state == "delivered"
