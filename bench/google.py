"""The Google part of `make bench`: Sheets `spreadsheets.values.get` over a seeded grid.

- values.get: `GET /v4/spreadsheets/{id}/values/Sheet1!A1:J200` (percent-encoded, as
  googleapiclient sends it) on a spreadsheet of SEEDED_ROWS x SEEDED_COLUMNS values, every
  tenth column a formula (`=SUM(...)` of the row), FORMATTED_VALUE, as the client asks by default.
The bearer token comes from the default domain's OAuth client and admin refresh token (the
`refresh_token` grant googleapiclient's authorized-user credentials use).
"""

from __future__ import annotations

from urllib.parse import quote

import httpx

SEEDED_ROWS, SEEDED_COLUMNS = 200, 10
RANGE = f"Sheet1!A1:J{SEEDED_ROWS}"


def seed_spreadsheet(base_url: str) -> tuple[str, str]:
    """(access token, path of the values.get request) for a freshly filled spreadsheet."""
    with httpx.Client(base_url=base_url, timeout=60.0) as client:
        credentials = client.get("/_dtu/tenants/default").json()["credentials"]
        grant = {
            "grant_type": "refresh_token",
            "client_id": credentials["client_id"],
            "client_secret": credentials["client_secret"],
            "refresh_token": credentials["refresh_token"],
        }
        token_reply = client.post("/token", data=grant)
        token_reply.raise_for_status()
        token = token_reply.json()["access_token"]
        headers = {"Authorization": f"Bearer {token}"}
        created = client.post("/v4/spreadsheets", json={"properties": {"title": "bench"}}, headers=headers)
        created.raise_for_status()
        spreadsheet_id = created.json()["spreadsheetId"]
        rows = [
            [f"=SUM(A{r + 1}:I{r + 1})" if c == SEEDED_COLUMNS - 1 else r * SEEDED_COLUMNS + c for c in range(10)]
            for r in range(SEEDED_ROWS)
        ]
        written = client.put(
            f"/v4/spreadsheets/{spreadsheet_id}/values/{quote(RANGE, safe='')}",
            params={"valueInputOption": "USER_ENTERED"},
            json={"values": rows},
            headers=headers,
        )
        written.raise_for_status()
    return token, f"/v4/spreadsheets/{spreadsheet_id}/values/{quote(RANGE, safe='')}"


def check_answers(base_url: str, token: str, path: str) -> None:
    """The request the bench repeats must answer the seeded values (formulas evaluated)."""
    reply = httpx.get(base_url + path, headers={"Authorization": f"Bearer {token}"}, timeout=30.0)
    reply.raise_for_status()
    values = reply.json()["values"]
    if len(values) != SEEDED_ROWS or values[1][-1] != str(sum(range(10, 19))):
        raise RuntimeError(f"Sheets values.get answered unexpectedly: {reply.text[:300]}")
