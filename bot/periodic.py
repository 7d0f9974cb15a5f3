"""A background job repeated until stopped that outlives a database outage (channel sweeps)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from storage.db import OutageLog


async def every(stop: asyncio.Event, seconds: float, job: Callable[[], Awaitable[Any]], *,
                what: str, log: logging.Logger) -> None:
    """Run `job` now and then every `seconds` until `stop` is set. An outage is logged once
    when it starts and once when it ends; any other failure with its traceback."""
    outage = OutageLog(log, what)
    while not stop.is_set():
        await outage.attempt(job, f"{what} failed")
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), seconds)
