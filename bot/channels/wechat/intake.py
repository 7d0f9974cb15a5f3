"""What comes in from WeChat is stored before anything is said: the message in the `inbox`
(a repeat is recognised by its key) together with its callback's timestamp and nonce (used
once, by any worker). If the database cannot take it, `NotStored`: WeChat gets a 5xx and
tries again — never "success" for what could be lost."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from sqlalchemy.ext.asyncio import AsyncSession

from bot.channels.wechat.events import CHANNEL
from bot.channels.wechat.messages import Inbound
from bot.channels.wechat.security import Rejected, Stamp
from bot.notices import resident_unreachable
from bot.services import Services
from storage import inbox
from storage import wechat as store

log = logging.getLogger(__name__)


class NotStored(Exception):
    """An incoming callback could not be stored (the database is down): WeChat must be
    told to try again (a 5xx), not "success"."""


@contextlib.asynccontextmanager
async def storing() -> AsyncIterator[None]:
    """Database errors while storing what came in become `NotStored` (one warning line)."""
    try:
        yield
    except Rejected:
        raise
    except Exception as exc:
        log.warning("could not store a WeChat callback: %s", type(exc).__name__)
        raise NotStored from exc


async def remember_stamp(session: AsyncSession, stamp: Stamp | None) -> None:
    """Admit a callback's (timestamp, nonce) once across all workers, or refuse a replay."""
    if stamp is not None and not await store.admit_nonce(
            session, timestamp=str(stamp.timestamp), nonce=stamp.nonce,
            expires_at=stamp.expires_at()):
        raise Rejected(403, "replayed nonce")


async def admit(services: Services, message: Inbound, stamp: Stamp | None) -> str | None:
    """Store the message (and its callback's stamp) before handling it: its inbox key,
    or None for a repeat."""
    async with storing(), services.db.transaction() as session:
        await remember_stamp(session, stamp)
        fresh = await store.admit(session, channel=CHANNEL, update_key=message.key,
                                  payload={"fields": message.fields}, now=services.now())
        if fresh:  # the 48-hour window of customer-service messages opens anew
            await store.note_message(session, channel=CHANNEL, user_id=message.from_user,
                                     now=services.now())
    return message.key if fresh else None


async def admit_stamp(services: Services, stamp: Stamp | None) -> None:
    """Use up a callback's (timestamp, nonce) on its own: `Rejected` for a replay,
    `NotStored` if the database cannot say."""
    if stamp is None:
        return
    async with storing(), services.db.transaction() as session:
        await remember_stamp(session, stamp)


async def unsubscribe(services: Services, message: Inbound, stamp: Stamp | None) -> bool:
    """Nothing reaches the person any more: mark them unreachable, fail what is queued
    for them, and tell the owners of their open matters to phone instead. False for a repeat."""
    now = services.now()
    async with storing(), services.db.transaction() as session:
        await remember_stamp(session, stamp)
        if not await store.admit(session, channel=CHANNEL, update_key=message.key,
                                 payload={}, now=now):
            return False
        await resident_unreachable(session, services, channel=CHANNEL,
                                   user_id=message.from_user, now=now,
                                   error="the person unsubscribed")
        await inbox.mark_processed(session, channel=CHANNEL, update_key=message.key, now=now)
    log.info("WeChat user %s*** unsubscribed", message.from_user[:4])
    return True
