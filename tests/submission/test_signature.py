"""Level 4: the citizen signs the application with their own digital signature (issue 4 point 6; Bình Định 44/2019
art 7). A signature from a trusted CA verifies; a tampered file and one from an unknown CA are shown invalid; an
unsigned dossier is marked "to be signed at pickup" (Long An 30/2019 art 8.3)."""

from __future__ import annotations

from pathlib import Path

import pytest

from dossiers import pki
from dossiers.models import IssuedDocument, Status
from dossiers.models.core import SignatureStatus
from dossiers.services import signature, submission
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from tests.citizen_signing import citizen_signs
from tests.submission.conftest import upload, vn

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def trusted_ca(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("trusted-ca")
    pki.ensure_ca(directory)
    return directory


@pytest.fixture(scope="module")
def unknown_ca(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("unknown-ca")
    pki.ensure_ca(directory)
    return directory


@pytest.fixture
def trust(settings, trusted_ca):
    settings.SIGNING_DIR = str(trusted_ca)
    settings.SIGNING_TRUST_ROOTS = []
    return settings


@pytest.fixture
def level4(world, trust):
    dossier = submission.dossier_start(procedure=world.signed_version.procedure, applicant=world.citizen)
    submission.dossier_save_answers(
        dossier=dossier, by=world.citizen, form_data={"ho_ten": "Nguyễn Văn An", "muc_dich": "Xin việc làm"}
    )
    dossier.refresh_from_db()
    return dossier


def generated(world, dossier) -> bytes:
    document = signature.application_for_signing(dossier=dossier, by=world.citizen)
    with document.file.open("rb") as handle:
        return handle.read()


def test_an_unsigned_level_4_dossier_is_to_be_signed_at_pickup(world, level4, at):
    assert level4.signature_status == SignatureStatus.AT_PICKUP
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=level4, by=world.citizen)
    level4.refresh_from_db()
    assert level4.status == Status.SUBMITTED and level4.signature_status == SignatureStatus.AT_PICKUP


def test_an_application_signed_under_a_trusted_ca_verifies(world, level4, trusted_ca, tmp_path, at):
    signed = citizen_signs(generated(world, level4), trusted_ca, tmp_path)
    outcome = signature.signed_application_upload(
        dossier=level4, by=world.citizen, file=upload("don-da-ky.pdf", signed)
    )
    assert outcome.ok and outcome.status == SignatureStatus.VALID
    assert "Chữ ký số hợp lệ" in outcome.message and "Nguyễn Văn An" in outcome.message
    level4.refresh_from_db()
    assert level4.signature_status == SignatureStatus.VALID
    stored = IssuedDocument.objects.get(dossier=level4, kind=IssuedDocument.Kind.SIGNED_APPLICATION)
    assert stored.signature_verdict["status"] == "valid" and stored.signature_verdict["based_on_original"] is True
    assert level4.events.filter(action="signature_checked", data__status="valid").exists()
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=level4, by=world.citizen)
    level4.refresh_from_db()
    assert level4.signature_status == SignatureStatus.VALID


def test_a_tampered_signed_application_is_invalid_and_blocks_submission(world, level4, trusted_ca, tmp_path):
    signed = bytearray(citizen_signs(generated(world, level4), trusted_ca, tmp_path))
    # Change one byte of the signed content (inside the first revision, before the signature).
    index = signed.index(b"/Producer") if b"/Producer" in signed else 200
    signed[index + 2] = ord("X") if signed[index + 2] != ord("X") else ord("Y")
    outcome = signature.signed_application_upload(
        dossier=level4, by=world.citizen, file=upload("don.pdf", bytes(signed))
    )
    assert outcome.status == SignatureStatus.INVALID and not outcome.ok
    assert outcome.verdict.status == "invalid" and "đã bị thay đổi" in outcome.message
    level4.refresh_from_db()
    assert level4.signature_status == SignatureStatus.INVALID
    with pytest.raises(ValidationProblems) as caught:
        submission.dossier_submit(dossier=level4, by=world.citizen)
    assert any("Chữ ký số trên đơn đề nghị không hợp lệ" in p for p in caught.value.problems)


def test_a_signature_from_an_unknown_ca_is_not_recognised(world, level4, unknown_ca, tmp_path):
    signed = citizen_signs(generated(world, level4), unknown_ca, tmp_path)
    outcome = signature.signed_application_upload(dossier=level4, by=world.citizen, file=upload("don.pdf", signed))
    assert outcome.status == SignatureStatus.INVALID
    assert "không được công nhận" in outcome.message


def test_a_signed_pdf_that_is_not_this_dossiers_application_is_invalid(world, level4, trusted_ca, tmp_path):
    from tests.submission.conftest import pdf_bytes

    outcome = signature.signed_application_upload(
        dossier=level4, by=world.citizen, file=upload("khac.pdf", citizen_signs(pdf_bytes(), trusted_ca, tmp_path))
    )
    assert outcome.status == SignatureStatus.INVALID and "không phải là đơn đề nghị" in outcome.message


def test_changing_the_dossier_after_signing_asks_to_sign_again(world, level4, trusted_ca, tmp_path):
    signed = citizen_signs(generated(world, level4), trusted_ca, tmp_path)
    signature.signed_application_upload(dossier=level4, by=world.citizen, file=upload("don.pdf", signed))
    submission.dossier_save_answers(
        dossier=level4, by=world.citizen, form_data={"ho_ten": "Nguyễn Văn An", "muc_dich": "Đi du học"}
    )
    level4.refresh_from_db()
    with pytest.raises(ValidationProblems) as caught:
        submission.dossier_submit(dossier=level4, by=world.citizen)
    assert any("đã thay đổi sau khi ký số" in p for p in caught.value.problems)
    # Choosing to sign at pickup clears it.
    signature.signature_at_pickup(dossier=level4, by=world.citizen)
    submission.dossier_submit(dossier=level4, by=world.citizen)


def test_a_signature_is_asked_only_where_the_procedure_wants_one(world, trust):
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    with pytest.raises(InvalidTransition):
        signature.application_for_signing(dossier=dossier, by=world.citizen)
    with pytest.raises(NotAllowed):
        signature.application_for_signing(dossier=dossier, by=world.other)
