"""Issue 13, finding 6: failure evidence belongs to the item that used the browser, holds no CPR
number, hides the bot's masked fields, is owner-only, and opens for operators only, audited."""

from __future__ import annotations

import re
import stat
from pathlib import Path

import pytest
from openpyxl import load_workbook
from PIL import Image
from pydantic import SecretStr
from sqlalchemy import select

from bots.sygedagpenge_refusion.bot import submit_claim
from bots.sygedagpenge_refusion.sample import write_sample
from sepbots import ItemState
from sepbots.browser import BrowserSession, FormLogin
from sepbots.environment import Environment
from sepbots.practice.portal import PRACTICE_PASSWORD, PRACTICE_USERNAME
from sepbots.recipes import recipe_of
from sepbots.store.schema import audit_log
from sepbots.testing import RunOutcome, run_bot_once
from tests.dashboard.conftest import Dashboard
from tests.portal_bots.conftest import Served
from tests.xlsx import active_sheet

pytestmark = pytest.mark.browser


def _claims(tmp_path: Path) -> Path:
    """Rows 2, 4, 5, 7, 8 are valid; 3 and 6 break a rule (business exception before any browser use);
    row 9's employer is unknown to the portal (refused after the form was filled)."""
    source = write_sample(tmp_path / "krav.xlsx", 8)
    workbook = load_workbook(source)
    active_sheet(workbook)["A9"] = "12345674"
    workbook.save(source)
    return source


def _run(served: Served, env: Environment, tmp_path: Path) -> RunOutcome:
    params = {"input": str(_claims(tmp_path)), "output": str(tmp_path / "out" / "resultat.xlsx"),
              "portal_url": served.url, "portal_backoff_s": 0.05}
    return run_bot_once(submit_claim, params, env=env)


def test_f6_evidence_only_for_the_attempt_that_used_the_browser_redacted_masked_owner_only(
    served: Served, env: Environment, tmp_path: Path
) -> None:
    """Items refused before touching the browser get no evidence (the page shows the previous citizen's
    receipt); the refused claim's HTML holds no CPR number, its CPR/CVR fields are masked, files are 0600."""
    outcome = _run(served, env, tmp_path)
    bad = {i.error_code: i for i in outcome.items if i.state is ItemState.BUSINESS_EXCEPTION}
    assert set(bad) == {"BAD_CPR", "BAD_PERIOD", "PORTAL_REJECTED"}
    assert bad["BAD_CPR"].artifacts == [] and bad["BAD_PERIOD"].artifacts == []
    files = [env.settings.runs_dir / a for a in bad["PORTAL_REJECTED"].artifacts]
    assert sorted(f.suffix for f in files) == [".html", ".png"]
    html = next(f for f in files if f.suffix == ".html").read_text("utf-8")
    assert "Arbejdsgiveren findes ikke" in html  # the evidence shows what went wrong ...
    assert not env.redactor.contains_cpr(html)  # ... and no CPR number, the CPR and CVR fields blanked
    for field in ("employee_cpr", "employer_cvr"):
        assert re.search(rf'id="{field}"[^>]*value="\[MASKED\]"', html), field
    for f in files:
        assert stat.S_IMODE(f.stat().st_mode) == 0o600, f
    assert stat.S_IMODE(files[0].parent.stat().st_mode) == 0o700


def test_f6_masked_selectors_are_painted_over_in_the_screenshot(served: Served, env: Environment,
                                                                tmp_path: Path) -> None:
    """The reference bot's mask covers the CPR field's pixels in a real Chromium screenshot."""
    session = BrowserSession(env.settings.browser, login=FormLogin(PRACTICE_USERNAME, SecretStr(PRACTICE_PASSWORD)))
    with session:
        session.goto(f"{served.url}/refusion/trin-1?ny=1")
        session.fill_by_label("Medarbejderens CPR-nummer", "010190-1313")
        box = session.page().locator("#employee_cpr").bounding_box()
        assert box is not None
        plain = session.capture_failure(tmp_path / "plain", "x")
        mask = recipe_of(submit_claim).mask
        masked = session.capture_failure(tmp_path / "masked", "x", mask=mask)
        session.begin_attempt()  # a new item starts: the page is an earlier item's
        assert session.capture_failure(tmp_path / "later", "x", mask=mask) == []
    inner = (int(box["x"]) + 3, int(box["y"]) + 3, int(box["x"] + box["width"]) - 3, int(box["y"] + box["height"]) - 3)

    def colours(files: list[Path]) -> set[tuple[int, ...]]:
        with Image.open(next(f for f in files if f.suffix == ".png")) as image:
            crop = image.convert("RGB").crop(inner)
            return {crop.getpixel((x, y)) for x in range(crop.width) for y in range(crop.height)}  # type: ignore[misc]  # Pillow types getpixel loosely

    assert colours(masked) == {(0, 0, 0)}
    assert len(colours(plain)) > 1  # unmasked, the typed number is there to see
    assert "010190-1313" not in next(f for f in masked if f.suffix == ".html").read_text("utf-8")


def test_f6_only_operators_open_evidence_and_each_opening_is_audited(
    served: Served, env: Environment, dashboard: Dashboard, tmp_path: Path
) -> None:
    """Over HTTP a viewer gets 403 for the evidence and sees no link; an operator gets the file, and the
    trail records who opened which item's evidence, once per opening."""
    outcome = _run(served, env, tmp_path)
    refused = next(i for i in outcome.items if i.error_code == "PORTAL_REJECTED")
    shot = next(a for a in refused.artifacts if a.endswith(".png"))
    with dashboard.login("viewer") as viewer:
        assert viewer.get(f"/artifacts/{shot}").status_code == 403
        page = viewer.get(f"/items/{refused.id}").text
        assert "/artifacts/" not in page and "kun operatører og administratorer" in page
    with dashboard.login("operator") as operator:
        assert f"/artifacts/{shot}" in operator.get(f"/items/{refused.id}").text
        for _ in range(2):
            r = operator.get(f"/artifacts/{shot}")
            assert r.status_code == 200 and r.content[:4] == b"\x89PNG" and r.headers["cache-control"] == "no-store"
        assert operator.get(f"/artifacts/{refused.artifacts[0].split('/')[0]}/log.jsonl").status_code == 404
    with env.store.engine.connect() as conn:
        rows = conn.execute(select(audit_log).where(audit_log.c.event == "evidence_viewed")).all()
    assert [(r.actor, r.item_id, r.details["file"]) for r in rows] == [("operator", refused.id, shot)] * 2
    assert env.audit.verify().ok
