"""Sygedagpenge-refusion: submit employers' sickness-benefit refund claims in the refund portal.

Catalogue process ``refusion-egne-ansatte``: the municipality files the refund claims *as the
employer* of its own staff (the authority-side process ``sygedagpenge-refusion``, paying refunds
to other employers, is a different process). Gains: the robot does the filing step in the portal,
credited 6 of the baseline's 10 minutes per claim (a person still prepares the payroll data).
The producer reads a workbook of claims (column
headers mapped in ``config.toml``) and checks every row; a row that breaks a rule becomes an item
that goes to manual handling with the row and column named. The processor fills the three-step
form "Anmodning om refusion af sygedagpenge" and records the receipt number. ``finish`` writes
one result row per input row, atomically.

Idempotency: the item reference is derived from the claim itself, so re-running the same input
adds nothing; an item that is retried after a failed attempt first looks in "Mine anmodninger"
for its reference, so a claim the portal already received is never sent twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlparse

from pydantic import BaseModel, ConfigDict, Field

from sepbots import BotContext, BusinessException, Gains, NewItem, WorkItem, bot
from sepbots.browser import BrowserSession, RetryPolicy, SessionExpired
from sepbots.dk import (
    DanishFormatError,
    DecimalSeparator,
    format_danish_decimal,
    parse_cpr,
    parse_cvr,
    parse_danish_date,
    parse_danish_decimal,
)
from sepbots.sheets import CellProblem, cell_text, read_columns

from ..practice_portal import RetryLog, open_portal, write_outcome

REASONS = {
    "sygdom": "sygdom",
    "delvis sygemelding": "delvis_sygdom",
    "delvis_sygdom": "delvis_sygdom",
    "arbejdsskade": "arbejdsskade",
    "graviditet": "graviditet",
    "graviditetsbetinget fravær": "graviditet",
}


RECEIPT_PATH = "/refusion/kvittering/"
# Painted over in failure screenshots and blanked in the saved HTML: the form's CPR and CVR fields,
# the summary and receipt lines showing them, and the CVR column of "Mine anmodninger".
EVIDENCE_MASK = (
    "#employee_cpr",
    "#employer_cvr",
    "dt:text-is('Medarbejderens CPR-nummer') + dd",
    "dt:text-is('Arbejdsgivers CVR-nummer') + dd",
    "#anmodninger td:nth-child(3)",
)


class Columns(BaseModel):
    """Which column header holds which field (``[params.columns]`` in config.toml)."""

    model_config = ConfigDict(extra="forbid")

    employer_cvr: str = "Arbejdsgiver CVR"
    employee_cpr: str = "Medarbejder CPR"
    period_from: str = "Periode fra"
    period_to: str = "Periode til"
    hours: str = "Timer"
    amount: str = "Beløb"
    reason: str = "Årsag"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Path
    output: Path
    portal_url: str = "http://127.0.0.1:8765"
    credential: str = "praksisportal"
    sheet: str | None = None
    portal_retries: int = Field(5, ge=1, description="tries per page on HTTP 429/5xx or no answer")
    portal_backoff_s: float = Field(0.5, ge=0, description="first wait between tries; doubles each time")
    columns: Columns = Field(default_factory=Columns)


class Claim(BaseModel):
    """One input row: the parsed claim, or the problem that sends it to manual handling."""

    row: int
    employer_cvr: str = ""
    employee_cpr: str = Field("", repr=False)
    period_from: date | None = None
    period_to: date | None = None
    hours: Decimal | None = None
    amount: Decimal | None = None
    reason: str = ""
    problem: CellProblem | None = None


def _reject(row: int, column: str, code: str, da: str, en: str) -> Claim:
    return Claim(row=row, problem=CellProblem(row=row, column=column, code=code, reason_da=da, reason_en=en))


def _number(cell: Any, text: str) -> Decimal:
    """Hours or kroner: Danish text ("37,5"), or the number an Excel cell holds (its text has a dot)."""
    numeric = isinstance(cell, int | float | Decimal) and not isinstance(cell, bool)
    return parse_danish_decimal(text, DecimalSeparator.PERIOD if numeric else DecimalSeparator.COMMA)


def parse_claim(row: int, cells: dict[str, Any], columns: Columns) -> Claim:
    """Check one row; returns the parsed claim or a claim carrying the first problem found."""
    text = {name: cell_text(cells[header]) for name, header in columns.model_dump().items()}
    if isinstance(cells[columns.employee_cpr], int):  # a CPR typed as a number loses its leading zero
        text["employee_cpr"] = text["employee_cpr"].zfill(10)
    parsed: dict[str, Any] = {}
    checks = (
        ("employer_cvr", "BAD_CVR", parse_cvr),
        ("employee_cpr", "BAD_CPR", lambda t: parse_cpr(t).digits),
        ("period_from", "BAD_DATE", parse_danish_date),
        ("period_to", "BAD_DATE", parse_danish_date),
        ("hours", "BAD_HOURS", lambda t: _number(cells[columns.hours], t)),
        ("amount", "BAD_AMOUNT", lambda t: _number(cells[columns.amount], t)),
    )
    for name, code, parse in checks:
        header = getattr(columns, name)
        if not text[name]:
            return _reject(row, header, code, "feltet er tomt", "the cell is empty")
        try:
            parsed[name] = parse(text[name])
        except DanishFormatError as error:
            return _reject(row, header, code, error.reason_da, error.reason)
    if parsed["period_to"] < parsed["period_from"]:
        return _reject(
            row,
            columns.period_to,
            "BAD_PERIOD",
            "slutdatoen ligger før startdatoen",
            "the end date is before the start date",
        )
    for name, code in (("hours", "BAD_HOURS"), ("amount", "BAD_AMOUNT")):
        if parsed[name] <= 0 or parsed[name].as_tuple().exponent < -2:
            return _reject(
                row,
                getattr(columns, name),
                code,
                "skal være et positivt tal med højst to decimaler",
                "must be a positive number with at most two decimals",
            )
    reason = REASONS.get(text["reason"].casefold())
    if reason is None:
        return _reject(
            row,
            columns.reason,
            "BAD_REASON",
            f"ukendt årsag (brug {', '.join(sorted(set(REASONS)))})",
            "unknown reason",
        )
    return Claim(row=row, reason=reason, **parsed)


def reference_of(claim: Claim, cells: dict[str, Any]) -> str:
    """A reference derived from the claim (same claim → same reference; no CPR in clear text)."""
    if claim.problem is None:
        basis = "|".join(
            str(v)
            for v in (
                claim.employer_cvr,
                claim.employee_cpr,
                claim.period_from,
                claim.period_to,
                claim.hours,
                claim.amount,
                claim.reason,
            )
        )
        digest = hashlib.sha256(basis.encode()).hexdigest()[:16]
        return f"sdp:{claim.employer_cvr}:{claim.period_from:%Y%m%d}-{claim.period_to:%Y%m%d}:{digest}"
    raw = "|".join(cell_text(v) for v in cells.values())
    return f"sdp:row-{claim.row}:invalid:{hashlib.sha256(raw.encode()).hexdigest()[:16]}"


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Claim]]:
    columns = ctx.params.columns
    table = read_columns(ctx.params.input, list(columns.model_dump().values()), sheet=ctx.params.sheet)
    for line in table.rows:
        claim = parse_claim(line.number, line.cells, columns)
        yield NewItem(reference=reference_of(claim, line.cells), payload=claim)


def _find_existing(session: BrowserSession, url: str, reference: str, retry: RetryPolicy) -> str | None:
    session.goto(f"{url}/refusion/anmodninger?reference={quote(reference, safe='')}", retry=retry)
    receipts = session.texts("#anmodninger td.kvittering")
    return receipts[0] if receipts else None


def _fill_and_send(session: BrowserSession, url: str, item: WorkItem[Claim], retry: RetryPolicy,
                   lang: str = "da") -> str:
    claim = item.payload
    assert claim.hours is not None and claim.amount is not None  # only claims without a problem are sent
    da = lang != "en"
    session.goto(f"{url}/refusion/trin-1?ny=1", retry=retry)  # ny=1: start from an empty draft
    pages: list[tuple[dict[str, str | bool], str, bool]] = [
        (
            {
                "Arbejdsgivers CVR-nummer": claim.employer_cvr,
                "Medarbejderens CPR-nummer": claim.employee_cpr,
                "Egen reference": item.reference,
            },
            "Næste",
            True,
        ),
        (
            {
                "Periode fra": f"{claim.period_from:%d-%m-%Y}",
                "Periode til": f"{claim.period_to:%d-%m-%Y}",
                "Antal timer": format_danish_decimal(claim.hours),
                "Beløb (kr.)": format_danish_decimal(claim.amount),
                "Årsag": claim.reason,
            },
            "Næste",
            True,
        ),
        ({"Jeg erklærer, at oplysningerne er korrekte": True}, "Send anmodning", False),
    ]
    for values, button, resubmit in pages:
        response = session.submit_form(values, button=button, retry=retry, resubmit_on_server_error=resubmit)
        if response.status == 400:
            problems = "; ".join(session.texts(".felt-fejl")) or ("formularen blev afvist" if da else "the form was refused")
            raise BusinessException(
                f"række {claim.row}: portalen afviste anmodningen: {problems}" if da
                else f"row {claim.row}: the portal refused the request: {problems}",
                code="PORTAL_REJECTED",
            )
    landed = urlparse(session.page().url).path
    if landed.startswith(RECEIPT_PATH):  # the portal redirects to /refusion/kvittering/<receipt>
        return unquote(landed[len(RECEIPT_PATH) :])
    receipts = session.texts("#kvitteringsnummer")
    if not receipts:
        raise BusinessException(f"række {claim.row}: ingen kvittering efter afsendelse" if da
                                else f"row {claim.row}: no receipt after sending", code="NO_RECEIPT")
    return receipts[0]


HEADER = {
    "da": [
        "Række",
        "Arbejdsgiver CVR",
        "Medarbejder CPR",
        "Periode fra",
        "Periode til",
        "Beløb (kr.)",
        "Status",
        "Kvitteringsnummer",
        "Forsøg",
        "Fejlkode",
        "Begrundelse",
    ],
    "en": [
        "Row",
        "Employer CVR",
        "Employee CPR",
        "Period from",
        "Period to",
        "Amount (DKK)",
        "Status",
        "Receipt number",
        "Attempts",
        "Error code",
        "Reason",
    ],
}


def write_result(ctx: BotContext[Params], items: list[WorkItem[Claim]]) -> None:
    """One row per input row: receipt and status, CPR masked; written atomically."""

    def cells(item: WorkItem[Claim], status: str) -> list[Any]:
        claim = item.payload
        cpr = f"{claim.employee_cpr[:6]}-XXXX" if claim.employee_cpr else ""
        amount = float(claim.amount) if claim.amount is not None else None
        receipt = (item.output or {}).get("receipt", "")
        return [claim.row, claim.employer_cvr, cpr, claim.period_from, claim.period_to, amount, status, receipt, item.attempts]

    write_outcome(ctx, items, sheet=("Resultat", "Result"), headers=HEADER, done=("Indsendt", "Submitted"), cells=cells)


@bot(name="sygedagpenge_refusion", process="refusion-egne-ansatte", queue="sygedagpenge-refusion", params=Params,
     producer=produce, finish=write_result, max_attempts=4, retry_delay=timedelta(seconds=1), backoff=2.0,
     timeout=timedelta(minutes=3), mask=EVIDENCE_MASK,
     gains=Gains(unit="refusionsanmodning", credited_minutes=Decimal(6), step="anmodning om refusion i portalen"))
def submit_claim(item: WorkItem[Claim], ctx: BotContext[Params]) -> dict[str, Any]:
    """Anmodning om refusion af sygedagpenge: udfyld og send formularen, gem kvitteringsnummeret."""
    claim = item.payload
    if claim.problem is not None:
        raise claim.problem.exception(ctx.lang)
    url = ctx.params.portal_url.rstrip("/")
    retries = RetryLog(ctx)
    session = open_portal(ctx, ctx.params.credential)
    retry = retries.policy(attempts=ctx.params.portal_retries, backoff_s=ctx.params.portal_backoff_s)
    if item.attempts > 1 and (receipt := _find_existing(session, url, item.reference, retry)):
        ctx.log.info("claim_already_received", receipt=receipt)
        return {"receipt": receipt, "portal_retries": retries.count, "recovered": True}
    for restart in range(3):
        try:
            receipt = _fill_and_send(session, url, item, retry, ctx.lang)
            break
        except SessionExpired:
            ctx.log.info("portal_session_expired", restart=restart + 1)
    else:
        raise SessionExpired("portalens session udløb tre gange i træk / the portal session expired three times in a row")
    ctx.log.info("claim_submitted", receipt=receipt, portal_retries=retries.count)
    return {"receipt": receipt, "portal_retries": retries.count}
