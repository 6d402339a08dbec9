"""Reports on measured gains and budgets: Excel (native charts) and HTML (inline SVG), Danish or English."""

from __future__ import annotations

from sepbots.reports.figures import (
    BudgetFigures,
    BudgetLine,
    BudgetSource,
    DailyPoint,
    GainsFigures,
    ProcessGains,
)
from sepbots.reports.html import render_budget_html, render_gains_html, write_budget_html, write_gains_html
from sepbots.reports.xlsx import write_budget_xlsx, write_gains_xlsx

__all__ = [
    "BudgetFigures",
    "BudgetLine",
    "BudgetSource",
    "DailyPoint",
    "GainsFigures",
    "ProcessGains",
    "render_budget_html",
    "render_gains_html",
    "write_budget_html",
    "write_budget_xlsx",
    "write_gains_html",
    "write_gains_xlsx",
]
