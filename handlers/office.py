"""The office as residents meet it: /profile (a staff member's name and window as residents
read them) and /departments (the registry, with codes for /grant and the knowledge base)."""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from bot.staff_names import staff_name
from domain.messages import Reply
from domain.names import clean_name
from storage.profiles import set_profile

NAME_MAX = 32
WINDOW_MAX = 32


async def profile_cmd(ctx: Context) -> list[Reply]:
    """/profile [NAME [WINDOW]] — without arguments, how residents read you now."""
    args = ctx.event.args.strip().split(None, 1)
    if args:
        name = clean_name(args[0], NAME_MAX)
        window = clean_name(args[1], WINDOW_MAX) if len(args) > 1 else None
        if not name:
            return [ctx.say("err.usage", usage=ctx.label("usage.profile"))]
        await set_profile(ctx.session, person=ctx.key, name=name, window=window, now=ctx.now)
    else:
        ctx.privileged_action = None  # reading one's own profile is not an action on data
    me = await staff_name(ctx.session, ctx.services, ctx.key)
    return [ctx.say("msg.profile" if args else "msg.profile_now",
                    who=ctx.services.renderer.who(me, ctx.lang))]


async def departments_cmd(ctx: Context) -> list[Reply]:
    """/departments — every department with its code, window and phone."""
    ctx.privileged_action = None  # read-only, nothing about residents
    return [Reply(ctx.t("office/departments", departments=ctx.services.registry.departments))]


def register(router: Router) -> None:
    router.command("profile", profile_cmd, role="staff", help_key="help.profile")
    router.command("departments", departments_cmd, role="staff", help_key="help.departments")
