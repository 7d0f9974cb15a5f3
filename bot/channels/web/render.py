"""Replies → what the chat page shows (pure).

A reply's text is Telegram HTML (<b>, <i>, <u>, <s>, <code>, <pre>, <a href>, entities). The
page never parses HTML: the text is read here into runs of plain text with their styles
(`{"text": "…", "b": true, "href": "https://…"}`), and the page builds them with
`textContent`, so nothing a person typed can ever become markup. Links keep only http(s)
URLs. Buttons keep their label (plain text) and callback data; documents and pictures are
given by the caller as links (`describe`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from html.parser import HTMLParser
from typing import Any

from bot.textsplit import plain_text
from domain.messages import Attachment, Reply

STYLES = {"b": "b", "strong": "b", "i": "i", "em": "i", "u": "u", "ins": "u", "s": "s",
          "strike": "s", "del": "s", "code": "code", "pre": "code"}

Run = dict[str, Any]


class _Runs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.runs: list[Run] = []
        self.stack: list[tuple[str, str | None]] = []  # (tag, href)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = None
        if tag == "a":
            raw = (dict(attrs).get("href") or "").strip()
            href = raw if raw.lower().startswith(("https://", "http://")) else None
        if tag in STYLES or tag == "a":
            self.stack.append((tag, href))
        elif tag == "br":
            self.handle_data("\n")

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                break

    def handle_data(self, data: str) -> None:
        if not data:
            return
        run: Run = {"text": data}
        for tag, href in self.stack:
            if tag == "a":
                if href:
                    run["href"] = href
            else:
                run[STYLES[tag]] = True
        last = self.runs[-1] if self.runs else None
        if last is not None and {k: v for k, v in last.items() if k != "text"} == \
                {k: v for k, v in run.items() if k != "text"}:
            last["text"] += data
        else:
            self.runs.append(run)


_URL = re.compile(r"https?://[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")


def runs_of(text: str) -> list[Run]:
    """Telegram HTML as styled runs of plain text; bare web addresses become links (Telegram
    links them by itself)."""
    parser = _Runs()
    parser.feed(text)
    parser.close()
    out: list[Run] = []
    for run in parser.runs:
        if "href" in run:
            out.append(run)
            continue
        at = 0
        for found in _URL.finditer(run["text"]):
            url = found.group().rstrip(".,;:!?)")
            if found.start() > at:
                out.append({**run, "text": run["text"][at:found.start()]})
            out.append({**run, "text": url, "href": url})
            at = found.start() + len(url)
        if at < len(run["text"]):
            out.append({**run, "text": run["text"][at:]})
    return out


def plain_runs(text: str) -> list[Run]:
    """What a visitor typed: one run, never read as markup."""
    return [{"text": text}] if text else []


def attachments(replies: Sequence[Reply]) -> list[Attachment]:
    return [att for r in replies for att in (r.document, r.photo) if att is not None]


def body_of(reply: Reply, *, describe: Callable[[Attachment], dict[str, Any]],
            phone_hint: str = "") -> dict[str, Any]:
    """One reply as the page's message body."""
    body: dict[str, Any] = {"runs": runs_of(reply.text)}
    files = []
    for kind, att in (("document", reply.document), ("photo", reply.photo)):
        if att is not None:
            files.append({"kind": kind, **describe(att)})
    if files:
        body["files"] = files
    if reply.buttons:
        body["buttons"] = [[{"label": plain_text(b.label), "data": b.data} for b in row]
                           for row in reply.buttons]
    if reply.ask_contact and phone_hint:
        body["hint"] = phone_hint
    return body


def caption_of(att: Attachment) -> str:
    return plain_text(att.caption).strip() or att.filename
