"""Background processing: the webhook only queues; one worker runs jobs in arrival order and
tries a job again later (its finished steps skipped) when a vendor stays unavailable."""

from __future__ import annotations

import asyncio
import logging
import random

from examples.access_request import flow
from examples.access_request.events import Job
from examples.access_request.ledger import Ledger

log = logging.getLogger("access_request.worker")

MAX_ATTEMPTS = 8
RETRY_CAP = 30.0


class Worker:
    def __init__(self, clients: flow.Clients, ledger: Ledger) -> None:
        self.clients = clients
        self.ledger = ledger
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self._later: set[asyncio.Task[None]] = set()
        self._busy = False

    def submit(self, job: Job) -> bool:
        """Queue a job unless this transition was seen before (Jira retries, duplicate webhooks)."""
        if not self.ledger.admit(job.key, job.issue_key):
            return False
        self.queue.put_nowait(job)
        return True

    def idle(self) -> bool:
        return self.queue.empty() and not self._later and not self._busy

    async def run(self) -> None:
        while True:
            job = await self.queue.get()
            self._busy = True
            try:
                await self._attempt(job)
            finally:
                self._busy = False
                self.queue.task_done()

    async def _attempt(self, job: Job) -> None:
        record = self.ledger.job(job.key)
        record.attempts += 1
        record.state = "running"
        try:
            await flow.run(self.clients, job, record)
        except flow.RetryLater as exc:
            if record.attempts >= MAX_ATTEMPTS:
                record.state, record.note = "failed", f"gave up after {record.attempts} attempts: {exc}"
                log.error("%s: %s", job.key, record.note)
                return
            delay = random.uniform(0.5, 1.0) * min(RETRY_CAP, 2.0**record.attempts)
            record.state, record.note = "retrying", str(exc)
            log.warning("%s: retrying in %.1fs: %s", job.key, delay, exc)
            self._schedule(job, delay)
        except Exception as exc:
            if flow.is_transient(exc) and record.attempts < MAX_ATTEMPTS:
                record.state, record.note = "retrying", str(exc)
                self._schedule(job, random.uniform(0.5, 1.0) * min(RETRY_CAP, 2.0**record.attempts))
                return
            record.state, record.note = "failed", f"{type(exc).__name__}: {exc}"
            log.exception("%s failed", job.key)

    def _schedule(self, job: Job, delay: float) -> None:
        async def later() -> None:
            await asyncio.sleep(delay)
            self.queue.put_nowait(job)

        task = asyncio.get_running_loop().create_task(later())
        self._later.add(task)
        task.add_done_callback(self._later.discard)

    def cancel(self) -> None:
        for task in list(self._later):
            task.cancel()
