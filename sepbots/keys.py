"""The installation key: encrypts credentials and item payloads, and keys the audit chain and CPR tokens.

The key comes from the ``SEPBOTS_KEY`` environment variable (read by the entry point and passed
in) or from a key file with owner-only permissions, created only by ``sepbots init``. It never appears on a
command line. Each purpose gets its own derived key, so the audit key cannot decrypt payloads.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from sepbots.exceptions import VaultError
from sepbots.files import private_dir


@dataclass(frozen=True)
class KeyRing:
    """The master key and the keys derived from it."""

    master: bytes

    def _derive(self, purpose: bytes) -> bytes:
        return hmac.new(self.master, purpose, hashlib.sha256).digest()

    @property
    def fernet(self) -> Fernet:
        """Encrypts credentials and payloads."""
        import base64

        return Fernet(base64.urlsafe_b64encode(self._derive(b"sepbots/fernet/v1")))

    @property
    def audit_key(self) -> bytes:
        """Keys the audit hash chain: editing rows without this key cannot forge the chain."""
        return self._derive(b"sepbots/audit/v1")

    @property
    def pseudonym_key(self) -> bytes:
        """Keys the correlation tokens that replace CPR numbers in logs."""
        return self._derive(b"sepbots/pseudonym/v1")

    def check_token(self) -> bytes:
        return self.fernet.encrypt(b"sepbots-key-check")

    def matches(self, token: bytes) -> bool:
        try:
            return self.fernet.decrypt(token) == b"sepbots-key-check"
        except InvalidToken:
            return False


def load_keyring(key_file: Path, env_key: str | None = None, *, create: bool = False) -> KeyRing:
    """Load the installation key.

    Args:
        key_file: the key file (created with owner-only permissions when missing and ``create``).
        env_key: the value of ``SEPBOTS_KEY`` if set; wins over the file.
        create: create a new key file when none exists.

    Raises:
        VaultError: the file is missing (and ``create`` is false), unreadable, or too open.
    """
    if env_key:
        return KeyRing(_decode(env_key.strip(), "SEPBOTS_KEY"))
    if key_file.exists():
        if sys.platform != "win32" and key_file.stat().st_mode & 0o077:
            raise VaultError(
                f"andre brugere kan læse nøglefilen / the key file is readable by other users: {key_file}; "
                f"kør/run: chmod 600 {key_file}"
            )
        try:
            return KeyRing(_decode(key_file.read_text(encoding="ascii").strip(), str(key_file)))
        except OSError as exc:
            raise VaultError(f"nøglefilen kan ikke læses / cannot read the key file {key_file}: {exc.strerror}") from exc
    if not create:
        raise VaultError(
            f"nøglefilen {key_file} findes ikke (indstillingen vault.key_file); kør: sepbots init eller sæt SEPBOTS_KEY "
            f"/ the key file {key_file} does not exist (setting vault.key_file); run: sepbots init or set SEPBOTS_KEY"
        )
    private_dir(key_file.parent)
    raw = os.urandom(32)
    partial = key_file.with_name(f".{key_file.name}.{os.getpid()}.new")
    fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="ascii") as fh:
            fh.write(raw.hex() + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.link(partial, key_file)  # never replaces a key another process wrote meanwhile
    except FileExistsError:
        return load_keyring(key_file)
    except OSError as exc:
        raise VaultError(f"nøglefilen kan ikke skrives / cannot write the key file {key_file}: {exc.strerror}") from exc
    finally:
        partial.unlink(missing_ok=True)
    return KeyRing(raw)


def _decode(text: str, source: str) -> bytes:
    try:
        raw = bytes.fromhex(text)
    except ValueError:
        raw = b""
    if len(raw) != 32:
        raise VaultError(f"nøglen er ikke 64 hexadecimale tegn / the key is not 64 hexadecimal characters: {source}")
    return raw


def new_key_text() -> str:
    """A fresh key, as text for ``SEPBOTS_KEY`` or a key file."""
    return os.urandom(32).hex()
