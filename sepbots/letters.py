"""Letters: fill a municipality's Word template and render it as PDF with LibreOffice.

The template is an ordinary ``.docx`` kept by the municipality, with Jinja placeholders such as
``{{ navn }}`` and ``{{ adresse }}`` typed in Word (docxtpl). Values are escaped as XML before they
enter the document, so a name like ``<w:t>`` or ``&`` is printed as written and cannot change the
document's structure. A placeholder the values do not give is an error naming it (no silent blanks
in a letter to a citizen).

PDF rendering runs LibreOffice headless (``soffice --convert-to pdf``) as a subprocess with its own
private profile folder (``-env:UserInstallation``), so parallel conversions and a person's open
LibreOffice never share a profile, and with a timeout. ``soffice`` is found by the ``soffice``
setting, else on ``PATH``, else in the usual Windows and macOS install folders.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from docxtpl import DocxTemplate
from jinja2 import StrictUndefined, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from sepbots.exceptions import ApplicationException, ConfigError
from sepbots.sheets import atomic_output

__all__ = ["LetterError", "fill_template", "find_soffice", "placeholders", "render_pdf", "render_pdfs"]

_USUAL_SOFFICE = (
    Path("C:/Program Files/LibreOffice/program/soffice.exe"),
    Path("C:/Program Files (x86)/LibreOffice/program/soffice.exe"),
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    Path("/usr/bin/soffice"),
    Path("/usr/lib/libreoffice/program/soffice"),
)


class LetterError(ApplicationException):
    """A letter could not be made: the template is broken, a value is missing, or the converter failed."""


def placeholders(template: Path) -> set[str]:
    """The names the template's placeholders ask for (``{{ navn }}`` → ``navn``)."""
    return set(DocxTemplate(str(template)).get_undeclared_template_variables())


def fill_template(template: Path, values: Mapping[str, Any], output: Path) -> Path:
    """Fill ``template`` with ``values`` (escaped) and write the letter to ``output`` atomically.

    Raises:
        LetterError: code ``TEMPLATE_MISSING_VALUE`` naming the placeholders without a value, or
            ``TEMPLATE_BROKEN`` when the template cannot be read or rendered.
    """
    template = Path(template)
    try:
        document = DocxTemplate(str(template))
        wanted = document.get_undeclared_template_variables()
    except Exception as exc:  # docxtpl raises zipfile, lxml and jinja errors alike
        raise LetterError(f"brevskabelonen {template.name} kan ikke læses / the letter template {template.name} cannot be read: "
                          f"{type(exc).__name__}",
                          code="TEMPLATE_BROKEN") from exc
    missing = sorted(set(wanted) - set(values))
    if missing:
        raise LetterError(f"brevskabelonen {template.name} mangler værdier for / the letter template {template.name} needs values for: "
                          f"{', '.join(missing)}",
                          code="TEMPLATE_MISSING_VALUE")
    environment = SandboxedEnvironment(undefined=StrictUndefined, autoescape=True)
    try:
        document.render(dict(values), jinja_env=environment, autoescape=True)
    except UndefinedError as exc:
        raise LetterError(f"brevskabelonen / the letter template {template.name}: {exc.message}", code="TEMPLATE_MISSING_VALUE") from exc
    output.parent.mkdir(parents=True, exist_ok=True)
    with atomic_output(output) as temp:
        document.save(str(temp))
    return output


def find_soffice(setting: str | Path | None = None) -> Path:
    """The LibreOffice executable: ``setting`` if given, else ``soffice`` on PATH, else the usual install folders.

    Raises:
        ConfigError: naming the ``letters.soffice`` setting when none is found.
    """
    if setting:
        found = shutil.which(str(setting))
        if found:
            return Path(found)
        raise ConfigError(f"LibreOffice findes ikke / LibreOffice was not found: {setting}", key="letters.soffice")
    on_path = shutil.which("soffice") or shutil.which("libreoffice")
    if on_path:
        return Path(on_path)
    for candidate in _USUAL_SOFFICE:
        if candidate.is_file():
            return candidate
    raise ConfigError("LibreOffice (soffice) er ikke installeret eller ikke på PATH; angiv stien / "
                          "LibreOffice (soffice) is not installed or not on PATH; set its path", key="letters.soffice")


def render_pdf(document: Path, output: Path, *, soffice: str | Path | None = None, timeout_s: float = 120.0) -> Path:
    """Render ``document`` (.docx) as PDF at ``output`` with LibreOffice headless, atomically.

    Raises:
        LetterError: code ``PDF_TIMEOUT`` when LibreOffice did not finish in ``timeout_s`` (it is
            killed), ``PDF_FAILED`` when it produced no PDF.
    """
    return render_pdfs({document: output}, soffice=soffice, timeout_s=timeout_s)[0]


def render_pdfs(jobs: Mapping[Path, Path], *, soffice: str | Path | None = None, timeout_s: float = 120.0) -> list[Path]:
    """Render several documents in one LibreOffice start (``{docx: pdf}``); the start-up is most of the cost.

    The documents must have different file names (LibreOffice names each PDF after its document).

    Raises:
        LetterError: as :func:`render_pdf`; ``PDF_FAILED`` names the first document without a PDF
            (the PDFs made before it are kept).
    """
    executable = find_soffice(soffice)
    documents = [Path(d).resolve() for d in jobs]
    if len({d.stem for d in documents}) != len(documents):
        raise LetterError("to dokumenter i samme bunke har samme filnavn / "
                          "two documents in one batch have the same file name", code="PDF_FAILED")
    with tempfile.TemporaryDirectory(prefix="sepbots-soffice-") as work:
        work_dir = Path(work)
        profile = (work_dir / "profile").as_uri()
        out_dir = work_dir / "out"
        command = [str(executable), f"-env:UserInstallation={profile}", "--headless", "--norestore",
                   "--nolockcheck", "--convert-to", "pdf", "--outdir", str(out_dir), *map(str, documents)]
        try:
            finished = subprocess.run(command, capture_output=True, timeout=timeout_s, check=False,
                                      env={**os.environ, "HOME": str(work_dir)}, stdin=subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise LetterError(f"LibreOffice lavede ikke PDF inden for {timeout_s:g} s / LibreOffice did not render within {timeout_s:g} s: "
                              f"{documents[0].name} (+{len(documents) - 1})", code="PDF_TIMEOUT") from exc
        outputs = []
        for document, output in zip(documents, jobs.values(), strict=True):
            produced = out_dir / f"{document.stem}.pdf"
            if not produced.is_file():
                detail = finished.stderr.decode("utf-8", "replace").strip().splitlines()[-1:] or [f"exit {finished.returncode}"]
                raise LetterError("LibreOffice lavede ingen PDF / "
                                  f"LibreOffice made no PDF of {document.name}: {detail[0][:200]}", code="PDF_FAILED")
            output.parent.mkdir(parents=True, exist_ok=True)
            with atomic_output(output) as temp:
                shutil.move(str(produced), temp)
            outputs.append(output)
    return outputs
