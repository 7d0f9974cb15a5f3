"""The WeChat webhook: an aiohttp application the CLI serves and the tests call.

    GET  /wechat           WeChat's URL check: signature → echo `echostr`
    POST /wechat           messages and events (plain or encrypted): the passive reply or "success"
                           (a 503 when the database cannot store it: WeChat retries)
    GET  /wechat/f/{token} a document or picture sent as a link, until it expires

`create_wechat_app(app)` builds it; its resources (HTTP client session, API client, the
channel, the outbox worker and the sweeps) are made and closed in one `cleanup_ctx`. The
views only speak HTTP: checking and decoding a request is `read_message` (plain functions
raising `Rejected`), answering it is the channel's.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from functools import partial

import aiohttp
from aiohttp import web

from bot.app import App
from bot.channels.files import file_gone, file_response
from bot.channels.wechat.api import WeChatApi, WeChatSender
from bot.channels.wechat.channel import REPLY_BUDGET, WeChatChannel
from bot.channels.wechat.crypto import MessageCrypt
from bot.channels.wechat.events import CHANNEL
from bot.channels.wechat.intake import NotStored
from bot.channels.wechat.messages import (
    BODY_LIMIT,
    Inbound,
    encrypted_reply,
    inbound_from,
    parse_fields,
    text_reply,
)
from bot.channels.wechat.security import FRESHNESS, Rejected, Stamp, check_query
from bot.channels.wechat.templates import inside_window, template_message
from bot.delivery import DeliveryWorker
from bot.settings import SettingsError
from bot.textsplit import plain_text
from bot.tokens import SharedToken

log = logging.getLogger(__name__)

PATH = "/wechat"
OUTBOX_POLL = 1.0
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


@dataclass(frozen=True)
class Verifier:
    """What checking a callback needs: the token, the clock, the cipher (the replay check is
    the database's: `WeChatChannel.receive`)."""

    token: str
    clock: Callable[[], float] = time.time
    crypt: MessageCrypt | None = None
    window: float = FRESHNESS


@dataclass(frozen=True)
class Received:
    message: Inbound
    encrypted: bool
    stamp: Stamp

    @property
    def nonce(self) -> str:
        return self.stamp.nonce


APP = web.AppKey("app", App)
VERIFIER = web.AppKey("verifier", Verifier)
CHANNEL_KEY = web.AppKey("channel", WeChatChannel)


# -- checking and decoding (plain functions) -----------------------------------------------------
def check_length(content_length: int | None) -> None:
    if content_length is not None and content_length > BODY_LIMIT:
        raise Rejected(413, "body too large")


def read_message(query: Mapping[str, str], body: bytes, verifier: Verifier) -> Received:
    """A verified, decoded message from a POST callback, or `Rejected`."""
    check_length(len(body))
    stamp = check_query(query, token=verifier.token, now=verifier.clock(),
                        window=verifier.window)
    fields = parse_fields(body)
    encrypted = query.get("encrypt_type", "raw").lower() == "aes"
    if not encrypted and verifier.crypt is not None:
        # plaintext mode's signature does not cover the body: with a key configured, only
        # bodies authenticated by msg_signature are taken (兼容模式 sends encrypt_type=aes)
        raise Rejected(400, "plaintext message but an EncodingAESKey is configured")
    if encrypted:
        if verifier.crypt is None:
            raise Rejected(400, "encrypted message but no EncodingAESKey configured")
        if not fields.get("Encrypt"):
            raise Rejected(400, "missing Encrypt")
        xml = verifier.crypt.decrypt(fields["Encrypt"], msg_signature=query.get("msg_signature", ""),
                                     timestamp=query.get("timestamp", ""), nonce=stamp.nonce)
        fields = parse_fields(xml)
    return Received(inbound_from(fields), encrypted, stamp)


def reply_body(received: Received, content: str, verifier: Verifier) -> str:
    """The passive reply (encrypted if the message was)."""
    now = verifier.clock()
    xml = text_reply(received.message, content, now=now)
    if not received.encrypted or verifier.crypt is None:
        return xml
    stamp = str(int(now))
    encrypted, msg_signature = verifier.crypt.encrypt(xml.encode("utf-8"), nonce=received.nonce,
                                                      timestamp=stamp)
    return encrypted_reply(encrypted, msg_signature, stamp, received.nonce)


# -- views ----------------------------------------------------------------------------------------
async def handshake(request: web.Request) -> web.Response:
    """WeChat checks the URL: echo `echostr` when the signature is ours. Its nonce is used up
    like a message's: the same signed query string could otherwise carry a forged POST."""
    verifier = request.app[VERIFIER]
    try:
        stamp = check_query(request.query, token=verifier.token, now=verifier.clock(),
                            window=verifier.window)
        await request.app[CHANNEL_KEY].admit_stamp(stamp)
    except Rejected as exc:
        return _refused(request, exc)
    except NotStored:
        return _not_stored()
    return web.Response(text=request.query.get("echostr", ""))


async def callback(request: web.Request) -> web.StreamResponse:
    """A message or event: the passive reply, or "success" (answer pushed or none)."""
    started = asyncio.get_running_loop().time()  # WeChat's 5 seconds run from here
    verifier = request.app[VERIFIER]
    try:
        check_length(request.content_length)
        body = await request.read()
        received = read_message(request.query, body, verifier)
    except web.HTTPRequestEntityTooLarge:
        return _refused(request, Rejected(413, "body too large"))
    except Rejected as exc:
        return _refused(request, exc)
    channel = request.app[CHANNEL_KEY]
    try:
        content = await channel.receive(received.message, received.stamp, started=started)
    except Rejected as exc:  # a replay
        return _refused(request, exc)
    except NotStored:
        return _not_stored()
    if content is None:
        return web.Response(text="success")
    response = web.Response(text=reply_body(received, content, verifier),
                            content_type="application/xml")
    try:
        await response.prepare(request)
        await response.write_eof()
    except (ConnectionError, OSError, asyncio.CancelledError):
        # WeChat hung up before the passive reply: it must not be lost, push it
        await asyncio.shield(channel.push(received.message.from_user, [content]))
        channel.wake()
        raise
    channel.wake()  # the rest of a long answer goes out after the passive reply
    return response


async def linked_file(request: web.Request) -> web.Response:
    token = request.match_info["token"]
    channel = request.app[CHANNEL_KEY]
    found = await channel.file(token) if _TOKEN.fullmatch(token) else None
    if found is None:
        renderer = channel.services.renderer
        text = plain_text(renderer.label(channel.services.settings.default_language,
                                         "wx.link_expired"))
        return file_gone(text)
    return file_response(found)


def _not_stored() -> web.Response:
    """The database could not take the callback: WeChat retries a 5xx (not "success")."""
    return web.Response(status=503, text="try again later", headers={"Retry-After": "5"})


def _refused(request: web.Request, exc: Rejected) -> web.Response:
    log.warning("WeChat callback refused (%s): %s", exc.status, exc.reason)
    return web.Response(status=exc.status, text=exc.reason)


# -- the application ------------------------------------------------------------------------------
async def _resources(web_app: web.Application, *, migrate: bool, deliver: bool,
                     reply_budget: float) -> AsyncIterator[None]:
    """Schema, HTTP client, API, channel, outbox worker and sweeps; closed in reverse."""
    app = web_app[APP]
    settings = app.services.settings
    if migrate:
        await app.start()
    channel = WeChatChannel(app, public_url=settings.wechat_public_url, reply_budget=reply_budget,
                            wall_clock=web_app[VERIFIER].clock)
    web_app[CHANNEL_KEY] = channel
    if not settings.wechat_public_url:
        log.warning("wechat_public_url is not set: documents cannot be sent as links")
    if not settings.wechat_encoding_aes_key:
        log.warning("WeChat in plaintext mode: a message's body is not covered by its "
                    "signature; set wechat_encoding_aes_key (安全模式) in production")
    stop = asyncio.Event()
    tasks: list[asyncio.Task[None]] = [asyncio.create_task(channel.run_sweeps(stop),
                                                           name="wechat-sweeps")]
    async with aiohttp.ClientSession() as http:
        if settings.wechat_app_id and settings.wechat_app_secret:
            shared = SharedToken(app.services.db, f"wechat:{settings.wechat_app_id}",
                                 clock=app.services.now)  # one token for every worker
            api = WeChatApi(http, base=settings.wechat_api_base, app_id=settings.wechat_app_id,
                            app_secret=settings.wechat_app_secret.get_secret_value(),
                            shared=shared)
            sender = WeChatSender(api, channel.prepare_push, templates=settings.wechat_templates,
                                  window=partial(inside_window, app.services),
                                  template=partial(template_message, channel))
            worker: DeliveryWorker = app.attach_sender(CHANNEL, sender)
            if deliver:
                tasks.append(asyncio.create_task(worker.run(stop, poll=OUTBOX_POLL),
                                                 name="wechat-outbox"))
        else:
            log.warning("wechat_app_id / wechat_app_secret are not set: answers that do not "
                        "fit the passive reply, and notices, cannot be pushed")
        try:
            yield
        finally:
            await channel.drain()
            stop.set()
            while not all(task.done() for task in tasks):
                if app.delivery is not None:  # (a wake can be cleared by a pass in progress)
                    app.delivery.wake()
                await asyncio.wait(tasks, timeout=0.05)
            await asyncio.gather(*tasks, return_exceptions=True)
            app.senders.pop(CHANNEL, None)
            if app.delivery is not None:
                app.delivery.senders.pop(CHANNEL, None)


def create_wechat_app(app: App, *, migrate: bool = True, deliver: bool = True,
                      clock: Callable[[], float] = time.time,
                      reply_budget: float = REPLY_BUDGET) -> web.Application:
    """The webhook application for `app`, configured from its settings; not started.
    `deliver=False` leaves running the outbox worker to someone else (Telegram's polling,
    when both channels run in one process)."""
    settings = app.services.settings
    if not settings.wechat_token:
        raise SettingsError("wechat_token is not set")
    if settings.wechat_public_url and not settings.wechat_public_url.startswith(("https://",
                                                                                 "http://")):
        raise SettingsError("wechat_public_url must be an http(s) URL, e.g. https://bot.example.cn")
    crypt = None
    if settings.wechat_encoding_aes_key:
        if not settings.wechat_app_id:
            raise SettingsError("wechat_app_id is needed with wechat_encoding_aes_key")
        try:
            crypt = MessageCrypt(settings.wechat_token.get_secret_value(),
                                 settings.wechat_encoding_aes_key.get_secret_value(),
                                 settings.wechat_app_id)
        except ValueError as exc:
            raise SettingsError(str(exc)) from None
    web_app = web.Application(client_max_size=BODY_LIMIT)
    web_app[APP] = app
    web_app[VERIFIER] = Verifier(settings.wechat_token.get_secret_value(), clock, crypt)
    web_app.cleanup_ctx.append(partial(_resources, migrate=migrate, deliver=deliver,
                                       reply_budget=reply_budget))
    web_app.router.add_get(PATH, handshake)
    web_app.router.add_post(PATH, callback)
    web_app.router.add_get(PATH + "/f/{token}", linked_file)
    return web_app
