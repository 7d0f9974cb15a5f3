"""A situation report as files a supervisor can look at and forward: one PNG of charts
(matplotlib, Agg) and an XLSX workbook (openpyxl), one sheet per table plus the raw list
of matters with phone numbers masked. Every word on them comes from the label catalogues.

Chinese labels need a CJK font: the first of CJK_FONTS that fontconfig/matplotlib knows is
used (`apt-get install fonts-noto-cjk`); without one the charts are still drawn — with a
warning in the log, and boxes where the characters should be.
"""

from __future__ import annotations

import asyncio
import io
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from functools import cache
from typing import Any
from zoneinfo import ZoneInfo

from domain.privacy import mask_phone
from domain.reports import Report

log = logging.getLogger(__name__)

CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Serif CJK SC", "Source Han Sans SC",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Droid Sans Fallback")
Label = Callable[..., str]


@cache
def cjk_font() -> str | None:
    """The name of an installed font with Chinese glyphs, or None (warned once)."""
    from matplotlib import font_manager

    installed = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in installed:
            return name
    log.warning("no Chinese font found (tried %s): report charts will show boxes for Chinese "
                "labels; install fonts-noto-cjk", ", ".join(CJK_FONTS))
    return None


def chart_png(report: Report, label: Label, *, title: str) -> bytes:
    """Four panels: matters by kind, questions, ratings against the previous period, the
    most asked items."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    font = cjk_font()
    rc = {"font.family": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
          "axes.unicode_minus": False}
    with matplotlib.rc_context(rc):
        fig = Figure(figsize=(11, 8), dpi=100)
        axes = fig.subplots(2, 2)
        _kinds(axes[0][0], report, label)
        _questions(axes[0][1], report, label)
        _ratings(axes[1][0], report, label)
        _items(axes[1][1], report, label)
        from matplotlib.ticker import MaxNLocator

        for ax in (axes[0][0], axes[0][1], axes[1][0]):
            ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts, not fractions
        axes[1][1].xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.suptitle(title, fontsize=14)
        fig.tight_layout(rect=(0, 0, 1, 0.96))
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


def _kinds(ax: Any, report: Report, label: Label) -> None:
    received, done, late = (report.by_kind(r) for r in (report.received, report.done,
                                                        report.overdue))
    kinds = sorted(set(received) | set(done) | set(late))
    xs = range(len(kinds))
    width = 0.27
    for shift, values, key in ((-width, received, "rpt.received"), (0, done, "rpt.done"),
                               (width, late, "rpt.overdue")):
        ax.bar([x + shift for x in xs], [values.get(k, 0) for k in kinds], width,
               label=label(key))
    ax.set_xticks(list(xs), [label(f"matter.{k}") for k in kinds])
    ax.set_title(label("rpt.chart.matters"))
    ax.legend()


def _questions(ax: Any, report: Report, label: Label) -> None:
    parts = [(label("rpt.by_bot"), report.answered_by_bot),
             (label("rpt.not_answered"), report.questions - report.answered_by_bot),
             (label("rpt.to_staff"), report.handed_to_staff)]
    ax.bar([p[0] for p in parts], [p[1] for p in parts], color=["#4c9f70", "#d9a441", "#5b7fbf"])
    for i, (_, n) in enumerate(parts):
        ax.annotate(str(n), (i, n), ha="center", va="bottom")
    ax.set_title(label("rpt.chart.questions", n=report.questions))


def _ratings(ax: Any, report: Report, label: Label) -> None:
    scores = [1, 2, 3, 4, 5]
    ax.bar([s - 0.2 for s in scores], [report.ratings.get(s, 0) for s in scores], 0.4,
           label=label("rpt.this_period"))
    ax.bar([s + 0.2 for s in scores], [report.previous_ratings.get(s, 0) for s in scores], 0.4,
           label=label("rpt.previous_period"))
    ax.set_xticks(scores, [str(s) for s in scores])
    ax.set_title(label("rpt.chart.ratings"))
    ax.legend()


def _items(ax: Any, report: Report, label: Label) -> None:
    top = list(reversed(report.top_items[:8]))
    ax.barh([name[:14] for name, _ in top], [n for _, n in top], color="#7a6fbf")
    ax.set_title(label("rpt.chart.items"))


# -- workbook ---------------------------------------------------------------------------------
async def workbook_xlsx(report: Report, label: Label, *,
                        batches: AsyncIterator[Sequence[tuple[Any, ...]]], tz: ZoneInfo) -> bytes:
    """One sheet per table, then the raw list of matters, streamed in batches (write-only
    workbook); filling cells is CPU work, done in a thread batch by batch so the event loop
    keeps serving other chats meanwhile."""
    wb, ws = await asyncio.to_thread(_tables, report, label)
    labels: dict[str, str] = {}
    async for batch in batches:
        await asyncio.to_thread(_append_matters, ws, batch, label, labels, tz)
    out = io.BytesIO()
    await asyncio.to_thread(wb.save, out)
    return out.getvalue()


def _tables(report: Report, label: Label) -> tuple[Any, Any]:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)

    def sheet(key: str, header: list[str], body: list[list[Any]]) -> None:
        ws = wb.create_sheet(label(key))
        ws.append(header)
        for row in body:
            ws.append(row)

    h = lambda *keys: [label(k) for k in keys]  # noqa: E731
    summary = [
        [label("rpt.received"), report.received_total],
        [label("rpt.done"), report.done_total],
        [label("rpt.on_time"), report.on_time_total],
        [label("rpt.on_time_rate"), report.on_time_rate],
        [label("rpt.overdue"), report.overdue_total],
        [label("rpt.median_days"), report.median_workdays],
        [label("rpt.p90_days"), report.p90_workdays],
        [label("rpt.questions"), report.questions],
        [label("rpt.by_bot"), report.answered_by_bot],
        [label("rpt.to_staff"), report.handed_to_staff],
        [label("rpt.rating_avg"), report.rating_average],
        [label("rpt.rating_prev"), report.previous_rating_average],
        [label("rpt.bookings"), report.bookings_total],
        [label("rpt.noshows"), report.bookings.get("no_show", 0)],
        [label("rpt.home_visits"), report.home_visits],
    ]
    sheet("rpt.sheet.summary", h("rpt.col.what", "rpt.col.n"), summary)
    kind = lambda rows: [[label(f"matter.{k}"), d, n] for k, d, n in rows]  # noqa: E731
    cols = h("rpt.col.kind", "rpt.col.department", "rpt.col.n")
    sheet("rpt.sheet.received", cols, kind(report.received))
    sheet("rpt.sheet.done", cols, kind(report.done))
    sheet("rpt.sheet.on_time", cols, kind(report.on_time))
    sheet("rpt.sheet.overdue", cols, kind(report.overdue))
    sheet("rpt.sheet.items", h("rpt.col.item", "rpt.col.n"), [list(r) for r in report.top_items])
    sheet("rpt.sheet.complaints", h("rpt.col.category", "rpt.col.n"),
          [[label(f"cmp.cat.{c}"), n] for c, n in report.complaints])
    sheet("rpt.sheet.ratings", h("rpt.col.score", "rpt.this_period", "rpt.previous_period"),
          [[s, report.ratings.get(s, 0), report.previous_ratings.get(s, 0)] for s in range(1, 6)])
    sheet("rpt.sheet.bookings", h("rpt.col.status", "rpt.col.n"),
          [[label(f"rpt.booking.{s}"), n] for s, n in sorted(report.bookings.items())])
    if report.department is None:
        sheet("rpt.sheet.gaps", h("rpt.col.example", "rpt.col.n"), [list(g) for g in report.gaps])
    ws = wb.create_sheet(label("rpt.sheet.matters"))
    ws.append(h("rpt.col.number", "rpt.col.kind", "rpt.col.status", "rpt.col.department",
                "rpt.col.item", "rpt.col.category", "rpt.col.created", "rpt.col.deadline",
                "rpt.col.done_at", "rpt.col.rating", "rpt.col.phone"))
    return wb, ws


def _append_matters(ws: Any, batch: Sequence[tuple[Any, ...]], label: Label,
                    labels: dict[str, str], tz: ZoneInfo) -> None:
    def named(key: str) -> str:  # once per kind and status, not once per row
        return labels.get(key) or labels.setdefault(key, label(key))

    def when(at: Any) -> str | None:
        return at.astimezone(tz).strftime("%Y-%m-%d %H:%M") if at else None

    for number, k, status, dept, item, cat, created, deadline, done, rating, phone in batch:
        ws.append([number, named(f"matter.{k}"), named(f"status.{status}"), dept, item, cat,
                   when(created), deadline.isoformat() if deadline else None, when(done),
                   rating, mask_phone(phone)])
