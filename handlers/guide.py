"""/guide (办事指南): browse the service items by category, for residents who would rather
look than ask. A category lists its items; an item opens the same card a question does.

Callback data: gd:c:<n> (the n-th category of the knowledge base, as listed by /guide),
gd:o (what other offices handle: the referrals), gd:r:<id> (one referral).
"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain.messages import Button, Reply
from handlers.cards import shown
from handlers.consult import referred
from knowledge.model import KnowledgeBase

PER_ROW = 3


def _rows(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i:i + per_row]) for i in range(0, len(buttons), per_row))


def _categories(ctx: Context) -> list:
    """Categories and their items in the person's language (the same order in every one)."""
    return KnowledgeBase(items=shown(ctx, ctx.services.kb.items)).categories()


async def guide_cmd(ctx: Context) -> list[Reply]:
    categories = _categories(ctx)
    buttons = [Button(name or ctx.label("guide.other_category"), f"gd:c:{n}")
               for n, (name, _) in enumerate(categories)]
    rows = _rows(buttons, PER_ROW)
    if ctx.services.kb.referrals:  # what other offices handle: browsable too, never a dead end
        rows += ((ctx.button("btn.guide_other_offices", "gd:o"),),)
    return [Reply(ctx.t("guide/categories", categories=categories), rows)]


async def _category(ctx: Context, raw: str) -> list[Reply]:
    """`gd:c:<n>`: the items of the n-th category."""
    categories = _categories(ctx)
    if not raw.isdigit() or int(raw) >= len(categories):
        return [ctx.say("err.stale_button")]
    name, items = categories[int(raw)]
    rows = [(Button(it.name, f"item:show:{it.id}"),) for it in items]
    rows.append((ctx.button("btn.guide_back", "menu:guide"),))
    return [Reply(ctx.t("guide/category", category=name, items=items), tuple(rows))]


async def _other_offices(ctx: Context) -> list[Reply]:
    """gd:o lists the referrals."""
    referrals = shown(ctx, ctx.services.kb.referrals)
    rows = [(Button(r.name, f"gd:r:{r.id}"),) for r in referrals]
    rows.append((ctx.button("btn.guide_back", "menu:guide"),))
    return [Reply(ctx.t("referral/list", referrals=referrals), tuple(rows))]


async def _referral(ctx: Context, referral_id: str) -> list[Reply]:
    """gd:r:<id> answers one referral, as a question naming it would."""
    referral = ctx.services.kb.referral(referral_id)
    if referral is None:
        return [ctx.say("err.stale_button")]
    return [referred(ctx, referral.name, referral)]


def register(router: Router) -> None:
    router.command("guide", guide_cmd, help_key="help.guide", aliases=("items", "zhinan"))
    router.choice("gd", "c", _category, args=1)
    router.choice("gd", "o", _other_offices)
    router.choice("gd", "r", _referral, args=1)
