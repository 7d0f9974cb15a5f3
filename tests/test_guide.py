"""/guide: browse the service items by category, then open an item's card."""

from __future__ import annotations

from tests.factories import Console
from tests.matter_helpers import labels, option, press


async def test_browse_categories_then_items_then_card(app):
    res = Console(app, "g1")
    replies = await res.say("/guide")
    assert "办事指南" in replies[0].text and "50 项服务" in replies[0].text
    assert "户籍" in labels(replies) and "社会救助" in labels(replies)
    replies = await press(app, res, option(replies, "户籍"))
    assert "出生登记" in labels(replies) and "户口迁移" in labels(replies)
    assert "最低生活保障" not in labels(replies)  # another category's item
    replies = await press(app, res, option(replies, "户口迁移"))
    assert "办理时限" in replies[0].text and any("材料清单" in x for x in labels(replies))


async def test_menu_offers_the_guide_and_back_returns_to_categories(app):
    res = Console(app, "g2")
    replies = await press(app, res, option(await res.say("/menu"), "办事指南"))
    replies = await press(app, res, option(replies, "社会救助"))
    replies = await press(app, res, option(replies, "全部类别"))
    assert "请选择类别" in replies[0].text


async def test_forged_category_is_answered_politely(app):
    res = Console(app, "g3")
    for data in ("gd:c:999", "gd:c:x", "gd:zz", "gd:c:-1"):
        replies = await press(app, res, data)
        assert "过期" in replies[0].text


async def test_guide_in_english(app):
    res = Console(app, "g4", lang="en")
    replies = await res.say("/guide")
    assert "Service guide" in replies[0].text and "50 services" in replies[0].text


async def test_start_link_naming_an_item_opens_its_card(app):
    res = Console(app, "g5")
    replies = await res.say("/start hukou-transfer")
    assert len(replies) == 2 and "户口迁移" in replies[1].text
    assert any("材料清单" in x for x in labels(replies[1:]))
    replies = await res.say("/start no-such-item")  # a stale poster: just the greeting
    assert len(replies) == 1
