"""Replies → WeChat text messages (pure).

WeChat shows plain text: Telegram HTML tags are dropped and entities unescaped. Buttons
become numbered lines ("【1】材料清单 … 回复 1、2、3 选择"), numbered across all replies of one
answer (a push numbers on from the options already shown, `start`); the mapping number →
callback data is returned for the caller to keep. Documents and pictures become a line with
their link (the caller stores the file); the "回复 … 选择" hint ends the whole answer, after
the links, so it is the last thing read before replying. The blocks of one
answer are joined into as few messages as fit WeChat's 2,048 bytes; a longer block is cut
at a paragraph, line, sentence or word break.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.textsplit import plain_text
from domain.messages import Attachment, Reply

WECHAT_LIMIT = 2048  # bytes of UTF-8 in one text message (passive reply or customer service)
MAX_OPTION = 99  # two digits: pushes number on from the shown options up to here
PUSHED = "pushed"  # in the stored options: the numbers a push brought (kept across answers)
RANGE_HINT_FROM = 6  # from this many options on, the hint gives a range, not every number
_BREAKS = ("\n\n", "\n", "。", "；", "！", "？", ". ", " ")

Label = Callable[..., str]  # label(key, **params) in the person's language


@dataclass(frozen=True)
class Rendered:
    parts: list[str] = field(default_factory=list)
    options: dict[str, str] = field(default_factory=dict)  # "1" → callback data

    @property
    def has_options(self) -> bool:
        return bool(self.options)


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def split_text(text: str, limit: int = WECHAT_LIMIT) -> list[str]:
    """Cut text into pieces of at most `limit` UTF-8 bytes, at the best break in the second
    half of each piece (else between two characters)."""
    text = text.strip()
    pieces: list[str] = []
    while text:
        if size(text) <= limit:
            pieces.append(text)
            break
        fit = len(text.encode("utf-8")[:limit].decode("utf-8", "ignore"))
        cut = fit
        for brk in _BREAKS:
            at = text.rfind(brk, fit // 2, fit)
            if at > 0:
                cut = at + len(brk)
                break
        pieces.append(text[:cut].rstrip())
        text = text[cut:].lstrip()
    return [p for p in pieces if p]


def pack(blocks: Sequence[str], limit: int = WECHAT_LIMIT) -> list[str]:
    """Blocks joined (with a blank line) into as few messages as fit, in order."""
    parts: list[str] = []
    for block in blocks:
        for piece in split_text(block, limit):
            if parts and size(parts[-1]) + 2 + size(piece) <= limit:
                parts[-1] += "\n\n" + piece
            else:
                parts.append(piece)
    return parts


def options_hint(label: Label, count: int, start: int = 1) -> str:
    if count >= RANGE_HINT_FROM:
        return label("wx.options_hint_range", first=start, last=start + count - 1)
    numbers = label("wx.number_separator").join(str(n) for n in range(start, start + count))
    return label("wx.options_hint", numbers=numbers)


def attachments(replies: Sequence[Reply]) -> list[Attachment]:
    return [att for r in replies for att in (r.document, r.photo) if att is not None]


def render(replies: Sequence[Reply], *, label: Label,
           describe: Callable[[Attachment], str], limit: int = WECHAT_LIMIT,
           start: int = 1) -> Rendered:
    """The messages that show `replies`, and the options they number (from `start`)."""
    options: dict[str, str] = {}
    blocks: list[str] = []
    for reply in replies:
        lines: list[Any] = []
        if reply.text:
            lines.append(plain_text(reply.text).strip())
        lines.extend(describe(att) for att in (reply.document, reply.photo) if att is not None)
        buttons = [b for row in reply.buttons for b in row]
        if buttons:
            numbered = []
            for button in buttons:
                n = str(start + len(options))
                options[n] = button.data
                numbered.append(plain_text(label("wx.option", n=n, label=plain_text(button.label))))
            lines.append("\n".join(numbered))
        if reply.ask_contact:
            lines.append(plain_text(label("wx.type_phone")))
        if lines:
            blocks.append("\n\n".join(line for line in lines if line))
    if options:
        blocks[-1] += "\n" + plain_text(options_hint(label, len(options), start))
    return Rendered(pack(blocks, limit), options)


def numbered(stored: dict[str, str], draw: Callable[[int], Rendered], *,
             replace: bool) -> tuple[Rendered, dict[str, str] | None]:
    """Number an answer's options against those shown before (`stored`): `draw(start)`
    renders from `start`. An answer (`replace`) numbers from 1 and replaces the shown
    options — except those a push brought, where no new option takes their number; a push
    numbers on after the shown ones and adds to them. Returns the rendering and the options
    to store (None: keep the stored ones)."""
    shown = dict(stored)
    pushed = set(shown.pop(PUSHED, "").split(",")) - {""}
    if replace:
        shown = {n: shown[n] for n in pushed if n in shown}
        start = 1
    else:
        start = max(map(int, shown), default=0) + 1
    rendered = draw(start)
    if start + len(rendered.options) - 1 > MAX_OPTION:  # too many: start afresh
        shown, rendered = {}, draw(1)
    options = {**shown, **rendered.options}
    pushed = {n for n in pushed if n in shown and n not in rendered.options}
    if not replace:
        pushed |= set(rendered.options)
    if pushed:
        options[PUSHED] = ",".join(sorted(pushed, key=int))
    return rendered, options if replace or rendered.has_options else None
