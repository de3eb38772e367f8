"""RFC 6238 time-based one-time passcodes, as authenticator apps (Okta Verify, Google Authenticator) compute them.

HMAC-SHA1 over 30-second steps of the org's clock, six digits. Okta accepts the
current step and one step either side (clock drift); a step that was already used
is refused, so each passcode works once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import string
import struct

from services.core.tenants import Tenant

STEP = 30
DIGITS = 6
DRIFT_STEPS = 1
SECRET_LENGTH = 32  # base32 characters: 160 bits, the HMAC-SHA1 key size RFC 4226 recommends
BASE32 = string.ascii_uppercase + "234567"


def new_secret(tenant: Tenant) -> str:
    """A base32 seed from the org's seeded generator: repeatable under `DTU_SEED`."""
    return tenant.ids.draw(SECRET_LENGTH, BASE32)


def code_at(secret: str, step: int) -> str:
    key = base64.b32decode(secret + "=" * (-len(secret) % 8), casefold=True)
    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(value % 10**DIGITS).zfill(DIGITS)


def matching_step(secret: str, passcode: str, now: float) -> int | None:
    """The time step `passcode` belongs to (within the drift window), or None."""
    if not passcode.isdigit() or len(passcode) != DIGITS:
        return None
    current = int(now // STEP)
    for step in range(current - DRIFT_STEPS, current + DRIFT_STEPS + 1):
        if hmac.compare_digest(code_at(secret, step), passcode):
            return step
    return None
