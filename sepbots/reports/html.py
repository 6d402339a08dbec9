"""HTML reports (Jinja2 templates with inline SVG charts), one self-contained file, written atomically."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from sepbots.catalogue.loader import write_atomic
from sepbots.i18n import formats
from sepbots.reports.columns import BC_FIELDS, GAINS_COLUMNS, Kind
from sepbots.reports.figures import BudgetFigures, GainsFigures
from sepbots.reports.labels import T
from sepbots.reports.svg import line_chart, paired_bars

TEMPLATES = Path(__file__).parent / "templates"


# Where long Danish compound words in table headers may break (soft hyphens), so no column is cut off.
_BREAKS = {
    "Automatiseringsgrad": "Automatiserings\u00adgrad",
    "Implementering": "Implemen\u00adtering",
    "Tilbagebetaling": "Tilbage\u00adbetaling",
    "Nutidsværdi": "Nutids\u00adværdi",
    "Driftsbemanding": "Drifts\u00adbemanding",
    "Omkostninger": "Omkost\u00adninger",
}
HTML_BC_FIELDS = tuple(f for f in BC_FIELDS if f[1] not in {"licence_dkk_per_year", "operations_dkk_per_year",
                                                             "running_dkk_per_year"}) + (
    ("costs_year", "costs_dkk_per_year", Kind.DKK),
)


def shy(label: str) -> str:
    """``label`` with soft hyphens in its long compound words (HTML table headers)."""
    for word, broken in _BREAKS.items():
        label = label.replace(word, broken)
    return label


def fmt_value(value: Any, kind: Kind, lang: str) -> str:
    """A table cell's text by column kind."""
    if kind is Kind.TEXT:
        return "" if value is None else str(value)
    if kind is Kind.PCT:
        return formats.percent(value, lang, 1)
    decimals = {Kind.INT: 0, Kind.ONE: 1, Kind.TWO: 2, Kind.DKK: 0}[kind]
    return formats.number(value, lang, decimals)


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v, d=0, lang="da": formats.number(v, lang, d)
    env.filters["pct"] = lambda v, lang="da": formats.percent(v, lang, 1)
    env.filters["day"] = lambda v, lang="da": formats.date(v, lang)
    env.filters["stamp"] = lambda v, lang="da": formats.datetime(v, lang)
    env.filters["shy"] = shy
    return env


def hours_chart(figures: GainsFigures, lang: str) -> Markup:
    """Run-rate beside the estimate per process, each row on its own scale."""
    return paired_bars(
        T(lang, "chart_hours"),
        [
            (p.title(lang), float(p.annualised_saved_hours),
             float(p.estimate.saved_hours_per_year) if p.estimate else None)
            for p in figures.processes
        ],
        (T(lang, "measured"), T(lang, "estimate")),
        lang,
    )


def daily_chart(figures: GainsFigures, lang: str) -> Markup | None:
    """Units done and handed over per day; ``None`` with fewer than two days of data."""
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for p in figures.processes:
        for d in p.daily:
            days[d.day][0] += d.done
            days[d.day][1] += d.handed_over
    ordered = sorted(days.items())
    if len(ordered) < 2:
        return None
    return line_chart(
        T(lang, "chart_daily"),
        [formats.day_month(d, lang) for d, _ in ordered],
        [(T(lang, "done"), [float(c[0]) for _, c in ordered]), (T(lang, "handed_over"), [float(c[1]) for _, c in ordered])],
        lang,
    )


def render_gains_html(figures: GainsFigures, lang: str = "da") -> str:
    """The measured-gains report as one HTML page (fits A4 landscape and 1366 px)."""
    return (
        _env()
        .get_template("gains.html")
        .render(
            f=figures,
            lang=lang,
            t=lambda k: T(lang, k),
            columns=GAINS_COLUMNS,
            cell=lambda c, p: fmt_value(c.get(p, lang), c.kind, lang),
            fmtv=lambda v, kind: T(lang, "never") if v is None else fmt_value(v, kind, lang),
            hours_chart=hours_chart(figures, lang),
            daily_chart=daily_chart(figures, lang),
            bc_fields=HTML_BC_FIELDS,
        )
    )


def render_budget_html(figures: BudgetFigures, lang: str = "da") -> str:
    """The budget report as one HTML page."""
    return _env().get_template("budget.html").render(f=figures, lang=lang, t=lambda k: T(lang, k))


def write_gains_html(figures: GainsFigures, path: Path, lang: str = "da") -> Path:
    """Write the measured-gains HTML report atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, render_gains_html(figures, lang))
    return path


def write_budget_html(figures: BudgetFigures, path: Path, lang: str = "da") -> Path:
    """Write the budget HTML report atomically."""
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, render_budget_html(figures, lang))
    return path
