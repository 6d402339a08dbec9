"""Demo step: check 40 generated invoices and write the outcome workbook."""

from __future__ import annotations

from sepbots.demo import DemoContext

from .sample import write_sample

ORDER = 10
TITLE = "Fakturakontrol (regneark) / invoice pre-check (spreadsheet)"


def demo(ctx: DemoContext) -> None:
    src = write_sample(ctx.work_dir / "fakturaer.xlsx", 40)
    out = ctx.work_dir / "fakturakontrol-resultat.xlsx"
    summary = ctx.run("fakturakontrol", {"input": str(src), "output": str(out), "today": "2026-11-28"})
    for path in summary.outputs:  # this run's own file (name with date and run id)
        ctx.printer.line(f"→ {path}")
