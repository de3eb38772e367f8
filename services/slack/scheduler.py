"""Posting scheduled messages when their time comes (being built)."""

from __future__ import annotations

from services.core.twin import TwinRuntime


async def run(runtime: TwinRuntime) -> None:
    """Background loop started with the twin; returns when cancelled."""
