"""The practice CVR system-to-system interface: Erhvervsstyrelsen's Elasticsearch-style "Distribution".

``POST /cvr-permanent/virksomhed/_search`` with HTTP Basic auth and an Elasticsearch query body,
answering with ``hits.hits[]._source.Vrvirksomhed`` documents as the real service does. Queries
understood: ``term`` and ``terms`` on ``Vrvirksomhed.cvrNummer``, and ``match_all``; paging with
``from``/``size`` (``from + size`` at most ``max_result_window``, as Elasticsearch refuses more).
More than ``rate_limit_per_s`` searches a second are answered ``429`` with ``Retry-After``.
The companies are the practice portal's (same seed), so API and portal lookups can be compared.
"""

from __future__ import annotations

import base64
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sepbots.practice.data import Company, generate_companies

CVR_FIELD = "Vrvirksomhed.cvrNummer"
PRACTICE_API_USER = "sepbots-praksis"
PRACTICE_API_PASSWORD = "praksis-cvr-adgang"


class CvrApiConfig(BaseModel):
    """The practice interface's account, data and limits."""

    model_config = ConfigDict(frozen=True)

    username: str = PRACTICE_API_USER
    password: str = PRACTICE_API_PASSWORD
    seed: int = 2026
    company_count: int = Field(500, ge=1)
    rate_limit_per_s: float | None = Field(None, gt=0, description="searches per second before 429")
    retry_after_s: int = Field(1, ge=0)
    max_result_window: int = Field(3000, ge=1)


def document(company: Company) -> dict[str, Any]:
    """A company as the CVR distribution's ``Vrvirksomhed`` document (the fields a robot reads)."""
    street, _, house = company.street.rpartition(" ")
    return {"Vrvirksomhed": {
        "cvrNummer": int(company.cvr),
        "virksomhedMetadata": {
            "nyesteNavn": {"navn": company.name},
            "nyesteBeliggenhedsadresse": {"vejnavn": street, "husnummerFra": house,
                                          "postnummer": int(company.postal_code), "postdistrikt": company.city},
            "sammensatStatus": company.status.value,
            "nyesteHovedbranche": {"branchekode": company.industry_code, "branchetekst": company.industry_text},
            "stiftelsesDato": company.start_date.isoformat(),
        },
    }}


class _Bucket:
    """A token bucket: ``rate`` requests a second, bursts of up to one second's worth."""

    def __init__(self, rate: float | None, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.rate = rate
        self.monotonic = monotonic
        self.tokens = rate or 0.0
        self.at = monotonic()
        self.lock = threading.Lock()

    def take(self) -> bool:
        if self.rate is None:
            return True
        with self.lock:
            now = self.monotonic()
            self.tokens = min(self.rate, self.tokens + (now - self.at) * self.rate)
            self.at = now
            if self.tokens >= 1:
                self.tokens -= 1
                return True
            return False


class CvrApi:
    """The running interface's state (``app.state.cvr``)."""

    def __init__(self, config: CvrApiConfig, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.config = config
        self.companies = sorted(generate_companies(config.seed, config.company_count), key=lambda c: c.cvr)
        self.by_cvr = {c.cvr: c for c in self.companies}
        self.bucket = _Bucket(config.rate_limit_per_s, monotonic)
        self.searches = 0
        self.throttled = 0

    def authorised(self, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            user, _, password = base64.b64decode(value).decode().partition(":")
        except (ValueError, UnicodeDecodeError):
            return False
        return secrets.compare_digest(user, self.config.username) and secrets.compare_digest(password, self.config.password)

    def matching(self, query: dict[str, Any]) -> list[Company]:
        if not query or "match_all" in query:
            return self.companies
        if "term" in query and CVR_FIELD in query["term"]:
            wanted: Any = query["term"][CVR_FIELD]
            wanted = wanted.get("value") if isinstance(wanted, dict) else wanted
            found = self.by_cvr.get(f"{int(wanted):08d}")
            return [found] if found else []
        if "terms" in query and CVR_FIELD in query["terms"]:
            numbers = {f"{int(n):08d}" for n in query["terms"][CVR_FIELD]}
            return [c for c in self.companies if c.cvr in numbers]
        raise ValueError(f"query not supported by the practice interface: {sorted(query)}")


def _es_error(status: int, kind: str, reason: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": {"root_cause": [{"type": kind, "reason": reason}], "type": kind, "reason": reason},
                         "status": status}, status_code=status, headers=headers)


async def search(request: Request) -> Response:
    api: CvrApi = request.app.state.cvr
    if not api.authorised(request.headers.get("authorization", "")):
        return Response("Unauthorized", status_code=401, headers={"WWW-Authenticate": 'Basic realm="cvr-permanent"'})
    api.searches += 1
    if not api.bucket.take():
        api.throttled += 1
        return _es_error(429, "es_rejected_execution_exception", "rejected execution: too many requests",
                         {"Retry-After": str(api.config.retry_after_s)})
    try:
        body = await request.json()
        start, size = int(body.get("from", 0)), int(body.get("size", 10))
        if start < 0 or size < 0 or start + size > api.config.max_result_window:
            return _es_error(400, "illegal_argument_exception",
                             f"Result window is too large, from + size must be less than or equal to: [{api.config.max_result_window}]")
        found = api.matching(body.get("query", {}))
    except (ValueError, TypeError, AttributeError) as exc:
        return _es_error(400, "parsing_exception", str(exc))
    hits = [{"_index": "cvr-permanent", "_id": c.cvr, "_source": document(c)} for c in found[start:start + size]]
    return JSONResponse({"took": 1, "timed_out": False, "hits": {"total": len(found), "hits": hits}})


def create_app(config: CvrApiConfig | None = None, *, monotonic: Callable[[], float] = time.monotonic) -> Starlette:
    """The practice interface; ``app.state.cvr`` is its :class:`CvrApi`.

    ``monotonic`` is where the rate limit reads the time; tests pass a manual clock's.
    """
    app = Starlette(routes=[Route("/cvr-permanent/virksomhed/_search", search, methods=["POST"])])
    app.state.cvr = CvrApi(config or CvrApiConfig(), monotonic)
    return app
