"""The command line: exit codes, Danish and English output, bad input, scaffolding and the demo."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook
from typer.testing import CliRunner, Result

import sepbots
from sepbots.cli import app
from tests.xlsx import active_sheet

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """A sepbots home with the reference bot fakturakontrol copied in, set up with ``sepbots init``."""
    home = tmp_path / "proj"
    (home / "bots").mkdir(parents=True)
    shutil.copy(ROOT / "bots" / "__init__.py", home / "bots" / "__init__.py")
    shutil.copytree(ROOT / "bots" / "fakturakontrol", home / "bots" / "fakturakontrol",
                    ignore=shutil.ignore_patterns("__pycache__"))
    init = invoke(home, "init")
    assert init.exit_code == 0, init.output
    return home


def invoke(home: Path, *args: str, input: str | None = None) -> Result:
    return CliRunner().invoke(app, ["--home", str(home), *args], input=input, env={"SEPBOTS_KEY": ""})


def workbook(path: Path, rows: Sequence[Sequence[object]]) -> Path:
    wb = Workbook()
    for row in rows:
        active_sheet(wb).append(list(row))
    wb.save(path)
    return path


HEADER = ["Fakturanr", "CVR", "EAN", "Beløb", "Forfaldsdato"]


def test_run_exits_0_with_a_danish_summary_even_with_manual_handling(project: Path, tmp_path: Path) -> None:
    """A completed run with business exceptions exits 0 and prints the summary table in Danish."""
    src = workbook(tmp_path / "in.xlsx", [HEADER, ["F1", "24256790", "5790000000005", "1.234,50", "01-12-2026"],
                                           ["F2", "24256791", "5790000000005", "100,00", "01-12-2026"]])
    out = tmp_path / "out.xlsx"
    result = invoke(project, "run", "fakturakontrol", "--test-mode", "--param", f"input={src}", "--param", f"output={out}",
                    "--param", "today=2026-11-28")
    assert result.exit_code == 0, result.output
    assert "gennemført" in result.output and "Til manuel behandling" in result.output
    (written,) = tmp_path.glob("out-*.xlsx")
    assert "Resultatfil" in result.output
    rows = list(active_sheet(load_workbook(written)).iter_rows(values_only=True))
    assert rows[1][2] == "Godkendt" and rows[2][2] == "Manuel behandling" and rows[2][3] == "BAD_CVR"


def test_a_manual_production_run_of_an_uncatalogued_bot_is_refused(project: Path, tmp_path: Path) -> None:
    """Without --test-mode, `sepbots run` of a bot with no cleared catalogue process exits 2 with the reason; only a
    refused run (with that reason, no output) is recorded."""
    src = workbook(tmp_path / "in.xlsx", [HEADER, ["F1", "24256790", "5790000000005", "10,00", "01-12-2026"]])
    out = tmp_path / "o.xlsx"
    result = invoke(project, "--lang", "en", "run", "fakturakontrol", "-p", f"input={src}", "-p", f"output={out}")
    assert result.exit_code == 2
    assert "production runs need a cleared process" in result.output and "test mode" in result.output
    assert not out.exists()
    listed = invoke(project, "--lang", "en", "runs", "list", "--format", "json").output
    assert [(r["bot"], r["status"]) for r in json.loads(listed)["runs"]] == [("fakturakontrol", "refused")]


def test_english_output_on_request(project: Path, tmp_path: Path) -> None:
    """--lang en switches every label of the summary to English."""
    src = workbook(tmp_path / "in.xlsx", [HEADER, ["F1", "24256790", "5790000000005", "10,00", "01-12-2026"]])
    result = invoke(project, "--lang", "en", "run", "fakturakontrol", "--test-mode", "-p", f"input={src}",
                    "-p", f"output={tmp_path / 'o.xlsx'}", "-p", "today=2026-11-28")
    assert result.exit_code == 0 and "completed" in result.output and "Manual handling" in result.output


def test_unknown_bot_is_a_usage_error_listing_the_known_bots(project: Path) -> None:
    """An unknown bot name exits 2 and names the bots that exist."""
    result = invoke(project, "run", "nope")
    assert result.exit_code == 2
    assert "unknown bot 'nope'" in result.output and "fakturakontrol" in result.output


def test_a_missing_input_file_exits_2_and_writes_nothing(project: Path, tmp_path: Path) -> None:
    """A producer input that does not exist is exit code 2 with the file named; no output appears."""
    out = tmp_path / "out.xlsx"
    result = invoke(project, "run", "fakturakontrol", "--test-mode", "-p", f"input={tmp_path / 'missing.xlsx'}", "-p", f"output={out}")
    assert result.exit_code == 2
    assert "missing.xlsx" in result.output and not list(tmp_path.glob("out*.xlsx"))


def test_a_missing_column_names_the_column_and_the_columns_found(project: Path, tmp_path: Path) -> None:
    """Wrong headers are exit code 2 with the missing column and the columns that are there."""
    src = workbook(tmp_path / "in.xlsx", [["Fakturanr", "CVR", "Beløb"], ["F1", "1", "2"]])
    result = invoke(project, "run", "fakturakontrol", "--test-mode", "-p", f"input={src}", "-p", f"output={tmp_path / 'o.xlsx'}")
    assert result.exit_code == 2
    assert "EAN" in result.output and "found: 'Fakturanr', 'CVR', 'Beløb'" in result.output


def test_bad_parameters_name_the_parameter(project: Path, tmp_path: Path) -> None:
    """An unknown parameter, a malformed --param and an invalid value are each exit code 2 with the key named."""
    unknown = invoke(project, "run", "fakturakontrol", "--test-mode", "-p", "colour=red", "-p", "input=x", "-p", "output=y")
    assert unknown.exit_code == 2 and "no parameter 'colour'" in unknown.output
    malformed = invoke(project, "run", "fakturakontrol", "--test-mode", "-p", "input")
    assert malformed.exit_code == 2 and "nøgle=værdi" in malformed.output
    invalid = invoke(project, "run", "fakturakontrol", "--test-mode", "-p", "input=a", "-p", "output=b", "-p", "today=someday")
    assert invalid.exit_code == 2 and "'today'" in invalid.output


def test_an_invalid_parameter_is_explained_in_danish_and_english_without_quoting_it(project: Path) -> None:
    """A bad value from --param or from the bot's config.toml names the parameter and why, in both languages."""
    given = invoke(project, "run", "fakturakontrol", "--test-mode", "-p", "today=0101901234x")
    assert given.exit_code == 2
    assert ("bot fakturakontrol: ugyldig parameter / invalid parameter 'today': skal være en dato (ÅÅÅÅ-MM-DD) / "
            "must be a date (YYYY-MM-DD): invalid date separator, expected `-` (givet med/given with --param)"
            ) in " ".join(given.output.split())
    assert "0101901234" not in given.output
    config = project / "bots" / "fakturakontrol" / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + 'today = ["0101901234"]\n', encoding="utf-8")
    stored = invoke(project, "run", "fakturakontrol", "--test-mode")
    text = " ".join(stored.output.split())
    assert stored.exit_code == 2 and "invalid parameter 'today': skal være en dato (ÅÅÅÅ-MM-DD) / must be a date (YYYY-MM-DD)" in text
    assert "config.toml" in text and "indstilling/key params.today" in text and "0101901234" not in stored.output


def test_invalid_config_names_the_key_and_the_file(project: Path) -> None:
    """A bad value in config/sepbots.toml is exit code 2 naming the key and the file."""
    (project / "config").mkdir()
    (project / "config" / "sepbots.toml").write_text('[queue]\nlease_s = "long"\n', encoding="utf-8")
    result = invoke(project, "bots")
    assert result.exit_code == 2
    assert "queue.lease_s" in result.output and "sepbots.toml" in result.output


def test_an_unreadable_database_is_a_clear_error(project: Path) -> None:
    """A database file that is not a database gives exit code 2 and names the database."""
    for companion in ("sepbots.db-wal", "sepbots.db-shm"):
        (project / "var" / companion).unlink(missing_ok=True)
    (project / "var" / "sepbots.db").write_bytes(b"this is not sqlite" * 100)
    result = invoke(project, "bots")
    assert result.exit_code == 2
    assert "sepbots.db" in result.output and "database" in result.output


def test_items_retry_sends_a_manual_handling_item_back(project: Path, tmp_path: Path) -> None:
    """`items list --state` shows the item and `items retry` puts it back in the queue, audited."""
    src = workbook(tmp_path / "in.xlsx", [HEADER, ["F9", "24256791", "5790000000005", "10,00", "01-12-2026"]])
    invoke(project, "run", "fakturakontrol", "--test-mode", "-p", f"input={src}", "-p", f"output={tmp_path / 'o.xlsx'}")
    listed = invoke(project, "items", "list", "--state", "business_exception")
    assert "24256791/F9" in listed.output
    retried = invoke(project, "items", "retry", "1", "--note", "CVR rettet")
    assert retried.exit_code == 0 and "sendt tilbage" in retried.output
    again = invoke(project, "items", "retry", "1")
    assert again.exit_code == 2 and "only failed" in again.output
    assert invoke(project, "audit", "verify").exit_code == 0


def test_runs_list_and_show(project: Path, tmp_path: Path) -> None:
    """`runs list` shows the run and `runs show` its attempts."""
    src = workbook(tmp_path / "in.xlsx", [HEADER, ["F1", "24256790", "5790000000005", "10,00", "01-12-2026"]])
    invoke(project, "run", "fakturakontrol", "--test-mode", "-p", f"input={src}", "-p", f"output={tmp_path / 'o.xlsx'}",
           "-p", "today=2026-11-28")
    listed = invoke(project, "--lang", "en", "runs", "list")
    assert "fakturakontrol" in listed.output and "completed" in listed.output and "manual · test" in listed.output
    import sqlite3

    with sqlite3.connect(project / "var" / "sepbots.db") as db:
        run_id = db.execute("SELECT id FROM runs").fetchone()[0][:8]
    assert run_id in listed.output
    shown = invoke(project, "runs", "show", run_id)
    assert shown.exit_code == 0 and "24256790/F1" in shown.output


def test_credentials_are_read_from_stdin_and_never_printed(project: Path) -> None:
    """`credentials set --stdin` stores a secret that `list` never shows; delete removes it."""
    assert invoke(project, "credentials", "set", "portal", "--username", "robot", "--stdin", input="Hemmelig-42\n").exit_code == 0
    listed = invoke(project, "credentials", "list")
    assert "portal" in listed.output and "robot" in listed.output and "Hemmelig-42" not in listed.output
    assert invoke(project, "credentials", "delete", "portal").exit_code == 0
    assert invoke(project, "credentials", "delete", "portal").exit_code == 2


def test_a_wrong_key_is_a_clear_error(project: Path) -> None:
    """Opening the database with another key than it was set up with is refused with a clear message."""
    assert invoke(project, "bots").exit_code == 0
    result = CliRunner().invoke(app, ["--home", str(project), "bots"], env={"SEPBOTS_KEY": "ab" * 32})
    assert result.exit_code == 2 and "key does not match" in result.output


@pytest.mark.parametrize("kind", ["sheet", "web", "desktop"])
def test_new_scaffolds_a_bot_whose_own_test_passes(project: Path, kind: str) -> None:
    """`sepbots new NAME --kind K` writes a recipe, config, README and a test that passes as generated."""
    name = f"borgerbrev_{kind}"
    result = invoke(project, "new", name, "--kind", kind)
    assert result.exit_code == 0, result.output
    folder = project / "bots" / name
    assert {p.name for p in folder.iterdir()} >= {"bot.py", "config.toml", "README.md", "tests"}
    assert name in invoke(project, "bots").output
    env = {k: v for k, v in os.environ.items() if not k.startswith("SEPBOTS_")}
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(folder)],
                          cwd=project, capture_output=True, text=True, env=env, timeout=180)
    assert proc.returncode == 0 and "1 passed" in proc.stdout, proc.stdout + proc.stderr
    assert invoke(project, "new", name).exit_code == 2


def test_scaffolded_bots_and_their_tests_pass_mypy_strict(project: Path) -> None:
    """What `sepbots new` writes type-checks under mypy --strict, so a municipality can check its own bots."""
    for kind in ("sheet", "web", "desktop"):
        assert invoke(project, "new", f"typet_{kind}", "--kind", kind).exit_code == 0
    checkout = Path(sepbots.__file__).resolve().parent.parent  # an editable install hides sepbots from mypy
    proc = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--config-file", str(checkout / "pyproject.toml"),
                           *(f"bots/typet_{kind}" for kind in ("sheet", "web", "desktop"))],
                          cwd=project, capture_output=True, text=True, timeout=300,
                          env={**os.environ, "MYPYPATH": str(checkout)})
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_the_console_script_starts_and_shows_help() -> None:
    """The installed entry point starts as a real process and prints help in Danish."""
    proc = subprocess.run([sys.executable, "-m", "sepbots", "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and "softwarerobotter" in proc.stdout
