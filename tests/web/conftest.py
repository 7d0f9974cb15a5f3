"""Web chat fixtures: the chat mounted by its real factory behind aiohttp's test server, and a
visitor (a cookie jar and a socket) to talk through it.

    async def test_something(web_client):
        visitor = await Visitor.open(web_client)
        card = await visitor.say("低保怎么申请")        # the bot's messages answering it
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import pytest
from aiohttp import ClientWebSocketResponse, CookieJar, WSMsgType
from aiohttp.test_utils import TestClient, TestServer

from bot.app import App
from bot.channels.web import create_web_app
from tests.factories import make_app, make_settings

ORIGIN_OK = object()


def text_of(message: dict[str, Any]) -> str:
    return "".join(run["text"] for run in message["body"].get("runs", []))


def labels_of(message: dict[str, Any]) -> list[str]:
    return [b["label"] for row in message["body"].get("buttons", []) for b in row]


def button(message: dict[str, Any], part: str) -> dict[str, Any]:
    for row in message["body"].get("buttons", []):
        for b in row:
            if part in b["label"]:
                return b
    raise AssertionError(f"no button {part!r} in {labels_of(message)}")


class Visitor:
    """One browser: its cookie jar, an open socket, the frames received."""

    def __init__(self, client: TestClient, ws: ClientWebSocketResponse) -> None:
        self.client = client
        self.ws = ws
        self.frames: list[dict[str, Any]] = []

    @classmethod
    async def open(cls, client: TestClient, *, after: int = 0) -> Visitor:
        if not any(c.key == "sb_chat" for c in client.session.cookie_jar):
            resp = await client.get("/chat/")
            assert resp.status == 200
        ws = await client.ws_connect(f"/chat/ws?after={after}",
                                     headers={"Origin": origin(client)})
        visitor = cls(client, ws)
        first = await visitor.next()
        assert first["type"] == "history"
        visitor.history = first["messages"]
        return visitor

    async def next(self, wait: float = 20.0) -> dict[str, Any]:
        msg = await self.ws.receive(timeout=wait)
        assert msg.type == WSMsgType.TEXT, msg
        frame = json.loads(msg.data)
        self.frames.append(frame)
        return frame

    async def bot_messages(self, wait: float = 20.0) -> list[dict[str, Any]]:
        """The next frame of bot messages (skipping the echo of what the visitor sent)."""
        while True:
            frame = await self.next(wait)
            if frame["type"] == "notice":
                return [frame]
            if frame["type"] == "edit":
                return [{"id": frame["id"], "author": "bot", "body": frame["body"], "edit": True}]
            bots = [m for m in frame.get("messages", []) if m["author"] == "bot"]
            if bots:
                return bots

    async def say(self, text: str) -> list[dict[str, Any]]:
        await self.ws.send_json({"type": "text", "text": text})
        return await self.bot_messages()

    async def press(self, message: dict[str, Any], part: str) -> list[dict[str, Any]]:
        b = button(message, part)
        await self.ws.send_json({"type": "choice", "data": b["data"], "message": message["id"]})
        return await self.bot_messages()

    async def close(self) -> None:
        await self.ws.close()


def origin(client: TestClient) -> str:
    return f"http://{client.server.host}:{client.server.port}"


async def start_web(app: App) -> TestClient:
    client = TestClient(TestServer(create_web_app(app, migrate=False, sweep=False)),
                        cookie_jar=CookieJar(unsafe=True))
    await client.start_server()
    return client


@pytest.fixture
async def web_client(app):  # type: ignore[no-untyped-def]
    client = await start_web(app)
    yield client
    await client.close()


@pytest.fixture
async def web_client_any_db(db_url, tmp_path, clock):  # type: ignore[no-untyped-def]
    application = await make_app(make_settings(tmp_path, db_url), clock)
    client = await start_web(application)
    yield client
    await client.close()
    await application.close()


async def settle(seconds: float = 0.05) -> None:
    await asyncio.sleep(seconds)
