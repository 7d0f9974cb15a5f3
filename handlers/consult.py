"""Free-text questions: the matcher's best item as a card, close alternatives as choices,
follow-up questions answered from the item's FAQ, and otherwise an offer to ask staff.
Never a dead end (首问负责制)."""

from __future__ import annotations

from bot.context import Context
from bot.metrics import observe_match
from bot.router import Router
from domain.messages import Button, Reply
from handlers.cards import card, item_buttons, shown
from handlers.common import menu_buttons
from knowledge.gaps import question_language, reading_key
from knowledge.model import REFERRAL_PREFIX, Item, Referral
from storage.queries import log_query

MAX_QUESTION = 4000  # stored and shown to staff; longer messages are cut
GREETINGS = {"你好", "您好", "hi", "hello", "在吗", "在不在", "哈喽", "嗨", "早上好", "下午好",
             "晚上好", "hey", "有人吗", "你好呀", "您好啊"}
THANKS = {"谢谢", "多谢", "谢谢你", "谢谢您", "好的谢谢", "thanks", "thank you", "thx", "感谢",
          "ok", "好的", "好", "知道了", "明白了", "收到"}


async def on_text(ctx: Context) -> list[Reply]:
    """Answer a free-text question from the knowledge base, or offer to ask staff."""
    text = ctx.event.text.strip()
    if not text:
        return [ctx.say("err.empty_text")]
    plain = text.lower().strip(" !！。.?？~～")
    if plain in GREETINGS:
        return [Reply(ctx.t("common/greeting"), menu_buttons(ctx))]
    if plain in THANKS:
        return [ctx.say("msg.you_are_welcome")]
    question = text[:MAX_QUESTION]
    services = ctx.services
    result = services.matcher.match(question, top=3)
    observe_match(result)
    current = ctx.services.kb.get(ctx.data.get("item", "")) if ctx.state == "item" else None
    top = result.matches[0] if result.matches else None
    faq = None
    if current is not None and not (result.confident and top and top.item.id != current.id):
        # "低保怎么申请" on the 低保 card asks for the card, not for a FAQ that merely shares
        # the word 低保: a question naming the item is read as a FAQ only for what it adds
        names_it = result.confident and top is not None and top.item.id == current.id
        faq = services.matcher.answer_faq(
            current, without_names(question, current) if names_it else question)
    referral = result.referral if faq is None else None
    if referral is not None:
        # Answered by the bot, with who handles it: logged under `ref:<id>` for the digest.
        await log_query(ctx.session, resident_id=ctx.person.id, text=question, now=ctx.now,
                        item_id=REFERRAL_PREFIX + referral.referral.id, confident=True,
                        score=referral.score, language=question_language(question))
        return [referred(ctx, question, referral.referral)]
    await log_query(ctx.session, resident_id=ctx.person.id, text=question, now=ctx.now,
                    item_id=top.item.id if top else None, confident=result.confident,
                    score=top.score if top else 0.0, language=question_language(question),
                    reading=None if result.confident else reading_key(services.matcher, question))
    if faq is not None:
        return [Reply(ctx.t("consult/faq_answer", item=current, faq=faq),
                      item_buttons(ctx, current))]
    if result.confident and top is not None:
        close = [m for m in result.matches[1:] if m.score >= top.score * 0.9]
        if close:
            return [choices(ctx, [top.item, *(m.item for m in close)], question)]
        return [card(ctx, top.item)]
    return [not_found(ctx, question, [m.item for m in result.matches[:3] if m.score >= 0.35])]


def without_names(question: str, item: Item) -> str:
    """The question with the item's name and aliases taken out (longest first)."""
    for name in sorted((item.name, *item.aliases), key=len, reverse=True):
        question = question.replace(name, " ")
    return question.strip()


def choices(ctx: Context, items: list[Item], question: str) -> Reply:
    """Several items are about equally likely: let the person pick (up to three)."""
    ctx.set_state("choose", question=question[:500])
    rows = tuple((Button(it.name, f"item:show:{it.id}"),) for it in shown(ctx, items[:3]))
    rows += ((ctx.button("btn.none_of_these", "ho:ask"),),)
    return Reply(ctx.t("consult/choices", items=items[:3]), rows)


def not_found(ctx: Context, question: str, near: list[Item]) -> Reply:
    """Not confident: keep the question, offer staff (one tap) and any near items."""
    ctx.set_state("offer", question=question)
    rows = [(Button(it.name, f"item:show:{it.id}"),) for it in shown(ctx, near)]
    rows.insert(0, (ctx.button("btn.send_to_staff", "ho:ask"),))
    return Reply(ctx.t("consult/not_found", near=near), tuple(rows))


def referred(ctx: Context, question: str, referral: Referral) -> Reply:
    """Another office handles it (首问负责: say who and how); staff are still one tap away,
    with the question kept as it was asked."""
    ctx.set_state("offer", question=question)
    return Reply(ctx.t("referral/answer", referral=referral),
                 ((ctx.button("btn.referral_ask_staff", "ho:ask"),),))


async def _show_item(ctx: Context, item_id: str) -> list[Reply]:
    """`item:show:<id>` shows a card."""
    item = ctx.services.kb.get(item_id)
    return [card(ctx, item)] if item is not None else [ctx.say("err.stale_button")]


async def _item_faq(ctx: Context, item_id: str) -> list[Reply]:
    """`item:faq:<id>` lists the item's FAQ."""
    item = ctx.services.kb.get(item_id)
    if item is None:
        return [ctx.say("err.stale_button")]
    ctx.set_state("item", item=item.id)
    return [Reply(ctx.t("consult/faq_list", item=item), item_buttons(ctx, item))]


def register(router: Router) -> None:
    router.choice("item", "show", _show_item, args=1)
    router.choice("item", "faq", _item_faq, args=1)
    router.fallback_text = on_text
