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

Parsed streaming with :class:`xml.etree.ElementTree.XMLPullParser` (what ``iterparse`` wraps, fed
here directly); each ``Ntry`` is cleared once read, so a file of 100,000 entries stays small in
memory. Each entry's children are read in one pass, dispatched by their qualified tag to a slot (no
``find``/path lookups). (lxml's ``iterparse`` filtered on ``Ntry`` was tried twice, the second time
with the same one-pass reading: libxml2 parses faster, but every element proxy, ``.tag`` and
``.text`` is built on access, and it read 100,000 entries ~15 % slower than ElementTree, whose
elements are built once, in C; one compiled XPath ``concat()`` per entry was slower still, see
docs/benchmarks.md.) No XSD can be fetched here, so the structure is checked by hand: the namespace,
the container with ``Id`` and ``Acct``, and per entry an ``Amt`` with ``Ccy`` and at most two
decimals, ``CdtDbtInd`` of ``CRDT``/``DBIT``, and a booking or value date. Every error names the
element path (``Ntfctn[1]/Ntry[17]/Amt``).

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
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import partial
from itertools import chain
from pathlib import Path
from typing import NamedTuple, cast

from sepbots.exceptions import InputError
from sepbots.reconcile.accounts import AccountChoice
from sepbots.reconcile.models import Balance, new_tuple
from sepbots.sheets import parse_date, parse_ore
from sepbots.sheets.values import ValueFormatError

__all__ = ["CAMT_VERSIONS", "CamtEntry", "camt_message", "iter_camt"]

CAMT_VERSIONS = tuple(f"001.{v:02d}" for v in range(2, 14))
_NAMESPACE = re.compile(r"urn:iso:std:iso:20022:tech:xsd:(camt\.05[34])\.(001\.\d\d)")
_CONTAINER = {"camt.053": "Stmt", "camt.054": "Ntfctn"}
_ROOT_TAG = re.compile(r"<(?:\w+:)?Document\b[^>]*>")
_DECLARED = re.compile(r"\sxmlns(?::\w+)?=[\"']([^\"']*)[\"']")
_BOOKED = ("BOOK", "")
_NOT_PROVIDED = "NOTPROVIDED"
_PLAIN_AMOUNT = re.compile(r"([0-9]{1,15})(?:\.([0-9]{1,2}))?")
_CHUNK = 64 * 1024


class CamtEntry(NamedTuple):
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
    account: str = ""  # the statement's account (``Acct/Id``: IBAN, else ``Othr/Id``)


def camt_message(head: bytes) -> str | None:
    """``"camt.054.001.08"`` for a file starting with ``head`` (its first KB), else ``None``."""
    match = _NAMESPACE.search(head.decode("utf-8", "replace"))
    if match is None or match.group(2) not in CAMT_VERSIONS:
        return None
    return f"{match.group(1)}.{match.group(2)}"


def iter_camt(path: Path, account: str | None = None, balances: list[Balance] | None = None) -> Iterator[CamtEntry]:
    """Yield the entries of a camt.053 or camt.054 file, validating its structure as it goes.

    Args:
        path: the file.
        account: the account to read when the file holds statements for several (see
            :mod:`sepbots.reconcile.accounts`); the other accounts' entries are skipped unread.
        balances: receives the balances (``Bal``) the account's statements state, in file order;
            one that cannot be read (no amount or date) is left out — they feed a control, not the lines.

    Raises:
        InputError: not well-formed XML, a DOCTYPE, an unknown namespace or version, a
            missing/invalid element (the message names the element path); several accounts and
            none chosen, or the chosen one not in the file (the message names the accounts).
    """
    with path.open("rb") as fh:
        head = fh.read(4096)
    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
        raise _invalid(path, "Document", "DOCTYPE/ENTITY er ikke tilladt / DOCTYPE/ENTITY is not allowed")
    names = _names(path, head)
    # The hot loop: end events only (one per element), precomputed tags, no element-path stack.
    # The pull parser is fed directly (what iterparse does, one generator layer less per event).
    ntry_tag, container_tag, acct_tag, bal_tag = names.ntry, names.container, names.acct, names.bal
    containers = in_container = number = 0
    choice = AccountChoice(path, account)
    statement_account = ""
    # A container's own Acct, then its Bal elements, come before its first Ntry: ``header`` holds
    # until then, ``account_next`` until its Acct has been read.
    header = account_next = True
    reading = True  # the container's account is read
    entry_prefix = f"{names.prefix}[1]/Ntry["
    currency: str | None = None
    dates: dict[str, date] = {}  # a file has few distinct date texts
    parser: ET.XMLPullParser[ET.Element] = ET.XMLPullParser(("end",))
    # end events only, so every event is ("end", element); typeshed types it as any event kind
    read_events = cast(Callable[[], Iterator[tuple[str, ET.Element]]], parser.read_events)
    element: ET.Element | None = None
    try:
        with path.open("rb") as fh:
            for data in chain(iter(partial(fh.read, _CHUNK), b""), (None,)):
                if data is None:
                    parser.close()
                else:
                    parser.feed(data)
                for _, element in read_events():
                    tag = element.tag
                    if tag == ntry_tag:
                        header = False
                        number += 1
                        in_container += 1
                        if not reading:  # another account's entry
                            element.clear()
                            continue
                        where = f"{entry_prefix}{in_container}]"
                        for entry in _entries(path, element, names, where, number, dates, statement_account):
                            if not entry.pending:
                                if currency is None:
                                    currency = entry.currency
                                elif entry.currency != currency:
                                    raise _invalid(path, where + "/Amt", f"blandet valuta / mixed currency {entry.currency}")
                            yield entry
                        element.clear()
                    elif header and tag in (acct_tag, bal_tag):  # a flag test first: most elements are neither
                        if tag == bal_tag:
                            if reading and balances is not None:
                                balance = _balance(element, names, dates)
                                if balance is not None:
                                    balances.append(balance)
                        elif account_next:
                            account_next = False
                            statement_account = _account_id(element, names)
                            reading = choice.admits(statement_account)
                    elif tag == container_tag:
                        containers += 1
                        in_container = 0
                        header = account_next = True
                        entry_prefix = f"{names.prefix}[{containers + 1}]/Ntry["
                        for required, child in (("Id", names.id), ("Acct", names.acct)):
                            if element.find(child) is None:
                                raise _invalid(path, f"{names.prefix}[{containers}]/{required}", "mangler / missing")
                        element.clear()
    except ET.ParseError as exc:
        line, column = exc.position
        raise InputError(
            f"ugyldig XML ved linje {line}, tegn {column} / not well-formed XML at line {line}, char {column}",
            file=path,
            row=line,
        ) from None
    root = element  # the last element to end is the root
    if root is None or root.tag != names.document:
        raise _invalid(path, "Document", "rodelementet er ikke Document / the root element is not Document")
    if containers == 0:
        raise _invalid(path, names.prefix, "mangler / missing")
    choice.finish()


# Slots of an entry's children and of a transaction's (``TxDtls``), looked up by qualified tag.
_AMT, _IND, _RVSL, _STS, _BOOKG, _VAL, _ADDTL, _SVC, _DTLS = range(9)
_REFS, _RMT, _AMT_DTLS, _TX_AMT, _TX_IND, _ADDTL_TX = range(6)


class _Names:
    """Qualified tag names of one namespace, computed once per file."""

    def __init__(self, ns: str, container: str) -> None:
        def q(name: str) -> str:
            return f"{{{ns}}}{name}"

        root = "BkToCstmrStmt" if container == "Stmt" else "BkToCstmrDbtCdtNtfctn"
        self.prefix = f"Document/{root}/{container}"
        self.document, self.container, self.ntry = q("Document"), q(container), q("Ntry")
        self.id, self.acct, self.iban, self.othr = q("Id"), q("Acct"), q("IBAN"), q("Othr")
        self.bal, self.tp, self.ind, self.dt = q("Bal"), q("Tp"), q("CdtDbtInd"), q("Dt")
        self.cd, self.prtry = q("Cd"), q("Prtry")
        self.dates = {q("Dt"): "Dt", q("DtTm"): "DtTm"}
        self.tx, self.e2e, self.instr, self.svc = q("TxDtls"), q("EndToEndId"), q("InstrId"), q("AcctSvcrRef")
        self.ustrd, self.strd, self.cdtr_ref_inf, self.ref = q("Ustrd"), q("Strd"), q("CdtrRefInf"), q("Ref")
        self.tx_amt, self.amt = q("TxAmt"), q("Amt")
        self.entry = {
            q("Amt"): _AMT, q("CdtDbtInd"): _IND, q("RvslInd"): _RVSL, q("Sts"): _STS, q("BookgDt"): _BOOKG,
            q("ValDt"): _VAL, q("AddtlNtryInf"): _ADDTL, q("AcctSvcrRef"): _SVC, q("NtryDtls"): _DTLS,
        }  # fmt: skip
        self.transaction = {
            q("Refs"): _REFS, q("RmtInf"): _RMT, q("AmtDtls"): _AMT_DTLS, q("Amt"): _TX_AMT,
            q("CdtDbtInd"): _TX_IND, q("AddtlTxInf"): _ADDTL_TX,
        }  # fmt: skip


def _names(path: Path, head: bytes) -> _Names:
    """The tag names for the camt namespace declared at the top of the file (checked here)."""
    root = _ROOT_TAG.search(head.decode("utf-8", "replace"))
    declared = _DECLARED.findall(root.group(0)) if root else []
    ns = next((d for d in declared if _NAMESPACE.fullmatch(d)), declared[0] if declared else "")
    match = _NAMESPACE.fullmatch(ns)
    if match is None or match.group(2) not in CAMT_VERSIONS:
        raise _invalid(
            path,
            "Document",
            f"ikke et camt.053/054-dokument i version 001.02–001.13 (navnerum {ns or 'mangler'}) / "
            f"not a camt.053/054 document of version 001.02–001.13 (namespace {ns or 'missing'})",
        )
    return _Names(ns, _CONTAINER[match.group(1)])


def _account_id(acct: ET.Element, names: _Names) -> str:
    """``Acct/Id/IBAN``, else ``Acct/Id/Othr/Id`` (the bank's own account id), else ``""``."""
    for ident in acct:
        if ident.tag == names.id:
            for choice in ident:
                if choice.tag == names.iban:
                    return (choice.text or "").strip()
                if choice.tag == names.othr:
                    return _first_text(choice, names.id)
    return ""


def _balance(bal: ET.Element, names: _Names, dates: dict[str, date]) -> Balance | None:
    """A ``Bal``: its code (``Tp/CdOrPrtry/Cd``, else ``Prtry``), signed amount and date; ``None`` when unreadable."""
    code = ""
    amount: str | None = None
    sign = 1
    day: date | None = None
    for child in bal:
        tag = child.tag
        if tag == names.tp:
            for choice in child:  # CdOrPrtry
                code = _first_text(choice, names.cd) or _first_text(choice, names.prtry)
        elif tag == names.amt:
            amount = (child.text or "").strip()
        elif tag == names.ind:
            sign = -1 if (child.text or "").strip() == "DBIT" else 1
        elif tag == names.dt:
            for node in child:
                text = (node.text or "").strip()
                if text and node.tag in names.dates:
                    day = dates.get(text)
                    if day is None:
                        try:
                            day = dates[text] = parse_date(text[:10])
                        except ValueFormatError:
                            return None
    ore = _plain_ore(amount or "")
    if ore is None or day is None or not code:
        return None
    return Balance(code.upper(), sign * ore, day)


def _invalid(path: Path, where: str, message: str) -> InputError:
    return InputError(f"camt er ugyldig ved / camt is invalid at {where}: {message}", file=path, column=where)


def _text(node: ET.Element | None) -> str:
    return (node.text or "").strip() if node is not None else ""


def _transaction(tx: ET.Element, names: _Names) -> tuple[ET.Element | None, str, str | None, list[str], str]:
    """One ``TxDtls`` in one pass over its children: its amount element and that element's path,
    its own ``CdtDbtInd``, its references in order and its text."""
    strd: list[str] = []
    e2e = instr = svc = extra = ""
    texts: list[str] = []
    amount: ET.Element | None = None
    amount_path = "Amt"
    indicator: str | None = None
    slot_of = names.transaction.get
    for child in tx:
        slot = slot_of(child.tag)
        if slot is None:
            continue
        if slot == _REFS:
            e2e_tag, instr_tag, svc_tag = names.e2e, names.instr, names.svc
            for ref in child:
                tag = ref.tag
                if tag == e2e_tag:
                    e2e = (ref.text or "").strip()
                elif tag == instr_tag:
                    instr = (ref.text or "").strip()
                elif tag == svc_tag:
                    svc = (ref.text or "").strip()
        elif slot == _RMT:
            ustrd_tag, strd_tag = names.ustrd, names.strd
            for part in child:
                tag = part.tag
                if tag == ustrd_tag:
                    texts.append((part.text or "").strip())
                elif tag == strd_tag:
                    strd += [_text(r) for info in part if info.tag == names.cdtr_ref_inf for r in info if r.tag == names.ref]
        elif slot == _AMT_DTLS:  # 001.02: the transaction's own amount lives here
            node = next((a for tx_amt in child if tx_amt.tag == names.tx_amt for a in tx_amt if a.tag == names.amt), None)
            if node is not None:
                amount, amount_path = node, "AmtDtls/TxAmt/Amt"
        elif slot == _TX_AMT:
            if amount is None:
                amount = child
        elif slot == _TX_IND:
            indicator = child.text
        else:
            extra = _text(child)
    refs = [r for r in strd if r] if strd else []
    if e2e and e2e.upper() != _NOT_PROVIDED:
        refs.append(e2e)
    if instr and instr.upper() != _NOT_PROVIDED:
        refs.append(instr)
    if svc:
        refs.append(svc)
    if len(texts) == 1 and not extra:
        return amount, amount_path, indicator, refs, texts[0]
    return amount, amount_path, indicator, refs, " ".join(t for t in (*texts, extra) if t)


def _entries(
    path: Path, ntry: ET.Element, names: _Names, where: str, number: int, dates: dict[str, date], account: str
) -> list[CamtEntry]:
    kids: list[ET.Element | None] = [None] * 9  # the last child of each kind (indexed by slot), as before
    dtls: list[ET.Element] = []
    slot_of = names.entry.get
    for child in ntry:
        slot = slot_of(child.tag)
        if slot == _DTLS:
            dtls.append(child)
        elif slot is not None:
            kids[slot] = child
    node = kids[_AMT]
    if node is None:
        raise _invalid(path, f"{where}/Amt", "mangler / missing")
    amount, currency = _parse_amount(path, node, where, "Amt")
    indicator_node = kids[_IND]
    indicator = indicator_node.text if indicator_node is not None else None
    if indicator not in ("CRDT", "DBIT"):
        raise _invalid(path, f"{where}/CdtDbtInd", f"skal være CRDT eller DBIT / must be CRDT or DBIT: {indicator!r}")
    sign = 1 if indicator == "CRDT" else -1
    booked = _date(path, kids, names, where, dates)
    node = kids[_RVSL]
    reversal = node is not None and (node.text or "").strip().lower() in ("true", "1")
    status = kids[_STS]
    pending = False
    if status is not None:
        code = (status.text or "").strip()
        if not code:  # <Sts><Cd>BOOK</Cd></Sts> (or Prtry): the first Cd child's text, else the first Prtry's
            code = _first_text(status, names.cd) or _first_text(status, names.prtry)
        pending = code.upper() not in _BOOKED
    node = kids[_ADDTL]
    extra = (node.text or "").strip() if node is not None else ""
    node = kids[_SVC]
    entry_ref = (node.text or "").strip() if node is not None else ""
    parts = []
    index = 0
    tx_tag = names.tx
    for group in dtls:
        for tx in group:
            if tx.tag != tx_tag:
                continue
            index += 1
            node, amount_path, tx_indicator, found, text = _transaction(tx, names)
            tx_amount = None
            if node is not None:
                tx_amount = _parse_amount(path, node, where, f"NtryDtls/TxDtls[{index}]/{amount_path}")[0]
            tx_sign = sign if tx_indicator is None else (1 if tx_indicator == "CRDT" else -1)
            parts.append((tx_amount, tx_sign, found, text))
    if len(parts) > 1 and all(p[0] is not None for p in parts):
        if sum(a * s for a, s, _, _ in parts if a is not None) != amount * sign:
            raise _invalid(path, f"{where}/NtryDtls", "transaktionerne summerer ikke til Amt / details do not sum to Amt")
        return [
            CamtEntry(
                number,
                f"{where}/NtryDtls/TxDtls[{i}]",
                booked,
                p[0] * p[1],  # type: ignore[operator]  # every p[0] was checked for None above
                currency,
                p[3] or extra,
                _references(p[2], entry_ref),
                reversal,
                pending,
                account,
            )
            for i, p in enumerate(parts, 1)
        ]
    if len(parts) == 1:  # the common entry: one transaction
        found, text = parts[0][2], parts[0][3]
        if extra:
            text = f"{text} {extra}" if text else extra
    else:
        found = [r for p in parts for r in p[2]]
        text = " ".join(t for t in (*(p[3] for p in parts), extra) if t)
    references = _references(found, entry_ref)
    return [new_tuple(CamtEntry, (number, where, booked, amount * sign, currency, text, references, reversal, pending, account))]



def _references(found: list[str], entry_ref: str) -> tuple[str, ...]:
    """The transaction's references, then the entry's ``AcctSvcrRef``; each once, in order."""
    if entry_ref:
        found = [*found, entry_ref]
    return tuple(dict.fromkeys(found)) if len(found) > 1 else tuple(found)


def _first_text(parent: ET.Element, tag: str) -> str:
    for child in parent:
        if child.tag == tag:
            return (child.text or "").strip()
    return ""


def _parse_amount(path: Path, node: ET.Element, entry: str, element: str) -> tuple[int, str]:
    """The amount in øre and its currency; an error names ``{entry}/{element}``."""
    currency = node.get("Ccy")
    if not currency or len(currency) != 3:
        raise _invalid(path, f"{entry}/{element}", "mangler Ccy / missing Ccy")
    text = (node.text or "").strip()
    ore = _plain_ore(text)
    if ore is not None:  # the common form, read without Decimal: "1234.5", "1234.56"
        return ore, currency
    try:
        value = Decimal(text)
        if not value.is_finite() or value < 0 or text.startswith(("+", "-")):
            raise InvalidOperation
        return parse_ore(value), currency
    except (InvalidOperation, ValueFormatError):
        raise _invalid(path, f"{entry}/{element}", f"ugyldigt beløb / invalid amount {text!r}") from None


def _plain_ore(text: str) -> int | None:
    """``"1234.5"`` → 123450 øre; ``None`` for any other form (signs, exponents, more decimals)."""
    plain = _PLAIN_AMOUNT.fullmatch(text)
    if plain is None:
        return None
    whole, fraction = plain.groups()
    return int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)


def _date(path: Path, kids: list[ET.Element | None], names: _Names, where: str, dates: dict[str, date]) -> date:
    """The booking date, else the value date (``Dt`` or ``DtTm``); ``dates`` caches parsed texts."""
    for node in (kids[_BOOKG], kids[_VAL]):
        if node is None:
            continue
        for child in node:
            text = child.text
            if text and child.tag in names.dates:
                day = dates.get(text)
                if day is None:
                    try:
                        day = dates[text] = parse_date(text.strip()[:10])
                    except ValueFormatError:
                        shown = "BookgDt" if node is kids[_BOOKG] else "ValDt"
                        raise _invalid(path, f"{where}/{shown}/{names.dates[child.tag]}", f"ugyldig dato / invalid date {text!r}") from None
                return day
    raise _invalid(path, f"{where}/BookgDt", "mangler bogførings- og valørdato / booking and value date missing")
