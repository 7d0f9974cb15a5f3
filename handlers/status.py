"""/status: a resident's own matters (questions, complaints, cases) with status and deadline;
/status N: one of their own with what happened so far — never internal notes, and never
anyone else's (someone else's number answers exactly like a number that does not exist)."""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from bot.staff_names import staff_name
from domain.matter_rules import RATING_BUTTON_ORDER, asks_rating
from domain.messages import Button, Reply
from storage import matters

MAX_BUTTONS = 5


async def status_cmd(ctx: Context) -> list[Reply]:
    arg = ctx.event.args.strip() if ctx.event.kind == "command" else ""
    if arg:
        return await _detail(ctx, arg)
    rows = await matters.matters_of(ctx.session, ctx.person.id)
    buttons = tuple(
        (Button(ctx.label("btn.add_to", number=m.number), f"ho:add:{m.id}"),)
        for m in rows if m.status in matters.OPEN_STATUSES and m.kind != "followup"
    )[:MAX_BUTTONS]
    return [Reply(ctx.t("status/list", matters=rows, today=ctx.today), buttons)]


async def _detail(ctx: Context, ref: str) -> list[Reply]:
    matter = await matters.get_own_matter(ctx.session, ref, ctx.person.id)
    events = [e for e in await matters.history(ctx.session, matter)
              if e.kind in matters.RESIDENT_VISIBLE_EVENTS]
    item = ctx.services.kb.get(matter.item_id or "")
    buttons: list[tuple[Button, ...]] = []
    if matter.status in matters.OPEN_STATUSES and matter.kind != "followup":
        buttons.append((ctx.button("btn.add_info", f"ho:add:{matter.id}"),))
    if matter.status == "done" and matter.rating is None and asks_rating(matter.kind):
        buttons += [(ctx.button(f"rate.{score}", f"rate:s:{matter.id}:{score}"),)
                    for score in RATING_BUTTON_ORDER]
    # 首问负责: the resident knows who has their matter (a follow-up's supervisor too)
    owner = await staff_name(ctx.session, ctx.services, matter.owner) if matter.owner else None
    return [Reply(ctx.t("status/detail", matter=matter, events=events, item=item, owner=owner,
                        shown_text=matters.RESIDENT_EVENT_TEXT, today=ctx.today),
                  tuple(buttons))]


def register(router: Router) -> None:
    router.command("status", status_cmd, help_key="help.status", aliases=("mymatters",))
