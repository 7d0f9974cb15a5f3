"""Incoming text loses its control characters in one place (the Event), and a webhook body
is read without ever raising more than `BadUpdate` — for all inputs (hypothesis)."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.telegram.update_body import BadUpdate, nesting_depth, read_update
from bot.core import Event

CONTROLS = {chr(c) for c in range(0x20)} - {"\n", "\t"}


@given(st.text())
def test_events_hold_no_control_character_but_newline_and_tab(text):
    event = Event(channel="telegram", user_id="1", kind="command", text=text, args=text,
                  command=text, choice=text, display_name=text)
    for value in (event.text, event.args, event.command, event.choice, event.display_name):
        assert not CONTROLS & set(value)
        assert value == "".join(c for c in text.replace("\r\n", "\n").replace("\r", "\n")
                                if c not in CONTROLS)


def test_ordinary_text_is_untouched():
    text = "低保怎么申请？\n\t第二行 😀 ①"
    assert Event(channel="console", user_id="x", kind="text", text=text).text == text


def _depth(value) -> int:  # type: ignore[no-untyped-def]
    if isinstance(value, list):
        return 1 + max(map(_depth, value), default=0)
    if isinstance(value, dict):
        return 1 + max(map(_depth, value.values()), default=0)
    return 0


JSON = st.recursive(st.none() | st.booleans() | st.integers() | st.text(alphabet="[]{}\"\\a"),
                    lambda inner: st.lists(inner, max_size=3)
                    | st.dictionaries(st.text(alphabet="[]{}\"\\a", max_size=3), inner,
                                      max_size=3),
                    max_leaves=30)


@given(JSON)
def test_nesting_depth_is_the_json_depth_without_recursing(value):
    body = json.dumps(value).encode()
    assert (nesting_depth(body, limit=3) > 3) == (_depth(value) > 3)


@settings(max_examples=300)
@given(st.binary(max_size=200) | JSON.map(lambda v: json.dumps(v).encode()))
def test_any_body_is_an_update_or_a_bad_update(body):
    try:
        data = read_update(body)
    except BadUpdate:
        return
    assert isinstance(data, dict) and type(data["update_id"]) is int and data["update_id"] > 0
