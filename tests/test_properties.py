"""Property-based (hypothesis): random sequences of events from every role — text, commands
with random arguments, buttons seen before (stale by now, or someone else's) and forged ones,
contacts, photos, edits — through the core on SQLite. For every sequence:

- nothing escapes: no handler fails (no error logged, no "something went wrong" answer);
- every reply says something, fits the channel (Telegram: each part of its split ≤ 4,096
  characters; WeChat: each message ≤ 2,048 bytes), every button's callback data ≤ 64 bytes;
- no resident ever reads another resident's data (name, phone, case, booking code), in a
  reply or in a notice queued for them, and no resident's event changes another's matters
  or bookings;
- no action succeeds for a role that may not do it (the audit log), and roles change only
  through an admin.

Two residents are seeded with distinct names, phones, questions and bookings; r1's booking
became a case, handled and finished (a rating request waits for r1).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
import uuid
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from bot.app import App
from bot.channels.console import plain
from bot.channels.wechat.render import WECHAT_LIMIT, render, size
from bot.core import Event
from bot.textsplit import fits, split_message
from domain.messages import Reply
from storage.models import AuditEntry, Booking, Matter, MatterEvent, Outbox, Resident, StaffRole
from storage.people import ROLE_ORDER
from tests.factories import Clock, Console, make_app, make_settings, migrated_sqlite
from tests.matter_helpers import ask_staff, option, press, seed_booking

ROLES = {"r1": "resident", "r2": "resident", "r3": "resident", "staff": "staff",
         "boss": "supervisor", "admin": "admin"}
NAMES = {"r1": "王秀英", "r2": "李建国", "r3": "赵六", "staff": "张干事", "boss": "刘主任",
         "admin": "陈管理"}
R1_PHONE, R2_PHONE = "13811112222", "13933334444"
PRIVATE = {  # what only that resident (and staff) may read
    "r1": ("王秀英", R1_PHONE, "138****2222", "东村桥栏杆", "K7Q2WX"),
    "r2": ("李建国", R2_PHONE, "139****4444", "西街七号楼顶", "M4N8PZ"),
}
PHRASES = ["低保怎么申请", "孩子刚出生要上户口带什么", "路灯坏了", "身份证丢了怎么补办", "1", "2",
           "3", "10", "0", "是", "好的", "明天", "赵大爷", "13700001111", "0571-88886666",
           "how do I apply for subsistence allowance", "办好了", "请带户口簿来", "谢谢",
           "我要投诉", "下午三点", "/", "  ", "😀", "<b>粗体</b>", "{{ 7*7 }}", "a" * 900]
COMMAND_ARGS = ["", "1", "2", "3", "4", "7", "-1", "0", "99", "all", "mine", "new", "overdue",
                "K7Q2WX", "M4N8PZ", "ZZZZZZ", "2222", "4444", "console:staff2", "console:nobody",
                "console:staff2 staff", "console:newbie supervisor", "1 你好", "2 请补充材料",
                "1 2 需要核实", "1 console:staff2 给你", "2026-11-24", "1 办好了"]
PREFIXES = ["lang", "menu", "cmp", "chk", "item", "book", "ho", "gd", "rate", "case", "stf",
            "nope", ""]
ACTIONS = ["", "x", "ok", "new", "my", "all", "set", "show", "faq", "take", "i", "c", "r", "cx",
           "t", "d", "b", "o", "l", "s", "m", "add", "skip", "send", "from_booking", "hv", "e"]

_TEMPLATE: dict[str, Path] = {}


async def _seeded_template() -> Path:
    """A migrated SQLite file with the two residents' data, made once and copied per example."""
    if "db" in _TEMPLATE:
        return _TEMPLATE["db"]
    folder = Path(tempfile.mkdtemp(prefix="sb-props-"))
    url = await migrated_sqlite(folder / "seed.sqlite3")
    app = await make_app(make_settings(folder, url), Clock.local(2026, 11, 23, 10, 0))
    try:
        r1, r2 = Console(app, "r1", NAMES["r1"]), Console(app, "r2", NAMES["r2"])
        await ask_staff(app, r1, "东村桥栏杆松动了谁来修")
        await ask_staff(app, r2, "西街七号楼顶漏水找谁")
        await seed_booking(app, resident_user="r1", item_id="hukou-transfer", code="K7Q2WX",
                           phone=R1_PHONE)
        await seed_booking(app, resident_user="r2", item_id="id-card", code="M4N8PZ",
                           phone=R2_PHONE, status="active")
        staff = Console(app, "staff", NAMES["staff"])
        accepted = await staff.say("/accept K7Q2WX")
        await press(app, staff, option(accepted, "确认受理"))
        async with app.services.db.transaction() as s:
            case = await s.scalar(select(Matter.id).order_by(Matter.id.desc()).limit(1))
            for user, phone in (("r1", R1_PHONE), ("r2", R2_PHONE)):
                resident = await s.scalar(select(Resident).where(Resident.user_id == user))
                resident.phone, resident.real_name = phone, NAMES[user]
        assert "已办结" in "\n".join(r.text for r in await staff.say(f"/done {case} 已办结"))
    finally:
        await app.close()
    _TEMPLATE["db"] = folder / "seed.sqlite3"
    return _TEMPLATE["db"]


class Failures(logging.Handler):
    """Collects error records (a handler that failed is logged, then apologised for)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _texts(replies: list[Reply]) -> str:
    """Everything a person can read in replies: text, button labels, attachments."""
    out = []
    for reply in replies:
        out.append(plain(reply.text))
        out += [b.label for row in reply.buttons for b in row]
        for att in (reply.document, reply.photo):
            if att is not None:
                out += [att.caption, att.filename, att.data.decode("utf-8", "ignore")]
    return "\n".join(out)


def _event(actor: str, kind: str, **fields: Any) -> Event:
    # r2 and the supervisor write from English clients (replies in English until /lang)
    lang = "en" if actor in ("r2", "boss") else None
    return Event(channel="console", user_id=actor, kind=kind, display_name=NAMES[actor],
                 language_code=lang, **fields)


@st.composite
def _typed(draw) -> str:  # type: ignore[no-untyped-def]
    return draw(st.one_of(st.sampled_from(PHRASES), st.text(max_size=40),
                          st.integers(-2, 30).map(str)))


def _forged(draw) -> str:  # type: ignore[no-untyped-def]
    return draw(st.one_of(
        st.builds(lambda p, a, n, m: ":".join(x for x in (p, a, n, m) if x is not None),
                  st.sampled_from(PREFIXES), st.sampled_from(ACTIONS),
                  st.one_of(st.none(), st.integers(-1, 9).map(str),
                            st.sampled_from(["hukou-transfer", "id-card", "dibao", "zzz"])),
                  st.one_of(st.none(), st.integers(0, 6).map(str), st.text(max_size=8))),
        st.text(max_size=80)))


async def _snapshot(app: App) -> dict[str, dict[int, tuple]]:
    async with app.services.db.transaction() as s:
        matters = {r.id: (r.resident_id, tuple(r)) for r in (await s.execute(select(
            Matter.id, Matter.resident_id, Matter.status, Matter.owner, Matter.deadline,
            Matter.paused_since, Matter.rating))).all()}
        events = dict((await s.execute(select(MatterEvent.matter_id, func.count())
                                        .group_by(MatterEvent.matter_id))).all())
        bookings = {r.id: (r.resident_id, tuple(r)) for r in (await s.execute(select(
            Booking.id, Booking.resident_id, Booking.status, Booking.slot_id))).all()}
    return {"matters": {k: (owner, (row, events.get(k, 0))) for k, (owner, row) in matters.items()},
            "bookings": bookings}


def _changed_of_others(before: dict, after: dict, resident_id: int) -> list[str]:
    """Matters and bookings of someone else that an event of `resident_id` changed."""
    changed = []
    for table in ("matters", "bookings"):
        for key in before[table].keys() | after[table].keys():
            old, new = before[table].get(key), after[table].get(key)
            if old != new and (old or new)[0] != resident_id:
                changed.append(f"{table} {key}: {old} -> {new}")
    return changed


def _staff_part(snapshot: dict, keep: dict | None = None) -> dict[int, tuple]:
    """Owner and deadline of each matter (of those in `keep`, when given)."""
    return {key: (row[3], row[4]) for key, (_, (row, _)) in snapshot["matters"].items()
            if keep is None or key in keep["matters"]}


def _check_reply_shape(app: App, replies: list[Reply]) -> None:
    assert replies, "no answer at all"
    label = app.services.renderer.label
    for reply in replies:
        assert plain(reply.text).strip() or reply.document or reply.photo, f"empty reply {reply}"
        for part in split_message(reply.text):
            assert fits(part), f"a Telegram message over the limit ({len(part)} characters)"
        for row in reply.buttons:
            for button in row:
                assert 0 < len(button.data.encode()) <= 64, f"callback data {button.data!r}"
                assert plain(button.label).strip(), f"a button without a label: {button.data}"
    wechat = render(replies, label=lambda key, **kw: label("zh", key, **kw),
                    describe=lambda att: att.filename)
    assert all(size(part) <= WECHAT_LIMIT for part in wechat.parts)


async def _step(app: App, data, seen: dict[str, list[str]], rid: dict[str, int],  # type: ignore[no-untyped-def]
                failures: Failures, failed_texts: set[str]) -> None:
    # mostly the same person goes on pressing what they were shown, so flows get deep
    last = seen.get("_last", [])
    actor = data.draw(st.sampled_from(sorted(ROLES)), label="actor")
    if last and data.draw(st.integers(0, 9), label="go on") < 6:
        actor = last[0]
    kind = data.draw(st.sampled_from(["text", "text", "command", "command", "own", "own",
                                      "own", "seen", "forged", "contact", "photo", "edit"]),
                     label="kind")
    if kind == "own" and not seen[actor]:
        kind = "seen"
    if kind == "seen" and not any(seen[a] for a in ROLES):
        kind = "forged"
    if kind == "text":
        event = _event(actor, "text", text=data.draw(_typed(), label="text"))
    elif kind == "command":
        name = data.draw(st.sampled_from([*sorted(app.router.commands), "nosuch", "START"]),
                         label="command")
        args = data.draw(st.one_of(st.sampled_from(COMMAND_ARGS), st.text(max_size=30)),
                         label="args")
        event = _event(actor, "command", command=name.lower(), args=args)
    elif kind in ("own", "seen"):  # a button shown to this person — or to someone else
        owner = actor if kind == "own" else data.draw(
            st.sampled_from(sorted(u for u in ROLES if seen[u])), label="of")
        event = _event(actor, "choice", choice=data.draw(st.sampled_from(seen[owner]),
                                                         label="button"))
    elif kind == "forged":
        event = _event(actor, "choice", choice=_forged(data.draw))
    elif kind == "contact":
        phone = data.draw(st.sampled_from(["13700001111", "+86 137 0000 2222", "12345", ""]))
        whose = data.draw(st.sampled_from([actor, "someone-else", None]))
        event = _event(actor, "contact", phone=phone, contact_user_id=whose)
    elif kind == "photo":
        event = _event(actor, "photo", photo_id=f"ph{data.draw(st.integers(0, 9))}",
                       text=data.draw(_typed(), label="caption"))
    else:
        event = _event(actor, "text", text=data.draw(_typed(), label="edit"), edited=True)

    resident = ROLES[actor] == "resident"
    before = await _snapshot(app) if resident else None
    replies = await app.handle(event)
    assert not failures.records, f"{event}: {failures.records[0].getMessage()}"
    assert not failed_texts & {r.text for r in replies}, f"{event} was answered with an apology"
    _check_reply_shape(app, replies)
    seen[actor] = [b.data for r in replies for row in r.buttons for b in row] or seen[actor]
    seen["_last"] = [actor]
    if resident:
        readable = _texts(replies)
        said = " ".join((event.text, event.args, event.choice))  # typed it: an echo is no leak
        for other, private in PRIVATE.items():
            if other != actor:
                leaked = [p for p in private if p in readable and p not in said]
                assert not leaked, f"{actor} read {other}'s {leaked} after {event}"
        after = await _snapshot(app)
        changed = _changed_of_others(before, after, rid.get(actor, -1))
        assert not changed, f"{actor}'s {event} changed {changed}"
        # staff's part of a matter — who owns it, its deadline — is no resident's, own or not
        assert _staff_part(before) == _staff_part(after, keep=before), \
            f"{actor}'s {event} changed who handles a matter or when it is due"


async def _check_the_log_and_the_notices(app: App, rid: dict[str, int]) -> None:
    commands = app.router.commands
    async with app.services.db.transaction() as s:
        allowed = (await s.execute(select(AuditEntry.actor, AuditEntry.role, AuditEntry.action)
                                   .where(AuditEntry.allowed.is_(True)))).all()
        roles = (await s.execute(select(StaffRole.user_id, StaffRole.role))).all()
        notices = (await s.execute(select(Outbox.user_id, Outbox.payload)
                                   .where(Outbox.channel == "console"))).all()
    for actor, role, action in allowed:
        user = actor.removeprefix("console:")
        assert ROLES.get(user, role) == role, f"{actor} acted as {role}"
        assert ROLES.get(user) != "resident", f"resident {actor} did {action}"
        if action in commands:
            assert ROLE_ORDER.index(role) >= ROLE_ORDER.index(commands[action].role), \
                f"{actor} ({role}) did {action}"
    granted_by_admin = any(a in ("grant", "revoke") and r == "admin" for _, r, a in allowed)
    assert granted_by_admin or not roles, f"roles changed without an admin: {roles}"
    for user, payload in notices:
        if user in PRIVATE or user == "r3":
            readable = _texts([Reply.from_dict(r) for r in payload.get("replies", [])])
            for other, private in PRIVATE.items():
                if other != user:
                    assert not [p for p in private if p in readable], \
                        f"a notice for {user} holds {other}'s data"


@settings(max_examples=int(os.environ.get("SERVICEBOT_PROPERTY_EXAMPLES", "20")),
          deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
async def test_random_event_sequences_keep_every_promise(data):
    template = await _seeded_template()
    folder = Path(tempfile.mkdtemp(prefix="sb-prop-"))
    db = folder / f"{uuid.uuid4().hex}.sqlite3"
    shutil.copyfile(template, db)
    app = await make_app(make_settings(folder, f"sqlite+aiosqlite:///{db}"),
                         Clock.local(2026, 11, 23, 10, 30))
    failures = Failures()
    logging.getLogger().addHandler(failures)
    try:
        label = app.services.renderer.label
        failed_texts = {label(lang, key) for lang in ("zh", "en")
                        for key in ("err.internal", "err.db_unavailable")}
        async with app.services.db.transaction() as s:
            rid = dict((await s.execute(select(Resident.user_id, Resident.id))).all())
        seen: dict[str, list[str]] = {actor: [] for actor in ROLES}  # and "_last": who spoke
        async with app.services.db.transaction() as s:  # what the outbox showed them
            for user, payload in (await s.execute(select(Outbox.user_id, Outbox.payload))).all():
                seen.setdefault(user, [])
                seen[user] += [b[1] for r in payload.get("replies", [])
                               for row in r.get("buttons", []) for b in row]
        for _ in range(data.draw(st.integers(4, 24), label="steps")):
            await _step(app, data, seen, rid, failures, failed_texts)
            rid = rid if all(u in rid for u in ROLES) else await _ids(app)
        await _check_the_log_and_the_notices(app, rid)
    finally:
        logging.getLogger().removeHandler(failures)
        await app.close()
        shutil.rmtree(folder, ignore_errors=True)


async def _ids(app: App) -> dict[str, int]:
    async with app.services.db.transaction() as s:
        return dict((await s.execute(select(Resident.user_id, Resident.id))).all())
