"""Jinja2 templates for one web UI: its own folder first, then the core layouts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, select_autoescape
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates

from services.core.ui.flash import flash_context

STATIC_PREFIX = "/_dtu/ui/static"
CORE_DIR = Path(__file__).parent


@dataclass(frozen=True)
class Chrome:
    """What the shared layout needs to know about one UI: its name, colour and key paths."""

    brand: str  # shown top left, e.g. "Slack (DTU twin)"
    accent: str  # a CSS colour for the top bar and buttons
    home: str = "/"
    sign_in: str = "/_dtu/ui/sign-in"
    sign_out: str = "/_dtu/ui/sign-out"


def static_url(name: str) -> str:
    return f"{STATIC_PREFIX}/{name}"


def ui_templates(templates_dir: Path) -> Jinja2Templates:
    """A UI's templates (`templates_dir`), falling back to the core's (`dtu_base.html`, `dtu_sign_in.html`)."""
    env = Environment(
        loader=ChoiceLoader([FileSystemLoader(templates_dir), FileSystemLoader(CORE_DIR / "templates")]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["static"] = static_url
    return Jinja2Templates(env=env, context_processors=[flash_context])


def static_mount() -> Mount:
    """The shared stylesheet and script, served by every twin (under the control prefix: not journaled)."""
    return Mount(STATIC_PREFIX, app=StaticFiles(directory=CORE_DIR / "static"), name="dtu-ui-static")
