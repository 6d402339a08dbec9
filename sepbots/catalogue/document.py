"""The process design document municipalities exchange, built from the catalogue and the bot's declaration.

Sections: purpose, today's process (steps, decision points, exceptions), systems, legal assessment,
business case, the bot (steps, parameters, error handling), test cases and sources. The document is
a list of neutral blocks; :mod:`sepbots.catalogue.document_render` writes it as .docx or .html.
"""

from __future__ import annotations

import inspect
import re
from dataclasses import dataclass, field
from decimal import Decimal

from sepbots.catalogue.business_case import estimate
from sepbots.catalogue.gate import production_clearance
from sepbots.catalogue.legal import CHECKLIST_POINTS, SUB_POINTS, checklist_label
from sepbots.catalogue.models import Process
from sepbots.catalogue.screening import screen
from sepbots.catalogue.settings import GainsSettings
from sepbots.i18n import formats
from sepbots.recipes import Recipe


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 1


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    items: list[str]
    numbered: bool = False


@dataclass(frozen=True)
class TableBlock:
    headers: list[str]
    rows: list[list[str]]


Block = Heading | Paragraph | Items | TableBlock


@dataclass
class ProcessDocument:
    """A title and its blocks."""

    title: str
    blocks: list[Block] = field(default_factory=list)


def _da_en(lang: str, da: str, en: str) -> str:
    return da if lang == "da" else en


def _codes(recipe: Recipe) -> list[str]:
    """The business-exception codes written literally in the bot's source."""
    if recipe.source is None or not recipe.source.is_file():
        return []
    text = recipe.source.read_text(encoding="utf-8", errors="replace")
    return sorted(set(re.findall(r"""code\s*=\s*["']([A-Za-z0-9_.-]+)["']""", text)))


def _doc(obj: object) -> str:
    return inspect.getdoc(obj) or "" if obj is not None else ""


def _purpose(p: Process, lang: str) -> list[Block]:
    kle = f"{p.kle}{' ' + p.kle_facet if p.kle_facet else ''}" if p.kle else "–"
    period = _da_en(lang, "engangsopgave", "one-off") if p.one_off else _da_en(lang, "årligt", "yearly")
    return [
        Heading(_da_en(lang, "1. Formål", "1. Purpose")),
        Paragraph(p.description or p.title(lang)),
        TableBlock(
            [_da_en(lang, "Felt", "Field"), _da_en(lang, "Værdi", "Value")],
            [
                [_da_en(lang, "Område", "Area"), p.area.label(lang)],
                ["KLE", kle + ("" if p.kle_source else _da_en(lang, " (ikke verificeret)", " (not verified)"))],
                [_da_en(lang, "Fase", "Phase"), p.phase.label(lang)],
                [_da_en(lang, "Procesejer", "Owner"), p.owner or "–"],
                [_da_en(lang, "Kontakt", "Contact"), p.contact or "–"],
                [_da_en(lang, "Periode", "Run period"), period],
            ],
        ),
    ]


def _today(p: Process, lang: str) -> list[Block]:
    out: list[Block] = [Heading(_da_en(lang, "2. Processen i dag", "2. Today's process")), Items(p.manual_steps or ["–"], numbered=True)]
    out += [Heading(_da_en(lang, "Beslutningspunkter", "Decision points"), 2), Items(p.decision_points or ["–"])]
    out += [Heading(_da_en(lang, "Undtagelser", "Exceptions"), 2), Items(p.exceptions or ["–"])]
    out += [Heading(_da_en(lang, "3. Systemer", "3. Systems")), Items(p.it_systems or ["–"])]
    return out


def _legal(p: Process, settings: GainsSettings, lang: str) -> list[Block]:
    missing = set(p.legal.missing())
    rows = []
    for key in CHECKLIST_POINTS:
        open_points = [key, *SUB_POINTS.get(key, ())]
        done = not any(k in missing for k in open_points)
        rows.append([checklist_label(key, lang), "✓" if done else _da_en(lang, "✗ mangler", "✗ missing")])
    rec = screen(p, settings).recommendation
    clearance = production_clearance(p)
    return [
        Heading(_da_en(lang, "4. Juridisk vurdering", "4. Legal assessment")),
        Paragraph(_da_en(lang, "Hjemmel: ", "Legal basis: ") + (p.legal_clause or "–")),
        TableBlock([_da_en(lang, "Punkt", "Point"), _da_en(lang, "Status", "Status")], rows),
        Paragraph(_da_en(lang, "Screeningens anbefaling: ", "Screening recommendation: ") + rec.label(lang)),
        Paragraph(clearance.message(p.key, lang)),
    ]


def _business_case(p: Process, settings: GainsSettings, lang: str) -> list[Block]:
    case = estimate(p, settings)

    def n(v: Decimal, d: int = 0) -> str:
        return formats.number(v, lang, d)

    rows = [
        [_da_en(lang, "Sager pr. år", "Cases per year"), n(case.occurrences_per_year), p.occurrences_per_year.basis.label(lang)],
        [_da_en(lang, "Minutter pr. sag", "Minutes per case"), n(case.minutes_per_occurrence, 1),
         p.minutes_per_occurrence.basis.label(lang)],
        [_da_en(lang, "Automatiseringsgrad", "Automation share"), formats.percent(case.automation_share, lang, 0),
         p.automation_share.basis.label(lang)],
        [_da_en(lang, "Sparede timer pr. år", "Hours saved per year"), n(case.saved_hours_per_year), ""],
        [_da_en(lang, "Årsværk", "FTE"), n(case.fte, 2), ""],
        [_da_en(lang, "Gevinst pr. år", "Benefit per year"), formats.kroner(case.benefit_dkk_per_year, lang, 0), ""],
        [_da_en(lang, "Implementering", "Implementation"), formats.kroner(case.implementation_dkk, lang, 0), ""],
        [_da_en(lang, "Drift pr. år", "Running per year"), formats.kroner(case.running_dkk_per_year, lang, 0), ""],
        [_da_en(lang, "Nutidsværdi", "NPV"), formats.kroner(case.npv_dkk, lang, 0), ""],
    ]
    heads = [_da_en(lang, "Post", "Item"), _da_en(lang, "Værdi", "Value"), _da_en(lang, "Grundlag", "Basis")]
    return [Heading("5. Business case"), TableBlock(heads, rows)]


def _bot(p: Process, recipes: list[Recipe], lang: str) -> list[Block]:
    out: list[Block] = [Heading(_da_en(lang, "6. Robotten", "6. The bot"))]
    if not recipes:
        return [*out, Paragraph(_da_en(lang, "Ingen robot er knyttet til processen endnu.", "No bot is linked to the process yet."))]
    for r in recipes:
        steps = [s for s in (
            _da_en(lang, "Producent: ", "Producer: ") + _doc(r.producer) if r.producer else "",
            _da_en(lang, "Hvert element: ", "Each item: ") + (_doc(r.func) or r.name),
            _da_en(lang, "Afslutning: ", "Finish: ") + _doc(r.finish) if r.finish else "",
        ) if s]
        params = [f"{name}: {f.description or f.annotation}" for name, f in r.params_type.model_fields.items()]
        handling = [
            _da_en(lang, f"Systemfejl prøves igen op til {r.max_attempts} gange (første ventetid {r.retry_delay}, faktor {r.backoff}).",
                   f"System errors are retried up to {r.max_attempts} attempts (first wait {r.retry_delay}, factor {r.backoff})."),
            _da_en(lang, "Forretningsfejl går til manuel behandling og prøves ikke igen.",
                   "Business exceptions go to manual handling and are never retried."),
        ]
        if r.timeout:
            handling.append(_da_en(lang, f"Et element afbrydes efter {r.timeout}.", f"An item is stopped after {r.timeout}."))
        handling += [_da_en(lang, f"Kode {c}: manuel behandling", f"Code {c}: manual handling") for c in _codes(r)]
        out += [
            Heading(f"{r.name} ({_da_en(lang, 'kø', 'queue')} {r.queue})", 2),
            Paragraph(r.description or _doc(r.func)),
            Items(steps, numbered=True),
            Heading(_da_en(lang, "Parametre", "Parameters"), 3),
            Items(params or ["–"]),
            Heading(_da_en(lang, "Fejlhåndtering", "Error handling"), 3),
            Items(handling),
        ]
    return out


def _tests(p: Process, recipes: list[Recipe], lang: str) -> list[Block]:
    rows = [[_da_en(lang, "Normal sag", "Normal case"), _da_en(lang, "Robotten gennemfører alle trin", "The bot completes every step")]]
    manual = _da_en(lang, "Manuel behandling med begrundelse", "Manual handling with the reason")
    rows += [[_da_en(lang, "Undtagelse: ", "Exception: ") + e, manual] for e in p.exceptions]
    person = _da_en(lang, "En medarbejder beslutter", "A person decides")
    rows += [[_da_en(lang, "Beslutning: ", "Decision: ") + d, person] for d in p.decision_points]
    rows.append([_da_en(lang, "Fagsystemet svarer ikke", "The system does not answer"),
                 _da_en(lang, "Nyt forsøg; derefter fejlet og alarm", "Retried; then failed and alerted")])
    for r in recipes:
        rows += [[_da_en(lang, f"{r.name}: kode {c}", f"{r.name}: code {c}"), manual] for c in _codes(r)]
    heads = [_da_en(lang, "Testtilfælde", "Test case"), _da_en(lang, "Forventet", "Expected")]
    return [Heading(_da_en(lang, "7. Testcases", "7. Test cases")), TableBlock(heads, rows)]


def _sources(p: Process, lang: str) -> list[Block]:
    items = [
        f"[{s.id}] {s.title}" + (f" — {s.url}" if s.url else "") + (f" ({formats.date(s.accessed, lang)})" if s.accessed else "")
        for s in p.sources
    ]
    return [Heading(_da_en(lang, "8. Kilder", "8. Sources")), Items(items or ["–"])]


def build_document(process: Process, recipes: list[Recipe], settings: GainsSettings, lang: str = "da") -> ProcessDocument:
    """The design document for ``process`` and the bots that automate it."""
    doc = ProcessDocument(title=_da_en(lang, "Procesbeskrivelse (PDD): ", "Process design document: ") + process.title(lang))
    for part in (
        _purpose(process, lang),
        _today(process, lang),
        _legal(process, settings, lang),
        _business_case(process, settings, lang),
        _bot(process, recipes, lang),
        _tests(process, recipes, lang),
        _sources(process, lang),
    ):
        doc.blocks += part
    return doc
