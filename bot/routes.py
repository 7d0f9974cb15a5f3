"""Every handler is registered here, in one place and in order."""

from __future__ import annotations

from bot.router import Router
from handlers import appointments, appointments_staff, checklist, common, consult, handoff, staff, status


def build_router() -> Router:
    router = Router()
    # resident commands first: /help lists commands in registration order
    common.register(router)
    status.register(router)
    consult.register(router)  # also sets the fallback for free text
    checklist.register(router)
    handoff.register(router)
    appointments.register(router)  # /book, /mybookings, /homevisit; book: buttons and states
    # staff commands last, so /help shows them after the residents' ones
    staff.register(router)
    appointments_staff.register(router)  # /today, /checkin, /noshow
    return router
