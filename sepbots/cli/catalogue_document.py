"""``sepbots catalogue document ID --format docx|html``: the process design document."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sepbots.catalogue.document import build_document
from sepbots.catalogue.document_render import DocumentFormat, write_document
from sepbots.cli.catalogue import CatalogueContext, CatalogueOpt, LangOpt, app, out
from sepbots.cli.state import errors_to_exit
from sepbots.recipes import discover


@app.command("document")
def document_cmd(
    ctx: typer.Context,
    process_key: Annotated[str, typer.Argument(metavar="ID")],
    fmt: Annotated[DocumentFormat, typer.Option("--format", help="docx or html")] = DocumentFormat.DOCX,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="file to write (default ID.docx/.html)")] = None,
    catalogue: CatalogueOpt = None,
    lang: LangOpt = None,
) -> None:
    """Skriv procesbeskrivelsen (PDD) for en proces. (Write the process design document.)"""
    c = CatalogueContext(ctx, catalogue, lang)
    path = output or Path(f"{process_key}.{fmt.value}")
    with errors_to_exit():
        process = c.load().get(process_key)
        recipes = [r for r in discover(c.settings.bot_paths) if r.process == process.key or r.name in process.bots]
        write_document(build_document(process, recipes, c.gains, c.lang), path, fmt, c.lang)
    out.print(c.da(f"Skrev {path}", f"Wrote {path}"), highlight=False)
