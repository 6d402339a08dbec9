"""A practice OS2autoproces: the process API a municipality's catalogue is pushed to and pulled from.

It answers as the real backend (Spring Data REST, HAL JSON) does for what sepbots uses:

* ``POST /xapi/auth`` with the ``ApiKey`` header → ``200``, an ``X-CSRF-TOKEN`` header and a
  ``SESSION`` cookie (``401 Missing ApiKey header`` / ``Invalid ApiKey header`` otherwise);
* ``GET /api/technologies`` → ``_embedded.technologies``;
* ``POST /api/processes`` → ``201`` with ``Location`` and the entity; ``PATCH /api/processes/{id}``;
  ``GET /api/processes[?page=&size=]`` (paged) and ``GET /api/processes/{id}[/technologies]``;
* every write needs the session cookie and the CSRF token (``401``/``403``), and is validated by
  :mod:`.rules` (``400`` with ``errors``). Read-only fields are ignored; ``timeSpendComputedTotal`` is
  computed here as ``occurrences × minutes / 60 × digital %``.

State lives in memory, per app. Stricter than the real API in one respect: an unknown field is a
``400`` (the real one ignores it), so an export with a misspelt field fails loudly.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from sepbots.practice.os2autoproces.rules import (
    READ_ONLY,
    UNWRITABLE_AFTER_CREATE,
    UnreadableJson,
    check_body,
    validate,
)

PRACTICE_API_KEY = "practice-api-key"
HAL = "application/hal+json"
TECHNOLOGIES = ("Python", "Playwright", "UiPath", "Blue Prism", "Power Automate", "Robot Framework")
_DEFAULTS: dict[str, Any] = {
    "timeSpendOccurancesPerEmployee": 0,
    "timeSpendPerOccurance": 0.0,
    "timeSpendEmployeesDoingProcess": 0,
    "timeSpendPercentageDigital": 0,
    "rating": 0,
    "targetsCompanies": False,
    "targetsCitizens": False,
    "sepMep": False,
    "type": "CHILD",
}


@dataclass
class _State:
    api_keys: dict[str, str]
    sessions: dict[str, str] = field(default_factory=dict)  # SESSION → CSRF token
    processes: dict[int, dict[str, Any]] = field(default_factory=dict)
    next_id: int = 1


def _json(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(data, status_code=status, headers=headers, media_type=HAL)


def _error(status: int, message: str, path: str) -> JSONResponse:
    reason = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden", 404: "Not Found"}[status]
    return JSONResponse({"status": status, "error": reason, "message": message, "path": path}, status_code=status)


def _computed_total(e: dict[str, Any]) -> int:
    total = (
        Decimal(e["timeSpendOccurancesPerEmployee"])
        * Decimal(str(e["timeSpendPerOccurance"]))
        / 60
        * Decimal(e["timeSpendPercentageDigital"])
        / 100
    )
    return int(total.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def create_app(*, api_keys: dict[str, str] | None = None) -> Starlette:
    """The practice API; ``api_keys`` maps an API key to its municipality (default: one practice key)."""
    state = _State(api_keys=api_keys or {PRACTICE_API_KEY: "Øvelseskommune"})

    def base(request: Request) -> str:
        return str(request.base_url).rstrip("/")

    def tech_href(request: Request, i: int) -> str:
        return f"{base(request)}/api/technologies/{i}"

    def known_technologies(request: Request) -> set[str]:
        return {tech_href(request, i) for i in range(1, len(TECHNOLOGIES) + 1)}

    def render(request: Request, e: dict[str, Any]) -> dict[str, Any]:
        self_href = f"{base(request)}/api/processes/{e['id']}"
        body = {k: v for k, v in e.items() if k not in ("technologies", "reporter", "owner", "contact")}
        body["_links"] = {
            "self": {"href": self_href},
            "process": {"href": self_href},
            "technologies": {"href": f"{self_href}/technologies"},
            "reporter": {"href": f"{self_href}/reporter"},
        }
        return body

    def session_of(request: Request, *, write: bool) -> Response | None:
        token = state.sessions.get(request.cookies.get("SESSION", ""))
        if token is None:
            return _error(401, "Full authentication is required to access this resource", request.url.path)
        if write and request.headers.get("X-CSRF-TOKEN") != token:
            return _error(403, "Invalid CSRF Token", request.url.path)
        return None

    async def auth(request: Request) -> Response:
        key = request.headers.get("ApiKey")
        if key is None:
            return _error(401, "Missing ApiKey header", request.url.path)
        if key not in state.api_keys:
            return _error(401, "Invalid ApiKey header", request.url.path)
        session, token = secrets.token_hex(16), secrets.token_hex(16)
        state.sessions[session] = token
        response = Response(status_code=200, headers={"X-CSRF-TOKEN": token})
        response.set_cookie("SESSION", session, httponly=True)
        return response

    async def technologies(request: Request) -> Response:
        if (denied := session_of(request, write=False)) is not None:
            return denied
        items = [
            {"id": i, "name": name, "_links": {"self": {"href": tech_href(request, i)}}}
            for i, name in enumerate(TECHNOLOGIES, start=1)
        ]
        return _json({"_embedded": {"technologies": items}, "_links": {"self": {"href": f"{base(request)}/api/technologies"}}})

    async def body_of(request: Request) -> dict[str, Any] | Response:
        try:
            return check_body(await request.json())
        except (UnreadableJson, ValueError) as exc:
            return _error(400, f"JSON parse error: {exc}", request.url.path)

    def save(request: Request, entity: dict[str, Any], status: int) -> Response:
        problems = validate(entity, known_technologies=known_technologies(request))
        if problems:
            return JSONResponse({"errors": [p.as_json() for p in problems]}, status_code=400)
        entity["timeSpendComputedTotal"] = _computed_total(entity)
        state.processes[entity["id"]] = entity
        rendered = render(request, entity)
        headers = {"Location": rendered["_links"]["self"]["href"]} if status == 201 else None
        return _json(rendered, status, headers)

    async def processes(request: Request) -> Response:
        if request.method == "GET":
            if (denied := session_of(request, write=False)) is not None:
                return denied
            page, size = int(request.query_params.get("page", 0)), int(request.query_params.get("size", 20))
            ids = sorted(state.processes)
            chunk = ids[page * size : (page + 1) * size]
            links: dict[str, Any] = {"self": {"href": f"{base(request)}/api/processes?page={page}&size={size}"}}
            if (page + 1) * size < len(ids):
                links["next"] = {"href": f"{base(request)}/api/processes?page={page + 1}&size={size}"}
            return _json({
                "_embedded": {"processes": [render(request, state.processes[i]) for i in chunk]},
                "_links": links,
                "page": {"size": size, "totalElements": len(ids), "totalPages": -(-len(ids) // size), "number": page},
            })
        if (denied := session_of(request, write=True)) is not None:
            return denied
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        entity = {**_DEFAULTS, **{k: v for k, v in body.items() if k not in READ_ONLY}}
        entity["id"] = state.next_id
        entity["reporter"] = entity["owner"] = entity["contact"] = "api"
        response = save(request, entity, 201)
        if response.status_code == 201:
            state.next_id += 1
        return response

    async def process(request: Request) -> Response:
        pid = int(request.path_params["pid"])
        if (denied := session_of(request, write=request.method != "GET")) is not None:
            return denied
        current = state.processes.get(pid)
        if current is None:
            return _error(404, f"no process {pid}", request.url.path)
        if request.method == "GET":
            return _json(render(request, current))
        body = await body_of(request)
        if isinstance(body, Response):
            return body
        changes = {k: v for k, v in body.items() if k not in READ_ONLY and k not in UNWRITABLE_AFTER_CREATE}
        return save(request, {**current, **changes}, 200)

    async def process_technologies(request: Request) -> Response:
        if (denied := session_of(request, write=False)) is not None:
            return denied
        current = state.processes.get(int(request.path_params["pid"]))
        if current is None:
            return _error(404, "no such process", request.url.path)
        by_href = {tech_href(request, i): (i, n) for i, n in enumerate(TECHNOLOGIES, start=1)}
        items = [
            {"id": by_href[h][0], "name": by_href[h][1], "_links": {"self": {"href": h}}}
            for h in current.get("technologies") or []
            if h in by_href
        ]
        return _json({"_embedded": {"technologies": items}})

    return Starlette(
        routes=[
            Route("/xapi/auth", auth, methods=["POST"]),
            Route("/api/technologies", technologies, methods=["GET"]),
            Route("/api/processes", processes, methods=["GET", "POST"]),
            Route("/api/processes/{pid:int}", process, methods=["GET", "PATCH"]),
            Route("/api/processes/{pid:int}/technologies", process_technologies, methods=["GET"]),
        ]
    )
