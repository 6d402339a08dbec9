"""CVR-opslag: look up companies in the portal's "Virksomhedsopslag" and collect their master data.

Catalogue process ``cvr-opslag``. The input is a list of CVR numbers (.xlsx or .csv, the column
header set in ``config.toml``). For each number the robot opens the company in the portal and
reads name, address, status, industry code and start date; a number the register does not know,
or one that is not a valid CVR number, goes to manual handling. HTTP 429 answers are retried
after their Retry-After, HTTP 5xx answers with backoff. ``finish`` writes the result workbook.

The reference is ``<CVR>@<date>``: a re-run on the same day looks nothing up twice, while a run on
a later day fetches fresh data.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from sepbots import BotContext, BusinessException, Gains, NewItem, WorkItem, bot
from sepbots.clock import local
from sepbots.connectors.cvr import CvrClient, CvrCompany
from sepbots.dk import DanishFormatError, parse_cvr
from sepbots.sheets import CellProblem, cell_text, read_columns

from ..practice_portal import RetryLog, open_portal, write_outcome

FIELDS = {
    "navn": "name",
    "adresse": "address",
    "status": "status",
    "branchekode": "industry",
    "startdato": "start_date",
}
READ_DETAILS = """
(ids) => Object.fromEntries(ids.map((id) => {
  const element = document.getElementById(id);
  return [id, element ? element.textContent.replace(/\\s+/g, " ").trim() : null];
}))
"""

# Painted over in failure screenshots and blanked in the saved HTML: the CVR number on a company's
# page and in the search results (a sole proprietorship's CVR number points at a person).
EVIDENCE_MASK = ("#cvr", "#q", "table td:first-child")


class Mode(StrEnum):
    """How the robot asks the register."""

    PORTAL = "portal"  # the portal's "Virksomhedsopslag" page in a browser
    API = "api"        # the CVR system-to-system interface (no browser)


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")

    input: Path
    output: Path
    mode: Mode = Mode.PORTAL
    api_url: str = Field("http://127.0.0.1:8767", description="the CVR distribution (http://distribution.virk.dk)")
    api_credential: str = Field("cvr-distribution", description="vault credential: Erhvervsstyrelsen's user and password")
    portal_url: str = "http://127.0.0.1:8765"
    credential: str = "praksisportal"
    column: str = Field("CVR", description="header of the column with the CVR numbers")
    sheet: str | None = None
    portal_retries: int = Field(5, ge=1, description="tries per page on HTTP 429/5xx or no answer")
    portal_backoff_s: float = Field(0.5, ge=0, description="first wait between tries; doubles each time")


class Lookup(BaseModel):
    """One input row: the CVR number to look up (or the problem with it)."""

    row: int
    cvr: str
    problem: CellProblem | None = None


def produce(ctx: BotContext[Params]) -> Iterator[NewItem[Lookup]]:
    column = ctx.params.column
    table = read_columns(ctx.params.input, [column], sheet=ctx.params.sheet)
    today = local(ctx.clock.now()).date().isoformat()
    for line in table.rows:
        raw = cell_text(line.cells[column])
        try:
            cvr = parse_cvr(raw)
        except DanishFormatError as error:
            problem = CellProblem(row=line.number, column=column, code="BAD_CVR", reason_da=error.reason_da,
                                  reason_en=error.reason)
            yield NewItem(reference=f"row-{line.number}:{raw[:40]}@{today}",
                          payload=Lookup(row=line.number, cvr=raw[:40], problem=problem))
            continue
        yield NewItem(reference=f"{cvr}@{today}", payload=Lookup(row=line.number, cvr=cvr))


HEADER = {
    "da": [
        "Række",
        "CVR-nummer",
        "Navn",
        "Adresse",
        "Status",
        "Branchekode",
        "Startdato",
        "Resultat",
        "Fejlkode",
        "Begrundelse",
    ],
    "en": [
        "Row",
        "CVR number",
        "Name",
        "Address",
        "Status",
        "Industry code",
        "Start date",
        "Result",
        "Error code",
        "Reason",
    ],
}


def write_result(ctx: BotContext[Params], items: list[WorkItem[Lookup]]) -> None:
    """One row per input row with the company's data or why it is missing; written atomically."""

    def cells(item: WorkItem[Lookup], status: str) -> list[Any]:
        found = item.output or {}
        return [item.payload.row, item.payload.cvr, *(found.get(FIELDS[key], "") for key in FIELDS), status]

    write_outcome(ctx, items, sheet=("Virksomheder", "Companies"), headers=HEADER, done=("Fundet", "Found"), cells=cells)


@bot(name="cvr_opslag", process="cvr-opslag", queue="cvr-opslag", params=Params, producer=produce, finish=write_result,
     max_attempts=4, retry_delay=timedelta(seconds=1), backoff=2.0, timeout=timedelta(minutes=2), mask=EVIDENCE_MASK,
     gains=Gains(unit="opslag", credited_minutes=Decimal(2), step="opslag i CVR og udfyldning af stamdata"))
def look_up_company(item: WorkItem[Lookup], ctx: BotContext[Params]) -> dict[str, Any]:
    """Virksomhedsopslag: slå CVR-nummeret op og hent navn, adresse, status, branchekode og startdato."""
    lookup = item.payload
    if lookup.problem is not None:
        raise lookup.problem.exception(ctx.lang)
    if ctx.params.mode is Mode.API:
        return _look_up_by_api(lookup, ctx)
    url = ctx.params.portal_url.rstrip("/")
    retries = RetryLog(ctx)
    session = open_portal(ctx, ctx.params.credential)
    response = session.goto(
        f"{url}/virksomheder/{lookup.cvr}",
        retry=retries.policy(attempts=ctx.params.portal_retries, backoff_s=ctx.params.portal_backoff_s),
    )
    if response.status == 404:
        raise _not_found(lookup, ctx.lang)
    details = session.page().evaluate(READ_DETAILS, list(FIELDS))
    missing = [key for key, value in details.items() if value is None]
    if missing:
        raise BusinessException(
            f"række {lookup.row}: siden mangler {', '.join(missing)}" if ctx.lang == "da"
            else f"row {lookup.row}: the page lacks {', '.join(missing)}",
            code="PAGE_CHANGED",
        )
    ctx.log.info("company_found", cvr=lookup.cvr, status=details["status"], portal_retries=retries.count)
    return {FIELDS[key]: value for key, value in details.items()} | {"portal_retries": retries.count}


def _not_found(lookup: Lookup, lang: str) -> BusinessException:
    return BusinessException(
        f"række {lookup.row}: CVR-nummeret {lookup.cvr} findes ikke i virksomhedsregisteret"
        if lang == "da"
        else f"row {lookup.row}: CVR number {lookup.cvr} is not in the register",
        code="NOT_FOUND",
    )


def _look_up_by_api(lookup: Lookup, ctx: BotContext[Params]) -> dict[str, Any]:
    """The same lookup through the system-to-system interface; the output reads as the portal's page."""
    client = ctx.use("cvr-api", lambda: CvrClient(ctx.credential(ctx.params.api_credential), base_url=ctx.params.api_url,
                                                  clock=ctx.clock, log=ctx.log))
    company: CvrCompany | None = client.company(lookup.cvr)
    if company is None:
        raise _not_found(lookup, ctx.lang)
    ctx.log.info("company_found", cvr=lookup.cvr, status=company.status, source="api")
    return {
        "name": company.name,
        "address": company.address,
        "status": company.status,
        "industry": f"{company.industry_code} {company.industry_text}".strip(),
        "start_date": company.start_date.strftime("%d-%m-%Y") if company.start_date else "",
        "source": "api",
    }
