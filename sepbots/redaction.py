"""Redaction of CPR numbers and secrets from every text sepbots writes.

A CPR number is ``DDMMYY-SSSS`` or ``DDMMYYSSSS`` (a space also counts as separator) whose first
six digits form a real date under the century rule. Modulus 11 is deliberately *not* required:
numbers without a valid check digit have been issued since 2007. A found number is replaced by
a token ``[CPR:1a2b3c4d]`` — a keyed hash, the same for the same number, so an operator can
correlate lines about one citizen without the number ever being stored.
Registered secret values (passwords from the vault) are replaced by ``[SECRET]``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import threading
from collections.abc import Mapping
from typing import Any

from sepbots.dk import cpr_birth_date

_CPR = re.compile(r"(?<![0-9])([0-9]{6})[- ]?([0-9]{4})(?![0-9])")
SECRET_TOKEN = "[SECRET]"
_MIN_SECRET = 4
_SCALARS = (int, float)  # bool is an int
_SEQUENCES = (list, tuple)


class Redactor:
    """Removes CPR numbers and registered secrets from text and nested data.

    Args:
        key: the key for CPR correlation tokens (``KeyRing.pseudonym_key``).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()

    def add_secret(self, value: str) -> None:
        """Register a secret value; it is replaced wherever it appears from now on."""
        if len(value) < _MIN_SECRET:
            # Too short to redact without destroying ordinary text; still never logged by us.
            return
        with self._lock:
            if value not in self._secrets:
                # Longest first, so a secret containing another is replaced whole.
                self._secrets = tuple(sorted((*self._secrets, value), key=len, reverse=True))

    def token(self, digits: str) -> str:
        """The correlation token for a CPR number (10 digits)."""
        mac = hmac.new(self._key, digits.encode("ascii"), hashlib.sha256).hexdigest()
        return f"[CPR:{mac[:8]}]"

    def value_token(self, value: object) -> str:
        """A keyed token for any value (``[VAL:1a2b3c4d]``): the same value gives the same token, the value
        itself cannot be read back — for audit rows that say *which* field changed without saying to what."""
        mac = hmac.new(self._key, b"value:" + str(value).encode("utf-8"), hashlib.sha256).hexdigest()
        return f"[VAL:{mac[:8]}]"

    def _cpr_sub(self, match: re.Match[str]) -> str:
        digits = match.group(1) + match.group(2)
        if cpr_birth_date(digits) is None:
            return match.group(0)
        return self.token(digits)

    def redact(self, text: str) -> str:
        """``text`` with every CPR number and registered secret replaced."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, SECRET_TOKEN)
        return _CPR.sub(self._cpr_sub, text)

    def redact_obj(self, value: Any) -> Any:
        """A copy of nested dicts/lists/tuples with every string redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if value is None or isinstance(value, _SCALARS):  # the common cases first: ABC checks are slow
            return value
        if isinstance(value, (dict, Mapping)):
            return {k: self.redact_obj(v) for k, v in value.items()}
        if isinstance(value, _SEQUENCES):
            return [self.redact_obj(v) for v in value]
        return value

    def contains_cpr(self, text: str) -> bool:
        """Whether ``text`` holds something that would be redacted as a CPR number."""
        return any(cpr_birth_date(m.group(1) + m.group(2)) is not None for m in _CPR.finditer(text))
