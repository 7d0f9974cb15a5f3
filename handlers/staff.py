"""Staff side of consultations: /queue, /show, /take, /reply, /transfer (and the 接单 button).

Every command here needs the staff role (checked by the dispatcher, refusals audited); acting
on a matter also needs the right to act on it (domain.access).
"""

from __future__ import annotations

from bot.context import Context
from bot.core import Reply
from bot.router import Router
from bot.settings import person_key
from domain.access import may_act
from domain.privacy import mask_text
from storage import matters
from storage.errors import DomainError
from storage.models import Matter
from storage.people import find_resident, role_of

QUEUE_VIEWS = ("all", "mine", "new", "overdue")
KINDS = ("consult", "complaint", "case", "homevisit", "followup")


def _args(ctx: Context, n: int) -> list[str]:
    """Split the command line into at most `n` parts (the last keeps its spaces)."""
    return ctx.event.args.strip().split(None, n - 1) if ctx.event.args.strip() else []


async def _matter_for_action(ctx: Context, ref: str, *, taking: bool = False) -> Matter:
    matter = await matters.get_matter(ctx.session, ref, for_update=True)
    ctx.audit_matter_id = matter.id
    if taking and matter.owner and matter.owner != ctx.key:
        owner = (await _names(ctx, [matter.owner]))[matter.owner]
        raise DomainError("already_taken", number=matter.number, owner=owner)
    if not may_act(role=ctx.role.name, department=ctx.role.department, actor=ctx.key,
                   matter_department=matter.department, matter_owner=matter.owner):
        raise DomainError("not_your_matter", number=matter.number)  # audited by the dispatcher
    return matter


async def _names(ctx: Context, keys: list[str | None]) -> dict[str, str]:
    out = {}
    for key in {k for k in keys if k}:
        person = await find_resident(ctx.session, key)
        out[key] = person.display_name if person and person.display_name else key
    return out


async def queue_cmd(ctx: Context) -> list[Reply]:
    """/queue [all|mine|new|overdue|consult|complaint|case|homevisit|followup]"""
    arg = (_args(ctx, 1) or ["all"])[0].lower()
    if arg not in QUEUE_VIEWS and arg not in KINDS:
        return [ctx.say("err.usage", usage=ctx.label("usage.queue"))]
    view = arg if arg in QUEUE_VIEWS else "all"
    kinds = [arg] if arg in KINDS else None
    dept = None if ctx.role.at_least("supervisor") else ctx.role.department
    rows = await matters.queue(ctx.session, view=view, staff=ctx.key, department=dept,
                               today=ctx.today, kinds=kinds)
    names = await _names(ctx, [m.owner for m in rows])
    return [Reply(ctx.t("staff/queue", matters=rows, view=arg, names=names, today=ctx.today,
                        mask=mask_text))]


async def show_cmd(ctx: Context) -> list[Reply]:
    """/show N — the matter with its whole history."""
    args = _args(ctx, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.show"))]
    matter = await _matter_for_action(ctx, args[0])
    events = await matters.history(ctx.session, matter)
    resident = await ctx.session.get(type(ctx.person), matter.resident_id)
    names = await _names(ctx, [matter.owner, *(e.actor for e in events)])
    return [Reply(ctx.t("staff/show", matter=matter, events=events, resident=resident,
                        names=names, mask=mask_text))]


async def take_cmd(ctx: Context) -> list[Reply]:
    """/take N — become the owner of an open matter."""
    args = _args(ctx, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.take"))]
    return await _take(ctx, args[0])


async def _take(ctx: Context, ref: str) -> list[Reply]:
    matter = await _matter_for_action(ctx, ref, taking=True)
    await matters.take(ctx.session, matter, staff=ctx.key, now=ctx.now)
    resident = await ctx.session.get(type(ctx.person), matter.resident_id)
    await ctx.notify_template([resident.key], "handoff/resident_taken", kind="matter_taken",
                              matter=matter, staff_name=ctx.person.display_name,
                              matter_id=matter.id)
    return [Reply(ctx.t("staff/taken", matter=matter, resident=resident, mask=mask_text))]


async def reply_cmd(ctx: Context) -> list[Reply]:
    """/reply N text — the answer reaches the resident through the outbox."""
    args = _args(ctx, 2)
    if len(args) < 2 or not args[1].strip():
        return [ctx.say("err.usage", usage=ctx.label("usage.reply"))]
    matter = await _matter_for_action(ctx, args[0])
    text = args[1].strip()[:3500]
    await matters.record_reply(ctx.session, matter, staff=ctx.key, text=text, now=ctx.now)
    resident = await ctx.session.get(type(ctx.person), matter.resident_id)
    await ctx.notify_template([resident.key], "handoff/resident_reply", kind="staff_reply",
                              matter=matter, text=text, staff_name=ctx.person.display_name,
                              buttons=[[("btn.add_info", f"ho:add:{matter.id}")]],
                              matter_id=matter.id)
    return [ctx.say("msg.reply_queued", number=matter.number,
                    unreachable=resident.unreachable)]


async def transfer_cmd(ctx: Context) -> list[Reply]:
    """/transfer N STAFF note — hand the matter on, with its history, to another staff member."""
    args = _args(ctx, 3)
    if len(args) < 2:
        return [ctx.say("err.usage", usage=ctx.label("usage.transfer"))]
    matter = await _matter_for_action(ctx, args[0])
    target = person_key(args[1].lstrip("@"))
    channel, _, uid = target.partition(":")
    target_role = await role_of(ctx.session, ctx.services.settings, channel, uid)
    if not target_role.is_staff:
        raise DomainError("not_staff", who=args[1][:40])
    note = args[2].strip() if len(args) > 2 else ""
    await matters.transfer(ctx.session, matter, staff=ctx.key, to=target,
                           department=target_role.department, note=note, now=ctx.now)
    events = await matters.history(ctx.session, matter)
    resident = await ctx.session.get(type(ctx.person), matter.resident_id)
    names = await _names(ctx, [target, ctx.key, *(e.actor for e in events)])
    await ctx.notify_template([target], "staff/transferred_to_you", kind="staff_transfer",
                              matter=matter, events=events, note=note, resident=resident,
                              names=names, sender=ctx.person.display_name, mask=mask_text,
                              matter_id=matter.id)
    await ctx.notify_template([resident.key], "handoff/resident_transferred",
                              kind="matter_transferred", matter=matter,
                              staff_name=names.get(target, ""), matter_id=matter.id)
    return [ctx.say("msg.transferred", number=matter.number, to=names.get(target, target))]


async def on_choice(ctx: Context) -> list[Reply]:
    """`stf:take:<id>` from a new-matter notice; needs the staff role like /take."""
    parts = ctx.event.choice.split(":")
    if not ctx.role.is_staff:
        await ctx.audit("take", detail=ctx.event.choice, allowed=False)
        return [ctx.say("err.not_allowed", command="take")]
    if len(parts) == 3 and parts[1] == "take" and parts[2].isdigit():
        ctx.privileged_action = "take"
        return await _take(ctx, parts[2])
    return [ctx.say("err.stale_button")]


def register(router: Router) -> None:
    router.command("queue", queue_cmd, role="staff", help_key="help.queue")
    router.command("show", show_cmd, role="staff", help_key="help.show")
    router.command("take", take_cmd, role="staff", help_key="help.take")
    router.command("reply", reply_cmd, role="staff", help_key="help.reply")
    router.command("transfer", transfer_cmd, role="staff", help_key="help.transfer")
    router.choice("stf", on_choice)
