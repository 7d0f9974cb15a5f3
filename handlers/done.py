"""/done N [result and how to collect] — 办结: the matter is done and the resident is told at
once (办结通知), with the result, how to collect it, and a request to rate the service.

A complaint closes only with a written answer; a follow-up (回访整改) tells the resident
what was done about their rating.
"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain.matter_rules import RATING_BUTTON_ORDER, asks_rating
from domain.messages import Reply
from handlers.acting import matter_for_action, me_for
from services.notices import notice
from storage import matters
from storage.models import Matter
from storage.people import resident_by_id

TEMPLATE = {"case": "cases/done", "complaint": "complaints/answer",
            "followup": "ratings/followed_up"}


def rating_buttons(matter: Matter) -> list[list[tuple[str, str]]]:
    """非常不满意 … 非常满意 (worst first: a typed 5 is the best score), one per row."""
    return [[(f"rate.{score}", f"rate:s:{matter.id}:{score}")] for score in RATING_BUTTON_ORDER]


async def done_cmd(ctx: Context) -> list[Reply]:
    args = ctx.event.args.strip().split(None, 1)
    if not args:
        return [ctx.say("err.usage", usage=ctx.label("usage.done"))]
    text = args[1].strip()[:3500] if len(args) > 1 else ""
    matter = await matter_for_action(ctx, args[0])
    await matters.complete(ctx.session, matter, staff=ctx.key, text=text, now=ctx.now)
    resident = await resident_by_id(ctx.session, matter.resident_id)
    parent = await matters.matter_by_id(ctx.session, matter.parent_id) if matter.parent_id else None
    item = ctx.services.kb.get(matter.item_id or "")
    buttons = rating_buttons(matter) if asks_rating(matter.kind) else []
    await ctx.notify(notice(
        [resident.key], TEMPLATE.get(matter.kind, "matters/done"),
        # a complaint's answer is its own kind of notice (its own WeChat template)
        kind="complaint_answer" if matter.kind == "complaint" else "matter_done",
        matter_id=matter.id, dedupe_prefix=f"done:{matter.id}", buttons=buttons, matter=matter,
        item=item, text=text, parent=parent, staff=await me_for(ctx, item),
        proxy=(matter.data or {}).get("proxy")))
    return [ctx.say("msg.done_sent", number=matter.number, unreachable=resident.unreachable)]


def register(router: Router) -> None:
    router.command("done", done_cmd, role="staff", help_key="help.done")
