"""The journalising bot, run by the real runtime against the practice case system on Xvfb.

The tests read the case system's own SQLite file to check what was filed; the bot never does.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bots.journalisering.bot import journalise
from bots.journalisering.sample import write_sample, write_sample_folder
from sepbots import InputError, ItemState
from sepbots.desktop import Desktop, VirtualDisplay
from sepbots.practice.desktop import JournalStore
from sepbots.testing import run_bot_once
from tests.xlsx import active_sheet

from .conftest import journal_number, start_app, stop_app

pytestmark = pytest.mark.desktop
# Waits for what is coming end early; 30 s leaves room for a loaded machine.
ON_SESSION_DISPLAY = {"desktop": {"virtual_display": False, "timeout_s": 30.0}}


def outcome_rows(path: Path) -> list[tuple[object, ...]]:
    workbook = load_workbook(path, read_only=True)
    try:
        return [tuple(row) for row in workbook.worksheets[0].iter_rows(values_only=True)]
    finally:
        workbook.close()


def _day(value: object) -> date:
    """The day of an Excel date cell (openpyxl reads it as a datetime)."""
    assert isinstance(value, datetime), f"{value!r} is not an Excel date"
    return value.date()


def test_full_run_on_its_own_virtual_display_files_every_document(xdisplay: VirtualDisplay, home: Path, tmp_path: Path) -> None:
    """With desktop.virtual_display on, sepbots starts Xvfb and the app, files all rows, restores DISPLAY."""
    source = write_sample(tmp_path / "dokumenter.xlsx", 4)
    app_db, output = tmp_path / "journal.db", tmp_path / "resultat.xlsx"
    display_before = os.environ["DISPLAY"]
    outcome = run_bot_once(
        journalise,
        {"input": source, "output": output, "launch_app": True, "app_db": app_db},
        home=home,
        overrides={"desktop": {"virtual_display": True, "timeout_s": 30.0}},
    )
    assert os.environ["DISPLAY"] == display_before
    assert [i.state for i in outcome.items] == [ItemState.DONE] * 4
    numbers = [i.output["journal_number"] for i in outcome.items if i.output]
    assert numbers == [journal_number(app_db, n) for n in range(1, 5)]
    records = JournalStore(app_db).records()
    expected = outcome_rows(source)[1:]
    assert [(r.case_number, r.title, r.document_date, r.category) for r in records] == [
        (case, title, _day(when), category) for case, title, when, category in expected
    ]
    rows = outcome_rows(outcome.output)
    assert rows[0][:8] == (
        "Række",
        "Sagsnummer",
        "Dokumenttitel",
        "Dato",
        "Kategori",
        "Fil",
        "Status",
        "Journalnr.",
    )
    assert [(r[0], r[6], r[7]) for r in rows[1:]] == [(n + 2, "Journaliseret", numbers[n]) for n in range(4)]


def test_an_invalid_row_is_a_business_exception_with_the_dialog_text(xdisplay: VirtualDisplay, home: Path, tmp_path: Path) -> None:
    """The case system's error dialog sends that row to manual handling, with its text and a screenshot."""
    source = write_sample(tmp_path / "dokumenter.xlsx", 3, invalid_every=2)  # row 3 has a bad case number
    app_db, output = tmp_path / "journal.db", tmp_path / "resultat.xlsx"
    outcome = run_bot_once(
        journalise,
        {"input": source, "output": output, "launch_app": True, "app_db": app_db},
        home=home,
        overrides=ON_SESSION_DISPLAY,
    )
    first, refused, third = outcome.items
    assert (first.state, third.state) == (ItemState.DONE, ItemState.DONE)
    assert refused.state is ItemState.BUSINESS_EXCEPTION and refused.attempts == 1
    assert refused.error_code == "REJECTED_BY_CASE_SYSTEM"
    assert refused.error_message == "Sagsnummer skal have formen ÅÅÅÅ-NNNNNN, fx 2026-001234."
    screenshots = [a for a in refused.artifacts if a.endswith(".png")]
    assert screenshots and (outcome.env.settings.runs_dir / screenshots[0]).stat().st_size > 0
    assert len(JournalStore(app_db).records()) == 2
    assert outcome_rows(outcome.output)[2][6:] == ("Manuel behandling", None, refused.error_message)


def test_a_slow_app_within_the_timeout_is_attached_to_and_fed_from_a_folder(
    xdisplay: VirtualDisplay, desktop: Desktop, home: Path, tmp_path: Path
) -> None:
    """Attached to a running app whose saves take 1.5 s, a 30 s timeout files every document of a manifest at the first attempt."""
    folder = write_sample_folder(tmp_path / "indbakke", 3)
    app = start_app(desktop, tmp_path / "journal.db", "--delay-ms", "1500")
    try:
        outcome = run_bot_once(
            journalise,
            {"input": folder, "output": tmp_path / "outcome.xlsx", "launch_app": False, "save_timeout_s": 30},
            home=home,
            overrides={**ON_SESSION_DISPLAY, "language": "en"},
        )
    finally:
        stop_app(app)
    assert [(i.state, i.attempts) for i in outcome.items] == [(ItemState.DONE, 1)] * 3
    assert [r.title for r in JournalStore(app.db).records()] == [
        line.split(";")[2] for line in (folder / "manifest.csv").read_text(encoding="utf-8").splitlines()[1:]
    ]
    rows = outcome_rows(outcome.output)
    assert rows[0][6] == "Status" and {r[5] for r in rows[1:]} == {
        "dokument-001.txt",
        "dokument-002.txt",
        "dokument-003.txt",
    }
    assert {r[6] for r in rows[1:]} == {"Filed"}


def test_a_save_that_outlasts_the_timeout_is_retried_without_filing_twice(xdisplay: VirtualDisplay, home: Path, tmp_path: Path) -> None:
    """A timed-out save is an application exception with a screenshot; the retry finds it filed, not twice."""
    source = write_sample(tmp_path / "dokumenter.xlsx", 2)
    app_db = tmp_path / "journal.db"
    outcome = run_bot_once(
        journalise,
        {
            "input": source,
            "output": tmp_path / "resultat.xlsx",
            "launch_app": True,
            "app_db": app_db,
            # Every second save takes 8 s: past the 4 s save timeout (which a normal save meets even on a
            # loaded machine), and done before the retry (2 s later) has waited 4 s more for it.
            "app_delay_ms": 8000,
            "app_slow_every_n": 2,
            "save_timeout_s": 4.0,
        },
        home=home,
        overrides=ON_SESSION_DISPLAY,
    )
    fast, slow = outcome.items
    assert (fast.state, fast.attempts) == (ItemState.DONE, 1)
    assert (slow.state, slow.attempts) == (ItemState.DONE, 2)
    assert slow.output == {"journal_number": journal_number(app_db, 2), "already_filed": True}
    [screenshot] = [a for a in slow.artifacts if a.endswith(".png")]
    assert (outcome.env.settings.runs_dir / screenshot).is_file()
    assert [r.journal_number for r in JournalStore(app_db).records()] == [journal_number(app_db, 1), journal_number(app_db, 2)]
    assert outcome.summary.counts.retried == 1


def test_an_input_without_the_required_columns_is_refused_before_any_item(home: Path, tmp_path: Path) -> None:
    """A workbook missing a column is an InputError naming the file, sheet and header row."""
    from openpyxl import Workbook

    workbook = Workbook()
    active_sheet(workbook).append(["Sagsnummer", "Dokumenttitel", "Kategori"])
    active_sheet(workbook).append(["2026-000001", "Notat", "Notat"])
    source = tmp_path / "mangler.xlsx"
    workbook.save(source)
    with pytest.raises(InputError, match=r"missing column header\(s\) 'Dato'.*mangler.xlsx.*row 1"):
        run_bot_once(journalise, {"input": source, "output": tmp_path / "out.xlsx"}, home=home)
    assert not list(tmp_path.glob("out*.xlsx"))


def test_a_manifest_naming_a_missing_file_is_refused(home: Path, tmp_path: Path) -> None:
    """A manifest row whose file is not in the folder is an InputError naming the row and column."""
    folder = write_sample_folder(tmp_path / "indbakke", 2)
    (folder / "dokument-002.txt").unlink()
    with pytest.raises(InputError, match=r"dokument-002.txt.*manifest.csv.*række/row 3.*kolonne/column 'fil'"):
        run_bot_once(journalise, {"input": folder, "output": tmp_path / "out.xlsx"}, home=home)


def test_sample_dates_are_real_excel_dates(tmp_path: Path) -> None:
    """Valid sample rows carry Excel dates, which the producer types as dd-mm-yyyy."""
    from bots.journalisering.inputs import read_documents

    source = write_sample(tmp_path / "d.xlsx", 2)
    cell = outcome_rows(source)[1][2]
    assert isinstance(cell, datetime)
    documents = list(read_documents(source))
    assert documents[0].document_date == cell.strftime("%d-%m-%Y")
    assert isinstance(cell.date(), date)


def test_the_demo_step_files_the_sample_under_a_virtual_display(xdisplay: VirtualDisplay, tmp_path: Path) -> None:
    """The demo step runs the discovered bot on its own Xvfb: eight documents filed, two for manual handling."""
    import io

    from rich.console import Console

    from bots.journalisering.demo import demo
    from sepbots.cli.demo import ConsolePrinter
    from sepbots.demo import DemoContext
    from sepbots.testing import open_test_environment

    home = tmp_path / "home"
    env = open_test_environment(home, overrides={"bots_dirs": [str(Path(__file__).parents[2] / "bots")]})
    try:
        written = io.StringIO()
        console = Console(file=written, width=120)
        ctx = DemoContext(env=env, lang="da", printer=ConsolePrinter(console), work_dir=tmp_path / "demo")
        ctx.work_dir.mkdir()
        demo(ctx)
        counts = ctx.results["journalisering"].counts
        assert (counts.done, counts.business, counts.failed) == (8, 2, 0)
        assert len(JournalStore(ctx.work_dir / "sagssystem-journal.db").records()) == 8
        assert "journalisering-resultat-" in written.getvalue()
    finally:
        env.close()
