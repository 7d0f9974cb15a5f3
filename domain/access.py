"""Who may act on a matter: its owner; staff of its department (or of none); supervisors and
admins always. Staff of another department only after a transfer to them."""

from __future__ import annotations

from domain.matter_rules import may_handle


def may_act(*, role: str, department: str | None, actor: str, matter_department: str | None,
            matter_owner: str | None) -> bool:
    if role in ("supervisor", "admin"):
        return True
    if role != "staff":
        return False
    if matter_owner is not None:
        return matter_owner == actor or (department is not None and department == matter_department
                                         and matter_owner is None)
    return department is None or matter_department is None or department == matter_department


def may_unmask(*, role: str, actor: str, matter_owner: str | None) -> bool:
    """Who sees a resident's full phone number in a matter (their job is to call): its owner,
    and supervisors and admins; colleagues of the department see it masked until they own it."""
    return role in ("supervisor", "admin") or (role == "staff" and matter_owner == actor)


def matter_refusal(*, role: str, department: str | None, actor: str, kind: str,
                   sensitive: bool, matter_department: str | None,
                   matter_owner: str | None) -> str | None:
    """Why this actor may not read or act on a matter (the refusal's error code), or None:
    its kind may need a supervisor (integrity complaints), else `may_act` decides."""
    if not may_handle(kind=kind, sensitive=sensitive, role=role):
        return "needs_supervisor"
    if not may_act(role=role, department=department, actor=actor,
                   matter_department=matter_department, matter_owner=matter_owner):
        return "not_your_matter"
    return None
