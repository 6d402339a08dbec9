"""The demo step: after a real bot run it prints measured gains and writes both reports."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from pathlib import Path

from openpyxl import load_workbook
from rich.console import Console

from sepbots.cli.demo import ConsolePrinter
from sepbots.demo import DemoContext
from sepbots.demo.gains import demo_gains, demo_retention
from sepbots.testing import ManualClock, open_test_environment, run_bot_once


def test_demo_step_prints_gains_and_writes_reports(tmp_path: Path) -> None:
    """demo_gains prints the fakturakontrol run's gains and writes gains and budget reports in .xlsx and HTML."""
    from bots.fakturakontrol.bot import check_invoice
    from bots.fakturakontrol.sample import write_sample

    env = open_test_environment(
        tmp_path / "home", clock=ManualClock(datetime(2026, 11, 27, 12, 0, tzinfo=UTC))
    )
    try:
        src = write_sample(tmp_path / "f.xlsx", 20)
        outcome = run_bot_once(
            check_invoice,
            {"input": str(src), "output": str(tmp_path / "o.xlsx"), "today": "2026-11-28"},
            env=env,
        )
        buffer = io.StringIO()
        ctx = DemoContext(
            env=env, lang="da", printer=ConsolePrinter(Console(file=buffer, width=200)), work_dir=tmp_path / "demo"
        )
        ctx.work_dir.mkdir()
        demo_gains(ctx)
        demo_retention(ctx)
    finally:
        env.close()
    text = buffer.getvalue()
    assert "Målte gevinster" in text and "Fakturabehandling" in text
    assert "Prøvekørsel" in text
    files = sorted(p.name for p in ctx.work_dir.iterdir())
    assert files == ["budget-2027.html", "budget-2027.xlsx", "gevinster.html", "gevinster.xlsx"]
    (p,) = ctx.results["gains"].processes
    assert p.units_done == outcome.summary.counts.done
    assert p.saved_hours > 0 and "I alt:" in text and "krediterede minutter" in text  # positive and explained
    ws = load_workbook(ctx.work_dir / "budget-2027.xlsx")["Processer"]
    assert any(ws.cell(r, 1).value == "Fakturabehandling af småfakturaer" for r in range(2, ws.max_row + 1))
