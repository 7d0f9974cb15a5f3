"""The center's work: matters and their history, slots and bookings, checklist ticks, questions
asked."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, utcnow


class Matter(Base):
    """A consultation handed to staff, a complaint, an accepted case (办件), a home visit, a follow-up."""

    __tablename__ = "matters"
    __table_args__ = (
        Index("ix_matters_status_deadline", "status", "deadline"),
        Index("ix_matters_resident", "resident_id"),
        Index("ix_matters_owner", "owner"),
        Index("ix_matters_created_at", "created_at"),
        Index("ix_matters_done_at", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(24), unique=True)
    kind: Mapped[str] = mapped_column(String(16))  # consult|complaint|case|homevisit|followup
    status: Mapped[str] = mapped_column(String(16), default="open")  # open|assigned|waiting|done|closed
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    item_id: Mapped[str | None] = mapped_column(String(64))
    subject: Mapped[str] = mapped_column(String(200), default="")
    content: Mapped[str] = mapped_column(Text, default="")
    department: Mapped[str | None] = mapped_column(String(64))
    owner: Mapped[str | None] = mapped_column(String(80))
    category: Mapped[str | None] = mapped_column(String(32))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    deadline: Mapped[date | None]
    paused_since: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    done_at: Mapped[datetime | None]
    rating: Mapped[int | None] = mapped_column(Integer)
    rating_comment: Mapped[str | None] = mapped_column(Text)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    anonymised_at: Mapped[datetime | None]  # personal data erased (/forget, retention purge)


class MatterEvent(Base):
    """One line of a matter's history (登记备案): who did what, when."""

    __tablename__ = "matter_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    matter_id: Mapped[int] = mapped_column(ForeignKey("matters.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(24))
    text: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)


class Slot(Base):
    """A bookable time of a resource (window or item) with a capacity the database enforces."""

    __tablename__ = "slots"
    __table_args__ = (
        UniqueConstraint("resource", "starts_at", name="uq_slots_resource_start"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="ck_slots_capacity"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    resource: Mapped[str] = mapped_column(String(64))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)


class Booking(Base):
    """A resident's appointment for one item in one slot."""

    __tablename__ = "bookings"
    __table_args__ = (
        # one active booking per resident per item, enforced by the database
        Index(
            "uq_bookings_active_item",
            "resident_id",
            "item_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_bookings_slot", "slot_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"))
    item_id: Mapped[str] = mapped_column(String(64))
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"))
    status: Mapped[str] = mapped_column(String(16), default="active")
    # active|cancelled|checked_in|no_show|rescheduled
    name: Mapped[str] = mapped_column(String(64), default="")
    phone: Mapped[str] = mapped_column(String(32), default="")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ChecklistTicks(Base):
    """What a resident ticked on an item's checklist, kept beyond the dialog (a booking made
    afterwards lists only what is still missing)."""

    __tablename__ = "checklist_ticks"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    situations: Mapped[list[int]] = mapped_column(JSON, default=list)
    have: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class Query(Base):
    """A question asked in chat and how the matcher answered it (for reports on hot topics)."""

    __tablename__ = "queries"
    __table_args__ = (Index("ix_queries_resident", "resident_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    resident_id: Mapped[int | None] = mapped_column(ForeignKey("residents.id"))
    text: Mapped[str] = mapped_column(String(500))
    item_id: Mapped[str | None] = mapped_column(String(64))
    confident: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    language: Mapped[str | None] = mapped_column(String(8))  # zh | en, as the asker spoke
    # the matcher's reading of a question not answered confidently (canonical concepts,
    # sorted): the knowledge-gap group key; NULL for confident answers
    reading: Mapped[str | None] = mapped_column(String(300))
    gap_closed_at: Mapped[datetime | None]  # the gap was attached to the KB
    gap_item: Mapped[str | None] = mapped_column(String(64))  # ... to this item
