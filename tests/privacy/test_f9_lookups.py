"""Issue 13, finding 9: ``sepbots audit lookups --cpr`` answers an access request through the keyed tokens."""

from __future__ import annotations

import json
from datetime import timedelta
from pathlib import Path
from typing import Any

from pydantic import BaseModel
from sqlalchemy import select
from typer.testing import CliRunner

from sepbots import BotContext, BusinessException, NewItem, WorkItem, bot
from sepbots.cli import app
from sepbots.environment import Environment
from sepbots.store.schema import audit_log
from sepbots.testing import run_bot_once

ANNA, BO = "010190-1313", "020285-2224"  # Anna has two cases, Bo one


class Case(BaseModel):
    cpr: str
    case: str


def produce(ctx: BotContext[Any]) -> Any:
    yield NewItem(reference="sag-1", payload=Case(cpr=ANNA, case="ok"))
    yield NewItem(reference="sag-2", payload=Case(cpr=ANNA.replace("-", ""), case="manual"))
    yield NewItem(reference="sag-3", payload=Case(cpr=BO, case="ok"))


@bot(name="sagsbot", producer=produce, max_attempts=1, retry_delay=timedelta(milliseconds=10))
def handle(item: WorkItem[Case], ctx: BotContext[Any]) -> None:
    if item.payload.case == "manual":
        raise BusinessException("sagen mangler et bilag", code="MISSING_DOC")


def _lookup(home: Path, number: str, *args: str) -> Any:
    return CliRunner().invoke(app, ["--home", str(home), *args, "audit", "lookups", "--cpr", "--format", "json"],
                              input=number + "\n", env={"SEPBOTS_KEY": ""})


def test_f9_lookups_list_runs_items_robots_and_operators_of_one_person(env: Environment, home: Path) -> None:
    """The number read from stdin finds Anna's two items, their run, robot and the operator who handled one,
    not Bo's; the lookup is audited with the token, and the number is stored nowhere."""
    outcome = run_bot_once(handle, env=env)
    by_ref = {i.reference: i for i in outcome.items}
    env.queues.mark_handled(by_ref["sag-2"].id, actor="operator-anna", note="bilag modtaget")
    env.close()

    result = _lookup(home, "01.01.90-1313")  # any written shape of the number
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["subject"] == env.redactor.token("0101901313")
    assert [i["reference"] for i in report["items"]] == ["sag-1", "sag-2"]
    assert all("payload" in i["found_in"] for i in report["items"])
    assert [r["id"] for r in report["runs"]] == [outcome.summary.run_id] and report["robots"] == ["sagsbot"]
    assert [(o["actor"], o["event"]) for o in report["operators"]] == [("operator-anna", "item_handled")]

    bo = json.loads(_lookup(home, BO).output)
    assert [i["reference"] for i in bo["items"]] == ["sag-3"] and bo["operators"] == []

    nobody = CliRunner().invoke(app, ["--home", str(home), "--lang", "en", "audit", "lookups", "--cpr"],
                                input="111111-1118\n", env={"SEPBOTS_KEY": ""})
    assert nobody.exit_code == 0 and "Nothing found about the person." in nobody.output

    with env.store.engine.connect() as conn:
        lookups = [r.details["subject"] for r in conn.execute(
            select(audit_log).where(audit_log.c.event == "subject_lookup").order_by(audit_log.c.seq))]
    assert lookups == [env.redactor.token("0101901313"), env.redactor.token("0202852224"),
                       env.redactor.token("1111111118")]
    env.store.dispose()
    for path in (p for p in home.rglob("*") if p.is_file()):
        data = path.read_bytes()
        for raw in (b"0101901313", b"010190-1313", b"01.01.90-1313", b"0202852224", b"020285-2224"):
            assert raw not in data, f"{raw!r} in {path}"


def test_f9_lookups_refuse_a_number_on_the_command_line_and_text_that_is_no_cpr(home: Path, env: Environment) -> None:
    """Without --cpr (e.g. the number as an argument) or with a non-number on stdin: exit 2, Danish text."""
    env.close()
    as_argument = CliRunner().invoke(app, ["--home", str(home), "audit", "lookups", "0101901313"],
                                     env={"SEPBOTS_KEY": ""})
    assert as_argument.exit_code == 2
    no_flag = CliRunner().invoke(app, ["--home", str(home), "audit", "lookups"], env={"SEPBOTS_KEY": ""})
    assert no_flag.exit_code == 2 and "aldrig fra kommandolinjen" in no_flag.output
    bad = _lookup(home, "310290-1313")
    assert bad.exit_code == 2 and "ikke et CPR-nummer" in bad.output and "310290" not in bad.output
    text = CliRunner().invoke(app, ["--home", str(home), "audit", "lookups", "--cpr"], input="0101901313\n",
                              env={"SEPBOTS_KEY": ""})
    assert text.exit_code == 0 and "Opslag for [CPR:" in text.output and "Intet fundet" in text.output
