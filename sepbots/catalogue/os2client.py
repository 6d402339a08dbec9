"""Push the catalogue to OS2autoproces and pull it back, over its HTTP API (HAL JSON).

As Randers' os2autoproces-updater does against the real service: ``POST <url>/xapi/auth`` with the
``ApiKey`` header gives an ``X-CSRF-TOKEN`` and a ``SESSION`` cookie; processes are created with
``POST <url>/api/processes`` and changed with ``PATCH <url>/api/processes/{id}``; technologies are
linked by their URIs from ``GET <url>/api/technologies``. A process we pushed carries
``sepbots:<key>`` in ``searchWords``, so a second push updates it instead of creating a copy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import yaml

from sepbots.catalogue.errors import CatalogueError
from sepbots.catalogue.loader import Catalogue, parse_process, write_atomic
from sepbots.catalogue.os2autoproces import Visibility, from_os2, key_of, to_os2

HAL = "application/hal+json"


class Os2AutoprocesError(CatalogueError):
    """OS2autoproces refused a request or could not be reached (the message names the process and field)."""


def _problem(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return f"HTTP {response.status_code}"
    if isinstance(body, dict) and body.get("errors"):
        return "; ".join(f"{e.get('property')}: {e.get('message')}" for e in body["errors"])
    return f"HTTP {response.status_code}: {body.get('message') if isinstance(body, dict) else body}"


class Os2AutoprocesClient:
    """A logged-in session against one OS2autoproces installation.

    Args:
        url: the service's base URL (``/xapi`` and ``/api`` are below it).
        api_key: the municipality's API key (never logged or put in an error message).
        http: the HTTP client to use (its lifetime is the caller's).
    """

    def __init__(self, url: str, api_key: str, http: httpx.Client) -> None:
        self.url = url.rstrip("/")
        self.http = http
        self._headers: dict[str, str] = {}
        self._login(api_key)

    def _login(self, api_key: str) -> None:
        if not api_key.isascii():
            raise Os2AutoprocesError("API-nøglen må kun indeholde ASCII-tegn / the API key must be ASCII")
        try:
            response = self.http.post(f"{self.url}/xapi/auth", headers={"ApiKey": api_key, "Content-Type": HAL})
        except httpx.HTTPError as exc:
            raise Os2AutoprocesError(f"OS2autoproces svarer ikke / does not answer: {type(exc).__name__}") from None
        if response.status_code != 200 or "X-CSRF-TOKEN" not in response.headers:
            raise Os2AutoprocesError(f"login afvist / login refused: {_problem(response)}")
        self._headers = {"X-CSRF-TOKEN": response.headers["X-CSRF-TOKEN"], "Content-Type": HAL, "Accept": HAL}

    def _call(self, method: str, path: str, *, body: Any = None, what: str = "") -> dict[str, Any]:
        url = path if path.startswith("http") else f"{self.url}{path}"
        try:
            response = self.http.request(method, url, headers=self._headers, json=body)
        except httpx.HTTPError as exc:
            raise Os2AutoprocesError(f"OS2autoproces svarer ikke / does not answer: {type(exc).__name__}", entry=what or None) from None
        if response.status_code >= 400:
            raise Os2AutoprocesError(f"{method} {path} afvist / refused: {_problem(response)}", entry=what or None)
        return response.json() if response.content else {}

    def technologies(self) -> dict[str, str]:
        """Technology name (lower case) → its URI."""
        data = self._call("GET", "/api/technologies")
        return {t["name"].lower(): t["_links"]["self"]["href"] for t in data.get("_embedded", {}).get("technologies", [])}

    def processes(self) -> list[dict[str, Any]]:
        """Every process the key may read, following the pages."""
        out: list[dict[str, Any]] = []
        next_url: str | None = "/api/processes?page=0&size=100"
        while next_url:
            data = self._call("GET", next_url)
            out += data.get("_embedded", {}).get("processes", [])
            next_url = data.get("_links", {}).get("next", {}).get("href")
        return out

    def process_technologies(self, entity: dict[str, Any]) -> list[str]:
        """The names of the technologies linked to ``entity``."""
        data = self._call("GET", entity["_links"]["technologies"]["href"])
        return [t["name"] for t in data.get("_embedded", {}).get("technologies", [])]

    def create(self, body: dict[str, Any], what: str) -> dict[str, Any]:
        return self._call("POST", "/api/processes", body=body, what=what)

    def update(self, pid: int, body: dict[str, Any], what: str) -> dict[str, Any]:
        return self._call("PATCH", f"/api/processes/{pid}", body=body, what=what)


@dataclass
class PushReport:
    """What a push did: process keys created and updated (with their OS2autoproces ids), and refusals."""

    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    refused: dict[str, str] = field(default_factory=dict)

    def summary(self, lang: str = "da") -> str:
        if lang == "da":
            return f"{len(self.created)} oprettet, {len(self.updated)} opdateret, {len(self.refused)} afvist i OS2autoproces"
        return f"{len(self.created)} created, {len(self.updated)} updated, {len(self.refused)} refused in OS2autoproces"


def push(catalogue: Catalogue, client: Os2AutoprocesClient, *, visibility: Visibility) -> PushReport:
    """Create or update every catalogue process in OS2autoproces; a refused process does not stop the rest."""
    report = PushReport()
    links = client.technologies()
    existing = {key_of(e): e["id"] for e in client.processes() if key_of(e)}
    for process in catalogue:
        body = to_os2(process, visibility=visibility)
        body["technologies"] = [links[t.lower()] for t in process.technologies if t.lower() in links]
        try:
            if process.key in existing:
                report.updated[process.key] = client.update(existing[process.key], body, process.key)["id"]
            else:
                report.created[process.key] = client.create(body, process.key)["id"]
        except Os2AutoprocesError as exc:
            report.refused[process.key] = exc.message
    return report


@dataclass
class PullReport:
    """What a pull did: new catalogue files written, and processes already in the catalogue."""

    written: list[Path] = field(default_factory=list)
    known: list[str] = field(default_factory=list)

    def summary(self, lang: str = "da") -> str:
        if lang == "da":
            return f"{len(self.written)} nye processer skrevet, {len(self.known)} findes allerede i kataloget"
        return f"{len(self.written)} new processes written, {len(self.known)} already in the catalogue"


def pull(catalogue: Catalogue, client: Os2AutoprocesClient, *, today: date) -> PullReport:
    """Write each OS2autoproces process the catalogue lacks as a new YAML file (figures cite OS2autoproces).

    Processes already in the catalogue (same key) are left as they are: the catalogue is ours.

    Raises:
        Os2AutoprocesError: the service refused or could not be reached.
        CatalogueError: a pulled process does not make a valid catalogue entry (nothing is written).
    """
    report = PullReport()
    staged: list[tuple[Path, str]] = []
    for entity in client.processes():
        data = from_os2(
            entity,
            technologies=client.process_technologies(entity),
            href=entity["_links"]["self"]["href"],
            accessed=today.isoformat(),
        )
        if data["key"] in catalogue.processes:
            report.known.append(data["key"])
            continue
        path = catalogue.directory / f"{data['key']}.yaml"
        parse_process(data, file=path, entry=data["key"])
        staged.append((path, yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100)))
    for path, text in staged:
        write_atomic(path, "# Hentet fra OS2autoproces — tallene er kommunens egne i OS2autoproces.\n" + text)
        report.written.append(path)
    return report
