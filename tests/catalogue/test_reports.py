"""Report writers on in-memory figures: native Excel charts, inline SVG HTML, Danish and English formats."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.chart import BarChart, LineChart

from sepbots.catalogue.business_case import estimate
from sepbots.catalogue.models import Area, Phase, Unit
from sepbots.catalogue.settings import GainsSettings
from sepbots.i18n import formats
from sepbots.reports import (
    BudgetFigures,
    BudgetLine,
    BudgetSource,
    BudgetYear,
    DailyPoint,
    GainsFigures,
    GainsNote,
    ProcessGains,
    render_gains_html,
    write_budget_html,
    write_budget_xlsx,
    write_gains_html,
    write_gains_xlsx,
)
from tests.xlsx import charts_of

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
    daily = [DailyPoint(day=start + timedelta(days=i), done=300 + i, handed_over=10, failed=1) for i in range(31)]
    return GainsFigures(
        period_from=start,
        period_to=date(2026, 10, 31),
        generated_at=datetime(2026, 11, 2, 13, 5, tzinfo=UTC),
        hourly_cost_dkk=D(400),
        net_hours_per_fte=D(1628),
        processes=[
            ProcessGains(
                process_key="fakturabehandling-smaafakturaer",
                name="Småfakturaer",
                name_en="Small invoices",
                area=Area.OEKONOMI,
                unit=Unit(da="faktura", en="invoice", da_plural="fakturaer", en_plural="invoices"),
                units_done=14_000,
                units_handed_over=310,
                units_failed=31,
                robot_hours=D("38.5"),
                baseline_minutes=D(5),
                credited_hours=D("466.67"),
                credited_minutes_total=D(28_000),
                saved_hours=D("1140.83"),
                saved_dkk=D("456332.00"),
                realised_automation_share=D("0.9762"),
                annualised_units=D("168846.77"),
                annualised_saved_hours=D("13432.6"),
                annualised_saved_dkk=D("5373040"),
                estimate=est,
                measured=est.model_copy(update={"saved_hours_per_year": D("13432.6")}),
                daily=daily,
            )
        ],
    )


def test_gains_xlsx_has_frozen_headers_charts_with_axes_and_number_formats(tmp_path: Path) -> None:
    """The gains workbook freezes every header row, draws chart axes, and keeps numeric cells and formats."""
    path = write_gains_xlsx(figures(), tmp_path / "gevinster.xlsx")
    wb = load_workbook(path)
    assert wb.sheetnames == ["Oversigt", "Dagligt", "Business case"]
    summary = wb["Oversigt"]
    assert summary["A1"].value == "Målte gevinster"
    header_row = next(r for r in range(1, 10) if summary.cell(r, 1).value == "Proces")
    assert summary.freeze_panes == f"B{header_row + 1}"
    assert wb["Dagligt"].freeze_panes == "B2" and wb["Business case"].freeze_panes == "B2"
    (bar,) = charts_of(summary)
    (line,) = charts_of(wb["Dagligt"])
    assert isinstance(bar, BarChart) and isinstance(line, LineChart)
    assert type(line).__name__ == "LineChart" and line.x_axis.delete is False and line.y_axis.delete is False
    assert bar.x_axis.delete is False and len(line.series) == 2
    row = header_row + 1
    headers = [summary.cell(header_row, c).value for c in range(1, 20)]
    assert summary.cell(row, 1).value == "Småfakturaer"
    assert summary.cell(row, 2).value == "fakturaer"
    assert summary.cell(row, headers.index("Udført af robot") + 1).value == 14_000
    saved = headers.index("Sparede timer") + 1
    assert summary.cell(row, saved).value == pytest.approx(1140.83)
    assert summary.cell(row, saved).number_format == "#,##0.00"
    assert summary.cell(row, headers.index("Realiseret automatiseringsgrad") + 1).number_format == "0.0%"
    assert summary.cell(row, headers.index("Krediterede min./enhed") + 1).value == pytest.approx(2.0)
    assert wb["Dagligt"].max_row == 32
    bc = wb["Business case"]
    assert [bc.cell(r, 2).value for r in (2, 3)] == ["Skøn", "Målt"]
    assert list(tmp_path.glob(".*")) == []


def test_one_day_of_data_says_too_little_instead_of_an_empty_chart(tmp_path: Path) -> None:
    """With a single day there is no line chart in xlsx or HTML, and both say there is too little data."""
    f = figures()
    one = f.processes[0].model_copy(update={"daily": f.processes[0].daily[:1]})
    f = f.model_copy(update={"processes": [one]})
    wb = load_workbook(write_gains_xlsx(f, tmp_path / "g.xlsx"))
    assert charts_of(wb["Dagligt"]) == [] and wb["Dagligt"]["A4"].value == "For lidt data til en graf."
    html = render_gains_html(f)
    assert html.count("<svg") == 1 and "For lidt data til en graf." in html


def test_gains_xlsx_in_english(tmp_path: Path) -> None:
    """With lang=en the sheets and labels are English."""
    wb = load_workbook(write_gains_xlsx(figures(), tmp_path / "gains.xlsx", lang="en"))
    assert wb.sheetnames == ["Summary", "Daily", "Business case"]
    assert wb["Summary"]["A1"].value == "Measured gains"


def test_gains_html_has_inline_svg_and_danish_numbers(tmp_path: Path) -> None:
    """The HTML report is self-contained, with inline SVG (a paired bar per process, a line with markers)."""
    path = write_gains_html(figures(), tmp_path / "gevinster.html")
    html = path.read_text(encoding="utf-8")
    assert html.count("<svg") == 2 and html.count("<circle") == 62  # 31 days × 2 series
    assert "<script" not in html and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "1.140,83" in html  # saved hours
    assert "97,6 %" in html  # realised share
    assert "01.10.2026" in html and "02.11.2026 14:05" in html  # computed at, Danish local time
    assert 'lang="da"' in html and "size: A4 landscape" in html


def test_gains_html_english_and_escaping() -> None:
    """English output uses English formats, and process names are HTML-escaped."""
    f = figures()
    f = f.model_copy(
        update={"processes": [f.processes[0].model_copy(update={"name_en": "Invoices <b>& co"})]}
    )
    html = render_gains_html(f, lang="en")
    assert "1,140.83" in html and "97.6%" in html and "invoices" in html
    assert "Invoices &lt;b&gt;&amp; co" in html and "<b>& co" not in html


def test_notes_are_printed_beside_the_figures() -> None:
    """A process whose measured handling exceeded the baseline says so in the report."""
    f = figures()
    noted = f.processes[0].model_copy(update={"notes": [GainsNote.HANDLING_EXCEEDS_BASELINE]})
    html = render_gains_html(f.model_copy(update={"processes": [noted]}))
    assert "længere end grundtiden" in html


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


def _year(year: int, hours: int, cash: int, costs: int) -> BudgetYear:
    return BudgetYear(year=year, hours=D(hours), hours_freed=D(hours), cash_dkk=D(cash), costs_dkk=D(costs),
                      net_dkk=D(cash - costs))


def _line(key: str, area: Area, account: str | None, pipeline: bool, hours: int) -> BudgetLine:
    return BudgetLine(
        process_key=key, name=key.upper(), area=area, account_function=account,
        phase=Phase.DEVELOPMENT if pipeline else Phase.OPERATION,
        source=BudgetSource.ESTIMATE if pipeline else BudgetSource.MEASURED, pipeline=pipeline,
        hours_per_year=D(hours), years=[_year(2027 + i, hours, 0, 100) for i in range(4)],
    )


def test_budget_reports_group_by_area_and_account_with_pipeline_apart(tmp_path: Path) -> None:
    """Operating lines are summed by area and by account–function; the pipeline is summed on its own."""
    b = BudgetFigures(
        year=2027,
        generated_at=datetime(2026, 11, 2, tzinfo=UTC),
        hourly_cost_dkk=D(400),
        net_hours_per_fte=D(1628),
        ramp_up_share=D("0.5"),
        lines=[
            _line("a", Area.OEKONOMI, "6.45.51", False, 1000),
            _line("b", Area.HR, None, False, 628),
            _line("c", Area.OEKONOMI, "6.45.51", True, 100),
        ],
    )
    assert [(g.key, g.years[0].hours) for g in b.by_area()] == [("hr", D(628)), ("oekonomi", D(1000))]
    assert [(g.key, g.years[0].hours) for g in b.by_account()] == [("6.45.51", D(1000)), ("", D(628))]
    assert b.total()[0].hours == D(1628) and b.total()[0].net_dkk == D(-200)
    assert b.total(pipeline=True)[3].hours == D(100)
    wb = load_workbook(write_budget_xlsx(b, tmp_path / "budget.xlsx"))
    ws = wb["Oversigt"]
    totals = [r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "I alt"]
    assert [ws.cell(r, 2).value for r in totals] == [1628, 1628, 100, 100]
    assert ws.freeze_panes is not None and wb["Processer"].freeze_panes == "B2"
    html = write_budget_html(b, tmp_path / "budget.html").read_text(encoding="utf-8")
    assert "Pipeline (ikke i drift endnu)" in html and "6.45.51" in html and "1.628" in html
    assert "Timer 2030" in html


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
def test_number_formats(value: Decimal | int | None, decimals: int, lang: str, expected: str) -> None:
    """Danish numbers use . for thousands and , for decimals; rounding is half-up."""
    assert formats.number(value, lang, decimals) == expected


def test_percent_format() -> None:
    """Shares print as percent with a Danish space before the sign."""
    assert (formats.percent(D("0.853"), "da"), formats.percent(D("0.853"), "en")) == ("85,3 %", "85.3%")
