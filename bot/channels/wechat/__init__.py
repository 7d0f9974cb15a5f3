"""The WeChat Official Account (公众号) channel: an aiohttp webhook in front of the core.

    security.py  signature, freshness window, nonce replay cache (plain functions)
    crypto.py    encrypted mode (AES-256-CBC with EncodingAESKey, msg_signature)
    messages.py  XML in (defusedxml, flat fields) and the passive reply out
    events.py    WeChat messages → core events; typed numbers → the options shown (pure)
    render.py    replies → plain-text messages within 2,048 bytes, numbered options (pure)
    channel.py   intake (inbox, one at a time per person, the 5-second budget), pushes, links
    api.py       access token, customer-service messages, the outbox sender
    server.py    the aiohttp application factory, views, `servicebot run`
"""

from bot.channels.wechat.api import WeChatApi, WeChatSender
from bot.channels.wechat.channel import WeChatChannel
from bot.channels.wechat.server import create_wechat_app

__all__ = ["WeChatApi", "WeChatChannel", "WeChatSender", "create_wechat_app"]
