"""Situation reports as a person receives them: a short message, a PNG of charts and an XLSX
workbook, in the reader's language. Used by /report, `servicebot report` and the weekly push
(bot.scheduler); the figures come from storage.situation."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path

from markupsafe import Markup
from sqlalchemy.ext.asyncio import AsyncSession

from bot import robots
from bot.notices import language_of, push
from bot.report_files import chart_png, workbook_xlsx
from bot.services import Services
from bot.settings import Settings
from domain.messages import Attachment, Reply
from domain.reports import Period, Report, parse_period, week_before
from services.notices import notice
from storage import jobs, situation
from storage.people import staff_members


@dataclass(frozen=True)
class ReportFiles:
    report: Report
    title: str
    text: str
    png: bytes
    xlsx: bytes
    png_name: str
    xlsx_name: str

    def replies(self, caption: str) -> list[Reply]:
        return [Reply(self.text), *self.files(caption)]

    def files(self, caption: str) -> list[Reply]:
        return [Reply(photo=Attachment(self.png_name, self.png, caption)),
                Reply(document=Attachment(self.xlsx_name, self.xlsx, caption))]


async def build(session: AsyncSession, services: Services, *, period: Period, lang: str,
                department: str | None = None) -> ReportFiles:
    """Count (in SQL), write the message, draw the charts and fill the workbook."""
    kb = services.kb
    dept_items = [it.id for it in kb.items if it.department == department] if department else []
    report = await situation.build_report(
        session, period=period, tz=services.tz, calendar=services.calendar,
        today=services.today(), item_names=kb.names, department=department,
        department_items=dept_items)
    r = services.renderer
    label = partial(r.label, lang)
    scope = department or (kb.center.name if kb.center else "")
    title = label("rpt.title", scope=scope, period=period.name)
    text = r.render(lang, "reports/summary", report=report, title=title,
                    center=kb.center)
    # drawing takes a CPU-second: off the event loop, so other chats are not held up
    png = await asyncio.to_thread(chart_png, report, label, title=title)
    rows = situation.matter_rows(session, period=period, tz=services.tz, department=department)
    xlsx = await workbook_xlsx(report, label, batches=rows, tz=services.tz)
    name = label("rpt.filename", period=period.name)
    return ReportFiles(report, title, text, png, xlsx, f"{name}.png", f"{name}.xlsx")


async def push_weekly(session: AsyncSession, services: Services, now: datetime) -> int:
    """Last week's report to every supervisor, once (a `job_runs` claim per week, so restarts
    and several workers never send it twice); returns how many were queued."""
    period = week_before(now.astimezone(services.tz).date())
    if not await jobs.claim_run(session, name="weekly_report", period=period.name, now=now):
        return 0
    built: dict[str, ReportFiles] = {}
    queued = 0
    for key in await staff_members(session, services.settings, min_role="supervisor"):
        lang = await language_of(session, services, key)
        if lang not in built:
            built[lang] = await build(session, services, period=period, lang=lang)
        files = built[lang]
        caption = services.renderer.label(lang, "rpt.caption", period=period.name)
        # the text, then the chart and the workbook drawn once for this language
        queued += await push(session, services, notice(
            [key], "reports/summary", kind="weekly_report",
            dedupe_key=f"weekly:{period.name}:{key}", attachments=files.files(caption),
            report=files.report, title=files.title), now=now)
    if services.settings.work_robots:  # and to the supervisors' work groups (text only)
        lang = services.settings.default_language
        if lang not in built:
            built[lang] = await build(session, services, period=period, lang=lang)
        queued += await robots.alert(session, services, "reports/weekly_robot",
                                     kind="weekly_report", now=now, for_digest=True,
                                     dedupe_key=f"weekly:{period.name}",
                                     summary=Markup(built[lang].text))
    return queued


async def write_report(settings: Settings, *, period: str, out: str, department: str | None,
                       lang: str) -> int:
    """`servicebot report`: the files of one report into a directory; 2 on a bad period."""
    import sys

    from bot.app import create_app

    app = create_app(settings.with_overrides(scheduler_enabled=False))
    try:
        await app.start()
        services = app.services
        chosen = parse_period(period, services.today())
        if chosen is None:
            print(services.renderer.label(lang, "err.usage",
                                          usage=services.renderer.label(lang, "usage.report")),
                  file=sys.stderr)
            return 2
        async with services.db.transaction() as session:
            files = await build(session, services, period=chosen, lang=lang,
                                department=department)
        for path in _write_files(files, Path(out)):
            print(path)
        return 0
    finally:
        await app.close()



def _write_files(files: ReportFiles, folder: Path) -> list[Path]:
    from bot.channels.console import plain

    folder.mkdir(parents=True, exist_ok=True)
    text = folder / f"{files.xlsx_name.removesuffix('.xlsx')}.txt"
    text.write_text(plain(files.text) + "\n", encoding="utf-8")
    (folder / files.png_name).write_bytes(files.png)
    (folder / files.xlsx_name).write_bytes(files.xlsx)
    return [text, folder / files.png_name, folder / files.xlsx_name]
