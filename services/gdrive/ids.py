"""Google's identifier shapes, drawn from a tenant's seedable generator."""

from __future__ import annotations

import string

from services.core.ids import ALNUM, IdFactory

URL_SAFE = ALNUM + "-_"


def file_id(ids: IdFactory) -> str:
    """A Drive item id: 33 URL-safe characters starting with 1."""
    return "1" + ids.draw(32, URL_SAFE)


def root_folder_id(ids: IdFactory) -> str:
    """A My Drive root id: `0A`, 13 characters, then `Uk9PVA` (as Drive's root ids look)."""
    return "0A" + ids.draw(13, ALNUM) + "Uk9PVA"


def numeric(ids: IdFactory, length: int) -> str:
    return ids.digits(length)


def from_hex(hex_text: str, length: int) -> str:
    """A decimal id of `length` digits from a hex digest (deterministic ids of the default tenant)."""
    digits = str(int(hex_text, 16))
    while len(digits) < length:
        digits += digits
    first = digits[0] if digits[0] != "0" else "1"
    return first + digits[1:length]


DIGITS = string.digits
