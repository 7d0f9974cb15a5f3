"""Splitting Telegram-HTML text into messages that fit, and turning it into plain text.

Telegram counts a message's length after entity parsing: the visible text, not the tags.
`split_message` cuts at a paragraph break if it can, else at a line break, else at a space,
else anywhere between two characters — never inside a tag or an entity (`&amp;`) — and a tag
open at a cut is closed at the end of one chunk and opened again at the start of the next.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096
_TOKEN = re.compile(r"<[^<>]*>|&#?\w+;")
_TAG_NAME = re.compile(r"</?\s*([a-zA-Z][\w-]*)")


@dataclass(frozen=True)
class _Atom:
    raw: str
    width: int  # visible length in UTF-16 code units (how Telegram counts)
    tag: str | None = None  # tag name for tags
    closing: bool = False


def _utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def _atoms(text: str) -> list[_Atom]:
    """Tags, entities and single characters, in order."""
    out: list[_Atom] = []
    pos = 0
    for m in _TOKEN.finditer(text):
        out.extend(_Atom(ch, _utf16(ch)) for ch in text[pos:m.start()])
        raw = m.group(0)
        if raw.startswith("<"):
            name = _TAG_NAME.match(raw)
            out.append(_Atom(raw, 0, (name.group(1).lower() if name else ""),
                             raw.startswith("</")))
        else:
            out.append(_Atom(raw, _utf16(html.unescape(raw))))
        pos = m.end()
    out.extend(_Atom(ch, _utf16(ch)) for ch in text[pos:])
    return out


def visible_length(text: str) -> int:
    """Length of Telegram-HTML text as Telegram counts it (UTF-16 units, tags excluded)."""
    return sum(a.width for a in _atoms(text))


def fits(text: str, limit: int = TELEGRAM_LIMIT) -> bool:
    """Whether the text is within `limit` visible characters. Cheap for the usual case: the
    raw text (tags and entities included) is never shorter than what Telegram counts."""
    return _utf16(text) <= limit or visible_length(text) <= limit


def plain_text(text: str) -> str:
    """Telegram HTML to plain text (for button labels, command descriptions)."""
    return html.unescape(re.sub(r"<[^<>]*>", "", text))


def _open_after(stack: list[_Atom], atom: _Atom) -> None:
    """Track open tags: push an opening tag, pop up to the matching one on a closing tag."""
    if atom.tag is None:
        return
    if not atom.closing:
        stack.append(atom)
        return
    for i in range(len(stack) - 1, -1, -1):
        if stack[i].tag == atom.tag:
            del stack[i:]
            return


def _best_cut(atoms: list[_Atom], start: int, end: int) -> int:
    """Where to end a chunk spanning atoms[start:end]: after the last paragraph break, else
    line break, else space in the second half of the chunk, else at `end`."""
    floor = start + (end - start) // 2
    for sep in ("\n\n", "\n", " "):
        for i in range(end - 1, floor, -1):
            if sep == "\n\n":
                if atoms[i].raw == "\n" and atoms[i - 1].raw == "\n":
                    return i + 1
            elif atoms[i].raw == sep:
                return i + 1
    return end


def split_message(text: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Split Telegram-HTML `text` into chunks of at most `limit` visible characters each,
    every chunk well-formed on its own. Text within the limit comes back unchanged."""
    if limit < 1:
        raise ValueError("limit must be positive")
    if _utf16(text) <= limit:  # the raw text is never shorter than the visible one
        return [text] if text else []
    atoms = _atoms(text)
    if sum(a.width for a in atoms) <= limit:
        return [text]
    chunks: list[str] = []
    stack: list[_Atom] = []  # tags open where the current chunk starts
    start = 0
    while start < len(atoms):
        reopen = list(stack)
        width, end = 0, start
        while end < len(atoms) and width + atoms[end].width <= limit:
            width += atoms[end].width
            end += 1
        if end == start:  # one atom wider than the limit (limit < 2 and a surrogate pair)
            end += 1
        cut = end if end == len(atoms) else _best_cut(atoms, start, end)
        while cut - 1 > start and atoms[cut - 1].tag and not atoms[cut - 1].closing:
            cut -= 1  # an opening tag belongs to the chunk its text is in
        body = atoms[start:cut]
        for atom in body:
            _open_after(stack, atom)
        chunk = "".join(a.raw for a in reopen) + "".join(a.raw for a in body).rstrip()
        chunk += "".join(f"</{a.tag}>" for a in reversed(stack))
        if plain_text(chunk).strip():
            chunks.append(chunk)
        start = cut
        while start < len(atoms) and atoms[start].raw in ("\n", " "):
            start += 1  # a chunk does not begin with the break it was cut at
    return chunks
