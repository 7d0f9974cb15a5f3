"""Matters (事项): consultations handed to staff, complaints, cases, home visits, follow-ups.

One model for all: a number shown to residents, kind, status, owner (首问责任人), deadline in
working days, and a history of events. Functions here change state and record history; the
caller's transaction (one per update) commits both together with any outbox notice.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.errors import DomainError
from domain.matter_rules import may_handle
from storage.models import Matter, MatterEvent, Resident
from storage.people import StaffConfig, staff_members

PREFIX = {"consult": "Q", "complaint": "T", "case": "B", "homevisit": "H", "followup": "F"}
OPEN_STATUSES = ("open", "assigned", "answered", "waiting", "forwarded")  # forwarded: 上报
RUNNING_STATUSES = ("open", "assigned")  # the deadline clock runs (waiting: paused for 补正)
_REF = re.compile(r"^#?\s*([A-Za-z]{0,2})\s*-?\s*(\d{1,9})$")


def parse_ref(text: str) -> int | None:
    """`12`, `#12`, `Q12`, `q-12` → 12; anything else → None."""
    m = _REF.match(text.strip())
    return int(m.group(2)) if m else None


async def create_matter(session: AsyncSession, *, kind: str, resident: Resident, now: datetime,
                        actor: str, subject: str = "", content: str = "",
                        item_id: str | None = None, department: str | None = None,
                        deadline: date | None = None, category: str | None = None,
                        urgent: bool = False, parent_id: int | None = None,
                        booking_id: int | None = None, owner: str | None = None,
                        data: dict[str, Any] | None = None) -> Matter:
    """Register a new matter with its `created` event (登记备案); the number is derived from its id."""
    matter = Matter(
        number=f"tmp-{uuid.uuid4().hex[:16]}", kind=kind,
        status="assigned" if owner else "open", resident_id=resident.id,
        item_id=item_id, subject=subject[:200], content=content, department=department,
        owner=owner, category=category, urgent=urgent, deadline=deadline,
        created_at=now, updated_at=now, parent_id=parent_id, booking_id=booking_id,
        data=data or {},
    )
    session.add(matter)
    await session.flush()
    matter.number = f"{PREFIX[kind]}{matter.id}"
    await add_event(session, matter, actor=actor, kind="created", text=content, now=now)
    return matter


async def add_event(session: AsyncSession, matter: Matter, *, actor: str, kind: str,
                    now: datetime, text: str = "", data: dict[str, Any] | None = None) -> None:
    session.add(MatterEvent(matter_id=matter.id, at=now, actor=actor, kind=kind,
                            text=text, data=data or {}))
    matter.updated_at = now


async def get_matter(session: AsyncSession, ref: str, *, for_update: bool = False) -> Matter:
    """The matter a staff member or resident named; DomainError('no_such_matter') otherwise."""
    matter_id = parse_ref(ref)
    if matter_id is None:
        raise DomainError("bad_matter_ref", ref=ref[:20])
    stmt = select(Matter).where(Matter.id == matter_id)
    if for_update:
        stmt = stmt.with_for_update()
    matter = await session.scalar(stmt)
    if matter is None:
        raise DomainError("no_such_matter", ref=ref[:20])
    return matter


async def matter_by_id(session: AsyncSession, matter_id: int) -> Matter | None:
    return await session.get(Matter, matter_id)


async def open_owned_of_resident(session: AsyncSession, resident_id: int) -> list[Matter]:
    """A resident's open matters that someone owns (who must phone them if they blocked us)."""
    return list(await session.scalars(
        select(Matter).where(Matter.resident_id == resident_id, Matter.owner.is_not(None),
                             Matter.status.in_(OPEN_STATUSES))))


async def take(session: AsyncSession, matter: Matter, *, staff: str, now: datetime) -> None:
    """The first staff member to take an open matter owns it (首问负责)."""
    if matter.status in ("done", "closed"):
        raise DomainError("matter_closed", number=matter.number)
    if matter.owner and matter.owner != staff:
        raise DomainError("already_taken", number=matter.number, owner=matter.owner)
    if matter.owner == staff:
        raise DomainError("already_yours", number=matter.number)
    matter.owner = staff
    matter.status = "assigned"
    await add_event(session, matter, actor=staff, kind="assigned", now=now)


async def transfer(session: AsyncSession, matter: Matter, *, staff: str, to: str,
                   department: str | None, note: str, now: datetime) -> None:
    """Hand a matter on with its history and a note; the new owner is told by the caller."""
    if matter.status in ("done", "closed"):
        raise DomainError("matter_closed", number=matter.number)
    if to == matter.owner:
        raise DomainError("transfer_to_owner", number=matter.number)
    previous = matter.owner
    matter.owner = to
    matter.status = "assigned"
    if department:
        matter.department = department
    await add_event(session, matter, actor=staff, kind="transferred", text=note,
                    data={"from": previous, "to": to}, now=now)


async def record_reply(session: AsyncSession, matter: Matter, *, staff: str, text: str,
                       now: datetime) -> None:
    """A staff answer to the resident; a consultation counts as answered from then on."""
    if matter.status in ("closed",):
        raise DomainError("matter_closed", number=matter.number)
    if not matter.owner:
        matter.owner = staff
    if matter.kind == "consult" and matter.status in ("open", "assigned"):
        matter.status = "answered"
    data = dict(matter.data or {})
    data.setdefault("first_reply_at", now.isoformat())
    matter.data = data
    await add_event(session, matter, actor=staff, kind="replied", text=text, now=now)


async def resident_addition(session: AsyncSession, matter: Matter, *, actor: str, text: str,
                            now: datetime) -> None:
    """The resident adds to their own open matter; an answered question is open again."""
    if matter.status in ("done", "closed"):
        raise DomainError("matter_closed", number=matter.number)
    if matter.status == "answered":
        matter.status = "assigned" if matter.owner else "open"
    await add_event(session, matter, actor=actor, kind="resident_message", text=text, now=now)


async def history(session: AsyncSession, matter: Matter) -> list[MatterEvent]:
    rows = await session.scalars(
        select(MatterEvent).where(MatterEvent.matter_id == matter.id).order_by(MatterEvent.id)
    )
    return list(rows)


async def matters_of(session: AsyncSession, resident_id: int, limit: int = 20) -> list[Matter]:
    stmt = (select(Matter).where(Matter.resident_id == resident_id)
            .order_by(Matter.id.desc()).limit(limit))
    return list(await session.scalars(stmt))


async def queue(session: AsyncSession, *, view: str, staff: str, department: str | None,
                today: date, kinds: Sequence[str] | None = None,
                limit: int = 30) -> list[Matter]:
    """Open matters for a staff member: all / mine / new / overdue; one department's plus
    everything transferred to them (all departments when `department` is None)."""
    stmt = select(Matter).where(Matter.status.in_(OPEN_STATUSES))
    if department:
        stmt = stmt.where(or_(Matter.department == department, Matter.department.is_(None),
                              Matter.owner == staff))
    if view == "mine":
        stmt = stmt.where(Matter.owner == staff)
    elif view == "new":
        stmt = stmt.where(Matter.owner.is_(None))
    elif view == "overdue":
        stmt = stmt.where(Matter.deadline < today, Matter.paused_since.is_(None),
                          Matter.status.in_(RUNNING_STATUSES))
    if kinds:
        stmt = stmt.where(Matter.kind.in_(kinds))
    stmt = stmt.order_by(Matter.deadline.is_(None), Matter.deadline, Matter.id).limit(limit)
    return list(await session.scalars(stmt))


# -- shared by cases, complaints, ratings and the scheduler ----------------------------------

# what a resident may read of their own matter's history: never internal notes, never the
# staff-to-staff text of a transfer
RESIDENT_VISIBLE_EVENTS = ("created", "assigned", "transferred", "replied", "resident_message",
                           "accepted", "missing", "resumed", "extended", "done", "rated",
                           "followed_up", "forwarded", "returned")
RESIDENT_EVENT_TEXT = ("replied", "resident_message", "missing", "extended", "done", "returned")


async def responsible(session: AsyncSession, config: StaffConfig, matter: Matter,
                      now: datetime | None = None) -> list[str]:
    """Who hears about a matter: its owner; if nobody owns it yet, its department's staff —
    or supervisors alone for follow-ups of bad ratings and integrity complaints, which must
    not reach the colleagues they may be about. Given `now`, an owner or member away then is
    replaced by their backup (AB岗)."""
    if matter.owner:
        if now is None:
            return [matter.owner]
        from storage.absences import away_now, stand_ins

        return stand_ins([matter.owner], await away_now(session, now)) or [matter.owner]
    sensitive = bool((matter.data or {}).get("sensitive"))
    if not may_handle(kind=matter.kind, sensitive=sensitive, role="staff"):
        return await staff_members(session, config, min_role="supervisor", now=now)
    return await staff_members(session, config, department=matter.department, now=now)


def ensure_open(matter: Matter) -> None:
    if matter.status in ("done", "closed"):
        raise DomainError("matter_closed", number=matter.number)


async def add_note(session: AsyncSession, matter: Matter, *, staff: str, text: str,
                   now: datetime) -> None:
    """An internal note (内部备注): in the history staff see, never shown to the resident."""
    await add_event(session, matter, actor=staff, kind="note", text=text, now=now)


async def complete(session: AsyncSession, matter: Matter, *, staff: str, text: str,
                   now: datetime) -> None:
    """办结: the matter is done; the caller pushes the completion notice in this transaction."""
    ensure_open(matter)
    if matter.kind == "complaint" and not text.strip():
        # a written complaint gets a written answer
        raise DomainError("complaint_needs_answer", number=matter.number)
    matter.status = "done"
    matter.done_at = now
    matter.paused_since = None
    if not matter.owner:
        matter.owner = staff
    await add_event(session, matter, actor=staff, kind="done", text=text, now=now)


async def get_own_matter(session: AsyncSession, ref: str, resident_id: int) -> Matter:
    """A resident's own matter; someone else's answers exactly like one that does not exist."""
    matter = await get_matter(session, ref)
    if matter.resident_id != resident_id:
        raise DomainError("no_such_matter", ref=ref[:20])
    return matter


async def matters_by_phone_tail(session: AsyncSession, digits: str,
                                limit: int = 30) -> list[Matter]:
    """Matters of residents whose phone (profile, booking or complaint contact) ends with
    `digits` — how a resident at the window is found without reading out a whole number."""
    from storage.models import Booking  # late: bookings belong to the appointments module

    pattern = f"%{digits}"
    by_profile = select(Resident.id).where(Resident.phone.like(pattern))
    by_booking = select(Booking.resident_id).where(Booking.phone.like(pattern))
    stmt = (select(Matter)
            .where(or_(Matter.resident_id.in_(by_profile), Matter.resident_id.in_(by_booking)))
            .order_by(Matter.id.desc()).limit(limit))
    return list(await session.scalars(stmt))


async def open_with_deadline(session: AsyncSession, *, due_on: date | None = None,
                             due_before: date | None = None) -> list[Matter]:
    """Matters whose clock is running (open or being handled, not paused, not a question
    already answered — its promise was kept) due on a day or before one (the scheduler)."""
    stmt = select(Matter).where(Matter.status.in_(RUNNING_STATUSES),
                                Matter.paused_since.is_(None), Matter.deadline.is_not(None))
    if due_on is not None:
        stmt = stmt.where(Matter.deadline == due_on)
    if due_before is not None:
        stmt = stmt.where(Matter.deadline < due_before)
    return list(await session.scalars(stmt.order_by(Matter.deadline, Matter.id)))
