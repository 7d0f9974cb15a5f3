"""The complaint flow (投诉): register what the resident wrote as a matter with its answer
deadline, and decide who is told — the on-duty staff, or for fees and corruption (廉政) and
urgent complaints the supervisors at once (一事一报), integrity complaints never reaching the
queue of the colleagues they may be about."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from domain.matter_rules import alerts_supervisors, is_integrity_matter
from domain.privacy import mask_phone
from domain.workdays import WorkCalendar
from services.notices import Notice, RobotAlert, notice
from storage import matters
from storage.models import Matter, Resident
from storage.people import staff_members


@dataclass(frozen=True)
class Draft:
    """What the resident wrote, step by step."""

    category: str
    what: str
    phone: str  # how to reach them about it
    whom: str = ""
    when: str = ""
    photos: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Submitted:
    matter: Matter
    alerted: bool  # supervisors were alerted at once
    notices: list[Notice | RobotAlert] = field(default_factory=list)


async def submit(session: AsyncSession, *, resident: Resident, draft: Draft, urgent: bool,
                 now: datetime, today: date, calendar: WorkCalendar, deadline_workdays: int,
                 on_duty_from: datetime, staff_config: Any) -> Submitted:
    """Register the complaint and say who hears of it. `on_duty_from`: when staff are next on
    duty (their notice waits for it; an alert does not); `staff_config`: who is staff, as
    storage.people reads it (the settings)."""
    text = f"{draft.what}\n{draft.whom}"
    sensitive = is_integrity_matter(draft.category, text)
    matter = await matters.create_matter(
        session, kind="complaint", resident=resident, now=now, actor=resident.key,
        subject=draft.what[:80], content=draft.what, category=draft.category, urgent=urgent,
        deadline=calendar.add_workdays(today, deadline_workdays),
        data={"whom": draft.whom, "when": draft.when, "photos": list(draft.photos),
              "contact": draft.phone, "sensitive": sensitive},
    )
    if not resident.phone:
        resident.phone = draft.phone  # so staff can /find them by the last digits
    supervisors = await staff_members(session, staff_config, min_role="supervisor")
    alert = alerts_supervisors(draft.category, urgent, text)
    staff = [] if sensitive else await staff_members(session, staff_config, now=now)
    if alert:
        staff = [k for k in staff if k not in supervisors]
    params = dict(matter=matter, resident=resident, data=matter.data, mask_phone=mask_phone)
    take = [[("btn.take", f"stf:take:{matter.id}")]]
    told: list[Notice | RobotAlert] = [notice(
        staff, "complaints/staff_new", kind="staff_new_matter", matter_id=matter.id,
        dedupe_prefix=f"new:{matter.id}", not_before=on_duty_from, buttons=take, **params)]
    if alert:  # 一事一报: at once, office hours or not
        told.append(notice(supervisors, "complaints/alert", kind="complaint_alert",
                           matter_id=matter.id, dedupe_prefix=f"alert:{matter.id}",
                           sensitive=sensitive, buttons=take, **params))
        told.append(RobotAlert("complaints/alert", "complaint_alert", f"alert:{matter.id}",
                               params, matter_id=matter.id, department=matter.department,
                               sensitive=sensitive))
    return Submitted(matter, alert, told)
