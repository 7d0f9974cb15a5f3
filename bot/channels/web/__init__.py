"""The web chat channel: a chat page served by the same aiohttp application as the webhooks."""

from bot.channels.web.channel import CHANNEL, WebChannel
from bot.channels.web.server import add_web_chat, create_web_app

__all__ = ["CHANNEL", "WebChannel", "add_web_chat", "create_web_app"]
