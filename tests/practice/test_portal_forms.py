"""The refund form and the company lookup of the practice portal, over real HTTP."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import httpx
import pytest

from sepbots.practice.data import generate_companies
from sepbots.practice.portal import PortalDatabase
from tests.practice.conftest import Served, csrf, log_in


@pytest.fixture
def employer(served: Served) -> str:
    return generate_companies(served.portal.config.seed, served.portal.config.company_count)[0].cvr


def _step1(client: httpx.Client, **fields: str) -> httpx.Response:
    page = client.get("/refusion")
    return client.post("/refusion/trin-1", data={"csrf_token": csrf(page), "client_reference": "", **fields})


def _step2(client: httpx.Client, **fields: str) -> httpx.Response:
    page = client.get("/refusion/trin-2")
    return client.post("/refusion/trin-2", data={"csrf_token": csrf(page), **fields})


GOOD_STEP2 = {
    "period_from": "02-02-2026",
    "period_to": "13.02.2026",
    "hours": "37,5",
    "amount": "1.234,56",
    "reason": "sygdom",
}


def test_valid_claim_walks_three_steps_and_gets_a_receipt(
    served: Served, client: httpx.Client, employer: str
) -> None:
    """A valid claim is stored with its client reference and answered "Kvitteringsnummer: SDP-2026-000001"."""
    log_in(client)
    assert (
        _step1(
            client, employer_cvr=employer, employee_cpr="010180-1234", client_reference="claims:row-2"
        ).url.path
        == "/refusion/trin-2"
    )
    step3 = _step2(client, **GOOD_STEP2)
    assert step3.url.path == "/refusion/trin-3"
    assert "Jeg erklærer, at oplysningerne er korrekte" in step3.text
    receipt = client.post("/refusion/trin-3", data={"csrf_token": csrf(step3), "declaration": "ja"})
    assert 'Kvitteringsnummer: <strong id="kvitteringsnummer">SDP-2026-000001</strong>' in receipt.text
    database = PortalDatabase(served.portal.config.db_path)  # a second connection, as tests and the demo use
    stored = database.submissions("claims:row-2")
    database.close()
    assert len(stored) == 1
    assert (stored[0].receipt, stored[0].employer_cvr, stored[0].employee_cpr) == (
        "SDP-2026-000001",
        employer,
        "0101801234",
    )
    assert (stored[0].period_from, stored[0].period_to) == (date(2026, 2, 2), date(2026, 2, 13))
    assert (stored[0].hours, stored[0].amount, stored[0].reason) == (
        Decimal("37.5"),
        Decimal("1234.56"),
        "sygdom",
    )


@pytest.mark.parametrize(
    ("cvr", "cpr", "messages"),
    [
        ("1234567", "010180-1234", ["CVR-nummeret skal være 8 cifre."]),
        ("12345678", "010180-1234", ["CVR-nummeret er ugyldigt (kontrolcifferet passer ikke)."]),
        (
            "12345674",
            "310280-1234",
            [
                "Arbejdsgiveren findes ikke i CVR-registeret.",
                "CPR-nummeret indeholder ikke en gyldig fødselsdato.",
            ],
        ),
        ("", "0101801", ["Udfyld arbejdsgiverens CVR-nummer.", "CPR-nummeret skal skrives som DDMMÅÅ-XXXX."]),
    ],
)
def test_step1_shows_danish_messages_for_bad_numbers(
    client: httpx.Client, cvr: str, cpr: str, messages: list[str]
) -> None:
    """Bad CVR (length, modulus 11, unknown) and CPR (form, date) numbers are refused with Danish messages."""
    log_in(client)
    page = _step1(client, employer_cvr=cvr, employee_cpr=cpr)
    assert page.status_code == 400 and page.url.path == "/refusion/trin-1"
    for message in messages:
        assert message in page.text


def test_cpr_without_modulus_11_is_accepted(client: httpx.Client, employer: str) -> None:
    """A CPR number with a real date but failing modulus 11 (issued since 2007) passes step 1."""
    log_in(client)
    assert _step1(client, employer_cvr=employer, employee_cpr="0101901235").url.path == "/refusion/trin-2"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"period_to": "01-02-2026"}, "Periodens slutdato skal være samme dag som eller efter startdatoen."),
        ({"period_from": "2/30/2026"}, "Periodens startdato skal skrives som dd-mm-åååå."),
        ({"hours": "0"}, "Antal timer skal være større end 0."),
        ({"amount": "12,345"}, "Beløbet skal være et tal, fx 1.234,56."),
        ({"amount": "-5"}, "Beløbet skal være større end 0."),
        ({"reason": "ferie"}, "Vælg en årsag."),
    ],
)
def test_step2_checks_period_hours_amount_and_reason(
    client: httpx.Client, employer: str, changes: dict[str, str], message: str
) -> None:
    """Each step-2 rule answers 400 with its Danish message and keeps the user on step 2."""
    log_in(client)
    _step1(client, employer_cvr=employer, employee_cpr="010180-1234")
    page = _step2(client, **{**GOOD_STEP2, **changes})
    assert page.status_code == 400 and page.url.path == "/refusion/trin-2"
    assert message in page.text


def test_declaration_is_required_and_steps_cannot_be_skipped(
    served: Served, client: httpx.Client, employer: str
) -> None:
    """Step 3 without the checkbox is refused; step 2 or 3 without the earlier steps go back to step 1."""
    log_in(client)
    assert client.get("/refusion/trin-3").url.path == "/refusion/trin-1"
    _step1(client, employer_cvr=employer, employee_cpr="010180-1234")
    step3 = _step2(client, **GOOD_STEP2)
    refused = client.post("/refusion/trin-3", data={"csrf_token": csrf(step3)})
    assert refused.status_code == 400 and "Du skal bekræfte erklæringen." in refused.text
    assert served.portal.db.submissions() == []


def test_cvr_search_opens_the_company_detail_page(served: Served, client: httpx.Client) -> None:
    """Searching an existing CVR number shows name, address, status, industry code and start date."""
    company = served.portal.db.company(generate_companies(2026, 120)[5].cvr)
    assert company is not None
    log_in(client)
    page = client.get("/virksomheder", params={"q": company.cvr})
    assert page.url.path == f"/virksomheder/{company.cvr}"
    for text in (
        company.name,
        company.address,
        company.status.value,
        company.industry_code,
        company.start_date.strftime("%d-%m-%Y"),
    ):
        assert text in page.text


def test_name_search_is_paginated(served: Served, client: httpx.Client) -> None:
    """A broad name search shows 20 results a page with working Næste/Forrige links."""
    log_in(client)
    first = client.get("/virksomheder", params={"q": "a"})
    result = served.portal.db.search_companies("a", page=1, page_size=20)
    assert result.pages >= 2
    assert f"{result.total} virksomheder fundet. Side 1 af {result.pages}." in first.text
    assert 'rel="next"' in first.text and 'rel="prev"' not in first.text
    second = client.get("/virksomheder", params={"q": "a", "side": "2"})
    assert f"Side 2 af {result.pages}." in second.text and 'rel="prev"' in second.text
    second_names = {c.name for c in served.portal.db.search_companies("a", page=2, page_size=20).companies}
    assert not second_names & {c.name for c in result.companies}
    assert all(name.replace("&", "&amp;") in second.text for name in second_names)


@pytest.mark.parametrize("query", ["12345674", "Findes Ikke Xyz"])
def test_unknown_company_gives_the_not_found_page(client: httpx.Client, query: str) -> None:
    """An unknown CVR number or a name without matches answers 404 "Ingen virksomhed fundet"."""
    log_in(client)
    page = client.get("/virksomheder", params={"q": query})
    assert page.status_code == 404 and "Ingen virksomhed fundet" in page.text


def test_overview_lists_submissions_by_own_reference(served: Served, client: httpx.Client, employer: str) -> None:
    """"Mine anmodninger" finds a submitted request by its own reference and says when there is none."""
    log_in(client)
    _step1(client, employer_cvr=employer, employee_cpr="010180-1234", client_reference="ref-77")
    step3 = _step2(client, **GOOD_STEP2)
    client.post("/refusion/trin-3", data={"csrf_token": csrf(step3), "declaration": "ja"})
    found = client.get("/refusion/anmodninger", params={"reference": "ref-77"})
    assert '<td class="kvittering">SDP-2026-000001</td>' in found.text
    none = client.get("/refusion/anmodninger", params={"reference": "ref-78"})
    assert "Ingen anmodninger fundet." in none.text
