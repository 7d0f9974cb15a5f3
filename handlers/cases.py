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
from dataclasses import dataclass
from typing import Any

from bot.context import Context
from bot.notices import Document, push
from bot.router import Router
from domain import checklist as rules
from domain import deadlines
from domain.documents import applicant_name, document_number
from domain.errors import DomainError
from domain.messages import Button, Reply
from handlers.staff import matter_for_action, me_for, refuse_unless_staff
from knowledge.model import Item
from storage import cases, matters
from storage.bookings import normalise_code
from storage.models import Booking, Matter, Resident
from storage.people import find_resident

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
        resident = await session.get(Resident, int(m.group(1)))
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
    resident = await session.get(Resident, parent.resident_id)
    return Start(resident, parent=parent, item=ctx.services.kb.get(parent.item_id or ""))


async def _from_booking(ctx: Context, booking: Booking) -> Start:
    # accepted already (the booking is then `served`): say which case it became
    if done := await cases.case_of_booking(ctx.session, booking.id):
        raise DomainError("booking_already_accepted", number=done.number)
    if booking.status not in ACCEPTABLE_BOOKINGS:
        raise DomainError("case_booking_inactive", booking_code=booking.code)
    resident = await ctx.session.get(Resident, booking.resident_id)
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
def _situations(item: Item, chosen: list[int]) -> list[str]:
    return [item.situations[i] for i in chosen if 0 <= i < len(item.situations)]


def _promised(ctx: Context, item: Item):  # type: ignore[no-untyped-def]
    return deadlines.case_deadline(
        ctx.services.calendar, ctx.today, kind=item.kind,
        time_limit_workdays=item.time_limit_workdays,
        default=ctx.services.settings.default_deadline_workdays)


async def _tick_reply(ctx: Context, item: Item, data: dict, *, edit: bool) -> Reply:
    chosen = _situations(item, data["sit"])
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
    resident = await ctx.session.get(Resident, data["resident"])
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


async def on_choice(ctx: Context) -> list[Reply]:
    if (refused := await refuse_unless_staff(ctx, "accept")) is not None:
        return refused
    parts = ctx.event.choice.split(":")
    action = parts[1] if len(parts) > 1 else ""
    if action == "from_booking" and len(parts) == 3 and parts[2].isdigit():
        booking = await cases.find_booking(ctx.session, booking_id=int(parts[2]))
        if booking is None:
            raise DomainError("case_no_booking")
        return await _begin(ctx, await _from_booking(ctx, booking))
    if action == "m" and len(parts) == 3 and parts[2].isdigit():
        ctx.privileged_action = "missing"
        return await _missing(ctx, parts[2], "")
    if ctx.state != "case":
        ctx.privileged_action = None
        return [ctx.say("err.stale_case")]
    data = ctx.data
    if action == "x" and len(parts) == 2:
        ctx.privileged_action = None
        ctx.clear_state()
        return [ctx.say("msg.case_cancelled")]
    if action == "i" and len(parts) == 3 and (item := ctx.services.kb.get(parts[2])):
        _check_department(ctx, item)
        ctx.update_data(item=item.id, sit=[], have=[])
        return [await _tick_reply(ctx, item, ctx.data, edit=True)]
    item = ctx.services.kb.get(data.get("item") or "")
    ctx.privileged_action = None  # ticking is not an action on anyone's data yet
    if item is None:
        return [ctx.say("err.stale_case")]
    if action == "chg" and len(parts) == 2:
        ctx.update_data(item=None, sit=[], have=[])
        return [Reply(ctx.t("cases/ask_item", resident=None),
                      ((ctx.button("btn.case_cancel", "case:x"),),))]
    index = int(parts[2]) if len(parts) == 3 and parts[2].isdigit() and len(parts[2]) <= 3 else None
    if action == "s" and index is not None and index < len(item.situations):
        ctx.update_data(sit=rules.toggle(data["sit"], index))
        return [await _tick_reply(ctx, item, ctx.data, edit=True)]
    if action == "t" and index is not None and index < len(item.materials):
        applicable = {i for i, _ in rules.applicable(item, _situations(item, data["sit"]))}
        if index not in applicable:
            return [ctx.say("err.stale_case")]
        ctx.update_data(have=rules.toggle(data["have"], index))
        return [await _tick_reply(ctx, item, ctx.data, edit=True)]
    if action == "all" and len(parts) == 2:
        ctx.update_data(have=[i for i, _ in rules.applicable(item, _situations(item, data["sit"]))])
        return [await _tick_reply(ctx, item, ctx.data, edit=True)]
    if action == "ok" and len(parts) == 2:
        ctx.privileged_action = "accept"
        return await _accept(ctx, item, data)
    return [ctx.say("err.stale_button")]


async def _accept(ctx: Context, item: Item, data: dict) -> list[Reply]:
    """Register the case and push the receipt (收件回执) to the resident."""
    _check_department(ctx, item)
    resident = await ctx.session.get(Resident, data["resident"])
    situations = _situations(item, data["sit"])
    lines = rules.checklist(item, situations, data["have"])
    received = [ln for ln in lines if ln.have]
    missing = [ln for ln in lines if not ln.have]
    deadline = _promised(ctx, item)
    handler = await me_for(ctx, item)
    parent = await ctx.session.get(Matter, data["parent"]) if data.get("parent") else None
    proxy = (parent.data or {}).get("proxy") if parent is not None else None
    matter = await cases.accept_case(
        ctx.session, resident=resident, item_id=item.id, item_name=item.name,
        department=ctx.services.department_of(item), staff=ctx.key, now=ctx.now,
        deadline=deadline,
        received=[ln.material.name for ln in received],
        data={"have": [ln.index for ln in received], "sit": data["sit"], "window": item.window,
              "handler": handler.name, **({"proxy": proxy} if proxy else {})},
        booking_id=data.get("booking"), parent_id=data.get("parent"),
    )
    ctx.audit_matter_id = matter.id
    if proxy and parent is not None:  # the 代办 request lives on as this case
        await cases.close_request(ctx.session, parent, staff=ctx.key, case=matter, now=ctx.now)
    if data.get("booking"):
        await cases.close_for_case(ctx.session, booking_id=data["booking"], now=ctx.now)
    booking = await ctx.session.get(Booking, data["booking"]) if data.get("booking") else None
    context = dict(matter=matter, item=item, received=received, missing=missing,
                   handler=handler, resident=resident, accepted=ctx.now, issued=ctx.now,
                   proxy=proxy,
                   doc_no=document_number("receipt", ctx.today, matter.number),
                   applicant=applicant_name(booking.name if booking else None,
                                            resident.real_name, resident.display_name),
                   same_day=deadlines.promised_workdays(
                       kind=item.kind, time_limit_workdays=item.time_limit_workdays,
                       default=ctx.services.settings.default_deadline_workdays) == 0)
    await push(ctx.session, ctx.services, [resident.key], "cases/receipt", kind="case_receipt",
               now=ctx.now, matter_id=matter.id, dedupe_prefix=f"receipt:{matter.id}",
               document=Document("cases/receipt.html", "doc.receipt_filename",
                                 "doc.receipt_caption", (("number", matter.number),)),
               buttons=[[("btn.status", "menu:status")]], **context)
    ctx.clear_state()
    buttons = ((ctx.button("btn.case_send_missing", f"case:m:{matter.id}"),),) if missing else ()
    return [Reply(ctx.t("cases/accepted", **context), buttons)]


def _args(ctx: Context, n: int) -> list[str]:
    return ctx.event.args.strip().split(None, n - 1) if ctx.event.args.strip() else []


def _case_lines(item: Item | None, matter: Matter) -> list[rules.ChecklistLine]:
    if item is None:
        return []
    data = matter.data or {}
    sit = data.get("sit") or []
    return rules.checklist(item, _situations(item, sit), data.get("have") or [])


async def missing_cmd(ctx: Context) -> list[Reply]:
    """/missing N [note] — one written 补正告知 of every missing material; the clock stops."""
    args = _args(ctx, 2)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.missing"))]
    return await _missing(ctx, args[0], args[1].strip()[:1000] if len(args) > 1 else "")


async def _missing(ctx: Context, ref: str, note: str) -> list[Reply]:
    matter = await matter_for_action(ctx, ref)
    item = ctx.services.kb.get(matter.item_id or "")
    lines = _case_lines(item, matter)
    missing = [ln for ln in lines if not ln.have]
    await cases.mark_missing(ctx.session, matter, staff=ctx.key, now=ctx.now,
                             missing=[ln.material.name for ln in missing], note=note)
    resident = await ctx.session.get(Resident, matter.resident_id)
    booking = await ctx.session.get(Booking, matter.booking_id) if matter.booking_id else None
    issued = sum(e.kind == "missing" for e in await matters.history(ctx.session, matter))
    ref = matter.number if issued <= 1 else f"{matter.number}-{issued}"
    context = dict(matter=matter, item=item, missing=missing, note=note, issued=ctx.now,
                   resident=resident, handler=await me_for(ctx, item),
                   received=[ln for ln in lines if ln.have],
                   doc_no=document_number("missing", ctx.today, ref),
                   applicant=applicant_name(booking.name if booking else None,
                                            resident.real_name, resident.display_name))
    # no dedupe key: a second, corrected 补正告知 is a new notice the resident must get
    await push(ctx.session, ctx.services, [resident.key], "cases/missing", kind="case_missing",
               now=ctx.now, matter_id=matter.id,
               document=Document("cases/missing.html", "doc.missing_filename",
                                 "doc.missing_caption", (("number", matter.number),)),
               **context)
    return [ctx.say("msg.missing_sent", number=matter.number, count=len(missing),
                    unreachable=resident.unreachable)]


async def resume_cmd(ctx: Context) -> list[Reply]:
    """/resume N — the materials arrived: the clock runs again, the date moves by the pause."""
    args = _args(ctx, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.resume"))]
    matter = await matter_for_action(ctx, args[0])
    if matter.paused_since is None or matter.deadline is None:
        raise DomainError("not_paused", number=matter.number)
    cal, tz = ctx.services.calendar, ctx.services.tz
    paused_on = matter.paused_since.astimezone(tz).date()
    days = deadlines.paused_workdays(cal, paused_on, ctx.today)
    new = deadlines.deadline_after_pause(cal, matter.deadline, paused_on, ctx.today)
    item = ctx.services.kb.get(matter.item_id or "")
    everything = [ln.index for ln in _case_lines(item, matter)]
    await cases.resume_case(ctx.session, matter, staff=ctx.key, now=ctx.now, new_deadline=new,
                            paused_days=days, received_all=everything)
    resident = await ctx.session.get(Resident, matter.resident_id)
    await push(ctx.session, ctx.services, [resident.key], "cases/resumed", kind="case_resumed",
               now=ctx.now, matter_id=matter.id, matter=matter, item=item, paused_days=days)
    return [ctx.say("msg.resumed", number=matter.number, days=days,
                    deadline=ctx.services.renderer.local_day(new, ctx.lang))]


async def extend_cmd(ctx: Context) -> list[Reply]:
    """/extend N DAYS REASON — a later date, with the reason, told to the resident."""
    args = _args(ctx, 3)
    if len(args) < 3 or not args[1].isdigit() or not args[2].strip():
        return [ctx.say("err.usage", usage=ctx.label("usage.extend"))]
    days = int(args[1])
    if not 1 <= days <= deadlines.MAX_EXTENSION_WORKDAYS:
        raise DomainError("bad_extension", most=deadlines.MAX_EXTENSION_WORKDAYS)
    matter = await matter_for_action(ctx, args[0])
    if matter.deadline is None:
        raise DomainError("no_deadline", number=matter.number)
    reason = args[2].strip()[:1000]
    new = deadlines.extended_deadline(ctx.services.calendar, matter.deadline, days)
    old = matter.deadline
    await cases.extend(ctx.session, matter, staff=ctx.key, now=ctx.now, new_deadline=new,
                       workdays=days, reason=reason)
    resident = await ctx.session.get(Resident, matter.resident_id)
    await push(ctx.session, ctx.services, [resident.key], "cases/extended", kind="case_extended",
               now=ctx.now, matter_id=matter.id, matter=matter, old=old, days=days,
               reason=reason)
    return [ctx.say("msg.extended", number=matter.number,
                    deadline=ctx.services.renderer.local_day(new, ctx.lang))]


def register(router: Router) -> None:
    router.command("accept", accept_cmd, role="staff", help_key="help.accept")
    router.command("missing", missing_cmd, role="staff", help_key="help.missing")
    router.command("resume", resume_cmd, role="staff", help_key="help.resume")
    router.command("extend", extend_cmd, role="staff", help_key="help.extend")
    router.choice("case", on_choice)
    router.state("case", on_item_text)
