"""A demo public-key infrastructure: one certificate authority and one signing certificate per agency.

Production agencies sign with certificates from a licensed CA (Ban Cơ yếu Chính phủ for state bodies), installed as
``<SIGNING_DIR>/<agency code>.pem`` and ``.key`` with the CA in ``SIGNING_TRUST_ROOTS``. For the demo and the tests
this module makes the same files itself with ``cryptography``: an RSA-2048 root CA (basic constraints CA, key usage
keyCertSign/cRLSign) and, per agency, an end-entity certificate for signing documents (key usage digitalSignature +
contentCommitment, subject and authority key identifiers). Everything is idempotent: existing, valid files that
chain to the current CA are kept.

The validity windows are wide on purpose (2020–2045): tests move the portal's clock across years, and a demo
certificate that expired under a frozen clock would make every signature look invalid for the wrong reason.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID
from django.conf import settings

from portal.models import Agency

CA_CERT = "ca.pem"
CA_KEY = "ca.key"
NOT_BEFORE = datetime(2020, 1, 1, tzinfo=UTC)
CA_NOT_AFTER = datetime(2045, 12, 31, tzinfo=UTC)
AGENCY_NOT_AFTER = datetime(2044, 12, 31, tzinfo=UTC)


def default_directory() -> Path:
    """``SIGNING_DIR``, or ``var/pki`` under the embedded defaults."""
    configured = getattr(settings, "SIGNING_DIR", None)
    return Path(configured) if configured else Path(settings.VAR_DIR) / "pki"


def agency_paths(agency_code: str, directory: Path | None = None) -> tuple[Path, Path]:
    """(certificate, private key) of an agency: ``<dir>/<agency code>.pem`` and ``.key``."""
    directory = directory or default_directory()
    return directory / f"{agency_code}.pem", directory / f"{agency_code}.key"


@dataclass
class PkiReport:
    directory: Path
    created: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _new_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _write_key(path: Path, key: rsa.RSAPrivateKey) -> None:
    data = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    # Created 0600 from the start: a private key is never readable by others, not even for an instant.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)


def _write_cert(path: Path, cert: x509.Certificate) -> None:
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))


def _load(cert_path: Path, key_path: Path) -> tuple[x509.Certificate, rsa.RSAPrivateKey] | None:
    try:
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError):
        return None
    if cert.public_key().public_numbers() != key.public_key().public_numbers():
        return None
    return cert, key


def _province() -> str:
    return getattr(settings, "PORTAL_PROVINCE", "") or "Việt Nam"


def ensure_ca(directory: Path | None = None, *, report: PkiReport | None = None):  # -> (cert, key)
    """The demo root CA, made once."""
    directory = directory or default_directory()
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / CA_CERT, directory / CA_KEY
    loaded = _load(cert_path, key_path)
    if loaded and loaded[0].not_valid_after_utc > datetime.now(UTC):
        if report:
            report.kept.append(CA_CERT)
        return loaded
    key = _new_key()
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Cổng Dịch vụ công tỉnh {_province()} (thử nghiệm)"),
            x509.NameAttribute(NameOID.COMMON_NAME, "MotCua Demo Root CA"),
        ]
    )
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(CA_NOT_AFTER)
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_key(key_path, key)
    _write_cert(cert_path, cert)
    if report:
        report.created.append(CA_CERT)
    return cert, key


def issue_certificate(
    *,
    ca_cert: x509.Certificate,
    ca_key: rsa.RSAPrivateKey,
    common_name: str,
    organization: str,
    identifier: str,
    key: rsa.RSAPrivateKey | None = None,
) -> tuple[x509.Certificate, rsa.RSAPrivateKey]:
    """An end-entity document-signing certificate issued by ``ca_cert``."""
    key = key or _new_key()
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "VN"),
            x509.NameAttribute(NameOID.STATE_OR_PROVINCE_NAME, _province()),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, organization[:64]),
            x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
            # Vietnamese CAs put the holder's identifier in UID; an agency's is its QCVN 102 code.
            x509.NameAttribute(NameOID.USER_ID, identifier),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca_cert.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(NOT_BEFORE)
        .not_valid_after(min(AGENCY_NOT_AFTER, ca_cert.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_cert.public_key()),  # type: ignore[arg-type]
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    return cert, key


def _issued_by(cert: x509.Certificate, ca_cert: x509.Certificate) -> bool:
    try:
        cert.verify_directly_issued_by(ca_cert)
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def _current(cert: x509.Certificate, *, ca_cert: x509.Certificate, agency: Agency) -> bool:
    """Issued by the current CA, not expired, and still in the agency's name (a renamed agency gets a new one)."""
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return (
        _issued_by(cert, ca_cert)
        and cert.not_valid_after_utc > datetime.now(UTC)
        and bool(names)
        and names[0].value == agency.name[:64]
    )


def ensure_agency_certificate(
    agency: Agency, *, directory: Path | None = None, report: PkiReport | None = None
) -> tuple[Path, Path]:
    """The agency's certificate and key files, made (or remade) unless current ones exist."""
    directory = directory or default_directory()
    ca_cert, ca_key = ensure_ca(directory)
    cert_path, key_path = agency_paths(agency.code, directory)
    loaded = _load(cert_path, key_path)
    if loaded and _current(loaded[0], ca_cert=ca_cert, agency=agency):
        if report:
            report.kept.append(agency.code)
        return cert_path, key_path
    root = agency.ancestors().first() if agency.parent_id else agency
    cert, key = issue_certificate(
        ca_cert=ca_cert,
        ca_key=ca_key,
        common_name=agency.name,
        organization=(root or agency).name,
        identifier=agency.code,
    )
    _write_key(key_path, key)
    _write_cert(cert_path, cert)
    if report:
        report.created.append(agency.code)
    return cert_path, key_path


def ensure_demo_pki(*, directory: Path | None = None, agencies=None) -> PkiReport:
    """The CA and a certificate for every active agency (or the given ones); idempotent."""
    directory = directory or default_directory()
    report = PkiReport(directory=directory)
    ensure_ca(directory, report=report)
    for agency in agencies if agencies is not None else Agency.objects.active().order_by("path"):
        ensure_agency_certificate(agency, directory=directory, report=report)
    return report
