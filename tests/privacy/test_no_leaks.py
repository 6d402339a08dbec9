"""Issue 13, findings 6–9 from the outside: after a real run, a dashboard session and an access request,
no file under the installation home holds a CPR number in any written shape."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from bots.sygedagpenge_refusion.bot import submit_claim
from bots.sygedagpenge_refusion.sample import write_sample
from sepbots.cli import app
from sepbots.dk import parse_cpr
from sepbots.environment import Environment
from sepbots.logging import configure_logging
from sepbots.redaction import Redactor
from sepbots.testing import run_bot_once
from tests.dashboard.conftest import Dashboard
from tests.portal_bots.conftest import Served
from tests.xlsx import active_sheet

pytestmark = pytest.mark.browser


def shapes(digits: str) -> set[str]:
    """Every way the tests of finding 7 write a CPR number, for one number."""
    dd, mm, yy, ssss = digits[:2], digits[2:4], digits[4:6], digits[6:]
    ascii_shapes = {f"{dd}{mm}{yy}{sep}{ssss}" for sep in ("", "-", " ", "\u00a0", "\u2013", "/", "  ", ".")}
    ascii_shapes |= {f"{dd}.{mm}.{yy}-{ssss}", f"{dd}-{mm}-{yy}-{ssss}", f"{dd} {mm} {yy} {ssss}"}
    wide = str.maketrans("0123456789", "".join(chr(0xFF10 + i) for i in range(10)))
    return ascii_shapes | {s.translate(wide) for s in ascii_shapes}


def test_no_cpr_number_in_any_file_under_the_home(served: Served, env: Environment, dashboard: Dashboard,
                                                   home: Path, tmp_path: Path) -> None:
    """Claims for several citizens (two refused before the browser is used, one refused by the portal), an
    operator opening the evidence, a CPR number typed as a login name and a lookup leave no raw number."""
    source = write_sample(tmp_path / "krav.xlsx", 8)
    workbook = load_workbook(source)
    active_sheet(workbook)["A9"] = "12345674"
    workbook.save(source)
    citizens = {parse_cpr(str(row[1])).digits
                for row in active_sheet(load_workbook(source)).iter_rows(min_row=2, values_only=True)
                if env.redactor.contains_cpr(str(row[1]))}
    assert len(citizens) >= 6
    configure_logging(logs_dir=env.settings.logs_dir, redactor=env.redactor, console="never")
    try:
        outcome = run_bot_once(submit_claim, {"input": str(source), "output": str(tmp_path / "out.xlsx"),
                                              "portal_url": served.url, "portal_backoff_s": 0.05}, env=env)
        assert outcome.summary.counts.done == 5 and outcome.summary.counts.business == 3
        refused = next(i for i in outcome.items if i.error_code == "PORTAL_REJECTED")
        with dashboard.login("operator") as operator:
            for artifact in refused.artifacts:
                assert operator.get(f"/artifacts/{artifact}").status_code == 200
        first = sorted(citizens)[0]
        with dashboard.client() as client:
            client.get("/login")
            client.post("/login", data={"username": first, "password": "x", "next": "/",
                                        "csrf": client.cookies["sepbots_login_csrf"]})
        lookup = CliRunner().invoke(app, ["--home", str(home), "audit", "lookups", "--cpr"], input=first + "\n",
                                    env={"SEPBOTS_KEY": ""})
    finally:
        for handler in list(logging.getLogger().handlers):
            handler.flush()
        configure_logging(logs_dir=None, redactor=Redactor(b"test-session-key"), console="never")
    env.store.dispose()
    files = [p for p in home.rglob("*") if p.is_file()]
    kinds = {p.suffix for p in files}
    assert {".jsonl", ".png", ".html"} <= kinds and any(p.suffix in (".sqlite", ".sqlite3", ".db") for p in files)
    needles = {s.encode("utf-8") for digits in citizens for s in shapes(digits)}
    for path in files:
        data = path.read_bytes()
        leaked = [n.decode() for n in needles if n in data]
        assert not leaked, f"{path.relative_to(home)} holds {len(leaked)} CPR shape(s)"
        if path.suffix in (".html", ".jsonl", ".json"):
            assert not env.redactor.contains_cpr(data.decode("utf-8", errors="replace")), path
    assert lookup.exit_code == 0 and env.redactor.token(first) in lookup.output  # the lookup found the person
