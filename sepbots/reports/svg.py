"""Small inline SVG charts for the HTML reports (no JavaScript, no external files).

Every text is escaped; numbers on axes use the report's language format.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from html import escape

from markupsafe import Markup

from sepbots.reports.i18n import fmt_number

COLOURS = ("#1f4e79", "#c55a11", "#548235", "#7f6000")


def _nice_max(value: float) -> float:
    if value <= 0:
        return 1.0
    magnitude = 10 ** (len(str(int(value))) - 1)
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


def _axis(top: float, height: float, left: float, width: float, vmax: float, lang: str) -> list[str]:
    out = []
    for i in range(5):
        v = vmax * i / 4
        y = top + height - height * i / 4
        out.append(f'<line x1="{left}" x2="{left + width}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        out.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" font-size="11" text-anchor="end">'
            f"{escape(fmt_number(Decimal(str(v)), 0, lang))}</text>"
        )
    return out


def bar_chart(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], lang: str = "da"
) -> Markup:
    """Grouped vertical bars: one group per category, one bar per series."""
    width, left, top, height = 760, 70, 40, 220
    plot_w = width - left - 20
    vmax = _nice_max(max([v for _, vals in series for v in vals] or [0]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {top + height + 110}" '
        f'class="chart"><title>{escape(title)}</title>',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    parts += _axis(top, height, left, plot_w, vmax, lang)
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
                f"{escape(fmt_number(Decimal(str(v)), 1, lang))}</title></rect>"
            )
        label = cat if len(cat) <= 24 else cat[:23] + "…"
        cx = gx + group * 0.4
        parts.append(
            f'<text x="{cx:.1f}" y="{top + height + 14}" font-size="10" text-anchor="end" '
            f'transform="rotate(-30 {cx:.1f} {top + height + 14})">{escape(label)}</text>'
        )
    parts += _legend([name for name, _ in series], left, top + height + 100)
    parts.append("</svg>")
    return Markup("\n".join(parts))


def line_chart(
    title: str, labels: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], lang: str = "da"
) -> Markup:
    """One polyline per series over evenly spaced x labels (dates)."""
    width, left, top, height = 760, 70, 40, 220
    plot_w = width - left - 20
    vmax = _nice_max(max([v for _, vals in series for v in vals] or [0]))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {width} {top + height + 70}" '
        f'class="chart"><title>{escape(title)}</title>',
        f'<text x="{left}" y="20" font-size="14" font-weight="bold">{escape(title)}</text>',
    ]
    parts += _axis(top, height, left, plot_w, vmax, lang)
    n = len(labels)
    step = plot_w / max(n - 1, 1)
    for si, (name, vals) in enumerate(series):
        points = " ".join(
            f"{left + i * step:.1f},{top + height - height * v / vmax:.1f}" for i, v in enumerate(vals)
        )
        parts.append(
            f'<polyline fill="none" stroke="{COLOURS[si % 4]}" stroke-width="2" points="{points}">'
            f"<title>{escape(name)}</title></polyline>"
        )
    every = max(1, n // 8)
    for i, label in enumerate(labels):
        if i % every == 0 or i == n - 1:
            parts.append(
                f'<text x="{left + i * step:.1f}" y="{top + height + 16}" font-size="10" '
                f'text-anchor="middle">{escape(label)}</text>'
            )
    parts += _legend([name for name, _ in series], left, top + height + 50)
    parts.append("</svg>")
    return Markup("\n".join(parts))
