"""Report writers on in-memory figures: native Excel charts, inline SVG HTML, Danish and English formats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook

from sepbots.catalogue.business_case import estimate
from sepbots.catalogue.models import Area, Phase
from sepbots.catalogue.settings import GainsSettings
from sepbots.reports import (
    BudgetFigures,
    BudgetLine,
    BudgetSource,
    DailyPoint,
    GainsFigures,
    ProcessGains,
    render_gains_html,
    write_budget_html,
    write_budget_xlsx,
    write_gains_html,
    write_gains_xlsx,
)
from sepbots.reports.i18n import fmt_number, fmt_pct

from .conftest import make_process

D = Decimal


def figures() -> GainsFigures:
    process = make_process(
        key="fakturabehandling-smaafakturaer",
        name="Småfakturaer",
        name_en="Small invoices",
        occurrences_per_year={"value": 200_000, "estimate": True},
        minutes_per_occurrence={"value": 5, "estimate": True},
    )
    est = estimate(process, GainsSettings())
    start = date(2026, 10, 1)
    daily = [
        DailyPoint(day=start + timedelta(days=i), automated=300 + i, manual=10, failed=1) for i in range(31)
    ]
    return GainsFigures(
        period_from=start,
        period_to=date(2026, 10, 31),
        generated_at=datetime(2026, 11, 2, tzinfo=UTC),
        hourly_cost_dkk=D(400),
        net_hours_per_fte=D(1628),
        processes=[
            ProcessGains(
                process_key="fakturabehandling-smaafakturaer",
                name="Småfakturaer",
                name_en="Small invoices",
                area=Area.OEKONOMI,
                items_automated=14_000,
                items_manual=310,
                items_failed=31,
                robot_hours=D("38.5"),
                manual_minutes_per_item=D(5),
                handling_minutes_per_item=D(5),
                saved_hours=D("1140.83"),
                realised_automation_share=D("0.9762"),
                annualised_items=D("168846.77"),
                annualised_saved_hours=D("13432.6"),
                annualised_saved_dkk=D("5373040"),
                estimate=est,
                measured=est.model_copy(update={"saved_hours_per_year": D("13432.6")}),
                daily=daily,
            )
        ],
    )


def test_gains_xlsx_has_native_charts_and_number_formats(tmp_path: Path) -> None:
    """The gains workbook has a native bar chart and line chart, numeric cells and Excel number formats."""
    path = write_gains_xlsx(figures(), tmp_path / "gevinster.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Oversigt", "Dagligt", "Business case"]
    summary = wb["Oversigt"]
    assert summary["A1"].value == "Målte gevinster"
    assert [type(c).__name__ for c in summary._charts] == ["BarChart"]
    assert [type(c).__name__ for c in wb["Dagligt"]._charts] == ["LineChart"]
    header_row = next(r for r in range(1, 10) if summary.cell(r, 1).value == "Proces")
    row = header_row + 1
    assert summary.cell(row, 1).value == "Småfakturaer"
    assert summary.cell(row, 3).value == 14_000
    assert summary.cell(row, 7).value == pytest.approx(1140.83)
    assert summary.cell(row, 7).number_format == "#,##0.0"
    assert summary.cell(row, 9).number_format == "0.0%"
    assert wb["Dagligt"].max_row == 32
    bc = wb["Business case"]
    assert [bc.cell(r, 2).value for r in (2, 3)] == ["Skøn", "Målt"]
    assert list(tmp_path.glob(".*")) == []


def test_gains_xlsx_in_english(tmp_path: Path) -> None:
    """With lang=en the sheets and labels are English."""
    wb = load_workbook(write_gains_xlsx(figures(), tmp_path / "gains.xlsx", lang="en"))
    assert wb.sheetnames == ["Summary", "Daily", "Business case"]
    assert wb["Summary"]["A1"].value == "Measured gains"


def test_gains_html_has_inline_svg_and_danish_numbers(tmp_path: Path) -> None:
    """The HTML report is self-contained, with inline SVG charts and Danish number formats."""
    path = write_gains_html(figures(), tmp_path / "gevinster.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("<svg") == 2
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "1.140,8" in html  # saved hours
    assert "97,6 %" in html  # realised share
    assert "01.10.2026" in html
    assert 'lang="da"' in html


def test_gains_html_english_and_escaping() -> None:
    """English output uses English formats, and process names are HTML-escaped."""
    f = figures()
    f = f.model_copy(
        update={"processes": [f.processes[0].model_copy(update={"name_en": "Invoices <b>& co"})]}
    )
    html = render_gains_html(f, lang="en")
    assert "1,140.8" in html and "97.6%" in html
    assert "Invoices &lt;b&gt;&amp; co" in html and "<b>& co" not in html


def test_empty_period_renders() -> None:
    """A period without runs renders a short notice instead of failing."""
    f = GainsFigures(
        period_from=date(2026, 1, 1),
        period_to=date(2026, 1, 31),
        generated_at=datetime(2026, 2, 1, tzinfo=UTC),
        hourly_cost_dkk=D(400),
        net_hours_per_fte=D(1628),
    )
    assert "Ingen kørsler i perioden." in render_gains_html(f)


def test_budget_reports(tmp_path: Path) -> None:
    """The budget report sums measured and pipeline hours per area, in xlsx (stacked bar) and HTML."""
    b = BudgetFigures(
        year=2027,
        generated_at=datetime(2026, 11, 2, tzinfo=UTC),
        hourly_cost_dkk=D(400),
        net_hours_per_fte=D(1628),
        lines=[
            BudgetLine(
                process_key="a",
                name="A",
                area=Area.OEKONOMI,
                source=BudgetSource.MEASURED,
                phase=Phase.OPERATION,
                hours=D(1000),
                dkk=D(400000),
            ),
            BudgetLine(
                process_key="b",
                name="B",
                area=Area.OEKONOMI,
                source=BudgetSource.PIPELINE,
                phase=Phase.DEVELOPMENT,
                hours=D(628),
                dkk=D(251200),
            ),
            BudgetLine(
                process_key="c",
                name="C",
                area=Area.HR,
                source=BudgetSource.PIPELINE,
                phase=Phase.IDEA,
                hours=D(100),
                dkk=D(40000),
            ),
        ],
    )
    assert b.by_area()[0] == (Area.HR, D(0), D(0), D(100), D(40000))
    wb = load_workbook(write_budget_xlsx(b, tmp_path / "budget.xlsx"))
    ws = wb["Oversigt"]
    assert [type(c).__name__ for c in ws._charts] == ["BarChart"]
    rows = {ws.cell(r, 1).value: r for r in range(1, 12)}
    assert ws.cell(rows["Økonomi og indkøb"], 6).value == 1628
    assert ws.cell(rows["Økonomi og indkøb"], 8).value == pytest.approx(1.0)
    assert ws.cell(rows["I alt"], 6).value == 1728
    html = write_budget_html(b, tmp_path / "budget.html").read_text(encoding="utf-8")
    assert "<svg" in html and "1.728" in html and "651.200" in html


@pytest.mark.parametrize(
    ("value", "decimals", "lang", "expected"),
    [
        (D("1234.5"), 1, "da", "1.234,5"),
        (D("1234.5"), 1, "en", "1,234.5"),
        (D("16666.666"), 0, "da", "16.667"),
        (D("-2500"), 0, "da", "−2.500"),
        (D("0.05"), 1, "da", "0,1"),
        (None, 0, "da", "–"),
        (1234567, 0, "da", "1.234.567"),
    ],
)
def test_number_formats(value: object, decimals: int, lang: str, expected: str) -> None:
    """Danish numbers use . for thousands and , for decimals; rounding is half-up."""
    assert fmt_number(value, decimals, lang) == expected  # type: ignore[arg-type]


def test_percent_format() -> None:
    """Shares print as percent with a Danish space before the sign."""
    assert (fmt_pct(D("0.853")), fmt_pct(D("0.853"), lang="en")) == ("85,3 %", "85.3%")
