"""Booking a time (预约服务制) as a resident: choose an item, a day (only days with free
places), a time, confirm name and phone, and get the code, the checklist, a QR code and an
.ics file; reminders go to the outbox. /mybookings lists bookings with cancel and reschedule.

Callback data (`book:`, ≤ 64 bytes) carries everything a step needs and is re-validated on
every press, so a stale, forged or repeated button can do nothing the person could not do
with the buttons they were shown:

  book:i:<item>                 days of an item (the item card's 预约办理, or a list)
  book:cat:<n>                  bookable items of the n-th category
  book:d:<item>:<yyyymmdd>      times of a day
  book:t:<item>:<yyyymmddHHMM>  a time → name and phone, or straight to the summary
  book:e:<item>:<time>          change name and phone before confirming
  book:ok:<item>:<time>         confirm (a double tap books once)
  book:my                       my bookings
  book:c:<id> · book:cx:<id>    cancel? · cancel!
  book:r:<id> · book:rd:<id>:<day> · book:rt:<id>:<time> · book:rok:<id>:<time>   reschedule
  book:hv…                      a home visit instead (handlers.homevisit)

Dialog states are used only where the person types: book:item, book:name, book:phone and the
home-visit ones.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

from bot.booking_files import ics, qr_png
from bot.context import Context
from bot.router import Router
from bot.services import Services
from domain import checklist as checklist_rules
from domain.errors import DomainError
from domain.messages import Attachment, Button, Reply
from domain.privacy import normalise_phone
from domain.slots import (
    Schedule,
    day_token,
    parse_day_token,
    parse_time_token,
    reminder_times,
    slot_rule_for,
    time_token,
)
from handlers import homevisit
from handlers.cards import shown
from knowledge.model import Item, KnowledgeBase
from storage import bookings
from storage.checklist import ticks_of
from storage.models import Booking, Slot

MAX_NAME = 32
TIMES_PER_ROW = 3


@dataclass(frozen=True)
class Target:
    """What the day and time buttons are for: a new booking of `item`, or moving `booking`."""

    item: Item
    resource: str
    schedule: Schedule
    booking: Booking | None = None
    slot: Slot | None = None

    @property
    def key(self) -> str:
        return str(self.booking.id) if self.booking else self.item.id

    def data(self, step: str, token: str) -> str:
        """Callback data of a step (`d`, `t`, `ok`), the reschedule variant when moving."""
        return f"book:{'r' + step if self.booking else step}:{self.key}:{token}"


def schedule_for(services: Services, item: Item) -> tuple[str, Schedule]:
    """The resource an item's bookings take places of, and its schedule (settings + calendar)."""
    s = services.settings
    resource, rule = slot_rule_for(item.id, item.window, overrides=s.slot_overrides,
                                   minutes=s.slot_minutes, capacity=s.slot_capacity)
    hours = {d: s.session_times(d) for d in range(7)}
    return resource, Schedule(tz=services.tz, office_hours=hours, calendar=services.calendar,
                              rule=rule, horizon_workdays=s.booking_horizon_days,
                              cutoff_minutes=s.same_day_cutoff_minutes)


def bookable_item(ctx: Context, item_id: str) -> Item:
    item = ctx.services.kb.get(item_id)
    if item is None or not item.appointment:
        raise DomainError("not_bookable")
    return item


def _item_target(ctx: Context, item_id: str) -> Target:
    item = bookable_item(ctx, item_id)
    return Target(item, *schedule_for(ctx.services, item))


async def _booking_target(ctx: Context, raw_id: str) -> Target:
    """Moving a booking: only the person's own, still upcoming one."""
    if not raw_id.isdigit():
        raise DomainError("no_such_booking")
    booking, slot = await bookings.own_upcoming(ctx.session, booking_id=int(raw_id),
                                                resident_id=ctx.person.id, now=ctx.now)
    item = bookable_item(ctx, booking.item_id)
    return Target(item, *schedule_for(ctx.services, item), booking=booking, slot=slot)


def _leave_input(ctx: Context) -> None:
    """A button pressed while we waited for typing: stop waiting (the text would be misread)."""
    if ctx.state.startswith("book"):
        ctx.clear_state()


def _place(target: Target, starts_at: datetime) -> bookings.Place:
    return bookings.Place(target.resource, target.schedule, starts_at)


def _time(target: Target, token: str) -> datetime:
    at = parse_time_token(token, target.schedule.tz)
    if at is None:
        raise DomainError("slot_unavailable")
    return at


# -- choosing an item ------------------------------------------------------------------------
def _categories(ctx: Context) -> list[tuple[str, tuple[Item, ...]]]:
    # In the person's language (the same order in every one: callback data holds the index).
    return KnowledgeBase(items=shown(ctx, ctx.services.kb.items)).categories(
        keep=lambda it: it.appointment)


def _choose_item(ctx: Context, query: str = "", candidates: tuple[Item, ...] = ()) -> Reply:
    ctx.set_state("book:item")
    rows = [(Button(it.name, f"book:i:{it.id}"),) for it in shown(ctx, candidates)]
    cats = _categories(ctx)
    row: list[Button] = []
    for n, (cat, _) in enumerate(cats):
        row.append(Button(cat or ctx.label("book.other_category"), f"book:cat:{n}"))
        if len(row) == 3:
            rows.append(tuple(row))
            row = []
    if row:
        rows.append(tuple(row))
    return Reply(ctx.t("booking/choose_item", query=query, candidates=candidates), tuple(rows))


async def book_cmd(ctx: Context) -> list[Reply]:
    """/book [what]: ask which item (typed, or by category), or go straight to its days."""
    query = ctx.event.args.strip() if ctx.event.kind == "command" else ""
    if query:
        return await _match_item(ctx, query)
    return [_choose_item(ctx)]


async def _match_item(ctx: Context, query: str) -> list[Reply]:
    result = ctx.services.matcher.match(query[:200], top=5)
    found = tuple(m.item for m in result.matches if m.item.appointment and m.score >= 0.35)
    if result.confident and found and result.matches[0].item is found[0]:
        return await _days(ctx, Target(found[0], *schedule_for(ctx.services, found[0])))
    return [_choose_item(ctx, query, found[:3])]


def _category_items(ctx: Context, raw: str) -> list[Reply]:
    cats = _categories(ctx)
    if not raw.isdigit() or int(raw) >= len(cats):
        return [ctx.say("err.stale_button")]
    cat, items = cats[int(raw)]
    rows = tuple((Button(it.name, f"book:i:{it.id}"),) for it in items)
    return [Reply(ctx.t("booking/category", category=cat, items=items), rows)]


# -- days, times, summary ----------------------------------------------------------------------
async def _start(ctx: Context, item_id: str) -> list[Reply]:
    """The item card's 预约办理: refuse early if the person may not book; show an existing
    booking of the item instead of a second one."""
    target = _item_target(ctx, item_id)
    return await _refused_early(ctx, target) or await _days(ctx, target)


async def _refused_early(ctx: Context, target: Target) -> list[Reply] | None:
    """Raises (blocked, too many bookings) or answers with the existing booking of the item —
    at every step before 确认预约, not only the first: buttons of an older message, or another
    item booked meanwhile, must not lead a resident all the way to a refusal."""
    existing = await bookings.may_book(
        ctx.session, resident_id=ctx.person.id, item_id=target.item.id, now=ctx.now,
        max_active=ctx.services.settings.max_active_bookings, tz=target.schedule.tz)
    if existing is None:
        return None
    booking, slot = existing
    _leave_input(ctx)
    return [Reply(ctx.t("booking/already", booking=booking, slot=slot, item=target.item,
                        repeated=False),
                  _manage_buttons(ctx, booking))]


async def _days(ctx: Context, target: Target) -> list[Reply]:
    """Days with free places (and how many); none left → home visit or staff."""
    _leave_input(ctx)
    free = await bookings.free_by_day(ctx.session, resource=target.resource,
                                      schedule=target.schedule, now=ctx.now)
    rows: list[tuple[Button, ...]] = []
    row: list[Button] = []
    for day, n in free.items():
        label = ctx.label("book.day_button", day=_short_day(ctx, day), free=n)
        row.append(Button(label, target.data("d", day_token(day))))
        if len(row) == 2:
            rows.append(tuple(row))
            row = []
    if row:
        rows.append(tuple(row))
    extra = [ctx.button("btn.homevisit", f"book:hv:{target.item.id}")]
    if target.booking is None:
        extra.append(ctx.button("btn.ask_staff", f"ho:i:{target.item.id}"))
    rows.append(tuple(extra))
    return [Reply(ctx.t("booking/days", item=target.item, days=free, moving=target.booking,
                        old_slot=target.slot, rule=target.schedule.rule,
                        horizon=ctx.services.settings.booking_horizon_days), tuple(rows))]


def _short_day(ctx: Context, day: date) -> str:
    return ctx.services.renderer.local_day(day, ctx.lang, short=True)


async def _times(ctx: Context, target: Target, token: str) -> list[Reply]:
    day = parse_day_token(token)
    starts = target.schedule.times_on(day, ctx.now) if day else []
    if not starts:
        return [ctx.say("err.day_unavailable"), *await _days(ctx, target)]
    _leave_input(ctx)
    free = await bookings.free_places(ctx.session, resource=target.resource,
                                      schedule=target.schedule, starts=starts)
    open_times = [(t, n) for t, n in free.items() if n > 0]
    rows: list[tuple[Button, ...]] = []
    for i in range(0, len(open_times), TIMES_PER_ROW):
        rows.append(tuple(
            Button(ctx.label("book.time_button", time=t.strftime("%H:%M"), free=n),
                   target.data("t", time_token(t, target.schedule.tz)))
            for t, n in open_times[i:i + TIMES_PER_ROW]))
    rows.append((Button(ctx.label("btn.other_day"), _back_to_days(target)),))
    return [Reply(ctx.t("booking/times", item=target.item, day=day, times=open_times,
                        moving=target.booking), tuple(rows))]


def _back_to_days(target: Target) -> str:
    return f"book:r:{target.booking.id}" if target.booking else f"book:i:{target.item.id}"


async def _chosen(ctx: Context, target: Target, token: str) -> list[Reply]:
    """A time was chosen: check it (a forged or full one is answered here), then the summary —
    or, the first time, ask for name and phone."""
    at = _time(target, token)
    if not target.schedule.is_offerable(at, ctx.now):
        raise DomainError("slot_unavailable")
    if target.booking is None and (refused := await _refused_early(ctx, target)):
        return refused
    free = await bookings.free_places(ctx.session, resource=target.resource,
                                      schedule=target.schedule, starts=[at])
    if not free[at]:
        return [await _full_reply(ctx, target, bookings.SlotFull(
            at, await bookings.nearest_free(ctx.session, _place(target, at), ctx.now)))]
    if target.booking is None and not (ctx.person.real_name and ctx.person.phone):
        ctx.set_state("book:name", item=target.item.id, at=token)
        return [ctx.say("msg.book_ask_name")]
    _leave_input(ctx)
    return [_summary(ctx, target, at)]


def _summary(ctx: Context, target: Target, at: datetime) -> Reply:
    token = time_token(at, target.schedule.tz)
    day = day_token(at.astimezone(target.schedule.tz).date())
    if target.booking is not None:
        rows = ((ctx.button("btn.confirm_move", target.data("ok", token)),),
                (Button(ctx.label("btn.other_time"), target.data("d", day)),))
    else:
        rows = ((ctx.button("btn.confirm_booking", target.data("ok", token)),),
                (ctx.button("btn.edit_contact", f"book:e:{target.item.id}:{token}"),
                 Button(ctx.label("btn.other_time"), target.data("d", day))))
    return Reply(ctx.t("booking/summary", item=target.item, at=at, person=ctx.person,
                       moving=target.booking, old_slot=target.slot), rows)


async def _full_reply(ctx: Context, target: Target, full: bookings.SlotFull) -> Reply:
    """Full: say so and offer the nearest free times as buttons."""
    tz = target.schedule.tz
    rows = tuple((Button(ctx.label("book.nearest_button", when=_when(ctx, t)),
                         target.data("t", time_token(t, tz))),) for t in full.nearest)
    rows += ((Button(ctx.label("btn.other_day"), _back_to_days(target)),),)
    return Reply(ctx.t("booking/full", item=target.item, at=full.starts_at,
                       nearest=full.nearest), rows)


def _when(ctx: Context, at: datetime) -> str:
    local = at.astimezone(ctx.services.tz)
    return f"{_short_day(ctx, local.date())} {local:%H:%M}"


# -- confirming -----------------------------------------------------------------------------
async def _confirm(ctx: Context, target: Target, token: str) -> list[Reply]:
    """Book (or move) for real. A second tap of the same button finds the booking already
    made and answers so; a full time is answered with the nearest free ones."""
    at = _time(target, token)
    settings = ctx.services.settings
    try:
        if target.booking is not None:
            booking, slot, old = await bookings.reschedule(
                ctx.session, booking_id=target.booking.id, resident_id=ctx.person.id,
                place=_place(target, at), now=ctx.now)
        else:
            done = await bookings.active_for_item(ctx.session, resident_id=ctx.person.id,
                                                  item_id=target.item.id)
            if done is not None and done[1].starts_at == at:  # the double tap
                return [Reply(ctx.t("booking/already", booking=done[0], slot=done[1],
                                    item=target.item, repeated=True),
                              _manage_buttons(ctx, done[0]))]
            if not (ctx.person.real_name and ctx.person.phone):
                ctx.set_state("book:name", item=target.item.id, at=token)
                return [ctx.say("msg.book_ask_name")]
            booking, slot = await bookings.book(
                ctx.session, resident_id=ctx.person.id, item_id=target.item.id,
                place=_place(target, at), name=ctx.person.real_name, phone=ctx.person.phone,
                now=ctx.now, max_active=settings.max_active_bookings)
            old = None
    except bookings.SlotFull as full:
        return [await _full_reply(ctx, target, full)]
    _leave_input(ctx)
    await _queue_reminders(ctx, booking, slot, target.item)
    ticks = await ticks_of(ctx.session, resident_id=ctx.person.id, item_id=target.item.id,
                           now=ctx.now)
    return confirmation(ctx, booking, slot, target.item, moved_from=old, ticks=ticks)


def confirmation(ctx: Context, booking: Booking, slot: Slot, item: Item, *,
                 moved_from: Booking | None = None,
                 ticks: tuple[list[int], list[int]] | None = None) -> list[Reply]:
    """The confirmation: text with code, place, time and what to bring — everything, or
    when the resident ticked their checklist, only what is still missing; the QR code; the
    .ics."""
    if ticks is None:
        bring, ticked = list(item.materials), 0
    else:
        situations = [item.situations[i] for i in ticks[0] if 0 <= i < len(item.situations)]
        lines = checklist_rules.checklist(item, situations, ticks[1])
        bring = [ln.material for ln in lines if not ln.have]
        ticked = len(lines) - len(bring)
    text = ctx.t("booking/confirmed", booking=booking, slot=slot, item=item, moved=moved_from,
                 bring=bring, ticked=ticked)
    qr = Attachment(f"{booking.code}.png", qr_png(booking.code),
                    ctx.label("book.qr_caption", code=booking.code))
    description = html.unescape(ctx.t("booking/ics", booking=booking, item=item))
    where = html.unescape(ctx.label("book.ics_location", window=item.window or "",
                                    center=ctx.services.kb.center.name
                                    if ctx.services.kb.center else ""))
    cal = ics(uid=f"{booking.code}@servicebot", starts_at=slot.starts_at, ends_at=slot.ends_at,
              summary=html.unescape(ctx.label("book.ics_summary", item=shown(ctx, item).name,
                                              code=booking.code)),
              location=where, description=description, created=ctx.now)
    doc = Attachment(f"{booking.code}.ics", cal, ctx.label("book.ics_caption"))
    return [Reply(text, _manage_buttons(ctx, booking)), Reply(photo=qr), Reply(document=doc)]


async def _queue_reminders(ctx: Context, booking: Booking, slot: Slot, item: Item) -> None:
    """The day-before and the hour-before reminder, in the outbox with the booking's id (so a
    cancel drops them) and one dedupe key per booking and kind (so none is queued twice)."""
    s = ctx.services.settings
    for r in reminder_times(slot.starts_at, ctx.now, tz=ctx.services.tz,
                            reminder_hour=s.reminder_hour, before_minutes=s.reminder_before_minutes):
        reply = Reply(ctx.t("booking/reminder", kind=r.kind, booking=booking, slot=slot,
                            item=item), _manage_buttons(ctx, booking))
        await ctx.notify(ctx.key, [reply], kind="booking_reminder",
                         dedupe_key=f"bk:{booking.id}:{r.kind}", not_before=r.at,
                         booking_id=booking.id)


def _manage_buttons(ctx: Context, booking: Booking) -> tuple[tuple[Button, ...], ...]:
    return ((ctx.button("btn.booking_reschedule", f"book:r:{booking.id}"),
             ctx.button("btn.booking_cancel", f"book:c:{booking.id}")),)


# -- my bookings, cancel -------------------------------------------------------------------
async def mybookings_cmd(ctx: Context) -> list[Reply]:
    """/mybookings: upcoming bookings, each with reschedule and cancel."""
    _leave_input(ctx)
    rows = await bookings.upcoming_of(ctx.session, resident_id=ctx.person.id, now=ctx.now)
    items = {b.item_id: ctx.services.kb.get(b.item_id) for b, _ in rows}
    buttons = [(ctx.button("btn.reschedule_code", f"book:r:{b.id}", code=b.code),
                ctx.button("btn.cancel_code", f"book:c:{b.id}", code=b.code)) for b, _ in rows]
    buttons.append((ctx.button("btn.book_new", "book:new"),))
    return [Reply(ctx.t("booking/mine", rows=rows, items=items), tuple(buttons))]


async def _ask_cancel(ctx: Context, raw_id: str) -> list[Reply]:
    target = await _booking_target(ctx, raw_id)
    assert target.booking is not None
    return [Reply(ctx.t("booking/cancel_ask", booking=target.booking, slot=target.slot,
                        item=target.item),
                  ((ctx.button("btn.cancel_yes", f"book:cx:{target.booking.id}"),
                    ctx.button("btn.cancel_no", "book:my")),))]


async def _cancel(ctx: Context, raw_id: str) -> list[Reply]:
    if not raw_id.isdigit():
        raise DomainError("no_such_booking")
    booking, slot = await bookings.cancel(ctx.session, booking_id=int(raw_id),
                                          resident_id=ctx.person.id, now=ctx.now)
    item = ctx.services.kb.get(booking.item_id)
    return [Reply(ctx.t("booking/cancelled", booking=booking, slot=slot, item=item),
                  ((ctx.button("btn.book_again", f"book:i:{booking.item_id}"),),)
                  if item and item.appointment else ())]


# -- routing -------------------------------------------------------------------------------
async def on_choice(ctx: Context) -> list[Reply]:
    """Every `book:` button; the arity of each action is checked before anything is read."""
    parts = ctx.event.choice.split(":")
    action, args = (parts[1] if len(parts) > 1 else ""), parts[2:]
    one, two = len(args) == 1, len(args) == 2
    if action.startswith("hv"):
        return await homevisit.on_choice(ctx, action, args)
    if action == "new" and not args:
        return [_choose_item(ctx)]
    if action == "my" and not args:
        return await mybookings_cmd(ctx)
    if action == "i" and one:
        return await _start(ctx, args[0])
    if action == "cat" and one:
        return _category_items(ctx, args[0])
    if action in ("d", "t", "ok", "rd", "rt", "rok") and two:
        moving = action.startswith("r")
        target = await _booking_target(ctx, args[0]) if moving else _item_target(ctx, args[0])
        step = action[1:] if moving else action
        if not moving and step == "d" and (refused := await _refused_early(ctx, target)):
            return refused
        if step == "d":
            return await _times(ctx, target, args[1])
        if step == "t":
            return await _chosen(ctx, target, args[1])
        return await _confirm(ctx, target, args[1])
    if action == "e" and two:
        _item_target(ctx, args[0])
        ctx.set_state("book:name", item=args[0], at=args[1][:12])
        return [ctx.say("msg.book_ask_name")]
    if action == "r" and one:
        return await _days(ctx, await _booking_target(ctx, args[0]))
    if action == "c" and one:
        return await _ask_cancel(ctx, args[0])
    if action == "cx" and one:
        return await _cancel(ctx, args[0])
    return [ctx.say("err.stale_button")]


async def on_text(ctx: Context) -> list[Reply]:
    """Typed input of the booking dialog: which item, the name, the phone (or contact)."""
    state = ctx.state
    if state.startswith("book:hv"):
        return await homevisit.on_text(ctx)
    if state == "book:phone":
        return await _phone(ctx)
    if ctx.event.kind != "text":
        return [ctx.say("err.text_only_here")]
    text = ctx.event.text.strip()
    if not text:
        return [ctx.say("err.empty_text")]
    if state == "book:item":
        return await _match_item(ctx, text)
    if state == "book:name":
        if not _looks_like_name(text):
            return [ctx.say("err.bad_name", max=MAX_NAME)]
        ctx.set_state("book:phone", **{**ctx.data, "name": text})
        return [Reply(ctx.label("msg.book_ask_phone"), ask_contact=True)]
    ctx.clear_state()  # an unknown book state (an older version's): start afresh
    return [ctx.say("err.stale_button")]


def _looks_like_name(text: str) -> bool:
    """A name, not a question typed at the wrong moment (which would end up on the booking)."""
    return (len(text) <= MAX_NAME and any(c.isalpha() for c in text)
            and not any(c.isdigit() or c in "?？/@:：,，。!！" for c in text))


async def _phone(ctx: Context) -> list[Reply]:
    """The phone: Telegram's contact button (the sender's own) or typed, validated."""
    ev = ctx.event
    if ev.kind == "contact":
        if ev.contact_user_id and ev.contact_user_id != ev.user_id:
            return [Reply(ctx.label("err.not_own_contact"), ask_contact=True)]
        raw = ev.phone or ""
    elif ev.kind == "text":
        raw = ev.text
    else:
        return [Reply(ctx.label("err.bad_phone"), ask_contact=True)]
    phone = normalise_phone(raw)
    if phone is None:
        return [Reply(ctx.label("err.bad_phone"), ask_contact=True)]
    data = ctx.data
    ctx.person.real_name = str(data.get("name", ""))[:MAX_NAME] or ctx.person.real_name
    ctx.person.phone = phone  # remembered for next time
    target = _item_target(ctx, str(data.get("item", "")))
    ctx.clear_state()
    return await _chosen(ctx, target, str(data.get("at", "")))


def register(router: Router) -> None:
    router.command("book", book_cmd, help_key="help.book")
    router.command("mybookings", mybookings_cmd, help_key="help.mybookings")
    homevisit.register(router)
    router.choice("book", on_choice)
    router.state("book", on_text)  # book:item, book:name, book:phone, book:hv_* fall back here
