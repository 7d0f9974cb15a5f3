"""Residents' data rights (个人信息保护法): what is stored about a person (/mydata), erasing it
(/forget), and the retention purge of finished matters and old conversations.

Erasing keeps the records regulations and statistics need — that a matter of some kind was
received, by which department, when, with what deadline, status and score — and removes what
identifies the person or what they said: names, phone and ID numbers, message texts, photos
and files, addresses. The channel id stays on the person's row so the bot can go on talking
to them (it is how the chat app reaches them, and the row holds nothing else).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.matters import OPEN_STATUSES
from storage.models import (
    Booking,
    Conversation,
    FileLink,
    Matter,
    MatterEvent,
    NumberedOptions,
    Outbox,
    Query,
    Resident,
    Slot,
)

# matter.data keys that hold no personal data and that rules depend on (access, checklists)
KEEP_DATA = ("sensitive", "have", "sit", "window", "score", "item")


def _kept(data: dict[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (data or {}).items() if k in KEEP_DATA}


@dataclass
class Export:
    """Everything stored about one resident, as plain values."""

    profile: dict[str, Any]
    matters: list[dict[str, Any]] = field(default_factory=list)
    bookings: list[dict[str, Any]] = field(default_factory=list)
    questions: list[dict[str, Any]] = field(default_factory=list)
    consents: list[dict[str, Any]] = field(default_factory=list)

    @property
    def complaints(self) -> list[dict[str, Any]]:
        return [m for m in self.matters if m["kind"] == "complaint"]

    @property
    def ratings(self) -> list[dict[str, Any]]:
        return [m for m in self.matters if m["rating"] is not None]

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON-ready values (times as ISO 8601, UTC)."""
        return _plain({"profile": self.profile, "matters": self.matters,
                       "bookings": self.bookings, "questions": self.questions,
                       "consents": self.consents})


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    return value.isoformat() if hasattr(value, "isoformat") else value


async def export(session: AsyncSession, resident: Resident) -> Export:
    """Only rows that belong to `resident` (by their id): never anyone else's."""
    out = Export(profile={
        "channel": resident.channel, "user_id": resident.user_id,
        "display_name": resident.display_name, "real_name": resident.real_name,
        "phone": resident.phone, "language": resident.language,
        "created_at": resident.created_at, "last_seen_at": resident.last_seen_at,
        "unreachable": resident.unreachable,
        "booking_blocked_until": resident.booking_blocked_until})
    if resident.phone:
        # the phone number given to book or complain, and what it is used for
        out.consents.append({"what": "phone", "given_at": resident.created_at})
    if resident.language_chosen:
        out.consents.append({"what": "language", "value": resident.language})
    matters = await session.scalars(
        select(Matter).where(Matter.resident_id == resident.id).order_by(Matter.id))
    for m in matters:
        events = await session.scalars(
            select(MatterEvent).where(MatterEvent.matter_id == m.id).order_by(MatterEvent.id))
        out.matters.append({
            "number": m.number, "kind": m.kind, "status": m.status, "item_id": m.item_id,
            "subject": m.subject, "content": m.content, "department": m.department,
            "category": m.category, "created_at": m.created_at,
            "deadline": m.deadline, "done_at": m.done_at, "rating": m.rating,
            "rating_comment": m.rating_comment,
            "details": {k: v for k, v in (m.data or {}).items() if k not in KEEP_DATA},
            "history": [{"at": e.at, "kind": e.kind, "text": e.text} for e in events]})
    bookings = await session.execute(
        select(Booking, Slot.starts_at).join(Slot, Slot.id == Booking.slot_id)
        .where(Booking.resident_id == resident.id).order_by(Booking.id))
    for b, starts in bookings.all():
        out.bookings.append({"code": b.code, "item_id": b.item_id, "starts_at": starts,
                             "status": b.status, "name": b.name, "phone": b.phone})
    questions = await session.execute(
        select(Query.at, Query.text).where(Query.resident_id == resident.id).order_by(Query.id))
    out.questions = [{"at": at, "text": text} for at, text in questions.all()]
    return out


@dataclass
class _Counted:
    """How many records of each kind were anonymised."""

    matters: int = 0
    bookings: int = 0
    questions: int = 0


@dataclass
class Erased(_Counted):
    files: int = 0


async def _erase_matters(session: AsyncSession, ids: list[int], now: datetime) -> None:
    for matter in await session.scalars(select(Matter).where(Matter.id.in_(ids))):
        matter.subject, matter.content, matter.rating_comment = "", "", None
        matter.data = _kept(matter.data)
        matter.anonymised_at = now
    await session.execute(update(MatterEvent).where(MatterEvent.matter_id.in_(ids))
                          .values(text="", data={}))


async def forget(session: AsyncSession, resident: Resident, *, now: datetime) -> Erased:
    """Erase the person's personal data everywhere; anonymised records stay."""
    done = Erased()
    key = resident.key
    ids = list(await session.scalars(select(Matter.id).where(Matter.resident_id == resident.id)))
    await _erase_matters(session, ids, now)
    # what the person did in their matters' history is no longer signed with their id
    await session.execute(update(MatterEvent).where(MatterEvent.matter_id.in_(ids),
                                                    MatterEvent.actor == key)
                          .values(actor="resident"))
    done.matters = len(ids)
    result = await session.execute(update(Booking).where(Booking.resident_id == resident.id)
                                   .values(name="", phone=""))
    done.bookings = int(result.rowcount or 0)
    result = await session.execute(update(Query).where(Query.resident_id == resident.id)
                                   .values(text="", reading=None, resident_id=None))
    done.questions = int(result.rowcount or 0)
    mine = and_(Outbox.channel == resident.channel, Outbox.user_id == resident.user_id)
    # notices about their matters to anyone (staff included) quote what they wrote
    about = or_(mine, Outbox.matter_id.in_(ids))
    await session.execute(update(Outbox).where(about, Outbox.status == "pending")
                          .values(status="cancelled"))
    await session.execute(update(Outbox).where(about).values(payload={}, last_error=None))
    result = await session.execute(delete(FileLink).where(
        FileLink.channel == resident.channel, FileLink.user_id == resident.user_id))
    done.files = int(result.rowcount or 0)
    await session.execute(delete(NumberedOptions).where(
        NumberedOptions.channel == resident.channel, NumberedOptions.user_id == resident.user_id))
    await session.execute(update(Conversation).where(Conversation.resident_id == resident.id)
                          .values(state="idle", data={}, updated_at=now))
    resident.display_name, resident.real_name, resident.phone = "", None, None
    resident.forgotten_at = now
    return done


@dataclass
class Purged(_Counted):
    conversations: int = 0
    residents: int = 0


async def purge(session: AsyncSession, *, now: datetime, retention_days: int) -> Purged:
    """Anonymise what is older than the retention period: finished matters, past bookings,
    logged questions, idle conversations, delivered notices, and the profile of people gone
    quiet with nothing open."""
    cutoff = now - timedelta(days=retention_days)
    out = Purged()
    ids = list(await session.scalars(
        select(Matter.id).where(Matter.anonymised_at.is_(None), Matter.done_at < cutoff,
                                Matter.status.not_in(OPEN_STATUSES))))
    await _erase_matters(session, ids, now)
    out.matters = len(ids)
    past = select(Slot.id).where(Slot.starts_at < cutoff)
    result = await session.execute(
        update(Booking).where(Booking.slot_id.in_(past), or_(Booking.name != "", Booking.phone != ""))
        .values(name="", phone=""))
    out.bookings = int(result.rowcount or 0)
    result = await session.execute(
        update(Query).where(Query.at < cutoff, or_(Query.text != "", Query.resident_id.is_not(None)))
        .values(text="", resident_id=None))
    out.questions = int(result.rowcount or 0)
    result = await session.execute(
        update(Conversation).where(Conversation.updated_at < cutoff, Conversation.state != "idle")
        .values(state="idle", data={}))
    out.conversations = int(result.rowcount or 0)
    # notices quote what people wrote; an old one (even one still pending: it is dead) goes
    await session.execute(delete(Outbox).where(Outbox.created_at < cutoff))
    has_open = exists().where(Matter.resident_id == Resident.id, Matter.status.in_(OPEN_STATUSES))
    result = await session.execute(
        update(Resident).where(Resident.last_seen_at < cutoff, ~has_open,
                               or_(Resident.phone.is_not(None), Resident.real_name.is_not(None),
                                   Resident.display_name != ""))
        .values(display_name="", real_name=None, phone=None))
    out.residents = int(result.rowcount or 0)
    return out
