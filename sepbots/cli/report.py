"""``sepbots report gains|budget``: measured gains and the budget projection as .xlsx or HTML."""

from __future__ import annotations

import enum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sepbots.budget import compute_budget
from sepbots.cli.catalogue import CatalogueContext, CatalogueOpt, LangOpt, TestRunsOpt, period
from sepbots.cli.state import errors_to_exit
from sepbots.gains import credits_of
from sepbots.i18n import formats
from sepbots.reports import (
    write_budget_html,
    write_budget_json,
    write_budget_xlsx,
    write_gains_html,
    write_gains_json,
    write_gains_xlsx,
)
from sepbots.reports.columns import GAINS_COLUMNS
from sepbots.reports.explain import explain
from sepbots.reports.figures import BudgetFigures, GainsFigures
from sepbots.reports.html import fmt_value
from sepbots.reports.labels import T

app = typer.Typer(
    help="Rapporter: målte gevinster og budget. (Reports: measured gains and budget.)", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)


class Format(enum.StrEnum):
    XLSX = "xlsx"
    HTML = "html"
    JSON = "json"


FormatOpt = Annotated[Format, typer.Option("--format", help="xlsx, html or json")]
OutputOpt = Annotated[Path | None, typer.Option(help="file to write (default <home>/var/reports/…)")]

GAINS_WRITERS = {Format.XLSX: write_gains_xlsx, Format.HTML: write_gains_html, Format.JSON: write_gains_json}
BUDGET_WRITERS = {Format.XLSX: write_budget_xlsx, Format.HTML: write_budget_html, Format.JSON: write_budget_json}


SHOWN = ("name", "units_done", "units_handed_over", "units_failed", "credited_minutes", "saved_hours",
         "realised_automation_share")


def print_gains(figures: GainsFigures, lang: str, console: Console) -> None:
    """The measured gains as a terminal table with notes and totals (used by the CLI and the demo)."""
    if not figures.processes:
        console.print(f"{T(lang, 'gains_title')}: {T(lang, 'no_data')}")
        return
    table = Table(
        title=f"{T(lang, 'gains_title')} {formats.date(figures.period_from, lang)} – {formats.date(figures.period_to, lang)}"
    )
    if console.width < 120:  # a narrow terminal: one explained line per process instead of a folded table
        console.print(table.title, highlight=False)
        for p in figures.processes:
            console.print("• " + explain(p, lang, figures.hourly_cost_dkk), highlight=False)
        _totals(figures, lang, console)
        return
    columns = [c for c in GAINS_COLUMNS if c.field in SHOWN]
    for c in columns:
        table.add_column(T(lang, c.label), justify="left" if c.kind == "text" else "right", overflow="fold")
    for p in figures.processes:
        cells = [fmt_value(c.get(p, lang), c.kind, lang) for c in columns]
        cells[0] = f"{cells[0]} ({p.unit.label(lang, p.units_total)})"
        table.add_row(*cells)
    console.print(table)
    _totals(figures, lang, console)


def _totals(figures: GainsFigures, lang: str, console: Console) -> None:
    for p in figures.processes:
        for note in p.notes:
            console.print(f"⚠ {p.title(lang)}: {note.label(lang)}", highlight=False)
    console.print(
        f"{T(lang, 'total')}: {formats.number(figures.total_saved_hours, lang, 2)} {T(lang, 'saved_hours').lower()}, "
        f"{formats.kroner(figures.total_saved_dkk, lang)} "
        f"({formats.kroner(figures.hourly_cost_dkk, lang)}/{'time' if lang == 'da' else 'hour'})",
        highlight=False,
    )


def print_budget(figures: BudgetFigures, lang: str, console: Console) -> None:
    """Per part (operation, pipeline): the four years' totals, then hours per area and year."""
    for pipeline in (False, True):
        part = T(lang, "pipeline" if pipeline else "operating")
        totals = Table(title=f"{T(lang, 'budget_title')}: {part}")
        for key in ("year", "hours", "hours_freed", "cash_dkk", "costs_dkk", "net_dkk"):
            totals.add_column(T(lang, key), justify="left" if key == "year" else "right")
        for y in figures.total(pipeline):
            totals.add_row(str(y.year), *(formats.number(v, lang, 0) for v in
                                          (y.hours, y.hours_freed, y.cash_dkk, y.costs_dkk, y.net_dkk)))
        console.print(totals)
        areas = Table(title=f"{part}: {T(lang, 'hours').lower()} · {T(lang, 'by_area').lower()}")
        areas.add_column(T(lang, "area"), overflow="fold")
        for year in figures.years:
            areas.add_column(str(year), justify="right")
        for g in figures.by_area(pipeline):
            areas.add_row(g.label(lang), *(formats.number(y.hours, lang, 0) for y in g.years))
        console.print(areas)


@app.command()
def gains(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="first date, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last date (included), YYYY-MM-DD")],
    fmt: FormatOpt = Format.XLSX,
    output: OutputOpt = None,
    include_test_runs: TestRunsOpt = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Målte gevinster for en periode. (Measured gains for a period.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    first, last = period(start, end)
    with errors_to_exit():
        result = c.measured(c.load_unscaled(), start, end, include_test_runs=include_test_runs)
        stem = "gevinster" if c.lang == "da" else "gains"
        path = output or c.settings.var_dir / "reports" / f"{stem}-{first}-{last}.{fmt.value}"
        GAINS_WRITERS[fmt](result.figures, path, c.lang)
    print_gains(result.figures, c.lang, out)
    if result.uncatalogued:
        err.print(
            c.da(
                "Processer uden katalogpost (ikke talt med): ", "Processes not in the catalogue (left out): "
            )
            + ", ".join(result.uncatalogued),
            highlight=False,
        )
    out.print(c.da(f"Skrev {path}", f"Wrote {path}"), highlight=False)


@app.command()
def budget(
    ctx: typer.Context,
    year: Annotated[int, typer.Option(help="the budget year, e.g. 2027", min=2000, max=2100)],
    fmt: FormatOpt = Format.XLSX,
    output: OutputOpt = None,
    lookback_days: Annotated[int, typer.Option(help="days of measurements behind a run-rate", min=1)] = 90,
    include_test_runs: TestRunsOpt = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Budgetbidrag for år Y og tre overslagsår (budget input for year Y and the three following years)."""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        env = c.state.env()
        figures = compute_budget(
            env.store,
            c.load_unscaled(),
            c.gains,
            year=year,
            now=env.clock.now(),
            lookback_days=lookback_days,
            include_test_runs=include_test_runs,
            credits=credits_of(env.registry),
        )
        path = output or env.settings.var_dir / "reports" / f"budget-{year}.{fmt.value}"
        BUDGET_WRITERS[fmt](figures, path, c.lang)
    print_budget(figures, c.lang, out)
    out.print(c.da(f"Skrev {path}", f"Wrote {path}"), highlight=False)
