"""Demo step: reconcile a generated statement (Danish netbank CSV) against the ledger export."""

from __future__ import annotations

from sepbots.demo import DemoContext

from .sample import generate, write_sample

ORDER = 20
TITLE = "Bankafstemning (kontoudtog mod bogføring) / bank reconciliation"


def demo(ctx: DemoContext) -> None:
    """Generate 1,000 bank lines, reconcile them and print where the workbook is."""
    paths = write_sample(generate(1000, seed=11), ctx.work_dir / "bankafstemning", formats=("csv",))
    out = ctx.work_dir / "bankafstemning-resultat.xlsx"
    summary = ctx.run("bankafstemning", {"bank": str(paths["csv"]), "ledger": str(paths["ledger"]), "output": str(out)})
    for path in summary.outputs:  # this run's own file (name with date and run id)
        ctx.printer.line(f"→ {path}")
