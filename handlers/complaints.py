"""Complaints (投诉): /complain (and the menu's 投诉建议) asks the category, what happened, whom
(optional), when, an optional photo and a contact; the resident gets a ticket number and the
promise of an answer within 5 working days. Staff answer with /reply and close with /done and
a written answer; the resident can add to it (补充说明). Fees or corruption (廉政), or a
complaint marked urgent, alerts supervisors at once (一事一报) — and integrity complaints go
to supervisors only, never to the queue of the colleagues they may be about.

Dialog state `complain` with data.step: cat → what → whom → when → photo → contact → confirm.
Callback data: cmp:c:<n> category · cmp:skip · cmp:when:<today|yesterday> · cmp:phone (the
number we have) · cmp:send · cmp:urgent (send, marked urgent) · cmp:x cancel.
"""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.router import Router
from domain.matter_rules import COMPLAINT_CATEGORIES
from domain.messages import Button, Reply
from domain.privacy import mask_phone, normalise_phone
from services import complaints

MAX_TEXT = 3000
MAX_SHORT = 200
MAX_PHOTOS = 5
STEPS = ("cat", "what", "whom", "when", "photo", "contact", "confirm")
# typed instead of pressing 跳过 (people type what the button says, or "don't know")
SKIP_WORDS = {"跳过", "skip", "无", "没有", "不知道", "不清楚", "no", "none", "n/a"}


def _cancel_row(ctx: Context) -> tuple[Button, ...]:
    return (ctx.button("btn.cmp_cancel", "cmp:x"),)


def _prompt(ctx: Context, step: str) -> Reply:
    """The question of a step, with its buttons."""
    data = ctx.data
    if step == "cat":
        rows = tuple((ctx.button(f"cmp.cat.{c}", f"cmp:c:{i}"),)
                     for i, c in enumerate(COMPLAINT_CATEGORIES))
        return Reply(ctx.t("complaints/start",
                           deadline_days=ctx.services.settings.complaint_deadline_workdays),
                     (*rows, _cancel_row(ctx)))
    if step == "what":
        return Reply(ctx.label("msg.cmp_ask_what"), (_cancel_row(ctx),))
    if step == "whom":
        return Reply(ctx.label("msg.cmp_ask_whom"),
                     ((ctx.button("btn.cmp_skip", "cmp:skip"),), _cancel_row(ctx)))
    if step == "when":
        return Reply(ctx.label("msg.cmp_ask_when"),
                     ((ctx.button("btn.cmp_today", "cmp:when:today"),
                       ctx.button("btn.cmp_yesterday", "cmp:when:yesterday")), _cancel_row(ctx)))
    if step == "photo":
        key = "msg.cmp_photo_more" if data.get("photos") else "msg.cmp_ask_photo"
        return Reply(ctx.label(key, count=len(data.get("photos") or [])),
                     ((ctx.button("btn.cmp_next" if data.get("photos") else "btn.cmp_skip",
                                  "cmp:skip"),), _cancel_row(ctx)))
    if step == "contact":
        rows: list[tuple[Button, ...]] = []
        if ctx.person.phone:
            rows.append((ctx.button("btn.cmp_use_phone", "cmp:phone",
                                    phone=mask_phone(ctx.person.phone)),))
        rows.append(_cancel_row(ctx))
        return Reply(ctx.label("msg.cmp_ask_contact"), tuple(rows), ask_contact=True)
    return Reply(ctx.t("complaints/confirm", data=data, mask_phone=mask_phone),
                 ((ctx.button("btn.cmp_send", "cmp:send"),),
                  (ctx.button("btn.cmp_urgent", "cmp:urgent"),), _cancel_row(ctx)))


def _goto(ctx: Context, step: str, **data: object) -> list[Reply]:
    ctx.update_data(step=step, **data)
    return [_prompt(ctx, step)]


async def complain_cmd(ctx: Context) -> list[Reply]:
    """/complain — start a complaint (any unfinished dialog is dropped)."""
    ctx.set_state("complain", step="cat", photos=[])
    return [_prompt(ctx, "cat")]


def _at(ctx: Context, *steps: str) -> bool:
    """Whether the complaint dialog is open (at one of `steps`, when given)."""
    return ctx.state == "complain" and (not steps or ctx.data.get("step") in steps)


async def _stale(ctx: Context) -> list[Reply]:
    return [ctx.say("err.stale_complaint")]


async def _cancel(ctx: Context) -> list[Reply]:
    """`cmp:x`."""
    if not _at(ctx):
        return await _stale(ctx)
    ctx.clear_state()
    return [ctx.say("msg.cmp_cancelled")]


async def _category(ctx: Context, raw: str) -> list[Reply]:
    """`cmp:c:<n>`: the n-th category."""
    if not _at(ctx, "cat") or not raw.isdigit() or int(raw) >= len(COMPLAINT_CATEGORIES):
        return await _stale(ctx)
    return _goto(ctx, "what", category=COMPLAINT_CATEGORIES[int(raw)])


async def _skip(ctx: Context) -> list[Reply]:
    """`cmp:skip`: no one named, or no (more) photos."""
    if not _at(ctx, "whom", "photo"):
        return await _stale(ctx)
    return _goto(ctx, "when") if ctx.data.get("step") == "whom" else _goto(ctx, "contact")


async def _when(ctx: Context, day: str) -> list[Reply]:
    """`cmp:when:today|yesterday`."""
    if not _at(ctx, "when") or day not in ("today", "yesterday"):
        return await _stale(ctx)
    return _goto(ctx, "photo", when=(ctx.today - timedelta(days=1 if day == "yesterday" else 0)).isoformat())


async def _known_phone(ctx: Context) -> list[Reply]:
    """`cmp:phone`: the number we have."""
    if not _at(ctx, "contact") or not ctx.person.phone:
        return await _stale(ctx)
    return _goto(ctx, "confirm", phone=ctx.person.phone)


async def _send(ctx: Context) -> list[Reply]:
    """`cmp:send`."""
    return await _submit(ctx, urgent=False) if _at(ctx, "confirm") else await _stale(ctx)


async def _send_urgent(ctx: Context) -> list[Reply]:
    """`cmp:urgent`: send, marked urgent."""
    return await _submit(ctx, urgent=True) if _at(ctx, "confirm") else await _stale(ctx)


async def on_input(ctx: Context) -> list[Reply]:
    """Text, photos and a shared contact while the complaint is being written."""
    ev, data = ctx.event, ctx.data
    step = data.get("step")
    if ev.kind == "photo" and ev.photo_id and step in ("what", "whom", "when", "photo"):
        photos = [*(data.get("photos") or []), ev.photo_id][:MAX_PHOTOS]
        ctx.update_data(photos=photos)
        if ev.text.strip() and step == "what":  # a photo with a caption tells what happened
            return _goto(ctx, "whom", what=ev.text.strip()[:MAX_TEXT])
        return [ctx.say("msg.cmp_photo_received", count=len(photos)), _prompt(ctx, step)]
    if ev.kind == "contact" and step == "contact":
        if ev.contact_user_id and ev.contact_user_id != ev.user_id:
            return [ctx.say("err.cmp_not_your_contact")]
        phone = normalise_phone(ev.phone or "")
        if phone is None:
            return [ctx.say("err.cmp_bad_phone")]
        return _goto(ctx, "confirm", phone=phone)
    if ev.kind != "text" or not ev.text.strip():
        return [ctx.say("err.text_only_here"), _prompt(ctx, step or "cat")]
    text = ev.text.strip()
    if step in ("whom", "photo") and text.lower().strip("。.!！") in SKIP_WORDS:
        return _goto(ctx, "when" if step == "whom" else "contact")
    if step == "what":
        return _goto(ctx, "whom", what=text[:MAX_TEXT])
    if step == "whom":
        return _goto(ctx, "when", whom=text[:MAX_SHORT])
    if step == "when":
        return _goto(ctx, "photo", when=text[:MAX_SHORT])
    if step == "photo":  # typed instead of a photo: take it as more of what happened
        return _goto(ctx, "contact", what=f"{data.get('what', '')}\n{text}"[:MAX_TEXT])
    if step == "contact":
        phone = normalise_phone(text)
        if phone is None:
            return [ctx.say("err.cmp_bad_phone")]
        return _goto(ctx, "confirm", phone=phone)
    return [_prompt(ctx, step or "cat")]  # cat / confirm want a button


async def _submit(ctx: Context, *, urgent: bool) -> list[Reply]:
    data = ctx.data
    category, what = data.get("category"), data.get("what", "")
    if not category or not what or not data.get("phone"):
        return _goto(ctx, "cat")  # a forged or half-lost dialog: start again
    settings = ctx.services.settings
    draft = complaints.Draft(category=category, what=what, phone=data["phone"],
                             whom=data.get("whom", ""), when=data.get("when", ""),
                             photos=tuple(data.get("photos") or ()))
    done = await complaints.submit(
        ctx.session, resident=ctx.person, draft=draft, urgent=urgent, now=ctx.now,
        today=ctx.today, calendar=ctx.services.calendar,
        deadline_workdays=settings.complaint_deadline_workdays, on_duty_from=ctx.on_duty_from,
        staff_config=settings)
    await ctx.notify(*done.notices)
    ctx.clear_state()
    matter = done.matter
    return [Reply(ctx.t("complaints/created", matter=matter, alerted=done.alerted,
                        days=settings.complaint_deadline_workdays),
                  ((ctx.button("btn.add_info", f"ho:add:{matter.id}"),
                    ctx.button("btn.status", "menu:status")),))]


def register(router: Router) -> None:
    router.command("complain", complain_cmd, help_key="help.complain", aliases=("tousu",))
    for action, handler, args in (("x", _cancel, 0), ("c", _category, 1), ("skip", _skip, 0),
                                  ("when", _when, 1), ("phone", _known_phone, 0),
                                  ("send", _send, 0), ("urgent", _send_urgent, 0)):
        router.choice("cmp", action, handler, args=args)
    router.choice_default("cmp", _stale)
    router.state("complain", on_input)
