"""Files per component: several, listed, removable before submission; refused by content with nothing stored;
never overwritten; reused from the document store (issue 4 points 2–3; Bắc Ninh 13/2018)."""

from __future__ import annotations

import hashlib
from datetime import date

import pytest

from dossiers.models import Attachment
from dossiers.services import attachments, store, submission
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from tests.submission.conftest import jpeg_bytes, pdf_bytes, png_bytes, upload
from tests.submission.test_uploads import EXE

pytestmark = pytest.mark.django_db


@pytest.fixture
def dossier(world):
    return submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)


def add(world, dossier, *files, component=None):
    return attachments.attachments_add(
        dossier=dossier, component=component or world.birth_component, files=list(files), by=world.citizen
    )


def test_several_files_are_stored_privately_with_size_type_and_hash(world, dossier, settings):
    pdf, photo = pdf_bytes(), jpeg_bytes(orientation=6)
    stored = add(world, dossier, upload("chung-sinh.pdf", pdf), upload("anh chụp.JPG", photo, "image/jpeg"))
    assert [a.original_name for a in stored] == ["chung-sinh.pdf", "anh chụp.JPG"]
    first, second = stored
    assert (first.content_type, first.size, first.sha256) == (
        "application/pdf",
        len(pdf),
        hashlib.sha256(pdf).hexdigest(),
    )
    assert second.content_type == "image/jpeg" and second.sha256 != hashlib.sha256(photo).hexdigest()  # normalised
    assert all(a.version == 1 and a.uploaded_by == world.citizen for a in stored)
    # Stored under MEDIA_ROOT (never served directly), named by dossier and content, not by the user's name.
    assert first.file.name.startswith(f"dossiers/{dossier.pk}/")
    assert "chung-sinh" not in first.file.name
    assert first.file.path.startswith(str(settings.MEDIA_ROOT))


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("giay-chung-sinh.pdf", EXE),  # a renamed executable
        ("ban-quet-lon.pdf", pdf_bytes() + b"%" + b"x" * (1024 * 1024)),  # over the component's 1 MB
        ("hong.pdf", pdf_bytes()[:300]),  # a corrupt PDF
        ("giay-chung-sinh.png", pdf_bytes()),  # a PDF with a wrong extension
    ],
    ids=["renamed-executable", "oversized", "corrupt-pdf", "pdf-named-png"],
)
def test_a_refused_file_stores_nothing_not_even_its_good_companions(world, dossier, media_files, name, content):
    before = media_files()
    with pytest.raises(ValidationProblems) as caught:
        add(world, dossier, upload("tot.pdf", pdf_bytes()), upload(name, content))
    assert any(name in problem for problem in caught.value.problems)
    assert Attachment.objects.filter(dossier=dossier).count() == 0
    assert media_files() == before


def test_the_component_limits_the_number_of_files(world, dossier):
    add(world, dossier, upload("a.pdf", pdf_bytes(1)), upload("b.pdf", pdf_bytes(2)))
    with pytest.raises(ValidationProblems) as caught:
        add(world, dossier, upload("c.pdf", pdf_bytes(3)))
    assert "tối đa 2 tệp" in caught.value.problems[0]


def test_the_same_file_twice_is_refused(world, dossier):
    add(world, dossier, upload("a.pdf", pdf_bytes()))
    with pytest.raises(ValidationProblems, match="Chưa lưu"):
        add(world, dossier, upload("a-copy.pdf", pdf_bytes()))


def test_a_file_is_removed_before_submission_and_the_row_stays(world, dossier):
    (attachment,) = add(world, dossier, upload("a.pdf", pdf_bytes()))
    attachments.attachment_remove(attachment=attachment, by=world.citizen)
    attachment.refresh_from_db()
    assert attachment.removed_at is not None
    assert attachment.file.storage.exists(attachment.file.name)
    # Room again for two files
    add(world, dossier, upload("b.pdf", pdf_bytes(2)), upload("c.pdf", pdf_bytes(3)))


def test_another_person_cannot_add_or_remove_files(world, dossier):
    (attachment,) = add(world, dossier, upload("a.pdf", pdf_bytes()))
    with pytest.raises(NotAllowed):
        attachments.attachments_add(
            dossier=dossier, component=world.birth_component, files=[upload("x.pdf", pdf_bytes(2))], by=world.other
        )
    with pytest.raises(NotAllowed):
        attachments.attachment_remove(attachment=attachment, by=world.other)


def test_a_component_of_another_procedure_is_refused(world, dossier):
    foreign = world.signed_version.components.get()
    with pytest.raises(NotAllowed):
        add(world, dossier, upload("a.pdf", pdf_bytes()), component=foreign)


def test_files_stored_twice_never_overwrite_each_other(world, dossier):
    """Two dossiers of one citizen attach the same scan: same hash, different rows and files."""
    (one,) = add(world, dossier, upload("a.pdf", pdf_bytes()))
    other_dossier = submission.dossier_start(procedure=world.version.procedure, applicant=world.citizen)
    (two,) = add(world, other_dossier, upload("a.pdf", pdf_bytes()))
    assert one.sha256 == two.sha256 and one.file.name != two.file.name


# --------------------------------------------------------------------------------------------- the store


def keep(world, *, valid_until=None, content=None, kind=None, owner=None):
    return store.stored_document_add(
        owner=owner or world.citizen,
        data=store.StoredDocumentData(
            kind=kind or world.birth_kind, number="CS-0042", issuer="Bệnh viện Đa khoa Long An", valid_until=valid_until
        ),
        file=upload("chung-sinh-kho.png", content or png_bytes()),
    )


def test_a_stored_document_is_reused_instead_of_an_upload(world, dossier):
    document = keep(world)
    attachment = attachments.attachment_reuse(
        dossier=dossier, component=world.birth_component, document=document, by=world.citizen
    )
    assert attachment.source_document == document and attachment.sha256 == document.sha256
    assert attachment.file.name != document.file.name  # the dossier keeps its own copy
    with attachment.file.open("rb") as a, document.file.open("rb") as d:
        assert a.read() == d.read()
    with pytest.raises(ValidationProblems, match="đã được dùng"):
        attachments.attachment_reuse(
            dossier=dossier, component=world.birth_component, document=document, by=world.citizen
        )


def test_an_expired_or_unrelated_stored_document_is_not_reused(world, dossier, at):
    from tests.submission.conftest import vn

    expired = keep(world, valid_until=date(2026, 1, 31))
    with at(vn(2026, 3, 12, 9)), pytest.raises(ValidationProblems) as caught:
        attachments.attachment_reuse(
            dossier=dossier, component=world.birth_component, document=expired, by=world.citizen
        )
    assert "hết hiệu lực từ 31/01/2026" in caught.value.problems[0]
    with pytest.raises(ValidationProblems, match="Không dùng được"):
        attachments.attachment_reuse(
            dossier=dossier, component=world.other_component, document=keep(world), by=world.citizen
        )


def test_someone_elses_stored_document_is_never_reused(world, dossier):
    theirs = keep(world, owner=world.other)
    with pytest.raises(NotAllowed):
        attachments.attachment_reuse(
            dossier=dossier, component=world.birth_component, document=theirs, by=world.citizen
        )


def test_a_supplement_round_gets_the_next_version_and_earlier_files_stay(world, dossier, at):
    from dossiers import workflow
    from tests.submission.conftest import vn

    submission.dossier_save_answers(dossier=dossier, by=world.citizen, form_data=world.answers())
    (first,) = add(world, dossier, upload("a.pdf", pdf_bytes()))
    with at(vn(2026, 3, 12, 9)):
        submission.dossier_submit(dossier=dossier, by=world.citizen)
        workflow.request_supplement(dossier, by=world.receiver, items=[{"item": "Bản rõ", "reason": "Mờ"}])
    dossier.refresh_from_db()
    (second,) = add(world, dossier, upload("b.pdf", pdf_bytes(2)))
    assert second.version == 2
    attachments.attachment_remove(attachment=second, by=world.citizen)  # this round's file: removable
    with pytest.raises(InvalidTransition):
        attachments.attachment_remove(attachment=first, by=world.citizen)
    # The count limit applies per round: two new files fit although one was given before.
    add(world, dossier, upload("c.pdf", pdf_bytes(3)), upload("d.pdf", pdf_bytes(4)))


def test_png_offered_only_where_the_component_takes_png(world, dossier):
    from dossiers.selectors.citizen import component_rows

    world.birth_component.allowed_types = ["pdf"]
    world.birth_component.save()
    keep(world)  # a PNG
    rows = {r.component.pk: r for r in component_rows(dossier, today=date(2026, 3, 12))}
    assert rows[world.birth_component.pk].offers == []
    world.birth_component.allowed_types = ["pdf", "png"]
    world.birth_component.save()
    rows = {r.component.pk: r for r in component_rows(dossier, today=date(2026, 3, 12))}
    assert len(rows[world.birth_component.pk].offers) == 1
    assert rows[world.other_component.pk].offers == []
    assert rows[world.form_component.pk].eform_stands_for is True
