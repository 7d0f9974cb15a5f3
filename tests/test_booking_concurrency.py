"""No overbooking, ever: many residents confirm the same time at once, through the real core
(app.handle → dispatcher → one transaction each), on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from bot.core import Event
from storage import bookings
from storage.models import Booking, Slot
from storage.people import get_or_create_resident
from tests.factories import Clock, make_app, make_settings

RESIDENTS = 120
ITEM, WHEN = "birth-registration", "202611240900"


async def test_a_hundred_and_twenty_residents_race_for_three_places(db_url, tmp_path):
    settings = make_settings(tmp_path, db_url, slot_capacity=3)
    app = await make_app(settings, Clock.local(2026, 11, 23, 10, 0))
    try:
        # residents known from earlier visits: their name and phone are remembered
        async with app.services.db.transaction() as s:
            for n in range(RESIDENTS):
                person, _ = await get_or_create_resident(s, channel="console", user_id=f"c{n}",
                                                         now=app.services.now())
                person.real_name, person.phone = f"居民{n}", f"138{n:08d}"

        def confirm(n: int) -> Event:
            return Event(channel="console", user_id=f"c{n}", kind="choice",
                         choice=f"book:ok:{ITEM}:{WHEN}")

        answers = await asyncio.gather(*(app.handle(confirm(n)) for n in range(RESIDENTS)))

        booked = [a for a in answers if "预约成功" in a[0].text]
        refused = [a for a in answers if "约满" in a[0].text]
        assert len(booked) == 3
        assert len(refused) == RESIDENTS - 3
        for replies in refused:
            offered = [b.data for row in replies[0].buttons for b in row]
            assert any(d.startswith(f"book:t:{ITEM}:20261124") for d in offered)  # nearest free
            assert f"book:t:{ITEM}:{WHEN}" not in offered
        async with app.services.db.transaction() as s:
            assert await s.scalar(select(Slot.booked)) == 3
            assert await s.scalar(select(func.count()).select_from(Booking)) == 3
            assert await bookings.capacity_violations(s) == 0
    finally:
        await app.close()
