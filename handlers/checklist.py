"""The one-time checklist: which situations apply, tick the materials already at hand, then the
written 一次性告知单 of everything still missing — as a message and as a printable document.

Callback data: chk:o:<item> open · chk:s:<item>:<n> situation · chk:l:<item> to the list ·
chk:b:<item> back to situations · chk:t:<item>:<n> tick a material · chk:d:<item> notice.
The ticks live in the dialog state, so a restart continues where the resident was, and are
kept per item beyond it (storage.checklist): a booking made afterwards lists only what is
still missing.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import Context
from bot.router import Router
from domain import checklist as rules
from domain.documents import applicant_name, document_number
from domain.messages import Attachment, Button, Reply
from handlers.cards import shown
from knowledge.model import Item
from storage.checklist import save_ticks

LABEL_WIDTH = 28  # characters of a material's name shown on its button


def _situations_reply(ctx: Context, item: Item, chosen: list[int], *, edit: bool) -> Reply:
    sits = item.situations
    rows = [
        (Button(("☑ " if i in chosen else "☐ ") + s[:LABEL_WIDTH], f"chk:s:{item.id}:{i}"),)
        for i, s in enumerate(sits)
    ]
    rows.append((ctx.button("btn.next_materials", f"chk:l:{item.id}"),))
    return Reply(ctx.t("checklist/situations", item=item, situations=sits, chosen=chosen),
                 tuple(rows), edit=edit)


def _list_reply(ctx: Context, item: Item, data: dict, *, edit: bool) -> Reply:
    lines = rules.checklist(item, rules.situations_of(item, data["sit"]), data["have"])
    rows = [
        (Button(("✅ " if ln.have else "⬜ ") + f"{n}. " + ln.material.name[:LABEL_WIDTH],
                f"chk:t:{item.id}:{ln.index}"),)
        for n, ln in enumerate(lines, 1)
    ]
    last = [ctx.button("btn.make_notice", f"chk:d:{item.id}")]
    if item.situations:
        last.insert(0, ctx.button("btn.back_situations", f"chk:b:{item.id}"))
    rows.append(tuple(last))
    return Reply(ctx.t("checklist/list", item=item, lines=lines,
                       situations=rules.situations_of(item, data["sit"])),
                 tuple(rows), edit=edit)


def _current(ctx: Context, item_id: str) -> dict | None:
    """This item's checklist state, or None when the button belongs to an older dialog."""
    data = ctx.data
    if ctx.state != "checklist" or data.get("item") != item_id:
        return None
    data.setdefault("sit", [])
    data.setdefault("have", [])
    return data


def _stale(ctx: Context, item: Item) -> list[Reply]:
    return [Reply(ctx.label("err.stale_checklist", item=item.name),
                  ((ctx.button("btn.checklist", f"chk:o:{item.id}"),),))]


async def _open(ctx: Context, item_id: str) -> list[Reply]:
    """`chk:o:<item>`: a fresh checklist of the item."""
    item = ctx.services.kb.get(item_id)
    if item is None:
        return [ctx.say("err.stale_button")]
    # The checklist works on the item as the person's language shows it: material indices
    # and situations are the same in every language, and button labels need the text.
    item = shown(ctx, item)
    ctx.set_state("checklist", item=item.id, sit=[], have=[])
    await _keep(ctx, item, [], [])
    if item.situations:
        return [_situations_reply(ctx, item, [], edit=False)]
    return [_list_reply(ctx, item, ctx.data, edit=False)]


Step = Callable[..., Awaitable[list[Reply]]]


def _in_checklist(step: Step) -> Step:
    """A button of an open checklist: the item's, still the current dialog (else stale)."""
    async def handler(ctx: Context, item_id: str, *rest: str) -> list[Reply]:
        item = ctx.services.kb.get(item_id)
        if item is None:
            return [ctx.say("err.stale_button")]
        item = shown(ctx, item)
        data = _current(ctx, item.id)
        if data is None:
            return _stale(ctx, item)
        return await step(ctx, item, data, *rest)
    return handler


@_in_checklist
async def _situation(ctx: Context, item: Item, data: dict, raw: str) -> list[Reply]:
    index = rules.button_index(raw, len(item.situations))
    if index is None:
        return [ctx.say("err.stale_button")]
    data["sit"] = rules.toggle(data["sit"], index)
    ctx.update_data(sit=data["sit"])
    await _keep(ctx, item, data["sit"], data["have"])
    return [_situations_reply(ctx, item, data["sit"], edit=True)]


@_in_checklist
async def _back(ctx: Context, item: Item, data: dict) -> list[Reply]:
    if not item.situations:
        return [ctx.say("err.stale_button")]
    return [_situations_reply(ctx, item, data["sit"], edit=True)]


@_in_checklist
async def _to_list(ctx: Context, item: Item, data: dict) -> list[Reply]:
    return [_list_reply(ctx, item, data, edit=True)]


@_in_checklist
async def _tick(ctx: Context, item: Item, data: dict, raw: str) -> list[Reply]:
    have = rules.tick(item, data["sit"], data["have"], raw)
    if isinstance(have, str):
        return [ctx.say("err.stale_button")] if have == "stale_button" else _stale(ctx, item)
    data["have"] = have
    ctx.update_data(have=have)
    await _keep(ctx, item, data["sit"], data["have"])
    return [_list_reply(ctx, item, data, edit=True)]


@_in_checklist
async def _notice(ctx: Context, item: Item, data: dict) -> list[Reply]:
    return notice(ctx, item, data)


async def _other(ctx: Context) -> list[Reply]:
    """Any other `chk:` button: of an older checklist of a real item → offer to reopen it."""
    parts = ctx.event.choice.split(":")
    item = ctx.services.kb.get(parts[2]) if len(parts) in (3, 4) else None
    if item is not None and parts[1] != "o" and _current(ctx, item.id) is None:
        return _stale(ctx, shown(ctx, item))
    return [ctx.say("err.stale_button")]


async def _keep(ctx: Context, item: Item, situations: list[int], have: list[int]) -> None:
    await save_ticks(ctx.session, resident_id=ctx.person.id, item_id=item.id,
                     situations=situations, have=have, now=ctx.now)


def notice(ctx: Context, item: Item, data: dict) -> list[Reply]:
    """The written one-time notice: everything still missing, conditions, steps, where to go."""
    situations = rules.situations_of(item, data["sit"])
    lines = rules.checklist(item, situations, data["have"])
    missing = [ln for ln in lines if not ln.have]
    have = [ln for ln in lines if ln.have]
    context = dict(item=item, missing=missing, have=have, situations=situations,
                   issued=ctx.now, person=ctx.person, handler=None,
                   doc_no=document_number("checklist", ctx.today,
                                          f"R{ctx.person.id}-{ctx.now.astimezone(ctx.services.tz):%H%M%S}"),
                   applicant=applicant_name(ctx.person.real_name, ctx.person.display_name))
    document = Attachment(
        filename=ctx.label("doc.checklist_filename", item=item.id),
        data=ctx.t("checklist/document.html", **context).encode("utf-8"),
        caption=ctx.label("doc.checklist_caption", item=item.name),
    )
    buttons = []
    if item.appointment:
        buttons.append(ctx.button("btn.book", f"book:i:{item.id}"))
    buttons.append(ctx.button("btn.ask_staff", f"ho:i:{item.id}"))
    return [
        Reply(ctx.t("checklist/notice", **context), (tuple(buttons),)),
        Reply(document=document),
    ]


def register(router: Router) -> None:
    router.choice("chk", "o", _open, args=1)
    router.choice("chk", "s", _situation, args=2)
    router.choice("chk", "b", _back, args=1)
    router.choice("chk", "l", _to_list, args=1)
    router.choice("chk", "t", _tick, args=2)
    router.choice("chk", "d", _notice, args=1)
    router.choice_default("chk", _other)
