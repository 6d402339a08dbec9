"""``sepbots report benchmark``: our processes beside other municipalities', per 1,000 inhabitants."""

from __future__ import annotations

from decimal import Decimal

import typer
from rich.table import Table

from sepbots.catalogue.benchmark import compare, load_all, own
from sepbots.cli.catalogue import CatalogueContext, CatalogueOpt, FromOpt, LangOpt, ToOpt, _measured_summaries
from sepbots.cli.report import app, out
from sepbots.cli.state import errors_to_exit
from sepbots.i18n import formats

_HEADS = {
    "da": "Proces|Kommune|Sager pr. 1.000 indb.|Minutter|Automatisering %|Skønnet besparelse t pr. 1.000|Målt besparelse t pr. 1.000",
    "en": "Process|Municipality|Cases per 1,000 inh.|Minutes|Automation %|Estimated savings h per 1,000|Measured savings h per 1,000",
}


@app.command("benchmark")
def benchmark(
    ctx: typer.Context,
    start: FromOpt = None,
    end: ToOpt = None,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Sammenlign processer med andre kommuner (pr. 1.000 indbyggere). (Benchmark against other municipalities.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    with errors_to_exit():
        cat = c.load()
        measured: dict[str, tuple[Decimal, Decimal]] = {}
        if start or end:
            measured = {
                k: (Decimal(str(v[0].annualised_saved_hours)), Decimal(str(v[0].realised_automation_share)))
                for k, v in _measured_summaries(c, cat, start, end).items()
            }
        ours = own(cat, c.gains, c.settings.municipality, measured)
        rows = compare(ours, load_all(c.folder))
    if not rows:
        out.print(c.da("Ingen fælles processer med andre kommuner endnu — importér en delingspakke.",
                       "No processes shared with other municipalities yet — import a sharing bundle."))
        return
    table = Table(title=c.da("Sammenligning mellem kommuner", "Benchmark between municipalities"))
    for i, head in enumerate(_HEADS["da" if c.lang == "da" else "en"].split("|")):
        table.add_column(head, justify="left" if i < 2 else "right")

    def n(v: object, d: int = 1) -> str:
        return "–" if v is None else formats.number(v, c.lang, d)  # type: ignore[arg-type]  # the figures are numbers or None

    for row in rows:
        for i, cell in enumerate(row.cells):
            table.add_row(row.name if i == 0 else "", cell.organisation, n(cell.occurrences_per_1000),
                          n(cell.minutes_per_occurrence), n(cell.automation_share * 100, 0),
                          n(cell.estimated_saved_hours_per_1000), n(cell.measured_saved_hours_per_1000))
    out.print(table)
    if c.settings.municipality is None:
        out.print(c.da("Sæt [municipality] i config/sepbots.toml for at normalisere vores egne tal.",
                       "Set [municipality] in config/sepbots.toml to normalise our own figures."))
