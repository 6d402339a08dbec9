"""How payloads are stored: JSON, encrypted with the installation key unless turned off."""

from __future__ import annotations

from cryptography.fernet import Fernet, InvalidToken
from pydantic import BaseModel

from sepbots.exceptions import VaultError


class PayloadCodec:
    """Encodes payload models to bytes for the database and back.

    Args:
        fernet: the installation's Fernet, or None to store plain JSON.
    """

    def __init__(self, fernet: Fernet | None) -> None:
        self._fernet = fernet

    @property
    def encrypts(self) -> bool:
        return self._fernet is not None

    def encode(self, payload: BaseModel) -> bytes:
        return self.encode_json(payload.model_dump_json().encode())

    def encode_json(self, raw: bytes) -> bytes:
        """A payload's JSON bytes as stored (encrypted when a key is loaded)."""
        return self._fernet.encrypt(raw) if self._fernet else raw

    def decode_raw(self, data: bytes, encrypted: bool) -> bytes:
        """The JSON bytes of a stored payload."""
        if not encrypted:
            return bytes(data)
        if self._fernet is None:
            raise VaultError("emnets data er krypteret, men ingen nøgle er indlæst / "
                             "this item's payload is encrypted, but no key is loaded")
        try:
            return self._fernet.decrypt(bytes(data))
        except InvalidToken as exc:
            raise VaultError("emnets data er krypteret med en anden nøgle / this item's payload was encrypted with another key") from exc
