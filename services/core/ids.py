"""Identifier and secret generation from a seedable random generator.

Twins choose the vendor's alphabet, prefix and length; this module only draws.
Seeding makes a fleet's ids repeatable run to run (`DTU_SEED`).
"""

from __future__ import annotations

import random
import string
import uuid

UPPER_ALNUM = string.ascii_uppercase + string.digits
ALNUM = string.ascii_letters + string.digits
LOWER_HEX = "0123456789abcdef"


class IdFactory:
    def __init__(self, seed: int | str | None = None) -> None:
        self._random = random.Random(seed)

    def draw(self, length: int, alphabet: str = UPPER_ALNUM) -> str:
        return "".join(self._random.choices(alphabet, k=length))

    def make(self, prefix: str, length: int, alphabet: str = UPPER_ALNUM) -> str:
        return prefix + self.draw(length, alphabet)

    def digits(self, length: int) -> str:
        first = self._random.choice("123456789")
        return first + self.draw(length - 1, string.digits)

    def secret(self, length: int = 32) -> str:
        return self.draw(length, LOWER_HEX)

    def uuid4(self) -> str:
        """A version-4 UUID (repeatable under a seed, unlike uuid.uuid4)."""
        return str(uuid.UUID(int=self._random.getrandbits(128), version=4))
