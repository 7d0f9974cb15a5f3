"""/report [week|month|YYYY-MM]: a situation report (情况报告) as a message, a PNG of charts and
an XLSX workbook. Supervisors get the whole center; staff their own department's."""

from __future__ import annotations

from bot import reports
from bot.context import Context
from bot.router import Router
from domain.errors import DomainError
from domain.messages import Reply
from domain.reports import parse_period


async def report_cmd(ctx: Context) -> list[Reply]:
    """Count the period in the database, then send the message, charts and workbook."""
    period = parse_period(ctx.event.args, ctx.today)
    if period is None:
        return [ctx.say("err.usage", usage=ctx.label("usage.report"))]
    department = None
    if not ctx.role.at_least("supervisor"):
        department = ctx.role.department
        if not department:
            raise DomainError("report_no_department")
    files = await reports.build(ctx.session, ctx.services, period=period, lang=ctx.lang,
                                department=department)
    return files.replies(ctx.label("rpt.caption", period=period.name))


def register(router: Router) -> None:
    router.command("report", report_cmd, role="staff", help_key="help.report")
