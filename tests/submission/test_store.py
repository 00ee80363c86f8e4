"""The personal document store (kho dữ liệu, Bình Định 27/2020): kept once, checked like any upload, verified by
an officer who compared the original, deleted unless a dossier used it."""

from __future__ import annotations

from datetime import date

import pytest

from dossiers.models import StoredDocument
from dossiers.services import attachments, store, submission
from portal.exceptions import NotAllowed, PortalError, ValidationProblems
from portal.models import AuditEntry
from tests.submission.conftest import pdf_bytes, upload
from tests.submission.test_uploads import EXE

pytestmark = pytest.mark.django_db


def data(world, **kwargs):
    return store.StoredDocumentData(kind=world.birth_kind, number="CS-1", issuer="Bệnh viện", **kwargs)


def test_a_document_is_kept_with_its_facts(world):
    document = store.stored_document_add(
        owner=world.citizen,
        data=data(world, issued_on=date(2026, 2, 2), valid_until=date(2031, 2, 2)),
        file=upload("chung-sinh.pdf", pdf_bytes()),
    )
    document.refresh_from_db()
    assert (document.kind, document.number, document.issuer) == (world.birth_kind, "CS-1", "Bệnh viện")
    assert document.content_type == "application/pdf" and document.verified_at is None
    assert document.file.name.startswith(f"store/{world.citizen.pk}/")


def test_a_bad_file_and_bad_dates_are_all_reported_and_nothing_kept(world, media_files, at):
    from tests.submission.conftest import vn

    with at(vn(2026, 3, 12, 9)), pytest.raises(ValidationProblems) as caught:
        store.stored_document_add(
            owner=world.citizen,
            data=data(world, issued_on=date(2026, 5, 1), valid_until=date(2026, 4, 1)),
            file=upload("chung-sinh.pdf", EXE),
        )
    assert len(caught.value.problems) == 3
    assert not StoredDocument.objects.exists() and media_files() == []


def test_only_an_identity_verifier_marks_a_document_verified(world):
    document = store.stored_document_add(owner=world.citizen, data=data(world), file=upload("a.pdf", pdf_bytes()))
    with pytest.raises(NotAllowed):
        store.stored_document_verify(document=document, by=world.specialist)
    with pytest.raises(NotAllowed):
        store.stored_document_verify(document=document, by=world.citizen)
    verified = store.stored_document_verify(document=document, by=world.receiver)
    assert verified.verified_by == world.receiver and verified.verified_at is not None
    assert AuditEntry.objects.filter(action="store.document_verified", target_user=world.citizen).exists()


def test_a_document_used_by_a_dossier_stays_and_others_are_deleted(world):
    used = store.stored_document_add(owner=world.citizen, data=data(world), file=upload("a.pdf", pdf_bytes()))
    spare = store.stored_document_add(owner=world.citizen, data=data(world), file=upload("b.pdf", pdf_bytes(2)))
    dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    attachments.attachment_reuse(dossier=dossier, component=world.birth_component, document=used, by=world.citizen)
    with pytest.raises(PortalError, match="đã được dùng trong hồ sơ"):
        store.stored_document_delete(document=used, by=world.citizen)
    with pytest.raises(NotAllowed):
        store.stored_document_delete(document=spare, by=world.other)
    store.stored_document_delete(document=spare, by=world.citizen)
    assert list(StoredDocument.objects.all()) == [used]
