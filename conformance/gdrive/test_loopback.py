"""The loopback guard itself: the Google suite reaches nothing but the twin on 127.0.0.1."""

from __future__ import annotations

import socket
from typing import Any

import pytest

from conformance.gdrive.conftest import drive_as
from conformance.gdrive.loopback import LoopbackGuard, is_loopback


def test_non_loopback_lookup_is_refused_and_recorded(_loopback_guard: LoopbackGuard) -> None:
    with pytest.raises(OSError):
        socket.getaddrinfo("iamcredentials.googleapis.com", 443)
    with pytest.raises(OSError):
        socket.create_connection(("192.0.2.1", 443), timeout=0.5)
    recorded = _loopback_guard.take()  # taken here so that this test, which provoked them, passes
    assert len(recorded) == 2
    assert "iamcredentials.googleapis.com" in recorded[0]


def test_loopback_addresses_pass() -> None:
    assert all(is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "127.8.9.10"))
    assert not any(is_loopback(h) for h in ("10.0.0.1", "www.googleapis.com", "8.8.8.8"))


def test_service_account_without_subject_stays_on_loopback(dtu_google: Any) -> None:
    """The case that used to call iamcredentials.googleapis.com: the autouse guard fails the test if it does."""
    drive = drive_as(dtu_google, None)
    drive.files().create(body={"name": "mine"}).execute()
    assert [f["name"] for f in drive.files().list().execute()["files"]] == ["mine"]
