"""Atlassian Document Format (v3's rich text) and the plain strings v2 carries.

The twin stores rich text as ADF. A v2 string becomes a document of paragraphs (blank
lines separate paragraphs, single newlines are hard breaks); a document reads back in
v2 as its text with the same separators, so plain text round-trips through both APIs.
"""

from __future__ import annotations

from typing import Any

from services.jira.errors import JiraError

NOT_A_DOCUMENT = "Operation value must be an Atlassian Document (see the Atlassian Document Format)"


def from_text(text: str | None) -> dict[str, Any] | None:
    if text is None or text == "":
        return None
    paragraphs = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        content: list[dict[str, Any]] = []
        for index, line in enumerate(block.split("\n")):
            if index:
                content.append({"type": "hardBreak"})
            if line:
                content.append({"type": "text", "text": line})
        paragraphs.append({"type": "paragraph", "content": content})
    return {"type": "doc", "version": 1, "content": paragraphs}


def to_text(doc: dict[str, Any] | None) -> str | None:
    if not doc:
        return None
    return "\n\n".join(_block_text(node) for node in doc.get("content") or [])


def _block_text(node: dict[str, Any]) -> str:
    kind = node.get("type")
    children = node.get("content") or []
    if kind in ("bulletList", "orderedList"):
        marker = "*" if kind == "bulletList" else "#"
        return "\n".join(f"{marker} {_block_text(item)}" for item in children)
    if kind == "listItem":
        return "\n".join(_block_text(child) for child in children)
    if kind == "heading":
        level = (node.get("attrs") or {}).get("level", 1)
        return f"h{level}. " + _inline_text(children)
    if kind == "codeBlock":
        return "{code}" + _inline_text(children) + "{code}"
    if kind in ("blockquote", "panel", "expand", "table", "tableRow", "tableCell", "tableHeader"):
        return "\n".join(_block_text(child) for child in children)
    if kind == "rule":
        return "----"
    return _inline_text(children) if kind != "text" else str(node.get("text", ""))


def _inline_text(nodes: list[dict[str, Any]]) -> str:
    parts = []
    for node in nodes:
        kind = node.get("type")
        attrs = node.get("attrs") or {}
        if kind == "text":
            parts.append(str(node.get("text", "")))
        elif kind == "hardBreak":
            parts.append("\n")
        elif kind == "mention":
            parts.append(f"[~accountid:{attrs.get('id', '')}]")
        elif kind == "emoji":
            parts.append(str(attrs.get("text") or attrs.get("shortName", "")))
        elif kind in ("inlineCard", "blockCard"):
            parts.append(str(attrs.get("url", "")))
        elif node.get("content"):
            parts.append(_block_text(node))
    return "".join(parts)


def plain_text(doc: dict[str, Any] | None) -> str:
    """All the words of a document (for JQL `text ~` and `description ~`)."""
    return to_text(doc) or ""


def validate(value: Any, field: str) -> dict[str, Any] | None:
    """A v3 rich-text value: an ADF `doc` (or null). Strings are refused, as Jira does."""
    if value is None:
        return None
    if not isinstance(value, dict) or value.get("type") != "doc" or not isinstance(value.get("content", []), list):
        raise JiraError(400, errors={field: NOT_A_DOCUMENT})
    if not value.get("content"):
        return None
    return {"type": "doc", "version": value.get("version", 1), "content": value["content"]}


def accept(value: Any, field: str, v3: bool) -> dict[str, Any] | None:
    """Rich text as the client's API version carries it, stored as ADF."""
    if v3:
        return validate(value, field)
    if value is None:
        return None
    if not isinstance(value, str):
        raise JiraError(400, errors={field: f"Field '{field}' must be a string."} if field else {})
    return from_text(value)


def present(doc: dict[str, Any] | None, v3: bool) -> Any:
    return doc if v3 else to_text(doc)
