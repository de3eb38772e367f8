"""documents.batchUpdate requests, applied in order to the flat body (docs/body.py).

Each request is validated against the body as the previous requests left it, as Docs
does; the first invalid one fails the whole batch with 400 `Invalid requests[i].<kind>: ...`
and nothing is saved (the transaction is rolled back).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.gdrive.docs.body import CELL, CHAR, END, ROW, TABLE, TABLE_END, Unit, paragraph_end, paragraph_spans
from services.gdrive.docs.body import paragraph_end_at as _paragraph_end_at
from services.gdrive.docs.body import well_formed as _well_formed
from services.gdrive.workspace import RpcError, invalid_argument, unimplemented

# Docs strips these from inserted text (documented on InsertTextRequest): C0 controls except
# tab, newline and vertical tab, and the BMP private use area.
_STRIPPED = re.compile("[\u0000-\u0008\u000c-\u001f\ue000-\uf8ff]")
TAB_ID = "t.0"


@dataclass
class Batch:
    units: list[Unit]
    lists: dict[str, Any]
    new_list_id: Callable[[], str]
    replies: list[dict[str, Any]] = field(default_factory=list)


class Failure(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def apply(batch: Batch, requests: list[Any]) -> None:
    if not isinstance(requests, list):
        raise invalid_argument("Invalid JSON payload received. 'requests' must be a list.")
    for position, request in enumerate(requests):
        if not isinstance(request, dict) or len(request) != 1:
            raise invalid_argument(f"Invalid requests[{position}]: exactly one request kind must be set.")
        kind, spec = next(iter(request.items()))
        handler = HANDLERS.get(kind)
        if handler is None:
            raise unimplemented(f"documents.batchUpdate {kind} requests")
        try:
            reply = handler(batch, spec if isinstance(spec, dict) else {})
        except Failure as failure:
            raise invalid_argument(f"Invalid requests[{position}].{kind}: {failure.message}") from None
        batch.replies.append(reply)


# -- locations and ranges -------------------------------------------------------------------
def _check_segment(spec: dict[str, Any]) -> None:
    segment = spec.get("segmentId") or ""
    if segment:
        raise Failure(f"The segment ID '{segment}' was not found.")  # no headers/footers/footnotes here
    tab = spec.get("tabId") or TAB_ID
    if tab != TAB_ID:
        raise Failure(f"The tab ID '{tab}' was not found.")


def _integer(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise Failure(f"{name} must be an integer.")
    try:
        return int(value)
    except ValueError:
        raise Failure(f"{name} must be an integer.") from None


def _insertion_index(batch: Batch, spec: dict[str, Any]) -> int:
    units = batch.units
    if "location" in spec and "endOfSegmentLocation" in spec:
        raise Failure("Exactly one of location or endOfSegmentLocation must be specified.")
    if "endOfSegmentLocation" in spec:
        _check_segment(spec["endOfSegmentLocation"] or {})
        return len(units) - 1
    location = spec.get("location")
    if not isinstance(location, dict):
        raise Failure("Exactly one of location or endOfSegmentLocation must be specified.")
    _check_segment(location)
    index = _integer(location.get("index", 0), "index")
    if index >= len(units):
        raise Failure(f"Index {index} must be less than the end index of the referenced segment, {len(units)}.")
    if index < 1 or units[index].kind not in (CHAR, END):
        raise Failure(
            "The insertion index must be inside the bounds of an existing paragraph. "
            "You can still create new paragraphs by inserting newlines."
        )
    return index


def _range(batch: Batch, spec: dict[str, Any], *, deleting: bool = False) -> tuple[int, int]:
    given = spec.get("range")
    if not isinstance(given, dict):
        raise Failure("range must be specified.")
    _check_segment(given)
    start = _integer(given.get("startIndex", 0), "startIndex")
    end = _integer(given.get("endIndex", 0), "endIndex")
    size = len(batch.units)
    if start == end:
        raise Failure("The range should not be empty.")
    if start > end:
        raise Failure(f"The start index {start} of the range must be less than its end index {end}.")
    if start < 1:
        raise Failure(f"Index {start} must be greater than or equal to 1.")
    if deleting and end == size:
        raise Failure("The range cannot include the newline character at the end of the segment.")
    if end > size or (not deleting and end == size):
        raise Failure(f"Index {end} must be less than the end index of the referenced segment, {size}.")
    return start, end


def _fields(spec: dict[str, Any]) -> list[str]:
    raw = spec.get("fields")
    names = [f.strip() for f in str(raw or "").split(",") if f.strip()]
    if not names:
        raise Failure("At least one field must be listed in 'fields'. (Use '*' to indicate all fields.)")
    return names


def _merge(current: dict[str, Any], given: dict[str, Any], names: list[str]) -> dict[str, Any]:
    """Set the listed fields from `given`; a listed field absent from `given` is reset."""
    if "*" in names:
        merged = dict(given)
    else:
        merged = dict(current)
        for name in names:
            top = name.split(".", 1)[0]
            if top in given:
                merged[top] = given[top]
            else:
                merged.pop(top, None)
    # false booleans are the inherited default: Docs does not report them.
    return {k: v for k, v in merged.items() if v is not False and v is not None}


def _paragraphs_in(units: list[Unit], start: int, end: int) -> list[tuple[int, int]]:
    return [(s, e) for s, e in paragraph_spans(units) if s < end and e > start]


# -- requests -----------------------------------------------------------------------------------
def insert_text(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    index = _insertion_index(batch, spec)
    text = _STRIPPED.sub("", str(spec.get("text") or ""))
    units = batch.units
    before = units[index - 1] if units[index - 1].kind == CHAR else None
    style = dict((before or units[index]).style)
    container = units[_paragraph_end_at(units, index)]
    fresh = [paragraph_end(container.para, container.bullet) if ch == "\n" else Unit(CHAR, ch, style) for ch in text]
    for unit in fresh:
        if unit.kind == END:
            unit.style = dict(style)
    units[index:index] = fresh
    return {}


def delete_content_range(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    start, end = _range(batch, spec, deleting=True)
    remaining = batch.units[:start] + batch.units[end:]
    if not _well_formed(remaining):
        removed = {u.kind for u in batch.units[start:end]}
        if removed & {TABLE, ROW, CELL, TABLE_END}:
            raise Failure("Invalid deletion range. Cannot delete a partial table, table row or table cell.")
        raise Failure("Invalid deletion range. Cannot delete the newline before a table or at the end of a cell.")
    batch.units[:] = remaining
    return {}


def replace_all_text(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    contains = spec.get("containsText") or {}
    wanted = str(contains.get("text") or "")
    if not wanted:
        raise Failure("The text to search for must not be empty.")
    if spec.get("tabsCriteria") and TAB_ID not in (spec["tabsCriteria"].get("tabIds") or [TAB_ID]):
        return {"replaceAllText": {}}
    replacement = _STRIPPED.sub("", str(spec.get("replaceText") or ""))
    flags = 0 if contains.get("matchCase") else re.IGNORECASE
    pattern = re.compile(re.escape(wanted), flags)
    units = batch.units
    count = 0
    # Right to left, so that earlier positions stay valid while replacing.
    for start, end in reversed(paragraph_spans(units)):
        text = "".join(u.ch for u in units[start : end - 1])
        for match in reversed(list(pattern.finditer(text))):
            first = units[start + match.start()]
            container = units[end - 1]
            fresh = [
                paragraph_end(container.para, container.bullet) if ch == "\n" else Unit(CHAR, ch, dict(first.style))
                for ch in replacement
            ]
            units[start + match.start() : start + match.end()] = fresh
            count += 1
    reply: dict[str, Any] = {"occurrencesChanged": count} if count else {}
    return {"replaceAllText": reply}


def insert_table(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    rows = _integer(spec.get("rows", 0), "rows")
    columns = _integer(spec.get("columns", 0), "columns")
    if rows < 1 or columns < 1:
        raise Failure("The table must have at least one row and one column.")
    if columns > 20:
        raise Failure("The table cannot have more than 20 columns.")
    index = _insertion_index(batch, spec)
    units = batch.units
    container = units[_paragraph_end_at(units, index)]
    table: list[Unit] = [paragraph_end(container.para, container.bullet), Unit(TABLE)]
    for _ in range(rows):
        table.append(Unit(ROW))
        for _ in range(columns):
            table.extend([Unit(CELL), paragraph_end()])
    table.append(Unit(TABLE_END))
    units[index:index] = table
    return {}


def update_text_style(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    start, end = _range(batch, spec)
    names = _fields(spec)
    given = spec.get("textStyle") or {}
    for unit in batch.units[start:end]:
        if unit.kind in (CHAR, END):
            unit.style = _merge(unit.style, given, names)
    return {}


def update_paragraph_style(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    start, end = _range(batch, spec)
    names = _fields(spec)
    given = spec.get("paragraphStyle") or {}
    for _, pend in _paragraphs_in(batch.units, start, end):
        unit = batch.units[pend - 1]
        unit.para = _merge(unit.para, given, names)
    return {}


PRESETS: dict[str, list[tuple[str | None, str | None]]] = {
    "BULLET_DISC_CIRCLE_SQUARE": [("●", None), ("○", None), ("■", None)],
    "BULLET_DIAMONDX_ARROW3D_SQUARE": [("❖", None), ("➢", None), ("■", None)],
    "BULLET_CHECKBOX": [(None, "GLYPH_TYPE_UNSPECIFIED")],
    "BULLET_ARROW_DIAMOND_DISC": [("➔", None), ("◆", None), ("●", None)],
    "BULLET_STAR_CIRCLE_SQUARE": [("★", None), ("○", None), ("■", None)],
    "BULLET_ARROW3D_CIRCLE_SQUARE": [("➢", None), ("○", None), ("■", None)],
    "BULLET_LEFTTRIANGLE_DIAMOND_DISC": [("◀", None), ("◆", None), ("●", None)],
    "BULLET_DIAMONDX_HOLLOWDIAMOND_SQUARE": [("❖", None), ("◇", None), ("■", None)],
    "BULLET_DIAMOND_CIRCLE_SQUARE": [("◆", None), ("○", None), ("■", None)],
    "NUMBERED_DECIMAL_ALPHA_ROMAN": [(None, "DECIMAL"), (None, "ALPHA"), (None, "ROMAN")],
    "NUMBERED_DECIMAL_ALPHA_ROMAN_PARENS": [(None, "DECIMAL"), (None, "ALPHA"), (None, "ROMAN")],
    "NUMBERED_DECIMAL_NESTED": [(None, "DECIMAL")],
    "NUMBERED_UPPERALPHA_ALPHA_ROMAN": [(None, "UPPER_ALPHA"), (None, "ALPHA"), (None, "ROMAN")],
    "NUMBERED_UPPERROMAN_UPPERALPHA_DECIMAL": [(None, "UPPER_ROMAN"), (None, "UPPER_ALPHA"), (None, "DECIMAL")],
    "NUMBERED_ZERODECIMAL_ALPHA_ROMAN": [(None, "ZERO_DECIMAL"), (None, "ALPHA"), (None, "ROMAN")],
}


def _list_properties(preset: str) -> dict[str, Any]:
    glyphs = PRESETS[preset]
    levels = []
    for level in range(9):
        symbol, glyph_type = glyphs[level % len(glyphs)]
        nesting: dict[str, Any] = {
            "bulletAlignment": "START",
            "indentFirstLine": {"magnitude": 18 + 36 * level, "unit": "PT"},
            "indentStart": {"magnitude": 36 + 36 * level, "unit": "PT"},
            "textStyle": {"underline": False},
            "startNumber": 1,
        }
        if symbol is not None:
            nesting["glyphSymbol"] = symbol
        else:
            nesting["glyphType"] = glyph_type
            nesting["glyphFormat"] = f"%{level}." if not preset.endswith("PARENS") else f"%{level})"
        levels.append(nesting)
    return {"listProperties": {"nestingLevels": levels}}


def create_paragraph_bullets(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    start, end = _range(batch, spec)
    preset = spec.get("bulletPreset") or ""
    if preset not in PRESETS:
        raise Failure(f"Invalid bullet preset: {preset or 'BULLET_GLYPH_PRESET_UNSPECIFIED'}.")
    list_id = batch.new_list_id()
    batch.lists[list_id] = _list_properties(preset)
    units = batch.units
    # Leading tabs give the nesting level and are removed (this shifts later indexes), last first.
    for pstart, pend in reversed(_paragraphs_in(units, start, end)):
        tabs = 0
        while units[pstart + tabs].kind == CHAR and units[pstart + tabs].ch == "\t":
            tabs += 1
        level = min(tabs, 8)
        paragraph = units[pend - 1]
        paragraph.bullet = {"listId": list_id, "nestingLevel": level}
        paragraph.para = {
            **paragraph.para,
            "indentFirstLine": {"magnitude": 18 + 36 * level, "unit": "PT"},
            "indentStart": {"magnitude": 36 + 36 * level, "unit": "PT"},
        }
        del units[pstart : pstart + tabs]
    return {}


def delete_paragraph_bullets(batch: Batch, spec: dict[str, Any]) -> dict[str, Any]:
    start, end = _range(batch, spec)
    for _, pend in _paragraphs_in(batch.units, start, end):
        unit = batch.units[pend - 1]
        unit.bullet = None
        unit.para = {k: v for k, v in unit.para.items() if k not in ("indentFirstLine", "indentStart")}
    return {}


HANDLERS: dict[str, Callable[[Batch, dict[str, Any]], dict[str, Any]]] = {
    "insertText": insert_text,
    "deleteContentRange": delete_content_range,
    "replaceAllText": replace_all_text,
    "insertTable": insert_table,
    "updateTextStyle": update_text_style,
    "updateParagraphStyle": update_paragraph_style,
    "createParagraphBullets": create_paragraph_bullets,
    "deleteParagraphBullets": delete_paragraph_bullets,
}

__all__ = ["HANDLERS", "Batch", "RpcError", "apply"]
