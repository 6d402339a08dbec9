"""The practice address register: a few addresses behind DAWA-style ``/adresser`` and ``/datavask/adresser``.

``GET /adresser?q=…&struktur=mini`` answers a JSON list of flat address records whose text contains
every word of ``q``; ``GET /datavask/adresser?betegnelse=…`` answers ``{"kategori", "resultater":
[{"adresse", "aktueladresse", "vaskeresultat": {"afstand"}}]}`` as DAWA does: category ``A`` when
the text is the address exactly (case and spacing aside), ``B`` when it is close (a few letters
differ), ``C`` otherwise with the nearest address. Chaos: the first ``fail_first`` requests answer
``503``. The server logs no query texts.
"""

from __future__ import annotations

import re
import threading
import uuid
from difflib import SequenceMatcher
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

# (street, house number, floor, door, postal code, district) — Roskilde Kommune (0265), practice data.
ADDRESSES: tuple[tuple[str, str, str | None, str | None, str, str], ...] = (
    ("Rådhuspladsen", "1", "2", "tv", "4000", "Roskilde"),
    ("Algade", "12", None, None, "4000", "Roskilde"),
    ("Skolegade", "3", None, None, "4000", "Roskilde"),
    ("Hyrdehøj", "7", None, None, "4000", "Roskilde"),
    ("Hersegade", "20", "1", "th", "4000", "Roskilde"),
    ("Køgevej", "101", None, None, "4000", "Roskilde"),
    ("Havnevej", "4", None, None, "4000", "Roskilde"),
    ("Jyllinge Centervej", "2", None, None, "4040", "Jyllinge"),
)
CERTAIN_RATIO = 0.9


class DarConfig(BaseModel):
    model_config = ConfigDict(frozen=True)

    fail_first: int = Field(0, ge=0, description="answer this many requests 503 first")


def record(entry: tuple[str, str, str | None, str | None, str, str]) -> dict[str, Any]:
    """An address as DAWA's flat "mini" record, with a stable id."""
    street, number, floor, door, postal, district = entry
    unit = ". ".join(p for p in (floor, door) if p)
    text = ", ".join(p for p in (f"{street} {number}", unit, f"{postal} {district}") if p)
    return {"id": str(uuid.uuid5(uuid.NAMESPACE_URL, f"sepbots-dar/{text}")), "vejnavn": street, "husnr": number,
            "etage": floor, "dør": door, "postnr": postal, "postnrnavn": district, "kommunekode": "0265",
            "betegnelse": text}


def _normal(text: str) -> str:
    return re.sub(r"[\s,.]+", " ", text.casefold()).strip()


class Register:
    """The running register's state (``app.state.dar``)."""

    def __init__(self, config: DarConfig) -> None:
        self.config = config
        self.records = [record(a) for a in ADDRESSES]
        self.requests = 0
        self.lock = threading.Lock()

    def failing(self) -> bool:
        with self.lock:
            self.requests += 1
            return self.requests <= self.config.fail_first

    def search(self, text: str) -> list[dict[str, Any]]:
        words = _normal(text).split()
        return [r for r in self.records if all(w in _normal(r["betegnelse"]) for w in words)]

    def wash(self, text: str) -> dict[str, Any]:
        wanted = _normal(text)
        scored = sorted(((SequenceMatcher(None, wanted, _normal(r["betegnelse"])).ratio(), r) for r in self.records),
                        key=lambda pair: -pair[0])
        ratio, best = scored[0]
        category = "A" if ratio == 1.0 else "B" if ratio >= CERTAIN_RATIO else "C"
        distance = round((1 - ratio) * len(wanted))
        return {"kategori": category, "resultater": [{"adresse": best, "aktueladresse": best,
                                                     "vaskeresultat": {"afstand": distance}}]}


def _unavailable() -> Response:
    return JSONResponse({"type": "ServiceUnavailable", "title": "Midlertidigt utilgængelig"}, status_code=503)


async def adresser(request: Request) -> Response:
    register: Register = request.app.state.dar
    if register.failing():
        return _unavailable()
    found = register.search(request.query_params.get("q", ""))
    limit = int(request.query_params.get("per_side", "20") or 20)
    return JSONResponse(found[:limit])


async def datavask(request: Request) -> Response:
    register: Register = request.app.state.dar
    if register.failing():
        return _unavailable()
    text = request.query_params.get("betegnelse", "")
    if not text.strip():
        return JSONResponse({"type": "QueryParameterFormatError", "title": "betegnelse mangler"}, status_code=400)
    return JSONResponse(register.wash(text))


def create_app(config: DarConfig | None = None) -> Starlette:
    """The practice address register; ``app.state.dar`` is its :class:`Register`."""
    app = Starlette(routes=[Route("/adresser", adresser), Route("/datavask/adresser", datavask)])
    app.state.dar = Register(config or DarConfig())
    return app
