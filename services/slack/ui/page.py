"""The client's look and templates: one Chrome and one Jinja2 environment for every page."""

from __future__ import annotations

from pathlib import Path

from services.core.ui.templates import Chrome, ui_templates
from services.slack.ui.mrkdwn import reaction

# Slack's aubergine; sign-in at Slack's own path (slack.com/signin).
CHROME = Chrome(brand="Slack · DTU twin", accent="#4a154b", home="/", sign_in="/signin", sign_out="/signout")
TEMPLATES = ui_templates(Path(__file__).parent / "templates")
TEMPLATES.env.filters["emoji"] = reaction  # `{{ "tada" | emoji }}`: the emoji, else ":tada:"

# Emoji offered by the reaction picker (any well-formed name works through the API).
PICKER = ["thumbsup", "heart", "tada", "eyes", "white_check_mark", "fire", "rocket", "joy", "pray", "100"]
