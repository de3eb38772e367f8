"""The baseline: a bare Starlette app on uvicorn answering one constant JSON body,
and at `/ui/page` a Jinja2 page of about the size of the twins' UI pages (bench/ui.py).

Served with the same uvicorn settings as the twins, so the ratio twin/baseline shows
what the twin's own work costs, not what Python, uvicorn or the machine cost.
"""

from __future__ import annotations

import argparse

import uvicorn
from jinja2 import DictLoader, Environment, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

BODY = {"ok": True, "url": "https://dtu.slack.com/", "team": "DTU", "user": "bench", "team_id": "T0", "user_id": "U0"}


async def constant(request: Request) -> Response:
    await request.body()  # read what the client sent, as a real handler would
    return JSONResponse(BODY)


# A layout and a page extending it, a sidebar and a 170-row table (~30 KB, like a channel of
# the default universe): what any server-rendered page costs on this stack, with no data access.
PAGES = {
    "base.html": (
        "<!doctype html><html><head><title>{% block title %}{% endblock %}</title>"
        '<link rel="stylesheet" href="/static/app.css"></head><body><nav>{% for link in nav %}'
        '<a href="{{ link.href }}" class="{{ "active" if link.active }}">{{ link.name }}</a>{% endfor %}</nav>'
        '<main class="content">{% block content %}{% endblock %}</main></body></html>'
    ),
    "page.html": (
        '{% extends "base.html" %}{% block title %}{{ title }}{% endblock %}{% block content %}'
        '<h1>{{ title }}</h1><table class="grid"><tbody>{% for row in rows %}<tr data-id="{{ row.id }}">'
        '<td><a href="/people/{{ row.id }}">{{ row.name }}</a></td><td>{{ row.email }}</td>'
        '<td>{{ row.title }}</td><td><span class="badge">{{ row.status }}</span></td></tr>{% endfor %}'
        "</tbody></table>{% endblock %}"
    ),
}
TEMPLATES = Environment(loader=DictLoader(PAGES), autoescape=select_autoescape(default=True))
NAV = [{"name": f"channel-{n}", "href": f"/channels/C{n:08d}", "active": n == 0} for n in range(12)]
ROWS = [
    {
        "id": f"U{n:08d}",
        "name": f"Person {n}",
        "email": f"person.{n}@acme.test",
        "title": "Engineer",
        "status": "ACTIVE",
    }
    for n in range(170)
]


async def page(request: Request) -> Response:
    # Rendered on every request, as the twins render theirs.
    return HTMLResponse(TEMPLATES.get_template("page.html").render(title="Baseline", nav=NAV, rows=ROWS))


app = Starlette(
    routes=[Route("/ui/page", page, methods=["GET"]), Route("/{path:path}", constant, methods=["GET", "POST"])]
)


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
