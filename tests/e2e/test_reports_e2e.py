"""Reports, gaps and data rights on Telegram: the real Application against the fake Bot API —
a supervisor's /report arrives as a message, a photo (PNG) and a document (XLSX); a resident's
/mydata file and /forget confirmation work through buttons."""

from __future__ import annotations

import io
import json
from urllib.parse import unquote

from openpyxl import load_workbook

from tests.e2e.conftest import RESIDENT

SUPERVISOR = 9100  # configured in make_settings


async def test_supervisor_gets_report_message_chart_and_workbook(tg, bot):
    tg.send_text(RESIDENT, "我们组的广场舞音响太吵了能不能管管", first_name="李大爷")
    offer = await tg.wait_for(RESIDENT)
    tg.tap(RESIDENT, offer, "提交给工作人员")
    await tg.wait_for(RESIDENT, lambda m: "Q1" in m.plain)
    tg.send_text(SUPERVISOR, "/report 2026-11", first_name="主任")
    message = await tg.wait_for(SUPERVISOR, lambda m: "情况报告 2026-11" in m.plain)
    assert "受理 1 件" in message.plain and "转人工 1 件" in message.plain
    photo = await tg.wait_for(SUPERVISOR, lambda m: m.kind == "photo", after=0)
    assert photo.photo is not None and photo.photo.data.startswith(b"\x89PNG")
    doc = await tg.wait_for(SUPERVISOR, lambda m: m.kind == "document", after=0)
    assert unquote(doc.document.filename) == "情况报告-2026-11.xlsx"  # as multipart encodes it
    wb = load_workbook(io.BytesIO(doc.document.data))
    assert [r[0] for r in wb["事项明细"].iter_rows(min_row=2, values_only=True)] == ["Q1"]


async def test_resident_downloads_mydata_and_forgets(tg, bot):
    tg.send_text(RESIDENT, "低保怎么申请", first_name="王大妈")
    await tg.wait_for(RESIDENT)
    tg.send_text(RESIDENT, "/mydata")
    shown = await tg.wait_for(RESIDENT, lambda m: "我们保存的" in m.plain)
    tg.tap(RESIDENT, shown, "下载")
    file = await tg.wait_for(RESIDENT, lambda m: m.kind == "document", after=0)
    data = json.loads(file.document.data.decode("utf-8"))
    assert data["questions"][0]["text"] == "低保怎么申请"
    tg.send_text(RESIDENT, "/forget")
    confirm = await tg.wait_for(RESIDENT, lambda m: "删除" in m.plain)
    tg.tap(RESIDENT, confirm, "确认删除")
    assert "已删除" in (await tg.wait_for(RESIDENT, lambda m: "已删除" in m.plain)).plain
    tg.send_text(RESIDENT, "/mydata")
    after = await tg.wait_for(RESIDENT, lambda m: "我们保存的" in m.plain)
    assert "王大妈" not in after.plain and "提的问题</b>：0" in after.text
