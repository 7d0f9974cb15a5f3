"""Accepted cases (办件): acceptance with the materials received, the written 补正告知 that
stops the clock, resumption, extension. Deadlines are computed by domain.deadlines; these
functions record state and history in the caller's transaction."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from storage import outbox
from storage.matters import add_event, create_matter, ensure_open
from storage.models import Booking, Matter, Resident


async def case_of_booking(session: AsyncSession, booking_id: int) -> Matter | None:
    return await session.scalar(
        select(Matter).where(Matter.booking_id == booking_id, Matter.kind == "case")
    )


async def find_booking(session: AsyncSession, *, booking_id: int | None = None,
                       code: str | None = None) -> Booking | None:
    if booking_id is not None:
        return await session.get(Booking, booking_id)
    if code:
        return await session.scalar(select(Booking).where(Booking.code == code))
    return None


async def accept_case(session: AsyncSession, *, resident: Resident, item_id: str, item_name: str,
                      department: str | None, staff: str, now: datetime, deadline: date,
                      received: list[str], data: dict[str, Any], booking_id: int | None = None,
                      parent_id: int | None = None) -> Matter:
    """收件: the case is registered, owned by the accepting staff member, its clock running."""
    if booking_id is not None and (done := await case_of_booking(session, booking_id)):
        raise DomainError("booking_already_accepted", number=done.number)
    matter = await create_matter(
        session, kind="case", resident=resident, now=now, actor=staff, subject=item_name,
        content="；".join(received), item_id=item_id, department=department, deadline=deadline,
        booking_id=booking_id, parent_id=parent_id, owner=staff, data=data,
    )
    await add_event(session, matter, actor=staff, kind="accepted", now=now,
                    text="、".join(received), data={"deadline": deadline.isoformat()})
    return matter


def _case(matter: Matter) -> None:
    if matter.kind != "case":
        raise DomainError("not_a_case", number=matter.number)
    ensure_open(matter)


async def mark_missing(session: AsyncSession, matter: Matter, *, staff: str, now: datetime,
                       missing: list[str], note: str) -> bool:
    """补正告知 issued: the case waits for the resident and its clock stops. Returns False
    when the clock was already stopped (a corrected notice: the pause keeps its start)."""
    _case(matter)
    if not missing and not note:
        raise DomainError("nothing_missing", number=matter.number)
    started = matter.paused_since is None
    if started:
        matter.paused_since = now
    matter.status = "waiting"
    data = copy.deepcopy(matter.data or {})  # a new value, or the JSON change goes unseen
    data["missing"] = missing
    matter.data = data
    await add_event(session, matter, actor=staff, kind="missing", now=now,
                    text="、".join(missing) + (f"（{note}）" if note else ""),
                    data={"missing": missing, "note": note})
    return started


async def resume_case(session: AsyncSession, matter: Matter, *, staff: str, now: datetime,
                      new_deadline: date, paused_days: int, received_all: list[int]) -> date:
    """The missing materials arrived: the clock runs again from the moved deadline."""
    _case(matter)
    if matter.paused_since is None:
        raise DomainError("not_paused", number=matter.number)
    old = matter.deadline
    matter.paused_since = None
    matter.status = "assigned"
    matter.deadline = new_deadline
    data = copy.deepcopy(matter.data or {})  # a new value, or the JSON change goes unseen
    data["have"] = received_all
    data["missing"] = []
    data["paused_workdays"] = int(data.get("paused_workdays", 0)) + paused_days
    matter.data = data
    await add_event(session, matter, actor=staff, kind="resumed", now=now,
                    data={"paused_workdays": paused_days, "from": str(old),
                          "to": new_deadline.isoformat()})
    return new_deadline


async def extend(session: AsyncSession, matter: Matter, *, staff: str, now: datetime,
                 new_deadline: date, workdays: int, reason: str) -> None:
    """延期 with a reason the resident is told; the history keeps both dates."""
    ensure_open(matter)
    if not reason.strip():
        raise DomainError("extend_needs_reason")
    old = matter.deadline
    matter.deadline = new_deadline
    data = copy.deepcopy(matter.data or {})  # a new value, or the JSON change goes unseen
    data.setdefault("extensions", []).append(
        {"workdays": workdays, "reason": reason, "from": str(old), "to": new_deadline.isoformat()}
    )
    matter.data = data
    await add_event(session, matter, actor=staff, kind="extended", now=now, text=reason,
                    data={"workdays": workdays, "from": str(old), "to": new_deadline.isoformat()})


async def close_request(session: AsyncSession, request: Matter, *, staff: str, case: Matter,
                        now: datetime) -> None:
    """A 全程代办 request accepted as `case`: closed, its history pointing to the case."""
    request.status = "closed"
    request.paused_since = None
    await add_event(session, request, actor=staff, kind="accepted", now=now, text=case.number,
                    data={"case": case.id})


async def close_for_case(session: AsyncSession, *, booking_id: int, now: datetime) -> Booking | None:
    """A booking accepted as a case (办件) is done with: `served`, its reminders dropped, and
    it no longer counts against the resident's active bookings (nor blocks booking the same
    item again). Its place stays taken: the visit happened in it, or ahead of it."""
    booking = await session.scalar(select(Booking).where(Booking.id == booking_id)
                                   .with_for_update())
    if booking is None or booking.status in ("cancelled", "rescheduled", "served"):
        return booking
    booking.status = "served"
    booking.updated_at = now
    await outbox.cancel(session, booking_id=booking.id)
    return booking
