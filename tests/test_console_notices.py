"""Several consoles on one database (separate processes, each with its own outbox worker):
each delivers only the notices of the person it speaks as."""

from __future__ import annotations

from sqlalchemy import select

from bot.channels.console import ConsoleChannel
from storage.models import Outbox
from tests.factories import make_app
from tests.matter_helpers import option


async def test_consoles_do_not_take_each_others_notices(settings, clock):
    resident_app, staff_app = await make_app(settings, clock), await make_app(settings, clock)
    try:
        resident_out: list[str] = []
        staff_out: list[str] = []
        resident = ConsoleChannel(resident_app, user_id="r1", out=resident_out.append)
        staff = ConsoleChannel(staff_app, user_id="staff", name="小陈", out=staff_out.append)
        resident_worker, staff_worker = resident.deliver_own(), staff.deliver_own()

        replies = await resident.say("村口那条路的路灯坏了好几天了谁管")
        number = next(n for n, data in resident.options.items()
                      if data == option(replies, "提交给工作人员"))
        await resident.say(number)
        # the resident's console runs its worker first: the staff notice is not its to print
        assert await resident_worker.run_once() == 0
        assert not any("📨" in line for line in resident_out)
        assert await staff_worker.run_once() == 1
        assert any("路灯" in line for line in staff_out)

        await staff.say("/take 1")
        await staff.say("/reply 1 已联系供电所，明天来修")
        assert await staff_worker.run_once() == 0  # the resident's notices wait for them
        await resident_worker.drain()
        assert any("明天来修" in line for line in resident_out)
        assert not any("明天来修" in line for line in staff_out)
        async with resident_app.services.db.transaction() as s:
            rows = list(await s.scalars(select(Outbox)))
        assert {r.status for r in rows if r.user_id in ("r1", "staff")} == {"sent"}
        # notices of people whose console is not running stay for them, untried
        assert all(r.status == "pending" and r.attempts == 0
                   for r in rows if r.user_id not in ("r1", "staff"))
    finally:
        await resident_app.close()
        await staff_app.close()
