"""People: residents, their dialogs, staff roles, names, absences and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from storage.models.base import Base, utcnow


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
