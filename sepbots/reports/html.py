"""HTML reports (Jinja2 templates with inline SVG charts), one self-contained file, written atomically."""

from __future__ import annotations

from collections import defaultdict
from datetime import date
from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from sepbots.catalogue.loader import write_atomic
from sepbots.reports.figures import BudgetFigures, GainsFigures
from sepbots.reports.i18n import fmt_date, fmt_number, fmt_pct, t
from sepbots.reports.svg import bar_chart, line_chart
from sepbots.reports.xlsx import BC_FIELDS

TEMPLATES = Path(__file__).parent / "templates"


@cache
def _env() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["num"] = lambda v, d=0, lang="da": fmt_number(v, d, lang)
    env.filters["pct"] = lambda v, lang="da": fmt_pct(v, 1, lang)
    env.filters["day"] = lambda v, lang="da": fmt_date(v, lang)
    return env


def render_gains_html(figures: GainsFigures, lang: str = "da") -> str:
    """The measured-gains report as one HTML page."""
    procs = figures.processes
    hours_chart = bar_chart(
        t("chart_hours", lang),
        [p.title(lang) for p in procs],
        [
            (t("measured", lang), [float(p.annualised_saved_hours) for p in procs]),
            (
                t("estimate", lang),
                [float(p.estimate.saved_hours_per_year) if p.estimate else 0.0 for p in procs],
            ),
        ],
        lang,
    )
    days: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for p in procs:
        for d in p.daily:
            days[d.day][0] += d.automated
            days[d.day][1] += d.manual
    ordered = sorted(days.items())
    daily_chart = (
        line_chart(
            t("chart_daily", lang),
            [fmt_date(d, lang)[:5] if lang == "da" else d.isoformat()[5:] for d, _ in ordered],
            [
                (t("automated", lang), [float(c[0]) for _, c in ordered]),
                (t("manual", lang), [float(c[1]) for _, c in ordered]),
            ],
            lang,
        )
        if ordered
        else None
    )
    return (
        _env()
        .get_template("gains.html")
        .render(
            f=figures,
            lang=lang,
            t=lambda k: t(k, lang),
            hours_chart=hours_chart,
            daily_chart=daily_chart,
            bc_fields=BC_FIELDS,
        )
    )


def render_budget_html(figures: BudgetFigures, lang: str = "da") -> str:
    """The budget report as one HTML page."""
    areas = figures.by_area()
    chart = bar_chart(
        t("chart_budget", lang),
        [a.label(lang) for a, *_ in areas],
        [
            (t("measured_hours", lang), [float(r[1]) for r in areas]),
            (t("pipeline_hours", lang), [float(r[3]) for r in areas]),
        ],
        lang,
    )
    return (
        _env()
        .get_template("budget.html")
        .render(f=figures, lang=lang, t=lambda k: t(k, lang), areas=areas, chart=chart)
    )


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
