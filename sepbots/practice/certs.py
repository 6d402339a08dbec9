"""Practice certificates: a private CA, a server certificate and system (client) certificates.

``sepbots practice digitalpost`` and the tests need real TLS with client certificates, as the
public sector's sending interface requires an OCES3/FOCES system certificate. This module makes a
throw-away CA and certificates it signs (EC P-256, the ``cryptography`` package), written as PEM.
Never use them outside practice.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Issued:
    """A certificate and its key as PEM files."""

    cert: Path
    key: Path


def _name(common_name: str, serial_number: str | None = None) -> x509.Name:
    parts = [x509.NameAttribute(NameOID.COUNTRY_NAME, "DK"), x509.NameAttribute(NameOID.ORGANIZATION_NAME, "sepbots praksis"),
             x509.NameAttribute(NameOID.COMMON_NAME, common_name)]
    if serial_number:  # OCES3 system certificates carry the organisation as "CVR:…" in serialNumber
        parts.append(x509.NameAttribute(NameOID.SERIAL_NUMBER, serial_number))
    return x509.Name(parts)


def _write(folder: Path, stem: str, cert: x509.Certificate, key: ec.EllipticCurvePrivateKey) -> Issued:
    folder.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = folder / f"{stem}.crt", folder / f"{stem}.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    return Issued(cert_path, key_path)


def _load(issued: Issued) -> tuple[x509.Certificate, ec.EllipticCurvePrivateKey]:
    cert = x509.load_pem_x509_certificate(issued.cert.read_bytes())
    key = serialization.load_pem_private_key(issued.key.read_bytes(), password=None)
    assert isinstance(key, ec.EllipticCurvePrivateKey)
    return cert, key


def make_ca(folder: Path, common_name: str = "sepbots praksis-CA", *, now: datetime | None = None) -> Issued:
    """A self-signed CA valid for a year, as ``{folder}/ca.crt`` and ``ca.key``."""
    now = now or datetime.now(UTC)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(common_name)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(minutes=5))
            .not_valid_after(now + timedelta(days=365))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, key_cert_sign=True, crl_sign=True, content_commitment=False,
                                         key_encipherment=False, data_encipherment=False, key_agreement=False,
                                         encipher_only=False, decipher_only=False), critical=True)
            .sign(key, hashes.SHA256()))
    return _write(folder, "ca", cert, key)


def issue(ca: Issued, folder: Path, stem: str, common_name: str, *, server: bool = False, cvr: str | None = None,
          days: int = 365, now: datetime | None = None) -> Issued:
    """A certificate signed by ``ca``: a server certificate for localhost, or a client (system) certificate.

    Args:
        days: validity from ``now``; a negative value gives a certificate that has already expired.
    """
    now = now or datetime.now(UTC)
    ca_cert, ca_key = _load(ca)
    key = ec.generate_private_key(ec.SECP256R1())
    start, end = sorted((now - timedelta(minutes=5), now + timedelta(days=days)))
    builder = (x509.CertificateBuilder().subject_name(_name(common_name, f"CVR:{cvr}" if cvr else None))
               .issuer_name(ca_cert.subject).public_key(key.public_key()).serial_number(x509.random_serial_number())
               .not_valid_before(start - timedelta(days=1) if days < 0 else start).not_valid_after(end)
               .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
               .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH if server
                                                     else ExtendedKeyUsageOID.CLIENT_AUTH]), critical=False))
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName(
            [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
    return _write(folder, stem, builder.sign(ca_key, hashes.SHA256()), key)


@dataclass(frozen=True)
class PracticePki:
    """Everything a practice run needs: the CA, the server's certificate and one system certificate."""

    ca: Issued
    server: Issued
    client: Issued


def practice_pki(folder: Path, *, sender_cvr: str = "29189854") -> PracticePki:
    """Make (or reuse, when all files exist) the practice CA, server and client certificates in ``folder``."""
    names = [folder / n for n in ("ca.crt", "ca.key", "server.crt", "server.key", "robot.crt", "robot.key")]
    if all(p.is_file() for p in names):
        return PracticePki(Issued(names[0], names[1]), Issued(names[2], names[3]), Issued(names[4], names[5]))
    ca = make_ca(folder)
    return PracticePki(ca, issue(ca, folder, "server", "localhost", server=True),
                       issue(ca, folder, "robot", "sepbots robot (praksis)", cvr=sender_cvr))
