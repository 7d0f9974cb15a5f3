"""Roles and oversight: /grant, /revoke, /roles (admins); /audit and /digest (supervisors).

Admins bootstrap from configuration and cannot be revoked in the chat; granted roles live in
`staff_roles`. Every command here is audited by the dispatcher like any privileged command.
"""

from __future__ import annotations

from datetime import timedelta

from bot.context import Context
from bot.router import Router
from bot.settings import person_key
from bot.staff_names import away_entries
from domain.departments import UnknownDepartment
from domain.errors import DomainError
from domain.messages import Reply
from domain.privacy import mask_text
from services.notices import notice
from storage import matters, reports, roles
from storage.people import configured_role, recent_audit

# what admins may type for a role, in either language
ROLE_WORDS = {"staff": "staff", "工作人员": "staff", "supervisor": "supervisor", "主管": "supervisor",
              "admin": "admin", "管理员": "admin"}
AUDIT_LINES = 20


async def grant_cmd(ctx: Context) -> list[Reply]:
    """/grant USER ROLE [department] — USER as channel:user_id (a bare number is Telegram)."""
    args = ctx.event.args.strip().split(None, 2)
    if len(args) < 2:
        return [ctx.say("err.usage", usage=ctx.label("usage.grant"))]
    key = person_key(args[0].lstrip("@"))
    role = ROLE_WORDS.get(args[1].lower())
    if role is None:
        raise DomainError("bad_role", role=args[1][:20])
    department = None
    if len(args) > 2:
        try:  # a code, a name or a short name; anything else is refused with the valid list
            department = ctx.services.registry.resolve(args[2])
        except UnknownDepartment as exc:
            raise DomainError("unknown_department", text=args[2].strip()[:40],
                              valid=exc.valid) from exc
    await roles.grant(ctx.session, key=key, role=role, department=department, by=ctx.key,
                      now=ctx.now)
    ctx.roles_changed = True
    await ctx.notify(notice([key], "admin/granted", kind="role_granted", role=role,
                            department=department))
    configured = configured_role(ctx.services.settings, key)
    return [ctx.say("msg.granted", who=key, role=ctx.label(f"role.{role}"),
                    department=ctx.services.registry.name(department, ctx.lang),
                    configured=configured.name if configured else "")]


async def revoke_cmd(ctx: Context) -> list[Reply]:
    """/revoke USER — back to resident; open matters they own must be handed over."""
    args = ctx.event.args.strip().split()
    if len(args) != 1:
        return [ctx.say("err.usage", usage=ctx.label("usage.revoke"))]
    key = person_key(args[0].lstrip("@"))
    role = await roles.revoke(ctx.session, ctx.services.settings, key=key)
    ctx.roles_changed = True
    owned = await roles.open_matters_owned(ctx.session, key)
    await ctx.notify(notice([key], "admin/revoked", kind="role_revoked", role=role))
    return [ctx.say("msg.revoked", who=key, role=ctx.label(f"role.{role}"), owned=owned)]


async def roles_cmd(ctx: Context) -> list[Reply]:
    """/roles — everyone with a role: from configuration (cannot be revoked here) and granted."""
    settings = ctx.services.settings
    configured = []
    for key in dict.fromkeys((*settings.admins, *settings.supervisors, *settings.staff)):
        role = configured_role(settings, key)
        if role is not None:
            configured.append((key, role.name, role.department))
    granted = await roles.granted_roles(ctx.session)
    return [Reply(ctx.t("admin/roles", configured=configured, granted=granted))]


async def audit_cmd(ctx: Context) -> list[Reply]:
    """/audit [N] — the latest audit lines, or those of one matter (登记备案)."""
    arg = ctx.event.args.strip()
    matter_id = matters.parse_ref(arg) if arg else None
    if arg and matter_id is None:
        return [ctx.say("err.usage", usage=ctx.label("usage.audit"))]
    if matter_id is not None and await matters.matter_by_id(ctx.session, matter_id) is not None:
        ctx.audit_matter_id = matter_id  # the audit line's foreign key
    rows = await recent_audit(ctx.session, limit=AUDIT_LINES, matter_id=matter_id)
    return [Reply(ctx.t("admin/audit", entries=rows, mask=mask_text, matter_id=matter_id))]


async def digest_cmd(ctx: Context) -> list[Reply]:
    """/digest — today's digest on demand (the last 24 hours), as the scheduler sends it."""
    digest = await reports.digest(ctx.session, today=ctx.today, tz=ctx.services.tz,
                                  item_names=ctx.services.kb.names,
                                  since=ctx.now - timedelta(days=1))
    away = await away_entries(ctx.session, ctx.services, ctx.now)
    return [Reply(ctx.t("schedule/digest", digest=digest, away=away))]


def register(router: Router) -> None:
    router.command("digest", digest_cmd, role="supervisor", help_key="help.digest")
    router.command("audit", audit_cmd, role="supervisor", help_key="help.audit")
    router.command("roles", roles_cmd, role="admin", help_key="help.roles")
    router.command("grant", grant_cmd, role="admin", help_key="help.grant")
    router.command("revoke", revoke_cmd, role="admin", help_key="help.revoke")
