"""Catalogue, business-case and gains pages over a real catalogue folder and a real item ledger."""

from __future__ import annotations

import shutil
from pathlib import Path

from tests.dashboard.conftest import Dashboard
from tests.dashboard.seed import seed_run

CATALOGUE = Path(__file__).resolve().parents[2] / "config" / "catalogue" / "bankafstemning.yaml"


def test_catalogue_and_gains_without_a_catalogue_say_not_configured(dashboard: Dashboard) -> None:
    """With no catalogue folder the catalogue and gains pages explain what to set up; the overview shows –."""
    with dashboard.login("viewer") as client:
        for path in ("/catalogue", "/gains", "/schedules"):
            page = client.get(path)
            assert page.status_code == 200 and "Ikke sat op i denne installation." in page.text
        assert "config/catalogue" in client.get("/gains").text


def test_catalogue_estimate_beside_measured_and_gains_charts(dashboard: Dashboard) -> None:
    """A catalogued process shows its estimate and measured share; gains show hours saved, the paired chart,
    when they were computed with a refresh link, a test-run toggle, failures in red and "too little data"."""
    folder = dashboard.settings.home / "config" / "catalogue"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / CATALOGUE.name)
    seed_run(dashboard.store, dashboard.settings.runs_dir, dashboard.clock.now(), process="bankafstemning",
             states=["done"] * 8 + ["business_exception", "failed"])
    with dashboard.login("viewer") as client:
        cat = client.get("/catalogue")
        assert cat.status_code == 200 and "Bankafstemning" in cat.text
        assert "De målte tal beregnes nu" in cat.text  # a cold aggregate never blocks the page
        insights = dashboard.app.state.deps.insights
        insights.gains(*insights.last_days(90))
        cat = client.get("/catalogue")
        assert "beregnes nu" not in cat.text
        assert "80 %" in cat.text  # 8 of 10 items done in the measured window
        gains = client.get("/gains")
        assert gains.status_code == 200
        assert gains.text.count("<svg") == 1 and "Sparede timer pr. proces" in gains.text
        assert 'id="too-little"' in gains.text  # one day of data: no empty daily chart
        assert 'id="saved-hours">' in gains.text and "Beregnet" in gains.text and 'id="refresh"' in gains.text
        assert 'name="tests"' in gains.text and 'class="n bad-text">1<' in gains.text
        assert "kontoudtogslinjer" in gains.text  # 10 units: the Danish plural
        insights.gains(*insights.month_to_date())
        overview = client.get("/")
        assert "timer sparet denne måned" in overview.text and "beregnes nu" not in overview.text
        client.get("/lang/en")
        assert "Bank-account reconciliation" in client.get("/gains").text


def test_benchmark_page_lists_shared_processes_per_municipality(dashboard: Dashboard, tmp_path: Path) -> None:
    """After importing another municipality's bundle, /benchmark shows each shared process with both municipalities."""
    from sepbots.catalogue.bundle import export_bundle, import_bundle
    from sepbots.catalogue.loader import load_catalogue
    from sepbots.catalogue.settings import GainsSettings
    from sepbots.config import MunicipalitySettings

    folder = dashboard.settings.home / "config" / "catalogue"
    folder.mkdir(parents=True)
    shutil.copy(CATALOGUE, folder / CATALOGUE.name)
    with dashboard.login("viewer") as client:
        assert "Ingen fælles processer endnu" in client.get("/benchmark").text
        bundle = tmp_path / "vejle.json"
        export_bundle(load_catalogue(folder), bundle, organisation="Vejle Kommune", settings=GainsSettings(),
                      clock=dashboard.clock, municipality=MunicipalitySettings(name="Vejle Kommune", inhabitants=120_000))
        import_bundle(load_catalogue(folder), bundle, clock=dashboard.clock)
        page = client.get("/benchmark")
        assert page.status_code == 200 and 'id="benchmark"' in page.text
        assert "Bankafstemning" in page.text and "Vejle Kommune" in page.text
        assert "833,3" in page.text  # Vejle's bundle: 100,000 statement lines a year for 120,000 inhabitants
