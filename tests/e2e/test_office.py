"""The office through the real PTB Application and the fake Bot API: departments route a
new question to its own department's staff only, an admin's /grant of an unknown department
is refused with the valid list, and the resident reads the owner's department, name and
window."""

from __future__ import annotations

from sqlalchemy import select

from storage.models import Matter, StaffRole
from tests.e2e.conftest import RESIDENT, STAFF, STAFF_2, start_bot, telegram_settings

ADMIN = 9900


async def test_departments_and_names_end_to_end(tg, tmp_path, sqlite_url, clock):
    settings = telegram_settings(tg, tmp_path, sqlite_url, staff_departments={
        f"telegram:{STAFF}": "hukou", f"telegram:{STAFF_2}": "民政办"})
    async with start_bot(tg, settings, clock) as bot:
        tg.send_text(ADMIN, "/grant 4242 staff 不存在的部门", first_name="站长")
        refused = await tg.wait_for(ADMIN)
        assert "不存在的部门" in refused.plain and "hukou（派出所户籍室）" in refused.plain

        tg.send_text(STAFF, "/profile 王芳 5号窗口", first_name="小王")
        assert "派出所户籍室 王芳（5号窗口）" in (await tg.wait_for(STAFF)).plain

        tg.send_text(RESIDENT, "/start hukou-transfer", first_name="李大爷")
        card = await tg.wait_for(RESIDENT, lambda m: "户口迁移" in m.plain and m.has_button("转人工"))
        tg.tap(RESIDENT, card, "转人工")
        await tg.wait_for(RESIDENT)
        tg.send_text(RESIDENT, "迁到外省需要先开准迁证吗")
        created = await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)

        notice = await tg.wait_for(STAFF, lambda m: "准迁证" in m.plain, after=0)
        tg.tap(STAFF, notice, "接单")
        await tg.wait_for(STAFF, lambda m: "首问责任人" in m.plain)
        taken = await tg.wait_for(RESIDENT, lambda m: "负责" in m.plain, after=created.seq)
        assert "派出所户籍室 王芳（5号窗口）" in taken.plain
        await tg.settle()
        # the 民政办 colleague heard nothing of a 派出所 question
        assert not [m for m in tg.messages(STAFF_2) if "准迁证" in m.plain]
        async with bot.session() as s:
            assert await s.scalar(select(Matter.department)) == "hukou"
            assert await s.scalar(select(StaffRole.id)) is None


async def test_a_booking_accepted_as_a_case_is_closed_and_never_reminded(tg, bot, clock):
    from tests.e2e.test_e2e_booking import book_birth_registration, code_in

    confirmed = await book_birth_registration(tg)
    code = code_in(confirmed)
    tg.send_text(STAFF, f"/accept {code}", first_name="小陈")
    ticks = await tg.wait_for(STAFF, lambda m: m.has_button("确认受理"))
    tg.tap(STAFF, ticks, "确认受理")
    await tg.wait_for(STAFF, lambda m: "已受理" in m.plain)
    receipt = await tg.wait_for(RESIDENT, lambda m: "收件回执" in m.plain, after=confirmed.seq)
    doc = await tg.wait_for(RESIDENT, lambda m: m.kind == "document", after=receipt.seq)
    html = doc.document.data.decode()
    assert "SJ-20261123-B1" in html and "某某镇便民服务中心" in html.split("<h1>")[0]
    assert "<td>王秀英</td>" in html and "受理单位盖章" in html and "size: A4" in html
    clock.set_local(2026, 11, 23, 18, 0)  # the evening before: the reminder's time
    bot.app.delivery.wake()
    await tg.settle()
    assert not any("预约提醒" in t for t in tg.texts(RESIDENT))
    async with bot.session() as s:
        from storage.models import Booking

        assert await s.scalar(select(Booking.status)) == "served"


async def test_the_owner_reads_the_full_phone_in_show_and_the_view_is_audited(tg, bot):
    from storage.models import AuditEntry

    tg.send_text(RESIDENT, "我家门口的排水沟堵了找谁 我电话13812345678", first_name="李大爷")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "提交给工作人员")
    await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    notice = await tg.wait_for(STAFF, lambda m: "排水沟" in m.plain, after=0)
    assert "13812345678" not in notice.plain
    tg.send_text(STAFF_2, "/show 1", first_name="小刘")
    assert "138****5678" in (await tg.wait_for(STAFF_2)).plain
    tg.tap(STAFF, notice, "接单")
    await tg.wait_for(STAFF, lambda m: "首问责任人" in m.plain)
    tg.send_text(STAFF, "/show 1")
    assert "13812345678" in (await tg.wait_for(STAFF, lambda m: "Q1" in m.plain)).plain
    tg.send_text(STAFF, "/queue")
    assert "13812345678" not in (await tg.wait_for(STAFF, lambda m: "待办" in m.plain)).plain
    async with bot.session() as s:
        views = list(await s.scalars(select(AuditEntry.actor).where(
            AuditEntry.action == "unmask")))
        assert views == [f"telegram:{STAFF}"]


async def test_proxy_forward_and_return_reach_the_resident(tg, bot, clock):
    tg.send_text(RESIDENT, "/start veteran-card", first_name="老赵")
    card = await tg.wait_for(RESIDENT, lambda m: m.has_button("全程代办"))
    tg.tap(RESIDENT, card, "全程代办")
    offer = await tg.wait_for(RESIDENT, lambda m: m.has_button("到中心领取"))
    assert "免费" in offer.plain
    tg.tap(RESIDENT, offer, "到中心领取")
    created = await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    await tg.wait_for(STAFF, lambda m: "全程代办申请" in m.plain, after=0)
    tg.send_text(STAFF, "/accept 1", first_name="小陈")
    ticks = await tg.wait_for(STAFF, lambda m: m.has_button("确认受理"))
    tg.tap(STAFF, ticks, "确认受理")
    await tg.wait_for(RESIDENT, lambda m: "全程代办（免费）" in m.plain, after=created.seq)
    tg.send_text(STAFF, "/forward B2 县退役军人事务局")
    await tg.wait_for(STAFF, lambda m: "已上报" in m.plain)
    sent = await tg.wait_for(RESIDENT, lambda m: "已报送" in m.plain, after=created.seq)
    clock.set_local(2026, 11, 25, 10, 0)
    tg.send_text(STAFF, "/returned B2 审核通过")
    await tg.wait_for(STAFF, lambda m: "恢复计时" in m.plain)
    back = await tg.wait_for(RESIDENT, lambda m: "审核通过" in m.plain, after=sent.seq)
    assert "2026年12月9日" in back.plain  # moved by the two working days at the county
    async with bot.session() as s:
        from storage.models import Matter

        case = await s.get(Matter, 2)
        assert case.status == "assigned" and case.data["returns"][0]["paused_workdays"] == 2


async def test_away_hands_matters_to_the_backup_and_the_resident_is_told(tg, bot):
    tg.send_text(RESIDENT, "村口的桥栏杆松了", first_name="李大爷")
    tg.tap(RESIDENT, await tg.wait_for(RESIDENT), "提交给工作人员")
    created = await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    tg.send_text(STAFF_2, "/profile 李强 4号窗口", first_name="李强")
    await tg.wait_for(STAFF_2, lambda m: "已保存" in m.plain)
    tg.send_text(STAFF, "/take 1", first_name="小王")
    await tg.wait_for(STAFF, lambda m: "首问责任人" in m.plain)
    tg.send_text(STAFF, f"/away 至 12月4日 {STAFF_2}")
    assert "B岗 李强（4号窗口）" in (await tg.wait_for(STAFF, lambda m: "已登记" in m.plain)).plain
    told = await tg.wait_for(RESIDENT, lambda m: "不在岗" in m.plain, after=created.seq)
    assert "李强（4号窗口） 负责" in told.plain
    await tg.wait_for(STAFF_2, lambda m: "AB岗" in m.plain)
    tg.send_text(9100, "/away", first_name="主管")
    assert "小王 至 2026年12月4日" in (await tg.wait_for(9100, lambda m: "AB岗" in m.plain)).plain
