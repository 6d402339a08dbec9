"""OS2autoproces round trip: the export matches its data model and survives a real HTTP push and pull."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
import yaml
from typer.testing import CliRunner

from sepbots.catalogue.loader import load_catalogue
from sepbots.catalogue.os2autoproces import Visibility, key_of, to_os2
from sepbots.catalogue.os2client import Os2AutoprocesClient, Os2AutoprocesError, pull, push
from sepbots.cli import app as root_app
from sepbots.practice.os2autoproces import PRACTICE_API_KEY, create_app
from sepbots.practice.os2autoproces.rules import KNOWN, READ_ONLY
from sepbots.practice.server import serve_in_thread

from .conftest import SHIPPED, make_process, process_data


@pytest.fixture
def server() -> Iterator[str]:
    url, stop = serve_in_thread(create_app())
    yield url
    stop()


@pytest.fixture
def http() -> Iterator[httpx.Client]:
    with httpx.Client(timeout=10) as client:
        yield client


def test_occurrences_are_the_yearly_total_and_unanswered_is_not_set() -> None:
    """timeSpendOccurancesPerEmployee is the yearly total (not divided); unanswered questions are NOT_SET, 'ved ikke' UNKNOWN."""
    p = make_process(
        occurrences_per_year={"value": 5000, "estimate": True},
        employees={"value": 4, "estimate": True},
        assessment={"change": "ved_ikke"},
    )
    body = to_os2(p)
    assert body["timeSpendOccurancesPerEmployee"] == 5000 and body["timeSpendEmployeesDoingProcess"] == 4
    assert body["levelOfChange"] == "UNKNOWN" and body["levelOfQuality"] == "NOT_SET"
    assert "timeSpendComputedTotal" not in body


def test_every_exported_field_is_an_os2autoproces_field_and_none_is_read_only() -> None:
    """The export sends only OS2autoproces Process fields, never a read-only one, within its limits."""
    for p in load_catalogue(SHIPPED):
        body = to_os2(p, visibility=Visibility.PUBLIC)
        assert set(body) <= KNOWN and not set(body) & set(READ_ONLY)
        assert len(body["title"]) <= 65 and len(body["shortDescription"]) <= 140 and len(body["kle"]) <= 8
        for field in ("status", "visibility", "targetsCitizens", "targetsCompanies", "klId", "type", "form",
                      "codeRepositoryUrl", "technologies", "putIntoOperation", "legalClauseLastVerified"):
            assert field in body, field
        assert "skøn" in body["timeSpendComment"] or "kilde" in body["timeSpendComment"]
        assert key_of(body) == p.key


def test_push_creates_then_updates_every_process_and_pull_reads_them_back(server: str, http: httpx.Client, tmp_path: Path) -> None:
    """The shipped catalogue is accepted by the practice server; a second push updates; a pull into an empty catalogue rebuilds it."""
    catalogue = load_catalogue(SHIPPED)
    client = Os2AutoprocesClient(server, PRACTICE_API_KEY, http)
    first = push(catalogue, client, visibility=Visibility.MUNICIPALITY)
    assert first.refused == {} and len(first.created) == len(catalogue)
    second = push(catalogue, client, visibility=Visibility.MUNICIPALITY)
    assert second.created == {} and second.updated == first.created
    stored = {key_of(e): e for e in client.processes()}
    sdp = stored["sygedagpenge-refusion"]
    assert sdp["timeSpendOccurancesPerEmployee"] == 5000 and sdp["timeSpendPercentageDigital"] == 90
    assert sdp["timeSpendComputedTotal"] == 150  # 5,000 × 2 min / 60 × 90 %, computed by the server
    assert sdp["status"] == "NOT_RATED" and sdp["visibility"] == "MUNICIPALITY" and sdp["kle"] == "32.30.04"
    assert stored["folkeregisterboeder"]["kle"] == "23.05.13" and stored["folkeregisterboeder"]["form"] == "G01"
    empty = tmp_path / "cat"
    empty.mkdir()
    report = pull(load_catalogue(empty), client, today=date(2026, 12, 1))
    assert len(report.written) == len(catalogue)
    back = load_catalogue(empty).get("sygedagpenge-refusion")
    assert back.occurrences_per_year.value == 5000 and back.occurrences_per_year.source == "os2autoproces"
    assert back.kle == "32.30.04" and back.legal_clause == catalogue.get("sygedagpenge-refusion").legal_clause
    assert load_catalogue(empty).get("folkeregisterboeder").kle_facet == "G01"
    again = pull(load_catalogue(empty), client, today=date(2026, 12, 1))
    assert again.written == [] and len(again.known) == len(catalogue)


def test_server_enforces_the_real_field_rules(server: str, http: httpx.Client) -> None:
    """Too long titles, a Drift process without technology and unknown enum values are refused as OS2autoproces does."""
    client = Os2AutoprocesClient(server, PRACTICE_API_KEY, http)
    body = to_os2(make_process(phase="drift"))
    with pytest.raises(Os2AutoprocesError, match="technologies: validation.process.technologies.notnull"):
        client.create(body, "testproces")
    with pytest.raises(Os2AutoprocesError, match="title: size must be between 0 and 65"):
        client.create({**to_os2(make_process()), "title": "x" * 66}, "testproces")
    with pytest.raises(Os2AutoprocesError, match="JSON parse error"):
        client.create({**to_os2(make_process()), "levelOfChange": "MAYBE"}, "testproces")
    tech = client.technologies()["python"]
    created = client.create({**body, "technologies": [tech]}, "testproces")
    assert created["phase"] == "OPERATION" and created["_links"]["self"]["href"].endswith(f"/{created['id']}")


def test_push_reports_a_refused_process_and_goes_on(server: str, http: httpx.Client, tmp_path: Path) -> None:
    """A process in Drift without a technology is refused with the field named; the others are created."""
    folder = tmp_path / "cat"
    folder.mkdir()
    (folder / "a.yaml").write_text(yaml.safe_dump(process_data(key="ok-proces")), encoding="utf-8")
    (folder / "b.yaml").write_text(yaml.safe_dump(process_data(key="drift-proces", phase="drift")), encoding="utf-8")
    report = push(load_catalogue(folder), Os2AutoprocesClient(server, PRACTICE_API_KEY, http), visibility=Visibility.PUBLIC)
    assert list(report.created) == ["ok-proces"] and "technologies" in report.refused["drift-proces"]


def test_a_wrong_api_key_is_a_clear_error_without_the_key(server: str, http: httpx.Client) -> None:
    """Login with a wrong key fails with OS2autoproces's reason and never shows the key."""
    with pytest.raises(Os2AutoprocesError) as info:
        Os2AutoprocesClient(server, "hemmelig-key", http)
    assert "Invalid ApiKey header" in str(info.value) and "hemmelig" not in str(info.value)
    with pytest.raises(Os2AutoprocesError, match="ASCII") as info:
        Os2AutoprocesClient(server, "hemmelig-nøgle", http)
    assert "hemmelig" not in str(info.value)


def test_writes_need_the_session_and_csrf_token(server: str, http: httpx.Client) -> None:
    """Without the session cookie the API answers 401; without the CSRF token a write answers 403."""
    assert http.get(f"{server}/api/processes").status_code == 401
    auth = http.post(f"{server}/xapi/auth", headers={"ApiKey": PRACTICE_API_KEY})
    assert auth.status_code == 200
    assert http.post(f"{server}/api/processes", json=to_os2(make_process())).status_code == 403


def test_cli_push_against_the_practice_server(server: str, tmp_path: Path) -> None:
    """`sepbots catalogue push --url` pushes the catalogue and prints the counts; exit 0."""
    result = CliRunner().invoke(
        root_app,
        ["--home", str(tmp_path), "catalogue", "push", "--url", server, "--catalogue", str(SHIPPED)],
        env={"OS2AUTOPROCES_API_KEY": PRACTICE_API_KEY},
    )
    assert result.exit_code == 0, result.output
    assert f"{len(list(SHIPPED.glob('*.yaml')))} oprettet, 0 opdateret, 0 afvist" in result.output


def test_export_file_is_a_json_list_of_bodies(tmp_path: Path) -> None:
    """export-os2autoproces writes the same bodies a push sends."""
    from sepbots.catalogue.os2autoproces import export_os2autoproces

    n = export_os2autoproces(load_catalogue(SHIPPED), tmp_path / "os2.json")
    data = json.loads((tmp_path / "os2.json").read_text(encoding="utf-8"))
    assert len(data) == n and data[0]["searchWords"].startswith("sepbots:")
