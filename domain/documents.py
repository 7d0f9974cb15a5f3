"""What the printed documents (一次性告知单, 收件回执, 补正告知书) carry besides their body: a
document number a window can file and find again, and the applicant's name as the person
would sign it."""

from __future__ import annotations

from datetime import date

# 告知 (checklist), 收件 (receipt), 补正 (missing materials)
PREFIXES = {"checklist": "GZ", "receipt": "SJ", "missing": "BZ"}


def document_number(kind: str, day: date, ref: str) -> str:
    """`SJ-20261123-B1`: the kind, the day issued, and what it is about (the case number, and
    for a second 补正告知 of one case its sequence: `BZ-20261125-B1-2`)."""
    return f"{PREFIXES[kind]}-{day:%Y%m%d}-{ref}"


def applicant_name(*names: str | None) -> str:
    """The first real name given (booking or profile name before the chat name); "" when
    there is none — the document then leaves a line to write it in."""
    return next((n.strip() for n in names if n and n.strip()), "")
