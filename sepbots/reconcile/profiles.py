"""Layouts of the spreadsheet exports banks and finance systems send, told apart by their headers.

A profile names the columns of one export layout (field → accepted header texts), the headers
that identify it (its signature), its decimal separator and how it marks reserved/pending rows.
The profile whose whole signature is in a file's header row wins; when several match, the one
with the longest signature (the most specific). Where each layout comes from is in ``source``
and in ``docs/bank-formats.md``: they are our best knowledge of the exports as documented or
widely seen, not certified by the banks — a file that differs is read by naming the profile
(``bank_profile``) or mapping the columns (``[params.bank_headers]``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from sepbots.sheets import DecimalSeparator, normalise_header

__all__ = ["BANK_PROFILES", "LEDGER_PROFILES", "ProfileSide", "SheetProfile", "detect_profile", "profile_named"]

_COMMA, _PERIOD = DecimalSeparator.COMMA, DecimalSeparator.PERIOD


class ProfileSide(StrEnum):
    """Which input a profile describes."""

    BANK = "bank"
    LEDGER = "ledger"


@dataclass(frozen=True)
class SheetProfile:
    """One export layout.

    Attributes:
        name: the name used in configuration (``bank_profile = "nordea"``).
        title: the layout's name for people, Danish and English.
        signature: headers that must all be present; each an alternative set.
        headers: field → accepted header texts (the first present is used).
        source: where the layout is documented or seen.
        decimal: the separator text amounts use.
        pending_field: the field whose value marks a reserved/pending row (``""``: none).
        pending_values: those values, case-folded.
        split_amount: amounts in separate debit and credit columns (ledger).
    """

    name: str
    title: tuple[str, str]
    signature: tuple[tuple[str, ...], ...]
    headers: Mapping[str, tuple[str, ...]]
    source: str
    decimal: DecimalSeparator = _COMMA
    pending_field: str = ""
    pending_values: frozenset[str] = field(default_factory=frozenset)
    split_amount: bool = False

    def label(self, lang: str = "da") -> str:
        """The layout's name for people."""
        return self.title[0 if lang == "da" else 1]

    def matches(self, normalised: Iterable[str]) -> bool:
        """Whether every signature header (one of its alternatives) is among ``normalised``."""
        found = set(normalised)
        return all(any(normalise_header(alt) in found for alt in alts) for alts in self.signature)

    def header_map(self) -> dict[str, list[str]]:
        """The headers as a mapping for :func:`sepbots.sheets.open_table`."""
        return {name: list(alts) for name, alts in self.headers.items()}


def _sig(*items: str | tuple[str, ...]) -> tuple[tuple[str, ...], ...]:
    return tuple((item,) if isinstance(item, str) else item for item in items)


def _h(**fields: str | tuple[str, ...]) -> dict[str, tuple[str, ...]]:
    return {name: (value,) if isinstance(value, str) else value for name, value in fields.items()}


_WAITING = frozenset({"venter", "reserveret", "afventer", "reserved", "pending"})
_BELOB = ("Beløb", "Beloeb", "Belob")


def _two_dates(name: str, bank: str, dates: tuple[str, str], source: str) -> SheetProfile:
    """A netbank CSV with a booking date and a second (interest or value) date, pending rows marked in ``Status``."""
    booked, other = dates
    return SheetProfile(
        name,
        (f"{bank} netbank (CSV)", f"{bank} online banking (CSV)"),
        _sig(booked, other, "Tekst", "Beløb"),
        _h(dato=booked, tekst="Tekst", belob="Beløb", saldo="Saldo", status="Status"),
        source,
        pending_field="status",
        pending_values=_WAITING,
    )


BANK_PROFILES: tuple[SheetProfile, ...] = (
    SheetProfile(
        "standard",
        ("Standard (Dato, Tekst, Beløb)", "Standard (Dato, Tekst, Beløb)"),
        _sig("Dato", "Beløb"),
        _h(dato="Dato", tekst="Tekst", belob="Beløb", saldo="Saldo", reference="Reference", status="Status", valuta="Valuta"),
        "sepbots' own default layout (the netbank columns most banks share)",
        pending_field="status",
        pending_values=_WAITING,
    ),
    SheetProfile(
        "danske-bank",
        ("Danske Bank netbank (CSV/Excel)", "Danske Bank online banking (CSV/Excel)"),
        _sig("Dato", "Tekst", "Beløb", "Saldo", "Status", "Afstemt"),
        _h(dato="Dato", tekst="Tekst", belob="Beløb", saldo="Saldo", status="Status"),
        "public parser code for Danske Bank exports (Status 'Udført'/'Venter', Afstemt 'Ja'/'Nej')",
        pending_field="status",
        pending_values=_WAITING,
    ),
    SheetProfile(
        "nordea",
        ("Nordea netbank (CSV)", "Nordea online banking (CSV)"),
        _sig("Bogføringsdato", "Beløb", "Afsender", "Modtager", "Navn", "Beskrivelse"),
        _h(dato="Bogføringsdato", tekst="Beskrivelse", belob="Beløb", saldo="Saldo", valuta="Valuta", navn="Navn"),
        "issue 18: 'Bogføringsdato;Beløb;Afsender;Modtager;Navn;Beskrivelse;Saldo;Valuta;Afstemt;', "
        "YYYY/MM/DD, trailing separator, pending rows 'Reserveret' in Bogføringsdato",
        pending_field="dato",
        pending_values=frozenset({"reserveret", "reserved"}),
    ),
    SheetProfile(
        "jyske-bank",
        ("Jyske Bank netbank (CSV)", "Jyske Bank online banking (CSV)"),
        _sig("Dato", "Tekst", "Beløb", "Saldo", "Kommentar", "Flag"),
        _h(dato="Dato", tekst="Tekst", belob="Beløb", saldo="Saldo"),
        "public converter code: '\"Dato\";\"\";\"Tekst\";\"\";\"Beløb\";\"Saldo\";\"Kommentar\";\"Afstemt\";"
        "\"Flag\";\"Konto\";\"\";\"Kategori\";\"Underkategori\"', ISO-8859-1",
    ),
    SheetProfile(
        "sydbank",
        ("Sydbank netbank (CSV)", "Sydbank online banking (CSV)"),
        _sig("Dato", "Tekst", _BELOB, "Hovedkategori"),
        _h(dato="Dato", tekst="Tekst", belob=_BELOB, saldo="Saldo", valuta="Valuta"),
        "public conversion notes: semicolon, ISO-8859-1 (sometimes with a BOM), DD.MM.YYYY, "
        "columns Dato, Tekst, Beløb, Saldo, Hovedkategori, Kategori, Underkategori",
    ),
    _two_dates(
        "spar-nord",
        "Spar Nord",
        ("Bogføringsdato", "Rentedato"),
        "best knowledge (SDC netbank layout with booking and interest date); not verified against an export",
    ),
    _two_dates(
        "arbejdernes-landsbank",
        "Arbejdernes Landsbank",
        ("Bogført", "Valør"),
        "best knowledge (BEC netbank layout, booking and value date); not verified against an export",
    ),
    SheetProfile(
        "nykredit",
        ("Nykredit netbank (CSV)", "Nykredit online banking (CSV)"),
        _sig("Dato", "Tekst", ("Beloeb", "Beløb"), "Exportkonto"),
        _h(dato="Dato", tekst="Tekst", belob=("Beloeb", "Beløb"), saldo="Saldo"),
        "public parser notes: comma-separated, period decimals, DD/MM/YYYY, columns Dato, Tekst, "
        "Beloeb, Saldo, Exportkonto",
        decimal=_PERIOD,
    ),
    SheetProfile(
        "lunar",
        ("Lunar (CSV)", "Lunar (CSV)"),
        _sig("Dato", "Tekst", "Beløb", "Valuta", "Status"),
        _h(dato="Dato", tekst="Tekst", belob="Beløb", saldo="Saldo", valuta="Valuta", status="Status"),
        "best knowledge (app export with ISO dates, currency and status); not verified against an export",
        pending_field="status",
        pending_values=_WAITING,
    ),
)

_VOUCHER = ("Bilagsnummer", "Bilagsnr.", "Bilagsnr", "Document Number", "DocumentNo")
_POSTING = ("Bogføringsdato", "Bogf.dato", "Posting Date", "Pstng Date")
_LOCAL_AMOUNT = ("Beløb i lokal valuta", "Beløb i LV", "Amount in local currency", "Amount in LC")

LEDGER_PROFILES: tuple[SheetProfile, ...] = (
    SheetProfile(
        "standard",
        ("Standard (Bilagsnr, Bogføringsdato, Beløb)", "Standard (Bilagsnr, Bogføringsdato, Beløb)"),
        _sig("Bilagsnr", "Bogføringsdato", "Beløb"),
        _h(bilagsnr="Bilagsnr", dato="Bogføringsdato", belob="Beløb", reference="Reference", tekst="Tekst", konto="Konto", valuta="Valuta"),
        "sepbots' own default layout",
    ),
    SheetProfile(
        "standard-debet-kredit",
        ("Standard med Debet og Kredit", "Standard with debit and credit"),
        _sig("Bilagsnr", "Bogføringsdato", "Debet", "Kredit"),
        _h(bilagsnr="Bilagsnr", dato="Bogføringsdato", debet="Debet", kredit="Kredit", reference="Reference", tekst="Tekst",
           konto="Konto", valuta="Valuta"),
        "sepbots' default layout with separate debit and credit columns",
        split_amount=True,
    ),
    SheetProfile(
        "sap",
        ("KMD Opus / SAP linjeposter (FBL3N)", "KMD Opus / SAP line items (FBL3N)"),
        _sig(_VOUCHER, _POSTING, _LOCAL_AMOUNT),
        _h(
            bilagsnr=_VOUCHER,
            dato=_POSTING,
            belob=_LOCAL_AMOUNT,
            valuta=("Lokal valuta", "Local Currency", "LCurr"),
            reference=("Reference", "Tildeling", "Assignment"),
            tekst=("Tekst", "Text"),
            konto=("Finanskonto", "Konto", "G/L Account", "Account"),
        ),
        "SAP G/L line-item display (FBL3N/FAGLL03) exported to a spreadsheet, Danish or English "
        "column names; KMD Opus Økonomi is SAP-based; amounts may carry a trailing minus",
    ),
    SheetProfile(
        "prisme",
        ("Fujitsu Prisme posteringer", "Fujitsu Prisme ledger transactions"),
        _sig("Bilag", "Dato", "Debet", "Kredit"),
        _h(
            bilagsnr="Bilag",
            dato="Dato",
            debet="Debet",
            kredit="Kredit",
            valuta=("Valuta", "Valutakode"),
            reference=("Betalings-id", "Betalingsreference", "Reference"),
            tekst=("Tekst", "Posteringstekst", "Beskrivelse"),
            konto=("Finanskonto", "Hovedkonto", "Konto"),
        ),
        "best knowledge: Prisme (Microsoft Dynamics AX based) ledger transaction list exported to "
        "Excel, with separate Debet and Kredit columns",
        split_amount=True,
    ),
)


def profile_named(name: str, profiles: Sequence[SheetProfile]) -> SheetProfile:
    """The profile called ``name``.

    Raises:
        ValueError: no such profile; the message lists the known names.
    """
    for profile in profiles:
        if profile.name == name:
            return profile
    known = ", ".join(p.name for p in profiles)
    raise ValueError(f"ukendt profil / unknown profile {name!r}; kendte / known: {known}")


def detect_profile(rows: Iterable[Sequence[object]], profiles: Sequence[SheetProfile]) -> SheetProfile | None:
    """The most specific profile whose signature is in one of ``rows`` (the first that has one)."""
    for cells in rows:
        normalised = [normalise_header(c) for c in cells if c is not None]
        found = [p for p in profiles if p.matches(normalised)]
        if found:
            return max(found, key=lambda p: len(p.signature))  # max keeps the first of equals
    return None
