"""Roles: /grant and /revoke by admins (configured admins stay), /roles, /help per role, and
the audit trail of privileged actions with the matter each touched."""

from __future__ import annotations

from storage.models import AuditEntry, StaffRole
from tests.factories import Console
from tests.matter_helpers import ask_staff, count, pushed, refusals

STAFF_ONLY = ["/queue", "/accept", "/missing", "/resume", "/extend", "/done", "/note", "/find",
              "/take", "/reply", "/transfer", "/show"]
SUPERVISOR_ONLY = ["/digest", "/audit"]
ADMIN_ONLY = ["/grant", "/revoke", "/roles"]


async def test_help_shows_each_role_only_what_it_may_do(app):
    def lines(text: str) -> set[str]:
        return {w.split()[0] for w in text.splitlines() if w.startswith("/")}

    resident = lines(await Console(app, "r1").text("/help"))
    staff = lines(await Console(app, "staff").text("/help"))
    boss = lines(await Console(app, "boss").text("/help"))
    admin = lines(await Console(app, "admin").text("/help"))
    assert "/complain" in resident and "/status" in resident
    assert not resident & set(STAFF_ONLY + SUPERVISOR_ONLY + ADMIN_ONLY)
    assert set(STAFF_ONLY) <= staff and not staff & set(SUPERVISOR_ONLY + ADMIN_ONLY)
    assert set(STAFF_ONLY + SUPERVISOR_ONLY) <= boss and not boss & set(ADMIN_ONLY)
    assert set(STAFF_ONLY + SUPERVISOR_ONLY + ADMIN_ONLY) <= admin


async def test_admin_grants_and_revokes_a_role(app, inboxes):
    admin = Console(app, "admin", "站长")
    newcomer = Console(app, "newbie", "新同事")
    assert "没有使用 /queue" in await newcomer.text("/queue")
    reply = await admin.text("/grant console:newbie staff 民政办（社会事务办）")
    assert "console:newbie" in reply and "工作人员" in reply
    await app.delivery.drain()
    assert any("工作人员权限" in t and "民政办" in t for t in pushed(inboxes, "newbie"))
    assert "待办列表" in await newcomer.text("/queue")
    assert "/accept" in await newcomer.text("/help")
    roles = await admin.text("/roles")
    assert "console:newbie" in roles and "console:admin" in roles
    # a granted supervisor may be promoted and demoted
    await admin.say("/grant console:newbie 主管")
    assert "/digest" in await newcomer.text("/help")
    assert "已收回" in await admin.text("/revoke console:newbie")
    assert "没有使用 /queue" in await newcomer.text("/queue")
    assert await count(app, StaffRole) == 0
    await app.delivery.drain()
    assert any("权限已收回" in t for t in pushed(inboxes, "newbie"))


async def test_configured_roles_cannot_be_revoked_and_bad_input_is_explained(app):
    admin = Console(app, "admin")
    assert "配置文件" in await admin.text("/revoke console:admin")
    assert "配置文件" in await admin.text("/revoke console:staff")
    assert "没有授予的权限" in await admin.text("/revoke console:nobody")
    assert "没有「boss」这个角色" in await admin.text("/grant console:x boss")
    assert "用法" in await admin.text("/grant console:x")
    assert "/queue" in await Console(app, "admin").text("/help")  # still an admin
    assert await count(app, StaffRole) == 0


async def test_revoking_someone_with_open_matters_warns_to_hand_them_over(app, inboxes):
    admin = Console(app, "admin")
    await admin.say("/grant console:temp staff")
    res = Console(app, "r2")
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")
    await Console(app, "temp").say("/take 1")
    assert "还负责 1 件在办事项" in await admin.text("/revoke console:temp")


async def test_privileged_actions_are_audited_with_their_matter(app, inboxes):
    res = Console(app, "r3")
    await ask_staff(app, res, "村口那条路的路灯坏了好几天了谁管")
    staff = Console(app, "staff")
    await staff.say("/take 1")
    await staff.say("/note 1 已电话联系")
    await staff.say("/reply 1 明天修")
    await staff.say("/done 1 修好了")
    async with app.services.db.transaction() as s:
        from sqlalchemy import select

        rows = (await s.execute(select(AuditEntry.action, AuditEntry.matter_id, AuditEntry.actor)
                                .where(AuditEntry.allowed).order_by(AuditEntry.id))).all()
    assert [(a, m) for a, m, _ in rows] == [("take", 1), ("note", 1), ("reply", 1), ("done", 1)]
    assert {actor for *_, actor in rows} == {"console:staff"}
    audit = await Console(app, "boss").text("/audit 1")
    assert "/take" in audit and "/done" in audit and "console:staff" in audit
    assert await refusals(app) == 0
