"""Ratings (好差评): after a matter is done the resident rates it 1-5 with the buttons of the
completion notice, then may add a comment. A rating of 2 or less opens a follow-up (回访整改)
with its own deadline and alerts supervisors at once; the resident hears back when it is done.

Callback data: rate:s:<matter id>:<score> · rate:skip:<matter id> (no comment).
"""

from __future__ import annotations

from bot.context import Context
from bot.router import Router
from domain.messages import Reply
from handlers.acting import names_for
from services.notices import RobotAlert, notice
from storage import matters, ratings
from storage.models import Matter
from storage.people import staff_members

MAX_COMMENT = 2000


async def _score(ctx: Context, ref: str, score: str) -> list[Reply]:
    """`rate:s:<matter id>:<score>`."""
    if not (ref.isdigit() and score.isdigit()):
        return [ctx.say("err.stale_button")]
    return await _rate(ctx, ref, int(score))


async def _skip(ctx: Context, ref: str) -> list[Reply]:
    """`rate:skip:<matter id>`: no comment."""
    if not ref.isdigit():
        return [ctx.say("err.stale_button")]
    if ctx.state == "rate" and str(ctx.data.get("matter")) == ref:
        ctx.clear_state()
    return [ctx.say("msg.rating_thanks")]


async def _rate(ctx: Context, ref: str, score: int) -> list[Reply]:
    matter = await matters.get_own_matter(ctx.session, ref, ctx.person.id)
    settings = ctx.services.settings
    due = ctx.services.calendar.add_workdays(ctx.today, settings.followup_deadline_workdays)
    followup = await ratings.rate(ctx.session, matter, resident=ctx.person, score=score,
                                  now=ctx.now, followup_deadline=due)
    if followup is not None:
        await _alert_supervisors(ctx, matter, followup)
    ctx.set_state("rate", matter=matter.id)
    return [Reply(ctx.t("ratings/thanks", matter=matter, score=score, followup=followup),
                  ((ctx.button("btn.rate_skip", f"rate:skip:{matter.id}"),),), edit=True)]


async def _alert_supervisors(ctx: Context, matter: Matter, followup: Matter) -> None:
    supervisors = await staff_members(ctx.session, ctx.services.settings, min_role="supervisor")
    names = {}
    if matter.owner:
        names = await names_for(ctx, [matter.owner])  # the owner's name, as staff see it
    params = dict(matter=matter, followup=followup, owner_name=names.get(matter.owner or "", ""))
    await ctx.notify(
        notice(supervisors, "ratings/followup_new", kind="followup_alert", matter_id=followup.id,
               dedupe_prefix=f"followup:{followup.id}",
               buttons=[[("btn.take", f"stf:take:{followup.id}")]], **params),
        RobotAlert("ratings/followup_new", "followup_alert", f"followup:{followup.id}", params,
                   matter_id=followup.id, department=matter.department))


async def on_comment(ctx: Context) -> list[Reply]:
    """The optional comment typed after rating."""
    if ctx.event.kind != "text" or not ctx.event.text.strip():
        return [ctx.say("err.text_only_here")]
    matter_id = ctx.data.get("matter")
    ctx.clear_state()
    matter = await matters.matter_by_id(ctx.session, matter_id) if isinstance(matter_id, int) else None
    if (matter is None or matter.resident_id != ctx.person.id or matter.rating is None
            or matter.rating_comment):
        # not an error that rolls back: the dialog must end either way
        return [ctx.say("err.stale_button")]
    text = ctx.event.text.strip()[:MAX_COMMENT]
    followup = await ratings.comment(ctx.session, matter, resident=ctx.person, text=text,
                                     now=ctx.now)
    if followup is not None:
        recipients = [followup.owner] if followup.owner else await staff_members(
            ctx.session, ctx.services.settings, min_role="supervisor")
        await ctx.notify(notice(recipients, "ratings/followup_comment",
                                kind="followup_comment", matter_id=followup.id,
                                followup=followup, matter=matter, text=text))
    return [ctx.say("msg.comment_thanks", number=matter.number)]


def register(router: Router) -> None:
    router.choice("rate", "s", _score, args=2)
    router.choice("rate", "skip", _skip, args=1)
    router.state("rate", on_comment)
