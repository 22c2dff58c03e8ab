"""Small horizontal bar charts for the report, drawn on the server as inline SVG.

The page's CSP is `style-src 'self'`, so the SVG carries no `style` attribute and no `<style>`
element: geometry is in presentation attributes (`x`, `y`, `width`, `height`), colour comes from
the stylesheet's `tone-*` classes through `fill="currentColor"`. Each bar is labelled with its
count as text and has a `<title>`; the chart has a `<title>` and a `<desc>` listing every count.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from . import enums
from .report_services import REPORT_UNASSIGNED, ReportSummary

WIDTH = 520
LABEL_WIDTH = 150  # the label column, right-aligned against the bars
BAR_X = LABEL_WIDTH + 8
COUNT_ROOM = 56  # room after the longest bar for its count
BAR_AREA = WIDTH - BAR_X - COUNT_ROOM
ROW_HEIGHT = 24
BAR_HEIGHT = 16
TOP = 4
LABEL_MAX_CHARS = 22


@dataclass(frozen=True)
class Bar:
    key: str
    label: str
    short_label: str
    count: int
    percent: int
    tone: str
    y: int
    text_y: int
    width: int
    count_x: int

    @property
    def summary(self) -> str:
        tickets = "ticket" if self.count == 1 else "tickets"
        return f"{self.label}: {self.count} {tickets} ({self.percent}%)"


@dataclass(frozen=True)
class BarChart:
    slug: str
    title: str
    bars: tuple[Bar, ...]
    total: int
    width: int
    height: int
    label_x: int
    bar_x: int
    bar_area: int
    bar_height: int

    @property
    def description(self) -> str:
        return "; ".join(bar.summary for bar in self.bars) or "No tickets."


def _short(label: str) -> str:
    return label if len(label) <= LABEL_MAX_CHARS else label[: LABEL_MAX_CHARS - 1] + "…"


def bar_chart(
    slug: str, title: str, buckets: Iterable[tuple[str, str, int, str]], *, total: int
) -> BarChart:
    """`buckets` are (key, label, count, tone); bars scale to the largest count."""
    rows = list(buckets)
    largest = max((count for _, _, count, _ in rows), default=0)
    denominator = total or sum(count for _, _, count, _ in rows)
    bars = []
    for index, (key, label, count, tone) in enumerate(rows):
        width = round(BAR_AREA * count / largest) if largest else 0
        if count and width < 2:
            width = 2  # a non-zero count is always visible
        y = TOP + index * ROW_HEIGHT
        bars.append(
            Bar(
                key=key,
                label=label,
                short_label=_short(label),
                count=count,
                percent=round(100 * count / denominator) if denominator else 0,
                tone=tone,
                y=y,
                text_y=y + BAR_HEIGHT - 4,
                width=width,
                count_x=BAR_X + width + 6,
            )
        )
    return BarChart(
        slug=slug,
        title=title,
        bars=tuple(bars),
        total=total,
        width=WIDTH,
        height=TOP * 2 + max(len(bars), 1) * ROW_HEIGHT,
        label_x=LABEL_WIDTH,
        bar_x=BAR_X,
        bar_area=BAR_AREA,
        bar_height=BAR_HEIGHT,
    )


def report_charts(summary: ReportSummary, staff_names: dict[str, str]) -> list[BarChart]:
    """The four charts of `GET /report`: status, priority and category in the gateway's order,
    assignees by count (most first) with the unassigned last."""
    assignees = sorted(
        (item for item in summary.by_assignee if item[0] != REPORT_UNASSIGNED),
        key=lambda item: (-item[1], staff_names.get(item[0], item[0])),
    )
    assignees += [item for item in summary.by_assignee if item[0] == REPORT_UNASSIGNED]
    return [
        bar_chart(
            "status",
            "Tickets by status",
            (
                (k, enums.label(enums.STATUS_LABELS, k), n, enums.STATUS_TONES.get(k, "neutral"))
                for k, n in summary.by_status
            ),
            total=summary.total,
        ),
        bar_chart(
            "priority",
            "Tickets by priority",
            (
                (k, enums.label(enums.PRIORITY_LABELS, k), n, enums.PRIORITY_TONES.get(k, "info"))
                for k, n in summary.by_priority
            ),
            total=summary.total,
        ),
        bar_chart(
            "category",
            "Tickets by category",
            ((k, enums.label(enums.CATEGORY_LABELS, k), n, "info") for k, n in summary.by_category),
            total=summary.total,
        ),
        bar_chart(
            "assignee",
            "Tickets by assignee",
            (
                (k, "Unassigned", n, "neutral")
                if k == REPORT_UNASSIGNED
                else (k, staff_names.get(k) or k, n, "info")
                for k, n in assignees
            ),
            total=summary.total,
        ),
    ]
