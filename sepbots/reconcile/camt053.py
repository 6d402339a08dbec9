"""ISO 20022 camt.053 bank-to-customer statements (versions 001.02 and 001.08).

Parsed streaming with :func:`xml.etree.ElementTree.iterparse`; each ``Ntry`` is cleared once read,
so a statement of 100,000 entries stays small in memory. No XSD can be fetched here, so the
structure is checked by hand: the namespace, ``BkToCstmrStmt/Stmt`` with ``Id`` and ``Acct``,
and per entry an ``Amt`` with ``Ccy`` and at most two decimals, ``CdtDbtInd`` of ``CRDT``/``DBIT``,
and a booking or value date. Every error names the element path (``Stmt[1]/Ntry[17]/Amt``).

The reference is the structured creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``, e.g. a FIK
or RF number); otherwise it is extracted from the unstructured remittance text (``RmtInf/Ustrd``)
and the entry's additional information. An entry with several transaction details that carry
their own amounts (a batch) becomes one line per transaction.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sepbots.exceptions import InputError
from sepbots.sheets import parse_date, parse_ore
from sepbots.sheets.values import ValueFormatError

__all__ = ["CAMT053_NAMESPACES", "CamtEntry", "iter_camt053"]

CAMT053_NAMESPACES = (
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02",
    "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08",
)


@dataclass(frozen=True, slots=True)
class CamtEntry:
    """One booked amount from a statement, in øre with the bank's sign (credit positive)."""

    number: int
    path: str
    date: date
    amount_ore: int
    currency: str
    text: str
    reference: str
    structured: bool


def iter_camt053(path: Path) -> Iterator[CamtEntry]:
    """Yield the entries of a camt.053 file, validating its structure as it goes.

    Raises:
        InputError: not well-formed XML, a DOCTYPE, wrong namespace, or a missing/invalid element;
            the message names the element path.
    """
    with path.open("rb") as fh:
        head = fh.read(2048)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _invalid(path, "Document", "DOCTYPE/ENTITY er ikke tilladt / DOCTYPE/ENTITY is not allowed")
    ns = ""
    stack: list[str] = []
    counters: list[dict[str, int]] = [{}]
    statements = 0
    entries = 0
    currency: str | None = None
    stmt_children: set[str] = set()
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            tag = element.tag
            local = tag.rsplit("}", 1)[-1]
            if event == "start":
                if not stack:
                    ns = tag[1:].split("}", 1)[0] if tag.startswith("{") else ""
                    if local != "Document" or ns not in CAMT053_NAMESPACES:
                        raise _invalid(
                            path,
                            local,
                            f"ikke et camt.053-dokument (navnerum {ns or 'mangler'}) / "
                            f"not a camt.053 document (namespace {ns or 'missing'})",
                        )
                seen = counters[-1]
                seen[local] = seen.get(local, 0) + 1
                stack.append(f"{local}[{seen[local]}]" if local in ("Stmt", "Ntry") else local)
                counters.append({})
                if local == "Stmt":
                    statements += 1
                    stmt_children = set()
                elif len(stack) >= 2 and stack[-2].startswith("Stmt["):
                    stmt_children.add(local)
                continue
            where = "/".join(stack)
            if local == "Ntry":
                entries += 1
                for entry in _entries(path, element, ns, where, entries):
                    if currency is None:
                        currency = entry.currency
                    elif entry.currency != currency:
                        raise _invalid(path, where + "/Amt", f"blandet valuta / mixed currency {entry.currency}")
                    yield entry
                element.clear()
            elif local == "Stmt":
                for required in ("Id", "Acct"):
                    if required not in stmt_children:
                        raise _invalid(path, f"{where}/{required}", "mangler / missing")
                element.clear()
            stack.pop()
            counters.pop()
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            f"ugyldig XML ved linje {line}, tegn {column} / not well-formed XML at line {line}, char {column}",
            file=path,
            row=line,
        ) from None
    if statements == 0:
        raise _invalid(path, "Document/BkToCstmrStmt/Stmt", "mangler / missing")


def _invalid(path: Path, where: str, message: str) -> InputError:
    return InputError(
        f"camt.053 er ugyldig ved / is invalid at {where}: {message}",
        file=path,
        column=where,
    )


def _q(ns: str, *names: str) -> str:
    return "/".join(f"{{{ns}}}{name}" for name in names)


def _entries(path: Path, ntry: ET.Element, ns: str, where: str, number: int) -> list[CamtEntry]:
    amount, currency = _amount(path, ntry, ns, where)
    indicator = ntry.findtext(_q(ns, "CdtDbtInd"))
    if indicator not in ("CRDT", "DBIT"):
        raise _invalid(path, f"{where}/CdtDbtInd", f"skal være CRDT eller DBIT / must be CRDT or DBIT: {indicator!r}")
    sign = 1 if indicator == "CRDT" else -1
    booked = _date(path, ntry, ns, where)
    extra = (ntry.findtext(_q(ns, "AddtlNtryInf")) or "").strip()
    details = ntry.findall(_q(ns, "NtryDtls", "TxDtls"))
    parts = []
    for index, tx in enumerate(details, 1):
        tx_amount = None
        for amount_path in (("AmtDtls", "TxAmt", "Amt"), ("Amt",)):
            node = tx.find(_q(ns, *amount_path))
            if node is not None:
                tx_amount = _parse_amount(path, node, f"{where}/NtryDtls/TxDtls[{index}]/{'/'.join(amount_path)}")
                break
        tx_indicator = tx.findtext(_q(ns, "CdtDbtInd"))
        tx_sign = sign if tx_indicator is None else (1 if tx_indicator == "CRDT" else -1)
        ref = (tx.findtext(_q(ns, "RmtInf", "Strd", "CdtrRefInf", "Ref")) or "").strip()
        texts = [(u.text or "").strip() for u in tx.findall(_q(ns, "RmtInf", "Ustrd"))]
        info = (tx.findtext(_q(ns, "AddtlTxInf")) or "").strip()
        text = " ".join(t for t in (*texts, info) if t)
        parts.append((tx_amount, tx_sign, ref, text))
    if len(parts) > 1 and all(p[0] is not None for p in parts):
        if sum(p[0][0] * p[1] for p in parts) != amount * sign:  # type: ignore[index]
            raise _invalid(path, f"{where}/NtryDtls", "transaktionerne summerer ikke til Amt / details do not sum to Amt")
        return [
            CamtEntry(
                number,
                f"{where}/NtryDtls/TxDtls[{i}]",
                booked,
                p[0][0] * p[1],
                currency,  # type: ignore[index]
                p[3] or extra,
                p[2],
                bool(p[2]),
            )
            for i, p in enumerate(parts, 1)
        ]
    ref = next((p[2] for p in parts if p[2]), "")
    text = " ".join(t for t in (*(p[3] for p in parts), extra) if t)
    return [CamtEntry(number, where, booked, amount * sign, currency, text, ref, bool(ref))]


def _amount(path: Path, ntry: ET.Element, ns: str, where: str) -> tuple[int, str]:
    node = ntry.find(_q(ns, "Amt"))
    if node is None:
        raise _invalid(path, f"{where}/Amt", "mangler / missing")
    return _parse_amount(path, node, f"{where}/Amt")


def _parse_amount(path: Path, node: ET.Element, where: str) -> tuple[int, str]:
    currency = node.get("Ccy")
    if not currency or len(currency) != 3:
        raise _invalid(path, where, "mangler Ccy / missing Ccy")
    text = (node.text or "").strip()
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or text.startswith(("+", "-")):
            raise InvalidOperation
        return parse_ore(value), currency
    except (InvalidOperation, ValueFormatError):
        raise _invalid(path, where, f"ugyldigt beløb / invalid amount {text!r}") from None


def _date(path: Path, ntry: ET.Element, ns: str, where: str) -> date:
    for parent in ("BookgDt", "ValDt"):
        for child in ("Dt", "DtTm"):
            text = ntry.findtext(_q(ns, parent, child))
            if text:
                try:
                    return parse_date(text.strip()[:10])
                except ValueFormatError:
                    raise _invalid(path, f"{where}/{parent}/{child}", f"ugyldig dato / invalid date {text!r}") from None
    raise _invalid(path, f"{where}/BookgDt", "mangler bogførings- og valørdato / booking and value date missing")
