"""The item card (what, where, which window, hours, time limit, fee, conditions) with its
actions — shown for a question, a browsed item or a link that names the item."""

from __future__ import annotations

from typing import Any

from bot.context import Context
from domain.messages import Button, Reply
from knowledge.model import Item

PROXY_KINDS = ("承诺件", "上报件", "联办件")  # 全程代办: not same-day items nor consultations


def item_buttons(ctx: Context, item: Item) -> tuple[tuple[Button, ...], ...]:
    first = [ctx.button("btn.checklist", f"chk:o:{item.id}")]
    if item.appointment:
        first.append(ctx.button("btn.book", f"book:i:{item.id}"))
    second = []
    if item.faq:
        second.append(ctx.button("btn.faq", f"item:faq:{item.id}"))
    second.append(ctx.button("btn.ask_staff", f"ho:i:{item.id}"))
    if item.kind in PROXY_KINDS:  # 全程代办: the center handles it on the resident's behalf
        return (tuple(first), tuple(second), (ctx.button("btn.proxy", f"proxy:i:{item.id}"),))
    return (tuple(first), tuple(second))


def card(ctx: Context, item: Item) -> Reply:
    """The item card; the person's next question is taken as a follow-up on this item."""
    ctx.set_state("item", item=item.id)
    return Reply(ctx.t("consult/card", item=item), item_buttons(ctx, item))


def shown(ctx: Context, value: Any) -> Any:
    """Knowledge-base content (an item, a referral, lists of them) as the person's language
    shows it — for button labels; templates get it so by the renderer."""
    content = ctx.services.renderer.content
    return content(ctx.lang, value) if content is not None else value
