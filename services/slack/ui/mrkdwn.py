"""Slack's message formatting ("mrkdwn") rendered to safe HTML for the client pages.

What is rendered: `<@U…>` mentions (as the member's name), `<#C…|name>` channel links,
`<!here>`/`<!channel>`/`<!everyone>`, `<url|label>` and `<url>` links, *bold*, _italic_,
~strike~, `code`, and `:emoji:` names as Unicode emoji (Slack shows its emoji images; the
`emoji` library knows Slack's common names as aliases, e.g. :tada: :thumbsup: :white_check_mark:;
an unknown or custom emoji stays `:name:`). Text is escaped before any markup is added, so a
message can never inject HTML.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable

import emoji
from markupsafe import Markup, escape

from services.core.ui.links import safe_link

ANGLE = re.compile(r"<([^<>\s][^<>]*)>")
STYLES = (
    (re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])"), "strong"),
    (re.compile(r"(?<![\w_])_(?=\S)([^_\n]+?)(?<=\S)_(?![\w_])"), "em"),
    (re.compile(r"(?<![\w~])~(?=\S)([^~\n]+?)(?<=\S)~(?![\w~])"), "del"),
)
CODE = re.compile(r"`([^`\n]+)`")
EMOJI_NAME = re.compile(r":([a-z0-9_+'-]+)(?:::skin-tone-[2-6])?:")

# user id -> display name
NameOf = Callable[[str], str]


def _link(target: str, label: str | None) -> Markup:
    if safe_link(target) is None:
        return escape(f"<{target}{'|' + label if label else ''}>")
    shown = label or target.removeprefix("mailto:")
    return Markup('<a href="{}" target="_blank" rel="noopener noreferrer">{}</a>').format(target, shown)


def _special(token: str, name_of: NameOf, channel_name: NameOf) -> Markup:
    body, _, label = token.partition("|")
    if body.startswith("@"):
        return Markup('<span class="mention">@{}</span>').format(label or name_of(body[1:]))
    if body.startswith("#"):
        return Markup('<span class="mention">#{}</span>').format(label or channel_name(body[1:]))
    if body.startswith("!"):
        keyword = body[1:].split("^", 1)[0]
        if keyword.startswith("subteam"):
            return Markup('<span class="mention">{}</span>').format(label or "@group")
        return Markup('<span class="mention">@{}</span>').format(label or keyword)
    return _link(body, label or None)


def _styled(plain: str) -> Markup:
    """Escape, then code spans, bold, italic and strike (never inside code)."""
    parts: list[Markup] = []
    for index, chunk in enumerate(CODE.split(plain)):
        if index % 2:
            parts.append(Markup("<code>{}</code>").format(chunk))
            continue
        html = str(escape(chunk))
        html = EMOJI_NAME.sub(lambda match: emoji_of(match.group(1)) or match.group(0), html)
        for pattern, tag in STYLES:
            html = pattern.sub(rf"<{tag}>\1</{tag}>", html)
        parts.append(Markup(html))
    return Markup("").join(parts)


@functools.lru_cache(maxsize=4096)  # a channel page looks the same few names up ~1,000 times
def emoji_of(name: str) -> str | None:
    """Slack's emoji `name` (without colons) as a Unicode emoji, or None for an unknown/custom one."""
    found = emoji.emojize(f":{name}:", language="alias")
    return None if found.startswith(":") else found


def reaction(name: str) -> str:
    """A reaction chip's face: the emoji itself, else `:name:`."""
    return emoji_of(name.split("::", 1)[0]) or f":{name}:"


def to_html(text: str, name_of: NameOf, channel_name: NameOf) -> Markup:
    """A message's `text` as HTML: Slack's `&lt; &gt; &amp;` escapes are shown as the characters."""
    out: list[Markup] = []
    position = 0
    for match in ANGLE.finditer(text):
        out.append(_styled(_unescape(text[position : match.start()])))
        out.append(_special(_unescape(match.group(1)), name_of, channel_name))
        position = match.end()
    out.append(_styled(_unescape(text[position:])))
    return Markup("").join(out)


def _unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
