"""The baseline: a bare Starlette app on uvicorn answering one constant JSON body.

Served with the same uvicorn settings as the twins, so the ratio twin/baseline shows
what the twin's own work costs, not what Python, uvicorn or the machine cost.
"""

from __future__ import annotations

import argparse

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

BODY = {"ok": True, "url": "https://dtu.slack.com/", "team": "DTU", "user": "bench", "team_id": "T0", "user_id": "U0"}


async def constant(request: Request) -> Response:
    await request.body()  # read what the client sent, as a real handler would
    return JSONResponse(BODY)


app = Starlette(routes=[Route("/{path:path}", constant, methods=["GET", "POST"])])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        server_header=False,
        lifespan="off",
    )


if __name__ == "__main__":
    main()
