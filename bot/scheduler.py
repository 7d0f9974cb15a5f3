"""Deadlines and escalation, on a clock: due-soon reminders to owners, overdue alerts to
supervisors, and the supervisors' daily digest (情况报告).

Everything it needs is in the database, so a restart loses nothing, and it never repeats
itself, however many workers tick at once: each reminder, alert and digest is claimed by
inserting a `job_runs` row — (`duesoon:<matter>`, deadline), (`overdue:<matter>`, deadline),
(`digest`, day) — in the same transaction that queues its notices. Whoever inserts first
sends; everyone else skips. A moved deadline (pause, extension) is a new period, so the new
date gets its own reminder.

The morning round runs on working days from `settings.digest_time` (local) on: staff are at
their desks, and a deadline is a date, so nothing is gained by alerting at midnight.
`tick(now)` does one round and is what tests call with their clock; `run(stop)` ticks every
`settings.scheduler_interval_seconds` beside the delivery worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import metrics, robots
from bot.notices import push
from bot.services import Services
from bot.staff_names import away_entries, staff_names
from domain.deadlines import is_overdue, reminder_due
from services.notices import notice
from storage import jobs, matters, reports
from storage.db import OutageLog
from storage.models import Matter
from storage.people import staff_members

log = logging.getLogger(__name__)
PURGE_FROM = time(2, 0)  # local: the nightly retention purge runs at the first tick after this


@dataclass
class TickReport:
    due_soon: int = 0  # matters reminded
    overdue: int = 0  # matters escalated
    digests: int = 0  # digest notices queued
    weekly: int = 0  # weekly situation reports queued
    purged: int = 0  # records anonymised by the nightly retention purge

    @property
    def total(self) -> int:
        return self.due_soon + self.overdue + self.digests + self.weekly + self.purged


def _round_time(value: str) -> time:
    hh, _, mm = value.partition(":")
    return time(int(hh), int(mm or 0))


class Scheduler:
    def __init__(self, services: Services) -> None:
        self.services = services
        self.round_time = _round_time(services.settings.digest_time)

    async def tick(self, now: datetime | None = None) -> TickReport:
        """One round at `now` (default: the services' clock); safe to call any number of times."""
        services = self.services
        now = now or services.now()
        local = now.astimezone(services.tz)
        report = TickReport()
        if not services.calendar.is_workday(local.date()) or local.time() < self.round_time:
            report.purged = await self._purge(now)  # every night, workday or not
            return report
        db = services.db
        async with db.transaction() as session:
            report.due_soon = await self._due_soon(session, now)
        async with db.transaction() as session:
            report.overdue = await self._overdue(session, now)
        async with db.transaction() as session:
            report.digests = await self._digest(session, now)
        if services.settings.weekly_report:
            from bot.reports import push_weekly  # matplotlib and openpyxl load on first use

            async with db.transaction() as session:
                report.weekly = await push_weekly(session, services, now)
        report.purged = await self._purge(now)
        metrics.SCHEDULER_RUNS.labels("round").inc()
        for job, n in (("due_soon", report.due_soon), ("overdue", report.overdue),
                       ("digest", report.digests)):
            if n:
                metrics.SCHEDULER_RUNS.labels(job).inc(n)
        if report.total:
            log.info("scheduler: %s reminded, %s overdue, %s digests", report.due_soon,
                     report.overdue, report.digests)
        return report

    async def run(self, stop: asyncio.Event) -> None:
        """Tick until `stop` is set; a failed round is logged and retried at the next tick."""
        interval = self.services.settings.scheduler_interval_seconds
        outage = OutageLog(log, "scheduler")
        while not stop.is_set():
            await outage.attempt(self.tick, "scheduler round failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), timeout=interval)

    # -- rounds ------------------------------------------------------------------------------
    async def _purge(self, now: datetime) -> int:
        """Once a day, after PURGE_FROM: anonymise what is older than `retention_days`."""
        from storage.data_rights import purge

        if now.astimezone(self.services.tz).time() < PURGE_FROM:
            return 0
        async with self.services.db.transaction() as session:
            day = self._today(now).isoformat()
            if not await jobs.claim_run(session, name="purge", period=day, now=now):
                return 0
            done = await purge(session, now=now,
                               retention_days=self.services.settings.retention_days)
        total = done.matters + done.bookings + done.questions + done.conversations + done.residents
        if total:
            log.info("retention purge: %s", done)
        return total

    def _today(self, now: datetime):  # type: ignore[no-untyped-def]
        return now.astimezone(self.services.tz).date()

    async def _claimed(self, session: AsyncSession, rows: list[Matter], job: str,
                       now: datetime) -> list[Matter]:
        """The matters this worker is the first to handle for their current deadline."""
        return [m for m in rows
                if await jobs.claim_run(session, name=f"{job}:{m.id}", period=str(m.deadline),
                                        now=now)]

    async def _claimed_by_recipient(
        self, session: AsyncSession, rows: list[Matter], job: str, now: datetime, *,
        owner_first: bool,
    ) -> tuple[list[Matter], dict[str, list[Matter]]]:
        """The matters this worker claims for `job`, and who hears of which: those responsible
        (`owner_first`), else the supervisors and the owner."""
        rows = await self._claimed(session, rows, job, now)
        if not rows:
            return [], {}
        settings = self.services.settings
        supervisors = [] if owner_first else await staff_members(session, settings,
                                                                  min_role="supervisor")
        grouped: dict[str, list[Matter]] = defaultdict(list)
        for m in rows:
            if owner_first:
                keys = await matters.responsible(session, settings, m, now=self.services.now())
            else:
                keys = [*supervisors, *([m.owner] if m.owner else [])]
            for key in dict.fromkeys(keys):
                grouped[key].append(m)
        return rows, grouped

    async def _notify_grouped(self, session: AsyncSession, grouped: dict[str, list[Matter]],
                              template: str, now: datetime, *, kind: str, **context: Any) -> None:
        """One notice to each recipient about all of their matters."""
        for key, ms in grouped.items():
            await push(session, self.services, notice(
                [key], template, kind=kind, matters=ms,
                matter_id=ms[0].id if len(ms) == 1 else None, **context), now=now)

    async def _due_soon(self, session: AsyncSession, now: datetime) -> int:
        """One working day before the deadline: remind the owner (else the department)."""
        cal, today = self.services.calendar, self._today(now)
        tomorrow = cal.next_workday(today)
        rows = [m for m in await matters.open_with_deadline(session, due_on=tomorrow)
                if m.deadline is not None and reminder_due(cal, today, m.deadline)]
        rows, grouped = await self._claimed_by_recipient(session, rows, "duesoon", now,
                                                         owner_first=True)
        if not rows:
            return 0
        await self._notify_grouped(session, grouped, "schedule/due_soon", now, kind="due_soon",
                                   deadline=tomorrow)
        for m in rows:
            await matters.add_event(session, m, actor="system", kind="reminded", now=now,
                                    data={"deadline": str(m.deadline)})
        return len(rows)

    async def _overdue(self, session: AsyncSession, now: datetime) -> int:
        """Past the deadline and not paused: supervisors (and the owner) hear of it, once per
        deadline."""
        today = self._today(now)
        rows = [m for m in await matters.open_with_deadline(session, due_before=today)
                if is_overdue(today, m.deadline)]
        rows, grouped = await self._claimed_by_recipient(session, rows, "overdue", now,
                                                         owner_first=False)
        if not rows:
            return 0
        names = await staff_names(session, self.services, {m.owner for m in rows if m.owner})
        await self._notify_grouped(session, grouped, "schedule/overdue", now,
                                   kind="overdue_alert", today=today, names=names)
        for m in rows:
            await matters.add_event(session, m, actor="system", kind="overdue", now=now,
                                    data={"deadline": str(m.deadline)})
            # the work groups hear of each overdue matter on its own (一事一报)
            await robots.alert(session, self.services, "schedule/overdue", kind="overdue_alert",
                               now=now, dedupe_key=f"overdue:{m.id}:{m.deadline}",
                               matter_id=m.id, department=m.department, matters=[m],
                               today=today, names=names)
        return len(rows)

    async def _digest(self, session: AsyncSession, now: datetime) -> int:
        """Once a working day, to every supervisor: what came in since the last digest."""
        today = self._today(now)
        if not await jobs.claim_run(session, name="digest", period=today.isoformat(), now=now):
            return 0
        since = await jobs.last_run(session, name="digest", before=today.isoformat())
        since = since or now - timedelta(days=1)
        supervisors = await staff_members(session, self.services.settings, min_role="supervisor")
        digest = await reports.digest(session, today=today, since=since,
                                      tz=self.services.tz, item_names=self.services.kb.names)
        away = await away_entries(session, self.services, now)
        await robots.alert(session, self.services, "schedule/digest", kind="digest", now=now,
                           dedupe_key=f"digest:{today.isoformat()}", for_digest=True,
                           digest=digest, away=away)
        return await push(session, self.services, notice(
            supervisors, "schedule/digest", kind="digest", digest=digest, away=away,
            dedupe_prefix=f"digest:{today.isoformat()}"), now=now)

