"""/start, /help, /menu, /lang, /cancel: greeting, what each person may do, language choice."""

from __future__ import annotations

from bot.context import Context
from bot.i18n import LOCALES
from bot.router import Router
from domain.messages import Button, Reply
from handlers.cards import card


def menu_buttons(ctx: Context) -> tuple[tuple[Button, ...], ...]:
    rows = [
        (ctx.button("btn.guide", "menu:guide"), ctx.button("btn.book", "menu:book")),
        (ctx.button("btn.mybookings", "menu:mybookings"), ctx.button("btn.status", "menu:status")),
        (ctx.button("btn.complain", "menu:complain"), ctx.button("btn.ask_staff", "ho:new")),
        (ctx.button("btn.lang", "lang:menu"),),
    ]
    return tuple(rows)


async def start(ctx: Context) -> list[Reply]:
    """Greet, say what the bot can do, show the menu; any unfinished dialog is dropped.

    `/start <item-id>` (a link such as t.me/<bot>?start=dibao, printed as a QR code at a
    window or on a poster) opens that item's card straight after a one-line greeting: the
    card is what was asked for, and its options are the only ones (numbered from 1 on
    WeChat)."""
    ctx.clear_state()
    item = ctx.services.kb.get(ctx.event.args.strip()[:64]) if ctx.event.args else None
    if item is not None:
        return [ctx.say("msg.welcome_item", item=item.name), card(ctx, item)]
    return [Reply(ctx.t("common/welcome", name=ctx.person.display_name, role=ctx.role.name),
                  menu_buttons(ctx))]


async def menu(ctx: Context) -> list[Reply]:
    ctx.clear_state()
    return [Reply(ctx.t("common/menu"), menu_buttons(ctx))]


async def cancel(ctx: Context) -> list[Reply]:
    had = ctx.state != "idle"
    ctx.clear_state()
    return [Reply(ctx.label("msg.cancelled" if had else "msg.nothing_to_cancel"),
                  menu_buttons(ctx))]


def help_reply(ctx: Context, router: Router) -> Reply:
    """Only the commands this person's role may use."""
    lines = [
        (cmd.name, ctx.label(cmd.help_key))
        for cmd in router.ordered_commands
        if cmd.help_key and ctx.role.at_least(cmd.role)
    ]
    return Reply(ctx.t("common/help", commands=lines, role=ctx.role.name))


async def lang(ctx: Context) -> list[Reply]:
    """`/lang en` or `/lang zh` switches at once; bare `/lang` offers the choice."""
    wanted = ctx.event.args.strip().lower()[:5]
    if wanted in LOCALES:
        return _set_language(ctx, wanted)
    return [Reply(ctx.label("msg.choose_language"),
                  ((ctx.button("lang.name.zh", "lang:set:zh"),
                    ctx.button("lang.name.en", "lang:set:en")),))]


def _set_language(ctx: Context, code: str) -> list[Reply]:
    ctx.person.language = code
    ctx.person.language_chosen = True
    return [Reply(ctx.label("msg.language_set"), menu_buttons(ctx))]


async def _choose_language(ctx: Context, code: str) -> list[Reply]:
    """`lang:set:<code>`."""
    if code in LOCALES:
        return _set_language(ctx, code)
    return [ctx.say("err.stale_button")]


def register(router: Router) -> None:
    async def help_cmd(ctx: Context) -> list[Reply]:
        return [help_reply(ctx, router)]

    router.command("start", start)
    router.command("help", help_cmd, help_key="help.help")
    router.command("menu", menu, help_key="help.menu")
    router.command("lang", lang, help_key="help.lang", aliases=("language",))
    router.command("cancel", cancel, help_key="help.cancel")
    router.choice("lang", "menu", lang)  # the menu's 🌐 button: the choice
    router.choice("lang", "set", _choose_language, args=1)

    async def on_menu_choice(ctx: Context) -> list[Reply]:
        """Menu buttons run the command of the same name, as if it had been typed."""
        cmd = router.commands.get(ctx.event.choice.partition(":")[2])
        if cmd is None or not ctx.role.at_least(cmd.role):
            return [ctx.say("err.stale_button")]
        return await cmd.handler(ctx)

    router.choice_default("menu", on_menu_choice)  # menu:<command>
