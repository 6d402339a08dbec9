"""Report labels in Danish and English, and number/date formats (Danish: ``1.234,5``; ``31.12.2026``)."""

from __future__ import annotations

from datetime import date
from decimal import ROUND_HALF_UP, Decimal

LABELS: dict[str, tuple[str, str]] = {
    "gains_title": ("Målte gevinster", "Measured gains"),
    "budget_title": ("Budgetbidrag fra automatisering", "Budget contribution from automation"),
    "period": ("Periode", "Period"),
    "generated": ("Dannet", "Generated"),
    "process": ("Proces", "Process"),
    "area": ("Område", "Area"),
    "automated": ("Automatisk behandlet", "Done automatically"),
    "manual": ("Overgivet til manuel behandling", "Handed to manual handling"),
    "failed": ("Fejlet", "Failed"),
    "robot_hours": ("Robottid (timer)", "Robot time (hours)"),
    "saved_hours": ("Sparede timer", "Hours saved"),
    "saved_dkk": ("Sparet (kr.)", "Saved (DKK)"),
    "realised_share": ("Realiseret automatiseringsgrad", "Realised automation share"),
    "annualised_hours": ("Timer pr. år (målt niveau)", "Hours per year (run-rate)"),
    "annualised_dkk": ("Kr. pr. år (målt niveau)", "DKK per year (run-rate)"),
    "estimate_hours": ("Timer pr. år (skøn)", "Hours per year (estimate)"),
    "estimate_dkk": ("Kr. pr. år (skøn)", "DKK per year (estimate)"),
    "daily": ("Dagligt", "Daily"),
    "date": ("Dato", "Date"),
    "business_case": ("Business case", "Business case"),
    "estimate": ("Skøn", "Estimate"),
    "measured": ("Målt", "Measured"),
    "occurrences": ("Enheder pr. år", "Units per year"),
    "minutes": ("Grundtid min./enhed", "Baseline min./unit"),
    "share": ("Automatiseringsgrad", "Automation share"),
    "handling_hours": ("Manuel efterbehandling (timer/år)", "Manual handling (hours/yr)"),
    "fte": ("Årsværk", "FTE"),
    "benefit": ("Gevinst (kr./år)", "Benefit (DKK/yr)"),
    "implementation": ("Implementering (kr.)", "Implementation (DKK)"),
    "running": ("Drift (kr./år)", "Running (DKK/yr)"),
    "net": ("Netto (kr./år)", "Net (DKK/yr)"),
    "payback": ("Tilbagebetaling (måneder)", "Payback (months)"),
    "npv": ("Nutidsværdi (kr.)", "Net present value (DKK)"),
    "total": ("I alt", "Total"),
    "chart_hours": ("Timer pr. år: målt niveau og skøn", "Hours per year: run-rate and estimate"),
    "chart_daily": ("Automatisk behandlede sager pr. dag", "Items done automatically per day"),
    "chart_budget": ("Frigjorte timer pr. område", "Hours freed per area"),
    "year": ("År", "Year"),
    "source": ("Grundlag", "Basis"),
    "phase": ("Fase", "Phase"),
    "hours": ("Timer", "Hours"),
    "dkk": ("Kr.", "DKK"),
    "measured_hours": ("Målt: timer", "Measured: hours"),
    "measured_dkk": ("Målt: kr.", "Measured: DKK"),
    "pipeline_hours": ("Pipeline: timer", "Pipeline: hours"),
    "pipeline_dkk": ("Pipeline: kr.", "Pipeline: DKK"),
    "no_data": ("Ingen kørsler i perioden.", "No runs in the period."),
    "lines": ("Processer", "Processes"),
    "summary": ("Oversigt", "Summary"),
    "never": ("aldrig", "never"),
    "unit": ("Enhed", "Unit"),
    "done": ("Udført af robot", "Done by robot"),
    "handed_over": ("Overgivet til manuel", "Handed over"),
    "credited_minutes": ("Krediterede min./enhed", "Credited min./unit"),
    "baseline_minutes": ("Grundtid min./enhed", "Baseline min./unit"),
    "handling_minutes": ("Målt behandling min./enhed", "Measured handling min./unit"),
    "handled_measured": ("Overgivne med målt tid", "Handed over with measured time"),
    "review_hours": ("Kontrol og drift (timer)", "Review and operations (hours)"),
    "estimate_share": ("Automatiseringsgrad (skøn)", "Automation share (estimate)"),
    "notes": ("Bemærkninger", "Notes"),
    "licence": ("Licenser (kr./år)", "Licences (DKK/yr)"),
    "operations": ("Driftsbemanding (kr./år)", "Operations staff (DKK/yr)"),
    "net_first": ("Netto år 1 (kr.)", "Net year 1 (DKK)"),
    "too_little_data": ("For lidt data til en graf.", "Too little data for a chart."),
    "include_test_runs": ("Testkørsler talt med", "Test runs included"),
    "hours_freed": ("Timer frigjort", "Hours freed"),
    "cash_dkk": ("Kontant realiserbart (kr.)", "Cash-realisable (DKK)"),
    "costs_dkk": ("Omkostninger (kr.)", "Costs (DKK)"),
    "costs_year": ("Omkostninger (kr./år)", "Costs (DKK/yr)"),
    "net_dkk": ("Netto kontant (kr.)", "Net cash (DKK)"),
    "go_live": ("Driftsstart", "Go-live"),
    "account_function": ("Hovedkonto–funktion", "Main account–function"),
    "operating": ("I drift", "In operation"),
    "pipeline": ("Pipeline (ikke i drift endnu)", "Pipeline (not yet in operation)"),
    "by_area": ("Fordelt på område/udvalg", "By area/committee"),
    "by_account": ("Fordelt på kontoplan", "By chart of accounts"),
    "budget_year": ("Budgetår", "Budget year"),
    "overslag": ("Overslagsår", "Projection year"),
    "kroner_per_hour": ("Kr. pr. time", "DKK per hour"),
    "footnote_gains": (
        "Sparede timer = udførte enheder × krediterede minutter + overgivne enheder med målt tid × "
        "(grundtid − målt behandlingstid) − kontrol- og driftstid. En overgivet enhed uden målt tid tæller 0. "
        "Målt niveau = periodens tal omregnet til et helt år.",
        "Hours saved = units done × credited minutes + handed-over units with a measured time × "
        "(baseline − measured handling) − review and operations time. A handed-over unit without a measured "
        "time counts 0. Run-rate = the period's figure scaled to a full year.",
    ),
    "footnote_budget": (
        "Processer i drift tæller med målt niveau (ellers skøn) fra driftsstart, første 12 måneder med "
        "indfasningsandelen; netto = kontant realiserbart − omkostninger; frigjorte timer er ikke kontanter.",
        "Processes in operation count with their measured run-rate (else the estimate) from go-live, the first "
        "12 months at the ramp-up share; net = cash-realisable − costs; hours freed are not cash.",
    ),
}


def t(key: str, lang: str = "da") -> str:
    """The label ``key`` in ``lang``."""
    da, en = LABELS[key]
    return da if lang == "da" else en


def fmt_number(value: Decimal | float | int | None, decimals: int = 0, lang: str = "da") -> str:
    """``1234.5`` → ``1.234,5`` (da) or ``1,234.5`` (en); ``None`` → en dash."""
    if value is None:
        return "–"
    q = Decimal(str(value)).quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{q:,.{decimals}f}"
    if lang == "da":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text.replace("-", "−")


def fmt_pct(share: Decimal | float | None, decimals: int = 1, lang: str = "da") -> str:
    """``0.853`` → ``85,3 %`` (da) or ``85.3%`` (en)."""
    if share is None:
        return "–"
    text = fmt_number(Decimal(str(share)) * 100, decimals, lang)
    return f"{text} %" if lang == "da" else f"{text}%"


def fmt_date(day: date, lang: str = "da") -> str:
    """``31.12.2026`` (da) or ``2026-12-31`` (en)."""
    return day.strftime("%d.%m.%Y") if lang == "da" else day.isoformat()
