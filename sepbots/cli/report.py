"""``sepbots report gains|budget``: measured gains and the budget projection as .xlsx or HTML."""

from __future__ import annotations

import enum
from datetime import date
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from sepbots.catalogue.loader import load_catalogue
from sepbots.cli.catalogue import CatalogueContext, CatalogueOpt, LangOpt, _fail
from sepbots.exceptions import SepbotsError
from sepbots.gains import compute_budget, compute_gains
from sepbots.reports import write_budget_html, write_budget_xlsx, write_gains_html, write_gains_xlsx
from sepbots.reports.figures import GainsFigures
from sepbots.reports.i18n import fmt_date, fmt_number, fmt_pct, t

app = typer.Typer(
    help="Rapporter: målte gevinster og budget. (Reports: measured gains and budget.)", no_args_is_help=True
)
out = Console()
err = Console(stderr=True)


class Format(enum.StrEnum):
    XLSX = "xlsx"
    HTML = "html"


def print_gains(figures: GainsFigures, lang: str, console: Console) -> None:
    """The measured gains as a terminal table (used by the CLI and the demo)."""
    if not figures.processes:
        console.print(f"{t('gains_title', lang)}: {t('no_data', lang)}")
        return
    table = Table(
        title=f"{t('gains_title', lang)} {fmt_date(figures.period_from, lang)} – "
        f"{fmt_date(figures.period_to, lang)}"
    )
    for key in (
        "process",
        "automated",
        "manual",
        "failed",
        "saved_hours",
        "realised_share",
        "annualised_hours",
        "estimate_hours",
    ):
        table.add_column(t(key, lang), justify="left" if key == "process" else "right")
    for p in figures.processes:
        table.add_row(
            p.title(lang),
            fmt_number(p.items_automated, 0, lang),
            fmt_number(p.items_manual, 0, lang),
            fmt_number(p.items_failed, 0, lang),
            fmt_number(p.saved_hours, 1, lang),
            fmt_pct(p.realised_automation_share, 1, lang),
            fmt_number(p.annualised_saved_hours, 0, lang),
            fmt_number(p.estimate.saved_hours_per_year if p.estimate else None, 0, lang),
        )
    console.print(table)
    a, m, f = figures.total_items
    console.print(
        f"{t('total', lang)}: {fmt_number(figures.total_saved_hours, 1, lang)} {t('saved_hours', lang).lower()}, "
        f"{fmt_number(figures.total_saved_dkk, 0, lang)} {t('dkk', lang)} "
        f"({fmt_number(a, 0, lang)} / {fmt_number(m, 0, lang)} / {fmt_number(f, 0, lang)})",
        highlight=False,
    )


@app.command()
def gains(
    ctx: typer.Context,
    start: Annotated[str, typer.Option("--from", help="first date, YYYY-MM-DD")],
    end: Annotated[str, typer.Option("--to", help="last date (included), YYYY-MM-DD")],
    fmt: Annotated[Format, typer.Option("--format", help="xlsx or html")] = Format.XLSX,
    output: Annotated[Path | None, typer.Option(help="file to write (default <home>/var/reports/…)")] = None,
    include_test_runs: Annotated[
        bool, typer.Option("--include-test-runs", help="count test-mode runs too")
    ] = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Målte gevinster for en periode. (Measured gains for a period.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    try:
        first, last = date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise typer.BadParameter("use YYYY-MM-DD", param_hint="--from/--to") from None
    if last < first:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    try:
        env = c.state.env()
        result = compute_gains(
            env.store,
            load_catalogue(c.folder),
            c.gains,
            start=first,
            end=last,
            now=env.clock.now(),
            include_test_runs=include_test_runs,
        )
        path = (
            output
            or env.settings.var_dir
            / "reports"
            / f"{'gevinster' if c.lang == 'da' else 'gains'}-{first}-{last}.{fmt.value}"
        )
        writer = write_gains_xlsx if fmt is Format.XLSX else write_gains_html
        writer(result.figures, path, c.lang)
    except SepbotsError as exc:
        raise _fail(exc) from None
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
    fmt: Annotated[Format, typer.Option("--format", help="xlsx or html")] = Format.XLSX,
    output: Annotated[Path | None, typer.Option(help="file to write (default <home>/var/reports/…)")] = None,
    lookback_days: Annotated[int, typer.Option(help="days of measurements behind a run-rate", min=1)] = 90,
    include_test_runs: Annotated[
        bool, typer.Option("--include-test-runs", help="count test-mode runs too")
    ] = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Budget: frigjorte timer og kroner fordelt på områder (hours and DKK freed per area for a budget year)."""
    c = CatalogueContext(ctx, catalogue, lang)
    try:
        env = c.state.env()
        figures = compute_budget(
            env.store,
            load_catalogue(c.folder),
            c.gains,
            year=year,
            now=env.clock.now(),
            lookback_days=lookback_days,
            include_test_runs=include_test_runs,
        )
        path = output or env.settings.var_dir / "reports" / f"budget-{year}.{fmt.value}"
        (write_budget_xlsx if fmt is Format.XLSX else write_budget_html)(figures, path, c.lang)
    except SepbotsError as exc:
        raise _fail(exc) from None
    table = Table(title=f"{t('budget_title', c.lang)} {year}")
    for key in ("area", "measured_hours", "pipeline_hours", "dkk"):
        table.add_column(t(key, c.lang), justify="left" if key == "area" else "right")
    for area, mh, md, ph, pd in figures.by_area():
        table.add_row(
            area.label(c.lang),
            fmt_number(mh, 0, c.lang),
            fmt_number(ph, 0, c.lang),
            fmt_number(md + pd, 0, c.lang),
        )
    out.print(table)
    out.print(c.da(f"Skrev {path}", f"Wrote {path}"), highlight=False)
