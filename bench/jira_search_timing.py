"""In-process timing of a Jira JQL search page (no sockets, no load generator).

    .venv/bin/python -m bench.jira_search_timing [--requests 40]

Seeds the default site with bench/jira.py's 300 issues (every third In Progress), then
times `GET /rest/api/2/search` (bench/jira.py's SEARCH_QUERY: 50 issues, navigable fields)
through the ASGI app with httpx's ASGITransport, and counts the SQL statements one request
runs (SQLAlchemy `before_cursor_execute` events).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import time
from typing import Any

import httpx
from sqlalchemy import event
from sqlalchemy.engine import Engine

from bench.jira import SEARCH_QUERY, SEEDED_ISSUES, basic
from services.jira.app import create_app

statements = 0


@event.listens_for(Engine, "before_cursor_execute")
def _count(*_: Any) -> None:
    global statements
    statements += 1


async def main(requests: int) -> None:
    global statements
    app = create_app()
    async with app.router.lifespan_context(app):
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://jira.test", timeout=600) as client:
            statuses = ["To Do", "To Do", "In Progress"]
            issues = [
                {"project": "BENCH", "summary": f"seeded {n}", "type": "Task", "status": statuses[n % 3]}
                for n in range(SEEDED_ISSUES)
            ]
            seeded = await client.post(
                "/_dtu/seed", json={"projects": [{"key": "BENCH", "name": "Bench"}], "issues": issues}
            )
            seeded.raise_for_status()
            credentials = (await client.get("/_dtu/tenants/default")).json()["credentials"]
            headers = {"Authorization": basic(credentials)}
            first = await client.get(SEARCH_QUERY, headers=headers)  # warm-up
            first.raise_for_status()
            assert len(first.json()["issues"]) == 50
            statements = 0
            await client.get(SEARCH_QUERY, headers=headers)
            per_request = statements
            timings = []
            for _ in range(requests):
                started = time.perf_counter()
                response = await client.get(SEARCH_QUERY, headers=headers)
                timings.append(time.perf_counter() - started)
                response.raise_for_status()
    mean = statistics.mean(timings)
    print(f"search page of 50: {per_request} SQL statements per request")
    print(
        f"{requests} requests: mean {mean * 1000:.1f} ms, median {statistics.median(timings) * 1000:.1f} ms, "
        f"min {min(timings) * 1000:.1f} ms -> {1 / mean:.1f} req/s (one client, sequential)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=40)
    asyncio.run(main(parser.parse_args().requests))
