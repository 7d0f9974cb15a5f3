"""Rules about complaints, ratings and who handles what, as plain functions.

- Complaint categories, and when a complaint alerts supervisors at once (一事一报): fees or
  corruption (乱收费 / 吃拿卡要, 廉政), or marked urgent.
- Integrity complaints are handled by supervisors only: the person complained about may be a
  colleague in the queue.
- Ratings (好差评) 1-5; 2 or less opens a follow-up (回访整改) that only supervisors handle.
"""

from __future__ import annotations

# stored in Matter.category; labels cmp.cat.<code>
COMPLAINT_CATEGORIES = ("attitude", "efficiency", "fees", "buck_passing", "other")
INTEGRITY_CATEGORIES = ("fees",)
# words that make a complaint an integrity matter (廉政) whatever category was chosen
INTEGRITY_WORDS = (
    "廉政", "腐败", "贪污", "受贿", "索贿", "行贿", "索要", "红包", "回扣", "好处费", "吃拿卡要",
    "乱收费", "多收费", "收钱", "要钱", "送礼", "请客", "购物卡", "bribe", "kickback", "corrupt",
)

RATING_SCORES = (5, 4, 3, 2, 1)  # best first: 非常满意 … 非常不满意
# the order of the rating buttons: worst to best, so that where options are numbered
# (console, WeChat) typing 5 gives 5 — best first made "1" the best score
RATING_BUTTON_ORDER = (1, 2, 3, 4, 5)
FOLLOWUP_AT_OR_BELOW = 2
RATED_KINDS = ("consult", "complaint", "case", "homevisit")  # a follow-up is not rated again
SUPERVISOR_KINDS = ("followup",)


def complaint_category(code: str) -> str | None:
    return code if code in COMPLAINT_CATEGORIES else None


def is_integrity_matter(category: str | None, text: str) -> bool:
    """Fees or corruption: by the category chosen or by what the resident wrote."""
    if category in INTEGRITY_CATEGORIES:
        return True
    lowered = text.lower()
    return any(word in lowered for word in INTEGRITY_WORDS)


def alerts_supervisors(category: str | None, urgent: bool, text: str) -> bool:
    """一事一报: supervisors hear of it at once, not in tomorrow's digest."""
    return urgent or is_integrity_matter(category, text)


def may_handle(*, kind: str, sensitive: bool, role: str) -> bool:
    """Beyond department rules (domain.access): follow-ups of bad ratings and integrity
    complaints are for supervisors and admins only."""
    if kind in SUPERVISOR_KINDS or (kind == "complaint" and sensitive):
        return role in ("supervisor", "admin")
    return True


def valid_score(score: int) -> bool:
    return score in RATING_SCORES


def needs_followup(score: int) -> bool:
    """不满意 or 非常不满意: followed up and rectified by a supervisor."""
    return score <= FOLLOWUP_AT_OR_BELOW


def asks_rating(kind: str) -> bool:
    return kind in RATED_KINDS
