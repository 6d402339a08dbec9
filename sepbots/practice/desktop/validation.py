"""What the journal form accepts, and the texts the app shows, in Danish and English."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

CATEGORIES: tuple[str, ...] = (
    "Ansøgning",
    "Afgørelse",
    "Partshøring",
    "Klage",
    "Korrespondance",
    "Notat",
)
"""The category drop-down's values, as the case system stores them."""

CASE_NUMBER = re.compile(r"^\d{4}-\d{6}$")
TITLE_MAX = 200


class Field(StrEnum):
    """The form's fields, in tab order."""

    CASE_NUMBER = "case_number"
    TITLE = "title"
    DATE = "document_date"
    CATEGORY = "category"


TEXTS: dict[str, dict[str, str]] = {
    "da": {
        "window_title": "Sagssystem – Journalisering",
        "error_title": "Fejl",
        "case_number": "Sagsnummer",
        "title": "Dokumenttitel",
        "document_date": "Dato (dd-mm-åååå)",
        "category": "Kategori",
        "save": "Gem",
        "ok": "OK",
        "ready": "Klar",
        "saving": "Gemmer …",
        "saved": "Gemt: journalnr. {journal_number}",
        "invalid": "Fejl i indtastningen",
        "bad_case_number": "Sagsnummer skal have formen ÅÅÅÅ-NNNNNN, fx 2026-001234.",
        "no_title": "Dokumenttitel skal udfyldes.",
        "long_title": "Dokumenttitel må højst være {max} tegn.",
        "bad_date": "Dato skal være en gyldig dato på formen dd-mm-åååå.",
        "bad_category": "Ukendt kategori. Vælg en af: {choices}.",
        "duplicate": "Dokumentet findes allerede på sagen som journalnr. {journal_number}.",
    },
    "en": {
        "window_title": "Case system – Journalising",
        "error_title": "Error",
        "case_number": "Case number",
        "title": "Document title",
        "document_date": "Date (dd-mm-yyyy)",
        "category": "Category",
        "save": "Save",
        "ok": "OK",
        "ready": "Ready",
        "saving": "Saving …",
        "saved": "Saved: journal no. {journal_number}",
        "invalid": "Invalid input",
        "bad_case_number": "Case number must look like YYYY-NNNNNN, e.g. 2026-001234.",
        "no_title": "Document title is required.",
        "long_title": "Document title may be at most {max} characters.",
        "bad_date": "Date must be a valid date written dd-mm-yyyy.",
        "bad_category": "Unknown category. Choose one of: {choices}.",
        "duplicate": "The document is already on the case as journal no. {journal_number}.",
    },
}


@dataclass(frozen=True)
class JournalForm:
    """The form's contents exactly as typed."""

    case_number: str
    title: str
    document_date: str
    category: str


@dataclass(frozen=True)
class Problem:
    """One reason the form cannot be saved."""

    field: Field
    message: str


def parse_date(text: str) -> date | None:
    """``dd-mm-yyyy`` as a date, or None if it is not a real date in that form."""
    if not re.fullmatch(r"\d{2}-\d{2}-\d{4}", text):
        return None
    try:
        return datetime.strptime(text, "%d-%m-%Y").date()
    except ValueError:
        return None


def validate(form: JournalForm, lang: str = "da") -> list[Problem]:
    """Every problem with the form, in tab order; empty when it can be saved.

    Args:
        form: what was typed.
        lang: ``"da"`` or ``"en"`` for the messages.
    """
    texts = TEXTS[lang]
    problems = []
    if not CASE_NUMBER.fullmatch(form.case_number.strip()):
        problems.append(Problem(Field.CASE_NUMBER, texts["bad_case_number"]))
    title = form.title.strip()
    if not title:
        problems.append(Problem(Field.TITLE, texts["no_title"]))
    elif len(title) > TITLE_MAX:
        problems.append(Problem(Field.TITLE, texts["long_title"].format(max=TITLE_MAX)))
    if parse_date(form.document_date.strip()) is None:
        problems.append(Problem(Field.DATE, texts["bad_date"]))
    if form.category.strip() not in CATEGORIES:
        problems.append(Problem(Field.CATEGORY, texts["bad_category"].format(choices=", ".join(CATEGORIES))))
    return problems
