"""The case flows (办件): accept a case with the materials received (the resident gets the
收件回执), send one written 补正告知 of what is missing (the clock stops), resume when the
materials arrive (the date moves by the pause), extend with a reason. Each changes the matter
(storage.cases) and returns the notice the resident gets; who may act is checked before."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from domain import checklist as rules
from domain import deadlines
from domain.documents import applicant_name, document_number
from domain.errors import DomainError
from domain.names import StaffName
from domain.workdays import WorkCalendar
from knowledge.model import Item
from services.notices import Document, Notice, notice
from storage import cases, matters
from storage.models import Matter, Resident
from storage.people import resident_by_id


@dataclass(frozen=True, eq=False)
class Accepted:
    matter: Matter
    missing: list[rules.ChecklistLine]  # what the resident still has to bring
    params: dict[str, Any]  # the receipt's template parameters (staff's answer shows the same)
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class MissingSent:
    matter: Matter
    missing: list[rules.ChecklistLine]
    resident: Resident
    notices: list[Notice] = field(default_factory=list)


@dataclass(frozen=True, eq=False)
class Moved:
    """Resumed or extended: the new promised date, and the working days it moved by."""

    matter: Matter
    deadline: date
    workdays: int
    notices: list[Notice] = field(default_factory=list)


def promised(calendar: WorkCalendar, today: date, item: Item, *, default: int) -> date:
    """The date a case of `item` accepted today is promised for."""
    return deadlines.case_deadline(calendar, today, kind=item.kind,
                                   time_limit_workdays=item.time_limit_workdays, default=default)


def case_lines(item: Item | None, matter: Matter) -> list[rules.ChecklistLine]:
    """The case's checklist as accepted (situations chosen, materials received)."""
    if item is None:
        return []
    data = matter.data or {}
    return rules.checklist(item, rules.situations_of(item, data.get("sit") or []),
                           data.get("have") or [])


async def accept(session: AsyncSession, *, staff: str, handler: StaffName, resident_id: int,
                 item: Item, department: str | None, situations: list[int], have: list[int],
                 booking_id: int | None, parent_id: int | None, now: datetime, today: date,
                 calendar: WorkCalendar, default_workdays: int) -> Accepted:
    """Register the case (closing the booking it came from, or the 代办 request it continues)
    and send the resident the receipt (收件回执) with its printable document."""
    resident = await resident_by_id(session, resident_id)
    assert resident is not None
    lines = rules.checklist(item, rules.situations_of(item, situations), have)
    received = [ln for ln in lines if ln.have]
    missing = [ln for ln in lines if not ln.have]
    parent = await matters.matter_by_id(session, parent_id) if parent_id else None
    proxy = (parent.data or {}).get("proxy") if parent is not None else None
    matter = await cases.accept_case(
        session, resident=resident, item_id=item.id, item_name=item.name, department=department,
        staff=staff, now=now, deadline=promised(calendar, today, item, default=default_workdays),
        received=[ln.material.name for ln in received],
        data={"have": [ln.index for ln in received], "sit": situations, "window": item.window,
              "handler": handler.name, **({"proxy": proxy} if proxy else {})},
        booking_id=booking_id, parent_id=parent_id,
    )
    if proxy and parent is not None:  # the 代办 request lives on as this case
        await cases.close_request(session, parent, staff=staff, case=matter, now=now)
    if booking_id:
        await cases.close_for_case(session, booking_id=booking_id, now=now)
    booking = await cases.find_booking(session, booking_id=booking_id) if booking_id else None
    params = dict(matter=matter, item=item, received=received, missing=missing,
                  handler=handler, resident=resident, accepted=now, issued=now, proxy=proxy,
                  doc_no=document_number("receipt", today, matter.number),
                  applicant=applicant_name(booking.name if booking else None,
                                           resident.real_name, resident.display_name),
                  same_day=deadlines.promised_workdays(
                      kind=item.kind, time_limit_workdays=item.time_limit_workdays,
                      default=default_workdays) == 0)
    receipt = notice([resident.key], "cases/receipt", kind="case_receipt", matter_id=matter.id,
                     dedupe_prefix=f"receipt:{matter.id}",
                     document=Document("cases/receipt.html", "doc.receipt_filename",
                                       "doc.receipt_caption", (("number", matter.number),)),
                     buttons=[[("btn.status", "menu:status")]], **params)
    return Accepted(matter, missing, params, [receipt])


async def send_missing(session: AsyncSession, *, matter: Matter, staff: str,
                       handler: StaffName, item: Item | None, note: str, now: datetime,
                       today: date) -> MissingSent:
    """One written 补正告知 of everything still missing; the clock stops until /resume."""
    lines = case_lines(item, matter)
    missing = [ln for ln in lines if not ln.have]
    await cases.mark_missing(session, matter, staff=staff, now=now,
                             missing=[ln.material.name for ln in missing], note=note)
    resident = await resident_by_id(session, matter.resident_id)
    assert resident is not None
    booking = await cases.find_booking(session, booking_id=matter.booking_id) if matter.booking_id else None
    issued = sum(e.kind == "missing" for e in await matters.history(session, matter))
    ref = matter.number if issued <= 1 else f"{matter.number}-{issued}"
    # no dedupe key: a second, corrected 补正告知 is a new notice the resident must get
    sent = notice([resident.key], "cases/missing", kind="case_missing", matter_id=matter.id,
                  document=Document("cases/missing.html", "doc.missing_filename",
                                    "doc.missing_caption", (("number", matter.number),)),
                  matter=matter, item=item, missing=missing, note=note, issued=now,
                  resident=resident, handler=handler, received=[ln for ln in lines if ln.have],
                  doc_no=document_number("missing", today, ref),
                  applicant=applicant_name(booking.name if booking else None,
                                           resident.real_name, resident.display_name))
    return MissingSent(matter, missing, resident, [sent])


async def resume(session: AsyncSession, *, matter: Matter, staff: str, item: Item | None,
                 now: datetime, today: date, calendar: WorkCalendar, tz: ZoneInfo) -> Moved:
    """The materials arrived: the clock runs again, the date moves by the working days paused."""
    if matter.paused_since is None or matter.deadline is None:
        raise DomainError("not_paused", number=matter.number)
    paused_on = matter.paused_since.astimezone(tz).date()
    days = deadlines.paused_workdays(calendar, paused_on, today)
    new = deadlines.deadline_after_pause(calendar, matter.deadline, paused_on, today)
    everything = [ln.index for ln in case_lines(item, matter)]
    await cases.resume_case(session, matter, staff=staff, now=now, new_deadline=new,
                            paused_days=days, received_all=everything)
    return Moved(matter, new, days, [await _tell_resident(
        session, matter, "cases/resumed", kind="case_resumed", item=item, paused_days=days)])


async def extend(session: AsyncSession, *, matter: Matter, staff: str, workdays: int,
                 reason: str, now: datetime, calendar: WorkCalendar) -> Moved:
    """A later date (1 to MAX_EXTENSION_WORKDAYS working days), with the reason the resident
    is told."""
    if matter.deadline is None:
        raise DomainError("no_deadline", number=matter.number)
    old = matter.deadline
    new = deadlines.extended_deadline(calendar, old, workdays)
    await cases.extend(session, matter, staff=staff, now=now, new_deadline=new,
                       workdays=workdays, reason=reason)
    return Moved(matter, new, workdays, [await _tell_resident(
        session, matter, "cases/extended", kind="case_extended", old=old, days=workdays,
        reason=reason)])


async def _tell_resident(session: AsyncSession, matter: Matter, template: str, *, kind: str,
                         **params: Any) -> Notice:
    resident = await resident_by_id(session, matter.resident_id)
    assert resident is not None
    return notice([resident.key], template, kind=kind, matter_id=matter.id, matter=matter,
                  **params)
