"""Residents' data rights: /mydata shows everything stored about the person (and sends it as
a file); /forget erases their personal data after a confirmation and says what was kept and
why. `/forget RESIDENT` lets a supervisor do the same for someone who asks at the counter
(audited). Buttons: `my:file`, `fgt:yes`, `fgt:no`."""

from __future__ import annotations

import json

from bot.context import Context
from bot.router import Router
from bot.settings import person_key
from domain.errors import DomainError
from domain.messages import Attachment, Reply
from storage import data_rights
from storage.models import Resident
from storage.people import find_resident, resident_by_id


async def mydata_cmd(ctx: Context) -> list[Reply]:
    """Everything stored about the sender — theirs only."""
    data = await data_rights.export(ctx.session, ctx.person)
    return [Reply(ctx.t("rights/mydata", data=data, names=ctx.services.kb.names),
                  ((ctx.button("btn.mydata_file", "my:file"),),))]


async def on_mydata_file(ctx: Context) -> list[Reply]:
    """`my:file`: everything held about the person, as a JSON file."""
    data = await data_rights.export(ctx.session, ctx.person)
    body = json.dumps(data.as_dict(), ensure_ascii=False, indent=2, default=str)
    return [Reply(document=Attachment(ctx.label("mydata.filename"), body.encode("utf-8"),
                                      ctx.label("mydata.caption")))]


async def forget_cmd(ctx: Context) -> list[Reply]:
    """/forget — ask to confirm; /forget RESIDENT (supervisors) — the same for someone else."""
    arg = ctx.event.args.strip()
    target: Resident | None = ctx.person
    if arg:
        if not ctx.role.at_least("supervisor"):
            await ctx.audit("forget", target=arg[:120], allowed=False)
            return [ctx.say("err.not_allowed", command="forget")]
        target = await find_resident(ctx.session, person_key(arg))
        if target is None:
            raise DomainError("no_such_person", who=arg[:40])
    data = await data_rights.export(ctx.session, target)
    ctx.set_state("forget", resident=target.id, by=ctx.key if arg else None)
    return [Reply(ctx.t("rights/forget_confirm", data=data, other=bool(arg), who=target.key),
                  ((ctx.button("btn.forget_yes", "fgt:yes"),
                    ctx.button("btn.forget_no", "fgt:no")),))]


async def on_forget_choice(ctx: Context) -> list[Reply]:
    """`fgt:yes` / `fgt:no` after /forget asked."""
    data = ctx.data if ctx.state == "forget" else {}
    if "resident" not in data:
        return [ctx.say("err.stale_button")]
    ctx.clear_state()
    if ctx.event.choice == "fgt:no":
        return [ctx.say("forget.kept")]
    for_other = data.get("by") is not None
    if for_other and (data["by"] != ctx.key or not ctx.role.at_least("supervisor")):
        return [ctx.say("err.stale_button")]
    if not for_other and data["resident"] != ctx.person.id:
        return [ctx.say("err.stale_button")]
    target = await resident_by_id(ctx.session, data["resident"])
    if target is None:
        return [ctx.say("err.stale_button")]
    erased = await data_rights.forget(ctx.session, target, now=ctx.now)
    if for_other:
        await ctx.audit("forget", target=target.key,
                        detail=f"matters={erased.matters} bookings={erased.bookings} "
                               f"questions={erased.questions}")
    return [Reply(ctx.t("rights/forgotten", erased=erased, other=for_other, who=target.key))]


def register(router: Router) -> None:
    router.command("mydata", mydata_cmd, help_key="help.mydata")
    router.command("forget", forget_cmd, help_key="help.forget")
    router.choice("my", "file", on_mydata_file)
    router.choice("fgt", "yes", on_forget_choice)
    router.choice("fgt", "no", on_forget_choice)
