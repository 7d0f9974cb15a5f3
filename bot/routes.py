"""Every handler is registered here, in one place and in order: each module's `register`
adds its commands (with their least role), its buttons per `prefix:action` (with their
argument count and least role, enforced by the dispatcher like a command's) and its states."""

from __future__ import annotations

from bot.router import Router
from handlers import (
    admin,
    appointments,
    appointments_staff,
    away,
    cases,
    checklist,
    common,
    complaints,
    consult,
    data_rights,
    done,
    forwarding,
    gaps,
    guide,
    handoff,
    office,
    proxy,
    ratings,
    reports,
    staff,
    status,
)


def build_router() -> Router:
    router = Router()
    # resident commands first: /help lists commands in registration order
    common.register(router)
    status.register(router)
    consult.register(router)  # also sets the fallback for free text
    guide.register(router)  # /guide: browse the service items by category
    checklist.register(router)
    handoff.register(router)
    appointments.register(router)  # /book, /mybookings, /homevisit; book:… buttons and states
    complaints.register(router)  # /complain, also the menu's 投诉建议 (menu:complain)
    ratings.register(router)  # rate: buttons of completion notices, and the comment after
    data_rights.register(router)  # /mydata, /forget (supervisors: /forget RESIDENT)
    proxy.register(router)  # proxy: 全程代办 from the item card, and the delivery address
    # staff commands last, so /help shows them after the residents' ones
    staff.register(router)
    appointments_staff.register(router)  # /today, /checkin, /noshow
    cases.register(router)  # /accept (also case:from_booking after /checkin), /missing, ...
    done.register(router)  # /done: completion notice and rating request
    reports.register(router)  # /report: staff get their department's, supervisors the center's
    gaps.register(router)  # /gaps, /kb reload; gap: buttons
    office.register(router)  # /profile, /departments
    forwarding.register(router)  # /forward, /returned (上报 and 代办)
    away.register(router)  # /away: AB岗 backups
    # supervisor and admin commands after the staff ones, in the same spirit
    admin.register(router)
    return router
