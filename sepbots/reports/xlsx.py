"""Excel reports with native charts (openpyxl ``BarChart``/``LineChart``), written atomically.

Every table's header row (and first column) is frozen; chart axes are drawn explicitly
(``delete = False``: openpyxl ≥ 3.1 otherwise leaves them out and Excel shows an empty frame).

Number formats are Excel format codes (``#,##0.0``); Excel shows them with the reader's locale, so a
Danish Excel displays ``1.234,5``.
"""

from __future__ import annotations

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

from sepbots.i18n import formats
from sepbots.reports.columns import BC_FIELDS, GAINS_COLUMNS, Kind
from sepbots.reports.figures import BudgetFigures, BudgetYear, GainsFigures
from sepbots.reports.labels import T
from sepbots.sheets.writer import atomic_output

INT = "#,##0"
ONE = "#,##0.0"
DKK = "#,##0"
PCT = "0.0%"
HEAD = Font(bold=True, color="FFFFFF")
HEAD_FILL = PatternFill("solid", fgColor="1F4E79")


def save_atomic(wb: Workbook, path: Path) -> None:
    """Save ``wb`` to ``path`` via a temp file in the same folder and ``os.replace``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(path) as tmp:
        wb.save(tmp)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


FORMATS = {Kind.TEXT: None, Kind.INT: INT, Kind.ONE: ONE, Kind.TWO: "#,##0.00", Kind.DKK: DKK, Kind.PCT: PCT}


def _cell(value: Any) -> Any:
    return float(value) if isinstance(value, Decimal) else value


def _table(
    ws: Worksheet,
    row: int,
    headers: Sequence[str],
    rows: Sequence[Sequence[Any]],
    formats: Sequence[str | None],
) -> int:
    """Write a header row (frozen) and data rows from ``row``; returns the last row written."""
    for col, text in enumerate(headers, start=1):
        cell = ws.cell(row=row, column=col, value=text)
        cell.font, cell.fill = HEAD, HEAD_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for r, values in enumerate(rows, start=row + 1):
        for col, (value, fmt) in enumerate(zip(values, formats, strict=True), start=1):
            cell = ws.cell(row=r, column=col, value=_cell(value))
            if fmt:
                cell.number_format = fmt
    for col, text in enumerate(headers, start=1):
        width = max([min(len(str(text)), 24) + 2] + [len(str(v[col - 1])) + 2 for v in rows if v[col - 1] is not None])
        ws.column_dimensions[get_column_letter(col)].width = min(max(width, 10), 50)
    ws.row_dimensions[row].height = 45
    if ws.freeze_panes is None:
        ws.freeze_panes = ws.cell(row=row + 1, column=2).coordinate
    return row + len(rows)


def _first_sheet(wb: Workbook) -> Worksheet:
    """A new workbook's one sheet (openpyxl types ``active`` as any kind of sheet, or none)."""
    ws = wb.active
    assert isinstance(ws, Worksheet)
    return ws


def _meta(ws: Worksheet, title: str, lines: Sequence[tuple[str, str]]) -> int:
    ws.cell(row=1, column=1, value=title).font = Font(bold=True, size=14)
    for i, (label, value) in enumerate(lines, start=2):
        ws.cell(row=i, column=1, value=label).font = Font(bold=True)
        ws.cell(row=i, column=2, value=value)
    return len(lines) + 3


def _axes(chart: BarChart | LineChart) -> None:
    chart.x_axis.delete = False
    chart.y_axis.delete = False


def write_gains_xlsx(figures: GainsFigures, path: Path, lang: str = "da") -> Path:
    """Write the measured-gains workbook: summary + bar chart, daily + line chart, business cases."""
    wb = Workbook()
    ws = _first_sheet(wb)
    ws.title = T(lang, "summary")
    meta = [
        (T(lang, "period"), f"{formats.date(figures.period_from, lang)} – {formats.date(figures.period_to, lang)}"),
        (T(lang, "generated"), formats.datetime(figures.generated_at, lang)),
        (T(lang, "kroner_per_hour"), str(figures.hourly_cost_dkk.quantize(Decimal("0.01")))),
    ]
    if figures.include_test_runs:
        meta.append((T(lang, "include_test_runs"), "✓"))
    start = _meta(ws, T(lang, "gains_title"), meta)
    columns = [*GAINS_COLUMNS, None]
    headers = [T(lang, c.label) if c else T(lang, "notes") for c in columns]
    rows: list[list[Any]] = [
        [c.get(p, lang) if c else " ".join(n.label(lang) for n in p.notes) for c in columns]
        for p in figures.processes
    ]
    total: list[Any] = [T(lang, "total")] + [None] * (len(columns) - 1)
    total[[c.field for c in GAINS_COLUMNS].index("saved_hours")] = figures.total_saved_hours
    total[[c.field for c in GAINS_COLUMNS].index("saved_dkk")] = figures.total_saved_dkk
    rows.append(total)
    cell_formats = [FORMATS[c.kind] if c else None for c in columns]
    last = _table(ws, start, headers, rows, cell_formats)
    for col in range(1, len(headers) + 1):
        ws.cell(row=last, column=col).font = Font(bold=True)
    ws.cell(row=last + 2, column=1, value=T(lang, "footnote_gains"))
    if figures.processes:
        fields = [c.field for c in GAINS_COLUMNS]
        chart = BarChart()
        chart.type = "bar"
        chart.title = T(lang, "chart_hours")
        chart.x_axis.title = T(lang, "hours")
        chart.y_axis.numFmt = INT
        first = fields.index("annualised_saved_hours") + 1
        chart.add_data(Reference(ws, min_col=first, max_col=first + 1, min_row=start, max_row=last - 1),
                       titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=start + 1, max_row=last - 1))
        chart.height, chart.width = 9, 22
        _axes(chart)
        ws.add_chart(chart, f"B{last + 4}")
    _daily_sheet(wb, figures, lang)
    _business_case_sheet(wb, figures, lang)
    save_atomic(wb, path)
    return path


def _daily_sheet(wb: Workbook, figures: GainsFigures, lang: str) -> None:
    ws = wb.create_sheet(T(lang, "daily"))
    days: dict[date, list[int]] = {}
    for p in figures.processes:
        for d in p.daily:
            acc = days.setdefault(d.day, [0, 0, 0])
            acc[0] += d.done
            acc[1] += d.handed_over
            acc[2] += d.failed
    rows = [[formats.date(day, lang), *counts] for day, counts in sorted(days.items())]
    headers = [T(lang, "date"), T(lang, "done"), T(lang, "handed_over"), T(lang, "failed")]
    last = _table(ws, 1, headers, rows, [None, INT, INT, INT])
    if len(rows) >= 2:
        chart = LineChart()
        chart.title = T(lang, "chart_daily")
        chart.y_axis.title = T(lang, "done")
        chart.add_data(Reference(ws, min_col=2, max_col=3, min_row=1, max_row=last), titles_from_data=True)
        chart.set_categories(Reference(ws, min_col=1, min_row=2, max_row=last))
        chart.height, chart.width = 9, 22
        _axes(chart)
        ws.add_chart(chart, "F2")
    else:
        ws.cell(row=last + 2, column=1, value=T(lang, "too_little_data"))


def _business_case_sheet(wb: Workbook, figures: GainsFigures, lang: str) -> None:
    ws = wb.create_sheet(T(lang, "business_case"))
    headers = [T(lang, "process"), T(lang, "source"), T(lang, "unit")] + [T(lang, label) for label, _, _ in BC_FIELDS]
    rows = []
    for p in figures.processes:
        for basis, case in ((T(lang, "estimate"), p.estimate), (T(lang, "measured"), p.measured)):
            if case is not None:
                rows.append([p.title(lang), basis, p.unit.label(lang, 2)] + [getattr(case, f) for _, f, _ in BC_FIELDS])
    _table(ws, 1, headers, rows, [None, None, None] + [FORMATS[k] for _, _, k in BC_FIELDS])


YEAR_FIELDS: tuple[tuple[str, str], ...] = (
    ("hours", "hours"), ("hours_freed", "hours_freed"), ("cash_dkk", "cash_dkk"),
    ("costs_dkk", "costs_dkk"), ("net_dkk", "net_dkk"),
)


def _year_headers(figures: BudgetFigures, lang: str) -> list[str]:
    return [f"{T(lang, label)} {y}" for y in figures.years for label, _ in YEAR_FIELDS]


def _year_values(years: Sequence[BudgetYear]) -> list[Any]:
    return [getattr(y, f) for y in years for _, f in YEAR_FIELDS]


def _year_formats() -> list[str | None]:
    return [ONE, ONE, DKK, DKK, DKK] * 4


def write_budget_xlsx(figures: BudgetFigures, path: Path, lang: str = "da") -> Path:
    """Write the budget workbook: groups (area, account) for operation and pipeline, then every process."""
    wb = Workbook()
    ws = _first_sheet(wb)
    ws.title = T(lang, "summary")
    row = _meta(ws, f"{T(lang, 'budget_title')} {figures.year}–{figures.year + 3}", [
        (T(lang, "generated"), formats.datetime(figures.generated_at, lang)),
        (T(lang, "kroner_per_hour"), str(figures.hourly_cost_dkk.quantize(Decimal("0.01")))),
    ])
    headers = [T(lang, "area")] + _year_headers(figures, lang)
    for pipeline in (False, True):
        ws.cell(row=row, column=1, value=T(lang, "pipeline" if pipeline else "operating")).font = Font(bold=True)
        for title, groups in ((T(lang, "by_area"), figures.by_area(pipeline)),
                              (T(lang, "by_account"), figures.by_account(pipeline))):
            ws.cell(row=row + 1, column=1, value=title)
            rows = [[g.label(lang)] + _year_values(g.years) for g in groups]
            rows.append([T(lang, "total")] + _year_values(figures.total(pipeline)))
            row = _table(ws, row + 2, headers, rows, [None, *_year_formats()]) + 2
    ws.cell(row=row, column=1, value=T(lang, "footnote_budget"))
    lines = wb.create_sheet(T(lang, "lines"))
    _table(
        lines,
        1,
        [T(lang, k) for k in ("process", "area", "account_function", "phase", "source", "go_live")]
        + _year_headers(figures, lang),
        [
            [ln.title(lang), ln.area.label(lang), ln.account_function, ln.phase.label(lang), ln.source.label(lang),
             formats.date(ln.go_live, lang) if ln.go_live else None, *_year_values(ln.years)]
            for ln in figures.lines
        ],
        [None] * 6 + _year_formats(),
    )
    save_atomic(wb, path)
    return path
