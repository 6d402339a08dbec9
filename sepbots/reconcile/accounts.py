"""Which account of a statement file to read, when the file holds several.

A camt.053/054 file carries one statement or notification per account (``Stmt``/``Ntfctn``, each
with its ``Acct``), and an MT940 file one statement per account (``:25:``); banks deliver the
day's statements for every account of an agreement in one file. Reconciling all of them against
one ledger would hand every line of the other accounts to a person as unmatched. So a file with
more than one account is refused unless the account to read is configured (``bank_account``),
and a configured account that the file does not hold is refused too; both errors name the
accounts the file holds.

An account is given as the file writes it (IBAN, or the bank's own account id) or, for a Danish
IBAN, as registration and account number (``3000 0012345678``, ``3000-12345678``): spaces and
dashes are ignored, letters compared without case, the account number padded to ten digits.
"""

from __future__ import annotations

from pathlib import Path

from sepbots.exceptions import InputError

__all__ = ["AccountChoice", "same_account"]


def _plain(value: str) -> str:
    return "".join(value.split()).replace("-", "").upper()


def same_account(given: str, stated: str) -> bool:
    """Whether the configured account ``given`` is the account ``stated`` in a file."""
    want, have = _plain(given), _plain(stated)
    if not want or not have:
        return False
    if want == have:
        return True
    # A Danish IBAN (DKkk + 4-digit registration number + 10-digit account number) given as reg + account.
    if have.startswith("DK") and len(have) == 18 and want.isdigit() and 5 <= len(want) <= 14:
        return have[4:] == want[:4] + want[4:].zfill(10)
    return False


class AccountChoice:
    """The accounts met in one file, and which of them are read.

    Call :meth:`admits` once per statement (not per entry), in file order, then :meth:`finish`.
    """

    def __init__(self, path: Path, wanted: str | None) -> None:
        self.path = path
        self.wanted = wanted.strip() if wanted and wanted.strip() else None
        self.accounts: list[str] = []  # as the file writes them, each once, in file order
        self.read: str | None = None  # the account whose entries are read

    def admits(self, account: str) -> bool:
        """Whether the entries of a statement for ``account`` are read."""
        if account not in self.accounts:
            self.accounts.append(account)
        if self.wanted is not None:
            if same_account(self.wanted, account):
                self.read = account
                return True
            return False
        if self.read is None:
            self.read = account
        return account == self.read

    @property
    def ambiguous(self) -> bool:
        """More than one account and none chosen."""
        return self.wanted is None and len(self.accounts) > 1

    def finish(self) -> str | None:
        """The account read (``None`` when the file names none).

        Raises:
            InputError: several accounts and none configured, or the configured one is not in the file.
        """
        found = ", ".join(a or "(uden id / no id)" for a in self.accounts) or "ingen / none"
        if self.ambiguous:
            raise InputError(
                f"filen har kontoudtog for flere konti ({found}); vælg kontoen med bank_account "
                f"(profile: --account) / the file holds statements for several accounts ({found}); "
                "choose one with bank_account (profile: --account)",
                file=self.path,
            )
        if self.wanted is not None and self.read is None:
            raise InputError(
                f"kontoen {self.wanted} findes ikke i filen (fundet: {found}) / "
                f"the account {self.wanted} is not in the file (found: {found})",
                file=self.path,
            )
        return self.read or None
