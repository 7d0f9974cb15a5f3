"""People's names as others read them: cleaned of what would change how the text around them
reads, and staff named the way 首问负责 asks ("民政办 王芳（3号窗口）"), never an account id."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

# right-to-left / left-to-right overrides, embeddings, isolates and marks: a display name
# carrying them would reverse the rest of a /queue or /show line
_BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def clean_name(text: str, limit: int = 128) -> str:
    """A display name without bidi controls or other control characters, spaces collapsed."""
    text = _BIDI.sub("", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf")
                   or ch == "\u200d")  # keep the zero-width joiner of emoji sequences
    return " ".join(text.split())[:limit]


@dataclass(frozen=True)
class StaffName:
    """Who a staff member is to a resident: department code, name, window (each optional)."""

    name: str = ""
    window: str | None = None
    department: str | None = None
