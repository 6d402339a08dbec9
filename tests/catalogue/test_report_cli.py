"""``sepbots report gains|budget`` and ``catalogue business-case --from/--to`` on a real ledger."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import typer
import yaml
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from sepbots.cli.catalogue import app as catalogue_app
from sepbots.cli.report import app as report_app
from sepbots.testing import ManualClock, open_test_environment, run_bot_once

from .conftest import COMPLETE_LEGAL, process_data
from .test_gains import casebot


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
    run_bot_once(casebot, env=env, test_mode=False)
    env.close()
    return home


def invoke(app: typer.Typer, home: Path, *args: str) -> Result:
    return CliRunner().invoke(app, list(args), env={"SEPBOTS_HOME": str(home), "COLUMNS": "220"})


def test_report_gains_xlsx(home: Path) -> None:
    """report gains prints the measured figures and writes the workbook to the default place."""
    result = invoke(report_app, home, "gains", "--from", "2026-10-01", "--to", "2026-10-31")
    assert result.exit_code == 0, result.output
    assert "Testproces med robot" in result.output and "0,70" in result.output
    path = home / "var" / "reports" / "gevinster-2026-10-01-2026-10-31.xlsx"
    ws = load_workbook(path)["Oversigt"]
    assert ws.freeze_panes is not None
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
    assert "Measured gains" in html and ">255.5<" in html  # run-rate 0.70 h × 365 = 255.5 h


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
    assert "3.650" in result.output and "256" in result.output and "70,0 %" in result.output, result.output


def test_report_gains_json_follows_the_documented_schema(home: Path, tmp_path: Path) -> None:
    """--format json writes exact decimal strings per process: unit, counts, minutes, hours, kroner, shares."""
    import json

    out = tmp_path / "g.json"
    result = invoke(report_app, home, "gains", "--from", "2026-10-05", "--to", "2026-10-05", "--format", "json",
                    "--output", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "sepbots.gains/1" and doc["include_test_runs"] is False
    (p,) = doc["processes"]
    assert p["unit"]["da"] == "sag" and (p["units_done"], p["units_handed_over"], p["units_failed"]) == (7, 2, 1)
    assert p["credited_minutes"] == "6.00" and p["baseline_minutes"] == "6"
    assert p["saved_hours"] == "0.70" and p["saved_dkk"] == "280.00"
    assert p["realised_automation_share"] == "0.7000" and p["estimate"]["automation_share"] == "1"
    assert p["handling_minutes_per_unit"] is None and doc["total_saved_dkk"] == "280.00"


def test_report_budget_json_years_follow_go_live(home: Path, tmp_path: Path) -> None:
    """Go-live 1 March 2027, ramp-up 50 %: 2027 has 10 live months at half = 100/12 × 5 = 41.67 h, 2028 91.67 h."""
    import json

    cat = home / "config" / "catalogue" / "testproces.yaml"
    data = yaml.safe_load(cat.read_text(encoding="utf-8"))
    data.update(phase="implementering", go_live="2027-03-01", account_function="6.45.51",
                cash_realisable_share={"value": 0.25, "estimate": True},
                costs={"implementation_dkk": {"value": 10000, "estimate": True},
                       "running_dkk_per_year": {"value": 1200, "estimate": True}})
    cat.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    out = tmp_path / "b.json"
    result = invoke(report_app, home, "budget", "--year", "2027", "--format", "json", "--output", str(out))
    assert result.exit_code == 0, result.output
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["schema"] == "sepbots.budget/1" and doc["years"] == [2027, 2028, 2029, 2030]
    (line,) = doc["lines"]
    assert line["pipeline"] is True and line["hours_per_year"] == "100.00"  # 1,000 × 6 / 60 × 100 %
    y27, y28, y29, _ = line["years"]
    # 2027: hours 41.67; cash 41.667 × 25 % × 400 = 4,166.67; costs 10,000 build + 1,200 / 12 × 10 = 11,000.
    assert (y27["hours"], y27["hours_freed"], y27["cash_dkk"], y27["costs_dkk"], y27["net_dkk"]) == (
        "41.67", "31.25", "4166.67", "11000.00", "-6833.33")
    assert (y28["hours"], y28["cash_dkk"], y28["costs_dkk"]) == ("91.67", "9166.67", "1200.00")
    assert (y29["hours"], y29["net_dkk"]) == ("100.00", "8800.00")  # 10,000 cash − 1,200 costs
    assert doc["pipeline"]["by_account"][0]["key"] == "6.45.51"
    assert doc["operating"]["total"][0]["hours"] == "0"
    later = tmp_path / "b28.json"
    invoke(report_app, home, "budget", "--year", "2028", "--format", "json", "--output", str(later))
    assert json.loads(later.read_text(encoding="utf-8"))["lines"][0]["years"][0]["hours"] == "91.67"


def test_items_handle_and_time_feed_the_gains(home: Path, tmp_path: Path) -> None:
    """items handle --minutes records the handling time (a correction replaces it), items time the review
    minutes; both reach report gains: 7 × 6 + (6 − 3) − 15 = 30 min = 0.50 h."""
    import json

    from sepbots.cli import app as main_app

    def cli(*args: str) -> Result:
        return CliRunner().invoke(main_app, ["--home", str(home), *args], env={"COLUMNS": "200"})

    listed = cli("items", "list", "--state", "business_exception", "--format", "json")
    first = next(item["id"] for item in json.loads(listed.output) if item["reference"] == "job-7")
    handled = cli("items", "handle", str(first), "--minutes", "4,5", "--note", "ringede til leverandøren")
    assert handled.exit_code == 0, handled.output
    assert "4.50 min." in handled.output
    again = cli("items", "handle", str(first), "--minutes", "3", "--note", "igen")
    assert again.exit_code == 0 and "3.00 min." in again.output  # a correction: the newer time counts
    bad = cli("items", "handle", str(first), "--minutes", "fem", "--note", "x")
    assert bad.exit_code == 2 and "fem" in bad.output
    review = cli("items", "time", "--process", "testproces", "--minutes", "15", "--note", "stikprøve",
                 "--day", "2026-10-05")
    assert review.exit_code == 0, review.output
    out = tmp_path / "g.json"
    result = invoke(report_app, home, "gains", "--from", "2026-10-05", "--to", "2026-10-05", "--format", "json",
                    "--output", str(out))
    assert result.exit_code == 0, result.output
    (p,) = json.loads(out.read_text(encoding="utf-8"))["processes"]
    assert p["handled_measured"] == 1 and p["handling_minutes_per_unit"] == "3.00"
    assert p["review_hours"] == "0.25" and p["saved_hours"] == "0.50"  # 42 + (6 − 3) − 15 = 30 min
