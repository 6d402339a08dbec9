"""Demo steps for measured gains, reports and retention (``sepbots demo`` calls them after the bots ran).

The demo's runs are made in test mode, so these steps count test-mode runs and say so.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING

from sepbots.budget import compute_budget
from sepbots.catalogue.loader import Catalogue, load_catalogue
from sepbots.catalogue.settings import GainsSettings
from sepbots.clock import local
from sepbots.gains import compute_gains, credits_of
from sepbots.reports import write_budget_html, write_budget_xlsx, write_gains_html, write_gains_xlsx
from sepbots.retention import apply_retention
from sepbots.workitems import items
from sepbots.workitems.models import ItemState

if TYPE_CHECKING:
    from sepbots.demo.context import DemoContext

SHIPPED_CATALOGUE = Path(__file__).resolve().parents[2] / "config" / "catalogue"
GAINS_TITLE = "Målte gevinster og rapporter / measured gains and reports"
RETENTION_TITLE = "Opbevaring (prøvekørsel) / retention (dry run)"


def demo_catalogue(ctx: DemoContext) -> Catalogue:
    """The installation's catalogue (``<home>/config/catalogue``), else the one shipped with sepbots."""
    folder = ctx.env.settings.catalogue_path
    return load_catalogue(folder if Path(folder).is_dir() else SHIPPED_CATALOGUE)


def demo_gains(ctx: DemoContext) -> None:
    """Print the measured gains of the last 30 days and write the gains and budget reports (xlsx + HTML)."""
    settings: GainsSettings = ctx.env.settings.gains
    catalogue = demo_catalogue(ctx)
    credits = credits_of(ctx.env.registry)
    _handle_one_invoice(ctx)
    now = ctx.env.clock.now()
    end = local(now).date()
    result = compute_gains(
        ctx.env.store,
        catalogue,
        settings,
        start=end - timedelta(days=29),
        end=end,
        now=now,
        include_test_runs=True,
        credits=credits,
    )
    ctx.printer.line(
        "Demoens kørsler er testkørsler og tælles med her. Sparet tid = udførte enheder × robottens "
        "krediterede minutter; overgivne enheder uden målt behandlingstid tæller 0."
        if ctx.lang == "da"
        else "The demo's runs are test runs and are counted here. Time saved = units done × the bot's credited "
        "minutes; handed-over units without a measured handling time count 0."
    )
    ctx.printer.gains(result.figures, ctx.lang)
    budget = compute_budget(
        ctx.env.store,
        catalogue,
        settings,
        year=end.year + 1,
        now=now,
        lookback_days=30,
        include_test_runs=True,
        credits=credits,
    )
    stem = "gevinster" if ctx.lang == "da" else "gains"
    paths = [
        write_gains_xlsx(result.figures, ctx.work_dir / f"{stem}.xlsx", ctx.lang),
        write_gains_html(result.figures, ctx.work_dir / f"{stem}.html", ctx.lang),
        write_budget_xlsx(budget, ctx.work_dir / f"budget-{end.year + 1}.xlsx", ctx.lang),
        write_budget_html(budget, ctx.work_dir / f"budget-{end.year + 1}.html", ctx.lang),
    ]
    for path in paths:
        ctx.printer.line(f"→ {path}")
    ctx.results["gains"] = result.figures
    ctx.results["budget"] = budget


def _handle_one_invoice(ctx: DemoContext) -> None:
    """A clerk handles one handed-over invoice in 3 minutes: it then counts baseline 5 − 3 = 2 minutes."""
    with ctx.env.store.engine.connect() as conn:
        waiting = items.listing(conn, queue="fakturakontrol", states=[ItemState.BUSINESS_EXCEPTION.value],
                                unhandled=True, fields=("id",), newest_first=False, limit=1)
        item_id = waiting[0].id if waiting else None
        conn.rollback()
    if item_id is None:
        return
    ctx.env.queues.mark_handled(item_id, actor="demo", note="demo: leverandøren rettede CVR-nummeret", minutes=Decimal(3))
    ctx.printer.line(
        f"En sagsbehandler har behandlet den overgivne faktura {item_id} på 3 min. (målt): den tæller 5 − 3 = 2 min."
        if ctx.lang == "da"
        else f"A clerk handled the handed-over invoice {item_id} in 3 min (measured): it counts 5 − 3 = 2 min."
    )


def demo_retention(ctx: DemoContext) -> None:
    """Show what retention would remove today (dry run; nothing changes)."""
    report = apply_retention(ctx.env, demo_catalogue(ctx), dry_run=True)
    ctx.printer.line(report.summary(ctx.lang))
