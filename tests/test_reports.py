"""Situation reports over a generated month: every figure checked against counts computed
here independently; the PNG is a real, non-trivial picture; the XLSX has one sheet per table,
totals that agree, and masked phones; /report through the bot, and the weekly push once."""

from __future__ import annotations

import io
import random
import statistics
from datetime import UTC, date, datetime, timedelta

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import select

from bot import reports
from domain.reports import Period, parse_period
from storage.models import Booking, Matter, Outbox, Query, Resident, Slot
from tests.factories import TZ, Console, make_app, make_settings

NOV = Period("month", date(2026, 11, 1), date(2026, 12, 1))
KINDS = ("consult", "complaint", "case", "homevisit")
DEPTS = ("民政办", "社保所", None)
CATS = ("attitude", "efficiency", "fees", "other")
ITEMS = ("hukou-transfer", "id-card", "birth-registration")


def _local(d: date, hour: int) -> datetime:
    return datetime(d.year, d.month, d.day, hour, tzinfo=TZ).astimezone(UTC)


def generate(seed: int = 7):  # type: ignore[no-untyped-def]
    """October–November 2026 of activity, as plain dicts (what the test expects from)."""
    rnd = random.Random(seed)
    matters, queries, bookings = [], [], []
    for _ in range(260):
        created = date(2026, 10, 1) + timedelta(days=rnd.randrange(61))
        kind = rnd.choice(KINDS)
        deadline = created + timedelta(days=rnd.randrange(1, 15))
        done = created + timedelta(days=rnd.randrange(0, 20)) if rnd.random() < 0.7 else None
        if done and done >= date(2026, 12, 4):
            done = None
        matters.append(dict(
            kind=kind, department=rnd.choice(DEPTS), created=_local(created, rnd.randrange(8, 18)),
            deadline=deadline, done=_local(done, rnd.randrange(8, 23)) if done else None,
            category=rnd.choice(CATS) if kind == "complaint" else None,
            rating=rnd.choice((None, 1, 2, 3, 4, 5, 5)) if done else None,
            status="done" if done else rnd.choice(("open", "assigned")),
            phone=f"139{rnd.randrange(10**8):08d}"))
    for _ in range(900):
        at = _local(date(2026, 10, 20) + timedelta(days=rnd.randrange(45)), rnd.randrange(0, 24))
        confident = rnd.random() < 0.7
        queries.append(dict(at=at, confident=confident,
                            item_id=rnd.choice(ITEMS) if confident else None))
    for _ in range(80):
        starts = _local(date(2026, 10, 25) + timedelta(days=rnd.randrange(40)), rnd.randrange(8, 17))
        bookings.append(dict(starts=starts, status=rnd.choice(
            ("active", "cancelled", "checked_in", "no_show")), item=rnd.choice(ITEMS)))
    return matters, queries, bookings


async def seed(app, data) -> None:  # type: ignore[no-untyped-def]
    matters, queries, bookings = data
    async with app.services.db.transaction() as s:
        people = []
        for i, m in enumerate(matters):
            r = Resident(channel="console", user_id=f"gen{i}", display_name=f"居民{i}",
                         phone=m["phone"])
            s.add(r)
            people.append(r)
        await s.flush()
        for i, (m, r) in enumerate(zip(matters, people, strict=True)):
            s.add(Matter(number=f"G{i}", kind=m["kind"], status=m["status"], resident_id=r.id,
                         department=m["department"], category=m["category"],
                         deadline=m["deadline"], created_at=m["created"], updated_at=m["created"],
                         done_at=m["done"], rating=m["rating"], subject="x"))
        for q in queries:
            s.add(Query(at=q["at"], text="问题", confident=q["confident"], item_id=q["item_id"],
                        reading=None if q["confident"] else "低保", resident_id=people[0].id))
        for n, b in enumerate(bookings):
            slot = Slot(resource=f"w{n}", starts_at=b["starts"],
                        ends_at=b["starts"] + timedelta(minutes=30), capacity=3, booked=1)
            s.add(slot)
            await s.flush()
            s.add(Booking(code=f"C{n:05d}", resident_id=people[n].id, item_id=b["item"],
                          slot_id=slot.id, status=b["status"]))


def expected(data, period: Period, calendar, today: date):  # type: ignore[no-untyped-def]
    """The figures, computed the slow obvious way over the generated rows."""
    matters, queries, bookings = data
    start, end = period.bounds(TZ)
    inside = lambda t: t is not None and start <= t < end  # noqa: E731
    local = lambda t: t.astimezone(TZ).date()  # noqa: E731
    done = [m for m in matters if inside(m["done"])]
    on_time = [m for m in done if local(m["done"]) <= m["deadline"]]
    last_due = min(period.last_day, today - timedelta(days=1))
    overdue = [m for m in matters if period.start <= m["deadline"] <= last_due and (
        (m["done"] and local(m["done"]) > m["deadline"]) or not m["done"])]
    days = sorted(max(0, calendar.workdays_between(local(m["created"]), local(m["done"])))
                  for m in done)
    asked = [q for q in queries if inside(q["at"])]
    prev_start, prev_end = period.previous().bounds(TZ)
    return dict(
        received=sum(inside(m["created"]) for m in matters), done=len(done),
        on_time=len(on_time), overdue=len(overdue),
        median=days[(len(days) + 1) // 2 - 1] if days else None,
        p90=days[-(-len(days) * 90 // 100) - 1] if days else None,
        questions=len(asked), by_bot=sum(q["confident"] for q in asked),
        to_staff=sum(inside(m["created"]) and m["kind"] == "consult" for m in matters),
        complaints={c: sum(inside(m["created"]) and m["category"] == c for m in matters)
                    for c in CATS},
        ratings=[m["rating"] for m in done if m["rating"]],
        prev_ratings=[m["rating"] for m in matters if m["done"] and prev_start <= m["done"] < prev_end
                      and m["rating"]],
        noshows=sum(inside(b["starts"]) and b["status"] == "no_show" for b in bookings),
        bookings=sum(inside(b["starts"]) for b in bookings),
        home_visits=sum(inside(m["created"]) and m["kind"] == "homevisit" for m in matters),
        item_counts={i: sum(q["item_id"] == i for q in asked) for i in ITEMS},
    )


async def test_month_report_matches_independent_counts(app_on, clock):
    data = generate()
    await seed(app_on, data)
    clock.set_local(2026, 12, 4, 10)
    services = app_on.services
    async with services.db.transaction() as s:
        files = await reports.build(s, services, period=NOV, lang="zh")
    r, want = files.report, expected(data, NOV, services.calendar, date(2026, 12, 4))
    assert (r.received_total, r.done_total, r.on_time_total, r.overdue_total) == (
        want["received"], want["done"], want["on_time"], want["overdue"])
    assert (r.median_workdays, r.p90_workdays) == (want["median"], want["p90"])
    assert (r.questions, r.answered_by_bot, r.handed_to_staff) == (
        want["questions"], want["by_bot"], want["to_staff"])
    assert dict(r.complaints) == {c: n for c, n in want["complaints"].items() if n}
    assert sum(r.ratings.values()) == len(want["ratings"])
    assert r.rating_average == round(statistics.mean(want["ratings"]), 2)
    assert r.previous_rating_average == round(statistics.mean(want["prev_ratings"]), 2)
    assert (r.bookings_total, r.bookings.get("no_show", 0), r.home_visits) == (
        want["bookings"], want["noshows"], want["home_visits"])
    names = services.kb.names
    assert dict(r.top_items) == {names[i]: n for i, n in want["item_counts"].items() if n}
    # the message says the same numbers
    assert f"受理 {want['received']} 件" in files.text and f"超期 {want['overdue']} 件" in files.text

    png = Image.open(io.BytesIO(files.png))
    assert png.format == "PNG" and png.size[0] >= 800 and png.size[1] >= 600
    assert len(png.convert("RGB").getcolors(1 << 20) or []) > 50  # drawn, not a blank canvas

    wb = load_workbook(io.BytesIO(files.xlsx))
    assert wb.sheetnames == ["概况", "受理", "办结", "按期办结", "超期", "热点事项", "投诉类别",
                             "评价", "预约", "知识缺口", "事项明细"]
    assert sum(row[2] for row in wb["受理"].iter_rows(min_row=2, values_only=True)) == want["received"]
    assert sum(row[2] for row in wb["超期"].iter_rows(min_row=2, values_only=True)) == want["overdue"]
    summary = {k: v for k, v in wb["概况"].iter_rows(min_row=2, values_only=True)}
    assert summary["办结"] == want["done"] and summary["爽约"] == want["noshows"]
    listed = list(wb["事项明细"].iter_rows(min_row=2, values_only=True))
    in_nov = [m for m in data[0] if any(t and NOV.bounds(TZ)[0] <= t < NOV.bounds(TZ)[1]
                                        for t in (m["created"], m["done"]))]
    assert len(listed) == len(in_nov)
    phones = {m["phone"] for m in data[0]}
    assert all(row[-1].startswith("139****") and row[-1] not in phones for row in listed)


async def test_department_report_counts_only_its_matters(app, clock):
    data = generate(3)
    await seed(app, data)
    clock.set_local(2026, 12, 4, 10)
    async with app.services.db.transaction() as s:
        files = await reports.build(s, app.services, period=NOV, lang="en", department="民政办")
    start, end = NOV.bounds(TZ)
    mine = sum(m["department"] == "民政办" and start <= m["created"] < end for m in data[0])
    assert files.report.received_total == mine
    assert {d for _, d, _ in files.report.received} == {"民政办"}
    assert files.report.gaps == [] and "Knowledge gaps" not in files.text
    assert "Summary" in load_workbook(io.BytesIO(files.xlsx)).sheetnames


def test_periods():
    today = date(2026, 12, 4)  # a Friday
    assert parse_period("", today) == Period("week", date(2026, 11, 23), date(2026, 11, 30))
    assert parse_period("month", today) == NOV
    assert parse_period("2026-12", today) == Period("month", date(2026, 12, 1), date(2026, 12, 5))
    assert parse_period("2027-01", today) is None and parse_period("soon", today) is None
    assert NOV.previous() == Period("month", date(2026, 10, 1), date(2026, 11, 1))


async def test_report_command_sends_message_chart_and_workbook(app, clock):
    await seed(app, generate(5))
    clock.set_local(2026, 12, 4, 10)
    replies = await Console(app, "boss").say("/report 2026-11")
    assert "情况报告 2026-11" in replies[0].text
    assert replies[1].photo and replies[1].photo.data.startswith(b"\x89PNG")
    assert replies[2].document and replies[2].document.filename.endswith(".xlsx")
    bad = await Console(app, "boss").text("/report yesterday")
    assert "用法" in bad
    # a resident has no such command; staff without a department are told why
    assert "情况报告" not in await Console(app, "resident1").text("/report")
    assert "所属部门" in await Console(app, "staff").text("/report")


async def test_weekly_report_is_pushed_to_supervisors_once(tmp_path, sqlite_url, clock):
    app = await make_app(make_settings(tmp_path, sqlite_url, weekly_report=True), clock)
    try:
        await seed(app, generate(9))
        clock.set_local(2026, 11, 30, 9)  # Monday morning: last week's report
        await app.scheduler.tick()
        await app.scheduler.tick()
        async with app.services.db.transaction() as s:
            rows = list(await s.scalars(select(Outbox).where(Outbox.kind == "weekly_report")))
        by_person: dict[str, int] = {}
        for row in rows:
            by_person[row.user_id] = by_person.get(row.user_id, 0) + 1
        assert by_person == {"boss": 3, "9100": 3, "admin": 3, "9900": 3}  # text, chart, workbook
        assert "2026-W48" in rows[0].payload["replies"][0]["text"]
    finally:
        await app.close()


def test_report_command_line_writes_the_three_files(tmp_path):
    from tests.test_cli import run

    run(["console"], tmp_path, stdin="村口的路灯坏了好几天了归谁管\n1\n/quit\n")
    this_month = datetime.now(TZ).strftime("%Y-%m")
    out = run(["report", "--period", this_month, "--out", str(tmp_path / "out")], tmp_path)
    assert out.returncode == 0, out.stderr
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert files == [f"情况报告-{this_month}.{ext}" for ext in ("png", "txt", "xlsx")]
    text = (tmp_path / "out" / f"情况报告-{this_month}.txt").read_text(encoding="utf-8")
    assert "受理 1 件" in text and "<b>" not in text
    bad = run(["report", "--period", "someday", "--out", str(tmp_path / "out")], tmp_path)
    assert bad.returncode == 2 and "用法" in bad.stderr


def test_chinese_labels_render_as_glyphs_not_boxes():
    """Two different Chinese words must draw differently: missing glyphs are identical boxes."""
    import pytest

    from bot.report_files import cjk_font

    if cjk_font() is None:
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk): charts fall back")
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    def draw(word: str) -> bytes:
        with matplotlib.rc_context({"font.family": [cjk_font()]}):
            fig = Figure(figsize=(2, 1), dpi=50)
            fig.text(0.1, 0.3, word, fontsize=20)
            buf = io.BytesIO()
            fig.savefig(buf, format="png")
        return Image.open(buf).convert("L").tobytes()

    assert draw("受理") != draw("办结")
