"""Both channels in one process, as `servicebot run` runs them when both tokens are set: one
App, one outbox worker (started by Telegram's polling) delivering to both. A resident asks on
WeChat; staff answer on Telegram; the answer reaches the resident on WeChat."""

from __future__ import annotations

from aiohttp.test_utils import TestClient, TestServer

from bot.channels.telegram import build_telegram_application, running
from bot.channels.wechat import create_wechat_app
from tests.factories import make_app
from tests.fake_telegram import FakeTelegram
from tests.wechat.conftest import RESIDENT, WeChatPeer, option, wechat_settings

STAFF_TG = 9001


async def test_a_telegram_staff_reply_reaches_a_wechat_resident(api, tmp_path, sqlite_url, clock):
    async with FakeTelegram() as tg:
        settings = wechat_settings(api, tmp_path, sqlite_url, telegram_bot_token=tg.token,
                                   telegram_base_url=tg.base_url,
                                   telegram_base_file_url=tg.base_file_url,
                                   staff=[f"telegram:{STAFF_TG}"])
        app = await make_app(settings, clock)
        web_app = create_wechat_app(app, migrate=False, deliver=False)
        async with TestClient(TestServer(web_app)) as client:
            application = build_telegram_application(app, migrate=False)
            async with running(application, poll_timeout=5):
                peer = WeChatPeer(client)
                card = await peer.text(RESIDENT, "村口那条路的路灯坏了好几天了谁管")
                assert card is not None
                receipt = await peer.text(RESIDENT, option(card, "提交给工作人员"))
                assert receipt is not None and "Q1" in receipt

                await tg.wait_for(STAFF_TG, lambda m: "Q1" in m.plain)  # staff are told
                tg.send_text(STAFF_TG, "/take 1")
                await tg.wait_for(STAFF_TG, lambda m: "首问责任人" in m.plain)
                tg.send_text(STAFF_TG, "/reply 1 已联系供电所，明天来修")
                reply = await api.wait_for(RESIDENT, lambda t: "明天来修" in t)
                assert "Q1" in reply
        await app.close()
