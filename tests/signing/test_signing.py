"""Signatures on results and uploads (ND 45/2020 art 14; TT 01/2018 art 10; issue 4 point 6, issue 6 point 6).

A PDF signed by an agency's certificate verifies against the configured trust roots; a tampered one, one from an
unknown CA, and one changed after signing are shown as invalid; whatever a citizen uploads gets a clear verdict.
"""

from __future__ import annotations

import asyncio
import io
import subprocess
import tempfile
from datetime import timedelta

import pytest
from django.utils import timezone

from dossiers import pki, signing
from dossiers.signing import SigningNotConfigured, VerdictStatus
from tests.documents.pdftools import PdfPage, fonts, page_count, pdf_text
from tests.factories import AgencyFactory

pytestmark = pytest.mark.django_db


def flip_byte_inside_signed_range(pdf: bytes) -> bytes:
    """Change one byte of the first content stream (covered by the signature's byte range)."""
    start = pdf.index(b"stream", pdf.index(b"/Length")) + 40
    data = bytearray(pdf)
    data[start] ^= 0x01
    return bytes(data)


def test_signed_pdf_verifies_against_the_trust_roots(justice, result_pdf, artifacts):
    signed = signing.sign_pdf(result_pdf, agency=justice, reason="Phê duyệt kết quả", signer_name="Phạm Quốc Dũng")
    verdict = signing.verify_pdf(signed)

    assert verdict.status is VerdictStatus.VALID and verdict.status.ok
    assert (verdict.intact, verdict.valid, verdict.trusted, verdict.bottom_line) == (True, True, True, True)
    assert verdict.coverage == "entire_file"
    assert verdict.signer == "Sở Tư pháp tỉnh Long An (Ủy ban nhân dân tỉnh Long An)"
    assert abs(verdict.signing_time - timezone.now()) < timedelta(minutes=5)
    assert verdict.summary.startswith("Chữ ký số hợp lệ: ký bởi Sở Tư pháp tỉnh Long An")
    assert len(verdict.signatures) == 1 and verdict.signatures[0].field == "ChuKySo1"
    # The signature is an incremental update: the original document is untouched inside it.
    assert signed.startswith(result_pdf)
    assert page_count(signed) == 1 and "PHIẾU LÝ LỊCH TƯ PHÁP SỐ 1" in pdf_text(signed)
    # The visible stamp is drawn with an embedded TrueType font that has the Vietnamese glyphs.
    assert "NotoSans" in fonts(signed) or "LiberationSans" in fonts(signed)
    artifacts(PdfPage(signed), "documents", "09-signed-result")


def test_an_independent_validator_agrees(justice, result_pdf):
    """poppler's pdfsig, which knows nothing of our trust roots, finds the signature cryptographically valid."""
    signed = signing.sign_pdf(result_pdf, agency=justice)
    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(signed)
        handle.flush()
        report = subprocess.run(["pdfsig", handle.name], capture_output=True, check=False).stdout.decode()
    assert "Signature Validation: Signature is Valid." in report
    assert "ETSI.CAdES.detached" in report  # PAdES


def test_a_tampered_byte_makes_the_signature_invalid(justice, result_pdf):
    tampered = flip_byte_inside_signed_range(signing.sign_pdf(result_pdf, agency=justice))
    verdict = signing.verify_pdf(tampered)
    assert verdict.status is VerdictStatus.INVALID
    assert verdict.intact is False and verdict.bottom_line is False
    assert verdict.summary.startswith("Chữ ký số không hợp lệ")


def test_a_certificate_from_an_unknown_ca_is_untrusted(justice, result_pdf, signing_settings, pki_dir, foreign_pki_dir):
    pki.ensure_agency_certificate(justice, directory=foreign_pki_dir)
    signing_settings.SIGNING_DIR = str(foreign_pki_dir)  # the agency's files were issued by a CA nobody configured
    signed = signing.sign_pdf(result_pdf, agency=justice)
    signing_settings.SIGNING_TRUST_ROOTS = [str(pki_dir / pki.CA_CERT)]  # the portal trusts its own CA only

    verdict = signing.verify_pdf(signed)
    assert verdict.status is VerdictStatus.UNTRUSTED and not verdict.status.ok
    assert (verdict.intact, verdict.valid, verdict.trusted, verdict.bottom_line) == (True, True, False, False)
    assert "không thuộc tổ chức cung cấp dịch vụ chứng thực được tin cậy" in verdict.summary
    # The same file is valid for someone who trusts that CA: trust was the only problem.
    trusting = signing.verify_pdf(signed, trust_roots=signing.load_trust_roots([foreign_pki_dir / pki.CA_CERT]))
    assert trusting.status is VerdictStatus.VALID


def test_an_incremental_update_after_signing_is_not_covered(justice, result_pdf):
    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    signed = signing.sign_pdf(result_pdf, agency=justice)
    writer = IncrementalPdfFileWriter(io.BytesIO(signed))
    drawing = writer.add_object(generic.StreamObject(stream_data=b"1 0 0 rg 40 400 300 60 re f"))
    writer.add_stream_to_page(0, drawing)
    changed = io.BytesIO()
    writer.write(changed)

    verdict = signing.verify_pdf(changed.getvalue())
    assert verdict.intact and verdict.valid  # the signed revision itself is untouched…
    assert verdict.coverage == "entire_revision"  # …but the signature no longer covers the whole file
    assert verdict.signatures[0].modification_level == "other"
    assert verdict.bottom_line is False
    assert verdict.status is VerdictStatus.MODIFIED
    assert "đã bị bổ sung, sửa đổi sau khi" in verdict.summary


def test_a_second_signature_keeps_the_first_one_valid(justice, result_pdf, pki_dir):
    """A citizen signs the application, then the agency countersigns: both signatures stand."""
    division = AgencyFactory(code="000.04.01.H41", name="Phòng Hành chính tư pháp", kind="division", parent=justice)
    once = signing.sign_pdf(result_pdf, agency=justice)
    pki.ensure_agency_certificate(division, directory=pki_dir)
    twice = signing.sign_pdf(once, agency=division)
    verdict = signing.verify_pdf(twice)
    assert verdict.status is VerdictStatus.VALID and verdict.bottom_line
    assert [s.field for s in verdict.signatures] == ["ChuKySo1", "ChuKySo2"]
    assert verdict.signatures[0].coverage == "entire_revision" and verdict.signatures[0].bottom_line
    assert verdict.signer.startswith("Phòng Hành chính tư pháp")
    assert "(2 chữ ký)" in verdict.summary


def test_a_division_signs_with_its_departments_certificate(justice, result_pdf):
    division = AgencyFactory(code="000.04.02.H41", name="Phòng Bổ trợ tư pháp", kind="division", parent=justice)
    assert signing.credentials_for(division).agency == justice
    assert signing.verify_pdf(signing.sign_pdf(result_pdf, agency=division)).signer.startswith("Sở Tư pháp")


def test_signing_without_a_certificate_says_what_is_missing(signing_settings, result_pdf):
    lonely = AgencyFactory(code="999.00.00.H41", name="Ủy ban nhân dân xã Mới Lập", parent=None)
    with pytest.raises(SigningNotConfigured) as refused:
        signing.sign_pdf(result_pdf, agency=lonely)
    assert "Chưa cấu hình chứng thư số cho Ủy ban nhân dân xã Mới Lập" in refused.value.message
    assert "999.00.00.H41.pem" in refused.value.message


def test_signing_refuses_what_is_not_a_pdf(justice):
    with pytest.raises(signing.PortalError):
        signing.sign_pdf(b"GIF89a not a pdf", agency=justice)


@pytest.mark.parametrize(
    ("case", "status", "summary"),
    [
        ("empty", VerdictStatus.NOT_PDF, "Tệp không phải là tệp PDF"),
        ("text", VerdictStatus.NOT_PDF, "Tệp không phải là tệp PDF"),
        ("png", VerdictStatus.NOT_PDF, "Tệp không phải là tệp PDF"),
        ("pdf_header_then_junk", VerdictStatus.CORRUPT, "Tệp PDF bị hỏng hoặc không đọc được"),
        ("unsigned_pdf", VerdictStatus.UNSIGNED, "Tệp PDF không có chữ ký số."),
    ],
)
def test_garbage_input_gets_a_clear_verdict(case, status, summary, result_pdf, signing_settings):
    data = {
        "empty": b"",
        "text": "Đây là một tệp văn bản, không phải PDF.".encode(),
        "png": b"\x89PNG\r\n\x1a\n" + bytes(200),
        "pdf_header_then_junk": b"%PDF-1.7\n" + bytes(range(256)) * 8,
        "unsigned_pdf": result_pdf,
    }[case]
    verdict = signing.verify_pdf(data)
    assert verdict.status is status
    assert verdict.summary.startswith(summary)
    assert verdict.bottom_line is False and verdict.signatures == ()
    assert verdict.to_dict()["status"] == status.value


def test_a_truncated_signed_pdf_is_never_valid(justice, result_pdf):
    signed = signing.sign_pdf(result_pdf, agency=justice)
    for cut in (len(signed) // 3, len(signed) - 200, len(signed) - 2):
        verdict = signing.verify_pdf(signed[:cut])
        assert verdict.status in {VerdictStatus.CORRUPT, VerdictStatus.INVALID, VerdictStatus.UNSIGNED}
        assert not verdict.bottom_line and verdict.summary


def test_verify_reads_bytes_paths_and_open_files(justice, result_pdf, tmp_path):
    signed = signing.sign_pdf(result_pdf, agency=justice)
    path = tmp_path / "ket-qua.pdf"
    path.write_bytes(signed)
    assert signing.verify_pdf(path).status is VerdictStatus.VALID
    assert signing.verify_pdf(str(path)).status is VerdictStatus.VALID
    with path.open("rb") as handle:
        assert signing.verify_pdf(handle).status is VerdictStatus.VALID
    assert signing.verify_pdf(tmp_path / "missing.pdf").status is VerdictStatus.NOT_PDF


def test_sign_and_verify_work_inside_a_running_event_loop(justice, result_pdf):
    """pyHanko's synchronous API calls asyncio.run; an ASGI view or a Playwright test already runs a loop."""

    async def inside_a_loop():
        signed = signing.sign_pdf(result_pdf, agency=justice)
        return signing.verify_pdf(signed)

    assert asyncio.run(inside_a_loop()).status is VerdictStatus.VALID


def test_the_verdict_is_stored_as_json(justice, result_pdf):
    import json

    verdict = signing.verify_pdf(signing.sign_pdf(result_pdf, agency=justice))
    data = json.loads(json.dumps(verdict.to_dict()))
    assert data["status"] == "valid" and data["trusted"] is True and data["coverage"] == "entire_file"
    assert data["signatures"][0]["signer"].startswith("Sở Tư pháp") and data["signing_time"]
    assert data["signatures"][0]["status"] == "valid"
    assert signing.SignatureVerdict.from_dict(data) == verdict  # shown again later without re-verifying
