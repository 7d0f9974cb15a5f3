"""Database models (SQLAlchemy 2.0 typed declarative). The same schema runs on SQLite and PostgreSQL.

Times are stored in UTC (`UTCDateTime`); dates a resident is promised (deadlines) are local dates.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    CheckConstraint,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes in Python, naive UTC in the database (SQLite has no time zones)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return None if value is None else value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    type_annotation_map = {datetime: UTCDateTime, dict[str, Any]: JSON, date: Date}  # noqa: RUF012


class Resident(Base):
    """Everyone who talks to the bot (residents, and staff as people), keyed by channel + user id."""

    __tablename__ = "residents"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_residents_channel_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    display_name: Mapped[str] = mapped_column(String(128), default="")
    real_name: Mapped[str | None] = mapped_column(String(64))
    phone: Mapped[str | None] = mapped_column(String(32))
    language: Mapped[str] = mapped_column(String(8), default="zh")
    language_chosen: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable: Mapped[bool] = mapped_column(Boolean, default=False)
    unreachable_since: Mapped[datetime | None]
    booking_blocked_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    forgotten_at: Mapped[datetime | None]  # /forget erased their personal data

    @property
    def key(self) -> str:
        return f"{self.channel}:{self.user_id}"


class Conversation(Base):
    """Where a person is in a dialog (state name + small JSON data), so restarts lose nothing."""

    __tablename__ = "conversations"

    resident_id: Mapped[int] = mapped_column(
        ForeignKey("residents.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(String(48), default="idle")
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class StaffRole(Base):
    """Granted roles (staff / supervisor / admin) of a person, with department or window."""

    __tablename__ = "staff_roles"
    __table_args__ = (
        UniqueConstraint("channel", "user_id", name="uq_staff_roles_person"),
        CheckConstraint("role IN ('staff', 'supervisor', 'admin')", name="ck_staff_roles_role"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(16))
    department: Mapped[str | None] = mapped_column(String(64))
    granted_by: Mapped[str] = mapped_column(String(80), default="config")
    granted_at: Mapped[datetime] = mapped_column(default=utcnow)


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


class Outbox(Base):
    """A message the bot sends on its own initiative, written in the transaction that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (
        Index("ix_outbox_due", "status", "not_before"),
        Index("ix_outbox_recipient", "channel", "user_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(32))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    dedupe_key: Mapped[str | None] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")  # pending|sent|failed|cancelled
    not_before: Mapped[datetime] = mapped_column(default=utcnow)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    lease_until: Mapped[datetime | None]
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    booking_id: Mapped[int | None] = mapped_column(ForeignKey("bookings.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    # how it went out where a channel has several ways: WeChat "custom" (customer-service
    # message, inside 48 hours) or "template" (模板消息); work-group robots "robot"
    via: Mapped[str | None] = mapped_column(String(16))


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


class AuditEntry(Base):
    """Every staff, supervisor and admin action — and every refused attempt."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(16))
    action: Mapped[str] = mapped_column(String(48))
    matter_id: Mapped[int | None] = mapped_column(ForeignKey("matters.id"))
    target: Mapped[str | None] = mapped_column(String(120))
    detail: Mapped[str] = mapped_column(Text, default="")
    allowed: Mapped[bool] = mapped_column(Boolean, default=True)


class InboxUpdate(Base):
    """An incoming update stored before it is handled, so a crash mid-handling loses nothing."""

    __tablename__ = "inbox"
    __table_args__ = (UniqueConstraint("channel", "update_key", name="uq_inbox_update"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    update_key: Mapped[str] = mapped_column(String(64))
    payload: Mapped[dict[str, Any]] = mapped_column(default=dict)
    received_at: Mapped[datetime] = mapped_column(default=utcnow)
    processed_at: Mapped[datetime | None] = mapped_column(index=True)


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


class JobRun(Base):
    """A periodic job that ran for a period (e.g. the digest of a day): the key makes it run once."""

    __tablename__ = "job_runs"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    period: Mapped[str] = mapped_column(String(32), primary_key=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)


class NumberedOptions(Base):
    """The options last shown to a person on a channel without buttons (WeChat): the typed
    number → the button's callback data, so "1" still means the same after a restart or on
    another worker."""

    __tablename__ = "numbered_options"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    options: Mapped[dict[str, Any]] = mapped_column(default=dict)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class FileLink(Base):
    """A document or picture sent as a link (WeChat): served at an unguessable URL until it
    expires."""

    __tablename__ = "file_links"

    token: Mapped[str] = mapped_column(String(64), primary_key=True)
    channel: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str] = mapped_column(String(160))
    content_type: Mapped[str] = mapped_column(String(80))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class LastMessage(Base):
    """When a person last wrote to the account (WeChat: customer-service messages reach them
    only within 48 hours of it; later notices go as template messages)."""

    __tablename__ = "last_messages"

    channel: Mapped[str] = mapped_column(String(16), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)


class ChecklistTicks(Base):
    """What a resident ticked on an item's checklist, kept beyond the dialog (a booking made
    afterwards lists only what is still missing)."""

    __tablename__ = "checklist_ticks"

    resident_id: Mapped[int] = mapped_column(ForeignKey("residents.id"), primary_key=True)
    item_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    situations: Mapped[list[int]] = mapped_column(JSON, default=list)
    have: Mapped[list[int]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
class StaffProfile(Base):
    """A staff member's name and window as residents read them (首问负责: the resident knows
    who has their matter) — set with /profile; configuration (`staff_profiles`) is the default."""

    __tablename__ = "staff_profiles"

    person: Mapped[str] = mapped_column(String(80), primary_key=True)  # channel:user_id
    name: Mapped[str] = mapped_column(String(64))
    window: Mapped[str | None] = mapped_column(String(32))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class StaffAbsence(Base):
    """AB岗: a staff member away until the end of a day, with who stands in (B岗)."""

    __tablename__ = "staff_absences"

    person: Mapped[str] = mapped_column(String(80), primary_key=True)  # channel:user_id
    since: Mapped[datetime] = mapped_column(default=utcnow)
    until: Mapped[datetime] = mapped_column(index=True)  # the end of the last day away
    backup: Mapped[str] = mapped_column(String(80))
class WeChatNonce(Base):
    """A (timestamp, nonce) pair of a WeChat callback already accepted: refused if seen again,
    by every worker and after a restart, until the freshness window would refuse it anyway
    (`expires_at`; pruned by the channel's sweep)."""

    __tablename__ = "wechat_nonces"

    timestamp: Mapped[str] = mapped_column(String(12), primary_key=True)
    nonce: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)
class WebMessage(Base):
    """One message of a web chat conversation, as the page shows it (the visitor's words, the
    bot's answers and pushed notices), so a reload or a return visit shows recent history.
    `user_id` is the visitor id derived from the cookie token (never the token itself)."""

    __tablename__ = "web_messages"
    __table_args__ = (Index("ix_web_messages_user_id", "user_id", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(8))  # "visitor" or "bot"
    body: Mapped[dict[str, Any]] = mapped_column(default=dict)  # what the page renders
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
class RateSlot(Base):
    """When the next message under one rate limit may go (epoch seconds on the database's
    clock): `telegram` for the bot as a whole, `telegram:<chat>` per chat, `robot:<key>` per
    work-group robot. Shared by every worker, moved forward atomically (storage/ratelimit.py)."""

    __tablename__ = "rate_slots"

    key: Mapped[str] = mapped_column(String(96), primary_key=True)
    next_at: Mapped[float] = mapped_column(Float, default=0.0)


class ApiToken(Base):
    """An access token one deployment shares (the WeChat access token): fetched by one worker
    under a lock and read by all, so workers never invalidate each other's (storage/tokens.py)."""

    __tablename__ = "api_tokens"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    token: Mapped[str] = mapped_column(String(1024), default="")
    expires_at: Mapped[datetime] = mapped_column(default=utcnow)
    fetched_at: Mapped[datetime] = mapped_column(default=utcnow)
