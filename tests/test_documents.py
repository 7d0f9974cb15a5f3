"""Documents worth printing: 收件回执, 补正告知书 and 一次性告知单 carry the center as heading, a
document number, the date, the resident's name, the item, the handler's name and window,
what was received or is missing, the promised date, and a signature and stamp area; A4 on
paper; in English for English-speaking residents."""

from __future__ import annotations

from storage.models import Booking
from tests.factories import Console
from tests.matter_helpers import option, press, press_label, seed_booking, text_of

CENTER = "某某镇便民服务中心（示例）"


async def _accept(app, *, lang: str | None = None):  # type: ignore[no-untyped-def]
    res = Console(app, "r1", "小王的微信", lang=lang)
    await res.say("/status")
    booking_id = await seed_booking(app, resident_user="r1", item_id="hukou-transfer", code="K7Q2")
    async with app.services.db.transaction() as s:
        (await s.get(Booking, booking_id)).name = "王秀英"  # the name given when booking
    staff = Console(app, "staff", "小陈")
    await staff.say("/profile 陈静 5号窗口")
    replies = await staff.say("/accept K7Q2")
    replies = await press(app, staff, option(replies, "1. "))
    await press_label(app, staff, replies, "确认受理")
    return res, staff


def _document(inboxes, user: str, number: int = -1) -> str:  # type: ignore[no-untyped-def]
    docs = [r.document for r in inboxes.sent[user] if r.document is not None]
    return docs[number].data.decode()


def _printable(html: str, center: str = CENTER) -> None:
    assert center in html.split("<h1>")[0]  # the center heads the page
    assert "size: A4" in html and "@media print" in html
    assert 'class="stamp"' in html and 'class="sign"' in html


async def test_the_receipt_names_everyone_and_can_be_stamped(app, inboxes):
    await _accept(app)
    await app.delivery.drain()
    html = _document(inboxes, "r1")
    _printable(html)
    assert "收件回执" in html and "SJ-20261123-B1" in html and "2026年11月23日" in html
    # the booking's name, not the chat name; the handler by name and window
    assert "<td>王秀英</td>" in html and "小王的微信" not in html
    assert "户口迁移" in html and "派出所户籍室 陈静（5号窗口）" in html
    item_materials = [m.name for m in app.services.kb.get("hukou-transfer").materials]
    assert item_materials[0] in html  # received
    assert "尚缺材料" in html and item_materials[1] in html.split("尚缺材料")[1]
    assert "2026年12月7日" in html  # promised date
    assert "受理单位盖章" in html


async def test_missing_notices_are_numbered_in_sequence(app, inboxes):
    _, staff = await _accept(app)
    await staff.say("/missing 1 请补户口簿")
    await staff.say("/missing 1 更正：还需要照片")
    await app.delivery.drain()
    first, second = _document(inboxes, "r1", -2), _document(inboxes, "r1", -1)
    _printable(first)
    assert "补正材料告知书" in first and "BZ-20261123-B1<" in first.replace("</span>", "<")
    assert "BZ-20261123-B1-2" in second
    assert "派出所户籍室 陈静（5号窗口）" in first and "请补户口簿" in first
    assert "已收材料" in first and "2026年12月7日" in first


async def test_the_checklist_is_numbered_and_names_the_resident(app):
    res = Console(app, "r4", "李四")
    replies = await res.say("低保怎么申请")
    replies = await press_label(app, res, replies, "材料清单")
    while any("下一步" in b.label for r in replies for row in r.buttons for b in row):
        replies = await press_label(app, res, replies, "下一步")
    replies = await press_label(app, res, replies, "告知单")
    html = replies[1].document.data.decode()
    _printable(html)
    assert "一次性告知单" in html and "GZ-20261123-R1-" in html
    assert "最低生活保障" in html and "<td>李四</td>" in html


def test_a_document_without_a_name_leaves_a_line_to_write_it():
    from domain.documents import applicant_name

    assert applicant_name(None, " ", "") == ""
    assert applicant_name(None, "王秀英", "wx_123") == "王秀英"


async def test_english_residents_get_english_documents(app, inboxes):
    await _accept(app, lang="en")
    await app.delivery.drain()
    html = _document(inboxes, "r1")
    _printable(html, center=app.services.kb.center.en.name)  # the KB's English name
    assert "Receipt of application" in html and "SJ-20261123-B1" in html
    assert "Promised by" in html and "official stamp" in html
    assert "陈静, Police station household registration office (5号窗口)" in html
    assert "收件回执" not in text_of([r for r in inboxes.sent["r1"] if r.document is None])
