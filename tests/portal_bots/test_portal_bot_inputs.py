"""Bad input to the portal bots is refused before any item is added, naming file, sheet, row, column."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from msoffcrypto.format.ooxml import OOXMLFile
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from bots.cvr_opslag.bot import look_up_company
from bots.cvr_opslag.sample import write_sample as write_cvr_sample
from bots.sygedagpenge_refusion.bot import submit_claim
from bots.sygedagpenge_refusion.sample import write_sample
from sepbots import ConfigError, InputError
from sepbots.environment import Environment
from sepbots.store.schema import work_items
from sepbots.testing import run_bot_once
from tests.xlsx import active_sheet


def _run(env: Environment, source: Path, tmp_path: Path) -> None:
    run_bot_once(
        submit_claim,
        {"input": str(source), "output": str(tmp_path / "out.xlsx"), "portal_url": "http://127.0.0.1:9"},
        env=env,
    )


def _queue_is_empty(env: Environment, tmp_path: Path) -> None:
    assert not list(tmp_path.glob("out*.xlsx"))
    with env.store.engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(work_items)).scalar() == 0


def test_missing_input_file_is_named(env: Environment, tmp_path: Path) -> None:
    """A missing input file stops the run with InputError naming the file, and nothing is written."""
    with pytest.raises(InputError, match="input file does not exist") as raised:
        _run(env, tmp_path / "findes-ikke.xlsx", tmp_path)
    assert raised.value.file == tmp_path / "findes-ikke.xlsx"
    assert not list(tmp_path.glob("out*.xlsx"))


def test_missing_header_is_named_with_the_headers_found(env: Environment, tmp_path: Path) -> None:
    """A renamed column header is reported by name, with the sheet and row 1, and no item is added."""
    source = write_sample(tmp_path / "krav.xlsx", 3)
    workbook = load_workbook(source)
    active_sheet(workbook)["B1"] = "CPR-nr"
    workbook.save(source)
    with pytest.raises(InputError, match="missing column header.*'Medarbejder CPR'.*'CPR-nr'") as raised:
        _run(env, source, tmp_path)
    assert (raised.value.sheet, raised.value.row) == ("Krav", 1)
    _queue_is_empty(env, tmp_path)


def test_empty_sheet_and_header_only_sheet_are_refused(env: Environment, tmp_path: Path) -> None:
    """A sheet without anything, or with headers but no rows, is refused with a clear message."""
    empty = tmp_path / "tom.xlsx"
    Workbook().save(empty)
    with pytest.raises(InputError, match="the sheet is empty"):
        _run(env, empty, tmp_path)
    headers_only = write_sample(tmp_path / "kun-overskrifter.xlsx", 0)
    with pytest.raises(InputError, match="no data rows"):
        _run(env, headers_only, tmp_path)


def test_password_protected_workbook_is_refused(env: Environment, tmp_path: Path) -> None:
    """A workbook encrypted with a password (a real Office-encrypted file) is refused, naming the file."""
    plain = write_sample(tmp_path / "plain.xlsx", 3)
    protected = tmp_path / "beskyttet.xlsx"
    encrypted = io.BytesIO()
    with plain.open("rb") as source:
        OOXMLFile(source).encrypt("hemmelig", encrypted)
    protected.write_bytes(encrypted.getvalue())
    with pytest.raises(InputError, match="password-protected") as raised:
        _run(env, protected, tmp_path)
    assert raised.value.file == protected


def test_corrupt_workbook_is_refused(env: Environment, tmp_path: Path) -> None:
    """A file named .xlsx that is not a workbook is refused as unreadable."""
    corrupt = tmp_path / "ødelagt.xlsx"
    corrupt.write_bytes(b"PK\x03\x04 this is not really a zip file")
    with pytest.raises(InputError, match="not a readable .xlsx workbook"):
        _run(env, corrupt, tmp_path)


def test_missing_input_parameter_is_a_config_error(env: Environment, tmp_path: Path) -> None:
    """Leaving out --param input is a ConfigError naming the parameter."""
    with pytest.raises(ConfigError, match="'input'"):
        run_bot_once(submit_claim, {"output": str(tmp_path / "o.xlsx")}, env=env)


def test_cvr_csv_with_the_wrong_header_names_the_wanted_column(env: Environment, tmp_path: Path) -> None:
    """The CVR bot reads CSV too, and a CSV without the configured header names it."""
    source = write_cvr_sample(tmp_path / "liste.csv", 3, header="CVR-nummer")
    with pytest.raises(InputError, match="missing column header.*'CVR'.*'CVR-nummer'"):
        run_bot_once(look_up_company, {"input": str(source), "output": str(tmp_path / "o.xlsx")}, env=env)
