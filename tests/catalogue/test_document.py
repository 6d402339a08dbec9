"""Process design documents: written as real .docx and .html from the catalogue and the bot's declaration."""

from __future__ import annotations

import shutil
from pathlib import Path

from docx import Document
from typer.testing import CliRunner

from sepbots.cli import app as root_app

from .conftest import SHIPPED

ROOT = SHIPPED.parents[1]


def _home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    (home / "config").mkdir(parents=True)
    shutil.copytree(SHIPPED, home / "config" / "catalogue")
    shutil.copytree(ROOT / "bots" / "bankafstemning", home / "bots" / "bankafstemning")
    return home


def test_docx_holds_every_section_the_steps_and_the_bot(tmp_path: Path) -> None:
    """The .docx has purpose, today's steps, exceptions, systems, legal, business case, bot, tests and sources."""
    home = _home(tmp_path)
    out = tmp_path / "bank.docx"
    result = CliRunner().invoke(root_app, ["--home", str(home), "catalogue", "document", "bankafstemning", "-o", str(out)])
    assert result.exit_code == 0, result.output
    word = Document(str(out))
    headings = [p.text for p in word.paragraphs if p.style is not None and p.style.name.startswith("Heading")]
    for title in ("1. Formål", "2. Processen i dag", "Undtagelser", "3. Systemer", "4. Juridisk vurdering",
                  "5. Business case", "6. Robotten", "Fejlhåndtering", "7. Testcases", "8. Kilder"):
        assert title in headings, title
    text = "\n".join(p.text for p in word.paragraphs)
    assert "Hent kontoudtog fra banken" in text and "Samlebetalinger (FIK) uden reference" in text
    assert "Forretningsfejl går til manuel behandling" in text and "bankafstemning" in text
    cells = [c.text for t in word.tables for row in t.rows for c in row.cells]
    assert "Sager pr. år" in cells and "Testplan" in cells


def test_html_in_english_escapes_and_names_the_decision_rule(tmp_path: Path) -> None:
    """The English HTML of a fine process says the robot prepares and a person decides; text is escaped."""
    home = _home(tmp_path)
    out = tmp_path / "fines.html"
    result = CliRunner().invoke(
        root_app,
        ["--home", str(home), "--lang", "en", "catalogue", "document", "folkeregisterboeder", "--format", "html", "-o", str(out)],
    )
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "<h2>4. Legal assessment</h2>" in page and "The robot prepares, a person makes the decision" in page
    assert "No bot is linked to the process yet." in page and "<script" not in page


def test_unknown_process_is_exit_2_and_writes_nothing(tmp_path: Path) -> None:
    """An unknown process key exits 2 naming the key; no file appears."""
    home = _home(tmp_path)
    out = tmp_path / "x.docx"
    result = CliRunner().invoke(root_app, ["--home", str(home), "catalogue", "document", "nope", "-o", str(out)])
    assert result.exit_code == 2 and "nope" in result.output and not out.exists()
