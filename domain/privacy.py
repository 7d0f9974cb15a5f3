"""Masking and validation of residents' phone and ID numbers (保密: never shown in full in logs/lists)."""

from __future__ import annotations

import logging
import re

_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])(\d{6})(\d{8})(\d{3}[\dXx])(?![0-9A-Za-z])")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{3,4})(\d{4})(?!\d)")


def mask_phone(phone: str | None) -> str:
    """138****5678 for a mobile; keep the area code and last 4 digits of a landline."""
    if not phone:
        return ""
    digits = re.sub(r"\D", "", phone)
    if len(digits) <= 4:
        return "*" * len(digits)
    if len(digits) == 11 and digits.startswith("1"):
        return f"{digits[:3]}****{digits[-4:]}"
    return f"{digits[:3]}{'*' * (len(digits) - 7)}{digits[-4:]}"


def mask_text(text: str) -> str:
    """Mask every phone and ID number inside free text (log lines, notes shown in lists)."""
    text = _ID.sub(lambda m: f"{m.group(1)}********{m.group(3)}", text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    return _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(3)}", text)


def mask_ids(text: str) -> str:
    """Mask ID numbers only: the view of someone allowed to call the resident (/show of the
    matter's owner) still never needs a whole ID number."""
    return _ID.sub(lambda m: f"{m.group(1)}********{m.group(3)}", text)


def has_phone(text: str | None) -> bool:
    return bool(text) and bool(_MOBILE.search(text) or _LANDLINE.search(text))


def normalise_phone(raw: str) -> str | None:
    """A valid Chinese mobile or landline as digits (landline with its area code), else None."""
    text = raw.strip().replace("＋", "+")
    text = re.sub(r"[\s\-()（）]", "", text)
    if text.startswith("+86"):
        text = text[3:]
    elif text.startswith("0086"):
        text = text[4:]
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    if re.fullmatch(r"1[3-9]\d{9}", text):
        return text
    if re.fullmatch(r"0\d{2,3}\d{7,8}", text):
        return text
    return None


class MaskingFilter(logging.Filter):
    """Logging filter that masks phone and ID numbers in every record it passes."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            try:
                record.msg = record.getMessage()
            except (TypeError, ValueError):
                return True
            record.args = None
        if isinstance(record.msg, str):
            record.msg = mask_text(record.msg)
        return True
