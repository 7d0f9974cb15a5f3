"""Booking a time (预约服务制) as a resident: choose an item, a day (only days with free
places), a time, confirm name and phone, and get the code, the checklist, a QR code and an
.ics file (handlers.booking_confirmation); reminders go to the outbox. Booking, moving and
cancelling are flows of services.bookings; /mybookings (handlers.mybookings) lists bookings
with cancel and reschedule.

Callback data (`book:`, ≤ 64 bytes) carries everything a step needs and is re-validated on
every press, so a stale, forged or repeated button can do nothing the person could not do
with the buttons they were shown:

  book:i:<item>                 days of an item (the item card's 预约办理, or a list)
  book:cat:<n>                  bookable items of the n-th category
  book:d:<item>:<yyyymmdd>      times of a day
  book:t:<item>:<yyyymmddHHMM>  a time → name and phone, or straight to the summary
  book:e:<item>:<time>          change name and phone before confirming
  book:ok:<item>:<time>         confirm (a double tap books once)
  book:my                       my bookings (handlers.mybookings)
  book:c:<id> · book:cx:<id>    cancel? · cancel! (handlers.mybookings)
  book:r:<id> · book:rd:<id>:<day> · book:rt:<id>:<time> · book:rok:<id>:<time>   reschedule
  book:hv…                      a home visit instead (handlers.homevisit)

Dialog states are used only where the person types: book:item, book:name, book:phone and the
home-visit ones.
"""

from __future__ import annotations

from datetime import date, datetime

from bot.context import Context
from bot.router import Router
from domain.errors import DomainError
from domain.messages import Button, Reply
from domain.privacy import normalise_phone
from domain.slots import day_token, parse_day_token, time_token
from handlers import homevisit, mybookings
from handlers.booking_confirmation import confirmation, manage_rows
from handlers.booking_target import (
    Target,
    booking_target,
    item_target,
    leave_input,
    place_of,
    schedule_for,
    time_of,
)
from handlers.cards import shown
from knowledge.model import Item, KnowledgeBase
from services import bookings as flows
from storage import bookings

MAX_NAME = 32
TIMES_PER_ROW = 3


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


async def _category_items(ctx: Context, raw: str) -> list[Reply]:
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
    target = item_target(ctx, item_id)
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
    leave_input(ctx)
    return [Reply(ctx.t("booking/already", booking=booking, slot=slot, item=target.item,
                        repeated=False),
                  manage_rows(ctx, booking))]


async def _days(ctx: Context, target: Target) -> list[Reply]:
    """Days with free places (and how many); none left → home visit or staff."""
    leave_input(ctx)
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
    if target.booking is None and (refused := await _refused_early(ctx, target)):
        return refused
    day = parse_day_token(token)
    starts = target.schedule.times_on(day, ctx.now) if day else []
    if not starts:
        return [ctx.say("err.day_unavailable"), *await _days(ctx, target)]
    leave_input(ctx)
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
    at = time_of(target, token)
    if not target.schedule.is_offerable(at, ctx.now):
        raise DomainError("slot_unavailable")
    if target.booking is None and (refused := await _refused_early(ctx, target)):
        return refused
    free = await bookings.free_places(ctx.session, resource=target.resource,
                                      schedule=target.schedule, starts=[at])
    if not free[at]:
        return [await _full_reply(ctx, target, bookings.SlotFull(
            at, await bookings.nearest_free(ctx.session, place_of(target, at), ctx.now)))]
    if target.booking is None and not (ctx.person.real_name and ctx.person.phone):
        ctx.set_state("book:name", item=target.item.id, at=token)
        return [ctx.say("msg.book_ask_name")]
    leave_input(ctx)
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
    """Book (or move) for real (services.bookings). A second tap of the same button finds
    the booking already made and answers so; a full time is answered with the nearest free."""
    at = time_of(target, token)
    s = ctx.services.settings
    reminders = flows.Reminders(s.reminder_hour, s.reminder_before_minutes)
    try:
        if target.booking is not None:
            done = await flows.reschedule(
                ctx.session, resident=ctx.person, booking_id=target.booking.id,
                item=target.item, place=place_of(target, at), now=ctx.now, reminders=reminders)
        else:
            done = await flows.confirm(
                ctx.session, resident=ctx.person, item=target.item, place=place_of(target, at),
                now=ctx.now, max_active=s.max_active_bookings, reminders=reminders)
    except bookings.SlotFull as full:
        return [await _full_reply(ctx, target, full)]
    if isinstance(done, flows.AlreadyBooked):
        return [Reply(ctx.t("booking/already", booking=done.booking, slot=done.slot,
                            item=target.item, repeated=True),
                      manage_rows(ctx, done.booking))]
    if isinstance(done, flows.NeedsContact):
        ctx.set_state("book:name", item=target.item.id, at=token)
        return [ctx.say("msg.book_ask_name")]
    leave_input(ctx)
    await ctx.notify(*done.notices)
    return confirmation(ctx, done, target.item)


# -- routing -------------------------------------------------------------------------------
async def _new(ctx: Context) -> list[Reply]:
    return [_choose_item(ctx)]


async def _edit_contact(ctx: Context, item_id: str, token: str) -> list[Reply]:
    """Change name and phone before confirming."""
    item_target(ctx, item_id)
    ctx.set_state("book:name", item=item_id, at=token[:12])
    return [ctx.say("msg.book_ask_name")]


async def _reschedule(ctx: Context, raw_id: str) -> list[Reply]:
    return await _days(ctx, await booking_target(ctx, raw_id))


def _on_target(step, *, moving: bool):  # type: ignore[no-untyped-def]
    """A day, time or confirm button: of a new booking (`<item>`) or a move (`<booking id>`)."""
    async def handler(ctx: Context, key: str, token: str) -> list[Reply]:
        target = await booking_target(ctx, key) if moving else item_target(ctx, key)
        return await step(ctx, target, token)
    return handler


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
    target = item_target(ctx, str(data.get("item", "")))
    ctx.clear_state()
    return await _chosen(ctx, target, str(data.get("at", "")))



def register(router: Router) -> None:
    router.command("book", book_cmd, help_key="help.book")
    mybookings.register(router)  # /mybookings; book:my, book:c, book:cx buttons
    homevisit.register(router)  # /homevisit, book:hv… buttons
    router.choice("book", "new", _new)
    router.choice("book", "i", _start, args=1)
    router.choice("book", "cat", _category_items, args=1)
    for moving in (False, True):
        for action, step in (("d", _times), ("t", _chosen), ("ok", _confirm)):
            router.choice("book", "r" * moving + action, _on_target(step, moving=moving), args=2)
    router.choice("book", "e", _edit_contact, args=2)
    router.choice("book", "r", _reschedule, args=1)
    router.state("book", on_text)  # book:item, book:name, book:phone, book:hv_* fall back here
