"""Hand-off to staff (首问负责制): a question the knowledge base cannot answer, or 转人工,
becomes a consultation matter with a number and a 7-working-day answer deadline; on-duty
staff are notified through the outbox; the resident can add to their open question.

Callback data: ho:ask (send the question just asked) · ho:new (type a question) ·
ho:i:<item> (a question about an item) · ho:add:<matter id> (add to an open question).
Typing 转人工 (or 人工, 找工作人员 … — label `words.handoff`) does what the button does, on
every channel: the question just asked goes to staff, else the resident is asked for it.
"""

from __future__ import annotations

import unicodedata

from bot.context import Context
from bot.i18n import LOCALES
from bot.router import Router
from domain.errors import DomainError
from domain.messages import Reply
from handlers.cards import shown
from knowledge.model import Item
from services.notices import notice
from storage import matters
from storage.people import staff_members

MAX_TEXT = 4000


async def hand_over(ctx: Context, question: str, item: Item | None) -> list[Reply]:
    """Register the consultation, notify staff, tell the resident the number and the date."""
    settings = ctx.services.settings
    deadline = ctx.services.calendar.add_workdays(ctx.today, settings.consult_deadline_workdays)
    matter = await matters.create_matter(
        ctx.session, kind="consult", resident=ctx.person, now=ctx.now, actor=ctx.key,
        subject=(item.name if item else question)[:200], content=question[:MAX_TEXT],
        item_id=item.id if item else None, department=ctx.services.department_of(item),
        deadline=deadline,
    )
    staff = await staff_members(ctx.session, settings, department=matter.department,
                                now=ctx.now)
    on_duty = ctx.on_duty_from
    await ctx.notify(notice(
        staff, "handoff/staff_new", kind="staff_new_matter", matter=matter, item=item,
        resident=ctx.person, buttons=[[("btn.take", f"stf:take:{matter.id}")]],
        dedupe_prefix=f"new:{matter.id}", matter_id=matter.id, not_before=on_duty,
    ))
    ctx.clear_state()
    after_hours = on_duty if on_duty > ctx.now else None
    return [Reply(ctx.t("handoff/created", matter=matter, item=item, staff_count=len(staff),
                        after_hours=after_hours),
                  ((ctx.button("btn.add_info", f"ho:add:{matter.id}"),
                    ctx.button("btn.status", "menu:status")),))]


def asks_for_staff(ctx: Context, text: str) -> bool:
    """Is the message just 转人工 or one of its synonyms (in any language)?"""
    plain = unicodedata.normalize("NFKC", text).strip().strip(" !！。.?？~～").lower()
    if not plain or len(plain) > 20:
        return False
    renderer = ctx.services.renderer
    return any(plain == word.strip().lower()
               for loc in LOCALES for word in renderer.label(loc, "words.handoff").split("、"))


async def interrupt(ctx: Context) -> list[Reply] | None:
    """转人工 typed in any dialog (a booking's name step would take it for a name): the
    hand-off starts; the hand-off's own steps handle it themselves."""
    if ctx.state.startswith("handoff") or not asks_for_staff(ctx, ctx.event.text):
        return None
    return await start(ctx)


async def start(ctx: Context) -> list[Reply]:
    """转人工 typed: hand over the question just asked, else ask for it (about the item of
    the dialog, if any) — never a case whose content is "转人工"."""
    question = ctx.data.get("question") if ctx.state in ("offer", "choose") else None
    if question:
        return await hand_over(ctx, question, None)
    # on a card, in its checklist or its booking: a question about that item
    item = ctx.services.kb.get(str(ctx.data.get("item") or ""))
    if item is not None:
        ctx.set_state("handoff", item=item.id)
        return [ctx.say("msg.type_question_item", item=item.name)]
    ctx.set_state("handoff")
    return [ctx.say("msg.type_question")]


async def _ask(ctx: Context) -> list[Reply]:
    """`ho:ask`: send the question just asked (else ask for it)."""
    question = ctx.data.get("question") if ctx.state in ("offer", "choose") else None
    if question:
        return await hand_over(ctx, question, None)
    return await _new(ctx)


async def _new(ctx: Context) -> list[Reply]:
    """`ho:new`: type a question."""
    ctx.set_state("handoff")
    return [ctx.say("msg.type_question")]


async def _about_item(ctx: Context, item_id: str) -> list[Reply]:
    """`ho:i:<item>`: a question about an item."""
    item = ctx.services.kb.get(item_id)
    if item is None:
        return [ctx.say("err.stale_button")]
    ctx.set_state("handoff", item=item.id)
    return [ctx.say("msg.type_question_item", item=shown(ctx, item).name)]


async def _addition(ctx: Context, ref: str) -> list[Reply]:
    """`ho:add:<matter id>`: add to one's own open question."""
    matter = await _own_open_matter(ctx, ref)
    ctx.set_state("handoff:add", matter=matter.id)
    return [ctx.say("msg.type_addition", number=matter.number)]


async def _own_open_matter(ctx: Context, ref: str):  # type: ignore[no-untyped-def]
    """The resident's own, still open matter — never someone else's."""
    matter = await matters.get_matter(ctx.session, ref)
    if matter.resident_id != ctx.person.id:
        raise DomainError("no_such_matter", ref=ref[:20])
    if matter.status in ("done", "closed"):
        raise DomainError("matter_closed", number=matter.number)
    return matter


async def on_text(ctx: Context) -> list[Reply]:
    """Text typed after 转人工 (a new question) or after 补充说明 (an addition)."""
    if ctx.event.kind != "text":
        return [ctx.say("err.text_only_here")]
    text = ctx.event.text.strip()
    if not text:
        return [ctx.say("err.empty_text")]
    if ctx.state == "handoff:add":  # (转人工 here tells the matter's staff: call me)
        return await _add(ctx, text)
    item = ctx.services.kb.get(ctx.data.get("item") or "")
    if asks_for_staff(ctx, text):  # 转人工 again: still waiting for the question itself
        return [ctx.say("msg.type_question_item", item=item.name) if item
                else ctx.say("msg.type_question")]
    return await hand_over(ctx, text, item)


async def _add(ctx: Context, text: str) -> list[Reply]:
    matter = await _own_open_matter(ctx, str(ctx.data.get("matter", "")))
    await matters.resident_addition(ctx.session, matter, actor=ctx.key, text=text[:MAX_TEXT],
                                    now=ctx.now)
    recipients = await matters.responsible(ctx.session, ctx.services.settings, matter,
                                           now=ctx.now)
    await ctx.notify(notice(recipients, "handoff/staff_addition", kind="staff_addition",
                            matter=matter, text=text[:MAX_TEXT], resident=ctx.person,
                            matter_id=matter.id))
    ctx.clear_state()
    return [Reply(ctx.t("handoff/added", matter=matter),
                  ((ctx.button("btn.add_info", f"ho:add:{matter.id}"),),))]


def register(router: Router) -> None:
    router.choice("ho", "ask", _ask)
    router.choice("ho", "new", _new)
    router.choice("ho", "i", _about_item, args=1)
    router.choice("ho", "add", _addition, args=1)
    router.state("handoff", on_text)
    router.interrupt_text = interrupt
