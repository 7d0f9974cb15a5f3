"""Reload the knowledge base in a running worker, without a restart: on `/kb reload`, after a
gap is attached from the chat, and when its files change on disk (every worker polls the
files' size and modification time, so a change written by one worker — or by hand — reaches
all of them within `kb_watch_seconds`). A KB that fails validation is refused: the old one
stays in service and the error is logged."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from bot.services import Services
from knowledge.editing import kb_files
from knowledge.loader import default_kb_path, load_kb
from knowledge.matcher import Matcher
from knowledge.model import KnowledgeBase

log = logging.getLogger(__name__)


def kb_root(services: Services) -> Path:
    return Path(services.settings.kb_path) if services.settings.kb_path else default_kb_path()


def fingerprint(root: Path) -> tuple[tuple[str, int, int], ...]:
    out = []
    for path in kb_files(root):
        with contextlib.suppress(OSError):
            st = path.stat()
            out.append((path.name, st.st_mtime_ns, st.st_size))
    return tuple(out)


def _load(root: Path) -> tuple[KnowledgeBase, Matcher]:
    kb = load_kb(root)
    return kb, Matcher(kb)


async def reload(services: Services) -> KnowledgeBase:
    """Load, validate and index the KB off the event loop, then swap it in at once; raises
    KBError (and changes nothing) when the files are broken."""
    root = kb_root(services)
    seen = fingerprint(root)
    kb, matcher = await asyncio.to_thread(_load, root)
    services.kb, services.matcher = kb, matcher  # one step: no handler sees a mix
    services.kb_fingerprint = seen
    log.info("knowledge base reloaded: %d items", len(kb.items))
    return kb


async def watch(services: Services, stop: asyncio.Event) -> None:
    """Reload whenever the KB files change; a broken change is logged once and skipped."""
    interval = services.settings.kb_watch_seconds
    if interval <= 0:
        return
    root = kb_root(services)
    if services.kb_fingerprint is None:
        services.kb_fingerprint = fingerprint(root)
    refused = None
    while not stop.is_set():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval)
        current = fingerprint(root)
        if current in (services.kb_fingerprint, refused):
            continue
        try:
            await reload(services)
        except Exception as exc:  # a broken KB must not stop the worker; the old one serves
            refused = current
            log.error("knowledge base change refused, the previous one stays in service:\n%s",
                      exc)
