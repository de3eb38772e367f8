"""A Docs `documents.get` body as blocks a template can print: headings, paragraphs, lists, tables.

Read-only: the text runs keep bold, italic, underline and links; list items know their
nesting level and whether their list is numbered (the list's glyphType, as Docs renders).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from services.core.ui.links import safe_link

HEADINGS = {
    "TITLE": "title",
    "SUBTITLE": "subtitle",
    "HEADING_1": "h1",
    "HEADING_2": "h2",
    "HEADING_3": "h3",
    "HEADING_4": "h4",
    "HEADING_5": "h5",
    "HEADING_6": "h6",
}


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    underline: bool = False
    strike: bool = False
    link: str = ""


@dataclass
class Block:
    kind: str  # p, title, subtitle, h1..h6, list, table
    runs: list[Run] = field(default_factory=list)
    ordered: bool = False
    items: list[tuple[int, list[Run]]] = field(default_factory=list)  # list: (nesting level, runs)
    rows: list[list[list[Block]]] = field(default_factory=list)  # table: rows of cells of blocks


def _runs(paragraph: dict[str, Any]) -> list[Run]:
    runs: list[Run] = []
    for element in paragraph.get("elements", []):
        text_run = element.get("textRun")
        if not text_run:
            continue
        text = text_run.get("content", "").rstrip("\n")
        if not text:
            continue
        style = text_run.get("textStyle") or {}
        runs.append(
            Run(
                text=text,
                bold=bool(style.get("bold")),
                italic=bool(style.get("italic")),
                underline=bool(style.get("underline")),
                strike=bool(style.get("strikethrough")),
                # A document's link can say anything (`javascript:`...): only web and mail links are links.
                link=safe_link((style.get("link") or {}).get("url")) or "",
            )
        )
    return runs


def _numbered(lists: dict[str, Any], list_id: str, level: int) -> bool:
    levels = ((lists.get(list_id) or {}).get("listProperties") or {}).get("nestingLevels") or []
    glyph = levels[level] if level < len(levels) else {}
    return glyph.get("glyphType", "GLYPH_TYPE_UNSPECIFIED") not in ("GLYPH_TYPE_UNSPECIFIED", "NONE", "")


def blocks(content: list[dict[str, Any]], lists: dict[str, Any]) -> list[Block]:
    out: list[Block] = []
    current_list = ""
    for element in content:
        if "table" in element:
            rows = [
                [blocks(cell.get("content", []), lists) for cell in row.get("tableCells", [])]
                for row in element["table"].get("tableRows", [])
            ]
            out.append(Block("table", rows=rows))
            current_list = ""
            continue
        paragraph = element.get("paragraph")
        if paragraph is None:
            continue  # section breaks, tables of contents
        runs = _runs(paragraph)
        bullet = paragraph.get("bullet")
        if bullet:
            list_id, level = bullet.get("listId", ""), int(bullet.get("nestingLevel", 0))
            if list_id != current_list or not out or out[-1].kind != "list":
                out.append(Block("list", ordered=_numbered(lists, list_id, level)))
                current_list = list_id
            out[-1].items.append((level, runs))
            continue
        current_list = ""
        style = (paragraph.get("paragraphStyle") or {}).get("namedStyleType", "NORMAL_TEXT")
        out.append(Block(HEADINGS.get(style, "p"), runs=runs))
    return out


def document_blocks(document: dict[str, Any]) -> list[Block]:
    return blocks((document.get("body") or {}).get("content", []), document.get("lists") or {})
