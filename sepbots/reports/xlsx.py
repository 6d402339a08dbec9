"""Excel reports with native charts (openpyxl ``BarChart``/``LineChart``), written atomically.

Number formats are Excel format codes (``#,##0.0``); Excel shows them with the reader's locale, so a
Danish Excel displays ``1.234,5``.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.chart import BarChart, LineChart, Reference
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from sepbots.reports.figures import BudgetFigures, GainsFigures
from sepbots.reports.i18n import fmt_date, t

INT = "#,##0"
ONE = "#,##0.0"
DKK = "#,##0"
PCT = "0.0%"
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")


def save_atomic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".xlsx")
    os.close(fd)
    try:
        wb.save(tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _table(
    ws: Worksheet,
    row: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None],
) -> int:
    """Write a header row and data rows from ``row``; returns the last row written."""
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=row + 1):
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if fmt:
                cell.number_format = fmt
    for col, text in enumerate(headers, start=1):
        width = max(
            [len(str(text)) // 2 + 2] + [len(str(v[col - 1])) + 2 for v in rows if v[col - 1] is not None]
        )
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 10), 60)
    return row + len(rows)


def _meta(ws: Worksheet, title: str, lines: Sequence[tuple[str, str]]) -> int:
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    for i, (label, value) in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        ws.cell(row=i, column=2, value=value)
    return len(lines) + 3


def write_gains_xlsx(figures: GainsFigures, path: Path, lang: str = "da") -> Path:
    """Write the measured-gains workbook: summary + bar chart, daily + line chart, business cases."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("summary", lang)
    start = _meta(
        ws,
        t("gains_title", lang),
        [
            (
                t("period", lang),
                f"{fmt_date(figures.period_from, lang)} – {fmt_date(figures.period_to, lang)}",
            ),
            (t("generated", lang), fmt_date(figures.generated_at.date(), lang)),
        ],
    )
    headers = [
        t(k, lang)
        for k in (
            "process",
            "area",
            "automated",
            "manual",
            "failed",
            "robot_hours",
            "saved_hours",
            "saved_dkk",
            "realised_share",
            "annualised_hours",
            "estimate_hours",
            "annualised_dkk",
            "estimate_dkk",
        )
    ]
    rows = []
    for p in figures.processes:
        est = p.estimate
        rows.append(
            [
                p.title(lang),
                p.area.label(lang),
                p.items_automated,
                p.items_manual,
                p.items_failed,
                _num(p.robot_hours),
                _num(p.saved_hours),
                _num(p.saved_hours * figures.hourly_cost_dkk),
                _num(p.realised_automation_share),
                _num(p.annualised_saved_hours),
                _num(est.saved_hours_per_year) if est else None,
                _num(p.annualised_saved_dkk),
                _num(est.benefit_dkk_per_year) if est else None,
            ]
        )
    a, m, f = figures.total_items
    rows.append(
        [
            t("total", lang),
            None,
            a,
            m,
            f,
            _num(sum((p.robot_hours for p in figures.processes), Decimal(0))),
            _num(figures.total_saved_hours),
            _num(figures.total_saved_dkk),
            None,
            _num(figures.total_annualised_hours),
            None,
            None,
            None,
        ]
    )
    last = _table(
        ws, start, headers, rows, [None, None, INT, INT, INT, ONE, ONE, DKK, PCT, ONE, ONE, DKK, DKK]
    )
    for col in range(1, len(headers) + 1):
        ws.cell(row=last, column=col).font = Font(bold=True)
    ws.cell(row=last + 2, column=1, value=t("footnote_gains", lang))
    if figures.processes:
        chart = BarChart()
        chart.type = "col"
        chart.title = t("chart_hours", lang)
        chart.y_axis.title = t("hours", lang)
        chart.y_axis.numFmt = INT
        data = Reference(ws, min_col=10, max_col=11, min_row=start, max_row=last - 1)
        chart.add_data(data, titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last - 1))
        chart.height, chart.width = 9, 22
        ws.add_chart(chart, f"B{last + 4}")
    _daily_sheet(wb, figures, lang)
    _business_case_sheet(wb, figures, lang)
    save_atomic(wb, path)
    return path


def _daily_sheet(wb: Workbook, figures: GainsFigures, lang: str) -> None:
    ws = wb.create_sheet(t("daily", lang))
    days: dict[date, list[int]] = {}
    for p in figures.processes:
        for d in p.daily:
            acc = days.setdefault(d.day, [0, 0, 0])
            acc[0] += d.automated
            acc[1] += d.manual
            acc[2] += d.failed
    rows = [[day, *counts] for day, counts in sorted(days.items())]
    headers = [t("date", lang), t("automated", lang), t("manual", lang), t("failed", lang)]
    last = _table(ws, 1, headers, rows, ["dd-mm-yyyy" if lang == "da" else "yyyy-mm-dd", INT, INT, INT])
    if rows:
        chart = LineChart()
        chart.title = t("chart_daily", lang)
        chart.y_axis.title = t("automated", lang)
        chart.x_axis.number_format = "dd-mm" if lang == "da" else "mm-dd"
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.height, chart.width = 9, 22
        ws.add_chart(chart, "F2")


BC_FIELDS = (
    ("occurrences", "occurrences_per_year", INT),
    ("minutes", "minutes_per_occurrence", ONE),
    ("share", "automation_share", PCT),
    ("handling_hours", "handling_hours_per_year", ONE),
    ("saved_hours", "saved_hours_per_year", ONE),
    ("fte", "fte", "#,##0.00"),
    ("benefit", "benefit_dkk_per_year", DKK),
    ("implementation", "implementation_dkk", DKK),
    ("running", "running_dkk_per_year", DKK),
    ("net", "net_dkk_per_year", DKK),
    ("payback", "payback_months", ONE),
    ("npv", "npv_dkk", DKK),
)


def _business_case_sheet(wb: Workbook, figures: GainsFigures, lang: str) -> None:
    ws = wb.create_sheet(t("business_case", lang))
    headers = [t("process", lang), t("source", lang)] + [t(label, lang) for label, _, _ in BC_FIELDS]
    rows = []
    for p in figures.processes:
        for basis, case in ((t("estimate", lang), p.estimate), (t("measured", lang), p.measured)):
            if case is not None:
                rows.append([p.title(lang), basis] + [_num(getattr(case, f)) for _, f, _ in BC_FIELDS])
    _table(ws, 1, headers, rows, [None, None] + [fmt for _, _, fmt in BC_FIELDS])


def write_budget_xlsx(figures: BudgetFigures, path: Path, lang: str = "da") -> Path:
    """Write the budget workbook: per area (with a stacked bar chart) and per process."""
    wb = Workbook()
    ws = wb.active
    ws.title = t("summary", lang)
    start = _meta(
        ws,
        f"{t('budget_title', lang)} {figures.year}",
        [
            (t("generated", lang), fmt_date(figures.generated_at.date(), lang)),
        ],
    )
    headers = [
        t(k, lang)
        for k in (
            "area",
            "measured_hours",
            "pipeline_hours",
            "measured_dkk",
            "pipeline_dkk",
            "hours",
            "dkk",
            "fte",
        )
    ]
    rows = [
        [
            area.label(lang),
            float(mh),
            float(ph),
            float(md),
            float(pd),
            float(mh + ph),
            float(md + pd),
            float((mh + ph) / figures.net_hours_per_fte),
        ]
        for area, mh, md, ph, pd in figures.by_area()
    ]
    if rows:
        rows.append([t("total", lang)] + [sum(r[i] for r in rows) for i in range(1, 8)])
    last = _table(ws, start, headers, rows, [None, ONE, ONE, DKK, DKK, ONE, DKK, "#,##0.00"])
    ws.cell(row=last + 2, column=1, value=t("footnote_budget", lang))
    if rows:
        chart = BarChart()
        chart.type, chart.grouping, chart.overlap = "bar", "stacked", 100
        chart.title = t("chart_budget", lang)
        chart.x_axis.title = t("area", lang)
        chart.add_data(
            Reference(ws, min_col=2, max_col=3, min_row=start, max_row=last - 1), titles_from_data=True
        )
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last - 1))
        chart.height, chart.width = 9, 22
        ws.add_chart(chart, f"B{last + 4}")
    lines = wb.create_sheet(t("lines", lang))
    _table(
        lines,
        1,
        [t(k, lang) for k in ("process", "area", "phase", "source", "hours", "dkk")],
        [
            [
                ln.title(lang),
                ln.area.label(lang),
                ln.phase.label(lang),
                ln.source.label(lang),
                float(ln.hours),
                float(ln.dkk),
            ]
            for ln in figures.lines
        ],
        [None, None, None, None, ONE, DKK],
    )
    save_atomic(wb, path)
    return path
