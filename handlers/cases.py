"""Accepted cases (办件): /accept, /missing, /resume, /extend.

/accept starts from a check-in (the `case:from_booking:<id>` button the appointments flow
offers), a booking code, a matter number (a consultation that becomes a case) or a resident
(R<id> or channel:user_id); staff choose the item and tick the materials received, then the
resident gets the receipt (收件回执) through the outbox. /missing sends one written 补正告知
of everything still missing and stops the clock; /resume restarts it; /extend moves the date
with a reason the resident is told.

Callback data (staff only, re-checked against the staff member's dialog state):
case:from_booking:<booking id> · case:i:<item> choose item · case:s:<n> situation ·
case:t:<n> material · case:all · case:ok accept · case:chg change item · case:x cancel ·
case:m:<matter id> send the 补正告知 of a case just accepted.
"""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from bot.context import Context
from bot.router import Router
from domain import checklist as rules
from domain import deadlines
from domain.errors import DomainError
from domain.messages import Button, Reply
from handlers.acting import matter_for_action, me_for
from knowledge.model import Item
from services import cases as flows
from storage import cases, matters
from storage.bookings import normalise_code
from storage.models import Booking, Matter, Resident
from storage.people import find_resident, resident_by_id

LABEL_WIDTH = 28
_RESIDENT_REF = re.compile(r"^[Rr](\d{1,9})$")
ACCEPTABLE_BOOKINGS = ("active", "checked_in")


@dataclass
class Start:
    resident: Resident
    booking: Booking | None = None
    parent: Matter | None = None
    item: Item | None = None


# -- where a case starts from ----------------------------------------------------------------
async def _resolve(ctx: Context, ref: str) -> Start:
    """A booking code, R<id> / channel:user_id, or a matter number → who and what."""
    session = ctx.session
    if ":" in ref:
        resident = await find_resident(session, ref)
        if resident is None:
            raise DomainError("no_such_resident", ref=ref[:40])
        return Start(resident)
    if m := _RESIDENT_REF.match(ref):
        resident = await resident_by_id(session, int(m.group(1)))
        if resident is None:
            raise DomainError("no_such_resident", ref=ref[:40])
        return Start(resident)
    # as the appointments flow reads codes (`abc-234` → ABC234), else exactly as typed
    for code in dict.fromkeys(c for c in (normalise_code(ref), ref.upper(), ref) if c):
        booking = await cases.find_booking(session, code=code)
        if booking is not None:
            return await _from_booking(ctx, booking)
    if matters.parse_ref(ref) is None:
        raise DomainError("accept_ref_unknown", ref=ref[:20])
    parent = await matters.get_matter(session, ref)
    if parent.kind == "case":
        raise DomainError("already_a_case", number=parent.number)
    resident = await resident_by_id(session, parent.resident_id)
    return Start(resident, parent=parent, item=ctx.services.kb.get(parent.item_id or ""))


async def _from_booking(ctx: Context, booking: Booking) -> Start:
    # accepted already (the booking is then `served`): say which case it became
    if done := await cases.case_of_booking(ctx.session, booking.id):
        raise DomainError("booking_already_accepted", number=done.number)
    if booking.status not in ACCEPTABLE_BOOKINGS:
        raise DomainError("case_booking_inactive", booking_code=booking.code)
    resident = await resident_by_id(ctx.session, booking.resident_id)
    return Start(resident, booking=booking, item=ctx.services.kb.get(booking.item_id))


def _check_department(ctx: Context, item: Item) -> None:
    """Staff accept only their own department's items; supervisors and admins any."""
    dept = ctx.role.department
    item_dept = ctx.services.department_of(item)
    if ctx.role.at_least("supervisor") or dept is None or item_dept is None or dept == item_dept:
        return
    raise DomainError("case_other_department", item=item.name,
                      department=ctx.services.registry.name(dept, ctx.lang))


async def _begin(ctx: Context, start: Start, item_words: str = "") -> list[Reply]:
    data: dict[str, Any] = dict(resident=start.resident.id,
                                booking=start.booking.id if start.booking else None,
                                parent=start.parent.id if start.parent else None,
                                item=None, sit=[], have=[])
    if start.parent is not None:
        ctx.audit_matter_id = start.parent.id
    item = start.item
    if item is None and item_words:
        item = _confident_item(ctx, item_words)
    if item is None:
        ctx.set_state("case", **data)
        if item_words:
            return [_item_choices(ctx, item_words)]
        return [Reply(ctx.t("cases/ask_item", resident=start.resident),
                      ((ctx.button("btn.case_cancel", "case:x"),),))]
    _check_department(ctx, item)
    data["item"] = item.id
    ctx.set_state("case", **data)
    return [await _tick_reply(ctx, item, data, edit=False)]


def _confident_item(ctx: Context, words: str) -> Item | None:
    result = ctx.services.matcher.match(words, top=3)
    return result.matches[0].item if result.confident and result.matches else None


def _item_choices(ctx: Context, words: str) -> Reply:
    result = ctx.services.matcher.match(words[:200], top=5)
    rows = tuple((Button(m.item.name[:40], f"case:i:{m.item.id}"),) for m in result.matches)
    rows += ((ctx.button("btn.case_cancel", "case:x"),),)
    return Reply(ctx.t("cases/item_choices", words=words, found=bool(result.matches)), rows)


# -- the ticking screen -------------------------------------------------------------------
def _promised(ctx: Context, item: Item):  # type: ignore[no-untyped-def]
    return flows.promised(ctx.services.calendar, ctx.today, item,
                          default=ctx.services.settings.default_deadline_workdays)


async def _tick_reply(ctx: Context, item: Item, data: dict, *, edit: bool) -> Reply:
    chosen = rules.situations_of(item, data["sit"])
    lines = rules.checklist(item, chosen, data["have"])
    rows: list[tuple[Button, ...]] = [
        (Button(("☑ " if i in data["sit"] else "☐ ") + s[:LABEL_WIDTH], f"case:s:{i}"),)
        for i, s in enumerate(item.situations)
    ]
    rows += [(Button(("✅ " if ln.have else "⬜ ") + f"{n}. " + ln.material.name[:LABEL_WIDTH],
                     f"case:t:{ln.index}"),) for n, ln in enumerate(lines, 1)]
    rows.append((ctx.button("btn.case_all", "case:all"), ctx.button("btn.case_ok", "case:ok")))
    rows.append((ctx.button("btn.case_change_item", "case:chg"),
                 ctx.button("btn.case_cancel", "case:x")))
    resident = await resident_by_id(ctx.session, data["resident"])
    return Reply(ctx.t("cases/tick", item=item, lines=lines, situations=chosen,
                       resident=resident, deadline=_promised(ctx, item)), tuple(rows), edit=edit)


# -- commands ----------------------------------------------------------------------------
async def accept_cmd(ctx: Context) -> list[Reply]:
    """/accept REF [item name] — REF: booking code, matter number, R<id> or channel:user_id."""
    args = ctx.event.args.strip().split(None, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.accept"))]
    start = await _resolve(ctx, args[0])
    return await _begin(ctx, start, args[1] if len(args) > 1 else "")


async def on_item_text(ctx: Context) -> list[Reply]:
    """The item's name, typed by staff while accepting a case."""
    if not ctx.role.is_staff:  # a demoted staff member's old dialog
        ctx.clear_state()
        return [ctx.say("err.stale_button")]
    if ctx.event.kind != "text" or not ctx.event.text.strip():
        return [ctx.say("err.text_only_here")]
    return [_item_choices(ctx, ctx.event.text.strip())]


async def _from_booking_button(ctx: Context, raw_id: str) -> list[Reply]:
    """`case:from_booking:<id>`, offered after /checkin."""
    if not raw_id.isdigit():
        return await _other(ctx)
    booking = await cases.find_booking(ctx.session, booking_id=int(raw_id))
    if booking is None:
        raise DomainError("case_no_booking")
    return await _begin(ctx, await _from_booking(ctx, booking))


async def _missing_button(ctx: Context, raw_id: str) -> list[Reply]:
    """`case:m:<matter id>`: the 补正告知 of a case just accepted."""
    if not raw_id.isdigit():
        return await _other(ctx)
    return await _missing(ctx, raw_id, "")


async def _cancel(ctx: Context) -> list[Reply]:
    """`case:x`."""
    ctx.privileged_action = None
    if ctx.state != "case":
        return [ctx.say("err.stale_case")]
    ctx.clear_state()
    return [ctx.say("msg.case_cancelled")]


async def _choose_item(ctx: Context, item_id: str) -> list[Reply]:
    """`case:i:<item>`: the item being accepted."""
    item = ctx.services.kb.get(item_id)
    if ctx.state != "case" or item is None:
        return await _other(ctx)
    _check_department(ctx, item)
    ctx.update_data(item=item.id, sit=[], have=[])
    return [await _tick_reply(ctx, item, ctx.data, edit=True)]


Step = Callable[..., Awaitable[list[Reply]]]


def _ticking(step: Step) -> Step:
    """A button of the ticking screen: this staff member's acceptance of an item, still open."""
    async def handler(ctx: Context, *args: str) -> list[Reply]:
        ctx.privileged_action = None  # ticking is not an action on anyone's data yet
        item = ctx.services.kb.get(ctx.data.get("item") or "") if ctx.state == "case" else None
        if item is None:
            return [ctx.say("err.stale_case")]
        return await step(ctx, item, ctx.data, *args)
    return handler


@_ticking
async def _change_item(ctx: Context, item: Item, data: dict) -> list[Reply]:
    ctx.update_data(item=None, sit=[], have=[])
    return [Reply(ctx.t("cases/ask_item", resident=None),
                  ((ctx.button("btn.case_cancel", "case:x"),),))]


@_ticking
async def _situation(ctx: Context, item: Item, data: dict, raw: str) -> list[Reply]:
    index = rules.button_index(raw, len(item.situations))
    if index is None:
        return [ctx.say("err.stale_button")]
    ctx.update_data(sit=rules.toggle(data["sit"], index))
    return [await _tick_reply(ctx, item, ctx.data, edit=True)]


@_ticking
async def _tick(ctx: Context, item: Item, data: dict, raw: str) -> list[Reply]:
    have = rules.tick(item, data["sit"], data["have"], raw)
    if isinstance(have, str):
        return [ctx.say("err.stale_button" if have == "stale_button" else "err.stale_case")]
    ctx.update_data(have=have)
    return [await _tick_reply(ctx, item, ctx.data, edit=True)]


@_ticking
async def _all(ctx: Context, item: Item, data: dict) -> list[Reply]:
    ctx.update_data(have=rules.applicable_indexes(item, data["sit"]))
    return [await _tick_reply(ctx, item, ctx.data, edit=True)]


@_ticking
async def _ok(ctx: Context, item: Item, data: dict) -> list[Reply]:
    ctx.privileged_action = "accept"
    return await _accept(ctx, item, data)


async def _other(ctx: Context) -> list[Reply]:
    """Any other `case:` button: an acceptance no longer open, or a stale button."""
    ctx.privileged_action = None
    if ctx.state != "case" or ctx.services.kb.get(ctx.data.get("item") or "") is None:
        return [ctx.say("err.stale_case")]
    return [ctx.say("err.stale_button")]


async def _accept(ctx: Context, item: Item, data: dict) -> list[Reply]:
    """Register the case (services.cases.accept); the resident gets the receipt (收件回执)."""
    _check_department(ctx, item)
    done = await flows.accept(
        ctx.session, staff=ctx.key, handler=await me_for(ctx, item), resident_id=data["resident"],
        item=item, department=ctx.services.department_of(item), situations=data["sit"],
        have=data["have"], booking_id=data.get("booking"), parent_id=data.get("parent"),
        now=ctx.now, today=ctx.today, calendar=ctx.services.calendar,
        default_workdays=ctx.services.settings.default_deadline_workdays)
    ctx.audit_matter_id = done.matter.id
    await ctx.notify(*done.notices)
    ctx.clear_state()
    buttons = ((ctx.button("btn.case_send_missing", f"case:m:{done.matter.id}"),),) \
        if done.missing else ()
    return [Reply(ctx.t("cases/accepted", **done.params), buttons)]


def _args(ctx: Context, n: int) -> list[str]:
    return ctx.event.args.strip().split(None, n - 1) if ctx.event.args.strip() else []


async def missing_cmd(ctx: Context) -> list[Reply]:
    """/missing N [note] — one written 补正告知 of every missing material; the clock stops."""
    args = _args(ctx, 2)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.missing"))]
    return await _missing(ctx, args[0], args[1].strip()[:1000] if len(args) > 1 else "")


async def _missing(ctx: Context, ref: str, note: str) -> list[Reply]:
    matter = await matter_for_action(ctx, ref)
    item = ctx.services.kb.get(matter.item_id or "")
    done = await flows.send_missing(ctx.session, matter=matter, staff=ctx.key,
                                    handler=await me_for(ctx, item), item=item, note=note,
                                    now=ctx.now, today=ctx.today)
    await ctx.notify(*done.notices)
    return [ctx.say("msg.missing_sent", number=matter.number, count=len(done.missing),
                    unreachable=done.resident.unreachable)]


async def resume_cmd(ctx: Context) -> list[Reply]:
    """/resume N — the materials arrived: the clock runs again, the date moves by the pause."""
    args = _args(ctx, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.resume"))]
    matter = await matter_for_action(ctx, args[0])
    done = await flows.resume(ctx.session, matter=matter, staff=ctx.key,
                              item=ctx.services.kb.get(matter.item_id or ""), now=ctx.now,
                              today=ctx.today, calendar=ctx.services.calendar,
                              tz=ctx.services.tz)
    await ctx.notify(*done.notices)
    return [ctx.say("msg.resumed", number=matter.number, days=done.workdays,
                    deadline=ctx.services.renderer.local_day(done.deadline, ctx.lang))]


async def extend_cmd(ctx: Context) -> list[Reply]:
    """/extend N DAYS REASON — a later date, with the reason, told to the resident."""
    args = _args(ctx, 3)
    if len(args) < 3 or not args[1].isdigit() or not args[2].strip():
        return [ctx.say("err.usage", usage=ctx.label("usage.extend"))]
    days = int(args[1])
    if not 1 <= days <= deadlines.MAX_EXTENSION_WORKDAYS:
        raise DomainError("bad_extension", most=deadlines.MAX_EXTENSION_WORKDAYS)
    matter = await matter_for_action(ctx, args[0])
    done = await flows.extend(ctx.session, matter=matter, staff=ctx.key, workdays=days,
                              reason=args[2].strip()[:1000], now=ctx.now,
                              calendar=ctx.services.calendar)
    await ctx.notify(*done.notices)
    return [ctx.say("msg.extended", number=matter.number,
                    deadline=ctx.services.renderer.local_day(done.deadline, ctx.lang))]


def register(router: Router) -> None:
    router.command("accept", accept_cmd, role="staff", help_key="help.accept")
    router.command("missing", missing_cmd, role="staff", help_key="help.missing")
    router.command("resume", resume_cmd, role="staff", help_key="help.resume")
    router.command("extend", extend_cmd, role="staff", help_key="help.extend")
    # buttons: staff only, enforced (and refusals audited) by the dispatcher as `accept`
    staff = dict(role="staff", name="accept")
    router.choice("case", "from_booking", _from_booking_button, args=1, **staff)
    router.choice("case", "m", _missing_button, args=1, role="staff", name="missing")
    router.choice("case", "x", _cancel, **staff)
    router.choice("case", "i", _choose_item, args=1, **staff)
    for action, step, args in (("chg", _change_item, 0), ("s", _situation, 1), ("t", _tick, 1),
                               ("all", _all, 0), ("ok", _ok, 0)):
        router.choice("case", action, step, args=args, **staff)
    router.choice_default("case", _other, **staff)
    router.state("case", on_item_text)
