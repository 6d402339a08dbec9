"""ISO 20022 camt.053 statements and camt.054 debit/credit notifications, versions 001.02–001.13.

One reader for both messages and every version: the entry (``Ntry``) has the same shape
throughout, so the reader takes the namespace's message and version from the root element and
reads the entries namespace-agnostically. Where the versions differ, both forms are accepted:

- the container is ``BkToCstmrStmt/Stmt`` (camt.053) or ``BkToCstmrDbtCdtNtfctn/Ntfctn`` (camt.054);
- a transaction's own amount is ``TxDtls/AmtDtls/TxAmt/Amt`` (001.02) or ``TxDtls/Amt`` with its
  own ``CdtDbtInd`` (001.03 onwards);
- the entry status is a code (``<Sts>BOOK</Sts>``) in the early versions and a choice
  (``<Sts><Cd>BOOK</Cd></Sts>``) in the later ones; entries not booked (``PDNG``, ``INFO``,
  ``FUTR``) are pending: skipped and listed, never matched;
- booking and value dates are ``Dt`` or ``DtTm`` in every version.

Parsed streaming with :func:`xml.etree.ElementTree.iterparse`; each ``Ntry`` is cleared once read,
so a file of 100,000 entries stays small in memory. No XSD can be fetched here, so the structure
is checked by hand: the namespace, the container with ``Id`` and ``Acct``, and per entry an
``Amt`` with ``Ccy`` and at most two decimals, ``CdtDbtInd`` of ``CRDT``/``DBIT``, and a booking
or value date. Every error names the element path (``Ntfctn[1]/Ntry[17]/Amt``).

References, in the order matching tries them (see :mod:`sepbots.reconcile.matching`): the
structured creditor reference (``RmtInf/Strd/CdtrRefInf/Ref``: FIK, RF), ``Refs/EndToEndId``
unless ``NOTPROVIDED``, ``Refs/InstrId`` (the payer's instruction id, which some banks fill with
the payer's reference on incoming payments) unless ``NOTPROVIDED``, the account servicer's
``AcctSvcrRef`` (transaction, then entry); the reference found in the remittance text is added
last by the caller. An entry with several transaction details that carry their own amounts (a
batch) becomes one line per transaction; ``RvslInd`` marks a reversal, whose sign is its
``CdtDbtInd`` (a reversed debit is booked as a credit).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path

from sepbots.exceptions import InputError
from sepbots.sheets import parse_date, parse_ore
from sepbots.sheets.values import ValueFormatError

__all__ = ["CAMT_VERSIONS", "CamtEntry", "camt_message", "iter_camt"]

CAMT_VERSIONS = tuple(f"001.{v:02d}" for v in range(2, 14))
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.(001\.\d\d)")
_CONTAINER = {"camt.053": "Stmt", "camt.054": "Ntfctn"}
_BOOKED = ("BOOK", "")
_NOT_PROVIDED = "NOTPROVIDED"


@dataclass(frozen=True, slots=True)
class CamtEntry:
    """One booked (or pending) amount, in øre with the bank's sign (credit positive)."""

    number: int
    path: str
    date: date
    amount_ore: int
    currency: str
    text: str
    references: tuple[str, ...]
    reversal: bool = False
    pending: bool = False


def camt_message(head: bytes) -> str | None:
    """``"camt.054.001.08"`` for a file starting with ``head`` (its first KB), else ``None``."""
    match = _NAMESPACE.search(head.decode("utf-8", "replace"))
    if match is None or match.group(2) not in CAMT_VERSIONS:
        return None
    return f"{match.group(1)}.{match.group(2)}"


def iter_camt(path: Path) -> Iterator[CamtEntry]:
    """Yield the entries of a camt.053 or camt.054 file, validating its structure as it goes.

    Raises:
        InputError: not well-formed XML, a DOCTYPE, an unknown namespace or version, or a
            missing/invalid element; the message names the element path.
    """
    with path.open("rb") as fh:
        head = fh.read(2048)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _invalid(path, "Document", "DOCTYPE/ENTITY er ikke tilladt / DOCTYPE/ENTITY is not allowed")
    # A hot loop over ~16 events per entry: depth counting and precomputed tags, no element path
    # stack; Document (1) / BkToCstmrStmt (2) / Stmt (3) / Ntry (4) is the only structure tracked.
    names = _Names("", "Stmt")
    depth = containers = in_container = number = 0
    inside = False
    children: set[str] = set()
    currency: str | None = None
    try:
        for event, element in ET.iterparse(path, events=("start", "end")):
            if event == "start":
                depth += 1
                if depth == 4:
                    if inside:
                        children.add(element.tag)
                elif depth == 3:
                    inside = element.tag == names.container
                    if inside:
                        containers += 1
                        in_container = 0
                        children = set()
                elif depth == 1:
                    names = _names(path, element.tag)
                continue
            depth -= 1
            if depth == 3 and inside and element.tag == names.ntry:
                number += 1
                in_container += 1
                where = f"{names.prefix}[{containers}]/Ntry[{in_container}]"
                for entry in _entries(path, element, names, where, number):
                    if not entry.pending:
                        if currency is None:
                            currency = entry.currency
                        elif entry.currency != currency:
                            raise _invalid(path, where + "/Amt", f"blandet valuta / mixed currency {entry.currency}")
                    yield entry
                element.clear()
            elif depth == 2 and inside and element.tag == names.container:
                for required, tag in (("Id", names.id), ("Acct", names.acct)):
                    if tag not in children:
                        raise _invalid(path, f"{names.prefix}[{containers}]/{required}", "mangler / missing")
                element.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            f"ugyldig XML ved linje {line}, tegn {column} / not well-formed XML at line {line}, char {column}",
            file=path,
            row=line,
        ) from None
    if containers == 0:
        raise _invalid(path, names.prefix, "mangler / missing")


class _Names:
    """Qualified tag names and find paths of one namespace, computed once per file."""

    def __init__(self, ns: str, container: str) -> None:
        def q(*parts: str) -> str:
            return "/".join(f"{{{ns}}}{part}" for part in parts)

        root = "BkToCstmrStmt" if container == "Stmt" else "BkToCstmrDbtCdtNtfctn"
        self.prefix = f"Document/{root}/{container}"
        self.container, self.ntry, self.id, self.acct = q(container), q("Ntry"), q("Id"), q("Acct")
        self.amt, self.ind, self.rvsl, self.sts = q("Amt"), q("CdtDbtInd"), q("RvslInd"), q("Sts")
        self.cd, self.prtry = q("Cd"), q("Prtry")
        self.dates = [(f"{parent}/{child}", q(parent, child)) for parent in ("BookgDt", "ValDt") for child in ("Dt", "DtTm")]
        self.addtl, self.svc, self.txdtls = q("AddtlNtryInf"), q("AcctSvcrRef"), q("NtryDtls", "TxDtls")
        self.tx_amounts = [("AmtDtls/TxAmt/Amt", q("AmtDtls", "TxAmt", "Amt")), ("Amt", q("Amt"))]
        self.strd = q("RmtInf", "Strd", "CdtrRefInf", "Ref")
        self.refs = [q("Refs", "EndToEndId"), q("Refs", "InstrId")]
        self.tx_svc, self.ustrd, self.addtl_tx = q("Refs", "AcctSvcrRef"), q("RmtInf", "Ustrd"), q("AddtlTxInf")


def _names(path: Path, tag: str) -> _Names:
    ns, _, local = tag[1:].partition("}") if tag.startswith("{") else ("", "", tag)
    match = _NAMESPACE.fullmatch(ns)
    if local != "Document" or match is None or match.group(2) not in CAMT_VERSIONS:
        raise _invalid(
            path,
            local,
            f"ikke et camt.053/054-dokument i version 001.02–001.13 (navnerum {ns or 'mangler'}) / "
            f"not a camt.053/054 document of version 001.02–001.13 (namespace {ns or 'missing'})",
        )
    return _Names(ns, _CONTAINER[match.group(1)])


def _invalid(path: Path, where: str, message: str) -> InputError:
    return InputError(f"camt er ugyldig ved / camt is invalid at {where}: {message}", file=path, column=where)


def _text(node: ET.Element, path: str) -> str:
    return (node.findtext(path) or "").strip()


def _status(ntry: ET.Element, names: _Names) -> str:
    node = ntry.find(names.sts)
    if node is None:
        return ""
    return ((node.text or "").strip() or _text(node, names.cd) or _text(node, names.prtry)).upper()


def _tx_references(tx: ET.Element, names: _Names) -> list[str]:
    refs = [(r.text or "").strip() for r in tx.findall(names.strd)]
    for ref_path in names.refs:
        value = _text(tx, ref_path)
        if value.upper() != _NOT_PROVIDED:
            refs.append(value)
    refs.append(_text(tx, names.tx_svc))
    return [r for r in refs if r]


def _entries(path: Path, ntry: ET.Element, names: _Names, where: str, number: int) -> list[CamtEntry]:
    amount, currency = _amount(path, ntry, names, where)
    indicator = ntry.findtext(names.ind)
    if indicator not in ("CRDT", "DBIT"):
        raise _invalid(path, f"{where}/CdtDbtInd", f"skal være CRDT eller DBIT / must be CRDT or DBIT: {indicator!r}")
    sign = 1 if indicator == "CRDT" else -1
    booked = _date(path, ntry, names, where)
    reversal = _text(ntry, names.rvsl).lower() in ("true", "1")
    pending = _status(ntry, names) not in _BOOKED
    extra = _text(ntry, names.addtl)
    entry_ref = _text(ntry, names.svc)
    parts = []
    for index, tx in enumerate(ntry.findall(names.txdtls), 1):
        tx_amount = None
        for shown, amount_path in names.tx_amounts:
            node = tx.find(amount_path)
            if node is not None:
                tx_amount = _parse_amount(path, node, f"{where}/NtryDtls/TxDtls[{index}]/{shown}")[0]
                break
        tx_indicator = tx.findtext(names.ind)
        tx_sign = sign if tx_indicator is None else (1 if tx_indicator == "CRDT" else -1)
        texts = [(u.text or "").strip() for u in tx.findall(names.ustrd)]
        text = " ".join(t for t in (*texts, _text(tx, names.addtl_tx)) if t)
        parts.append((tx_amount, tx_sign, _tx_references(tx, names), text))

    def refs(found: list[str]) -> tuple[str, ...]:
        return tuple(dict.fromkeys([*found, entry_ref] if entry_ref else found))

    if len(parts) > 1 and all(p[0] is not None for p in parts):
        if sum(p[0] * p[1] for p in parts) != amount * sign:  # type: ignore[operator]
            raise _invalid(path, f"{where}/NtryDtls", "transaktionerne summerer ikke til Amt / details do not sum to Amt")
        return [
            CamtEntry(
                number,
                f"{where}/NtryDtls/TxDtls[{i}]",
                booked,
                p[0] * p[1],  # type: ignore[operator]
                currency,
                p[3] or extra,
                refs(p[2]),
                reversal,
                pending,
            )
            for i, p in enumerate(parts, 1)
        ]
    found = [r for p in parts for r in p[2]]
    text = " ".join(t for t in (*(p[3] for p in parts), extra) if t)
    return [CamtEntry(number, where, booked, amount * sign, currency, text, refs(found), reversal, pending)]


def _amount(path: Path, ntry: ET.Element, names: _Names, where: str) -> tuple[int, str]:
    node = ntry.find(names.amt)
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


def _date(path: Path, ntry: ET.Element, names: _Names, where: str) -> date:
    for shown, date_path in names.dates:
        text = ntry.findtext(date_path)
        if text:
            try:
                return parse_date(text.strip()[:10])
            except ValueFormatError:
                raise _invalid(path, f"{where}/{shown}", f"ugyldig dato / invalid date {text!r}") from None
    raise _invalid(path, f"{where}/BookgDt", "mangler bogførings- og valørdato / booking and value date missing")
