"""Write a :class:`~sepbots.catalogue.document.ProcessDocument` as Word (.docx, python-docx) or HTML.

Both are written atomically (temp file in the same folder, then ``os.replace``).
"""

from __future__ import annotations

import enum
import html
from pathlib import Path

from docx import Document

from sepbots.catalogue.document import Heading, Items, Paragraph, ProcessDocument, TableBlock
from sepbots.catalogue.loader import write_atomic
from sepbots.sheets.writer import atomic_output


class DocumentFormat(enum.StrEnum):
    """The file formats a process document can be written in."""

    DOCX = "docx"
    HTML = "html"


def write_docx(doc: ProcessDocument, path: Path) -> None:
    """The document as a Word file."""
    word = Document()
    word.add_heading(doc.title, level=0)
    for block in doc.blocks:
        if isinstance(block, Heading):
            word.add_heading(block.text, level=block.level)
        elif isinstance(block, Paragraph):
            word.add_paragraph(block.text)
        elif isinstance(block, Items):
            style = "List Number" if block.numbered else "List Bullet"
            for item in block.items:
                word.add_paragraph(item, style=style)
        else:
            table = word.add_table(rows=1, cols=len(block.headers))
            table.style = "Table Grid"
            for cell, text in zip(table.rows[0].cells, block.headers, strict=True):
                cell.text = text
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    with atomic_output(path) as tmp:
        word.save(str(tmp))


def _html_block(block: Heading | Paragraph | Items | TableBlock) -> str:
    e = html.escape
    if isinstance(block, Heading):
        level = min(block.level + 1, 6)
        return f"<h{level}>{e(block.text)}</h{level}>"
    if isinstance(block, Paragraph):
        return f"<p>{e(block.text)}</p>"
    if isinstance(block, Items):
        tag = "ol" if block.numbered else "ul"
        return f"<{tag}>" + "".join(f"<li>{e(i)}</li>" for i in block.items) + f"</{tag}>"
    head = "".join(f"<th>{e(h)}</th>" for h in block.headers)
    rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in r) + "</tr>" for r in block.rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>"


def write_html(doc: ProcessDocument, path: Path, lang: str = "da") -> None:
    """The document as one self-contained HTML page."""
    body = "\n".join(_html_block(b) for b in doc.blocks)
    page = (
        f'<!doctype html>\n<html lang="{lang}"><head><meta charset="utf-8"><title>{html.escape(doc.title)}</title>'
        "<style>body{font-family:sans-serif;max-width:60em;margin:2em auto}table{border-collapse:collapse}"
        "td,th{border:1px solid #999;padding:.2em .5em;text-align:left}</style></head>\n"
        f"<body><h1>{html.escape(doc.title)}</h1>\n{body}\n</body></html>\n"
    )
    write_atomic(path, page)


def write_document(doc: ProcessDocument, path: Path, fmt: DocumentFormat, lang: str = "da") -> None:
    """Write ``doc`` to ``path`` in ``fmt``."""
    if fmt is DocumentFormat.DOCX:
        write_docx(doc, path)
    else:
        write_html(doc, path, lang)
