"""Messages in and out and what keeps them once: outbox, inbox, job runs, per-channel state
(numbered options, file links, WeChat nonces, web history), shared rate limits and tokens."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, UTCDateTime, utcnow


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
