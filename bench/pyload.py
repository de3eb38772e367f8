"""A small HTTP/1.1 keep-alive load generator, used only when wrk is unavailable.

Runs in its own process (so it does not share the server's interpreter), opens N
connections, sends the same request back to back on each for a fixed duration and
prints the same one-line JSON summary as bench/lua/common.lua. It is slower than wrk,
so figures measured with it are lower bounds; the driver says which tool was used.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import time
from collections.abc import Callable
from urllib.parse import urlsplit


def _request(url: str, method: str, headers: list[str], body: bytes) -> bytes:
    parts = urlsplit(url)
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    lines = [f"{method} {target or '/'} HTTP/1.1", f"Host: {parts.netloc}", f"Content-Length: {len(body)}"]
    lines += headers
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    length = 0
    for line in head.split(b"\r\n"):
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _worker(
    host: str, port: int, next_request: Callable[[], bytes], deadline: float, latencies: list[float]
) -> tuple[int, int]:
    errors = non_2xx = 0
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while time.monotonic() < deadline:
            request = next_request()
            started = time.perf_counter()
            writer.write(request)
            try:
                status = await _read_response(reader)
            except (asyncio.IncompleteReadError, ConnectionError, ValueError):
                errors += 1
                writer.close()
                reader, writer = await asyncio.open_connection(host, port)
                continue
            latencies.append(time.perf_counter() - started)
            if not 200 <= status < 300:
                non_2xx += 1
    finally:
        writer.close()
    return errors, non_2xx


def _requests(url: str, method: str, headers: list[str], bodies: list[bytes]) -> Callable[[], bytes]:
    """The next request to send: bodies in turn; `{seq}` in a body becomes a unique id (process, number)."""
    if len(bodies) == 1 and b"{seq}" not in bodies[0]:
        fixed = _request(url, method, headers, bodies[0])
        return lambda: fixed
    cycle, counter = itertools.cycle(bodies), itertools.count(1)
    return lambda: _request(
        url, method, headers, next(cycle).replace(b"{seq}", f"{os.getpid()}-{next(counter)}".encode())
    )


async def run(
    url: str, method: str, headers: list[str], bodies: list[bytes], connections: int, duration: float
) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    request = _requests(url, method, headers, bodies)
    latencies: list[float] = []
    started = time.monotonic()
    deadline = started + duration
    results = await asyncio.gather(*(_worker(host, port, request, deadline, latencies) for _ in range(connections)))
    elapsed = time.monotonic() - started
    latencies.sort()

    def percentile(p: float) -> int:
        if not latencies:
            return 0
        return int(latencies[min(len(latencies) - 1, int(len(latencies) * p / 100))] * 1_000_000)

    return {
        "requests": len(latencies),
        "duration_us": int(elapsed * 1_000_000),
        "errors": sum(e for e, _ in results),
        "non_2xx": sum(n for _, n in results),
        "p50_us": percentile(50),
        "p99_us": percentile(99),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--method", default="GET")
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--body", default="")
    parser.add_argument("--body-file", help="one body per line, sent in turn (instead of --body)")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--duration", type=float, default=10.0)
    args = parser.parse_args()
    if args.body_file:
        with open(args.body_file, "rb") as handle:
            bodies = [line.rstrip(b"\n") for line in handle if line.strip()]
    else:
        bodies = [args.body.encode()]
    summary = asyncio.run(run(args.url, args.method, args.header, bodies, args.connections, args.duration))
    print("DTU_BENCH " + json.dumps(summary), flush=True)


if __name__ == "__main__":
    main()
