"""bot.router: buttons routed by `prefix:action` with their argument count and least role."""

from __future__ import annotations

import pytest

from bot.router import Router


async def _h(ctx, *args):  # type: ignore[no-untyped-def]
    return []


def test_buttons_are_found_by_prefix_and_action_with_their_arguments():
    router = Router()
    router.choice("case", "m", _h, args=1, role="staff", name="missing")
    router.choice("case", "ok", _h, role="staff", name="accept")
    router.choice_default("case", role="staff", name="accept")
    router.choice("book", "d", _h, args=2)
    choice, args = router.for_choice("case:m:12")
    assert (choice.role, choice.name, args) == ("staff", "missing", ["12"])
    assert router.for_choice("book:d:id-card:20261124")[1] == ["id-card", "20261124"]
    # wrong argument count or unknown action: the prefix's default (its role still applies)
    for data in ("case:m", "case:m:1:2", "case:zzz", "case"):
        default, args = router.for_choice(data)
        assert (default.role, default.name, args) == ("staff", "accept", []), data
    stale, args = router.for_choice("book:zz")
    assert stale.role == "resident" and args == []  # answered as a stale button
    assert router.for_choice("zzz:1") is None


def test_a_button_is_registered_once():
    router = Router()
    router.choice("book", "d", _h, args=2)
    with pytest.raises(ValueError):
        router.choice("book", "d", _h, args=2)
