"""Letters: a .docx template filled with escaped values and rendered as PDF by a real LibreOffice."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from bots.velkomstbreve.sample import write_template
from sepbots.exceptions import ConfigError
from sepbots.letters import LetterError, fill_template, placeholders, render_pdf, render_pdfs

VALUES = {"navn": "Anna Jensen", "adresse": "Algade 12, 4000 Roskilde", "tilflytningsdato": "mandag den 2. november 2026",
          "afsender": "Roskilde Kommune, Borgerservice"}


def _document_xml(path: Path) -> str:
    with zipfile.ZipFile(path) as docx:
        return docx.read("word/document.xml").decode("utf-8")


def test_the_template_names_its_placeholders(tmp_path: Path) -> None:
    """The sample template asks for exactly name, address, move date and sender."""
    assert placeholders(write_template(tmp_path / "brev.docx")) == set(VALUES)


def test_values_are_escaped_and_cannot_change_the_document(tmp_path: Path) -> None:
    """A name with XML markup and an ampersand is printed as written; the document keeps its paragraphs."""
    template = write_template(tmp_path / "brev.docx")
    hostile = VALUES | {"navn": 'Eve & Co</w:t></w:r><w:r><w:t>INJICERET', "adresse": "{{ afsender }}"}
    letter = fill_template(template, hostile, tmp_path / "ud" / "brev.docx")
    xml = _document_xml(letter)
    assert "Eve &amp; Co&lt;/w:t&gt;&lt;/w:r&gt;&lt;w:r&gt;&lt;w:t&gt;INJICERET" in xml
    assert "<w:t>INJICERET" not in xml
    assert "{{ afsender }}" in xml  # a value is never rendered as a template itself
    assert xml.count("<w:p>") + xml.count("<w:p ") == _paragraphs(template)


def _paragraphs(path: Path) -> int:
    xml = _document_xml(path)
    return xml.count("<w:p>") + xml.count("<w:p ")


def test_a_missing_value_names_the_placeholder_and_writes_nothing(tmp_path: Path) -> None:
    """Without 'afsender' the letter is refused with TEMPLATE_MISSING_VALUE naming it, and no file is left."""
    template = write_template(tmp_path / "brev.docx")
    values = {k: v for k, v in VALUES.items() if k != "afsender"}
    with pytest.raises(LetterError) as caught:
        fill_template(template, values, tmp_path / "ud" / "brev.docx")
    assert caught.value.code == "TEMPLATE_MISSING_VALUE" and "afsender" in caught.value.message
    assert not (tmp_path / "ud").exists() or list((tmp_path / "ud").iterdir()) == []


def test_a_broken_template_is_template_broken(tmp_path: Path) -> None:
    """A file that is not a .docx gives TEMPLATE_BROKEN with the file name."""
    broken = tmp_path / "brev.docx"
    broken.write_bytes(b"not a zip")
    with pytest.raises(LetterError) as caught:
        fill_template(broken, VALUES, tmp_path / "ud.docx")
    assert caught.value.code == "TEMPLATE_BROKEN" and "brev.docx" in caught.value.message


@pytest.mark.slow
def test_libreoffice_renders_the_filled_letter_as_pdf_with_its_text(tmp_path: Path) -> None:
    """The PDF from soffice (private profile) holds the citizen's name, address and the Danish letters æøå."""
    letter = fill_template(write_template(tmp_path / "brev.docx"), VALUES | {"navn": "Søren Ærø Åberg"}, tmp_path / "brev-ud.docx")
    pdf = render_pdf(letter, tmp_path / "pdf" / "brev.pdf", timeout_s=120)
    text = "".join(page.extract_text() for page in PdfReader(pdf).pages)
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Søren Ærø Åberg" in text and "Algade 12, 4000 Roskilde" in text
    assert [p.name for p in pdf.parent.iterdir()] == ["brev.pdf"]  # no temporary file left beside it


def test_a_converter_that_produces_nothing_is_pdf_failed_and_a_missing_one_names_the_setting(tmp_path: Path) -> None:
    """A converter that exits without a PDF gives PDF_FAILED; a converter path that does not exist names letters.soffice."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\necho broken >&2\nexit 1\n")
    fake.chmod(0o755)
    letter = fill_template(write_template(tmp_path / "brev.docx"), VALUES, tmp_path / "brev-ud.docx")
    with pytest.raises(LetterError) as caught:
        render_pdf(letter, tmp_path / "brev.pdf", soffice=fake)
    assert caught.value.code == "PDF_FAILED" and "broken" in caught.value.message
    with pytest.raises(ConfigError) as missing:
        render_pdf(letter, tmp_path / "brev.pdf", soffice=tmp_path / "findes-ikke")
    assert missing.value.key == "letters.soffice"
    assert not (tmp_path / "brev.pdf").exists()


def test_a_hanging_converter_is_killed_after_the_timeout(tmp_path: Path) -> None:
    """A converter that hangs is stopped after timeout_s and reported as PDF_TIMEOUT."""
    fake = tmp_path / "soffice"
    fake.write_text("#!/bin/sh\nexec sleep 30\n")
    fake.chmod(0o755)
    letter = fill_template(write_template(tmp_path / "brev.docx"), VALUES, tmp_path / "brev-ud.docx")
    with pytest.raises(LetterError) as caught:
        render_pdf(letter, tmp_path / "brev.pdf", soffice=fake, timeout_s=0.5)
    assert caught.value.code == "PDF_TIMEOUT"


@pytest.mark.slow
def test_several_letters_render_in_one_libreoffice_start_each_with_its_own_text(tmp_path: Path) -> None:
    """Three filled letters become three PDFs in one soffice call, each with its own citizen's name."""
    template = write_template(tmp_path / "brev.docx")
    names = ["Anna Jensen", "Bo Nielsen", "Cecilie Hansen"]
    jobs = {fill_template(template, VALUES | {"navn": name}, tmp_path / f"brev-{n}.docx"): tmp_path / "pdf" / f"{n}.pdf"
            for n, name in enumerate(names)}
    pdfs = render_pdfs(jobs)
    assert pdfs == list(jobs.values())
    for pdf, name in zip(pdfs, names, strict=True):
        assert name in "".join(page.extract_text() for page in PdfReader(pdf).pages)
