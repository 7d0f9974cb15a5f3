"""A day as staff type it: 2026-12-07, 12-07, 12/7, 12.7, 12月7日, 12月7号, 2026年12月7日.

Without a year, the date nearest today (within half a year either way): "1月3日" typed on
30 December is next January."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_FULL = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
_SHORT = re.compile(r"^(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?$")
HALF_YEAR = timedelta(days=183)


def parse_day(text: str, today: date) -> date | None:
    """The day `text` names, or None when it names none (or an impossible date)."""
    text = unicodedata.normalize("NFKC", text).strip()
    try:
        if m := _FULL.match(text):
            return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := _SHORT.match(text):
            month, day = int(m.group(1)), int(m.group(2))
            for year in (today.year, today.year + 1, today.year - 1):
                try:
                    candidate = date(year, month, day)
                except ValueError:
                    continue  # 2月29日 in a year without it
                if abs(candidate - today) <= HALF_YEAR:
                    return candidate
    except ValueError:
        return None
    return None
