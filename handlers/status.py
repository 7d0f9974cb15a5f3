"""/status: a resident's own matters (questions, complaints, cases) with status and deadline."""

from __future__ import annotations

from bot.context import Context
from bot.core import Button, Reply
from bot.router import Router
from storage import matters


async def status_cmd(ctx: Context) -> list[Reply]:
    rows = await matters.matters_of(ctx.session, ctx.person.id)
    buttons = tuple(
        (Button(ctx.label("btn.add_to", number=m.number), f"ho:add:{m.id}"),)
        for m in rows if m.status in matters.OPEN_STATUSES and m.kind == "consult"
    )[:5]
    return [Reply(ctx.t("status/list", matters=rows, today=ctx.today), buttons)]


def register(router: Router) -> None:
    router.command("status", status_cmd, help_key="help.status", aliases=("mymatters",))
