"""Mutual TLS for Digital Post: the system certificate, and telling a refused certificate from a lost connection."""

from __future__ import annotations

import socket
import ssl
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from cryptography import x509
from pydantic import SecretStr

from sepbots.exceptions import ApplicationException, ConfigError


def client_tls_context(cert_file: Path, key_file: Path, *, key_password: SecretStr | None = None,
                       ca_file: Path | None = None, now: datetime | None = None) -> ssl.SSLContext:
    """A TLS context that presents the system certificate and trusts ``ca_file`` (or the system store).

    Args:
        now: when given, a certificate that is not valid at ``now`` is refused here, before any connection.

    Raises:
        ConfigError: naming the setting when the certificate or key is missing, unreadable or expired.
    """
    for key, path in (("client_cert", cert_file), ("client_key", key_file), ("ca_file", ca_file)):
        if path is not None and not Path(path).is_file():
            raise ConfigError(f"certifikatfilen findes ikke / the certificate file does not exist: {path}", key=f"digitalpost.{key}")
    if now is not None:
        certificate = x509.load_pem_x509_certificate(Path(cert_file).read_bytes())
        if not certificate.not_valid_before_utc <= now <= certificate.not_valid_after_utc:
            raise ConfigError(f"klientcertifikatet {Path(cert_file).name} er kun gyldigt / "
                              f"the client certificate {Path(cert_file).name} is valid "
                              f"only: {certificate.not_valid_before_utc:%Y-%m-%d} – {certificate.not_valid_after_utc:%Y-%m-%d}",
                              key="digitalpost.client_cert")
    context = ssl.create_default_context(cafile=str(ca_file) if ca_file else None)
    try:
        context.load_cert_chain(str(cert_file), str(key_file),
                                password=key_password.get_secret_value() if key_password else None)
    except ssl.SSLError as exc:
        raise ConfigError(f"klientcertifikatet {Path(cert_file).name} eller dets nøgle kan ikke bruges / "
                          f"the client certificate {Path(cert_file).name} or its key cannot be used: {exc.reason}",
                          key="digitalpost.client_cert") from exc
    return context


def _tls_failure(exc: BaseException) -> str | None:
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLError):
            return seen.reason or type(seen).__name__
        seen = seen.__cause__ or seen.__context__
    return None


def probe_tls(url: str, context: ssl.SSLContext, timeout_s: float = 10.0) -> str | None:
    """Why the server refuses our TLS session, or None when it answers HTTP over it.

    With TLS 1.3 the server checks the client certificate after the client thinks the handshake is
    done; a server that then drops the connection without an alert looks like any lost connection.
    One fresh connection and a ``HEAD`` tell the two apart: a server that refuses the certificate
    closes it again (or sends an alert) before any HTTP answer.
    """
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 443
    try:
        with socket.create_connection((host, port), timeout=timeout_s) as raw, \
                context.wrap_socket(raw, server_hostname=host) as tls:
            tls.sendall(f"HEAD / HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode("ascii"))
            answer = tls.recv(16)
    except ssl.SSLError as exc:
        return exc.reason or type(exc).__name__
    except OSError:
        return None  # not a TLS matter: unreachable, reset — a transient failure
    return None if answer.startswith(b"HTTP/") else "the server closed the connection: it did not accept the client certificate"


def tls_refusal(exc: httpx.TransportError, url: str, context: ssl.SSLContext, timeout_s: float,
                service: str = "Digital Post") -> ApplicationException | None:
    """``DP_TLS_REFUSED`` when ``exc`` is the server refusing our TLS session (retrying cannot help), else None."""
    failure = _tls_failure(exc) or probe_tls(url, context, timeout_s)
    if failure is None:
        return None
    return ApplicationException(f"{service} afviste TLS-forbindelsen; tjek systemets certifikat, dets nøgle og serverens "
                                "CA-certifikat / "
                                f"{service} refused the TLS connection; check the system certificate, its key and the server's "
                                f"CA certificate: {failure}", code="DP_TLS_REFUSED")
