"""Staff side of matters: /queue, /show, /take, /reply, /transfer, /note, /find (and the 接单
button). Cases, completion, complaints and roles have their own modules.

Every command here needs the staff role (checked by the dispatcher, refusals audited); acting
on a matter also needs the right to act on it (domain.access, domain.matter_rules).
"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from bot.settings import person_key
from bot.staff_names import staff_name
from domain.access import may_unmask
from domain.errors import DomainError
from domain.matter_rules import may_handle
from domain.messages import Reply
from domain.privacy import has_phone, mask_ids, mask_phone, mask_text
from handlers.acting import matter_for_action, may_see, me, names_for
from services.notices import notice
from storage import matters, outbox
from storage.absences import away_now
from storage.cases import find_booking
from storage.models import Matter
from storage.people import resident_by_id, residents_by_id, role_of, unreachable_among

QUEUE_VIEWS = ("all", "mine", "new", "overdue")
KINDS = ("consult", "complaint", "case", "homevisit", "followup")


def _args(ctx: Context, n: int) -> list[str]:
    """Split the command line into at most `n` parts (the last keeps its spaces)."""
    return ctx.event.args.strip().split(None, n - 1) if ctx.event.args.strip() else []


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
    rows = [m for m in rows if may_see(ctx, m)]
    names = await names_for(ctx, [m.owner for m in rows])
    unreachable = await _unreachable(ctx, rows)
    return [Reply(ctx.t("staff/queue", matters=rows, view=arg, names=names, today=ctx.today,
                        mask=mask_text, unreachable=unreachable))]


async def _unreachable(ctx: Context, rows: list[Matter]) -> set[int]:
    """Residents of these matters who blocked the bot: staff must phone them instead."""
    return await unreachable_among(ctx.session, (m.resident_id for m in rows))


async def show_cmd(ctx: Context) -> list[Reply]:
    """/show N — the matter with its whole history."""
    args = _args(ctx, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.show"))]
    matter = await matter_for_action(ctx, args[0])
    events = await matters.history(ctx.session, matter)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    names = await names_for(ctx, [matter.owner, *(e.actor for e in events)])
    item = ctx.services.kb.get(matter.item_id or "")
    failed = await outbox.failed_count(ctx.session, matter_id=matter.id)
    full = may_unmask(role=ctx.role.name, actor=ctx.key, matter_owner=matter.owner)
    data = matter.data or {}
    booking = await find_booking(ctx.session, booking_id=matter.booking_id)
    booking_phone = booking.phone if booking is not None else ""
    if full and (resident.phone or booking_phone or has_phone(matter.content)
                 or data.get("contact") or data.get("phone")):
        # the full number is shown for a purpose (calling the resident): every view recorded
        await ctx.audit("unmask", matter_id=matter.id, target=resident.key, detail="phone")
    return [Reply(ctx.t("staff/show", matter=matter, events=events, resident=resident,
                        names=names, mask=mask_ids if full else mask_text, item=item,
                        data=data, failed=failed, full=full, booking_phone=booking_phone,
                        show_phone=_as_is if full else mask_phone))]


def _as_is(phone: str | None) -> str:
    return phone or ""


async def take_cmd(ctx: Context) -> list[Reply]:
    """/take N — become the owner of an open matter."""
    args = _args(ctx, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.take"))]
    return await _take(ctx, args[0])


async def _take(ctx: Context, ref: str) -> list[Reply]:
    matter = await matter_for_action(ctx, ref, taking=True)
    await matters.take(ctx.session, matter, staff=ctx.key, now=ctx.now)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    await ctx.notify(notice([resident.key], "handoff/resident_taken", kind="matter_taken",
                            matter=matter, staff=await me(ctx), matter_id=matter.id))
    return [Reply(ctx.t("staff/taken", matter=matter, resident=resident, mask=mask_text))]


async def reply_cmd(ctx: Context) -> list[Reply]:
    """/reply N text — the answer reaches the resident through the outbox."""
    args = _args(ctx, 2)
    if len(args) < 2 or not args[1].strip():
        return [ctx.say("err.usage", usage=ctx.label("usage.reply"))]
    matter = await matter_for_action(ctx, args[0])
    text = args[1].strip()[:3500]
    await matters.record_reply(ctx.session, matter, staff=ctx.key, text=text, now=ctx.now)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    await ctx.notify(notice([resident.key], "handoff/resident_reply", kind="staff_reply",
                            matter=matter, text=text, staff=await me(ctx),
                            buttons=[[("btn.add_info", f"ho:add:{matter.id}")]],
                            matter_id=matter.id))
    return [ctx.say("msg.reply_queued", number=matter.number,
                    unreachable=resident.unreachable)]


async def transfer_cmd(ctx: Context) -> list[Reply]:
    """/transfer N STAFF note — hand the matter on, with its history, to another staff member."""
    args = _args(ctx, 3)
    if len(args) < 2:
        return [ctx.say("err.usage", usage=ctx.label("usage.transfer"))]
    matter = await matter_for_action(ctx, args[0])
    target = person_key(args[1].lstrip("@"))
    channel, _, uid = target.partition(":")
    target_role = await role_of(ctx.session, ctx.services.settings, channel, uid)
    if not target_role.is_staff:
        raise DomainError("not_staff", who=args[1][:40])
    if not may_handle(kind=matter.kind, sensitive=bool((matter.data or {}).get("sensitive")),
                      role=target_role.name):
        raise DomainError("needs_supervisor", number=matter.number)
    away = await away_now(ctx.session, ctx.now)
    if target in away:  # AB岗: hand it to whoever stands in, not to an empty desk
        names = await names_for(ctx, [target, away[target].backup])
        raise DomainError("transfer_to_away", who=names[target],
                          backup=names[away[target].backup])
    note = args[2].strip() if len(args) > 2 else ""
    await matters.transfer(ctx.session, matter, staff=ctx.key, to=target,
                           department=target_role.department, note=note, now=ctx.now)
    events = await matters.history(ctx.session, matter)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    names = await names_for(ctx, [target, ctx.key, *(e.actor for e in events)])
    await ctx.notify(notice([target], "staff/transferred_to_you", kind="staff_transfer",
                            matter=matter, events=events, note=note, resident=resident,
                            names=names, sender=names.get(ctx.key, ""), mask=mask_text,
                            matter_id=matter.id))
    await ctx.notify(notice([resident.key], "handoff/resident_transferred",
                            kind="matter_transferred", matter=matter,
                            staff=await staff_name(ctx.session, ctx.services, target),
                            matter_id=matter.id))
    return [ctx.say("msg.transferred", number=matter.number, to=names.get(target, target))]


async def _take_button(ctx: Context, ref: str) -> list[Reply]:
    """`stf:take:<id>` from a new-matter notice; needs the staff role like /take."""
    if not ref.isdigit():
        ctx.privileged_action = None
        return [ctx.say("err.stale_button")]
    return await _take(ctx, ref)


async def note_cmd(ctx: Context) -> list[Reply]:
    """/note N text — an internal note in the matter's history; never shown to the resident."""
    args = _args(ctx, 2)
    if len(args) < 2 or not args[1].strip():
        return [ctx.say("err.usage", usage=ctx.label("usage.note"))]
    matter = await matter_for_action(ctx, args[0])
    await matters.add_note(ctx.session, matter, staff=ctx.key, text=args[1].strip()[:2000],
                           now=ctx.now)
    return [ctx.say("msg.note_added", number=matter.number)]


async def find_cmd(ctx: Context) -> list[Reply]:
    """/find N or /find LAST-DIGITS-OF-PHONE — only matters this staff member may see; phone
    and ID numbers masked."""
    arg = (_args(ctx, 1) or [""])[0].strip()
    digits = arg.lstrip("#")
    if not arg or (matters.parse_ref(arg) is None and not digits.isdigit()):
        return [ctx.say("err.usage", usage=ctx.label("usage.find"))]
    found: dict[int, Matter] = {}
    ref = matters.parse_ref(arg)
    if ref is not None:
        matter = await matters.matter_by_id(ctx.session, ref)
        if matter is not None:
            found[matter.id] = matter
    if digits.isdigit() and 4 <= len(digits) <= 11:
        for m in await matters.matters_by_phone_tail(ctx.session, digits):
            found.setdefault(m.id, m)
    rows = [m for m in found.values() if may_see(ctx, m)]
    residents = await residents_by_id(ctx.session, (m.resident_id for m in rows))
    return [Reply(ctx.t("staff/find", query=arg, matters=rows, residents=residents,
                        mask=mask_text, today=ctx.today))]


def register(router: Router) -> None:
    router.command("queue", queue_cmd, role="staff", help_key="help.queue")
    router.command("show", show_cmd, role="staff", help_key="help.show")
    router.command("find", find_cmd, role="staff", help_key="help.find")
    router.command("take", take_cmd, role="staff", help_key="help.take")
    router.command("reply", reply_cmd, role="staff", help_key="help.reply")
    router.command("note", note_cmd, role="staff", help_key="help.note")
    router.command("transfer", transfer_cmd, role="staff", help_key="help.transfer")
    router.choice("stf", "take", _take_button, args=1, role="staff", name="take")
    router.choice_default("stf", role="staff", name="take")
