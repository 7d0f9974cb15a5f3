"""A background job repeated until stopped that outlives a database outage (channel sweeps)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from storage.db import OutageLog, is_transient


async def every(stop: asyncio.Event, seconds: float, job: Callable[[], Awaitable[Any]], *,
                what: str, log: logging.Logger) -> None:
    """Run `job` now and then every `seconds` until `stop` is set. An outage is logged once
    when it starts and once when it ends; any other failure with its traceback."""
    outage = OutageLog(log, what)
    while not stop.is_set():
        try:
            await job()
            outage.ok()
        except Exception as exc:
            if is_transient(exc):
                outage.failed(exc)
            else:
                log.exception("%s failed", what)
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
