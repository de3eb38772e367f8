"""An optional bound in work rather than time: DTU_LOAD_STOP_AFTER=N ends a local run once every
twin being loaded has answered N requests (failures included).

Locust bounds a run by users, spawn rate and --run-time; on a busy machine a short run-time can
end before the users' set-up calls have even returned. Tests and CI use this bound with a
generous --run-time as a safety cap. It applies to a local (single-process) run only: in a
distributed run each worker sees only its share.
"""

from __future__ import annotations

import logging
import os
from collections import Counter
from typing import Any

import gevent
from locust import events
from locust.env import Environment
from locust.runners import LocalRunner

STOP_AFTER_VARIABLE = "DTU_LOAD_STOP_AFTER"
_installed = False


def install() -> None:
    """Register the bound once per process, however many locustfiles import this module."""
    global _installed
    if _installed:
        return
    _installed = True

    @events.init.add_listener
    def _on_init(environment: Environment, **_: Any) -> None:
        limit = int(os.environ.get(STOP_AFTER_VARIABLE) or 0)
        if limit > 0 and isinstance(environment.runner, LocalRunner):
            _watch(environment, limit)


def _watch(environment: Environment, limit: int) -> None:
    # Each user class names its twin (`twin = "slack"`); requests are named "<twin> <operation>".
    expected: set[str] = {getattr(cls, "twin", "") for cls in environment.user_classes} - {""}
    counts: Counter[str] = Counter()
    stopping = False

    @environment.events.request.add_listener
    def _on_request(name: str, **_: Any) -> None:
        nonlocal stopping
        counts[name.split(" ", 1)[0]] += 1
        if not stopping and expected and all(counts[twin] >= limit for twin in expected):
            stopping = True
            logging.getLogger(__name__).info(
                "%s=%d reached for %s, shutting down", STOP_AFTER_VARIABLE, limit, ", ".join(sorted(expected))
            )
            # From a fresh greenlet: quitting stops the users, this listener's own greenlet among them.
            runner = environment.runner
            if runner is not None:
                gevent.spawn(runner.quit)
