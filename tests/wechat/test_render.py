"""Pure parts of the WeChat channel: replies → plain-text messages within 2,048 bytes with
numbered options; messages → events; typed numbers → the options shown."""

from __future__ import annotations

from functools import partial

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.channels.wechat.events import (
    Unheard,
    Unsubscribed,
    Words,
    action_for,
    press_number,
    press_numbers,
)
from bot.channels.wechat.messages import inbound_from
from bot.channels.wechat.render import (
    MAX_OPTION,
    PUSHED,
    Rendered,
    numbered,
    render,
    size,
    split_text,
)
from bot.core import Event
from bot.i18n import Renderer
from domain.messages import Attachment, Button, Reply

LABEL = partial(Renderer().label, "zh")


def describe(att: Attachment) -> str:
    return f"📎 {att.filename}: https://x/{att.filename}"


def test_options_are_numbered_across_replies_and_html_is_plain():
    replies = [Reply("<b>低保</b> &amp; 救助", ((Button("📋 材料清单", "chk:o:dibao"),
                                                Button("📅 预约", "bk:i:dibao")),)),
               Reply("还有", ((Button("<i>转人工</i>", "ho:new"),),))]
    out = render(replies, label=LABEL, describe=describe)
    assert out.options == {"1": "chk:o:dibao", "2": "bk:i:dibao", "3": "ho:new"}
    text = "\n".join(out.parts)
    assert "低保 & 救助" in text and "<b>" not in text and "<i>" not in text
    assert "【1】📋 材料清单" in text and "【3】转人工" in text
    assert text.rstrip().endswith("回复 1、2、3 选择")
    assert len(out.parts) == 1  # short replies share one message


def test_many_options_get_a_range_hint_and_contact_a_typing_hint():
    buttons = tuple((Button(f"第{n}项", f"x:{n}"),) for n in range(12))
    out = render([Reply("请选择", buttons, ask_contact=True)], label=LABEL, describe=describe)
    assert "回复 1–12 中的数字选择" in out.parts[-1] and "手机号码" in out.parts[-1]


def test_documents_become_links_before_the_reply_hint():
    """The last line read before replying says which numbers to reply: the link comes first."""
    doc = Attachment("notice.html", b"<html></html>", "告知单")
    out = render([Reply("卡片", ((Button("一", "a:1"),),)), Reply(document=doc)],
                 label=LABEL, describe=describe)
    text = out.parts[0]
    assert text.index("https://x/notice.html") < text.index("回复 1 选择")
    assert text.rstrip().endswith("回复 1 选择")


def test_a_push_numbers_its_options_on_from_those_shown():
    out = render([Reply("答复", ((Button("补充说明", "ho:add:3"),),))], label=LABEL,
                 describe=describe, start=9)
    assert out.options == {"9": "ho:add:3"} and "【9】补充说明" in out.parts[0]
    assert out.parts[0].rstrip().endswith("回复 9 选择")


def test_long_text_is_cut_at_breaks_within_2048_bytes():
    paragraph = "申请最低生活保障需要准备户口簿和身份证。" * 20
    text = "\n\n".join([paragraph] * 6) + "🙂" * 700
    pieces = split_text(text)
    assert len(pieces) > 3 and all(size(p) <= 2048 for p in pieces)
    assert "".join(pieces).replace("\n", "") == text.replace("\n", "")  # nothing lost or broken
    assert all(p.endswith(("。", "🙂")) for p in pieces)


def test_messages_become_events():
    base = {"ToUserName": "gh", "FromUserName": "oABC", "CreateTime": "1700000000"}

    def action(**fields: str):  # type: ignore[no-untyped-def]
        return action_for(inbound_from({**base, **fields}))

    assert action(MsgType="text", Content="/take 3").command == "take"
    assert action(MsgType="image", MediaId="m1").kind == "photo"
    assert action(MsgType="voice", Recognition="低保怎么办。").text == "低保怎么办"
    assert action(MsgType="voice", MediaId="v1") == Unheard("oABC")  # recognition off
    assert action(MsgType="voice", Recognition="  ") == Unheard("oABC")
    assert action(MsgType="video", MediaId="v").kind == "unsupported"
    assert action(MsgType="event", Event="subscribe").command == "start"
    # a parametric QR code at a window: the scene names an item (first follow, or a re-scan)
    assert action(MsgType="event", Event="subscribe", EventKey="qrscene_dibao").args == "dibao"
    assert action(MsgType="event", Event="SCAN", EventKey="dibao").args == "dibao"
    assert action(MsgType="event", Event="unsubscribe") == Unsubscribed("oABC")
    assert action(MsgType="event", Event="CLICK", EventKey="chk:o:dibao").choice == "chk:o:dibao"
    assert action(MsgType="event", Event="TEMPLATESENDJOBFINISH") is None


def test_a_typed_number_presses_the_option_shown():
    options = {"1": "chk:o:dibao", "2": "ho:new"}

    def typed(text: str) -> Event:
        return press_number(Event("wechat", "oABC", "text", text=text), options)

    assert typed("2").choice == "ho:new" and typed(" ２ ").choice == "ho:new"
    assert typed("1。").kind == "choice"
    assert typed("12").kind == "text" and typed("低保").kind == "text"
    assert typed("13800138000").kind == "text"  # a phone number is not an option


def test_several_numbers_tick_several_items_of_one_list():
    options = {"1": "chk:t:dibao:0", "2": "chk:t:dibao:1", "3": "chk:t:dibao:4",
               "4": "chk:d:dibao", "5": "item:show:dibao"}

    def typed(text: str) -> list[str] | None:
        pressed = press_numbers(Event("wechat", "oABC", "text", text=text), options)
        return None if pressed is None else [e.choice for e in pressed]

    assert typed("2、3") == ["chk:t:dibao:1", "chk:t:dibao:4"]
    assert typed("1 2 3") == typed("1，2，3") == typed("1,2和3") == typed("１、２、３")
    assert typed("2 2") == ["chk:t:dibao:1"]  # the same number twice is pressed once
    assert typed("3、4") is None and typed("4 5") is None  # a tick and 告知单: not together
    assert typed("2、9") is None  # 9 was not shown
    assert typed("2") is None and typed("低保 2") is None


def test_plain_words_stand_for_commands():
    words = Words({"菜单": "menu", "进度": "status", "status": "status"})
    base = {"ToUserName": "gh", "FromUserName": "oABC", "CreateTime": "1700000000"}

    def action(text: str):  # type: ignore[no-untyped-def]
        return action_for(inbound_from({**base, "MsgType": "text", "Content": text}), words)

    assert action("菜单").command == "menu" and action(" 菜单。").command == "menu"
    assert (action("进度 Q12").command, action("进度 Q12").args) == ("status", "Q12")
    assert action("Status").command == "status"
    assert action("菜单怎么用").kind == "text"  # a question that starts with the word


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.booleans(), st.integers(0, 14)), max_size=25))
def test_numbers_shown_last_always_mean_what_they_showed(steps):
    """Any sequence of answers and pushes: the numbers of the latest one press what it
    showed; a push takes nothing away; an answer drops the earlier answers' numbers but keeps
    a push's where no new number takes them; never past two digits."""
    stored: dict[str, str] = {}
    for n, (is_push, count) in enumerate(steps):
        def draw(start: int, n: int = n, count: int = count) -> Rendered:
            return Rendered([], {str(start + i): f"s{n}:{i}" for i in range(count)})

        before = {k: v for k, v in stored.items() if k != PUSHED}
        rendered, saved = numbered(stored, draw, replace=not is_push)
        if saved is not None:
            stored = saved
        now = {k: v for k, v in stored.items() if k != PUSHED}
        assert all(now[k] == v for k, v in rendered.options.items())  # what was just shown
        assert all(1 <= int(k) <= MAX_OPTION for k in now)
        if is_push and min(map(int, rendered.options), default=2) > 1:
            assert before.items() <= now.items()  # a push keeps what was shown
        if not is_push:
            answers = {k for k, v in now.items() if not v.startswith(f"s{n}:")}
            assert answers <= set(stored.get(PUSHED, "").split(","))  # only pushes' survive
