"""The national address register (DAR) by API, as DAWA (Danmarks Adressers Web API) serves it.

Two calls a robot needs:

* ``GET {base}/adresser?q=…&struktur=mini`` — addresses matching a free text, flat ("mini") records;
* ``GET {base}/datavask/adresser?betegnelse=…`` — "address washing": the register's best reading of
  a written address with a category: ``A`` (exact), ``B`` (certain, small differences such as
  spelling or a missing postal district), ``C`` (uncertain — may be another address).

:meth:`AddressClient.validate` turns that into a rule: A and B give the register's address, C or no
match is ``BusinessException`` ``UNKNOWN_ADDRESS`` (manual handling). ``429``/``5xx`` and timeouts
are retried; the address text is not logged (it may identify a citizen), only the category.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import httpx
import structlog
from pydantic import BaseModel, ConfigDict, Field

from sepbots.clock import Clock
from sepbots.connectors.http import HttpConnector, send
from sepbots.connectors.retry import RetryPolicy, call_with_retry
from sepbots.exceptions import ApplicationException, BusinessException


class Category(StrEnum):
    """DAWA's wash categories."""

    EXACT = "A"
    CERTAIN = "B"
    UNCERTAIN = "C"


class Address(BaseModel):
    """One address (DAWA's flat "mini" structure)."""

    model_config = ConfigDict(frozen=True, populate_by_name=True)

    id: str
    street: str = Field(alias="vejnavn")
    house_number: str = Field(alias="husnr")
    floor: str | None = Field(None, alias="etage")
    door: str | None = Field(None, alias="dør")
    postal_code: str = Field(alias="postnr")
    postal_district: str = Field(alias="postnrnavn")
    municipality_code: str | None = Field(None, alias="kommunekode")

    @property
    def text(self) -> str:
        """The address as one line: ``Algade 12, 2. tv, 4000 Roskilde``."""
        unit = ". ".join(p for p in (self.floor, self.door) if p)
        return ", ".join(p for p in (f"{self.street} {self.house_number}", unit, f"{self.postal_code} {self.postal_district}") if p)


class WashResult(BaseModel):
    """The register's reading of a written address."""

    model_config = ConfigDict(frozen=True)

    category: Category
    address: Address | None
    distance: int | None = None


class AddressClient(HttpConnector):
    """A client of DAWA-style address endpoints (a context manager closing its connections).

    Args:
        base_url: ``https://api.dataforsyningen.dk`` (or ``sepbots practice dar``).
        timeout_s: per request.
    """

    def __init__(self, base_url: str = "https://api.dataforsyningen.dk", *, timeout_s: float = 20.0,
                 retry: RetryPolicy | None = None, clock: Clock | None = None, log: Any = None) -> None:
        self.base = base_url.rstrip("/")
        self.retry = retry or RetryPolicy()
        self.clock = clock
        self.log = log or structlog.get_logger("sepbots.connectors.dar")
        self._http = httpx.Client(timeout=timeout_s)

    def _get(self, path: str, params: dict[str, str]) -> Any:
        response = send(self._http, "GET", self.base + path, service="the address register", prefix="DAR", params=params)
        if response.status_code >= 400:
            raise ApplicationException("adresseregistret afviste / "
                                       f"the address register refused {path}: HTTP {response.status_code}", code="DAR_REFUSED")
        return response.json()

    def search(self, text: str, *, limit: int = 10) -> list[Address]:
        """Addresses matching ``text`` (``/adresser?q=``), at most ``limit``."""
        rows = call_with_retry("dar_search", lambda: self._get("/adresser", {"q": text, "struktur": "mini", "per_side": str(limit)}),
                               policy=self.retry, clock=self.clock, log=self.log)
        return [Address.model_validate(r) for r in rows]

    def wash(self, text: str) -> WashResult:
        """The register's best reading of ``text`` (``/datavask/adresser``)."""
        body = call_with_retry("dar_wash", lambda: self._get("/datavask/adresser", {"betegnelse": text}),
                               policy=self.retry, clock=self.clock, log=self.log)
        results = body.get("resultater") or []
        category = Category(body.get("kategori", "C"))
        if not results:
            return WashResult(category=Category.UNCERTAIN, address=None)
        best = results[0]
        found = best.get("aktueladresse") or best.get("adresse")
        distance = (best.get("vaskeresultat") or {}).get("afstand")
        return WashResult(category=category, address=Address.model_validate(found) if found else None, distance=distance)

    def validate(self, text: str) -> Address:
        """The register's address for ``text`` when it is certain (category A or B).

        Raises:
            BusinessException: ``UNKNOWN_ADDRESS`` when the register is not certain (C) or knows nothing.
        """
        result = self.wash(text)
        self.log.info("address_washed", category=result.category.value, distance=result.distance)
        if result.address is None or result.category is Category.UNCERTAIN:
            raise BusinessException("adressen findes ikke i adresseregistret / the address is not in the address register",
                                    code="UNKNOWN_ADDRESS")
        return result.address
