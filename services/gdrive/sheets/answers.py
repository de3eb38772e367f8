"""values.get answers of recently read spreadsheets, reused while the stored sheets are unchanged.

Reading a range evaluates every formula in it and formats every cell: the bulk of a values.get.
The answer is a pure function of the spreadsheet's stored `sheets` and `properties` and of the
request's range and options (every function formula.py knows is deterministic: no NOW(), RAND()),
so an answer computed from equal sheets is the answer. Each entry keeps a private copy of the
sheets it was computed from and is used only while the sheets just loaded compare equal to it:
no version counter to trust, nothing to invalidate (a write, a restore or a reset simply stops
matching), and a copy nobody else holds cannot change behind the cache's back.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

SPREADSHEETS = 16  # spreadsheets remembered (least recently read first out)
ANSWERS_PER_SPREADSHEET = 32  # ranges x options remembered per spreadsheet


@dataclass
class _Entry:
    sheets: list[Any]
    properties: dict[str, Any]
    answers: OrderedDict[tuple[str, ...], dict[str, Any]] = field(default_factory=OrderedDict)


class Answers:
    def __init__(self) -> None:
        self._entries: OrderedDict[tuple[str, str], _Entry] = OrderedDict()

    def get(
        self,
        spreadsheet: tuple[str, str],
        sheets: list[Any],
        properties: dict[str, Any],
        request: tuple[str, ...],
        compute: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """The answer to `request` (range and options) on these sheets: remembered, or computed now."""
        entry = self._entries.get(spreadsheet)
        if entry is None or entry.sheets != sheets or entry.properties != properties:
            answer = compute()  # before copying: a range refused with an error leaves no entry
            # A JSON round trip is the cheapest deep copy of JSON-shaped data (what the column holds).
            entry = _Entry(json.loads(json.dumps(sheets)), json.loads(json.dumps(properties)))
            self._remember(spreadsheet, entry)
        else:
            self._entries.move_to_end(spreadsheet)
            answer_found = entry.answers.get(request)
            if answer_found is not None:
                entry.answers.move_to_end(request)
                return dict(answer_found)
            answer = compute()
        entry.answers[request] = answer
        while len(entry.answers) > ANSWERS_PER_SPREADSHEET:
            entry.answers.popitem(last=False)
        return dict(answer)

    def _remember(self, spreadsheet: tuple[str, str], entry: _Entry) -> None:
        self._entries[spreadsheet] = entry
        self._entries.move_to_end(spreadsheet)
        while len(self._entries) > SPREADSHEETS:
            self._entries.popitem(last=False)

    def clear(self) -> None:
        self._entries.clear()


ANSWERS = Answers()
