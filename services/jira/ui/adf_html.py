"""Atlassian Document Format to readable, safe HTML for the issue page.

Every text is escaped; links keep only http(s) and mailto targets. Unknown nodes render
their children, so a document never disappears because one node type is new to us.
"""

from __future__ import annotations

from typing import Any

from markupsafe import Markup, escape

from services.core.ui.links import safe_link

MAX_DEPTH = 40  # a hostile, deeply nested document renders as its text up to here
BLOCK_TAGS = {
    "paragraph": "p",
    "bulletList": "ul",
    "orderedList": "ol",
    "listItem": "li",
    "blockquote": "blockquote",
    "table": "table",
    "tableRow": "tr",
    "tableCell": "td",
    "tableHeader": "th",
}
MARK_TAGS = {"strong": "strong", "em": "em", "code": "code", "strike": "s", "underline": "u"}


def to_html(doc: dict[str, Any] | None) -> Markup:
    if not isinstance(doc, dict):
        return Markup("")
    return Markup("".join(_nodes(doc.get("content"), 0)))


def _nodes(content: Any, depth: int) -> list[str]:
    if not isinstance(content, list) or depth > MAX_DEPTH:
        return []
    return [_node(node, depth) for node in content if isinstance(node, dict)]


def _node(node: dict[str, Any], depth: int) -> str:
    kind = node.get("type")
    raw_attrs = node.get("attrs")
    attrs: dict[str, Any] = raw_attrs if isinstance(raw_attrs, dict) else {}
    inner = "".join(_nodes(node.get("content"), depth + 1))
    if kind == "text":
        return _text(node)
    if kind == "hardBreak":
        return "<br>"
    if kind == "rule":
        return "<hr>"
    if kind in BLOCK_TAGS:
        tag = BLOCK_TAGS[kind]
        if tag == "table":
            return f"<table class='grid'>{inner}</table>"
        return f"<{tag}>{inner}</{tag}>"
    if kind == "heading":
        level = attrs.get("level")
        level = level if isinstance(level, int) and 1 <= level <= 6 else 3
        return f"<h{level}>{inner}</h{level}>"
    if kind == "codeBlock":
        return f"<pre><code>{inner}</code></pre>"
    if kind == "panel":
        return f"<div class='panel'>{inner}</div>"
    if kind == "mention":
        return f"<span class='mention'>{escape(attrs.get('text') or '@' + str(attrs.get('id', '')))}</span>"
    if kind == "emoji":
        return str(escape(attrs.get("text") or attrs.get("shortName") or ""))
    if kind in ("inlineCard", "blockCard"):
        url = safe_link(attrs.get("url"))
        return f"<a href='{escape(url)}' rel='noopener'>{escape(url)}</a>" if url else ""
    if kind in ("mediaSingle", "mediaGroup", "media"):
        return "<span class='muted'>[attachment]</span>"
    return inner


def _text(node: dict[str, Any]) -> str:
    html = str(escape(str(node.get("text", ""))))
    raw_marks = node.get("marks")
    marks: list[Any] = raw_marks if isinstance(raw_marks, list) else []
    for mark in marks:
        if not isinstance(mark, dict):
            continue
        kind = mark.get("type")
        if kind in MARK_TAGS:
            tag = MARK_TAGS[kind]
            html = f"<{tag}>{html}</{tag}>"
        elif kind == "link":
            mark_attrs = mark.get("attrs")
            url = safe_link(mark_attrs.get("href") if isinstance(mark_attrs, dict) else None)
            if url:
                html = f"<a href='{escape(url)}' rel='noopener'>{html}</a>"
    return html
