"""全程代办 for residents: from an item card the resident asks the center to handle the item on
their behalf, says how they want the result (collected at the window or delivered), and gets
a number; the department's staff are told and accept it as a case (/accept N), forward it
(/forward), record the office's result (/returned) and complete it (/done). Free: the seeds
forbid 代办 fees, and every message says so.

Callback data: proxy:i:<item> offer · proxy:c:<item> collect · proxy:d:<item> deliver (then
the address is typed, state `proxy:addr`).
"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain.messages import Reply
from handlers.cards import PROXY_KINDS
from knowledge.model import Item
from services.notices import notice
from storage import matters
from storage.people import staff_members

ADDRESS_MAX = 200


def offers_proxy(item: Item) -> bool:
    return item.kind in PROXY_KINDS


def _item(ctx: Context, item_id: str) -> Item | None:
    item = ctx.services.kb.get(item_id)
    return item if item is not None and offers_proxy(item) else None


async def _offer(ctx: Context, item_id: str) -> list[Reply]:
    """`proxy:i:<item>`: collect at the window, or delivered?"""
    if (item := _item(ctx, item_id)) is None:
        return [ctx.say("err.stale_button")]
    ctx.set_state("proxy", item=item.id)
    return [Reply(ctx.t("proxy/offer", item=item),
                  ((ctx.button("btn.proxy_collect", f"proxy:c:{item.id}"),),
                   (ctx.button("btn.proxy_deliver", f"proxy:d:{item.id}"),)))]


async def _collect(ctx: Context, item_id: str) -> list[Reply]:
    """`proxy:c:<item>`: registered at once."""
    if (item := _item(ctx, item_id)) is None:
        return [ctx.say("err.stale_button")]
    return await _create(ctx, item, delivery="collect", address="")


async def _deliver(ctx: Context, item_id: str) -> list[Reply]:
    """`proxy:d:<item>`: then the address is typed."""
    if (item := _item(ctx, item_id)) is None:
        return [ctx.say("err.stale_button")]
    ctx.set_state("proxy:addr", item=item.id)
    return [ctx.say("msg.proxy_ask_address")]


async def on_text(ctx: Context) -> list[Reply]:
    """The delivery address, typed after 送达."""
    item = _item(ctx, str(ctx.data.get("item", "")))
    if ctx.state != "proxy:addr" or item is None:
        ctx.clear_state()
        return [ctx.say("err.stale_button")]
    if ctx.event.kind != "text" or not ctx.event.text.strip():
        return [ctx.say("msg.proxy_ask_address")]
    return await _create(ctx, item, delivery="deliver",
                         address=ctx.event.text.strip()[:ADDRESS_MAX])


async def _create(ctx: Context, item: Item, *, delivery: str, address: str) -> list[Reply]:
    """Register the request for the item's department and tell its staff."""
    settings = ctx.services.settings
    deadline = ctx.services.calendar.add_workdays(ctx.today, settings.consult_deadline_workdays)
    proxy = {"delivery": delivery, "address": address}
    matter = await matters.create_matter(
        ctx.session, kind="consult", resident=ctx.person, now=ctx.now, actor=ctx.key,
        subject=ctx.label("proxy.subject", item=item.name, lang="zh"),
        content=ctx.t("proxy/content", lang="zh", item=item, proxy=proxy),
        item_id=item.id, department=ctx.services.department_of(item), deadline=deadline,
        data={"proxy": proxy},
    )
    staff = await staff_members(ctx.session, settings, department=matter.department,
                                now=ctx.now)
    await ctx.notify(notice(
        staff, "proxy/staff_new", kind="staff_new_matter", matter=matter, item=item,
        resident=ctx.person, proxy=proxy, buttons=[[("btn.take", f"stf:take:{matter.id}")]],
        dedupe_prefix=f"new:{matter.id}", matter_id=matter.id, not_before=ctx.on_duty_from))
    ctx.clear_state()
    return [Reply(ctx.t("proxy/created", matter=matter, item=item, proxy=proxy),
                  ((ctx.button("btn.status", "menu:status"),),))]


def register(router: Router) -> None:
    router.choice("proxy", "i", _offer, args=1)
    router.choice("proxy", "c", _collect, args=1)
    router.choice("proxy", "d", _deliver, args=1)
    router.state("proxy", on_text)
