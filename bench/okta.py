"""The Okta part of `make bench`: user creation, a filtered user listing, the token endpoint.

- createUser: `POST /api/v1/users?activate=false` with a unique login per request
  (wrk's script numbers them per thread; the Python generator substitutes `{seq}`).
- listUsers: `GET /api/v1/users?filter=status eq "ACTIVE"` over SEEDED_USERS seeded users
  (half ACTIVE), a default page of 200, as the okta SDK sends it.
- token: `POST /oauth2/v1/token`, client_credentials for the provisioned API service app
  with a private_key_jwt assertion, as the SDK's PrivateKey mode does. Okta rejects a
  replayed assertion (`jti`), so unique assertions are signed before the run, one per line
  of a file the load generators read in turn (each wrk thread its own share).
"""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx

SEEDED_USERS = 300
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
LIST_QUERY = "/api/v1/users?" + urlencode({"filter": 'status eq "ACTIVE"'}, quote_via=quote)


def seed_users(base_url: str) -> dict[str, str]:
    """SEEDED_USERS users in the default org (every other one ACTIVE); returns its credentials."""
    users = []
    for n in range(SEEDED_USERS):
        profile = {
            "login": f"seed{n}@example.com",
            "email": f"seed{n}@example.com",
            "firstName": "Seed",
            "lastName": str(n),
        }
        users.append({"profile": profile, **({"password": "Bench-Passw0rd!"} if n % 2 == 0 else {})})
    with httpx.Client(base_url=base_url, timeout=120.0) as client:
        response = client.post("/_dtu/seed", json={"users": users})
        response.raise_for_status()
        credentials: dict[str, str] = client.get("/_dtu/tenants/default").json()["credentials"]
    return credentials


def token_form(assertion: str) -> str:
    return urlencode(
        {
            "grant_type": "client_credentials",
            "scope": "okta.users.read",
            "client_assertion_type": ASSERTION_TYPE,
            "client_assertion": assertion,
        }
    )


def signed_forms(credentials: dict[str, str], count: int) -> list[str]:
    """`count` token request bodies, each with its own signed client assertion (unique jti)."""
    import jwt  # PyJWT, installed with the test extras; only the bench signs assertions
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    # Parsed once: loading a PEM key checks it (tens of ms), signing with it takes about one.
    key = load_pem_private_key(credentials["private_key"].encode(), password=None)
    if not isinstance(key, RSAPrivateKey):
        raise RuntimeError("the service app's key is not an RSA key: RS256 needs one")

    audience = credentials["org_url"] + "/oauth2/v1/token"
    client_id = credentials["service_client_id"]
    issued = int(time.time())
    headers = {"kid": credentials["private_key_id"]}
    forms = []
    for _ in range(count):
        claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": issued, "exp": issued + 3600}
        claims["jti"] = uuid.uuid4().hex
        forms.append(token_form(jwt.encode(claims, key, algorithm="RS256", headers=headers)))
    return forms


def write_assertions(credentials: dict[str, str], count: int, path: Path) -> float:
    """The token scenario's request bodies, one per line; returns the seconds spent signing."""
    started = time.perf_counter()
    path.write_text("\n".join(signed_forms(credentials, count)) + "\n")
    return time.perf_counter() - started


def create_user_body(seq: str) -> str:
    login = f"bench-{seq}@example.com"
    return json.dumps({"profile": {"firstName": "Bench", "lastName": seq, "email": login, "login": login}})


def check_answers(base_url: str, credentials: dict[str, str]) -> None:
    """Each Okta scenario must succeed once: otherwise the bench would time an error path."""
    auth = {"Authorization": f"SSWS {credentials['api_token']}", "Accept": "application/json"}
    with httpx.Client(base_url=base_url, timeout=10.0) as client:
        listed = client.get(LIST_QUERY, headers=auth)
        if listed.status_code != 200 or len(listed.json()) < 100:
            raise RuntimeError(f"listUsers answers {listed.status_code}: {listed.text[:300]}")
        created = client.post(
            "/api/v1/users?activate=false",
            content=create_user_body("check"),
            headers={**auth, "Content-Type": "application/json"},
        )
        if created.status_code != 200:
            raise RuntimeError(f"createUser answers {created.status_code}: {created.text[:300]}")
        form = {"Content-Type": "application/x-www-form-urlencoded"}
        token = client.post("/oauth2/v1/token", content=signed_forms(credentials, 1)[0], headers=form)
        if token.status_code != 200:
            raise RuntimeError(f"the token endpoint answers {token.status_code}: {token.text[:300]}")
