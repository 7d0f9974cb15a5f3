r"""No log line holds a secret or a resident's number, whichever library writes it.

`install(secrets)` wraps the process's log-record factory once, so every record of every
logger — ours, python-telegram-bot's, SQLAlchemy's, aiosqlite's, aiohttp's, made before or
after, at any level — is redacted when it is made, before any filter, handler or formatter
sees it (a filter on a logger would miss its children's records; one on a handler misses
handlers added later, pytest's included). Redacted: the message with its arguments merged
and the traceback text —

- the configured secrets (Telegram bot token and webhook secret, WeChat token, AppSecret,
  EncodingAESKey) wherever they appear, and anything shaped like a bot token
  (`123456:AA…`, as in Bot API URLs) or an `access_token=` query value;
- mobile, landline and ID numbers, masked as in lists (`domain.privacy.mask_text`), also
  inside JSON (`\uXXXX` escapes are read back, so the line shows the characters).

Records are only made for lines that will be logged, so the cost is paid per written line.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from domain.privacy import mask_text

HIDDEN = "[redacted]"
_BOT_TOKEN = re.compile(r"(?<![0-9])[0-9]{5,16}:[A-Za-z0-9_-]{30,}")
_ACCESS_TOKEN = re.compile(r"((?:access_token|secret)=)[^&\s'\"]+", re.IGNORECASE)
_JSON_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
_MIN_SECRET = 6  # shorter configured values would redact ordinary words

_secrets: set[str] = set()
_lock = threading.Lock()
_installed = False


def redact(text: str) -> str:
    """`text` with secrets replaced and personal numbers masked."""
    for secret in sorted(_secrets, key=len, reverse=True):
        if secret in text:
            text = text.replace(secret, HIDDEN)
    text = _BOT_TOKEN.sub(HIDDEN, text)
    text = _ACCESS_TOKEN.sub(lambda m: m.group(1) + HIDDEN, text)
    # updates and payloads are logged as JSON with "\u662f13812345678": read the escapes
    # back first, or the escape's last hex digit would hide where a number starts
    text = _JSON_ESCAPE.sub(_unescaped, text)
    return mask_text(text)


def _unescaped(match: re.Match[str]) -> str:
    code = int(match.group(1), 16)
    return match.group(0) if 0xD800 <= code <= 0xDFFF else chr(code)


def _redacted(record: logging.LogRecord) -> logging.LogRecord:
    try:
        message = record.getMessage()
    except Exception:  # a malformed call: logging reports it when formatting
        return record
    record.msg, record.args = redact(message), None
    if record.exc_info and not record.exc_text:
        # formatters use a record's exc_text when it is set: format the traceback once, here
        record.exc_text = redact(logging.Formatter().formatException(record.exc_info))
    elif record.exc_text:
        record.exc_text = redact(record.exc_text)
    if record.stack_info:
        record.stack_info = redact(record.stack_info)
    return record


def install(secrets: Iterable[str | None] = ()) -> None:
    """Redact every log record of this process from now on; `secrets` are added to the
    values never to be written (calling again adds more, the factory is wrapped once)."""
    global _installed
    with _lock:
        _secrets.update(s for s in secrets if s and len(s) >= _MIN_SECRET)
        if _installed:
            return
        make_record = logging.getLogRecordFactory()

        def factory(*args, **kwargs) -> logging.LogRecord:  # type: ignore[no-untyped-def]
            return _redacted(make_record(*args, **kwargs))

        logging.setLogRecordFactory(factory)
        _installed = True
