"""The catalogue as a Markdown listing (docs/catalogue.md, "Processes"): every process with its sources.

``sepbots catalogue listing`` prints it; a test keeps the copy in docs/catalogue.md in step with the
YAML files, between the markers ``<!-- processes:start -->`` and ``<!-- processes:end -->``.
"""

from __future__ import annotations

from sepbots.catalogue.loader import Catalogue
from sepbots.catalogue.models import Area, Figure, Process
from sepbots.i18n import formats

START = "<!-- processes:start -->"
END = "<!-- processes:end -->"


def _figure(fig: Figure) -> str:
    return f"{fig.value} ({fig.basis.label('da')})"


def _process(p: Process) -> list[str]:
    kle = f"{p.kle} {p.kle_facet}" if p.kle and p.kle_facet else p.kle or "–"
    if p.kle and not p.kle_source:
        kle += " (ikke verificeret)"
    checked = p.legal_clause_last_verified
    status = f"§ kontrolleret {formats.date(checked)}" if checked else "§ ikke kontrolleret"
    legal = f"{p.legal_clause or '–'} ({status})"
    vol = p.volume
    driver = f"{vol.driver.label('da')}; reference: {vol.reference.municipality}" if vol else "–"
    period = "engang" if p.one_off else "årligt"
    lines = [
        f"#### {p.name} (`{p.key}`)",
        "",
        f"KLE {kle} · {legal} · {period}",
        "",
        f"- Sager: {_figure(p.occurrences_per_year)}; minutter: {_figure(p.minutes_per_occurrence)}; "
        f"automatisering: {_figure(p.automation_share)}; driver: {driver}",
        f"- Ejer: {p.owner or '–'}; kontakt: {p.contact or '–'}",
    ]
    for s in p.sources:
        accessed = f", set {formats.date(s.accessed)}" if s.accessed else ""
        link = f" <{s.url}>" if s.url else ""
        lines.append(f"- Kilde `{s.id}`: {s.title}{link}{accessed}")
    return [*lines, ""]


def markdown_listing(catalogue: Catalogue) -> str:
    """Every process by KL area, with KLE, legal basis, figures and their provenance, and its sources."""
    out = [START, ""]
    for area in Area:
        members = sorted((p for p in catalogue if p.area is area), key=lambda p: p.key)
        if not members:
            continue
        out += [f"### {area.label('da')} / {area.label('en')} ({len(members)})", ""]
        for p in members:
            out += _process(p)
    out.append(END)
    return "\n".join(out) + "\n"


def replace_listing(document: str, listing: str) -> str:
    """``document`` with the text between the markers replaced by ``listing`` (appended when absent)."""
    if START in document and END in document:
        head, _, rest = document.partition(START)
        _, _, tail = rest.partition(END)
        return head + listing.rstrip("\n") + tail
    return document.rstrip("\n") + "\n\n" + listing
