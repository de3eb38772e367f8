"""Cell values: what USER_ENTERED input becomes, and how values render (FORMATTED_VALUE etc.).

USER_ENTERED parses as if typed into the UI (en_US locale): `=...` is a formula, `'x` the text
`x`, `TRUE`/`FALSE` booleans, `1,234.5` / `12%` / `$5` / `1e3` numbers (with the number format
the UI would apply), `2024-01-15`, `1/15/2024`, `2024-01-15 10:30:00`, `10:30` dates and times
(stored as serial numbers, days since 1899-12-30, with a DATE/DATE_TIME/TIME format).
RAW stores strings as they are. A stored cell is `{"v": ExtendedValue, "f": CellFormat}`.
"""

from __future__ import annotations

import math
import re
from datetime import datetime, timedelta
from typing import Any

from services.gdrive.sheets.formula import Error, number_text

EPOCH = datetime(1899, 12, 30)
_NUMBER = re.compile(r"^([+-]?)(\d{1,3}(?:,\d{3})+|\d+)?(\.\d+)?(?:[eE]([+-]?\d+))?$")
_DATE_FORMS = [
    (re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"), "ymd", "yyyy-mm-dd"),
    (re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"), "ymd", "yyyy/mm/dd"),
    (re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$"), "mdy", "M/d/yyyy"),
]
_TIME = re.compile(r"^(\d{1,2}):(\d{2})(?::(\d{2}))?\s*([AaPp][Mm])?$")


def _number(text: str) -> tuple[float, dict[str, Any] | None] | None:
    raw = text.strip()
    percent = raw.endswith("%")
    if percent:
        raw = raw[:-1].strip()
    currency = False
    sign = ""
    if raw[:1] in "+-" and raw[1:2] == "$":
        sign, raw = raw[0], raw[2:]
        currency = True
    elif raw.startswith("$"):
        raw, currency = raw[1:], True
    match = _NUMBER.match(sign + raw)
    if match is None or (match.group(2) is None and match.group(3) is None):
        return None
    value = float((sign + raw).replace(",", ""))
    decimals = bool(match.group(3))
    if percent:
        return value / 100, {"type": "PERCENT", "pattern": "0.00%" if decimals else "0%"}
    if currency:
        return value, {"type": "CURRENCY", "pattern": '"$"#,##0.00'}
    if match.group(4):
        return value, {"type": "SCIENTIFIC", "pattern": "0.00E+00"}
    if "," in raw:
        return value, {"type": "NUMBER", "pattern": "#,##0.00" if decimals else "#,##0"}
    return value, None


def serial(moment: datetime) -> float:
    delta = moment - EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def _date(text: str) -> tuple[float, dict[str, Any]] | None:
    raw = text.strip()
    date_part, _, time_part = raw.partition(" ")
    for pattern, order, shown in _DATE_FORMS:
        match = pattern.match(date_part)
        if match is None:
            continue
        a, b, c = (int(g) for g in match.groups())
        year, month, day = (a, b, c) if order == "ymd" else (c, a, b)
        try:
            moment = datetime(year, month, day)
        except ValueError:
            return None
        if not time_part:
            return serial(moment), {"type": "DATE", "pattern": shown}
        clock = _clock(time_part.strip())
        if clock is None:
            return None
        return serial(moment) + clock, {"type": "DATE_TIME", "pattern": f"{shown} H:mm:ss"}
    clock = _clock(raw)
    if clock is not None:
        return clock, {"type": "TIME", "pattern": "h:mm:ss am/pm"}
    return None


def _clock(text: str) -> float | None:
    match = _TIME.match(text)
    if match is None:
        return None
    hours, minutes, seconds = int(match.group(1)), int(match.group(2)), int(match.group(3) or 0)
    meridiem = (match.group(4) or "").upper()
    if meridiem:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if meridiem == "PM" else 0)
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return (hours * 3600 + minutes * 60 + seconds) / 86400


def entered(value: Any, user_entered: bool) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(userEnteredValue, number format to apply or None) for one input value; (None, None) clears."""
    if isinstance(value, bool):
        return {"boolValue": value}, None
    if isinstance(value, int | float):
        return {"numberValue": float(value)}, None
    text = "" if value is None else str(value)
    if text == "":
        return None, None
    if not user_entered:
        return {"stringValue": text}, None
    if text.startswith("'"):
        return {"stringValue": text[1:]}, None
    if text.startswith("=") and len(text) > 1:
        return {"formulaValue": text}, None
    if text.strip().upper() in ("TRUE", "FALSE"):
        return {"boolValue": text.strip().upper() == "TRUE"}, None
    number = _number(text)
    if number is not None:
        return {"numberValue": number[0]}, number[1]
    date = _date(text)
    if date is not None:
        return {"numberValue": date[0]}, date[1]
    return {"stringValue": text}, None


# -- rendering -------------------------------------------------------------------------------------
def _group(digits: str) -> str:
    return f"{int(digits):,}" if digits else "0"


def format_number(value: float, number_format: dict[str, Any] | None) -> str:
    if not number_format:
        return number_text(value)
    kind = number_format.get("type", "NUMBER")
    pattern = number_format.get("pattern") or ""
    if kind in ("DATE", "TIME", "DATE_TIME") or (pattern and re.search(r"[dyhs]", pattern.replace('"', ""))):
        return format_date(value, pattern or _DEFAULT_PATTERN.get(kind, "M/d/yyyy"))
    if kind == "TEXT":
        return number_text(value)
    if kind == "SCIENTIFIC":
        mantissa, exponent = f"{value:.2E}".split("E")
        return f"{mantissa}E{int(exponent):+03d}"
    if not pattern:
        pattern = {"PERCENT": "0.00%", "CURRENCY": '"$"#,##0.00'}.get(kind, "0.00")
    return _format_pattern(value, pattern)


def _format_pattern(value: float, pattern: str) -> str:
    section = pattern.split(";")[0]
    literal_prefix = re.match(r'^((?:"[^"]*"|[^0#.,%])*)', section)
    prefix = literal_prefix.group(1) if literal_prefix else ""
    core = section[len(prefix) :]
    suffix_match = re.search(r"((?:\"[^\"]*\"|[^0#.,%])*)$", core)
    suffix = suffix_match.group(1) if suffix_match else ""
    core = core[: len(core) - len(suffix)] if suffix else core
    if "%" in core:
        value *= 100
    decimals = len(core.split(".", 1)[1].replace("%", "")) if "." in core else 0
    grouped = "," in core.split(".")[0]
    negative = value < 0
    rounded = math.floor(abs(value) * 10**decimals + 0.5) / 10**decimals
    text = f"{rounded:,.{decimals}f}" if grouped else f"{rounded:.{decimals}f}"
    if "%" in core:
        text += "%"
    literal = prefix.replace('"', "") + text + suffix.replace('"', "")
    return ("-" if negative and rounded else "") + literal


_DEFAULT_PATTERN = {"DATE": "M/d/yyyy", "TIME": "h:mm:ss am/pm", "DATE_TIME": "M/d/yyyy H:mm:ss"}
_DATE_TOKEN = re.compile(r"yyyy|yy|mmmm|mmm|mm|m|dddd|ddd|dd|d|hh|h|ss|s|am/pm|AM/PM|\"[^\"]*\"|.", re.IGNORECASE)
MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def format_date(value: float, pattern: str) -> str:
    moment = EPOCH + timedelta(days=value)
    moment = moment.replace(microsecond=0) + timedelta(seconds=round(moment.microsecond / 1e6))
    twelve = re.search("am/pm", pattern, re.IGNORECASE) is not None
    tokens = _DATE_TOKEN.findall(pattern)
    out: list[str] = []
    for i, token in enumerate(tokens):
        lower = token.lower()
        after_hour = any(t.lower() in ("h", "hh") for t in tokens[max(0, i - 2) : i])
        if lower == "yyyy":
            out.append(f"{moment.year:04d}")
        elif lower == "yy":
            out.append(f"{moment.year % 100:02d}")
        elif lower == "mmmm":
            out.append(MONTHS[moment.month - 1])
        elif lower == "mmm":
            out.append(MONTHS[moment.month - 1][:3])
        elif lower in ("mm", "m"):
            number = moment.minute if after_hour else moment.month
            out.append(f"{number:02d}" if lower == "mm" else str(number))
        elif lower == "dddd":
            out.append(DAYS[moment.weekday()])
        elif lower == "ddd":
            out.append(DAYS[moment.weekday()][:3])
        elif lower in ("dd", "d"):
            out.append(f"{moment.day:02d}" if lower == "dd" else str(moment.day))
        elif lower in ("hh", "h"):
            hour = moment.hour % 12 or 12 if twelve else moment.hour
            out.append(f"{hour:02d}" if lower == "hh" else str(hour))
        elif lower in ("ss", "s"):
            out.append(f"{moment.second:02d}" if lower == "ss" else str(moment.second))
        elif lower == "am/pm":
            out.append("AM" if moment.hour < 12 else "PM")
        elif token.startswith('"'):
            out.append(token[1:-1])
        else:
            out.append(token)
    return "".join(out)


def extended(value: Any) -> dict[str, Any]:
    """An effective value as ExtendedValue."""
    if isinstance(value, Error):
        return {"errorValue": {"type": value.type, "message": value.message}}
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, float):
        return {"numberValue": value}
    return {"stringValue": "" if value is None else value}


def json_number(value: float) -> int | float:
    """Sheets writes integral doubles without a fraction (`5`, not `5.0`)."""
    return int(value) if value == int(value) and abs(value) < 2**53 else value


def is_temporal(number_format: dict[str, Any] | None) -> bool:
    return number_format is not None and number_format.get("type") in ("DATE", "TIME", "DATE_TIME")


def render(value: Any, number_format: dict[str, Any] | None, option: str, date_option: str) -> Any:
    """One cell's value for values.get: FORMATTED_VALUE, UNFORMATTED_VALUE or (non-formulas) FORMULA."""
    if value is None:
        return ""
    if isinstance(value, Error):
        return value.code
    if option == "FORMATTED_VALUE":
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        if isinstance(value, float):
            return format_number(value, number_format)
        return value
    if isinstance(value, float):
        if is_temporal(number_format) and date_option == "FORMATTED_STRING":
            return format_number(value, number_format)
        return json_number(value)
    return value
