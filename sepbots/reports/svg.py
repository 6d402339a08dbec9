"""Small inline SVG charts for the HTML reports (no JavaScript, no external files).

Every text is escaped; numbers on axes use the report's language format.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

from sepbots.i18n import formats

COLOURS = ("#1f4e79", "#c55a11", "#a4262c", "#7f6000")  # the third series is failures: red, never green


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude: int = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude  # pragma: no cover


def _legend(names: Sequence[str], x: float, y: float) -> list[str]:
    out = []
    for i, name in enumerate(names):
        xi = x + i * 190
        out.append(f'<rect x="{xi:.0f}" y="{y - 10:.0f}" width="12" height="12" fill="{COLOURS[i % 4]}"/>')
        out.append(f'<text x="{xi + 18:.0f}" y="{y:.0f}" font-size="12">{escape(name)}</text>')
    return out


def _close_chart(parts: list[str], names: Sequence[str], x: float, y: float) -> Markup:
    """A chart's end: its legend at (``x``, ``y``) and the closing ``</svg>``."""
    return Markup("\n".join([*parts, *_legend(names, x, y), "</svg>"]))


def _axis(top: float, height: float, left: float, width: float, vmax: float, lang: str) -> list[str]:
    out = []
    for i in range(5):
        v = vmax * i / 4
        y = top + height - height * i / 4
        out.append(f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{escape(formats.number(Decimal(str(v)), lang, 0))}</text>"
        )
    return out


# the bar and line charts: 760 wide, the plot 70 from the left, 40 from the top, 220 high
_WIDTH, _LEFT, _TOP, _HEIGHT = 760, 70, 40, 220
_PLOT_W = _WIDTH - _LEFT - 20


def _open_chart(
    title: str, below: int, series: Sequence[tuple[str, Sequence[float]]], lang: str
) -> tuple[list[str], float]:
    """A chart's opening: the ``<svg>`` element with its title, the heading and the y axis up to a round
    number above the series' largest value (``below``: the room under the plot for labels and the legend).
    Returns the parts and the axis's top value."""
    vmax = _nice_max(max([v for _, vals in series for v in vals] or [0]))
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {_WIDTH} {_TOP + _HEIGHT + below}" '
        f'class="chart"><title>{escape(title)}</title>',
        f'<text x="{_LEFT}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
        *_axis(_TOP, _HEIGHT, _LEFT, _PLOT_W, vmax, lang),
    ], vmax


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], lang: str = "da"
) -> Markup:
    """Grouped vertical bars: one group per category, one bar per series."""
    left, top, height, plot_w = _LEFT, _TOP, _HEIGHT, _PLOT_W
    parts, vmax = _open_chart(title, 110, series, lang)
    n = max(len(categories), 1)
    group = plot_w / n
    bar = group * 0.8 / max(len(series), 1)
    for ci, cat in enumerate(categories):
        gx = left + ci * group + group * 0.1
        for si, (name, vals) in enumerate(series):
            v = vals[ci]
            h = height * v / vmax
            parts.append(
                f'<rect x="{gx + si * bar:.1f}" y="{top + height - h:.1f}" width="{bar * 0.95:.1f}" '
                f'height="{h:.1f}" fill="{COLOURS[si % 4]}"><title>{escape(name)}: '
                f"{escape(formats.number(Decimal(str(v)), lang, 1))}</title></rect>"
            )
        label = cat if len(cat) <= 24 else cat[:23] + "…"
        cx = gx + group * 0.4
        parts.append(
            f'<text x="{cx:.1f}" y="{top + height + 14}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {cx:.1f} {top + height + 14})">{escape(label)}</text>'
        )
    return _close_chart(parts, [name for name, _ in series], left, top + height + 100)


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], lang: str = "da"
) -> Markup:
    """One polyline per series over evenly spaced x labels (dates)."""
    left, top, height, plot_w = _LEFT, _TOP, _HEIGHT, _PLOT_W
    parts, vmax = _open_chart(title, 70, series, lang)
    n = len(labels)
    step = plot_w / max(n - 1, 1)
    for si, (name, vals) in enumerate(series):
        xy = [(left + i * step, top + height - height * v / vmax) for i, v in enumerate(vals)]
        points = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS[si % 4]}" stroke-width="2" points="{points}">'
            f"<title>{escape(name)}</title></polyline>"
        )
        parts += [
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{COLOURS[si % 4]}"><title>{escape(name)}: '
            f"{escape(formats.number(Decimal(str(v)), lang, 0))}</title></circle>"
            for (x, y), v in zip(xy, vals, strict=True)
        ]
    every = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{top + height + 16}" font-size="10" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    return _close_chart(parts, [name for name, _ in series], left, top + height + 50)


def paired_bars(
    title: str, rows: Sequence[tuple[str, float, float | None]], names: tuple[str, str], lang: str = "da"
) -> Markup:
    """One row per process, two horizontal bars (measured, estimate) on the row's own scale.

    Each row is scaled to its own larger value and both values are written beside the bars, so a
    measured figure a hundredth of the estimate still shows (one shared axis would hide it).
    """
    width, label_w, row_h, top = 760, 230, 34, 36
    bar_w = width - label_w - 120
    biggest = max([abs(v) for _, m, e in rows for v in (m, e or 0.0)] or [0.0])
    decimals = 0 if biggest >= 100 else 1 if biggest >= 1 else 2
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {top + row_h * len(rows) + 30}" '
        f'class="chart"><title>{escape(title)}</title>',
        f'<text x="0" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, measured, est) in enumerate(rows):
        y = top + i * row_h
        scale = max(abs(measured), abs(est or 0.0)) or 1.0
        short = label if len(label) <= 32 else label[:31] + "…"
        parts.append(f'<text x="0" y="{y + 17}" font-size="11">{escape(short)}</text>')
        for j, value in enumerate((measured, est)):
            if value is None:
                continue
            w = bar_w * abs(value) / scale
            parts.append(
                f'<rect x="{label_w}" y="{y + j * 13:.0f}" width="{max(w, 1):.1f}" height="11" fill="{COLOURS[j]}"/>'
            )
            parts.append(
                f'<text x="{label_w + max(w, 1) + 4:.1f}" y="{y + j * 13 + 10:.0f}" font-size="10">'
                f"{escape(formats.number(Decimal(str(value)), lang, decimals))}</text>"
            )
    return _close_chart(parts, list(names), 0, top + row_h * len(rows) + 20)
