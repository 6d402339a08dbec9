"""``sepbots catalogue …``: validate, screen, business case, phase changes, sharing bundles."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from sepbots.catalogue.bundle import Prefer, export_bundle, import_bundle
from sepbots.catalogue.business_case import BusinessCase, estimate
from sepbots.catalogue.gate import production_clearance
from sepbots.catalogue.legal import CHECKLIST_POINTS, SUB_POINTS, checklist_label
from sepbots.catalogue.loader import Catalogue, load_catalogue, set_phase
from sepbots.catalogue.models import Phase, Unit
from sepbots.catalogue.os2autoproces import export_os2autoproces
from sepbots.catalogue.scaling import scale_catalogue
from sepbots.catalogue.screening import one_off_total_hours, screen_all
from sepbots.catalogue.settings import GainsSettings
from sepbots.cli.state import CliState, errors_to_exit
from sepbots.clock import SystemClock
from sepbots.i18n import formats
from sepbots.reports.screening import text_rows, write_screening_xlsx

if TYPE_CHECKING:
    from sepbots.gains import GainsResult

app = typer.Typer(
    help="Proceskatalog: screening, business case, juridisk tjekliste og deling. "
    "(Process catalogue: screening, business case, legal checklist, sharing.)",
    no_args_is_help=True,
)
out = Console()
err = Console(stderr=True)

CatalogueOpt = Annotated[
    Path | None, typer.Option("--catalogue", "-c", help="catalogue folder (default <home>/config/catalogue)")
]
LangOpt = Annotated[str | None, typer.Option("--lang", help="da or en (default: settings.language)")]
FromOpt = Annotated[str | None, typer.Option("--from", help="first date of the measured period, YYYY-MM-DD")]
ToOpt = Annotated[str | None, typer.Option("--to", help="last date of the measured period (included), YYYY-MM-DD")]
TestRunsOpt = Annotated[bool, typer.Option("--include-test-runs", help="count test-mode runs too")]


class CatalogueContext:
    """Settings, language, gains settings and the catalogue folder for one command.

    Uses the root ``sepbots`` callback's state (``--home``, ``--lang``) when present, so the sub-app
    also works on its own (tests, ``python -m``).
    """

    def __init__(self, ctx: typer.Context, catalogue: Path | None, lang: str | None) -> None:
        obj = ctx.find_root().obj
        self.state = (
            obj if isinstance(obj, CliState) else CliState(home=None, lang=None, environ=dict(os.environ))
        )
        with errors_to_exit():
            settings = self.state.settings
        self.settings = settings
        self.lang = lang or self.state.language
        self.gains: GainsSettings = settings.gains
        self.folder = catalogue or settings.catalogue_path

    def da(self, da: str, en: str) -> str:
        return da if self.lang == "da" else en

    def load(self) -> Catalogue:
        """The catalogue, its volumes scaled to ``[municipality]`` when that is set."""
        return scale_catalogue(load_catalogue(self.folder), self.settings.municipality)

    def load_unscaled(self) -> Catalogue:
        """The catalogue as written (for edits and sharing)."""
        return load_catalogue(self.folder)

    def measured(
        self, cat: Catalogue, start: str | None, end: str | None, *, include_test_runs: bool = False, credits: bool = True
    ) -> GainsResult:
        """The measured gains of ``cat`` from ``--from`` to ``--to`` (with the bots' credited minutes unless told not to)."""
        from sepbots.gains import compute_gains, credits_of

        first, last = period(start, end)
        env = self.state.env()
        return compute_gains(env.store, cat, self.gains, start=first, end=last, now=env.clock.now(),
                             include_test_runs=include_test_runs, credits=credits_of(env.registry) if credits else None)


@app.command()
def validate(ctx: typer.Context, catalogue: CatalogueOpt = None, lang: LangOpt = None) -> None:
    """Valider alle procesfiler. (Validate every process file.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        cat = c.load()
    out.print(
        c.da(f"{len(cat)} processer er gyldige i {c.folder}", f"{len(cat)} processes are valid in {c.folder}")
    )


@app.command()
def screen(
    ctx: typer.Context,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
    xlsx: Annotated[Path | None, typer.Option(help="also write the ranked table to this .xlsx")] = None,
) -> None:
    """Screen og rangér processerne. (Screen and rank the processes.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        cat = c.load()
        results = screen_all(cat, c.gains)
        if xlsx is not None:
            write_screening_xlsx(cat, results, xlsx, c.lang)
    table = Table(title=c.da("Screening af processer", "Process screening"))
    heads = c.da(
        "Rang|Nøgle|Proces|KL|Score|Potentiale %|Lethed %|Timer/år|Anbefaling",
        "Rank|Key|Process|KL|Score|Potential %|Ease %|Hours/yr|Recommendation",
    ).split("|")
    for i, h in enumerate(heads):
        table.add_column(
            h, justify="right" if i in (0, 4, 5, 6, 7) else "left", no_wrap=i in (1, 3), overflow="ellipsis"
        )
    rows = text_rows(cat, results, c.lang)
    yearly = [row for row, r in zip(rows, results, strict=True) if not r.one_off]
    once = [row for row, r in zip(rows, results, strict=True) if r.one_off]
    for row in yearly:
        table.add_row(*row)
    out.print(table)
    if once:
        extra = Table(title=c.da("Engangsopgaver (rangeres ikke mod årlige)", "One-off tasks (not ranked against yearly)"))
        for i, h in enumerate(heads):
            extra.add_column(h.replace("/år", " i alt").replace("/yr", " total"), justify="right" if i in (4, 5, 6, 7) else "left")
        for row in once:
            extra.add_row(*row)
        out.print(extra)
        total = formats.number(one_off_total_hours(results), c.lang, 0)
        out.print(c.da(f"Engangsopgaver i alt: {total} timer (én gang)", f"One-off tasks in total: {total} hours (once)"))
    if c.settings.municipality is not None:
        m = c.settings.municipality
        out.print(
            c.da(
                f"Mængder skaleret til {m.name} ({formats.number(m.inhabitants, c.lang, 0)} indbyggere).",
                f"Volumes scaled to {m.name} ({formats.number(m.inhabitants, c.lang, 0)} inhabitants).",
            )
        )
    if xlsx is not None:
        out.print(c.da(f"Skrev {xlsx}", f"Wrote {xlsx}"))


def _case_lines(case: BusinessCase, lang: str, unit: Unit) -> list[tuple[str, str]]:
    def n(v: object, d: int = 0) -> str:
        return formats.number(v, lang, d)  # type: ignore[arg-type]  # the figures are numbers or None

    def k(v: object) -> str:
        return formats.kroner(v, lang, 0)  # type: ignore[arg-type]  # the figures are numbers or None

    da = lang == "da"
    return [
        (f"{unit.label(lang, 2).capitalize()} {'pr. år' if da else 'per year'}", n(case.occurrences_per_year)),
        (f"{'Minutter pr.' if da else 'Minutes per'} {unit.label(lang)}", n(case.minutes_per_occurrence, 2)),
        ("Automatiseringsgrad" if da else "Automation share", formats.percent(case.automation_share, lang, 1)),
        ("Manuelle timer pr. år" if da else "Manual hours per year", n(case.manual_hours_per_year)),
        ("Sparede timer pr. år" if da else "Hours saved per year", n(case.saved_hours_per_year)),
        (
            "Årsværk" if da else "FTE",
            f"{n(case.fte, 2)} ({n(case.net_hours_per_fte)} {'t/årsværk' if da else 'h/FTE'})",
        ),
        (
            "Gevinst pr. år" if da else "Benefit per year",
            f"{k(case.benefit_dkk_per_year)} ({k(case.hourly_cost_dkk)}/{'t' if da else 'h'})",
        ),
        ("Implementering" if da else "Implementation", f"{k(case.implementation_dkk)}"),
        ("Drift pr. år" if da else "Running per year", f"{k(case.running_dkk_per_year)}"),
        ("Licenser pr. år" if da else "Licences per year", f"{k(case.licence_dkk_per_year)}"),
        ("Driftsbemanding pr. år" if da else "Operations staff per year", f"{k(case.operations_dkk_per_year)}"),
        (f"Netto år 1 (indfasning {formats.percent(case.ramp_up_share, lang, 0)})" if da
         else f"Net year 1 (ramp-up {formats.percent(case.ramp_up_share, lang, 0)})", f"{k(case.net_dkk_first_year)}"),
        ("Netto pr. år derefter" if da else "Net per year after", f"{k(case.net_dkk_per_year)}"),
        (
            "Tilbagebetaling" if da else "Payback",
            ("aldrig" if da else "never")
            if case.payback_months is None
            else f"{n(case.payback_months, 1)} {'mdr.' if da else 'months'}",
        ),
        (
            f"Nutidsværdi ({case.horizon_years} år, {formats.percent(case.discount_rate, lang, 1)})"
            if da
            else f"NPV ({case.horizon_years} yrs, {formats.percent(case.discount_rate, lang, 1)})",
            f"{k(case.npv_dkk)}",
        ),
    ]


@app.command("business-case")
def business_case(
    ctx: typer.Context,
    process_key: Annotated[str, typer.Argument(metavar="ID")],
    start: FromOpt = None,
    end: ToOpt = None,
    include_test_runs: TestRunsOpt = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Vis business case for en proces, og den målte ved siden af når en periode gives (business case)."""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        cat = c.load()
        process = cat.get(process_key)
    cases = [(c.da("Skøn", "Estimate"), estimate(process, c.gains))]
    if start or end:
        with errors_to_exit():
            figures = c.measured(cat, start, end, include_test_runs=include_test_runs).figures
        measured = next((p.measured for p in figures.processes if p.process_key == process.key), None)
        if measured is None:
            out.print(c.da("Ingen målinger i perioden.", "No measurements in the period."))
        else:
            cases.append((c.da("Målt", "Measured"), measured))
    table = Table(title=f"{process.title(c.lang)} ({process.key})")
    table.add_column(c.da("Post", "Item"))
    for title, _ in cases:
        table.add_column(title, justify="right")
    columns = [_case_lines(case, c.lang, process.unit) for _, case in cases]
    for i, (label, _) in enumerate(columns[0]):
        table.add_row(label, *(col[i][1] for col in columns))
    out.print(table)
    if cases[0][1].costs_estimated:
        out.print(c.da("Omkostninger er (delvist) skønnede.", "Costs are (partly) estimated."))


@app.command("set-phase")
def set_phase_cmd(
    ctx: typer.Context,
    process_key: Annotated[str, typer.Argument(metavar="ID")],
    phase: Annotated[Phase, typer.Argument(metavar="PHASE", help=", ".join(p.value for p in Phase))],
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Flyt en proces til en ny fase (Drift kræver fuld juridisk tjekliste). (Change phase; Drift needs the checklist.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        process = set_phase(c.load_unscaled(), process_key, phase, lang=c.lang)
    out.print(
        c.da(
            f"{process.key} er nu i fasen {process.phase.label('da')}",
            f"{process.key} is now in phase {process.phase.label('en')}",
        )
    )


@app.command()
def legal(
    ctx: typer.Context,
    process_key: Annotated[str, typer.Argument(metavar="ID")],
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Vis juridisk tjekliste og produktionsgodkendelse. (Show the legal checklist and production clearance.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        process = c.load().get(process_key)
    missing = set(process.legal.missing())
    for key in CHECKLIST_POINTS:
        sub_missing = [sub for sub in SUB_POINTS.get(key, ()) if sub in missing]
        mark = "[red]✗[/red]" if key in missing or sub_missing else "[green]✓[/green]"
        out.print(f"{mark} {checklist_label(key, c.lang)}")
        for sub in sub_missing:
            out.print(f"   [red]✗[/red] {checklist_label(sub, c.lang)}")
    out.print(production_clearance(process).message(process.key, c.lang))


@app.command("export")
def export_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="bundle file to write (.json)")],
    organisation: Annotated[str, typer.Option(help="your municipality's name")],
    start: FromOpt = None,
    end: ToOpt = None,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Eksportér kataloget til en delingspakke. (Export the catalogue to a sharing bundle.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        cat = c.load_unscaled()
        measured = _measured_summaries(c, cat, start, end) if start or end else None
        n = export_bundle(cat, path, organisation=organisation, settings=c.gains, clock=SystemClock(),
                          measured=measured, municipality=c.settings.municipality)
    out.print(c.da(f"Eksporterede {n} processer til {path}", f"Exported {n} processes to {path}"))


def period(start: str | None, end: str | None) -> tuple[date, date]:
    """``--from`` and ``--to`` as dates; both are needed, and ``--to`` may not come before ``--from``."""
    try:
        first, last = date.fromisoformat(start or ""), date.fromisoformat(end or "")
    except ValueError:
        raise typer.BadParameter("give both --from and --to as YYYY-MM-DD", param_hint="--from/--to") from None
    if last < first:
        raise typer.BadParameter("--to is before --from", param_hint="--to")
    return first, last


def _measured_summaries(c: CatalogueContext, cat: Catalogue, start: str | None, end: str | None) -> dict[str, Any]:
    from sepbots.gains import measured_summaries

    return measured_summaries(c.measured(cat, start, end, credits=False).figures)


@app.command("import")
def import_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="bundle file to read")],
    prefer: Annotated[Prefer | None, typer.Option(help="settle conflicts: ours or theirs")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="report only, write nothing")] = False,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Importér en delingspakke (flet på procesnøgle). (Import a bundle, merging by process key.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        report = import_bundle(c.load_unscaled(), path, clock=SystemClock(), prefer=prefer, dry_run=dry_run)
    out.print(report.summary(c.lang), highlight=False)


@app.command("export-os2autoproces")
def export_os2_cmd(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="JSON file to write")],
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Eksportér i OS2autoproces-format. (Export in OS2autoproces format.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        n = export_os2autoproces(c.load(), path)
    out.print(
        c.da(
            f"Skrev {n} processer i OS2autoproces-format til {path}",
            f"Wrote {n} processes in OS2autoproces format to {path}",
        )
    )


@app.command("listing")
def listing_cmd(
    ctx: typer.Context,
    write: Annotated[Path | None, typer.Option(help="update this Markdown file between the process markers")] = None,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Skriv proceslisten med kilder som Markdown. (Print the process listing with sources as Markdown.)"""
    from sepbots.catalogue.listing import markdown_listing, replace_listing
    from sepbots.catalogue.loader import write_atomic

    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        text = markdown_listing(c.load_unscaled())
    if write is None:
        typer.echo(text, nl=False)
        return
    write_atomic(write, replace_listing(write.read_text(encoding="utf-8") if write.exists() else "", text))
    out.print(c.da(f"Opdaterede {write}", f"Updated {write}"))
