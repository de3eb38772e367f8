"""Links found in user content (messages, rich text, documents): only web and mail targets.

Anything else (`javascript:`, `data:`, `vbscript:`...) would run in the twin's origin, where a
signed-in person's cookie acts: such a link is shown as text, never as an `href`.
"""

from __future__ import annotations

from typing import Any

SAFE_SCHEMES = ("http://", "https://", "mailto:")


def safe_link(value: Any) -> str | None:
    """The URL if it is http(s) or mailto (any case, no leading blanks), else None."""
    text = str(value or "")
    return text if text.lower().startswith(SAFE_SCHEMES) else None
