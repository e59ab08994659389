"""A stacked bar chart as plain SVG geometry: no JavaScript, no chart library, works offline."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass

from borderpost.messages import Message

COLOURS = {
    "civilian": "#4e79a7",
    "commercial": "#f28e2b",
    "humanitarian": "#59a14f",
    "medical_evacuation": "#e15759",
    "international_force": "#76b7b2",
    "official": "#b07aa1",
}


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    colour: str
    title: str


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    labels: list[tuple[float, str]]  # x, day label under the axis
    ticks: list[tuple[float, int]]  # y, value on the left axis
    left: int
    bottom: float


def _bar_title(day: dt.date, key: str, value: float) -> str:
    return Message("{day} {key}: {value}", day=day.isoformat(), key=Message.of(key), value=value)


def nice_ceiling(value: float) -> int:
    """The smallest 1, 2 or 5 times a power of ten that is at least ``value``."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_bars(
    days: list[dt.date],
    counts: Mapping[dt.date, Mapping[str, float]],
    width: int = 760,
    height: int = 260,
    colours: Mapping[str, str] = COLOURS,
    title: Callable[[dt.date, str, float], str] | None = None,
) -> Chart:
    """Bars per day, stacked by key in ``colours`` order (categories by default), scaled to
    the highest day; ``title`` words each bar's tooltip (default ``day key: value``)."""
    left, top, bottom_margin = 44, 10, 28
    plot_h = height - top - bottom_margin
    bottom = top + plot_h
    peak = nice_ceiling(max((sum(counts[d].values()) for d in days), default=0))
    slot = (width - left - 8) / max(len(days), 1)
    bar_w = max(slot * 0.7, 1.0)
    bars: list[Bar] = []
    labels: list[tuple[float, str]] = []
    every = max(1, len(days) // 12)
    for index, day in enumerate(days):
        x = left + index * slot + (slot - bar_w) / 2
        y = float(bottom)
        for category, colour in colours.items():
            n = counts[day].get(category, 0)
            if not n:
                continue
            h = plot_h * n / peak
            y -= h
            bars.append(
                Bar(
                    round(x, 1),
                    round(y, 1),
                    round(bar_w, 1),
                    round(h, 1),
                    colour,
                    title(day, category, n) if title else _bar_title(day, category, n),
                )
            )
        if index % every == 0:
            labels.append((round(x + bar_w / 2, 1), day.strftime("%m-%d")))
    ticks = [(round(bottom - plot_h * f, 1), int(peak * f)) for f in (0, 0.5, 1)]
    return Chart(width, height, bars, labels, ticks, left, bottom)


def histogram(
    labels: list[str],
    counts: list[int],
    colours: list[str],
    width: int = 520,
    height: int = 200,
) -> Chart:
    """One bar per bin, left to right, scaled to the largest; the same geometry as above."""
    left, top, bottom_margin = 44, 10, 28
    plot_h = height - top - bottom_margin
    bottom = top + plot_h
    peak = nice_ceiling(max(counts, default=0))
    slot = (width - left - 8) / max(len(counts), 1)
    bar_w = max(slot * 0.8, 1.0)
    bars: list[Bar] = []
    placed: list[tuple[float, str]] = []
    for index, (label, n, colour) in enumerate(zip(labels, counts, colours, strict=True)):
        x = left + index * slot + (slot - bar_w) / 2
        h = plot_h * n / peak
        bars.append(
            Bar(
                round(x, 1),
                round(bottom - h, 1),
                round(bar_w, 1),
                round(h, 1),
                colour,
                f"{label}: {n}",
            )
        )
        placed.append((round(x + bar_w / 2, 1), label))
    ticks = [(round(bottom - plot_h * f, 1), int(peak * f)) for f in (0, 0.5, 1)]
    return Chart(width, height, bars, placed, ticks, left, bottom)
