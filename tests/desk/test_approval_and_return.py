"""The leader approves and signs (PAdES with the agency's certificate, a visible stamp in Vietnamese), sends back,
issues the apology slip (Mẫu 04); the desk hands the result back online, at the counter or by post, telling the
applicant first when it is early (ND 61/2018 art 19.8–20; ND 45/2020 art 14; Long An 30/2019 art 11.3)."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.urls import reverse

from dossiers import documents, signing
from dossiers.models import ApologySlip, DossierEvent, IssuedDocument, Status
from dossiers.services import approval, desk
from portal.exceptions import InvalidTransition, PortalError, ValidationProblems
from portal.models import AuditEntry, Message
from tests.desk.builders import processing_, proposed, reload, result_ready
from tests.desk.conftest import vn
from tests.documents.pdftools import pdf_text

pytestmark = pytest.mark.django_db


def read(document: IssuedDocument) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


def test_approval_signs_the_draft_with_the_agencys_certificate(world, at, certificates):
    with at(vn(2026, 12, 8, 9)):
        dossier = proposed(world)
    with at(vn(2026, 12, 8, 15)):
        dossier = approval.approve(dossier=dossier, by=world.leader)
    assert dossier.status == Status.RESULT_READY and dossier.outcome == "approved"
    result = IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.RESULT)
    pdf = read(result)
    verdict = signing.verify_pdf(pdf)
    assert verdict.status == "valid", verdict.summary
    assert world.department.name in verdict.signer
    text = pdf_text(pdf)
    assert "Ký bởi" in text and "Thời gian" in text  # the visible stamp, in Vietnamese
    assert AuditEntry.objects.filter(actor=world.leader, data__action="approve").exists()


def test_a_reasoned_rejection_is_signed_as_the_rejection_letter(world, at, certificates):
    with at(vn(2026, 12, 8, 9)):
        dossier = approval.approve(dossier=proposed(world, outcome="rejected"), by=world.leader)
    assert dossier.status == Status.REJECTED
    letter = IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.REJECTION)
    assert signing.verify_pdf(read(letter)).status == "valid"


def test_a_signing_failure_changes_nothing(world, at, settings, tmp_path, client_of):
    """No certificate for the agency: the leader reads why, the dossier still awaits approval, nothing is stored."""
    settings.SIGNING_DIR = str(tmp_path / "empty-pki")
    Path(settings.SIGNING_DIR).mkdir()
    with at(vn(2026, 12, 8, 9)):
        dossier = proposed(world)
        files_before = {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()}
        response = client_of(world.leader).post(reverse("dossiers:desk_approve", args=[dossier.pk]))
    assert response.status_code == 400
    assert "Chưa cấu hình chứng thư số" in response.content.decode()
    dossier = reload(dossier)
    assert dossier.status == Status.AWAITING_APPROVAL and dossier.resolved_at is None
    assert not IssuedDocument.objects.filter(dossier=dossier, kind=IssuedDocument.Kind.RESULT).exists()
    assert not DossierEvent.objects.filter(dossier=dossier, action="approve").exists()
    assert {p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()} == files_before


def test_send_back_returns_the_dossier_to_the_specialist_with_the_comment(world, at):
    with at(vn(2026, 12, 8, 9)):
        dossier = approval.send_back(dossier=proposed(world), by=world.leader, comment="Bổ sung căn cứ pháp lý")
    assert dossier.status == Status.PROCESSING and dossier.assignee == world.specialist
    assert DossierEvent.objects.get(dossier=dossier, action="send_back").note == "Bổ sung căn cứ pháp lý"


# Received Monday 7/12/2026 09:00, due Monday 14/12 09:00 (5 working days).
APOLOGY = [
    pytest.param(vn(2026, 12, 10, 15), True, id="thu-1500-two-working-days-before-allowed"),
    pytest.param(vn(2026, 12, 11, 9), True, id="fri-0900-exactly-one-working-day-before-allowed"),
    pytest.param(vn(2026, 12, 11, 10), False, id="fri-1000-less-than-one-working-day-refused"),
]


@pytest.mark.parametrize(("moment", "allowed"), APOLOGY)
def test_the_apology_slip_comes_at_least_one_working_day_before_due(moment, allowed, world, at):
    with at(vn(2026, 12, 7, 9)):
        dossier = processing_(world)
    with at(moment):
        if allowed:
            slip = approval.issue_apology(
                dossier=dossier, by=world.leader, reason="Chờ ý kiến cơ quan phối hợp", new_due_at=vn(2026, 12, 17, 16)
            )
            assert slip.published and slip.original_due_at == vn(2026, 12, 14, 9)
            assert reload(dossier).due_at == vn(2026, 12, 17, 16) and reload(dossier).was_late
        else:
            with pytest.raises(ValidationProblems) as refused:
                approval.issue_apology(dossier=dossier, by=world.leader, reason="Chậm", new_due_at=vn(2026, 12, 17, 16))
            assert "chậm nhất 01 ngày làm việc trước hạn" in " ".join(refused.value.problems)
            assert not ApologySlip.objects.filter(dossier=dossier).exists()


def test_the_apology_slip_is_given_once_and_printed_as_mau_04(world, at, client_of):
    with at(vn(2026, 12, 7, 9)):
        dossier = processing_(world)
    with at(vn(2026, 12, 9, 9)):
        response = client_of(world.leader).post(
            reverse("dossiers:desk_apology", args=[dossier.pk]),
            {"reason": "Chờ ý kiến Sở Xây dựng", "new_due_date": "2026-12-17", "new_due_time": "16:00"},
        )
        assert response.status_code == 302
        with pytest.raises(InvalidTransition, match="chỉ được hẹn lại một lần"):
            approval.issue_apology(
                dossier=reload(dossier), by=world.leader, reason="Lần hai", new_due_at=vn(2026, 12, 21, 9)
            )
        pdf = read(documents.ensure(reload(dossier), IssuedDocument.Kind.APOLOGY))
    text = pdf_text(pdf)
    assert "Chờ ý kiến Sở Xây dựng" in text and "17/12/2026" in text
    assert Message.objects.filter(user=dossier.applicant, event="dossier.apology").exists()


def test_online_return_makes_the_signed_result_the_applicants_download(world, at, certificates):
    from dossiers.selectors import lookup

    with at(vn(2026, 12, 8, 9)):
        dossier = result_ready(world)
    with at(vn(2026, 12, 15, 10)):  # received Tue 8/12 09:00, due Tue 15/12: on time, no early notice needed
        dossier = desk.return_result(dossier=dossier, by=world.receiver, channel="online")
    assert dossier.status == Status.RETURNED and dossier.result_channel == "online"
    assert not dossier.events.filter(action="notify_early_return").exists()
    document = lookup.result_document(dossier)
    assert document.kind == IssuedDocument.Kind.RESULT
    assert signing.verify_pdf(read(document)).status == "valid"


def test_counter_return_records_who_received_it_and_when(world, at, certificates):
    with at(vn(2026, 12, 8, 9)):
        dossier = result_ready(world)
    with at(vn(2026, 12, 14, 9, 45)):
        dossier = desk.return_result(
            dossier=dossier, by=world.receiver, channel="counter", received_by_name="Nguyễn Thị Mai (được ủy quyền)"
        )
    event = DossierEvent.objects.get(dossier=dossier, action="return_result")
    assert event.data["received_by"] == "Nguyễn Thị Mai (được ủy quyền)" and event.at == vn(2026, 12, 14, 9, 45)
    assert dossier.returned_at == vn(2026, 12, 14, 9, 45)


def test_postal_dispatch_needs_a_tracking_number(world, at, certificates):
    with at(vn(2026, 12, 8, 9)):
        dossier = result_ready(world)
    with at(vn(2026, 12, 14, 9)):
        with pytest.raises(ValidationProblems, match="Thiếu thông tin trả kết quả"):
            desk.return_result(dossier=dossier, by=world.receiver, channel="postal")
        dossier = desk.return_result(
            dossier=reload(dossier), by=world.receiver, channel="postal", tracking_number="RR987654321VN"
        )
    assert dossier.return_tracking_number == "RR987654321VN"


def test_an_early_return_tells_the_applicant_first(world, at, certificates):
    """ND 61/2018 art 20: result ready Tuesday 8/12/2026, appointment Monday 14/12 → returned early, notified first."""
    with at(vn(2026, 12, 8, 9)):
        dossier = result_ready(world)
    with at(vn(2026, 12, 9, 9)):
        dossier = desk.return_result(dossier=dossier, by=world.receiver, channel="counter", received_by_name="An")
    actions = list(dossier.events.order_by("at", "pk").values_list("action", flat=True))
    assert actions[-2:] == ["notify_early_return", "return_result"]
    events = [m.event for m in Message.objects.filter(user=dossier.applicant).order_by("pk")]
    assert events.index("dossier.early_return") < events.index("dossier.returned")


def test_an_early_notice_given_beforehand_is_not_repeated(world, at, certificates):
    with at(vn(2026, 12, 8, 9)):
        dossier = result_ready(world)
        desk.notify_early_return(dossier=dossier, by=world.receiver, note="Mời ông/bà đến nhận từ ngày mai")
    with at(vn(2026, 12, 9, 9)):
        desk.return_result(dossier=reload(dossier), by=world.receiver, channel="counter", received_by_name="An")
    assert DossierEvent.objects.filter(dossier=dossier, action="notify_early_return").count() == 1


def test_the_tracking_book_lists_the_desks_dossiers_of_the_period(world, at, client_of, certificates):
    with at(vn(2026, 12, 7, 9)):
        first = result_ready(world)
    with at(vn(2026, 12, 8, 9)):
        second = desk.accept(dossier=world.submitted(), by=world.receiver)
    with at(vn(2026, 12, 9, 9)):
        desk.return_result(dossier=first, by=world.receiver, channel="counter", received_by_name="Võ Thị Lan")
        response = client_of(world.receiver).post(
            reverse("dossiers:desk_tracking_book"),
            {"agency": world.desk.pk, "start": "2026-12-01", "end": "2026-12-31"},
        )
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = pdf_text(b"".join(response.streaming_content))
    assert first.code in text and second.code in text and "Võ Thị Lan" in text
    assert IssuedDocument.objects.filter(kind=IssuedDocument.Kind.TRACKING_BOOK).count() == 1


def test_another_agencys_tracking_book_is_refused(world, client_of):
    from tests.factories import OfficerFactory, OfficerPostFactory

    officer = OfficerFactory()
    OfficerPostFactory(user=officer, agency=world.other, role="receiver")
    response = client_of(officer).post(
        reverse("dossiers:desk_tracking_book"), {"agency": world.desk.pk, "start": "2026-12-01", "end": "2026-12-31"}
    )
    assert response.status_code == 400  # not one of the choices this officer has
    assert not IssuedDocument.objects.exists()
    with pytest.raises(PortalError):
        desk.tracking_book(agency=world.desk, start=vn(2026, 12, 1).date(), end=vn(2026, 12, 31).date(), by=officer)
