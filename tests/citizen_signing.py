"""The citizen's own signing tool, for tests: pyHanko used directly (not the portal's code), with a certificate
issued by the test CA in ``ca_dir``."""

from __future__ import annotations

import io
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from dossiers import pki


def citizen_signs(pdf: bytes, ca_dir: Path, tmp_path: Path) -> bytes:
    """``pdf`` signed (PAdES) by Nguyễn Văn An, CCCD 080090001234, whose certificate ``ca_dir``'s CA issued."""
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    ca_cert, ca_key = pki.ensure_ca(ca_dir)
    cert, key = pki.issue_certificate(
        ca_cert=ca_cert,
        ca_key=ca_key,
        common_name="Nguyễn Văn An",
        organization="Công dân",
        identifier="CCCD:080090001234",
    )
    (tmp_path / "citizen.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    (tmp_path / "citizen.key").write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    signer = signers.SimpleSigner.load(str(tmp_path / "citizen.key"), str(tmp_path / "citizen.pem"))
    meta = signers.PdfSignatureMetadata(field_name="ChuKyCongDan", subfilter=fields.SigSeedSubFilter.PADES)
    out = io.BytesIO()
    signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), meta, signer=signer, output=out)
    return out.getvalue()
