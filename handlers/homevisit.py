"""Home visits (上门服务): an elderly or disabled resident who cannot come to the center asks
staff to come to them instead. The request — who, address, need, phone — becomes a matter of
kind `homevisit` with the usual answer deadline in working days; the item's department is
told at once; the resident gets the number and the date.

Reached from the booking flow's 🏠 button (`book:hv:<item>`, or `book:hv:-` without an item)
and `/homevisit`. The department's notice masks the phone; whoever takes the visit reads it
in full in `/show` (every such view audited): they have to call to arrange it.
"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain.errors import DomainError
from domain.messages import Button, Reply
from domain.privacy import mask_phone, normalise_phone
from knowledge.model import Item
from services.notices import notice
from storage import matters
from storage.people import staff_members

WHO = ("elderly", "disabled")
MAX_TEXT = 1000
NO_ITEM = "-"


def _item(ctx: Context, raw: str) -> Item | None:
    if raw == NO_ITEM:
        return None
    item = ctx.services.kb.get(raw)
    if item is None:
        raise DomainError("not_bookable")
    return item


async def homevisit_cmd(ctx: Context) -> list[Reply]:
    """/homevisit: who may ask, and the choice of who is asking."""
    return [_intro(ctx, None)]


def _intro(ctx: Context, item: Item | None) -> Reply:
    key = item.id if item else NO_ITEM
    days = ctx.services.settings.consult_deadline_workdays
    return Reply(ctx.t("booking/homevisit_intro", item=item, days=days),
                 tuple((ctx.button(f"btn.hv_{who}", f"book:hvw:{key}:{who}"),) for who in WHO))


async def _offer(ctx: Context, raw_item: str) -> list[Reply]:
    """`book:hv:<item>`: who may ask, and the choice of who is asking."""
    return [_intro(ctx, _item(ctx, raw_item))]


async def _who(ctx: Context, raw_item: str, who: str) -> list[Reply]:
    """`book:hvw:<item>:<who>`: then the address is typed."""
    if who not in WHO:
        return [ctx.say("err.stale_button")]
    item = _item(ctx, raw_item)
    ctx.set_state("book:hv_addr", item=item.id if item else None, who=who)
    return [ctx.say("msg.hv_ask_address")]


async def _known_phone(ctx: Context) -> list[Reply]:
    """`book:hvp`: the phone we have, instead of typing one."""
    if ctx.state == "book:hv_phone" and ctx.person.phone:
        return await _create(ctx, ctx.person.phone)
    return [ctx.say("err.stale_button")]


async def on_text(ctx: Context) -> list[Reply]:
    """Address, then need, then phone (typed, or Telegram's contact button)."""
    ev, state = ctx.event, ctx.state
    if state == "book:hv_phone":
        if ev.kind == "contact" and ev.contact_user_id and ev.contact_user_id != ev.user_id:
            return [Reply(ctx.label("err.not_own_contact"), ask_contact=True)]
        raw = ev.phone if ev.kind == "contact" else ev.text
        phone = normalise_phone(raw or "")
        if phone is None:
            return [Reply(ctx.label("err.bad_phone"), ask_contact=True)]
        ctx.person.phone = phone
        return await _create(ctx, phone)
    if ev.kind != "text":
        return [ctx.say("err.text_only_here")]
    text = ev.text.strip()[:MAX_TEXT]
    if not text:
        return [ctx.say("err.empty_text")]
    if state == "book:hv_addr":
        ctx.set_state("book:hv_need", **{**ctx.data, "address": text})
        return [ctx.say("msg.hv_ask_need")]
    if state == "book:hv_need":
        ctx.set_state("book:hv_phone", **{**ctx.data, "need": text})
        ask = Reply(ctx.label("msg.hv_ask_phone"), ask_contact=True)
        if not ctx.person.phone:
            return [ask]
        # a contact keyboard and inline buttons cannot share one Telegram message
        use = Button(ctx.label("btn.hv_use_phone", phone=mask_phone(ctx.person.phone)),
                     "book:hvp")
        return [ask, Reply(ctx.label("msg.hv_or_known_phone"), ((use,),))]
    ctx.clear_state()
    return [ctx.say("err.stale_button")]


async def _create(ctx: Context, phone: str) -> list[Reply]:
    """Register the request, tell the department's staff, tell the resident number and date."""
    data = ctx.data
    item = ctx.services.kb.get(data.get("item") or "")
    who = data.get("who") if data.get("who") in WHO else "elderly"
    address, need = str(data.get("address", "")), str(data.get("need", ""))
    settings = ctx.services.settings
    deadline = ctx.services.calendar.add_workdays(ctx.today, settings.consult_deadline_workdays)
    subject = ctx.label("hv.subject", item=item.name if item else ctx.label("hv.no_item"),
                        lang="zh")
    content = ctx.t("booking/homevisit_content", lang="zh", who=who, address=address,
                    need=need, phone=phone, item=item)
    matter = await matters.create_matter(
        ctx.session, kind="homevisit", resident=ctx.person, now=ctx.now, actor=ctx.key,
        subject=subject, content=content, item_id=item.id if item else None,
        department=ctx.services.department_of(item), deadline=deadline,
        data={"who": who, "address": address, "need": need, "phone": phone},
    )
    staff = await staff_members(ctx.session, settings, department=matter.department,
                                now=ctx.now)
    await ctx.notify(notice(
        staff, "booking/homevisit_staff", kind="staff_new_matter", matter=matter, item=item,
        resident=ctx.person, who=who, address=address, need=need, phone=phone,
        buttons=[[("btn.take", f"stf:take:{matter.id}")]], dedupe_prefix=f"new:{matter.id}",
        matter_id=matter.id, not_before=ctx.on_duty_from,
    ))
    ctx.clear_state()
    return [Reply(ctx.t("booking/homevisit_created", matter=matter, item=item),
                  ((ctx.button("btn.status", "menu:status"),),))]


def register(router: Router) -> None:
    router.command("homevisit", homevisit_cmd, help_key="help.homevisit")
    router.choice("book", "hv", _offer, args=1)
    router.choice("book", "hvw", _who, args=2)
    router.choice("book", "hvp", _known_phone)
