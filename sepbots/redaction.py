"""Redaction of CPR numbers and secrets from every text sepbots writes.

A CPR number is found in any of the shapes people and systems write it (``sepbots.dk.cpr.CPR_IN_TEXT``:
``DDMMYY-SSSS``, ``DDMMYYSSSS``, ``DD.MM.YY-SSSS``, ``DD-MM-YY-SSSS``, ``DDMMYY/SSSS``, non-breaking
spaces, en dashes, double spaces, full-width digits) when its first six digits form a real date under
the century rule. Modulus 11 is deliberately *not* required: numbers without a valid check digit
have been issued since 2007. A found number is replaced by a token ``[CPR:1a2b3c4d]`` — a keyed
hash, the same for the same number, so an operator can correlate lines about one citizen (and
answer an access request, ``sepbots audit lookups``) without the number ever being stored.
Integers of ten digits that are CPR numbers (``1301901313``) are replaced too, and so are dict keys.

Registered secret values (passwords from the vault) are replaced by ``[SECRET]`` — also in the
forms they take in URLs, JSON and HTML.
"""

from __future__ import annotations

import hashlib
import hmac
import html
import json
import threading
from collections.abc import Mapping
from typing import Any
from urllib.parse import quote, quote_plus

from sepbots.dk.cpr import CPR_IN_TEXT, cpr_birth_date, cpr_digits_of

SECRET_TOKEN = "[SECRET]"
_MIN_SECRET = 4
_SEQUENCES = (list, tuple)
_TEN_DIGITS = range(1_000_000_000, 10_000_000_000)
_MAX_CLEAN_KEYS = 4096


def secret_forms(value: str) -> set[str]:
    """The ways ``value`` shows up in text: as is, URL-encoded (path and form), JSON- and HTML-escaped.

    Base64 is not among them: it encodes whole strings in 3-byte groups, so a secret inside an encoded
    ``user:password`` pair has no fixed form to look for (and an extra form per secret costs every log line).
    """
    forms = {
        value,
        quote(value, safe=""),
        quote(value),
        quote_plus(value),
        json.dumps(value, ensure_ascii=False)[1:-1],
        json.dumps(value)[1:-1],
        html.escape(value),
        html.escape(value, quote=False),
    }
    forms |= {f.lower() for f in forms if "%" in f}  # some clients write %2f rather than %2F
    return {f for f in forms if len(f) >= _MIN_SECRET}


class Redactor:
    """Removes CPR numbers and registered secrets from text and nested data.

    Args:
        key: the key for CPR correlation tokens (``KeyRing.pseudonym_key``).
    """

    def __init__(self, key: bytes) -> None:
        self._key = key
        self._secrets: tuple[str, ...] = ()
        self._lock = threading.Lock()
        # Dict keys are mostly a small vocabulary (``item_id``, ``state``): one found clean is remembered,
        # so redacting keys costs a set lookup. Bounded; emptied when a secret is registered.
        self._clean_keys: set[str] = set()

    def add_secret(self, value: str) -> None:
        """Register a secret value; it (and its encoded forms) is replaced wherever it appears from now on."""
        if len(value) < _MIN_SECRET:
            # Too short to redact without destroying ordinary text; still never logged by us.
            return
        with self._lock:
            # Longest first, so a secret containing another is replaced whole.
            self._secrets = tuple(sorted({*self._secrets, *secret_forms(value)}, key=len, reverse=True))
            self._clean_keys = set()

    def digest(self, digits: str) -> str:
        """The full keyed hash (hex) of a CPR number's 10 digits; the token is its first 8 characters."""
        return hmac.new(self._key, digits.encode("ascii"), hashlib.sha256).hexdigest()

    def token(self, digits: str) -> str:
        """The correlation token for a CPR number (10 digits)."""
        return f"[CPR:{self.digest(digits)[:8]}]"

    def name_token(self, text: str) -> str:
        """A keyed token for a name that must not be written as typed (an unknown login name).

        A name that is a CPR number gets that number's token, so an access request finds it.
        """
        found = CPR_IN_TEXT.fullmatch(text.strip())
        digits = cpr_digits_of(found) if found else None
        if digits is not None:
            return self.token(digits)
        mac = hmac.new(self._key, b"name:" + text.encode("utf-8"), hashlib.sha256).hexdigest()
        return f"[NAME:{mac[:8]}]"

    def value_token(self, value: object) -> str:
        """A keyed token for any value (``[VAL:1a2b3c4d]``): the same value gives the same token, the value
        itself cannot be read back — for audit rows that say *which* field changed without saying to what."""
        mac = hmac.new(self._key, b"value:" + str(value).encode("utf-8"), hashlib.sha256).hexdigest()
        return f"[VAL:{mac[:8]}]"

    def _cpr_sub(self, match: Any) -> str:
        digits = cpr_digits_of(match)
        return match.group(0) if digits is None else self.token(digits)

    def redact(self, text: str) -> str:
        """``text`` with every CPR number and registered secret replaced."""
        for secret in self._secrets:
            if secret in text:
                text = text.replace(secret, SECRET_TOKEN)
        return CPR_IN_TEXT.sub(self._cpr_sub, text)

    def redact_key(self, key: str) -> str:
        """``redact`` for a dict key, remembering keys that need nothing."""
        if key in self._clean_keys:
            return key
        redacted = self.redact(key)
        if redacted == key and len(self._clean_keys) < _MAX_CLEAN_KEYS:
            self._clean_keys.add(key)
        return redacted

    def redact_int(self, value: int) -> int | str:
        """A ten-digit integer that is a CPR number becomes its token; any other integer stays."""
        if value in _TEN_DIGITS:
            digits = str(value)
            if cpr_birth_date(digits) is not None:
                return self.token(digits)
        return value

    def redact_obj(self, value: Any) -> Any:
        """A copy of nested dicts/lists/tuples with every string, dict key and CPR-valued integer redacted."""
        if isinstance(value, str):
            return self.redact(value)
        if value is None or isinstance(value, float):  # the common cases first: ABC checks are slow
            return value
        if isinstance(value, int):
            return value if isinstance(value, bool) else self.redact_int(value)
        if isinstance(value, (dict, Mapping)):
            clean = self._clean_keys
            return {(k if k in clean else self._key_of(k)): self.redact_obj(v) for k, v in value.items()}
        if isinstance(value, _SEQUENCES):
            return [self.redact_obj(v) for v in value]
        return value

    def _key_of(self, key: Any) -> Any:
        if isinstance(key, str):
            return self.redact_key(key)
        return key if isinstance(key, bool) or not isinstance(key, int) else self.redact_int(key)

    def contains_cpr(self, text: str) -> bool:
        """Whether ``text`` holds something that would be redacted as a CPR number."""
        return any(cpr_digits_of(m) is not None for m in CPR_IN_TEXT.finditer(text))
