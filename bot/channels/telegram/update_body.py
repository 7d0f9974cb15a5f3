"""Reading a webhook request's body into an update, or saying why not (pure).

Telegram sends one JSON object per request with a positive `update_id`. Anything else is
refused with a 400 before it is stored: a body that is not JSON, nested deeper than any
update is (Python's JSON parser recurses, so 100,000 brackets would raise `RecursionError`
— it is checked before parsing, without recursing), or an `update_id` that is not a
positive integer Telegram could send (`true` is an int to Python; 10**29 is no update).
"""

from __future__ import annotations

import json
from typing import Any

MAX_DEPTH = 64  # a real update nests about 8 deep (message → reply_to_message → …)
MAX_UPDATE_ID = 2**31 - 1  # the Bot API's update_id is a 32-bit signed integer
_OPENERS = frozenset(b"[{")


class BadUpdate(ValueError):
    """A body that is no Telegram update; the message is the 400's text."""


def nesting_depth(body: bytes, *, limit: int = MAX_DEPTH) -> int:
    """How deep arrays and objects nest in a JSON text, counted up to `limit` + 1 (strings
    skipped); one pass, no recursion."""
    if sum(body.count(b) for b in (b"[", b"{")) <= limit:
        return 0  # cannot be deeper than the brackets it has (the common case: no scan)
    depth = deepest = 0
    in_string = escaped = False
    for byte in body:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # closing quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in _OPENERS:
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > limit:
                    break
        elif byte in (0x5D, 0x7D):  # ] }
            depth -= 1
    return deepest


def read_update(body: bytes) -> dict[str, Any]:
    """The update a webhook body holds, or `BadUpdate`."""
    if nesting_depth(body) > MAX_DEPTH:
        raise BadUpdate("nested too deep")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise BadUpdate("not json") from None
    if not isinstance(data, dict):
        raise BadUpdate("not an update")
    update_id = data.get("update_id")
    # bool is a subclass of int: `"update_id": true` must not pass as update 1
    if type(update_id) is not int or not 0 < update_id <= MAX_UPDATE_ID:
        raise BadUpdate("not an update")
    return data
