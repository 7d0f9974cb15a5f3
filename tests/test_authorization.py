"""Authorization: every staff, supervisor and admin command (and button) tried as a resident
and as staff of another department is refused, changes nothing, and the attempt is audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from storage.models import AuditEntry, Matter, MatterEvent, Outbox, StaffRole
from tests.factories import Console, Inboxes, make_app, make_settings
from tests.matter_helpers import press, press_label, seed_booking, text_of

HUKOU = "派出所户籍室"
CIVIL = "民政办（社会事务办）"

# acting on matter 1 (a case of 派出所户籍室 owned by console:staff) or 2 (an unowned
# consultation of the same department)
MATTER_COMMANDS = ["/show 1", "/take 2", "/reply 1 你好", "/transfer 1 console:staff2 给你",
                   "/note 1 看看", "/missing 1", "/resume 1", "/extend 1 2 想延期",
                   "/done 1 办好了", "/accept Q2"]
STAFF_COMMANDS = [*MATTER_COMMANDS, "/queue", "/find 5678", "/accept ZX01"]
SUPERVISOR_COMMANDS = ["/digest", "/audit", "/audit 1"]
ADMIN_COMMANDS = ["/roles", "/grant console:r1 admin", "/revoke console:staff2",
                  "/grant console:staff2 supervisor"]


@pytest.fixture
async def dept_app(tmp_path, db_url, clock):  # type: ignore[no-untyped-def]
    settings = make_settings(tmp_path, db_url, staff_departments={
        "console:staff": HUKOU, "console:staff2": CIVIL})
    app = await make_app(settings, clock)
    app.attach_sender("console", Inboxes())
    yield app
    await app.close()


async def _seed(app) -> int:  # type: ignore[no-untyped-def]
    """B1: an accepted 户口迁移 case owned by console:staff; Q2: an unowned consultation about
    户口迁移 (department 派出所户籍室); a second booking ZX01 not yet accepted."""
    res = Console(app, "r1", "王大妈")
    await res.say("/status")
    await seed_booking(app, resident_user="r1", item_id="hukou-transfer", code="K7Q2")
    staff = Console(app, "staff")
    replies = await staff.say("/accept K7Q2")
    await press_label(app, staff, replies, "确认受理")
    await press(app, res, "ho:i:hukou-transfer")
    await res.say("迁到外省需要先开准迁证吗")
    return await seed_booking(app, resident_user="r1", item_id="id-card", code="ZX01")


async def _snapshot(app) -> tuple:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        matters = (await s.execute(select(
            Matter.id, Matter.status, Matter.owner, Matter.deadline, Matter.paused_since,
            Matter.department, Matter.rating).order_by(Matter.id))).all()
        events = await s.scalar(select(func.count()).select_from(MatterEvent))
        notices = await s.scalar(select(func.count()).select_from(Outbox))
        roles = (await s.execute(select(StaffRole.user_id, StaffRole.role))).all()
    return matters, events, notices, roles


async def _refused(app) -> list[tuple[str, int | None]]:  # type: ignore[no-untyped-def]
    async with app.services.db.transaction() as s:
        rows = await s.execute(select(AuditEntry.action, AuditEntry.matter_id)
                               .where(AuditEntry.allowed.is_(False)).order_by(AuditEntry.id))
        return [tuple(r) for r in rows.all()]


async def test_residents_are_refused_every_privileged_command_and_button(dept_app):
    app = dept_app
    booking_id = await _seed(app)
    before = await _snapshot(app)
    resident = Console(app, "r1")
    commands = STAFF_COMMANDS + SUPERVISOR_COMMANDS + ADMIN_COMMANDS
    for cmd in commands:
        assert "没有使用" in await resident.text(cmd), cmd
    buttons = ["stf:take:2", f"case:from_booking:{booking_id}", "case:m:1", "case:ok"]
    for data in buttons:
        assert "没有使用" in text_of(await press(app, resident, data)), data
    assert await _snapshot(app) == before
    refused = await _refused(app)
    assert len(refused) == len(commands) + len(buttons)
    assert {a for a, _ in refused} >= {c.split()[0][1:] for c in commands}


async def test_staff_of_another_department_is_refused_and_audited(dept_app):
    app = dept_app
    await _seed(app)
    before = await _snapshot(app)
    other = Console(app, "staff2", "民政小刘")
    for cmd in MATTER_COMMANDS:
        text = await other.text(cmd)
        assert "不属于您的部门" in text, (cmd, text)
    assert "不属于您的部门" in await other.text("/accept ZX01")  # an 户籍室 item
    for cmd in SUPERVISOR_COMMANDS + ADMIN_COMMANDS:
        assert "没有使用" in await other.text(cmd), cmd
    assert "不属于您的部门" in text_of(await press(app, other, "stf:take:2"))
    # lists show nothing of the other department (read-only, allowed, audited as such)
    assert "B1" not in await other.text("/queue") and "Q2" not in await other.text("/queue all")
    assert "B1" not in await other.text("/find 5678")
    assert await _snapshot(app) == before
    refused = await _refused(app)
    expected = len(MATTER_COMMANDS) + 1 + len(SUPERVISOR_COMMANDS) + len(ADMIN_COMMANDS) + 1
    assert len(refused) == expected
    # refusals on a matter name it, so a supervisor can see who tried what
    on_matters = [m for a, m in refused if a in ("show", "reply", "note", "done", "missing")]
    assert on_matters == [1, 1, 1, 1, 1]


async def test_the_owner_and_a_supervisor_may_act(dept_app):
    app = dept_app
    await _seed(app)
    assert "B1" in await Console(app, "staff").text("/show 1")
    assert "B1" in await Console(app, "boss").text("/show 1")
    assert await _refused(app) == []
