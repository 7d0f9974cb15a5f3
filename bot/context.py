"""What a handler gets for one event: the event, the person, their role and dialog state,
an open transaction, and helpers to render templates and queue notices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot import robots
from bot.core import Event
from bot.notices import push
from bot.services import Services
from domain.messages import Button, Reply
from services.notices import Notice, RobotAlert
from storage.models import Conversation, Resident
from storage.people import Role, audit


@dataclass
class Context:
    event: Event
    session: AsyncSession
    services: Services
    person: Resident
    conv: Conversation
    role: Role = field(default_factory=Role)
    privileged_action: str | None = None  # set by the dispatcher; audited after success
    audit_matter_id: int | None = None  # which matter a privileged action touched
    roles_changed: bool = False  # a grant/revoke: the role snapshot is re-read after commit
    usage_error: bool = False  # answered with the command's usage: nothing was done

    # -- who and when ---------------------------------------------------------------------
    @property
    def lang(self) -> str:
        return self.person.language

    @property
    def key(self) -> str:
        return self.event.person_key

    @property
    def now(self) -> datetime:
        return self.services.now()

    @property
    def today(self) -> date:
        return self.services.today()

    # -- text ----------------------------------------------------------------------------
    def t(self, template: str, /, *, lang: str | None = None, **kw: Any) -> str:
        """Render a message template in the person's language (or `lang`)."""
        kw.setdefault("center", self.services.kb.center)
        kw.setdefault("channel", self.event.channel)  # the channel's own wording, if any
        return self.services.renderer.render(lang or self.lang, template, **kw)

    def label(self, key: str, /, *, lang: str | None = None, **kw: Any) -> str:
        kw.setdefault("channel", self.event.channel)
        return self.services.renderer.label(lang or self.lang, key, **kw)

    @property
    def on_duty_from(self) -> datetime:
        """When staff are next on duty: now during office hours, else the next opening
        (routine notices to staff wait for it; alerts to supervisors do not)."""
        return self.services.office.next_open(self.now)

    def button(self, key: str, data: str, /, **kw: Any) -> Button:
        return Button(self.label(key, **kw), data)

    def say(self, key: str, /, **kw: Any) -> Reply:
        """A one-line answer from the labels catalogue (errors, confirmations)."""
        if key == "err.usage":
            self.usage_error = True  # audited as not done, not as a ✅ action
        return Reply(self.label(key, **kw))

    # -- dialog state ----------------------------------------------------------------------
    @property
    def state(self) -> str:
        return self.conv.state

    @property
    def data(self) -> dict[str, Any]:
        return dict(self.conv.data or {})

    def set_state(self, state: str, **data: Any) -> None:
        self.conv.state = state
        self.conv.data = data
        self.conv.updated_at = self.now

    def update_data(self, **data: Any) -> None:
        merged = dict(self.conv.data or {})
        merged.update(data)
        self.conv.data = merged
        self.conv.updated_at = self.now

    def clear_state(self) -> None:
        self.set_state("idle")

    # -- effects ---------------------------------------------------------------------------
    async def notify(self, *notices: Notice | RobotAlert) -> int:
        """Queue notices in this transaction (bot.notices.push; a robot alert goes to the work
        groups, bot.robots); returns how many were queued (a used dedupe key queues nothing)."""
        queued = 0
        for n in notices:
            if isinstance(n, RobotAlert):
                queued += await robots.alert(
                    self.session, self.services, n.template, kind=n.kind, now=self.now,
                    dedupe_key=n.dedupe_key, matter_id=n.matter_id, department=n.department,
                    sensitive=n.sensitive, **n.params)
            else:
                queued += await push(self.session, self.services, n, now=self.now)
        return queued

    async def audit(self, action: str, *, matter_id: int | None = None,
                    target: str | None = None, detail: str = "", allowed: bool = True) -> None:
        await audit(self.session, actor=self.key, role=self.role.name, action=action,
                    now=self.now, matter_id=matter_id, target=target, detail=detail,
                    allowed=allowed)
