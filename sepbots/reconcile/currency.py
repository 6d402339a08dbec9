"""The currency check: a statement is only reconciled against a ledger kept in its currency.

The statement states its currency (camt ``Amt/@Ccy``, MT940 ``:60F:``, a CSV ``Valuta`` column);
the ledger states it in a currency column, or it is the configured account currency, or DKK —
a Danish municipality keeps its books in kroner. A mismatch stops the run naming both, instead of
matching euro amounts against kroner.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from sepbots.exceptions import InputError
from sepbots.reconcile.models import Line, Lines

__all__ = ["DEFAULT_CURRENCY", "check_currency"]

DEFAULT_CURRENCY = "DKK"


def _stated(lines: Sequence[Line]) -> str | None:
    return lines.currency if isinstance(lines, Lines) else None


def _path(lines: Sequence[Line]) -> Path | None:
    return lines.path if isinstance(lines, Lines) else None


def check_currency(bank: Sequence[Line], ledger: Sequence[Line], account_currency: str | None = None) -> str:
    """Return the reconciliation's currency, or raise if the two sides (or the account) disagree.

    Raises:
        InputError: the statement's, the ledger's or the configured account currency differ;
            the message names both currencies.
    """
    bank_ccy, ledger_ccy = _stated(bank), _stated(ledger)
    if account_currency and ledger_ccy and ledger_ccy != account_currency:
        raise InputError(
            f"bogføringen er i {ledger_ccy}, kontoens valuta (account_currency) er {account_currency} / "
            f"the ledger is in {ledger_ccy}, the account currency (account_currency) is {account_currency}",
            file=_path(ledger),
        )
    expected = account_currency or ledger_ccy or DEFAULT_CURRENCY
    if bank_ccy and bank_ccy != expected:
        if account_currency:
            da = f"kontoens valuta (account_currency) er {expected}"
            en = f"the account currency (account_currency) is {expected}"
        else:
            da, en = f"bogføringen er i {expected}", f"the ledger is in {expected}"
        raise InputError(
            f"kontoudtoget er i {bank_ccy}, {da} / the statement is in {bank_ccy}, {en}",
            file=_path(bank),
        )
    return expected
