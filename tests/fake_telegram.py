"""A fake Telegram Bot API server for end-to-end tests: the real python-telegram-bot
`Application` talks HTTP to it exactly as it would to api.telegram.org.

It runs on aiohttp, bound to 127.0.0.1 on a free port, and serves `/bot<token>/<method>`
(JSON, form-encoded and multipart bodies, as PTB sends them) and `/file/bot<token>/<path>`.
Everything the bot calls is recorded per chat; residents are simulated with helpers that
queue updates for `getUpdates` (long polling with offset/timeout/limit, like Telegram).

    async with FakeTelegram() as tg:                       # or: tg = await FakeTelegram().start()
        settings = make_settings(..., telegram_bot_token=tg.token,
                                 telegram_base_url=tg.base_url,
                                 telegram_base_file_url=tg.base_file_url)
        ...start the Application...
        tg.send_text(1001, "低保怎么申请", first_name="王")    # a resident writes
        card = await tg.wait_for(1001, lambda m: "低保" in m.text)
        tg.press(1001, card.message_id, card.button("材料清单"))   # taps an inline button
        listing = await tg.wait_for(1001)                   # the bot's next message or edit
        assert listing.edited                               # (edits happen in place)
        doc = tg.documents(1001)[-1].document               # uploaded bytes and filename

What the bot sent: `messages(chat)` (current state of each bot message, edits applied, with
`history`), `last(chat)`, `keyboard(chat)`, `reply_keyboard(chat)`, `documents(chat)`,
`calls` / `calls_for(method, chat)` (every request, failed ones too) and
`callback_answers`. `wait_for(chat, predicate)` waits for a bot message that appeared or
changed after the chat's latest update (or after `after=<seq>`).

Failure injection for delivery tests: `fail(method, status, times, retry_after=..., chat_id=...)`
answers the next matching calls with a Bot API error (429 with `parameters.retry_after`,
403 "bot was blocked by the user", 400, 500...); `hold(method, chat_id=...)` parks matching
calls until `release()`d (to freeze the bot mid-update).

Time stamps (`at`, `created_at`, `changed_at`, `queued_at`) are `time.perf_counter()` values.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import re
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

TOKEN = "123456:TEST-fake-token"
BOT_ID = 123456
BOT_USERNAME = "servicebot_test_bot"

JSON_FIELDS = {"reply_markup", "entities", "caption_entities", "allowed_updates", "commands",
               "scope", "link_preview_options", "reply_parameters", "media", "results",
               "permissions"}
INT_FIELDS = {"chat_id", "message_id", "offset", "limit", "timeout", "user_id", "cache_time",
              "from_chat_id", "message_thread_id", "reply_to_message_id"}
BOOL_FIELDS = {"disable_notification", "show_alert", "drop_pending_updates", "protect_content",
               "disable_web_page_preview", "disable_content_type_detection"}
SENDS = {"sendMessage", "sendDocument", "sendPhoto", "editMessageText", "editMessageReplyMarkup",
         "editMessageCaption"}

_TAGS = re.compile(r"<[^<>]*>")


def plain(text: str) -> str:
    """Telegram HTML to the text a person sees."""
    import html

    return html.unescape(_TAGS.sub("", text or ""))


@dataclass
class Upload:
    """A file the bot sent (multipart upload), or a file id / URL it referred to."""

    filename: str
    data: bytes
    content_type: str = "application/octet-stream"

    @property
    def text(self) -> str:
        return self.data.decode("utf-8")


@dataclass
class Call:
    """One Bot API request as received."""

    method: str
    params: dict[str, Any]
    at: float
    chat_id: int | None = None
    status: int = 200
    error: str | None = None


@dataclass
class BotMessage:
    """A message the bot sent, in its current state (edits applied)."""

    chat_id: int
    message_id: int
    kind: str  # text | document | photo
    text: str  # message text or caption, Telegram HTML as sent
    parse_mode: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: Upload | None = None
    photo: Upload | None = None
    history: list[str] = field(default_factory=list)  # earlier texts, oldest first
    seq: int = 0  # global order of the latest change (creation or edit)
    created_at: float = 0.0
    changed_at: float = 0.0

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def plain(self) -> str:
        return plain(self.text)

    @property
    def buttons(self) -> list[list[tuple[str, str]]]:
        """Inline keyboard rows as (label, callback data) pairs."""
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [[(b.get("text", ""), b.get("callback_data", "")) for b in row] for row in rows]

    def button(self, label_part: str) -> str:
        """Callback data of the first button whose label contains `label_part`."""
        for row in self.buttons:
            for label, data in row:
                if label_part in label:
                    return data
        labels = [label for row in self.buttons for label, _ in row]
        raise AssertionError(f"no button with {label_part!r} in {labels}")

    def has_button(self, label_part: str) -> bool:
        return any(label_part in label for row in self.buttons for label, _ in row)

    @property
    def asks_contact(self) -> bool:
        rows = (self.reply_markup or {}).get("keyboard") or []
        return any(isinstance(b, dict) and b.get("request_contact") for row in rows for b in row)

    def to_api(self, bot_user: dict[str, Any], chat: dict[str, Any]) -> dict[str, Any]:
        """The message as the Bot API shows it (in results and in callback queries)."""
        out: dict[str, Any] = {"message_id": self.message_id, "from": bot_user, "chat": chat,
                               "date": int(time.time())}
        if self.kind == "text":
            out["text"] = plain(self.text)
        elif self.kind == "document" and self.document is not None:
            out["document"] = {"file_id": f"doc-{self.chat_id}-{self.message_id}",
                               "file_unique_id": f"d{self.message_id}",
                               "file_name": self.document.filename,
                               "file_size": len(self.document.data)}
        elif self.kind == "photo":
            out["photo"] = [{"file_id": f"photo-{self.chat_id}-{self.message_id}",
                             "file_unique_id": f"p{self.message_id}", "width": 320,
                             "height": 320}]
        if self.kind != "text" and self.text:
            out["caption"] = plain(self.text)
        if self.history:
            out["edit_date"] = int(time.time())
        markup = self.reply_markup or {}
        if "inline_keyboard" in markup:
            out["reply_markup"] = {"inline_keyboard": markup["inline_keyboard"]}
        return out


@dataclass
class _Failure:
    method: str
    status: int
    times: int
    description: str
    retry_after: float | None
    chat_id: int | None


@dataclass
class Gate:
    """Calls parked by `hold()` wait here until `release()`."""

    method: str
    chat_id: int | None
    event: asyncio.Event = field(default_factory=asyncio.Event)
    waiting: int = 0  # calls currently parked
    dropped: bool = False

    def release(self) -> None:
        """Let parked (and later) calls through, as if Telegram had been slow."""
        self.event.set()

    def drop(self) -> None:
        """Fail parked calls with 502 without doing anything (their client is gone)."""
        self.dropped = True
        self.event.set()


@dataclass
class _Queued:
    update: dict[str, Any]
    force: bool = False  # a redelivery: sent once whatever the offset


_DESCRIPTIONS = {
    400: "Bad Request: message text is empty",
    403: "Forbidden: bot was blocked by the user",
    429: "Too Many Requests: retry after {retry_after}",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


class FakeTelegram:
    """The fake Bot API server and the simulated residents; see the module docstring."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.bot_user = {"id": BOT_ID, "is_bot": True, "first_name": "便民服务中心",
                         "username": BOT_USERNAME, "can_join_groups": True,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.calls: list[Call] = []
        self.callback_answers: list[dict[str, Any]] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # language code ("" = default)
        self.user_messages: dict[int, list[dict[str, Any]]] = {}
        self.left_chats: list[Any] = []
        self.webhook: dict[str, Any] | None = None  # what setWebhook was given
        self.queued_at: dict[int, float] = {}  # update_id -> when it became available
        self.fetched_at: dict[int, float] = {}  # update_id -> when getUpdates first returned it
        self._bot_messages: dict[int, dict[int, BotMessage]] = {}
        self._chats: dict[int, dict[str, Any]] = {}
        self._users: dict[int, dict[str, Any]] = {}
        self._message_ids: dict[int, itertools.count[int]] = {}
        self._update_ids = itertools.count(1000)
        self._callback_ids = itertools.count(1)
        self._seq = itertools.count(1)
        self._last_seq = 0
        self._chat_mark: dict[int, int] = {}  # chat -> seq when its latest update was queued
        self._queue: list[_Queued] = []
        self._sent_updates: dict[int, dict[str, Any]] = {}
        self._open_queries: set[str] = set()
        self._failures: list[_Failure] = []
        self._gates: list[Gate] = []
        self._files: dict[str, Upload] = {}
        # waiters per topic: "calls" (any request), "queue" (updates), ("chat", id) (bot messages)
        self._signals: dict[Any, asyncio.Event] = {}
        self._closing = False
        self._runner: web.AppRunner | None = None
        self.port = 0
        # webhook mode (`deliver_to`): updates are POSTed to the bot, not fetched by it
        self._hook: tuple[str, str] | None = None
        self._hook_queues: dict[Any, list[dict[str, Any]]] = {}
        self._hook_tasks: dict[Any, asyncio.Task[None]] = {}
        self._hook_session: Any = None
        self.acknowledged: set[int] = set()  # update ids the bot answered 2xx (webhook mode)
        self.refused: dict[int, int] = {}  # update id -> non-2xx answers or failed connections

    # -- lifecycle ---------------------------------------------------------------------------
    async def start(self) -> FakeTelegram:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api)
        app.router.add_get("/file/bot{token}/{path:.*}", self._file)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None,
                                     shutdown_timeout=0.1)
        await self._runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        site = web.SockSite(self._runner, sock)
        await site.start()
        return self

    def deliver_to(self, url: str, secret: str) -> None:
        """Webhook mode, as Telegram does it: each update is POSTed to `url` with the secret
        header, one chat's updates in order; a non-2xx answer or a failed connection is
        retried (with backoff) until the bot acknowledges it."""
        self._hook = (url, secret)

    async def _deliver_chat(self, chat: Any) -> None:
        import aiohttp

        if self._hook_session is None:
            self._hook_session = aiohttp.ClientSession()
        queue = self._hook_queues[chat]
        while queue and not self._closing:
            update, delay = queue[0], 0.2
            while not self._closing:
                url, secret = self._hook or ("", "")
                try:
                    async with self._hook_session.post(
                            url, json=update, timeout=aiohttp.ClientTimeout(total=30),
                            headers={"X-Telegram-Bot-Api-Secret-Token": secret}) as resp:
                        if 200 <= resp.status < 300:
                            self.acknowledged.add(update["update_id"])
                            break
                except (aiohttp.ClientError, TimeoutError, OSError):
                    pass
                self.refused[update["update_id"]] = self.refused.get(update["update_id"], 0) + 1
                await asyncio.sleep(delay)
                delay = min(3.0, delay * 2)
            queue.pop(0)
        self._hook_tasks.pop(chat, None)

    async def close(self) -> None:
        self._closing = True
        for task in list(self._hook_tasks.values()):
            task.cancel()
        if self._hook_session is not None:
            await self._hook_session.close()
        for gate in self._gates:
            gate.release()
        self._signal(*list(self._signals))
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeTelegram:
        return await self.start()

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    @property
    def base_url(self) -> str:
        """For `telegram_base_url` / `ApplicationBuilder.base_url` (the token is appended)."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- simulated people --------------------------------------------------------------------
    def user(self, user_id: int, **fields: Any) -> dict[str, Any]:
        """The Telegram user object of `user_id` (created on first use; fields update it)."""
        user = self._users.setdefault(user_id, {"id": user_id, "is_bot": False,
                                                "first_name": f"User{user_id}",
                                                "language_code": "zh-hans"})
        user.update({k: v for k, v in fields.items() if v is not None})
        for k in [k for k, v in fields.items() if v is None]:
            user.pop(k, None)
        return user

    def chat(self, chat_id: int, chat_type: str = "private", **fields: Any) -> dict[str, Any]:
        chat = self._chats.setdefault(chat_id, {"id": chat_id, "type": chat_type})
        chat.update(fields)
        return chat

    def _user_message(self, user_id: int, chat_id: int | None, chat_type: str,
                      user_fields: dict[str, Any], content: dict[str, Any]) -> dict[str, Any]:
        user = self.user(user_id, **user_fields)
        cid = user_id if chat_id is None else chat_id
        chat = self.chat(cid, chat_type, **({"first_name": user["first_name"]}
                                            if chat_type == "private" else {"title": "村民群"}))
        msg = {"message_id": self._next_message_id(cid), "from": dict(user), "chat": dict(chat),
               "date": int(time.time()), **content}
        self.user_messages.setdefault(cid, []).append(msg)
        return msg

    def send_text(self, user_id: int, text: str, *, chat_id: int | None = None,
                  chat_type: str = "private", **user_fields: Any) -> int:
        """The person writes `text` (a /command gets its bot_command entity); returns the
        update id. Keyword arguments update the user (first_name, last_name, language_code)."""
        return self.send_update(self.text_update(user_id, text, chat_id=chat_id,
                                                 chat_type=chat_type, **user_fields))

    def text_update(self, user_id: int, text: str, *, chat_id: int | None = None,
                    chat_type: str = "private", **user_fields: Any) -> dict[str, Any]:
        """The update `send_text` would queue, without queueing it (e.g. to plant it in the
        bot's inbox as if fetched before a crash)."""
        content: dict[str, Any] = {"text": text}
        m = re.match(r"/[A-Za-z0-9_]+(@\w+)?", text)
        if m:
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": m.end()}]
        msg = self._user_message(user_id, chat_id, chat_type, user_fields, content)
        return self.make_update({"message": msg})

    def send_message(self, user_id: int, content: dict[str, Any], *, chat_id: int | None = None,
                     chat_type: str = "private", **user_fields: Any) -> int:
        """Any message: `content` holds the Bot API fields (text, sticker, voice, location…)."""
        msg = self._user_message(user_id, chat_id, chat_type, user_fields, content)
        return self.send_update({"message": msg})

    def send_sticker(self, user_id: int, **user_fields: Any) -> int:
        return self.send_message(user_id, {"sticker": {
            "file_id": "sticker-1", "file_unique_id": "s1", "type": "regular", "width": 512,
            "height": 512, "is_animated": False, "is_video": False, "emoji": "👍"}},
            **user_fields)

    def send_voice(self, user_id: int, duration: int = 3, **user_fields: Any) -> int:
        return self.send_message(user_id, {"voice": {
            "file_id": "voice-1", "file_unique_id": "v1", "duration": duration}}, **user_fields)

    def send_location(self, user_id: int, latitude: float = 30.0, longitude: float = 120.0,
                      **user_fields: Any) -> int:
        return self.send_message(user_id, {"location": {"latitude": latitude,
                                                        "longitude": longitude}}, **user_fields)

    def send_photo(self, user_id: int, caption: str = "", data: bytes = b"\x89PNG fake",
                   **user_fields: Any) -> int:
        """A photo in three sizes (Telegram lists them smallest first); the file can be
        fetched through getFile."""
        n = len(self._files)
        sizes = []
        for i, side in enumerate((90, 320, 1280)):
            file_id = f"photo-{user_id}-{n}-{i}"
            self._files[file_id] = Upload(f"photo_{n}_{i}.jpg", data, "image/jpeg")
            sizes.append({"file_id": file_id, "file_unique_id": f"u{n}{i}", "width": side,
                          "height": side, "file_size": len(data)})
        content: dict[str, Any] = {"photo": sizes}
        if caption:
            content["caption"] = caption
        return self.send_message(user_id, content, **user_fields)

    def share_contact(self, user_id: int, phone: str, *, contact_user_id: int | None = -1,
                      first_name: str | None = None, **user_fields: Any) -> int:
        """The person shares a contact: their own by default (`contact_user_id` = the sender),
        someone else's with another id, or one without a Telegram account with None."""
        user = self.user(user_id, **user_fields)
        contact: dict[str, Any] = {"phone_number": phone,
                                   "first_name": first_name or user["first_name"]}
        owner = user_id if contact_user_id == -1 else contact_user_id
        if owner is not None:
            contact["user_id"] = owner
        return self.send_message(user_id, {"contact": contact})

    def add_to_group(self, user_id: int, chat_id: int, title: str = "村民群") -> int:
        """`user_id` adds the bot to a group (a my_chat_member update)."""
        chat = self.chat(chat_id, "group", title=title)
        bot = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        return self.send_update({"my_chat_member": {
            "chat": dict(chat), "from": dict(self.user(user_id)), "date": int(time.time()),
            "old_chat_member": {"status": "left", "user": bot},
            "new_chat_member": {"status": "member", "user": bot}}})

    def edit_text(self, user_id: int, message_id: int, text: str) -> int:
        """The person edits a message they sent earlier."""
        chat_id = user_id
        original = next((m for m in self.user_messages.get(chat_id, [])
                         if m["message_id"] == message_id), None)
        msg = dict(original or {"message_id": message_id, "from": self.user(user_id),
                                "chat": self.chat(chat_id), "date": int(time.time())})
        msg["text"] = text
        msg["edit_date"] = int(time.time())
        return self.send_update({"edited_message": msg})

    def press(self, user_id: int, message_id: int, data: str, *,
              chat_id: int | None = None) -> int:
        """The person taps an inline button with callback `data` under bot message
        `message_id` (which need not exist: stale and forged presses are allowed)."""
        cid = user_id if chat_id is None else chat_id
        user = self.user(user_id)
        known = self._bot_messages.get(cid, {}).get(message_id)
        chat = self.chat(cid)
        message = (known.to_api(self.bot_user, chat) if known is not None else
                   {"message_id": message_id, "from": self.bot_user, "chat": chat,
                    "date": int(time.time()), "text": "…"})
        query_id = str(next(self._callback_ids))
        self._open_queries.add(query_id)
        return self.send_update({"callback_query": {
            "id": query_id, "from": dict(user), "message": message,
            "chat_instance": f"ci-{cid}", "data": data}})

    def tap(self, user_id: int, message: BotMessage, label_part: str) -> int:
        """Press the button labelled `label_part` on `message`."""
        return self.press(user_id, message.message_id, message.button(label_part),
                          chat_id=message.chat_id)

    # -- the update queue --------------------------------------------------------------------
    def make_update(self, payload: dict[str, Any]) -> dict[str, Any]:
        """An update with a fresh update_id, not queued (e.g. to plant it in the bot's inbox)."""
        return {"update_id": next(self._update_ids), **payload}

    def send_update(self, payload: dict[str, Any]) -> int:
        """Queue a raw update (an update_id is assigned unless given); returns the id."""
        update = payload if "update_id" in payload else self.make_update(payload)
        if self._hook is not None:
            chat_key = _chat_of(update)
            self._hook_queues.setdefault(chat_key, []).append(update)
            if chat_key not in self._hook_tasks:
                self._hook_tasks[chat_key] = asyncio.get_running_loop().create_task(
                    self._deliver_chat(chat_key))
        else:
            self._queue.append(_Queued(update))
        self._sent_updates[update["update_id"]] = update
        self.queued_at[update["update_id"]] = time.perf_counter()
        chat = _chat_of(update)
        if chat is not None:
            self._chat_mark[chat] = self._last_seq
        self._signal("queue")
        return int(update["update_id"])

    def redeliver(self, update_id: int) -> None:
        """Telegram sends an update again (as after a restart before it was confirmed)."""
        self._queue.append(_Queued(self._sent_updates[update_id], force=True))
        self._signal("queue")

    async def next_update(self, *, timeout: float = 1.0) -> dict[str, Any] | None:  # noqa: ASYNC109
        """Webhook mode: take the next queued update off the queue, as Telegram does when it
        POSTs it to the bot's webhook (tests/workers.py); None if none comes within `timeout`."""
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not self._queue and not self._closing:
                    await self._changed("queue")
        if not self._queue:
            return None
        update = self._queue.pop(0).update
        self.fetched_at.setdefault(update["update_id"], time.perf_counter())
        return update

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot (getUpdates offset)."""
        return len(self._queue)

    # -- what the bot did --------------------------------------------------------------------
    def messages(self, chat_id: int) -> list[BotMessage]:
        return list(self._bot_messages.get(chat_id, {}).values())

    def last(self, chat_id: int) -> BotMessage:
        msgs = self.messages(chat_id)
        if not msgs:
            raise AssertionError(f"the bot sent nothing to {chat_id}")
        return msgs[-1]

    def message(self, chat_id: int, message_id: int) -> BotMessage:
        return self._bot_messages[chat_id][message_id]

    def keyboard(self, chat_id: int) -> list[list[tuple[str, str]]]:
        """The inline keyboard of the latest bot message in the chat that has one."""
        for msg in reversed(self.messages(chat_id)):
            if msg.buttons:
                return msg.buttons
        return []

    def reply_keyboard(self, chat_id: int) -> dict[str, Any] | None:
        """The latest reply keyboard (e.g. "share my phone number") sent to the chat."""
        for call in reversed(self.calls_for("sendMessage", chat_id)):
            markup = call.params.get("reply_markup") or {}
            if "keyboard" in markup or "remove_keyboard" in markup:
                return markup
        return None

    def documents(self, chat_id: int) -> list[BotMessage]:
        return [m for m in self.messages(chat_id) if m.kind == "document"]

    def calls_for(self, method: str | None = None, chat_id: int | None = None, *,
                  ok: bool | None = None) -> list[Call]:
        return [c for c in self.calls
                if (method is None or c.method == method)
                and (chat_id is None or c.chat_id == chat_id)
                and (ok is None or (c.status == 200) == ok)]

    def texts(self, chat_id: int) -> list[str]:
        """Plain texts of the bot's messages to a chat, in order (captions included)."""
        return [m.plain for m in self.messages(chat_id)]

    @property
    def seq(self) -> int:
        """The latest change number; pass it as `after=` to wait for what comes next."""
        return self._last_seq

    async def wait_for(self, chat_id: int, predicate: Callable[[BotMessage], bool] | None = None,
                       *, timeout: float = 5.0, after: int | None = None) -> BotMessage:  # noqa: ASYNC109
        """The first bot message in `chat_id` created or edited after `after` (default: after
        the chat's latest update was queued) for which `predicate` holds."""
        mark = self._chat_mark.get(chat_id, 0) if after is None else after

        def found() -> BotMessage | None:
            fresh = sorted((m for m in self.messages(chat_id) if m.seq > mark),
                           key=lambda m: m.seq)
            return next((m for m in fresh if predicate is None or predicate(m)), None)

        try:
            async with asyncio.timeout(timeout):
                while (msg := found()) is None:
                    await self._changed(("chat", chat_id))
                return msg
        except TimeoutError:
            texts = [m.plain[:80] for m in self.messages(chat_id) if m.seq > mark]
            raise AssertionError(f"no matching bot message in chat {chat_id} within {timeout}s;"
                                 f" got {texts}") from None

    async def wait_calls(self, method: str, chat_id: int | None = None, *, count: int = 1,
                         timeout: float = 5.0) -> list[Call]:  # noqa: ASYNC109
        """Wait until at least `count` calls of `method` (to `chat_id`) were received."""
        try:
            async with asyncio.timeout(timeout):
                while len(calls := self.calls_for(method, chat_id)) < count:
                    await self._changed("calls")
                return calls
        except TimeoutError:
            raise AssertionError(f"{method} called {len(self.calls_for(method, chat_id))} "
                                 f"times, wanted {count}") from None

    async def wait_confirmed(self, update_id: int, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until the bot confirmed `update_id` (a getUpdates with a higher offset):
        from then on Telegram would not send it again."""
        def confirmed() -> bool:
            return any(isinstance(c.params.get("offset"), int) and c.params["offset"] > update_id
                       for c in self.calls_for("getUpdates"))

        try:
            async with asyncio.timeout(timeout):
                while not confirmed():
                    await self._changed("calls")
        except TimeoutError:
            raise AssertionError(f"update {update_id} was not confirmed") from None

    async def wait_held(self, gate: Gate, count: int = 1, *, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until `count` calls are parked at `gate`."""
        try:
            async with asyncio.timeout(timeout):
                while gate.waiting < count:
                    await self._changed("calls")
        except TimeoutError:
            raise AssertionError(f"{gate.method}: {gate.waiting} call(s) held") from None

    async def settle(self, quiet: float = 0.15, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Wait until all queued updates were fetched and the bot made no call for `quiet`
        seconds (to assert that nothing more happens)."""
        loop = asyncio.get_running_loop()
        end = loop.time() + timeout
        def activity() -> int:
            return sum(1 for c in self.calls if c.method != "getUpdates")

        while loop.time() < end:
            before = activity()
            await asyncio.sleep(quiet)
            if activity() == before and not self._queue:
                return
        raise AssertionError("the bot did not settle")

    # -- failure injection -------------------------------------------------------------------
    def fail(self, method: str, status: int = 500, times: int = 1, *,
             retry_after: float | None = None, chat_id: int | None = None,
             description: str | None = None) -> None:
        """Answer the next `times` calls of `method` (to `chat_id`, if given) with an error.
        429 carries `parameters.retry_after` (default 1); 403 says the bot was blocked."""
        if status == 429 and retry_after is None:
            retry_after = 1
        text = description or _DESCRIPTIONS.get(status, f"Error {status}")
        self._failures.append(_Failure(method, status, times,
                                       text.format(retry_after=retry_after), retry_after,
                                       chat_id))

    def hold(self, method: str, chat_id: int | None = None) -> Gate:
        """Park calls of `method` (to `chat_id`) until the returned gate is released."""
        gate = Gate(method, chat_id)
        self._gates.append(gate)
        return gate

    # -- HTTP --------------------------------------------------------------------------------
    async def _api(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return _error(401, "Unauthorized")
        method = request.match_info["method"]
        params, files = await _read_params(request)
        chat_id = params.get("chat_id") if isinstance(params.get("chat_id"), int) else None
        call = Call(method, {**params, **{k: v.filename for k, v in files.items()}},
                    time.perf_counter(), chat_id)
        self.calls.append(call)
        self._signal("calls")
        for gate in self._gates:
            if gate.method == method and gate.chat_id in (None, chat_id) \
                    and not gate.event.is_set():
                gate.waiting += 1
                self._signal("calls")
                await gate.event.wait()
                gate.waiting -= 1
                if gate.dropped:
                    call.status, call.error = 502, "Bad Gateway"
                    return _error(502, "Bad Gateway")
        failure = self._take_failure(method, chat_id)
        if failure is not None:
            call.status, call.error = failure.status, failure.description
            self._signal("calls")
            extra = {"retry_after": failure.retry_after} if failure.retry_after else None
            return _error(failure.status, failure.description, extra)
        handler = getattr(self, f"_m_{method.lower()}", None)
        if handler is None:
            call.status, call.error = 404, "Not Found"
            return _error(404, "Not Found: method not found")
        try:
            result = await handler(params, files)
        except _ApiError as exc:
            call.status, call.error = exc.status, exc.description
            self._signal("calls")
            return _error(exc.status, exc.description)
        self._signal("calls")
        return web.json_response({"ok": True, "result": result})

    async def _file(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.Response(status=401)
        upload = self._files.get(request.match_info["path"])
        if upload is None:
            return web.Response(status=404)
        return web.Response(body=upload.data, content_type=upload.content_type)

    def _take_failure(self, method: str, chat_id: int | None) -> _Failure | None:
        for failure in self._failures:
            if failure.method == method and failure.chat_id in (None, chat_id):
                failure.times -= 1
                if failure.times <= 0:
                    self._failures.remove(failure)
                return failure
        return None

    # -- Bot API methods ---------------------------------------------------------------------
    async def _m_getme(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return self.bot_user

    async def _m_deletewebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_logout(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_leavechat(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self.left_chats.append(params.get("chat_id"))
        return True

    async def _m_close(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_setwebhook(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self.webhook = {"url": params.get("url"), "secret_token": params.get("secret_token")}
        return True

    async def _m_getwebhookinfo(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return {"url": "", "has_custom_certificate": False, "pending_update_count":
                len(self._queue)}

    async def _m_setmycommands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        self.commands[params.get("language_code") or ""] = list(params.get("commands") or [])
        return True

    async def _m_getmycommands(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return self.commands.get(params.get("language_code") or "", [])

    async def _m_getupdates(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        offset = params.get("offset")
        limit = max(1, min(100, int(params.get("limit") or 100)))
        timeout = float(params.get("timeout") or 0)
        if isinstance(offset, int):  # everything below the offset is confirmed
            self._queue = [q for q in self._queue if q.force or q.update["update_id"] >= offset]
            self._signal("calls")
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(timeout):
                while not self._queue and not self._closing:
                    await self._changed("queue")
        batch = self._queue[:limit]
        now = time.perf_counter()
        for q in batch:
            self.fetched_at.setdefault(q.update["update_id"], now)
            if q.force:
                self._queue.remove(q)
        return [q.update for q in batch]

    async def _m_sendmessage(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(plain(text).encode("utf-16-le")) // 2 > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        _check_html(text, params)
        return self._new_message(params, "text", text)

    async def _m_senddocument(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        upload = files.get("document") or Upload(str(params.get("document")), b"")
        return self._new_message(params, "document", str(params.get("caption") or ""),
                                 document=upload)

    async def _m_sendphoto(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        upload = files.get("photo") or Upload(str(params.get("photo")), b"")
        return self._new_message(params, "photo", str(params.get("caption") or ""), photo=upload)

    async def _m_sendchataction(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        return True

    async def _m_answercallbackquery(self, params: dict[str, Any],
                                     files: dict[str, Upload]) -> Any:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self._open_queries:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired "
                                 "or query ID is invalid")
        self._open_queries.discard(query_id)
        self.callback_answers.append(params)
        return True

    async def _m_editmessagetext(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        msg = self._editable(params)
        if msg.kind != "text":
            raise _ApiError(400, "Bad Request: there is no text in the message to edit")
        text = str(params.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(plain(text).encode("utf-16-le")) // 2 > 4096:
            raise _ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        _check_html(text, params)
        markup = params.get("reply_markup")
        if plain(text) == plain(msg.text) and markup == msg.reply_markup:
            raise _ApiError(400, "Bad Request: message is not modified: specified new message "
                                 "content and reply markup are exactly the same as a current "
                                 "content and reply markup of the message")
        msg.history.append(msg.text)
        msg.text, msg.parse_mode, msg.reply_markup = text, params.get("parse_mode"), markup
        self._touch(msg)
        return msg.to_api(self.bot_user, self.chat(msg.chat_id))

    async def _m_editmessagereplymarkup(self, params: dict[str, Any],
                                        files: dict[str, Upload]) -> Any:
        msg = self._editable(params)
        markup = params.get("reply_markup")
        if markup == msg.reply_markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        msg.history.append(msg.text)
        msg.reply_markup = markup
        self._touch(msg)
        return msg.to_api(self.bot_user, self.chat(msg.chat_id))

    async def _m_getfile(self, params: dict[str, Any], files: dict[str, Upload]) -> Any:
        file_id = str(params.get("file_id"))
        upload = self._files.get(file_id)
        if upload is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {"file_id": file_id, "file_unique_id": file_id, "file_size": len(upload.data),
                "file_path": file_id}

    # -- helpers -----------------------------------------------------------------------------
    def _editable(self, params: dict[str, Any]) -> BotMessage:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        msg = self._bot_messages.get(chat_id, {}).get(message_id)  # type: ignore[arg-type]
        if msg is None:
            raise _ApiError(400, "Bad Request: message to edit not found")
        return msg

    def _new_message(self, params: dict[str, Any], kind: str, text: str,
                     **attachments: Upload) -> dict[str, Any]:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int):
            raise _ApiError(400, "Bad Request: chat not found")
        now = time.perf_counter()
        msg = BotMessage(chat_id, self._next_message_id(chat_id), kind, text,
                         params.get("parse_mode"), params.get("reply_markup"),
                         created_at=now, **attachments)
        self._bot_messages.setdefault(chat_id, {})[msg.message_id] = msg
        self._touch(msg)
        return msg.to_api(self.bot_user, self.chat(chat_id))

    def _touch(self, msg: BotMessage) -> None:
        msg.seq = self._last_seq = next(self._seq)
        msg.changed_at = time.perf_counter()
        self._signal(("chat", msg.chat_id))

    def _next_message_id(self, chat_id: int) -> int:
        return next(self._message_ids.setdefault(chat_id, itertools.count(1)))

    def _signal(self, *topics: Any) -> None:
        """Wake whoever waits for these topics (long polls, wait_for, wait_calls)."""
        for topic in topics:
            event = self._signals.pop(topic, None)
            if event is not None:
                event.set()

    async def _changed(self, topic: Any) -> None:
        event = self._signals.get(topic)
        if event is None:
            event = self._signals[topic] = asyncio.Event()
        await event.wait()


class _ApiError(Exception):
    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def _error(status: int, description: str,
           parameters: dict[str, Any] | None = None) -> web.Response:
    body: dict[str, Any] = {"ok": False, "error_code": status, "description": description}
    if parameters:
        body["parameters"] = parameters
    return web.json_response(body, status=status)


def _coerce(name: str, value: str) -> Any:
    if name in JSON_FIELDS:
        try:
            return json.loads(value)
        except ValueError:
            return value
    if name in INT_FIELDS and re.fullmatch(r"-?\d+", value):
        return int(value)
    if name in BOOL_FIELDS:
        return value.lower() == "true"
    return value


async def _read_params(request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
    """Bot API parameters from a JSON, form-encoded or multipart body (or the query)."""
    params: dict[str, Any] = {k: _coerce(k, v) for k, v in request.query.items()}
    files: dict[str, Upload] = {}
    if request.content_type == "application/json":
        body = await request.json()
        params.update(body if isinstance(body, dict) else {})
    elif request.method == "POST" and request.can_read_body:
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = Upload(value.filename, value.file.read(), value.content_type)
            else:
                params[key] = _coerce(key, str(value))
    return params, files


_ALLOWED_TAGS = {"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "a", "code", "pre",
                 "span", "tg-spoiler", "blockquote", "tg-emoji"}


def _check_html(text: str, params: dict[str, Any]) -> None:
    """Reject what Telegram rejects with parse_mode HTML: unknown or unbalanced tags."""
    if str(params.get("parse_mode") or "").upper() != "HTML":
        return
    stack: list[str] = []
    for m in re.finditer(r"<(/?)([a-zA-Z][\w-]*)[^>]*>", text):
        closing, name = m.group(1), m.group(2).lower()
        if name not in _ALLOWED_TAGS:
            raise _ApiError(400, f"Bad Request: can't parse entities: unsupported start tag "
                                 f'"{name}"')
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            raise _ApiError(400, "Bad Request: can't parse entities: unmatched end tag")
    if stack:
        raise _ApiError(400, "Bad Request: can't parse entities: can't find end tag")


def _chat_of(update: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message"):
        if key in update:
            return int(update[key]["chat"]["id"])
    if "callback_query" in update:
        msg = update["callback_query"].get("message")
        return int(msg["chat"]["id"]) if msg else int(update["callback_query"]["from"]["id"])
    return None
