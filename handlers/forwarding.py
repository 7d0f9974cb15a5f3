"""上报 and 代办 for staff: /forward N OFFICE [note] sends a case to the higher office and stops
its clock; /returned N RESULT records the office's answer and starts the clock again. The
resident is told at each step; /done completes it (collect at the window or delivered)."""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain import deadlines
from domain.messages import Reply
from handlers.acting import matter_for_action
from services.notices import notice
from storage import forwarding
from storage.people import resident_by_id

OFFICE_MAX = 60


def _args(ctx: Context, n: int) -> list[str]:
    return ctx.event.args.strip().split(None, n - 1) if ctx.event.args.strip() else []


async def forward_cmd(ctx: Context) -> list[Reply]:
    """/forward N OFFICE [note] — 上报: the clock stops while the office has it."""
    args = _args(ctx, 3)
    if len(args) < 2:
        return [ctx.say("err.usage", usage=ctx.label("usage.forward"))]
    matter = await matter_for_action(ctx, args[0])
    office = args[1].strip()[:OFFICE_MAX]
    note = args[2].strip()[:1000] if len(args) > 2 else ""
    await forwarding.forward(ctx.session, matter, staff=ctx.key, office=office, note=note,
                             now=ctx.now)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    item = ctx.services.kb.get(matter.item_id or "")
    await ctx.notify(notice([resident.key], "cases/forwarded",
                            kind="case_forwarded", matter_id=matter.id, matter=matter,
                            item=item, office=office))
    return [ctx.say("msg.forwarded", number=matter.number, office=office,
                    unreachable=resident.unreachable)]


async def returned_cmd(ctx: Context) -> list[Reply]:
    """/returned N RESULT — the office's answer; the date moves by the working days it took."""
    args = _args(ctx, 2)
    if len(args) < 2 or not args[1].strip():
        return [ctx.say("err.usage", usage=ctx.label("usage.returned"))]
    matter = await matter_for_action(ctx, args[0])
    cal, tz = ctx.services.calendar, ctx.services.tz
    new, days = matter.deadline, 0
    if matter.paused_since is not None and matter.deadline is not None:
        paused_on = matter.paused_since.astimezone(tz).date()
        days = deadlines.paused_workdays(cal, paused_on, ctx.today)
        new = deadlines.deadline_after_pause(cal, matter.deadline, paused_on, ctx.today)
    result = args[1].strip()[:2000]
    await forwarding.returned(ctx.session, matter, staff=ctx.key, result=result, now=ctx.now,
                              new_deadline=new, paused_days=days)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    item = ctx.services.kb.get(matter.item_id or "")
    office = (matter.data or {}).get("returns", [{}])[-1].get("office", "")
    await ctx.notify(notice([resident.key], "cases/returned",
                            kind="case_returned", matter_id=matter.id, matter=matter,
                            item=item, office=office, result=result, paused_days=days))
    return [ctx.say("msg.returned", number=matter.number, days=days,
                    deadline=ctx.services.renderer.local_day(matter.deadline, ctx.lang))]


def register(router: Router) -> None:
    router.command("forward", forward_cmd, role="staff", help_key="help.forward")
    router.command("returned", returned_cmd, role="staff", help_key="help.returned")
