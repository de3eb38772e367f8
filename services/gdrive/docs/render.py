"""A document as documents.get returns it, and as files.export writes it (text/plain, text/html).

Indexes are unit positions (docs/body.py). Docs omits fields holding their default (proto3):
the section break at 0 has no `startIndex`, nesting level 0 is absent from a bullet.
"""

from __future__ import annotations

import html
from typing import Any

from services.gdrive.docs.body import CELL, CHAR, END, ROW, TABLE, TABLE_END, Unit

SECTION_BREAK = {
    "endIndex": 1,
    "sectionBreak": {
        "sectionStyle": {
            "columnSeparatorStyle": "NONE",
            "contentDirection": "LEFT_TO_RIGHT",
            "sectionType": "CONTINUOUS",
        }
    },
}


def _pt(value: float) -> dict[str, Any]:
    return {"magnitude": value, "unit": "PT"}


DOCUMENT_STYLE: dict[str, Any] = {
    "background": {"color": {}},
    "pageNumberStart": 1,
    "marginTop": _pt(72),
    "marginBottom": _pt(72),
    "marginRight": _pt(72),
    "marginLeft": _pt(72),
    "pageSize": {"height": _pt(792), "width": _pt(612)},
    "marginHeader": _pt(36),
    "marginFooter": _pt(36),
    "useCustomHeaderFooterMargins": True,
    "documentFormat": {"documentMode": "PAGES"},
}


def _named(name: str, size: float, *, before: float = 0, after: float = 0, extra: dict[str, Any] | None = None) -> dict:
    return {
        "namedStyleType": name,
        "textStyle": {"fontSize": _pt(size), **(extra or {})},
        "paragraphStyle": {
            "namedStyleType": name,
            "direction": "LEFT_TO_RIGHT",
            "spaceAbove": _pt(before),
            "spaceBelow": _pt(after),
            "keepLinesTogether": name != "NORMAL_TEXT",
            "keepWithNext": name != "NORMAL_TEXT",
        },
    }


NAMED_STYLES: dict[str, Any] = {
    "styles": [
        {
            "namedStyleType": "NORMAL_TEXT",
            "textStyle": {
                "bold": False,
                "italic": False,
                "underline": False,
                "strikethrough": False,
                "smallCaps": False,
                "backgroundColor": {},
                "foregroundColor": {"color": {"rgbColor": {}}},
                "fontSize": _pt(11),
                "weightedFontFamily": {"fontFamily": "Arial", "weight": 400},
                "baselineOffset": "NONE",
            },
            "paragraphStyle": {
                "namedStyleType": "NORMAL_TEXT",
                "alignment": "START",
                "lineSpacing": 115,
                "direction": "LEFT_TO_RIGHT",
                "spacingMode": "COLLAPSE_LISTS",
                "spaceAbove": {"unit": "PT"},
                "spaceBelow": {"unit": "PT"},
                "indentFirstLine": {"unit": "PT"},
                "indentStart": {"unit": "PT"},
                "indentEnd": {"unit": "PT"},
                "keepLinesTogether": False,
                "keepWithNext": False,
                "avoidWidowAndOrphan": True,
                "pageBreakBefore": False,
            },
        },
        _named("HEADING_1", 20, before=20, after=6),
        _named("HEADING_2", 16, before=18, after=6),
        _named("HEADING_3", 14, before=16, after=4),
        _named("HEADING_4", 12, before=14, after=4),
        _named("HEADING_5", 11, before=12, after=4),
        _named("HEADING_6", 11, before=12, after=4, extra={"italic": True}),
        _named("TITLE", 26, after=3),
        _named("SUBTITLE", 15, after=16),
    ]
}


# -- documents.get ------------------------------------------------------------------------------
def _paragraph(units: list[Unit], i: int) -> tuple[dict[str, Any], int]:
    start = i
    runs: list[dict[str, Any]] = []
    while True:
        unit = units[i]
        if runs and runs[-1]["textRun"]["textStyle"] == unit.style:
            runs[-1]["textRun"]["content"] += unit.text
            runs[-1]["endIndex"] = i + 1
        else:
            runs.append(
                {"startIndex": i, "endIndex": i + 1, "textRun": {"content": unit.text, "textStyle": unit.style}}
            )
        if unit.kind == END:
            break
        i += 1
    end_unit = units[i]
    paragraph: dict[str, Any] = {
        "elements": runs,
        "paragraphStyle": {"namedStyleType": "NORMAL_TEXT", "direction": "LEFT_TO_RIGHT", **end_unit.para},
    }
    if end_unit.bullet:
        bullet: dict[str, Any] = {"listId": end_unit.bullet["listId"]}
        if end_unit.bullet.get("nestingLevel"):
            bullet["nestingLevel"] = end_unit.bullet["nestingLevel"]
        bullet["textStyle"] = {}
        paragraph["bullet"] = bullet
    return {"startIndex": start, "endIndex": i + 1, "paragraph": paragraph}, i + 1


def _cell_style() -> dict[str, Any]:
    border = {"color": {"color": {"rgbColor": {}}}, "width": _pt(1), "dashStyle": "SOLID"}
    return {
        "rowSpan": 1,
        "columnSpan": 1,
        "backgroundColor": {},
        "borderLeft": border,
        "borderRight": border,
        "borderTop": border,
        "borderBottom": border,
        "paddingLeft": _pt(5),
        "paddingRight": _pt(5),
        "paddingTop": _pt(5),
        "paddingBottom": _pt(5),
        "contentAlignment": "TOP",
    }


def _table(units: list[Unit], i: int) -> tuple[dict[str, Any], int]:
    start = i
    i += 1
    rows: list[dict[str, Any]] = []
    while units[i].kind == ROW:
        row_start = i
        i += 1
        cells: list[dict[str, Any]] = []
        while units[i].kind == CELL:
            cell_start = i
            content, i = _blocks(units, i + 1)
            cells.append({"startIndex": cell_start, "endIndex": i, "content": content, "tableCellStyle": _cell_style()})
        rows.append(
            {
                "startIndex": row_start,
                "endIndex": i,
                "tableCells": cells,
                "tableRowStyle": {"minRowHeight": {"unit": "PT"}},
            }
        )
    columns = max(len(r["tableCells"]) for r in rows)
    table = {
        "rows": len(rows),
        "columns": columns,
        "tableRows": rows,
        "tableStyle": {"tableColumnProperties": [{"widthType": "EVENLY_DISTRIBUTED"} for _ in range(columns)]},
    }
    return {"startIndex": start, "endIndex": i + 1, "table": table}, i + 1  # units[i] is the table end


def _blocks(units: list[Unit], i: int) -> tuple[list[dict[str, Any]], int]:
    content: list[dict[str, Any]] = []
    while i < len(units) and units[i].kind not in (ROW, CELL, TABLE_END):
        element, i = _table(units, i) if units[i].kind == TABLE else _paragraph(units, i)
        content.append(element)
    return content, i


def body(units: list[Unit]) -> dict[str, Any]:
    content, _ = _blocks(units, 1)
    return {"content": [SECTION_BREAK, *content]}


def document(
    document_id: str, title: str, units: list[Unit], lists: dict[str, Any], revision_id: str, *, tabs: bool
) -> dict[str, Any]:
    tab: dict[str, Any] = {"body": body(units), "documentStyle": DOCUMENT_STYLE, "namedStyles": NAMED_STYLES}
    if lists:
        tab["lists"] = lists
    if tabs:
        wrapped = {"tabProperties": {"tabId": "t.0", "title": "Tab 1", "index": 0}, "documentTab": tab}
        return {
            "title": title,
            "tabs": [wrapped],
            "revisionId": revision_id,
            "suggestionsViewMode": "SUGGESTIONS_INLINE",
            "documentId": document_id,
        }
    return {
        "title": title,
        **tab,
        "revisionId": revision_id,
        "suggestionsViewMode": "SUGGESTIONS_INLINE",
        "documentId": document_id,
    }


# -- files.export ----------------------------------------------------------------------------
def _paragraph_texts(units: list[Unit]) -> list[tuple[str, Unit]]:
    """Each paragraph's text (without its newline) and its end unit; table cells included."""
    found: list[tuple[str, Unit]] = []
    current: list[str] = []
    for unit in units[1:]:
        if unit.kind == CHAR:
            current.append(unit.ch)
        elif unit.kind == END:
            found.append(("".join(current), unit))
            current = []
    return found


def plain_text(units: list[Unit], lists: dict[str, Any]) -> str:
    """As Docs' text export: a byte order mark, paragraphs separated by CRLF, list items marked."""
    lines = []
    counters: dict[tuple[str, int], int] = {}
    for text, end in _paragraph_texts(units):
        prefix = ""
        if end.bullet:
            list_id, level = end.bullet["listId"], int(end.bullet.get("nestingLevel") or 0)
            levels = lists.get(list_id, {}).get("listProperties", {}).get("nestingLevels", [])
            glyph = levels[level] if level < len(levels) else {}
            indent = "    " * level
            if "glyphType" in glyph and glyph["glyphType"] != "GLYPH_TYPE_UNSPECIFIED":
                counters[(list_id, level)] = counters.get((list_id, level), 0) + 1
                prefix = f"{indent}{counters[(list_id, level)]}. "
            else:
                prefix = f"{indent}* "
        lines.append(prefix + text)
    return "\ufeff" + "\r\n".join(lines)


def _span(text: str, style: dict[str, Any]) -> str:
    css = []
    if style.get("bold"):
        css.append("font-weight:700")
    if style.get("italic"):
        css.append("font-style:italic")
    if style.get("underline"):
        css.append("text-decoration:underline")
    if style.get("strikethrough"):
        css.append("text-decoration:line-through")
    inner = html.escape(text)
    link = (style.get("link") or {}).get("url")
    if link:
        inner = f'<a href="{html.escape(link)}">{inner}</a>'
    return f'<span style="{";".join(css)}">{inner}</span>' if css else f"<span>{inner}</span>"


def _html_blocks(units: list[Unit], i: int, out: list[str]) -> int:
    tags = {"HEADING_1": "h1", "HEADING_2": "h2", "HEADING_3": "h3", "HEADING_4": "h4", "HEADING_5": "h5"}
    while i < len(units) and units[i].kind not in (ROW, CELL, TABLE_END):
        if units[i].kind == TABLE:
            out.append("<table><tbody>")
            i += 1
            while units[i].kind == ROW:
                out.append("<tr>")
                i += 1
                while units[i].kind == CELL:
                    out.append("<td>")
                    i = _html_blocks(units, i + 1, out)
                    out.append("</td>")
                out.append("</tr>")
            out.append("</tbody></table>")
            i += 1
            continue
        element, i = _paragraph(units, i)
        paragraph = element["paragraph"]
        tag = tags.get(paragraph["paragraphStyle"].get("namedStyleType", ""), "p")
        if tag == "p" and paragraph.get("bullet"):
            tag = "li"
        spans = "".join(
            _span(run["textRun"]["content"].rstrip("\n"), run["textRun"]["textStyle"])
            for run in paragraph["elements"]
            if run["textRun"]["content"].rstrip("\n")
        )
        out.append(f"<{tag}>{spans}</{tag}>")
    return i


def html_document(title: str, units: list[Unit]) -> str:
    out: list[str] = []
    _html_blocks(units, 1, out)
    return (
        '<html><head><meta content="text/html; charset=UTF-8" http-equiv="content-type">'
        f"<title>{html.escape(title)}</title></head><body>{''.join(out)}</body></html>"
    )
