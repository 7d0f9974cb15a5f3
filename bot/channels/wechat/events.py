"""WeChat messages → core events (pure).

    text                 → text (a leading "/" makes it a command, as in the console; a word
                           such as 菜单 or 进度, `words`, is the command it names: nobody
                           on WeChat is asked to type a slash)
    image                → photo (MediaId as the photo id; WeChat images have no caption)
    voice                → text when WeChat's speech recognition (`Recognition`) heard words
                           (its closing "。" dropped), else `Unheard`
    video, location, link, file, anything else → unsupported (a polite "text only" answer)
    event subscribe/SCAN → /start (the welcome), with the QR code's scene as its argument
    event unsubscribe    → `Unsubscribed` (the person is unreachable from now on)
    event CLICK          → the menu key: "/cmd args" is a command, anything else a button's
                           callback data (the router checks it like any button)
    other events (VIEW, LOCATION, TEMPLATESENDJOBFINISH …) → nothing to answer

WeChat has no buttons: options are shown numbered, and a typed number is turned back into
the option's callback data by `press_number`; several numbers at once ("2、3", "2 3") by
`press_numbers`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field, replace

from bot.channels.wechat.messages import Inbound
from bot.core import Event
from bot.i18n import LOCALES

CHANNEL = "wechat"
_NUMBER = re.compile(r"\d{1,2}")
_NUMBERS = re.compile(r"\d{1,2}(?:\s*[、,，;；和]\s*|\s+)\d{1,2}(?:(?:\s*[、,，;；和]\s*|\s+)\d{1,2})*")
_SPOKEN_END = "。.！!？?，, "  # speech recognition closes a sentence; typed text rarely does


@dataclass(frozen=True)
class Unsubscribed:
    user_id: str


@dataclass(frozen=True)
class Unheard:
    """A voice message without recognised words (speech recognition is off, or it heard
    nothing): answered with the menu and 转人工, never with "text only"."""

    user_id: str


@dataclass(frozen=True)
class Words:
    """Plain words that stand for commands on WeChat ("菜单" → /menu, "进度 Q12" → /status
    Q12), from the labels `wx.words.<command>` of every language."""

    commands: dict[str, str] = field(default_factory=dict)

    def command_for(self, text: str) -> tuple[str, str] | None:
        plain = unicodedata.normalize("NFKC", text).strip().strip("。.！!？?")
        word, _, args = plain.partition(" ")
        if plain.lower() in self.commands:
            return self.commands[plain.lower()], ""
        if word.lower() in self.commands:
            return self.commands[word.lower()], args.strip()
        return None


def words_of(renderer) -> Words:  # type: ignore[no-untyped-def]
    """The plain words standing for commands, in every language (labels `wx.words.<cmd>`,
    synonyms separated by 、)."""
    commands: dict[str, str] = {}
    for locale in LOCALES:
        for key, value in renderer.labels(locale).items():
            if key.startswith("wx.words."):
                for word in value.replace("，", "、").replace(",", "、").split("、"):
                    if word.strip():
                        commands[word.strip().lower()] = key.removeprefix("wx.words.")
    return Words(commands)


Action = Event | Unsubscribed | Unheard | None
NO_WORDS = Words()


def _typed(user_id: str, text: str, words: Words = NO_WORDS) -> Event:
    text = text.strip()
    if text.startswith("/") and len(text) > 1:
        cmd, _, args = text[1:].partition(" ")
        return Event(channel=CHANNEL, user_id=user_id, kind="command", command=cmd.lower(),
                     args=args.strip())
    named = words.command_for(text)
    if named is not None:
        return Event(channel=CHANNEL, user_id=user_id, kind="command", command=named[0],
                     args=named[1])
    return Event(channel=CHANNEL, user_id=user_id, kind="text", text=text)


def heard(message: Inbound) -> str:
    """What speech recognition heard in a voice message ("" if nothing or not a voice)."""
    if message.msg_type != "voice":
        return ""
    return message.get("Recognition").strip().rstrip(_SPOKEN_END).strip()


def action_for(message: Inbound, words: Words = NO_WORDS) -> Action:
    """What a WeChat message means for the core (None: nothing to do)."""
    user = message.from_user
    kind = message.msg_type
    if kind == "text":
        return _typed(user, message.get("Content"), words)
    if kind == "image":
        return Event(channel=CHANNEL, user_id=user, kind="photo",
                     photo_id=message.get("MediaId") or message.get("PicUrl") or None)
    if kind == "voice":
        spoken = heard(message)
        # a spoken "/menu" is no command: only the words are taken
        return _typed(user, spoken.lstrip("/"), words) if spoken else Unheard(user)
    if kind != "event":
        return Event(channel=CHANNEL, user_id=user, kind="unsupported")
    event = message.event
    if event in ("subscribe", "scan"):
        # a parametric QR code (带参数二维码, e.g. at a window) carries its scene: an item id
        # opens that item's card after the welcome, like Telegram's /start <item-id>
        scene = message.get("EventKey").strip().removeprefix("qrscene_")
        return Event(channel=CHANNEL, user_id=user, kind="command", command="start",
                     args=scene[:64])
    if event == "unsubscribe":
        return Unsubscribed(user)
    if event == "click":
        key = message.get("EventKey").strip()
        if not key:
            return None
        if key.startswith("/"):
            return _typed(user, key)
        return Event(channel=CHANNEL, user_id=user, kind="choice", choice=key)
    return None


def typed_number(event: Event) -> str | None:
    """The number a person typed ("1", "１", " 2 "), if the text is just that."""
    if event.kind != "text":
        return None
    text = unicodedata.normalize("NFKC", event.text).strip().rstrip(".。、")
    return text if _NUMBER.fullmatch(text) else None


def typed_numbers(event: Event) -> list[str] | None:
    """The numbers of a reply naming several options ("2、3", "2 3", "1,2和4"), if the text
    is just that (in the order typed, each once)."""
    if event.kind != "text":
        return None
    text = unicodedata.normalize("NFKC", event.text).strip().rstrip(".。、")
    if not _NUMBERS.fullmatch(text):
        return None
    return list(dict.fromkeys(str(int(n)) for n in re.findall(r"\d{1,2}", text)))


def press_numbers(event: Event, options: Mapping[str, str]) -> list[Event] | None:
    """Several options pressed at once, if every number is one shown and all are the same
    kind of action (ticks of one list: "chk:t:…"); None otherwise. Pressing 预约 and 投诉
    in one breath is not something to guess at."""
    numbers = typed_numbers(event)
    if not numbers or any(n not in options for n in numbers):
        return None
    if len(numbers) == 1:  # "5 5": one option, named twice
        return [replace(event, kind="choice", choice=options[numbers[0]], text="")]
    stems = {options[n].rsplit(":", 1)[0] for n in numbers}
    toggles = all(options[n].rsplit(":", 1)[-1].isdigit() for n in numbers)
    if len(stems) != 1 or not toggles or next(iter(stems)).count(":") < 2:
        return None
    return [replace(event, kind="choice", choice=options[n], text="") for n in numbers]


def press_number(event: Event, options: Mapping[str, str]) -> Event:
    """A typed number of an option shown → that option pressed; anything else unchanged."""
    number = typed_number(event)
    if number is None or str(int(number)) not in options:
        return event
    return replace(event, kind="choice", choice=options[str(int(number))], text="")
