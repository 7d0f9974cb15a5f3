"""/mybookings: a resident's upcoming bookings, each with reschedule and cancel (asked, then
done through services.bookings). Callback data: book:my · book:c:<id> cancel? ·
book:cx:<id> cancel!"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain.errors import DomainError
from domain.messages import Reply
from handlers.booking_target import booking_target, leave_input
from services import bookings as flows
from storage import bookings


async def mybookings_cmd(ctx: Context) -> list[Reply]:
    """/mybookings: upcoming bookings, each with reschedule and cancel."""
    leave_input(ctx)
    rows = await bookings.upcoming_of(ctx.session, resident_id=ctx.person.id, now=ctx.now)
    items = {b.item_id: ctx.services.kb.get(b.item_id) for b, _ in rows}
    buttons = [(ctx.button("btn.reschedule_code", f"book:r:{b.id}", code=b.code),
                ctx.button("btn.cancel_code", f"book:c:{b.id}", code=b.code)) for b, _ in rows]
    buttons.append((ctx.button("btn.book_new", "book:new"),))
    return [Reply(ctx.t("booking/mine", rows=rows, items=items), tuple(buttons))]


async def _ask_cancel(ctx: Context, raw_id: str) -> list[Reply]:
    target = await booking_target(ctx, raw_id)
    assert target.booking is not None
    return [Reply(ctx.t("booking/cancel_ask", booking=target.booking, slot=target.slot,
                        item=target.item),
                  ((ctx.button("btn.cancel_yes", f"book:cx:{target.booking.id}"),
                    ctx.button("btn.cancel_no", "book:my")),))]


async def _cancel(ctx: Context, raw_id: str) -> list[Reply]:
    if not raw_id.isdigit():
        raise DomainError("no_such_booking")
    done = await flows.cancel(ctx.session, resident=ctx.person, booking_id=int(raw_id),
                              now=ctx.now)
    item = ctx.services.kb.get(done.booking.item_id)
    return [Reply(ctx.t("booking/cancelled", booking=done.booking, slot=done.slot, item=item),
                  ((ctx.button("btn.book_again", f"book:i:{done.booking.item_id}"),),)
                  if item and item.appointment else ())]


def register(router: Router) -> None:
    router.command("mybookings", mybookings_cmd, help_key="help.mybookings")
    router.choice("book", "my", mybookings_cmd)
    router.choice("book", "c", _ask_cancel, args=1)
    router.choice("book", "cx", _cancel, args=1)
