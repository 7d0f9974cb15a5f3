"""上报 and 代办 on a case (办件): forwarded to a higher office, the clock stopped while it is
there (上报件: the superior's approval time does not count), the office's result recorded and
the clock running again from the moved deadline. State and history in the caller's
transaction, with the notices the handler queues."""

from __future__ import annotations

import copy
from datetime import date, datetime
from typing import Any

from domain.errors import DomainError
from storage.matters import add_event, ensure_open
from storage.models import Matter


def _case(matter: Matter) -> None:
    if matter.kind != "case":
        raise DomainError("not_a_case", number=matter.number)
    ensure_open(matter)


async def forward(session: Any, matter: Matter, *, staff: str, office: str, note: str,
                  now: datetime) -> None:
    """The case goes to `office`; its clock stops (a pause for 补正 already running keeps
    its start)."""
    _case(matter)
    if matter.status == "forwarded":
        raise DomainError("already_forwarded", number=matter.number,
                          office=(matter.data or {}).get("forwarded", {}).get("office", ""))
    if matter.paused_since is None:
        matter.paused_since = now
    matter.status = "forwarded"
    data = copy.deepcopy(matter.data or {})  # a new value, or the JSON change goes unseen
    data["forwarded"] = {"office": office, "note": note, "at": now.isoformat()}
    matter.data = data
    await add_event(session, matter, actor=staff, kind="forwarded", now=now,
                    text=office + (f"：{note}" if note else ""),
                    data={"office": office, "note": note})


async def returned(session: Any, matter: Matter, *, staff: str, result: str, now: datetime,
                   new_deadline: date | None, paused_days: int) -> None:
    """The office answered: its result is recorded, the clock runs again."""
    _case(matter)
    if matter.status != "forwarded":
        raise DomainError("not_forwarded", number=matter.number)
    old = matter.deadline
    matter.paused_since = None
    matter.status = "assigned"
    if new_deadline is not None:
        matter.deadline = new_deadline
    data = copy.deepcopy(matter.data or {})
    office = data.pop("forwarded", {}).get("office", "")
    data.setdefault("returns", []).append(
        {"office": office, "result": result, "at": now.isoformat(), "paused_workdays": paused_days})
    data["paused_workdays"] = int(data.get("paused_workdays", 0)) + paused_days
    matter.data = data
    await add_event(session, matter, actor=staff, kind="returned", now=now, text=result,
                    data={"office": office, "paused_workdays": paused_days, "from": str(old),
                          "to": str(matter.deadline)})
