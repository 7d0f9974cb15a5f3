"""Several workers share one WeChat access token: one `/cgi-bin/token` call for all of them,
and a token WeChat rejects (40001) renewed once, however many workers are told at once."""

from __future__ import annotations

import asyncio

import aiohttp

from bot.channels.wechat.api import WeChatApi
from bot.tokens import SharedToken
from storage.db import Database
from tests.wechat.fake_wechat import APP_ID, APP_SECRET, FakeWeChat

WORKERS = 3


async def test_workers_share_one_token_and_renew_it_once(db_url, clock):
    async with FakeWeChat() as fake, aiohttp.ClientSession() as http:
        # one database handle per worker, as separate processes would have
        dbs = [Database(db_url) for _ in range(WORKERS)]
        try:
            apis = [WeChatApi(http, base=fake.base_url, app_id=APP_ID, app_secret=APP_SECRET,
                              shared=SharedToken(db, f"wechat:{APP_ID}", clock=clock))
                    for db in dbs]
            await asyncio.gather(*(api.send_text(f"openid-{n}", "你好")
                                   for n, api in enumerate(apis) for _ in range(3)))
            assert len(fake.calls_to("/cgi-bin/token")) == 1
            assert sum(len(fake.texts(f"openid-{n}")) for n in range(WORKERS)) == 9

            fake.expire_token()  # WeChat now answers 40001 to everyone
            await asyncio.gather(*(api.send_text(f"openid-{n}", "再次") for n, api in
                                   enumerate(apis)))
            assert len(fake.calls_to("/cgi-bin/token")) == 2  # one refresh, not three
            assert all("再次" in fake.texts(f"openid-{n}") for n in range(WORKERS))

            # a worker started later reads the stored token instead of fetching one
            late = WeChatApi(http, base=fake.base_url, app_id=APP_ID, app_secret=APP_SECRET,
                             shared=SharedToken(dbs[0], f"wechat:{APP_ID}", clock=clock))
            await late.send_text("openid-9", "新来的")
            assert len(fake.calls_to("/cgi-bin/token")) == 2
        finally:
            for db in dbs:
                await db.dispose()


async def test_an_expiring_token_is_renewed_before_wechat_refuses_it(sqlite_url, clock):
    async with FakeWeChat() as fake, aiohttp.ClientSession() as http:
        db = Database(sqlite_url)
        try:
            api = WeChatApi(http, base=fake.base_url, app_id=APP_ID, app_secret=APP_SECRET,
                            shared=SharedToken(db, f"wechat:{APP_ID}", clock=clock))
            await api.send_text("openid-1", "一")
            clock.advance(hours=1, minutes=56)  # 7200 s tokens are renewed 5 minutes early
            await api.send_text("openid-1", "二")
            assert len(fake.calls_to("/cgi-bin/token")) == 2
            assert [c.answer.get("errcode", 0) for c in
                    fake.calls_to("/cgi-bin/message/custom/send")] == [0, 0]
        finally:
            await db.dispose()
