"""Reports on measured gains and budgets: Excel (native charts) and HTML (inline SVG), Danish or English."""

from __future__ import annotations

from sepbots.reports.figures import (
    BotGains,
    BudgetFigures,
    BudgetGroup,
    BudgetLine,
    BudgetSource,
    BudgetYear,
    DailyPoint,
    GainsFigures,
    GainsNote,
    ProcessGains,
)
from sepbots.reports.html import render_budget_html, render_gains_html, write_budget_html, write_gains_html
from sepbots.reports.jsonout import budget_document, gains_document, write_budget_json, write_gains_json
from sepbots.reports.xlsx import write_budget_xlsx, write_gains_xlsx

__all__ = [
    "BotGains",
    "BudgetFigures",
    "BudgetGroup",
    "BudgetLine",
    "BudgetSource",
    "BudgetYear",
    "DailyPoint",
    "GainsFigures",
    "GainsNote",
    "ProcessGains",
    "budget_document",
    "gains_document",
    "write_budget_json",
    "write_gains_json",
    "render_budget_html",
    "render_gains_html",
    "write_budget_html",
    "write_budget_xlsx",
    "write_gains_html",
    "write_gains_xlsx",
]
