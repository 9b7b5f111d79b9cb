"""The geometry of a status chart, drawn server-side as inline SVG.

:func:`status_chart` lays out the spans and markers of
``projections.chart_data.status_spans`` (or of any rows of spans) on a time
axis: one row per instrument or actor, a bar per status span coloured by its
status's CSS class (``cli.web.statuses``), a tick per marked act, a line on
the as-of day. The template ``chart.svg.html`` draws it; every label goes
through Jinja2's autoescaping there. No plotting library is needed.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from treaty_ledger.cli.web.statuses import css_class

CHARACTER_WIDTH = 6.2  # of a 10 px sans-serif label, generously
PLOT_WIDTH = 620
ROW_HEIGHT = 18
TOP = 24


@dataclass(frozen=True)
class Bar:
    """One status span as a rectangle, with its text for a tooltip."""

    x: float
    y: float
    width: float
    css: str
    title: str


@dataclass(frozen=True)
class Tick:
    """A mark on the time axis (a year) or a marked act on a row."""

    x: float
    y: float
    label: str


@dataclass(frozen=True)
class Chart:
    """Everything the template draws, in SVG user units."""

    width: int
    height: int
    rows: list[tuple[float, str]]
    bars: list[Bar]
    years: list[Tick]
    markers: list[Tick]
    today: float | None
    statuses: list[str]


def status_chart(
    rows: list[str],
    spans: Iterable,
    markers: Iterable,
    first: date,
    last: date,
    as_of: date | None = None,
) -> Chart:
    """Lay out ``spans`` (``row``, ``status``, ``start``, ``end``) from ``first`` to ``last``.

    ``markers`` have ``row``, ``day``, ``kind`` and ``act``; rows not in
    ``rows`` are skipped. ``as_of`` draws a line on that day when in range.
    """
    total = max((last - first).days, 1)
    label_width = round(CHARACTER_WIDTH * max((len(row) for row in rows), default=4)) + 12

    def x(day: date) -> float:
        return label_width + PLOT_WIDTH * (min(max(day, first), last) - first).days / total

    index = {row: TOP + position * ROW_HEIGHT for position, row in enumerate(rows)}
    bars, statuses = [], []
    for span in spans:
        if span.row not in index:
            continue
        left = x(span.start)
        bars.append(Bar(left, index[span.row] + 2, max(x(span.end) - left, 1.0),
                        css_class(span.status),
                        f"{span.row}: {span.status} {span.start} to {span.end}"))  # fmt: skip
        if span.status not in statuses:
            statuses.append(span.status)
    step = max(1, round((last.year - first.year) / 10))
    years = [
        Tick(x(date(year, 1, 1)), TOP - 6, str(year))
        for year in range(first.year + 1, last.year + 1)
        if (year - first.year - 1) % step == 0
    ]
    marks = [
        Tick(x(m.day), index[m.row] + ROW_HEIGHT / 2, f"{m.kind} {m.day}: {m.act}")
        for m in markers
        if m.row in index
    ]
    today = x(as_of) if as_of is not None and first <= as_of <= last else None
    height = TOP + ROW_HEIGHT * len(rows) + 8
    return Chart(label_width + PLOT_WIDTH + 10, height,
                 [(index[row], row) for row in rows], bars, years, marks, today,
                 statuses)  # fmt: skip
