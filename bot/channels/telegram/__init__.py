"""The Telegram channel: python-telegram-bot's Application in front of the conversation core.

    application.py  the PTB Application factory, handlers (registered in one place), running it
    app.py     the channel: updates to events and answers back, lifecycle, the outbox worker
    events.py  updates → core events (pure)
    render.py  replies → Bot API calls; the outbox sender
    inbox.py   updates stored before they are confirmed; ordered, concurrent handling
"""

from bot.channels.telegram.app import TelegramChannel
from bot.channels.telegram.application import (
    ALLOWED_UPDATES,
    build_telegram_application,
    running,
)
from bot.channels.telegram.events import event_from_update
from bot.channels.telegram.render import ReplyRenderer, TelegramSender

__all__ = [
    "ALLOWED_UPDATES",
    "ReplyRenderer",
    "TelegramChannel",
    "TelegramSender",
    "build_telegram_application",
    "event_from_update",
    "running",
]
