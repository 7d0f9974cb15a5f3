"""The outbox worker against a flaky Bot API: 429 with retry_after and 500s for a while, then
recovery — every notice arrives exactly once, in order per resident; a restart in the middle
loses nothing; a blocked bot (403) marks the resident unreachable and tells the owner."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from bot.delivery import MAX_ATTEMPTS, PermanentFailure, RecipientBlocked, RetryLater
from domain.messages import Reply
from storage import outbox
from storage.models import Outbox, Resident
from tests.factories import Console, make_app, make_settings
from tests.matter_helpers import ask_staff, pushed

RESIDENTS = ("r1", "r2", "r3")
PER_RESIDENT = 8


class FlakyApi:
    """A Bot API that answers 429 (retry_after) and 500 for its first calls, then recovers.

    It keeps what it accepted across app restarts, like Telegram does."""

    def __init__(self, script: list[str] | None = None, blocked: set[str] = frozenset()) -> None:
        self.script = list(script or [])
        self.blocked = set(blocked)
        self.delivered: list[tuple[str, str]] = []
        self.calls = 0

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        self.calls += 1
        if user_id in self.blocked:
            raise RecipientBlocked("403 Forbidden: bot was blocked by the user")
        step = self.script.pop(0) if self.script else "ok"
        if step == "429":
            raise RetryLater("429 Too Many Requests", retry_after=7)
        if step == "500":
            raise RetryLater("500 Internal Server Error")
        if step == "400":
            raise PermanentFailure("400 Bad Request: can't parse entities")
        if step == "boom":
            raise RuntimeError("connection reset")
        self.delivered.extend((user_id, r.text) for r in replies)

    def texts(self, user_id: str) -> list[str]:
        return [t for u, t in self.delivered if u == user_id]


async def _enqueue(app, users=RESIDENTS, n: int = PER_RESIDENT) -> None:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        for i in range(n):
            for u in users:
                await outbox.enqueue(s, channel="console", user_id=u, kind="test",
                                     replies=[Reply(f"{u}-{i}")], now=app.services.now())


async def _deliver_all(app, clock, rounds: int = 400) -> None:  # type: ignore[no-untyped-def]
    """Drain, then move the test clock to the next retry time, until nothing is pending."""
    worker = app.delivery
    for _ in range(rounds):
        await worker.drain()
        async with app.services.db.transaction() as s:
            if not (await outbox.counts(s)).get("pending"):
                return
            due = await outbox.next_due_at(s)
        clock.now = max(clock.now + timedelta(seconds=1), due + timedelta(milliseconds=1))
    raise AssertionError("the outbox never emptied")


def _assert_once_in_order(api: FlakyApi) -> None:
    for u in RESIDENTS:
        assert api.texts(u) == [f"{u}-{i}" for i in range(PER_RESIDENT)], u


async def test_429_and_500_then_recovery_every_notice_once_in_order(db_url, tmp_path, clock):
    app = await make_app(make_settings(tmp_path, db_url), clock)
    try:
        api = FlakyApi(["429", "500", "500", "429", "boom", "500", "500", "429"] * 3)
        worker = app.attach_sender("console", api)
        await _enqueue(app)
        await _deliver_all(app, clock)
        _assert_once_in_order(api)
        assert worker.stats.retried == 24 and worker.stats.failed == 0
        async with app.services.db.transaction() as s:
            assert await outbox.counts(s) == {"sent": len(RESIDENTS) * PER_RESIDENT}
    finally:
        await app.close()


async def test_a_429_holds_every_send_until_retry_after(app, clock):
    api = FlakyApi(["429"])
    worker = app.attach_sender("console", api)
    await _enqueue(app, n=2)
    await worker.run_once()  # one 429 among the first batch
    held = api.calls
    clock.advance(seconds=3)
    assert await worker.run_once() == 0 and api.calls == held  # still inside retry_after
    clock.advance(seconds=5)
    await worker.drain()
    async with app.services.db.transaction() as s:
        rows = list(await s.scalars(select(Outbox)))
    assert all(r.status == "sent" for r in rows)
    # being rate limited is not a failed attempt
    assert max(r.attempts for r in rows) == 1


async def test_restart_in_the_middle_loses_nothing_and_repeats_nothing(db_url, tmp_path, clock):
    settings = make_settings(tmp_path, db_url)
    api = FlakyApi(["500", "ok", "ok", "429"])
    app = await make_app(settings, clock)
    app.attach_sender("console", api)
    await _enqueue(app)
    await app.delivery.run_once()  # some sent, some failed and waiting for their retry
    async with app.services.db.transaction() as s:  # and a batch claimed by a worker that dies
        claimed = await outbox.claim_due(s, now=clock.now, limit=2)
    assert claimed
    await app.close()  # the process dies here, its leases unreleased

    app2 = await make_app(settings, clock)
    try:
        app2.attach_sender("console", api)
        await _deliver_all(app2, clock)  # leased rows come back when the lease runs out
        _assert_once_in_order(api)
    finally:
        await app2.close()


async def test_a_permanent_failure_is_given_up_and_the_rest_still_arrive(app, clock):
    api = FlakyApi(["400"])
    worker = app.attach_sender("console", api)
    await _enqueue(app, users=("r1",), n=3)
    await _deliver_all(app, clock)
    assert api.texts("r1") == ["r1-1", "r1-2"] and worker.stats.failed == 1


async def test_server_errors_are_retried_with_backoff_then_given_up(app, clock):
    api = FlakyApi(["500"] * (MAX_ATTEMPTS + 5))
    worker = app.attach_sender("console", api)
    await _enqueue(app, users=("r1",), n=1)
    await _deliver_all(app, clock, rounds=MAX_ATTEMPTS + 5)
    assert api.calls == MAX_ATTEMPTS and worker.stats.failed == 1
    async with app.services.db.transaction() as s:
        row = await s.scalar(select(Outbox))
    assert row.status == "failed" and "500" in row.last_error
    assert clock.now - row.created_at > timedelta(hours=4)  # backoff: hours, not seconds


async def test_blocked_bot_marks_the_resident_unreachable_and_staff_see_it(app, clock):
    res = Console(app, "r1", "王大妈")
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")
    staff = Console(app, "staff", "小陈")
    await staff.say("/take 1")
    api = FlakyApi(blocked={"r1"})
    app.attach_sender("console", api)
    await staff.say("/reply 1 明天来修")
    await staff.say("/reply 1 修好了")
    await _deliver_all(app, clock)
    async with app.services.db.transaction() as s:
        person = await s.scalar(select(Resident).where(Resident.user_id == "r1"))
        statuses = list(await s.scalars(select(Outbox.status).where(Outbox.user_id == "r1")))
    assert person.unreachable and set(statuses) == {"failed"}
    assert any("已屏蔽机器人" in t and "Q1" in t for t in api.texts("staff"))  # the owner is told
    assert "已屏蔽机器人" in await staff.text("/show 1") and "未送达" in await staff.text("/show 1")
    assert "📵" in await staff.text("/queue")
    assert "屏蔽" in await staff.text("/reply 1 请回电")
    # the resident writes again: they unblocked the bot
    await res.say("/status")
    async with app.services.db.transaction() as s:
        assert not (await s.scalar(select(Resident).where(Resident.user_id == "r1"))).unreachable


async def test_console_inboxes_helper_reads_plain_text(app, inboxes):
    await _enqueue(app, users=("r1",), n=1)
    await app.delivery.drain()
    assert pushed(inboxes, "r1") == ["r1-0"]
