from __future__ import annotations

import base64

import pytest

from services.core.cursors import InvalidCursor, decode_cursor, encode_cursor


@pytest.mark.parametrize(
    "position",
    [{}, {"ts": "1700000000.000100", "n": 5}, {"name": "caf\u00e9 \U0001f600", "ids": ["C1", "C2"]}, {"x": None}],
)
def test_round_trip(position: dict[str, object]) -> None:
    cursor = encode_cursor(position)
    assert decode_cursor(cursor) == position
    assert "=" not in cursor and "+" not in cursor and "/" not in cursor, "URL-safe, unpadded"


def test_encoding_is_stable() -> None:
    assert encode_cursor({"b": 1, "a": 2}) == encode_cursor({"a": 2, "b": 1})


@pytest.mark.parametrize(
    "garbage",
    [
        "",
        "!!!",
        "not a cursor",
        "%%%",
        base64.urlsafe_b64encode(b"not json").decode(),
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'"string"').decode(),
        base64.urlsafe_b64encode(b"\xff\xfe").decode(),
        "x",
    ],
)
def test_garbage_is_rejected(garbage: str) -> None:
    with pytest.raises(InvalidCursor):
        decode_cursor(garbage)
