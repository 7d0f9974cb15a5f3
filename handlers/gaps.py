"""/gaps: the largest groups of questions the bot could not answer, with examples; two taps
attach a group to an item — as aliases, or as a new FAQ (then the answer is typed) — written
to the KB files, validated like `servicebot kb check`, and in service at once. `/kb reload`
re-reads the KB files by hand.

Buttons: `gap:open:<n>` (a group of the list last shown), `gap:alias:<n>:<k>` and
`gap:faq:<n>:<k>` (the k-th suggested item); the list lives in the dialog state, so a stale
button is answered politely and changes nothing.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

from bot import kb_reload
from bot.context import Context
from bot.router import Router
from domain.messages import Button, Reply
from knowledge import editing
from knowledge.loader import KBError
from knowledge.model import Item
from storage import gaps

LOOK_BACK_DAYS = 90
SUGGESTIONS = 3
ALIAS_CHARS = (2, 30)  # a whole long message makes a poor alias


async def gaps_cmd(ctx: Context) -> list[Reply]:
    """The open gap groups of the last 90 days, largest first."""
    groups = await gaps.open_groups(ctx.session, since=ctx.now - timedelta(days=LOOK_BACK_DAYS))
    ctx.set_state("gaps", groups=[{"readings": g.readings, "examples": g.examples,
                                   "count": g.count} for g in groups])
    rows = tuple((Button(ctx.label("gap.btn.open", n=i + 1, count=g.count), f"gap:open:{i}"),)
                 for i, g in enumerate(groups))
    return [Reply(ctx.t("gaps/list", groups=groups, days=LOOK_BACK_DAYS), rows)]


def _group(ctx: Context, raw: str) -> dict | None:
    groups = ctx.data.get("groups") if ctx.state.startswith("gaps") else None
    if not raw.isdigit() or not groups or int(raw) >= len(groups):
        return None
    return groups[int(raw)]


def _aliases(group: dict) -> list[str]:
    low, high = ALIAS_CHARS
    return [t.strip() for t in group["examples"] if low <= len(t.strip()) <= high and "*" not in t]


async def _open(ctx: Context, raw: str) -> list[Reply]:
    """`gap:open:<n>`: a group of the list last shown."""
    group = _group(ctx, raw)
    if group is None:
        return [ctx.say("err.stale_button")]
    return [_show(ctx, int(raw), group)]


def _suggested(ctx: Context, raw: str, k: str) -> tuple[dict, Item] | None:
    """The group and its k-th suggested item, or None (a stale button)."""
    group = _group(ctx, raw)
    suggested = (group.get("suggested") or []) if group is not None else []
    if group is None or not k.isdigit() or int(k) >= len(suggested):
        return None
    item = ctx.services.kb.get(suggested[int(k)])
    return (group, item) if item is not None else None


async def _alias(ctx: Context, raw: str, k: str) -> list[Reply]:
    """`gap:alias:<n>:<k>`: the group's questions become aliases of the item."""
    if (found := _suggested(ctx, raw, k)) is None:
        return [ctx.say("err.stale_button")]
    group, item = found
    aliases = _aliases(group)
    if not aliases:  # only long messages: nothing short enough to be a name of the item
        return [ctx.say("gap.no_alias", item=item.name)]
    return await _attach(ctx, group, item.id, aliases)


async def _faq(ctx: Context, raw: str, k: str) -> list[Reply]:
    """`gap:faq:<n>:<k>`: a new FAQ of the item; its answer is typed next."""
    if (found := _suggested(ctx, raw, k)) is None:
        return [ctx.say("err.stale_button")]
    group, item = found
    ctx.update_data(faq_group=int(raw), faq_item=item.id)
    ctx.conv.state = "gaps:faq"
    return [ctx.say("gap.faq_ask", item=item.name, question=group["examples"][0])]


def _show(ctx: Context, index: int, group: dict) -> Reply:
    """One group: its examples and the items the matcher thinks closest, two buttons each."""
    matcher = ctx.services.matcher
    suggested: list[str] = []
    for text in group["examples"]:
        suggested += [m.item.id for m in matcher.match(text, top=SUGGESTIONS).matches]
    suggested = list(dict.fromkeys(suggested))[:SUGGESTIONS]
    groups = [dict(g) for g in ctx.data["groups"]]  # a new value: JSON is not change-tracked
    groups[index] = {**group, "suggested": suggested}
    ctx.update_data(groups=groups)
    kb = ctx.services.kb
    rows = []
    for k, item_id in enumerate(suggested):
        name = kb.names.get(item_id, item_id)
        rows.append((Button(ctx.label("gap.btn.alias", item=name), f"gap:alias:{index}:{k}"),
                     Button(ctx.label("gap.btn.faq", item=name), f"gap:faq:{index}:{k}")))
    return Reply(ctx.t("gaps/group", group=group, n=index + 1,
                       items=[kb.names.get(i, i) for i in suggested]), tuple(rows))


async def on_faq_answer(ctx: Context) -> list[Reply]:
    """The typed answer of a new FAQ entry."""
    answer = ctx.event.text.strip()
    group = _group(ctx, str(ctx.data.get("faq_group", "")))
    item = ctx.services.kb.get(ctx.data.get("faq_item", ""))
    if not ctx.role.is_staff or group is None or item is None:
        ctx.clear_state()
        return [ctx.say("err.stale_button")]
    if not answer:
        return [ctx.say("err.empty_text")]
    ctx.privileged_action = "gaps"
    return await _attach(ctx, group, item.id, _aliases(group),
                         faq=(group["examples"][0], answer[:1000]))


async def _attach(ctx: Context, group: dict, item_id: str, aliases: list[str], *,
                  faq: tuple[str, str] | None = None) -> list[Reply]:
    """Write the change (validated), reload the KB here, close the group's questions."""
    services = ctx.services
    root = kb_reload.kb_root(services)
    try:
        if faq is None:
            await asyncio.to_thread(editing.add_aliases, root, item_id, aliases)
        else:
            await asyncio.to_thread(editing.add_faq, root, item_id, faq[0], faq[1], aliases)
        await kb_reload.reload(services)
    except KBError as exc:
        ctx.clear_state()
        return [ctx.say("gap.refused", issues="\n".join(str(i) for i in exc.issues[:5]))]
    except editing.NoSuchItem:
        ctx.clear_state()
        return [ctx.say("err.stale_button")]
    closed = await gaps.close(ctx.session, readings=group["readings"], item_id=item_id, now=ctx.now)
    ctx.clear_state()
    name = services.kb.names.get(item_id, item_id)
    key = "gap.attached_faq" if faq else "gap.attached"
    return [ctx.say(key, item=name, aliases="、".join(aliases) or "—", closed=closed)]


async def kb_cmd(ctx: Context) -> list[Reply]:
    """/kb reload — re-read the KB files now (they are also watched for changes)."""
    if ctx.event.args.strip().lower() != "reload":
        return [ctx.say("err.usage", usage=ctx.label("usage.kb"))]
    try:
        kb = await kb_reload.reload(ctx.services)
    except KBError as exc:
        return [ctx.say("kb.reload_refused", issues="\n".join(str(i) for i in exc.issues[:5]),
                        n=len(exc.issues))]
    return [ctx.say("kb.reloaded", items=len(kb.items))]


def register(router: Router) -> None:
    router.command("gaps", gaps_cmd, role="staff", help_key="help.gaps")
    router.command("kb", kb_cmd, role="staff", help_key="help.kb")
    # staff only, enforced (and refusals audited) by the dispatcher like /gaps
    for action, handler, args in (("open", _open, 1), ("alias", _alias, 2), ("faq", _faq, 2)):
        router.choice("gap", action, handler, args=args, role="staff", name="gaps")
    router.choice_default("gap", role="staff", name="gaps")
    router.state("gaps:faq", on_faq_answer)
