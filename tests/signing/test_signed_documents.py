"""Signed documents of a dossier: the leader's signature on the result (issue 6 point 6) and the application a
level-4 citizen signs with their own tool and uploads (issue 4 point 6), each stored with its verdict."""

from __future__ import annotations

import hashlib

import pytest
from django.core.files.base import ContentFile

from dossiers import documents, pki, signing
from dossiers.models import DossierEvent, IssuedDocument
from portal.exceptions import PortalError
from tests.citizen_signing import citizen_signs

pytestmark = pytest.mark.django_db

Kind = IssuedDocument.Kind


@pytest.fixture
def agency_certificates(province, signing_settings, pki_dir):
    for agency in province.values():
        pki.ensure_agency_certificate(agency, directory=pki_dir)


def propose(dossier, officer, pdf: bytes, *, outcome: str = "approved") -> IssuedDocument:
    draft = IssuedDocument(
        dossier=dossier, kind=Kind.RESULT_DRAFT, number="125/LLTP", sha256=hashlib.sha256(pdf).hexdigest()
    )
    draft.file.save("draft.pdf", ContentFile(pdf), save=False)
    draft.save()
    DossierEvent.objects.create(
        dossier=dossier,
        at=dossier.received_at,
        actor=officer,
        action="propose",
        data={"outcome": outcome, "document": draft.pk},
    )
    return draft


def test_the_leader_signs_the_proposed_result(received, officers, agency_certificates, result_pdf):
    draft = propose(received, officers["specialist"], result_pdf)
    result = documents.sign_result(received, by=officers["leader"])
    assert result.kind == Kind.RESULT and result.number == "125/LLTP"
    assert result.signer_name == "Phạm Quốc Dũng — Sở Tư pháp"
    assert result.signature_verdict["status"] == "valid" and result.signed_at is not None
    with result.file.open("rb") as handle:
        signed = handle.read()
    assert signed.startswith(result_pdf) and result.sha256 == hashlib.sha256(signed).hexdigest()
    verdict = signing.verify_pdf(signed)
    assert verdict.status is signing.VerdictStatus.VALID and verdict.signer.startswith("Sở Tư pháp")
    assert draft.pk != result.pk  # the draft stays as it was


def test_a_proposed_rejection_is_signed_as_the_reasoned_letter(received, officers, agency_certificates, result_pdf):
    propose(received, officers["specialist"], result_pdf, outcome="rejected")
    assert documents.sign_result(received, by=officers["leader"]).kind == Kind.REJECTION


def test_nothing_to_sign_without_a_proposal(received, officers, agency_certificates):
    with pytest.raises(PortalError, match="chưa có dự thảo kết quả"):
        documents.sign_result(received, by=officers["leader"])
    assert not received.documents.filter(kind=Kind.RESULT).exists()


def test_a_signed_application_that_extends_the_generated_one(received, portal_url, signing_settings, pki_dir, tmp_path):
    application = documents.issue(received, Kind.APPLICATION)
    with application.file.open("rb") as handle:
        generated = handle.read()
    uploaded = citizen_signs(generated, pki_dir, tmp_path)

    stored, verdict = documents.store_signed_application(received, data=uploaded)
    assert verdict.status is signing.VerdictStatus.VALID
    assert verdict.based_on_original is True
    assert verdict.signer == "Nguyễn Văn An (Công dân)"
    assert stored.kind == Kind.SIGNED_APPLICATION and stored.signature_verdict["based_on_original"] is True
    assert stored.signer_name == "Nguyễn Văn An (Công dân)"


def test_a_signed_file_that_is_not_our_application_is_flagged(
    received, portal_url, signing_settings, pki_dir, tmp_path, result_pdf
):
    documents.issue(received, Kind.APPLICATION)
    _stored, verdict = documents.store_signed_application(received, data=citizen_signs(result_pdf, pki_dir, tmp_path))
    assert verdict.status is signing.VerdictStatus.VALID  # a good signature…
    assert verdict.based_on_original is False  # …on another document


def test_an_unsigned_upload_is_stored_with_its_verdict(received, portal_url, signing_settings):
    application = documents.issue(received, Kind.APPLICATION)
    with application.file.open("rb") as handle:
        stored, verdict = documents.store_signed_application(received, data=handle.read())
    assert verdict.status is signing.VerdictStatus.UNSIGNED
    assert stored.signature_verdict["summary"] == "Tệp PDF không có chữ ký số."


def test_check_signature_keeps_the_verdict_on_the_document(received, officers, agency_certificates, result_pdf):
    propose(received, officers["specialist"], result_pdf)
    result = documents.sign_result(received, by=officers["leader"])
    result.signature_verdict = None
    result.save()
    verdict = documents.check_signature(result)
    result.refresh_from_db()
    assert verdict.status is signing.VerdictStatus.VALID
    assert result.signature_verdict["status"] == "valid"
