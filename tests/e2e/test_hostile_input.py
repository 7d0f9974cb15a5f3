"""Hostile input that used to get through or crash (issue 8, finding 5): a NUL in a message
(PostgreSQL refuses 0x00 in text), an `update_id` that is no update id, and JSON nested
100,000 deep (a RecursionError, answered 500) — now a real answer, or a 400 with nothing
stored and nothing answered."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from storage.models import Query
from tests.e2e.conftest import RESIDENT, RunningBot
from tests.e2e.webhook_client import inbox_rows, post_update


async def test_a_nul_in_a_message_gets_a_real_answer(tg, bot_any_db: RunningBot):
    tg.send_text(RESIDENT, "低保\x00怎么\x1b申请\x07")
    card = await tg.wait_for(RESIDENT)
    assert "系统暂时繁忙" not in card.plain and "最低生活保障" in card.plain
    async with bot_any_db.session() as s:  # what was stored is the text without the controls
        assert await s.scalar(select(Query.text)) == "低保怎么申请"


@pytest.mark.parametrize("update_id", [True, False, 10**29, -5, 0, 2**31, "7", 7.0, None])
async def test_an_update_id_that_is_no_update_id_is_refused(tg, hook, update_id):
    client, app = hook
    update = tg.text_update(RESIDENT, "低保怎么申请") | {"update_id": update_id}
    resp = await post_update(client, update)
    assert resp.status == 400
    await tg.settle()
    assert tg.messages(RESIDENT) == [] and await inbox_rows(app) == 0


@pytest.mark.parametrize("shape", ["array", "object", "inside-an-update"])
async def test_json_nested_100000_deep_is_refused_with_a_400(tg, hook, shape):
    client, app = hook
    deep = {"array": "[" * 100_000 + "]" * 100_000,
            "object": '{"a":' * 100_000 + "1" + "}" * 100_000,
            "inside-an-update": '{"update_id": 5, "message": ' + "[" * 100_000
                                + "]" * 100_000 + "}"}[shape]
    resp = await post_update(client, deep, raw=True)
    assert resp.status == 400 and "deep" in await resp.text()
    assert await inbox_rows(app) == 0


async def test_brackets_inside_text_are_not_nesting(tg, hook):
    client, _ = hook
    resp = await post_update(client, tg.text_update(RESIDENT, "[" * 300 + "低保怎么申请"))
    assert resp.status == 200
    assert "最低生活保障" in (await tg.wait_for(RESIDENT)).plain
