"""Replies owed until sent (issue 8): an update's replies are recorded in its transaction,
settled once the channel sent them, and sent by the delivery worker when the channel died
before that; a stored update that meets a database outage is deferred, not dropped."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from bot.core import Event
from storage import inbox, outbox
from storage.db import Database
from storage.locks import hold_person
from storage.models import Conversation, InboxUpdate, Matter, Outbox
from tests.conftest import PG_SKIP
from tests.factories import drop_pg_schema, fresh_pg_url, make_app, make_settings, pg_reachable
from tests.test_outbox import FlakyApi


def _text(text: str, user: str = "r1") -> Event:
    return Event(channel="console", user_id=user, kind="text", text=text, display_name="王秀英")


async def _store(app, key: str) -> None:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        await inbox.store_many(s, channel="console", updates=[(key, {"k": key})],
                               now=app.services.now())


async def _owed(app) -> list[Outbox]:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return list(await s.scalars(select(Outbox).where(Outbox.kind == "reply")))


async def test_replies_are_recorded_with_the_changes_and_settled_once_sent(app):
    await _store(app, "u1")
    answer = await app.handle(_text("低保怎么申请"), update_key="u1", owe=True)
    assert "最低生活保障" in answer[0].text
    [row] = await _owed(app)
    assert row.id == answer.owed_id and row.status == "pending"
    assert row.lease_until is not None  # held for the sender, not the worker
    assert "最低生活保障" in row.payload["replies"][0]["text"]
    app.owed.settle(answer.owed_id)
    await app.owed.flush()
    [row] = await _owed(app)
    assert row.status == "sent" and row.payload == {}  # the text is not kept


async def test_own_worker_leaves_a_held_reply_alone_even_past_its_lease(app, clock):
    await _store(app, "u1")
    await app.handle(_text("低保怎么申请"), update_key="u1", owe=True)
    api = FlakyApi()
    worker = app.attach_sender("console", api)
    clock.advance(seconds=outbox.REPLY_LEASE.total_seconds() + 1)  # a long 429 wait, say
    await worker.drain()
    assert api.delivered == []  # the fast path is still sending it: not twice


async def test_a_reply_a_dead_process_never_sent_is_delivered_by_another_once(app, settings,
                                                                           clock):
    await _store(app, "u1")
    answer = await app.handle(_text("低保怎么申请"), update_key="u1", owe=True)
    other = await make_app(settings, clock)  # another worker, or this one restarted
    try:
        api = FlakyApi()
        worker = other.attach_sender("console", api)
        await worker.drain()
        assert api.delivered == []  # leased to the first process: not sent twice
        clock.advance(seconds=outbox.REPLY_LEASE.total_seconds() + 1)
        await worker.drain()
        await worker.drain()
        assert [u for u, _ in api.delivered] == ["r1"]
        assert "最低生活保障" in api.delivered[0][1]
        assert answer.owed_id is not None and (await _owed(app))[0].status == "sent"
    finally:
        await other.close()


async def test_at_start_a_single_process_releases_owed_replies_at_once(app, settings, clock):
    await _store(app, "u1")
    await app.handle(_text("低保怎么申请"), update_key="u1", owe=True)
    restarted = await make_app(settings, clock)
    try:
        async with restarted.services.db.transaction() as s:
            assert await outbox.release_owed(s, channel="console") == 1
        api = FlakyApi()
        await restarted.attach_sender("console", api).drain()
        assert len(api.delivered) == 1
    finally:
        await restarted.close()


async def test_a_refusal_is_owed_too(app):
    await _store(app, "u2")
    answer = await app.handle(Event(channel="console", user_id="r1", kind="command",
                                    command="reply", args="1 hello"), update_key="u2", owe=True)
    assert answer.owed_id is not None
    [row] = await _owed(app)
    assert row.payload["replies"][0]["text"] == answer[0].text


async def test_handing_over_keeps_only_what_was_not_sent(app, clock):
    await _store(app, "u3")
    answer = await app.handle(_text("低保怎么申请"), update_key="u3", owe=True)
    assert await app.owed.hand_over(answer.owed_id, answer[-1:], "NetworkError")
    api = FlakyApi()
    await app.attach_sender("console", api).drain()
    assert [t for _, t in api.delivered] == [r.text for r in answer[-1:]]


async def test_a_database_outage_defers_a_stored_update_and_keeps_it_unprocessed(app,
                                                                              monkeypatch):
    await _store(app, "u4")

    async def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("connect", {}, ConnectionRefusedError(111, "refused"))

    monkeypatch.setattr("bot.dispatcher.get_or_create_resident", refused)
    answer = await app.handle(_text("我要投诉"), update_key="u4", owe=True)
    assert answer.deferred and answer.owed_id is None
    assert "无需重发" in answer[0].text  # we promise only what we keep
    async with app.services.db.transaction() as s:
        assert [r.update_key for r in await inbox.unprocessed(s, channel="console")] == ["u4"]
    monkeypatch.undo()
    answer = await app.handle(_text("低保怎么申请"), update_key="u4", owe=True)
    assert not answer.deferred and "最低生活保障" in answer[0].text
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(InboxUpdate)
                              .where(InboxUpdate.processed_at.is_(None))) == 0


async def test_an_update_not_stored_is_told_to_send_again(app, monkeypatch):
    async def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("connect", {}, ConnectionRefusedError(111, "refused"))

    monkeypatch.setattr("bot.dispatcher.get_or_create_resident", refused)
    answer = await app.handle(_text("低保怎么申请"))
    assert not answer.deferred and "再发一次" in answer[0].text
    async with app.services.db.transaction() as s:
        assert await s.scalar(select(func.count()).select_from(Matter)) == 0


async def test_refused_connections_are_one_warning_each_not_tracebacks(app, monkeypatch, caplog):
    async def refused(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise OperationalError("connect", {}, ConnectionRefusedError(111, "Connect call failed"))

    monkeypatch.setattr("bot.dispatcher.get_or_create_resident", refused)
    for n in range(3):
        await app.handle(_text(f"问题{n}"))
    problems = [r for r in caplog.records if r.levelname in ("WARNING", "ERROR")]
    assert len(problems) == 3 and not any(r.exc_info for r in problems)
    assert all("ConnectionRefusedError" in r.getMessage() for r in problems)


async def test_a_connection_lost_mid_statement_is_an_outage_not_a_bug(app, monkeypatch):
    """asyncpg's 'connection was closed in the middle of operation' (seen in the chaos
    benchmark) comes as a DBAPIError whose connection SQLAlchemy invalidated."""
    from sqlalchemy.exc import DBAPIError

    await _store(app, "u5")

    async def lost(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise DBAPIError("SELECT residents", {}, Exception("connection was closed"),
                         connection_invalidated=True)

    monkeypatch.setattr("bot.dispatcher.get_or_create_resident", lost)
    answer = await app.handle(_text("低保怎么申请"), update_key="u5", owe=True)
    assert answer.deferred
    async with app.services.db.transaction() as s:
        assert [r.update_key for r in await inbox.unprocessed(s, channel="console")] == ["u5"]


async def test_a_reply_settled_while_a_flush_is_writing_is_recorded_too(app, monkeypatch):
    import asyncio

    for key in ("u6", "u7"):
        await _store(app, key)
    first = await app.handle(_text("低保怎么申请"), update_key="u6", owe=True)
    second = await app.handle(_text("身份证丢了怎么补", user="r2"), update_key="u7", owe=True)
    real, writing = outbox.settle_owed, asyncio.Event()

    async def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        writing.set()
        await asyncio.sleep(0.2)
        await real(*args, **kwargs)

    monkeypatch.setattr(outbox, "settle_owed", slow)
    app.owed.settle(first.owed_id)
    await writing.wait()
    app.owed.settle(second.owed_id)  # while the first batch is being written
    for _ in range(50):
        if not app.owed.held():
            break
        await asyncio.sleep(0.05)
    assert {r.status for r in await _owed(app)} == {"sent"}


async def _count(app, model) -> int:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model))


async def _states(app) -> list[str]:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return list(await s.scalars(select(Conversation.state)))


async def test_an_update_handled_before_is_dropped_and_changes_nothing(app_on):
    """A webhook repeat, a replay at start-up of an update another worker is handling, or a
    retry after a commit whose acknowledgement was lost: the database says it was processed
    and the second handling answers nothing and changes nothing."""
    await _store(app_on, "u1")
    first = await app_on.handle(_text("村口的桥栏杆松了"), update_key="u1", owe=True)
    assert first and first.owed_id is not None
    tapped = await app_on.handle(Event(channel="console", user_id="r1", kind="choice",
                                       choice=first[0].buttons[0][0].data))
    matters = await _count(app_on, Matter)
    owed = await _count(app_on, Outbox)
    again = await app_on.handle(_text("村口的桥栏杆松了"), update_key="u1", owe=True)
    assert list(again) == [] and again.owed_id is None
    assert (await _count(app_on, Matter), await _count(app_on, Outbox)) == (matters, owed)
    # the dialog goes on from the tap, not from the repeated question
    assert tapped and await _states(app_on) == ["idle"]


async def test_two_workers_handling_one_update_at_once_answer_it_once(db_url, tmp_path, clock):
    settings = make_settings(tmp_path, db_url)
    one, two = await make_app(settings, clock), await make_app(settings, clock)
    try:
        await _store(one, "u7")
        answers = await asyncio.gather(
            one.handle(_text("低保怎么申请"), update_key="u7", owe=True),
            two.handle(_text("低保怎么申请"), update_key="u7", owe=True))
        assert sorted(len(a) > 0 for a in answers) == [False, True]
        assert len(await _owed(one)) == 1
    finally:
        await one.close()
        await two.close()


@pytest.mark.skipif(not pg_reachable(), reason=PG_SKIP)
async def test_a_reply_never_overtakes_another_workers_unsent_reply(tmp_path, clock):
    """A double tap reaching two workers at once: the second waits for the first's commit,
    and its answer must not reach the person before the first's (an edit showing one tick
    would land last). It goes to the delivery worker, which sends it once the first is sent.
    A person's next step after reading the answer (no waiting) goes out at once as usual."""
    url, schema = await fresh_pg_url()
    db = Database(url)
    await db.upgrade()
    await db.dispose()
    settings = make_settings(tmp_path, url)
    one, two = await make_app(settings, clock), await make_app(settings, clock)
    try:
        async with one.services.db.transaction() as s:  # the first worker, mid-update
            await hold_person(s, "console:r1")
            second_task = asyncio.create_task(two.handle(_text("低保怎么申请"), owe=True))
            await asyncio.sleep(0.3)
            assert not second_task.done()  # waits for the person
            first_id = await outbox.record_owed(s, channel="console", user_id="r1",
                                                replies=[{"text": "第一次"}], now=clock())
        second = await second_task
        assert second.queued and second.owed_id is None and len(second) > 0
        api = FlakyApi()
        worker = two.attach_sender("console", api)
        await worker.drain()
        assert api.delivered == []  # the first worker has not sent its reply yet
        one.owed.settle(first_id)
        await one.owed.flush()
        await worker.drain()
        assert [u for u, _ in api.delivered] == ["r1"]
        assert "最低生活保障" in api.delivered[0][1]
        # the next step, sent after reading: on the fast path again
        third = await one.handle(_text("低保怎么申请"), owe=True)
        assert not third.queued and third.owed_id is not None
    finally:
        await one.close()
        await two.close()
        await drop_pg_schema(schema)
