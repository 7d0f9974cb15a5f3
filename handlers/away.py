"""AB岗 backups: /away [until] DATE [BACKUP] marks a staff member away to the end of DATE with
a backup (named, else their department's configured one); their open matters are handed to
the backup, each resident told who has it now, and new matters, reminders and residents'
replies reach the backup while they are away. /away off ends it; /away alone lists who is
away (supervisors see it in the digest too)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.context import Context
from bot.router import Router
from bot.settings import person_key
from bot.staff_names import away_entries, staff_name, staff_names
from domain.daytext import parse_day
from domain.errors import DomainError
from domain.messages import Reply
from services.notices import notice
from storage import absences, matters
from storage.people import resident_by_id, role_of
from storage.profiles import people_named

UNTIL_WORDS = ("until", "till", "至", "到")
BACK_WORDS = ("off", "back", "结束", "返岗", "回来了")


async def away_cmd(ctx: Context) -> list[Reply]:
    args = ctx.event.args.strip().split()
    if args and args[0].lower() in UNTIL_WORDS:
        args = args[1:]
    if not args:
        ctx.privileged_action = None  # reading the list changes nothing
        return [await away_list(ctx)]
    if args[0].lower() in BACK_WORDS:
        back = await absences.come_back(ctx.session, person=ctx.key)
        return [ctx.say("msg.away_back" if back else "msg.away_not_away")]
    day = parse_day(args[0], ctx.today)
    if day is None or len(args) > 2:
        return [ctx.say("err.usage", usage=ctx.label("usage.away"))]
    if day < ctx.today:
        raise DomainError("away_in_past")
    backup = await _backup(ctx, args[1] if len(args) > 1 else None)
    until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=ctx.services.tz)
    await absences.set_away(ctx.session, person=ctx.key, backup=backup, since=ctx.now,
                            until=until)
    moved = await _hand_over(ctx, backup, day)
    who = await staff_name(ctx.session, ctx.services, backup)
    return [ctx.say("msg.away_set", until=ctx.services.renderer.local_day(day, ctx.lang),
                    backup=ctx.services.renderer.who(who, ctx.lang), moved=len(moved))]


async def _backup(ctx: Context, named: str | None) -> str:
    """The named colleague (an id or a /profile name), else the department's configured
    backup; a backup must be staff and not away themselves."""
    away = await absences.away_now(ctx.session, ctx.now)
    if named:
        key = await _find_staff(ctx, named)
    else:
        dept = ctx.services.registry.get(ctx.role.department)
        if dept is None or not dept.backup or dept.backup == ctx.key:
            raise DomainError("away_needs_backup")
        key = dept.backup
    if key == ctx.key:
        raise DomainError("away_self_backup")
    if key in away:
        raise DomainError("away_backup_away", who=named or key)
    return key


async def _find_staff(ctx: Context, text: str) -> str:
    candidates = [person_key(text.lstrip("@"))]
    candidates += await people_named(ctx.session, text)
    candidates += [k for k, p in ctx.services.settings.staff_profiles.items()
                   if p.get("name") == text]
    for key in candidates:
        channel, _, uid = key.partition(":")
        if (await role_of(ctx.session, ctx.services.settings, channel, uid)).is_staff:
            return key
    raise DomainError("not_staff", who=text[:40])


async def _hand_over(ctx: Context, backup: str, day) -> list:  # type: ignore[no-untyped-def]
    """The away member's open matters go to the backup, history and all; each resident is
    told who has their matter now, the backup gets the list."""
    owned = await absences.open_matters_of(ctx.session, ctx.key)
    if not owned:
        return []
    names = await staff_names(ctx.session, ctx.services, [ctx.key, backup])
    note = ctx.label("away.note", lang="zh", until=day.isoformat())
    for matter in owned:
        await matters.transfer(ctx.session, matter, staff=ctx.key, to=backup, department=None,
                               note=note, now=ctx.now)
        resident = await resident_by_id(ctx.session, matter.resident_id)
        await ctx.notify(notice([resident.key], "office/away_resident", kind="matter_transferred",
                                matter=matter, away=names[ctx.key], backup=names[backup],
                                until=day, matter_id=matter.id))
    await ctx.notify(notice([backup], "office/away_backup", kind="staff_transfer",
                            matters=owned, away=names[ctx.key], until=day))
    return owned


async def away_list(ctx: Context) -> Reply:
    entries = await away_entries(ctx.session, ctx.services, ctx.now)
    return Reply(ctx.t("office/away_list", entries=entries))


def register(router: Router) -> None:
    router.command("away", away_cmd, role="staff", help_key="help.away")
