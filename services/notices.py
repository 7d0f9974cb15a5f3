"""What a flow says should be told, to whom: a notice is a template, its parameters and its
recipients (person keys), queued by the one notice API (`bot.notices.push`, in a conversation
`Context.notify`), rendered there in each recipient's language."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from domain.messages import Reply

ButtonRows = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label key, callback data)


@dataclass(frozen=True)
class Document:
    """A printable document sent after the message: template, filename and caption labels."""

    template: str
    filename_key: str
    caption_key: str
    params: tuple[tuple[str, str], ...] = ()  # label parameters (e.g. the matter number)


@dataclass(frozen=True, eq=False)
class Notice:
    """`template` rendered with `params` for each of `recipients`, queued in the outbox.

    `dedupe_prefix` makes it once per recipient (`<prefix>:<recipient>`); `dedupe_key` is the
    whole key, for a notice to one recipient. `booking_id` ties it to a booking (a cancel
    drops it); `not_before` holds it back (office hours, a reminder's time). `attachments`
    follow the message as built (a report's chart and workbook, drawn once per language)."""

    recipients: tuple[str, ...]
    template: str
    kind: str
    params: Mapping[str, Any] = field(default_factory=dict)
    buttons: ButtonRows = ()
    document: Document | None = None
    dedupe_prefix: str | None = None
    dedupe_key: str | None = None
    matter_id: int | None = None
    booking_id: int | None = None
    not_before: datetime | None = None
    attachments: tuple[Reply, ...] = ()

    def __post_init__(self) -> None:
        if self.dedupe_key is not None and len(self.recipients) > 1:
            raise ValueError("a whole dedupe key is for a notice to one recipient")


def notice(recipients: Iterable[str], template: str, *, kind: str,
           buttons: Sequence[Sequence[tuple[str, str]]] = (), document: Document | None = None,
           dedupe_prefix: str | None = None, dedupe_key: str | None = None,
           matter_id: int | None = None, booking_id: int | None = None,
           not_before: datetime | None = None, attachments: Sequence[Reply] = (),
           **params: Any) -> Notice:
    """A `Notice`, its template parameters as keywords (as templates are rendered)."""
    return Notice(tuple(recipients), template, kind, params,
                  tuple(tuple(row) for row in buttons), document, dedupe_prefix, dedupe_key,
                  matter_id, booking_id, not_before, tuple(attachments))


@dataclass(frozen=True, eq=False)
class RobotAlert:
    """The same alert for the work-group robots (bot.robots), in the default language."""

    template: str
    kind: str
    dedupe_key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    matter_id: int | None = None
    department: str | None = None
    sensitive: bool = False
