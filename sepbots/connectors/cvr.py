"""The CVR register by API: Erhvervsstyrelsen's system-to-system access ("CVR Distribution").

The interface is an Elasticsearch index: ``POST {base}/cvr-permanent/virksomhed/_search`` with
HTTP Basic auth (a user name and password issued by Erhvervsstyrelsen, kept in the vault) and an
Elasticsearch query. One company is a ``term`` query on ``Vrvirksomhed.cvrNummer``; many at once a
``terms`` query, read page by page with ``from``/``size``. ``429`` (the service's rate limit) and
``5xx`` are retried, honouring ``Retry-After``; ``401`` is a refused login; ``400`` a query error.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ConfigDict

from sepbots.clock import Clock
from sepbots.connectors.http import HttpConnector, send
from sepbots.connectors.retry import RetryPolicy, call_with_retry
from sepbots.exceptions import ApplicationException
from sepbots.vault import Credential

SEARCH_PATH = "/cvr-permanent/virksomhed/_search"
CVR_FIELD = "Vrvirksomhed.cvrNummer"
TERMS_PER_QUERY = 1000  # numbers per terms query; the hits are read page_size at a time


class CvrCompany(BaseModel):
    """A company's master data as the register gives it."""

    model_config = ConfigDict(frozen=True)

    cvr: str
    name: str
    address: str
    status: str
    industry_code: str
    industry_text: str
    start_date: date | None

    @classmethod
    def from_source(cls, source: dict[str, Any]) -> CvrCompany:
        company = source["Vrvirksomhed"]
        meta = company.get("virksomhedMetadata", {})
        place = meta.get("nyesteBeliggenhedsadresse") or {}
        street = " ".join(str(p) for p in (place.get("vejnavn"), place.get("husnummerFra")) if p)
        town = " ".join(str(p) for p in (place.get("postnummer"), place.get("postdistrikt")) if p)
        industry = meta.get("nyesteHovedbranche") or {}
        founded = meta.get("stiftelsesDato")
        return cls(
            cvr=f"{int(company['cvrNummer']):08d}",
            name=str((meta.get("nyesteNavn") or {}).get("navn", "")),
            address=", ".join(p for p in (street, town) if p),
            status=str(meta.get("sammensatStatus", "")),
            industry_code=str(industry.get("branchekode", "")),
            industry_text=str(industry.get("branchetekst", "")),
            start_date=date.fromisoformat(founded) if founded else None,
        )


class CvrClient(HttpConnector):
    """A client of the CVR distribution (a context manager closing its HTTP connections).

    Args:
        credential: the user name and password from Erhvervsstyrelsen (vault).
        base_url: ``http://distribution.virk.dk`` (or ``sepbots practice cvr-api``).
        page_size: companies per page in batch lookups.
        timeout_s: per request.
    """

    def __init__(self, credential: Credential, *, base_url: str = "http://distribution.virk.dk", page_size: int = 100,
                 timeout_s: float = 30.0, retry: RetryPolicy | None = None, clock: Clock | None = None, log: Any = None) -> None:
        if not credential.username:
            raise ApplicationException(f"loginoplysningen {credential.name!r} har intet brugernavn / "
                                       f"credential {credential.name!r} has no user name", code="CVR_NO_USER")
        self.url = base_url.rstrip("/") + SEARCH_PATH
        self.page_size = page_size
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.connectors.cvr")
        self._http = httpx.Client(timeout=timeout_s, auth=(credential.username, credential.password.get_secret_value()))

    def _post(self, body: dict[str, Any]) -> dict[str, Any]:
        response = send(self._http, "POST", self.url, service="the CVR interface", prefix="CVR", json=body)
        if response.status_code in (401, 403):
            raise ApplicationException("CVR-snitfladen afviste login / the CVR interface refused the login", code="CVR_LOGIN_REFUSED")
        if response.status_code >= 400:
            reason = response.json().get("error", {}).get("reason", "") if response.content else ""
            raise ApplicationException("CVR-snitfladen afviste forespørgslen / "
                                       f"the CVR interface refused the query: {reason}", code="CVR_BAD_QUERY")
        return response.json()  # type: ignore[no-any-return]  # the CVR interface answers a JSON object

    def search(self, query: dict[str, Any], *, start: int = 0, size: int = 10) -> tuple[int, list[CvrCompany]]:
        """One page of an Elasticsearch query: ``(total hits, companies)``."""
        body = call_with_retry("cvr_search", lambda: self._post({"query": query, "from": start, "size": size}),
                               policy=self.retry, clock=self.clock, log=self.log)
        hits = body["hits"]
        total = hits["total"]["value"] if isinstance(hits["total"], dict) else hits["total"]
        return int(total), [CvrCompany.from_source(h["_source"]) for h in hits["hits"]]

    def company(self, cvr: str) -> CvrCompany | None:
        """The company with this CVR number, or None when the register does not know it."""
        _, found = self.search({"term": {CVR_FIELD: int(cvr)}}, size=1)
        self.log.info("cvr_looked_up", cvr=cvr, found=bool(found))
        return found[0] if found else None

    def companies(self, cvrs: Iterable[str]) -> dict[str, CvrCompany]:
        """Many companies by CVR number, page by page; unknown numbers are simply absent."""
        numbers = sorted({int(c) for c in cvrs})
        found: dict[str, CvrCompany] = {}
        for offset in range(0, len(numbers), TERMS_PER_QUERY):
            chunk = numbers[offset:offset + TERMS_PER_QUERY]
            start = 0
            while True:
                total, page = self.search({"terms": {CVR_FIELD: chunk}}, start=start, size=self.page_size)
                found.update((c.cvr, c) for c in page)
                start += len(page)
                if not page or start >= total:
                    break
        self.log.info("cvr_batch_looked_up", asked=len(numbers), found=len(found))
        return found
