"""``sepbots report gains|budget`` and ``catalogue business-case --from/--to`` on a real ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner

from sepbots.cli.catalogue import app as catalogue_app
from sepbots.cli.report import app as report_app
from sepbots.testing import ManualClock, open_test_environment, run_bot_once

from .conftest import COMPLETE_LEGAL, process_data
from .test_gains import tallybot


@pytest.fixture
def home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    folder = home / "config" / "catalogue"
    folder.mkdir(parents=True)
    data = process_data(
        minutes_per_occurrence={"value": 6, "estimate": True},
        phase="drift",
        legal=COMPLETE_LEGAL,
        name="Testproces med robot",
    )
    (folder / "testproces.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    env = open_test_environment(home, clock=ManualClock(datetime(2026, 10, 5, 9, 0, tzinfo=UTC)))
    run_bot_once(tallybot, env=env, test_mode=False)
    env.close()
    return home


def invoke(app, home: Path, *args: str):
    return CliRunner().invoke(app, list(args), env={"SEPBOTS_HOME": str(home), "COLUMNS": "220"})


def test_report_gains_xlsx(home: Path) -> None:
    """report gains prints the measured figures and writes the workbook to the default place."""
    result = invoke(report_app, home, "gains", "--from", "2026-10-01", "--to", "2026-10-31")
    assert result.exit_code == 0, result.output
    assert "Testproces med robot" in result.output and "0,5" in result.output
    path = home / "var" / "reports" / "gevinster-2026-10-01-2026-10-31.xlsx"
    ws = load_workbook(path)["Oversigt"]
    assert any(ws.cell(r, 3).value == 7 for r in range(1, 12))


def test_report_gains_html_english(home: Path, tmp_path: Path) -> None:
    """report gains --format html --lang en writes an English HTML report where asked."""
    out = tmp_path / "g.html"
    result = invoke(
        report_app,
        home,
        "gains",
        "--from",
        "2026-10-05",
        "--to",
        "2026-10-05",
        "--format",
        "html",
        "--output",
        str(out),
        "--lang",
        "en",
    )
    assert result.exit_code == 0, result.output
    html = out.read_text(encoding="utf-8")
    assert "Measured gains" in html and ">195<" in html  # run-rate 194.67 h, shown without decimals


def test_report_gains_rejects_reversed_period(home: Path) -> None:
    """A period that ends before it starts is a usage error (exit 2)."""
    result = invoke(report_app, home, "gains", "--from", "2026-10-05", "--to", "2026-10-01")
    assert result.exit_code == 2


def test_report_budget(home: Path) -> None:
    """report budget writes the per-area budget for the year from the measured run-rate."""
    result = invoke(
        report_app, home, "budget", "--year", "2027", "--format", "html", "--lookback-days", "3650"
    )
    assert result.exit_code == 0, result.output
    html = (home / "var" / "reports" / "budget-2027.html").read_text(encoding="utf-8")
    assert "Målt driftsniveau" in html and "Økonomi og indkøb" in html


def test_business_case_measured_beside_estimate(home: Path) -> None:
    """business-case --from/--to shows the measured case in a column beside the estimate."""
    result = invoke(
        catalogue_app, home, "business-case", "testproces", "--from", "2026-10-05", "--to", "2026-10-05"
    )
    assert result.exit_code == 0, result.output
    assert "Skøn" in result.output and "Målt" in result.output
    assert "3.650" in result.output and "195" in result.output and "70,0 %" in result.output
