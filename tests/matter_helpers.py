"""Helpers for the matters tests: press buttons, send photos and contacts, seed bookings,
read what the outbox delivered."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from bot.app import App
from bot.channels.console import plain
from bot.core import Event
from domain.messages import Reply
from storage.models import AuditEntry, Booking, Matter, Outbox, Slot
from tests.factories import Console


def labels(replies: list[Reply]) -> list[str]:
    return [b.label for r in replies for row in r.buttons for b in row]


def option(replies: list[Reply], text_part: str) -> str:
    """The callback data of the first button whose label contains `text_part`."""
    for reply in replies:
        for row in reply.buttons:
            for b in row:
                if text_part in b.label:
                    return b.data
    raise AssertionError(f"no button with {text_part!r} in {labels(replies)}")


def text_of(replies: list[Reply]) -> str:
    """What a person reads: the replies' text without Telegram HTML tags."""
    return "\n".join(plain(r.text) for r in replies)


def pushed(inboxes, user: str) -> list[str]:  # type: ignore[no-untyped-def]
    """The plain text of every notice the outbox delivered to console user `user`."""
    return [plain(t) for t in inboxes.texts(user)]


def _event(console: Console, **kw) -> Event:  # type: ignore[no-untyped-def]
    ch = console.channel
    return Event(channel="console", user_id=ch.user_id, display_name=ch.name,
                 language_code=ch.lang, **kw)


async def press(app: App, console: Console, data: str) -> list[Reply]:
    return await app.handle(_event(console, kind="choice", choice=data))


async def press_label(app: App, console: Console, replies: list[Reply], part: str) -> list[Reply]:
    return await press(app, console, option(replies, part))


async def send_photo(app: App, console: Console, photo_id: str, caption: str = "") -> list[Reply]:
    return await app.handle(_event(console, kind="photo", photo_id=photo_id, text=caption))


async def share_contact(app: App, console: Console, phone: str,
                        owner: str | None = None) -> list[Reply]:
    return await app.handle(_event(console, kind="contact", phone=phone,
                                   contact_user_id=owner or console.channel.user_id))


async def seed_booking(app: App, *, resident_user: str, item_id: str, code: str,
                       status: str = "checked_in", phone: str = "13812345678") -> int:
    """A booking as the appointments flow leaves it (the resident must have talked to the bot)."""
    from storage.models import Resident

    async with app.services.db.transaction() as s:
        resident = await s.scalar(select(Resident).where(Resident.user_id == resident_user))
        assert resident is not None, "the resident must have talked to the bot first"
        now = app.services.now()
        slot = Slot(resource=item_id, starts_at=now, ends_at=now + timedelta(minutes=30),
                    capacity=3, booked=1)
        s.add(slot)
        await s.flush()
        booking = Booking(code=code, resident_id=resident.id, item_id=item_id, slot_id=slot.id,
                          status=status, name=resident.display_name, phone=phone,
                          created_at=now, updated_at=now)
        s.add(booking)
        await s.flush()
        return booking.id


async def matter(app: App, matter_id: int) -> Matter:
    async with app.services.db.transaction() as s:
        m = await s.get(Matter, matter_id)
        assert m is not None
        return m


async def count(app: App, model, *where) -> int:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        return await s.scalar(select(func.count()).select_from(model).where(*where)) or 0


async def refusals(app: App, action: str | None = None) -> int:
    conds = [AuditEntry.allowed.is_(False)]
    if action:
        conds.append(AuditEntry.action == action)
    return await count(app, AuditEntry, *conds)


async def pending(app: App) -> int:
    return await count(app, Outbox, Outbox.status == "pending")


async def ask_staff(app: App, console: Console, question: str) -> list[Reply]:
    """A question handed to staff through 转人工 — whatever the matcher makes of its words."""
    await press(app, console, "ho:new")
    return await console.say(question)
