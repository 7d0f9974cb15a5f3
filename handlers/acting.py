"""A staff member acting on a matter: whether they may (domain.access, checked for every
matter a staff command or button names) and how notices and documents name them."""

from __future__ import annotations

from dataclasses import replace

from bot.context import Context
from bot.staff_names import staff_name, staff_names
from domain.access import matter_refusal
from domain.errors import DomainError
from domain.matter_rules import may_handle
from domain.names import StaffName
from knowledge.model import Item
from storage import matters
from storage.models import Matter


def _refusal(ctx: Context, matter: Matter) -> str | None:
    return matter_refusal(role=ctx.role.name, department=ctx.role.department, actor=ctx.key,
                          kind=matter.kind, sensitive=bool((matter.data or {}).get("sensitive")),
                          matter_department=matter.department, matter_owner=matter.owner)


def may_see(ctx: Context, matter: Matter) -> bool:
    """Whether this staff member may read and act on `matter` (department, owner, kind)."""
    return _refusal(ctx, matter) is None


async def matter_for_action(ctx: Context, ref: str, *, taking: bool = False) -> Matter:
    """The matter named by a staff command, locked, once the actor's right to it is checked;
    its id is recorded for the audit line whether the action succeeds or is refused."""
    matter = await matters.get_matter(ctx.session, ref, for_update=True)
    ctx.audit_matter_id = matter.id
    if taking and matter.owner and matter.owner != ctx.key and may_handle(
            kind=matter.kind, sensitive=bool((matter.data or {}).get("sensitive")),
            role=ctx.role.name):
        owner = (await names_for(ctx, [matter.owner]))[matter.owner]
        raise DomainError("already_taken", number=matter.number, owner=owner)
    if (refused := _refusal(ctx, matter)) is not None:
        raise DomainError(refused, number=matter.number)  # audited by the dispatcher
    return matter


async def names_for(ctx: Context, keys: list[str | None]) -> dict[str, str]:
    """Person key → how this reader reads them (民政办 王芳（3号窗口）), never the raw id."""
    found = await staff_names(ctx.session, ctx.services, keys)
    return {k: str(ctx.services.renderer.who(v, ctx.lang)) for k, v in found.items()}


async def me(ctx: Context) -> StaffName:
    """The acting staff member as residents will read them."""
    return await staff_name(ctx.session, ctx.services, ctx.key)


async def me_for(ctx: Context, item: Item | None) -> StaffName:
    """The acting staff member as notices and documents about `item` name them: a member of
    no department (the general desk) acts for the item's department at the item's window."""
    who = await me(ctx)
    if item is None:
        return who
    return replace(who, department=who.department or ctx.services.department_of(item),
                   window=who.window or item.window)
