"""Database models (SQLAlchemy 2.0 typed declarative). The same schema runs on SQLite and PostgreSQL.

Times are stored in UTC (`UTCDateTime`); dates a resident is promised (deadlines) are local dates.
The tables live in one module per area; importing this package registers all of them on
`Base.metadata` (what Alembic and the tests compare the migrations against).
"""

from storage.models.base import Base, UTCDateTime, utcnow
from storage.models.delivery import (
    ApiToken,
    FileLink,
    InboxUpdate,
    JobRun,
    LastMessage,
    NumberedOptions,
    Outbox,
    RateSlot,
    WebMessage,
    WeChatNonce,
)
from storage.models.matters import Booking, ChecklistTicks, Matter, MatterEvent, Query, Slot
from storage.models.people import (
    AuditEntry,
    Conversation,
    Resident,
    StaffAbsence,
    StaffProfile,
    StaffRole,
)

__all__ = [
    "ApiToken", "AuditEntry", "Base", "Booking", "ChecklistTicks", "Conversation", "FileLink",
    "InboxUpdate", "JobRun", "LastMessage", "Matter", "MatterEvent", "NumberedOptions", "Outbox",
    "Query", "RateSlot", "Resident", "Slot", "StaffAbsence", "StaffProfile", "StaffRole",
    "UTCDateTime", "WeChatNonce", "WebMessage", "utcnow",
]
