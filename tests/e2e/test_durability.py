"""Reliability: updates stored before they are confirmed and handled after a crash, repeats
handled once, a database outage answered with an apology and nothing half-written, Bot API
errors mapped for the outbox, per-chat order with concurrency across chats, and no phone
number in the logs."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.channels.telegram import TelegramSender
from bot.delivery import PermanentFailure, RecipientBlocked, RetryLater
from domain.messages import Reply
from storage import inbox
from storage.db import Database
from storage.models import Conversation, InboxUpdate, Matter, MatterEvent, Outbox, Query, Resident
from tests.e2e.conftest import (
    RESIDENT,
    RESIDENT_2,
    eventually,
    start_bot,
    telegram_settings,
)


async def test_update_stored_but_not_processed_is_handled_after_restart(tg, tmp_path, db_url,
                                                                         clock):
    settings = telegram_settings(tg, tmp_path, db_url)
    # the last run fetched (and so confirmed) this update, stored it, and died
    update = tg.text_update(RESIDENT, "低保怎么申请")
    db = Database(db_url)
    async with db.transaction() as s:
        await inbox.store_many(s, channel="telegram", now=clock(),
                               updates=[(str(update["update_id"]), update)])
    await db.dispose()

    async with start_bot(tg, settings, clock) as bot:
        card = await tg.wait_for(RESIDENT, after=0)
        assert "最低生活保障" in card.plain
        await tg.settle()
        async with bot.session() as s:
            row = await s.scalar(select(InboxUpdate))
            assert row.processed_at is not None and row.payload == {}  # content forgotten
            assert await s.scalar(select(func.count()).select_from(Query)) == 1


async def test_same_update_delivered_twice_is_handled_once(tg, tmp_path, db_url, clock):
    async with start_bot(tg, telegram_settings(tg, tmp_path, db_url), clock) as bot:
        tg.send_text(RESIDENT, "低保怎么申请")
        tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "材料清单")
        listing = await tg.wait_for(RESIDENT)
        if listing.has_button("下一步"):
            tg.tap(RESIDENT, listing, "下一步")
            listing = await tg.wait_for(RESIDENT)
        tick = tg.tap(RESIDENT, listing, "1.")  # a toggle: handling it twice would undo it
        listing = await tg.wait_for(RESIDENT, lambda m: m.has_button("✅ 1."))
        edits = len(listing.history)
        tg.redeliver(tick)
        tg.redeliver(tick)
        await tg.settle()
        assert listing.has_button("✅ 1.") and len(listing.history) == edits
        async with bot.session() as s:
            conv = await s.scalar(select(Conversation))
            assert conv.data["have"] == [0]
            assert await s.scalar(select(func.count()).select_from(InboxUpdate)) == 4


async def _counts(bot) -> dict[str, int]:  # type: ignore[no-untyped-def]
    async with bot.session() as s:
        return {t.__name__: await s.scalar(select(func.count()).select_from(t))
                for t in (Resident, Conversation, Query, Matter, MatterEvent, Outbox)}


async def test_updates_sent_while_the_database_is_unreachable_wait_and_are_all_answered(tg, bot):
    """Finding 2 of issue 8: nothing is confirmed to Telegram that is not stored, and every
    update sent during an outage is handled when the database is back."""
    before = await _counts(bot)
    real = bot.app.services.db
    broken = Database("postgresql+asyncpg://nobody@127.0.0.1:1/none")  # refuses connections
    bot.app.services.db = broken
    try:
        sent = [tg.send_text(RESIDENT, "村里路灯坏了谁管"), tg.send_text(RESIDENT_2, "低保怎么申请")]
        fetches = len(tg.calls_for("getUpdates"))
        # fetched again (with backoff) and again, never confirmed
        await tg.wait_calls("getUpdates", count=fetches + 2, timeout=15)
        assert tg.pending_updates >= 2
        assert not tg.messages(RESIDENT) and not tg.messages(RESIDENT_2)  # no promise made
    finally:
        bot.app.services.db = real
        await broken.dispose()
    for update_id in sent:
        await tg.wait_confirmed(update_id, timeout=40)
    assert "最低生活保障" in (await tg.wait_for(RESIDENT_2, timeout=10)).plain
    assert "系统暂时繁忙" not in (await tg.wait_for(RESIDENT, timeout=10)).plain
    assert (await _counts(bot))["Query"] == before["Query"] + 2


async def test_database_lost_while_handling_a_stored_update_is_answered_once_it_is_back(
        tg, bot, monkeypatch):
    from storage import people

    real = people.get_or_create_resident

    async def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("SELECT residents", {}, ConnectionRefusedError("refused"))

    monkeypatch.setattr("bot.dispatcher.get_or_create_resident", unreachable)
    tg.send_text(RESIDENT, "低保怎么申请")
    apology = await tg.wait_for(RESIDENT)
    assert "已经收到" in apology.plain and "无需重发" in apology.plain  # a promise we keep
    monkeypatch.setattr("bot.dispatcher.get_or_create_resident", real)
    card = await tg.wait_for(RESIDENT, lambda m: "最低生活保障" in m.plain, timeout=15)
    assert card.message_id != apology.message_id
    await tg.settle()
    assert sum("系统暂时繁忙" in t for t in tg.texts(RESIDENT)) == 1  # told once, not per retry


async def test_failure_in_the_middle_of_a_change_leaves_nothing_half_written(tg, bot,
                                                                            monkeypatch):
    from storage import outbox

    tg.send_text(RESIDENT, "村口的桥栏杆松了")
    offer = await tg.wait_for(RESIDENT)

    async def unreachable(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("INSERT INTO outbox", {}, ConnectionError("connection lost"))

    before = await _counts(bot)
    monkeypatch.setattr(outbox, "enqueue", unreachable)
    tg.tap(RESIDENT, offer, "提交给工作人员")  # creates the matter, then fails notifying staff
    assert "系统暂时繁忙" in (await tg.wait_for(RESIDENT)).plain
    assert await _counts(bot) == before
    async with bot.session() as s:
        conv = await s.scalar(select(Conversation))
        assert conv.state == "offer"  # the question is still there to send
    monkeypatch.undo()
    tg.tap(RESIDENT, offer, "提交给工作人员")
    assert "Q1" in (await tg.wait_for(RESIDENT)).plain  # numbering did not skip


async def test_chats_are_handled_concurrently_and_each_in_order(tg, bot):
    gate = tg.hold("sendMessage", chat_id=RESIDENT)
    tg.send_text(RESIDENT, "/help")
    tg.send_text(RESIDENT, "/menu")
    await tg.wait_held(gate)
    tg.send_text(RESIDENT_2, "/help")  # another person is not kept waiting
    assert "/help" in (await tg.wait_for(RESIDENT_2)).plain
    assert gate.waiting == 1  # the first person's second update waits for their first
    gate.release()
    menu = await tg.wait_for(RESIDENT, lambda m: m.has_button("English"))
    first, second = tg.messages(RESIDENT)
    assert "/help" in first.plain and second is menu


async def test_direct_reply_waits_out_one_rate_limit(tg, bot):
    tg.fail("sendMessage", 429, retry_after=0.2, chat_id=RESIDENT)
    tg.send_text(RESIDENT, "/help")
    assert "/help" in (await tg.wait_for(RESIDENT)).plain
    assert [c.status for c in tg.calls_for("sendMessage", RESIDENT)] == [429, 200]


async def test_direct_reply_telegram_cannot_take_goes_through_the_outbox(tg, bot):
    tg.fail("sendMessage", 502, chat_id=RESIDENT)
    tg.send_text(RESIDENT, "/help")
    assert "/help" in (await tg.wait_for(RESIDENT)).plain

    async def delivered() -> bool:
        async with bot.session() as s:
            row = await s.scalar(select(Outbox).where(Outbox.kind == "reply"))
            return row.status == "sent" and row.user_id == str(RESIDENT)

    await eventually(delivered)


async def test_sender_maps_bot_api_errors_for_the_outbox(tg, bot):
    sender = TelegramSender(bot.application.bot_data["channel"].renderer)
    chat = 5550
    tg.fail("sendMessage", 429, retry_after=7, chat_id=chat)
    with pytest.raises(RetryLater) as limited:
        await sender.send(str(chat), [Reply("hi")])
    assert limited.value.retry_after == 7
    for status, error in ((403, RecipientBlocked), (400, PermanentFailure), (500, RetryLater),
                          (502, RetryLater)):
        tg.fail("sendMessage", status, chat_id=chat)
        with pytest.raises(error):
            await sender.send(str(chat), [Reply("hi")])
    with pytest.raises(PermanentFailure):
        await sender.send("console:someone", [Reply("hi")])
    await sender.send(str(chat), [Reply("<b>好</b>", document=None)])
    assert tg.last(chat).plain == "好"


async def test_phone_numbers_are_masked_in_logs(tg, bot, caplog):
    caplog.set_level(logging.DEBUG)
    tg.share_contact(RESIDENT, "8613812345678")
    await tg.wait_for(RESIDENT)
    tg.send_text(RESIDENT, "我的电话是13912345678，村里路灯坏了")
    await tg.wait_for(RESIDENT)
    await tg.settle()
    logged = caplog.text
    assert "Processing update" in logged  # PTB logged the updates, contact included…
    assert "13812345678" not in logged and "13912345678" not in logged  # …masked
    assert "138****5678" in logged
