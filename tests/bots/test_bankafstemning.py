"""The bankafstemning bot end to end: real files, a real SQLite queue, the CLI's exit codes."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner

from bots.bankafstemning.bot import handle
from bots.bankafstemning.sample import generate, write_sample
from sepbots.cli import app
from sepbots.exceptions import InputError
from sepbots.testing import run_bot_once
from sepbots.workitems.models import ItemState
from tests.xlsx import active_sheet

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return write_sample(generate(400, seed=21), tmp_path_factory.mktemp("in"))


def test_a_run_sends_every_unmatched_line_to_manual_handling_and_writes_the_workbook(inputs: dict[str, Path], tmp_path: Path) -> None:
    """One done reconciliation item, a business exception per unmatched line, and the four-sheet workbook."""
    out = tmp_path / "ud" / "afstemning.xlsx"
    outcome = run_bot_once(handle, {"bank": inputs["csv"], "ledger": inputs["ledger"], "output": out}, home=tmp_path / "home")
    states = Counter((item.state, item.error_code) for item in outcome.items)
    workbook = load_workbook(outcome.output)
    assert outcome.output.parent == out.parent and outcome.output.name.startswith("afstemning-")
    open_bank = workbook["Uafstemt bank"].max_row - 1
    open_ledger = workbook["Uafstemt bogføring"].max_row - 1
    assert states == {
        (ItemState.DONE, None): 1,
        (ItemState.BUSINESS_EXCEPTION, "UNMATCHED_BANK"): open_bank,
        (ItemState.BUSINESS_EXCEPTION, "UNMATCHED_LEDGER"): open_ledger,
    }
    assert open_bank > 0 and open_ledger > 0
    assert outcome.summary.counts.done == 1 and outcome.summary.counts.business == open_bank + open_ledger
    first_bank = next(i for i in outcome.items if i.error_code == "UNMATCHED_BANK")
    assert first_bank.reference.startswith("bank-") and "er ikke afstemt" in (first_bank.error_message or "")
    reconciliation = outcome.items[0]
    assert reconciliation.reference.startswith("afstemning-")
    csv_lines = len(inputs["csv"].read_text(encoding="iso-8859-1").splitlines()) - 1
    assert reconciliation.output is not None
    assert reconciliation.output["counts"]["bank_lines"] == csv_lines
    assert workbook.sheetnames == ["Oversigt", "Afstemt", "Uafstemt bank", "Uafstemt bogføring"]


def test_rerunning_the_same_inputs_adds_no_items(inputs: dict[str, Path], tmp_path: Path) -> None:
    """References are stable line keys: the second run of the same files adds nothing to the queue."""
    params = {"bank": inputs["xlsx"], "ledger": inputs["ledger"], "output": tmp_path / "a.xlsx"}
    first = run_bot_once(handle, params, home=tmp_path / "home")
    second = run_bot_once(handle, params, env=first.env)
    assert first.summary.counts.added > 1
    assert second.summary.counts.added == 0 and second.summary.counts.produced == first.summary.counts.produced
    assert len(second.items) == len(first.items)


def test_matched_items_option_counts_each_match_group_as_done(inputs: dict[str, Path], tmp_path: Path) -> None:
    """With matched_items on, every match group is also a done item (rule recorded in its output)."""
    out = tmp_path / "m.xlsx"
    outcome = run_bot_once(
        handle,
        {"bank": inputs["camt"], "ledger": inputs["ledger"], "output": out, "matched_items": True},
        home=tmp_path / "home",
    )
    matched_rows = {row[0] for row in load_workbook(outcome.output)["Afstemt"].iter_rows(min_row=2, values_only=True)}
    done = [i for i in outcome.items if i.state is ItemState.DONE]
    assert len(done) == 1 + len(matched_rows)
    assert {(i.output or {})["rule"] for i in done if i.reference.startswith("match-")} == {"a", "b", "c", "d"}


def test_english_run_writes_english_sheets_and_messages(inputs: dict[str, Path], tmp_path: Path) -> None:
    """With language en the workbook and the manual-handling messages are in English."""
    out = tmp_path / "en.xlsx"
    outcome = run_bot_once(
        handle,
        {"bank": inputs["csv"], "ledger": inputs["ledger"], "output": out},
        home=tmp_path / "home",
        overrides={"language": "en"},
    )
    assert load_workbook(outcome.output).sheetnames[0] == "Summary"
    assert any("is unmatched" in (i.error_message or "") for i in outcome.items)


def _bad_inputs(tmp_path: Path, inputs: dict[str, Path]) -> dict[str, tuple[Path, str]]:
    """Each bad statement file and a phrase its error must contain."""
    bad: dict[str, tuple[Path, str]] = {}
    corrupt = tmp_path / "corrupt.xlsx"
    corrupt.write_bytes(inputs["xlsx"].read_bytes()[:3000])
    bad["corrupt"] = (corrupt, "beskadiget")
    missing = tmp_path / "missing.xlsx"
    wb = Workbook()
    active_sheet(wb).append(["Dato", "Tekst", "Saldo"])
    active_sheet(wb).append(["05.01.2025", "x", 1])
    wb.save(missing)
    bad["missing column"] = (missing, "'Beløb'; fundne kolonner / columns found: 'Dato', 'Tekst', 'Saldo'")
    text_amount = tmp_path / "text.csv"
    text_amount.write_bytes("Dato;Tekst;Beløb;Saldo\n05.01.2025;x;10,00;1\n06.01.2025;y;ti kr;2\n".encode("latin-1"))
    bad["text in amount"] = (text_amount, "række/row 3, kolonne/column 'Beløb'")
    encoding = tmp_path / "binary.csv"
    encoding.write_bytes(b"Dato;Tekst;Bel\xf8b\n05.01.2025;x\x81\x8d;10,00\n")
    bad["encoding"] = (encoding, "uventet tegnsæt")
    euro = tmp_path / "eur.xml"
    euro.write_text(inputs["camt"].read_text(encoding="utf-8").replace('Ccy="DKK"', 'Ccy="EUR"'), encoding="utf-8")
    bad["currency"] = (euro, "kontoudtoget er i EUR, bogføringen er i DKK")
    unknown = tmp_path / "unknown.csv"
    unknown.write_text("Posted;Memo;Sum\n2025-01-05;x;10\n", encoding="utf-8")
    bad["unknown layout"] = (unknown, "fundne kolonner / columns found: 'Posted', 'Memo', 'Sum'; ukendt layout: vælg bank_profile")
    camt = tmp_path / "bad.xml"
    camt.write_text(
        inputs["camt"].read_text(encoding="utf-8").replace("<CdtDbtInd>CRDT</CdtDbtInd>", "", 1),
        encoding="utf-8",
    )
    bad["camt"] = (camt, "Stmt[1]/Ntry[")
    return bad


def test_bad_input_stops_the_run_before_anything_is_written(inputs: dict[str, Path], tmp_path: Path) -> None:
    """Every kind of bad statement raises InputError from the producer: no item, no output file."""
    for name, (path, phrase) in _bad_inputs(tmp_path, inputs).items():
        out = tmp_path / "out" / f"{name}.xlsx"
        with pytest.raises(InputError) as err:
            run_bot_once(
                handle,
                {"bank": path, "ledger": inputs["ledger"], "output": out},
                home=tmp_path / f"home-{name.replace(' ', '-')}",
            )
        assert phrase in str(err.value), name
        assert not list(out.parent.glob("*.xlsx")), name


def test_cli_run_exits_2_on_bad_input_and_0_on_good(inputs: dict[str, Path], tmp_path: Path) -> None:
    """`sepbots run bankafstemning --param …` reports bad input with exit code 2 and writes nothing."""
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    (home / "config" / "sepbots.toml").write_text(f'bots_dirs = ["{(ROOT / "bots").as_posix()}"]\n', encoding="utf-8")
    assert CliRunner().invoke(app, ["--home", str(home), "init"]).exit_code == 0
    legacy = tmp_path / "kontoudtog.xls"
    xlwt = pytest.importorskip("xlwt")
    book = xlwt.Workbook()
    book.add_sheet("Ark1").write(0, 0, "Dato")
    book.save(str(legacy))
    encrypted = tmp_path / "kode.xlsx"
    ooxml = pytest.importorskip("msoffcrypto.format.ooxml")
    with inputs["xlsx"].open("rb") as src, encrypted.open("wb") as dst:
        ooxml.OOXMLFile(src).encrypt("hemmelig", dst)
    empty = tmp_path / "tom.xlsx"
    Workbook().save(empty)
    runner = CliRunner()
    out = tmp_path / "ud.xlsx"
    for bank, phrase in ((legacy, ".xls"), (encrypted, "adgangskode"), (empty, "tomt")):
        result = runner.invoke(
            app,
            [
                "--home",
                str(home),
                "run",
                "bankafstemning",
                "--test-mode",
                "--param",
                f"bank={bank}",
                "--param",
                f"ledger={inputs['ledger']}",
                "--param",
                f"output={out}",
            ],
        )
        assert result.exit_code == 2, result.output
        assert phrase in result.output
        assert not list(tmp_path.glob("ud*.xlsx"))
    shutil.copy(inputs["csv"], tmp_path / "ok.csv")
    good = runner.invoke(
        app,
        [
            "--home",
            str(home),
            "run",
            "bankafstemning",
            "--test-mode",
            "--param",
            f"bank={tmp_path / 'ok.csv'}",
            "--param",
            f"ledger={inputs['ledger']}",
            "--param",
            f"output={out}",
        ],
    )
    assert good.exit_code == 0, good.output
    assert len(list(tmp_path.glob("ud-*.xlsx"))) == 1


def test_gains_count_statement_lines_recorded_once_per_reconciling_run(inputs: dict[str, Path], tmp_path: Path) -> None:
    """The reconciling run records matched bank lines as done and every unmatched line as handed over (no
    item per matched line); the gains credit 0.11 min per matched line and the share is in lines."""
    from datetime import timedelta
    from decimal import Decimal

    from sepbots.catalogue.loader import load_catalogue
    from sepbots.catalogue.settings import GainsSettings
    from sepbots.clock import local
    from sepbots.gains import compute_gains, credits_of
    from sepbots.recipes import Registry, recipe_of

    out = tmp_path / "a.xlsx"
    outcome = run_bot_once(handle, {"bank": inputs["csv"], "ledger": inputs["ledger"], "output": out}, home=tmp_path / "h")
    assert outcome.items[0].output is not None
    counts = outcome.items[0].output["counts"]
    matched = counts["bank_lines"] - counts["unmatched_bank"]
    open_lines = counts["unmatched_bank"] + counts["unmatched_ledger"]
    env = outcome.env
    today = local(env.clock.now()).date()
    result = compute_gains(env.store, load_catalogue(ROOT / "config" / "catalogue"), GainsSettings(),
                           start=today - timedelta(days=1), end=today, now=env.clock.now(), include_test_runs=True,
                           credits=credits_of(Registry([recipe_of(handle)])))
    (p,) = result.figures.processes
    assert p.process_key == "bankafstemning" and p.unit.da == "kontoudtogslinje"
    assert (p.units_done, p.units_handed_over) == (matched, open_lines)
    assert p.saved_hours == (Decimal(matched) * Decimal("0.11") / 60).quantize(Decimal("0.01"))
    assert p.realised_automation_share == (Decimal(matched) / (matched + open_lines)).quantize(Decimal("0.0001"))


def test_a_statement_file_of_several_accounts_runs_with_bank_account(inputs: dict[str, Path], tmp_path: Path) -> None:
    """The bot refuses a file of several accounts (nothing written) and reconciles the one `bank_account` names."""
    from tests.reconcile.test_formats import _two_account_camt

    statement = _two_account_camt(tmp_path / "dag.xml")
    out = tmp_path / "out" / "afstemning.xlsx"
    params = {"bank": statement, "ledger": inputs["ledger"], "output": out}
    with pytest.raises(InputError, match="bank_account"):
        run_bot_once(handle, params, home=tmp_path / "home-a")
    assert not list(out.parent.glob("*.xlsx"))
    run_bot_once(handle, {**params, "bank_account": "3000 0012345678"}, home=tmp_path / "home-b")
    written = next(out.parent.glob("afstemning-*.xlsx"))
    overview = {row[0]: row[1:] for row in load_workbook(written)["Oversigt"].iter_rows(values_only=True)}
    assert "Bankkonto: DK5030000012345678" in overview
    assert overview["Banklinjer i alt"][0] == 3  # the other account's entry is not read
