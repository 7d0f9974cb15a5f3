"""The console channel: talk to the bot in a terminal, as a resident or as staff.

Options are numbered ("回复 1、2、3"): type the number to press the button. Documents are
saved under the data directory and their path is printed. Notices the bot pushes on its own
(staff replies, alerts) to the person this console speaks as are printed as they are
delivered; notices to anyone else are left for their own console.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Callable
from pathlib import Path

from bot.app import App
from bot.channels.wechat.events import typed_number
from bot.core import Event
from bot.delivery import DeliveryWorker
from bot.i18n import locale_for
from domain.messages import Reply
from storage.people import conversation_of, find_resident

_TAG = re.compile(r"</?(b|i|u|s|code|pre|a)(\s[^>]*)?>")


def plain(text: str) -> str:
    """Telegram HTML to terminal text."""
    return html.unescape(_TAG.sub("", text))


def parse_line(line: str, user_id: str, options: dict[str, str], *, name: str = "",
               lang: str | None = None) -> Event:
    """A typed line to an event: /command, a number choosing an option, or free text."""
    text = line.strip()
    common = dict(channel="console", user_id=user_id, display_name=name, language_code=lang)
    if text.startswith("/") and len(text) > 1:
        cmd, _, args = text[1:].partition(" ")
        return Event(kind="command", command=cmd.lower().split("@")[0], args=args.strip(),
                     **common)
    if text in options:
        return Event(kind="choice", choice=options[text], **common)
    return Event(kind="text", text=text, **common)


class ConsoleChannel:
    def __init__(self, app: App, *, user_id: str = "resident", name: str = "",
                 lang: str | None = None, out: Callable[[str], None] = print,
                 files_dir: Path | None = None) -> None:
        self.app = app
        self.user_id = user_id
        self.name = name
        self.lang = lang
        self.out = out
        self.options: dict[str, str] = {}
        self.files_dir = files_dir or app.services.settings.data_dir / "console"

    def render(self, reply: Reply, *, header: str = "") -> str:
        """A reply as terminal text; numbered options replace buttons."""
        lines = [header] if header else []
        if reply.text:
            lines.append(plain(reply.text))
        for att in (reply.document, reply.photo):
            if att is not None:
                self.files_dir.mkdir(parents=True, exist_ok=True)
                path = self.files_dir / Path(att.filename).name
                path.write_bytes(att.data)
                lines.append(f"📎 {plain(att.caption)} → {path}")
        buttons = [b for row in reply.buttons for b in row]
        if buttons:
            numbered = []
            for b in buttons:
                n = str(len(self.options) + 1)
                self.options[n] = b.data
                numbered.append(f"  [{n}] {plain(b.label)}")
            lines.extend(numbered)
        return "\n".join(lines)

    async def say(self, line: str) -> list[Reply]:
        """Handle one typed line and print the answers; returns them for tests."""
        event = parse_line(line, self.user_id, self.options, name=self.name, lang=self.lang)
        number = typed_number(event)
        if number is not None and self.options and not await self._takes_text():
            # a number, but not one shown, at a step that takes no text: say which are
            reply = Reply(self.app.services.renderer.label(
                await self._language(), "wx.bad_number", n=number, first=1,
                last=len(self.options)))
            self.out(self.render(reply))
            return [reply]
        replies = await self.app.handle(event)
        self.options = {}
        for reply in replies:
            self.out(self.render(reply))
        return replies

    async def _takes_text(self) -> bool:
        """Whether this person's dialog is at a step where "3" may be an answer."""
        async with self.app.services.db.transaction() as session:
            person = await find_resident(session, f"console:{self.user_id}")
            conv = await conversation_of(session, person.id) if person else None
        state = conv.state if conv is not None else "idle"
        return state != "idle" and self.app.router.for_state(state) is not None

    async def _language(self) -> str:
        async with self.app.services.db.transaction() as session:
            person = await find_resident(session, f"console:{self.user_id}")
        return person.language if person else locale_for(self.lang)

    async def send(self, user_id: str, replies: list[Reply]) -> None:
        """Outbox sender for the console: pushed notices are printed with their recipient."""
        for reply in replies:
            mine = user_id == self.user_id
            self.out(self.render(reply, header="" if mine else f"📨 → console:{user_id}"))

    def deliver_own(self) -> DeliveryWorker:
        """The outbox worker of this console: it delivers the notices of the person it speaks
        as, and only those — other consoles (and the web or Telegram process) on the same
        database deliver their own, so none takes another's notices."""
        worker = self.app.attach_sender("console", self)
        worker.only = ("console", self.user_id)
        return worker

    async def run(self, prompt: str = "> ") -> None:
        """Read lines until EOF or /quit, delivering pushed notices in the background."""
        worker = self.deliver_own()
        stop = asyncio.Event()
        task = asyncio.create_task(worker.run(stop, poll=0.5))
        try:
            while True:
                try:
                    line = await asyncio.to_thread(input, prompt)
                except EOFError:
                    break
                if line.strip() in ("/quit", "/exit"):
                    break
                if line.strip():
                    await self.say(line)
        finally:
            stop.set()
            await task
