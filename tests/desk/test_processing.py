"""The competent department (ND 61/2018 art 19): assignment and reassignment, verification and consultation, a
supplement during appraisal (within 3 working days; the clock restarts or resumes per the procedure), a proposal
with an uploaded or generated draft, and inter-agency transfer with each agency's own time — every handover a row
of Mẫu 05 marked early / on time / late."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dossiers import documents, workflow
from dossiers.models import DossierEvent, Handover, IssuedDocument, Status
from dossiers.services import processing
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from tests.desk.builders import processing_, received, reload
from tests.desk.conftest import vn
from tests.documents.pdftools import pdf_text
from tests.factories import OfficerFactory, OfficerPostFactory

pytestmark = pytest.mark.django_db


def test_a_leader_assigns_and_reassigns_each_a_row_of_the_control_sheet(world, at):
    second = OfficerFactory(full_name="Phạm Văn Hai")
    OfficerPostFactory(user=second, agency=world.division, role="specialist")
    with at(vn(2026, 12, 7, 9)):
        dossier = received(world)
    with at(vn(2026, 12, 7, 10)):
        processing.assign(dossier=dossier, by=world.leader, to_user=world.specialist)
    with at(vn(2026, 12, 8, 10)):
        dossier = processing.assign(
            dossier=reload(dossier), by=world.leader, to_user=second, note="Chuyển do nghỉ phép"
        )
    assert dossier.assignee == second and dossier.status == Status.PROCESSING
    rows = list(Handover.objects.filter(dossier=dossier).order_by("seq"))
    assert [r.to_user for r in rows] == [None, world.specialist, second]
    assert rows[1].completed_at == vn(2026, 12, 8, 10)
    assert rows[1].result in ("early", "on_time")


def test_a_specialist_may_take_a_dossier_but_not_give_it_to_someone_outside_the_department(world, at):
    with at(vn(2026, 12, 7, 9)):
        dossier = received(world)
        taken = processing.assign(dossier=dossier, by=world.specialist, to_user=world.specialist)
        assert taken.assignee == world.specialist
        with pytest.raises(ValidationProblems, match="không thuộc đơn vị"):
            processing.assign(dossier=reload(dossier), by=world.leader, to_user=world.outsider)
    assert reload(dossier).assignee == world.specialist


def test_verification_and_consultation_are_recorded_with_place_and_participants(world, at):
    with at(vn(2026, 12, 8, 9)):
        dossier = processing_(world)
        processing.record_work(
            dossier=dossier,
            by=world.specialist,
            kind="verify",
            note="Xác minh tại nơi cư trú, thông tin khớp.",
            data={"place": "Phường Tân An", "participants": "Công an phường"},
        )
    event = DossierEvent.objects.get(dossier=dossier, action="verify")
    assert event.data == {"place": "Phường Tân An", "participants": "Công an phường"}
    assert not event.public


# Received Monday 7/12/2026 09:00; "within 3 working days of receipt" (ND 61/2018 art 19.4) ends Thursday 10/12 09:00.
SUPPLEMENT_WINDOW = [
    pytest.param(vn(2026, 12, 9, 16), True, id="wed-1600-day-3-allowed"),
    pytest.param(vn(2026, 12, 10, 9), True, id="thu-0900-exactly-3-days-allowed"),
    pytest.param(vn(2026, 12, 10, 9, 30), False, id="thu-0930-past-3-working-days-refused"),
]


@pytest.mark.parametrize(("moment", "allowed"), SUPPLEMENT_WINDOW)
def test_a_supplement_during_appraisal_only_within_3_working_days(moment, allowed, world, at):
    from dossiers.services import desk

    with at(vn(2026, 12, 7, 9)):
        dossier = processing_(world)
    with at(moment):
        if allowed:
            dossier = desk.request_supplement(
                dossier=dossier, by=world.specialist, items=[{"item": "Bản sao sổ hộ khẩu", "reason": "Hết hiệu lực"}]
            )
            assert dossier.status == Status.AWAITING_SUPPLEMENT
            assert documents.ensure(dossier, IssuedDocument.Kind.SUPPLEMENT_REQUEST)
        else:
            with pytest.raises(InvalidTransition, match="Điều 19 khoản 4"):
                desk.request_supplement(dossier=dossier, by=world.specialist, items=[{"item": "X", "reason": "Y"}])
            assert reload(dossier).status == Status.PROCESSING


@pytest.mark.parametrize(
    ("policy", "due_after_answer"),
    [
        # Restart (the rule): 5 full working days from the complete supplement, Friday 11/12 09:00 → Fri 18/12 09:00.
        pytest.param("restart", vn(2026, 12, 18, 9), id="restart-5-days-from-the-supplement"),
        # Resume: 2 days were used (Mon 7/12 09:00 → Wed 9/12 09:00): 3 remain from Friday 11/12 09:00 → Wed 16/12.
        pytest.param("resume", vn(2026, 12, 16, 9), id="resume-the-3-days-left"),
    ],
)
def test_the_clock_restarts_or_resumes_as_the_procedure_says(policy, due_after_answer, world, at):
    from dossiers.services import desk

    world.version.supplement_policy = policy
    world.version.save(update_fields=["supplement_policy"])
    with at(vn(2026, 12, 7, 9)):
        dossier = processing_(world)
    with at(vn(2026, 12, 9, 9)):
        dossier = desk.request_supplement(
            dossier=dossier, by=world.specialist, items=[{"item": "Tờ khai", "reason": "Sai họ tên"}]
        )
    with at(vn(2026, 12, 11, 9)):
        world.attach(dossier)
        dossier = workflow.answer_supplement(reload(dossier), by=dossier.applicant, note="Đã sửa tờ khai")
    assert dossier.status == Status.PROCESSING
    assert reload(dossier).due_at == due_after_answer


def test_a_proposal_with_an_uploaded_pdf_draft(world, at):
    from dossiers.documents import render

    draft = render.html_to_pdf("<h1>QUYẾT ĐỊNH</h1><p>Cấp giấy phép.</p>")
    with at(vn(2026, 12, 8, 9)):
        dossier = processing.propose(
            dossier=processing_(world),
            by=world.specialist,
            outcome="approved",
            upload=SimpleUploadedFile("du-thao.pdf", draft, "application/pdf"),
            number="12/GP-SXD",
        )
    assert dossier.status == Status.AWAITING_APPROVAL
    stored = IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.RESULT_DRAFT)
    assert stored.number == "12/GP-SXD"
    with stored.file.open("rb") as handle:
        assert handle.read() == draft
    assert workflow.current_proposal(dossier).data["document"] == stored.pk


def test_a_draft_that_is_not_a_pdf_is_refused_and_no_draft_is_kept(world, at):
    with at(vn(2026, 12, 8, 9)):
        dossier = processing_(world)
        with pytest.raises(ValidationProblems):
            processing.propose(
                dossier=dossier,
                by=world.specialist,
                outcome="approved",
                upload=SimpleUploadedFile("du-thao.pdf", b"\x89PNG\r\n\x1a\nnot really", "application/pdf"),
            )
    assert reload(dossier).status == Status.PROCESSING
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()


def test_a_generated_rejection_letter_states_the_reasons(world, at):
    with at(vn(2026, 12, 8, 9)):
        dossier = processing.propose(
            dossier=processing_(world),
            by=world.specialist,
            outcome="rejected",
            note="Người yêu cầu không thuộc đối tượng được cấp.",
            text=processing.DraftText(
                title="Văn bản trả lời", body="Người yêu cầu không thuộc đối tượng được cấp theo quy định."
            ),
        )
    draft = IssuedDocument.objects.get(dossier=dossier, kind=IssuedDocument.Kind.RESULT_DRAFT)
    with draft.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "không giải quyết yêu cầu của ông/bà" in text
    assert "không thuộc đối tượng được cấp" in text and dossier.code in text


def test_a_proposal_by_someone_outside_the_department_leaves_no_draft(world, at):
    with at(vn(2026, 12, 8, 9)):
        dossier = processing_(world)
        with pytest.raises(NotAllowed):
            processing.propose(
                dossier=dossier,
                by=world.outsider,
                outcome="approved",
                text=processing.DraftText(title="Quyết định", body="Nội dung"),
            )
    assert not IssuedDocument.objects.filter(dossier=dossier).exists()


def test_transfer_gives_the_other_agency_its_own_time_and_names_the_lead(world, at):
    """Sở Tư pháp passes the dossier to Sở Xây dựng with 2 working days of its own (Monday 7/12/2026 14:00 →
    Wednesday 9/12 14:00), Sở Xây dựng leading; the row of Mẫu 05 shows it."""
    with at(vn(2026, 12, 7, 9)):
        dossier = processing_(world)
    with at(vn(2026, 12, 7, 14)):
        dossier = processing.transfer(
            dossier=dossier,
            by=world.specialist,
            to_agency=world.other,
            lead=True,
            share_days=Decimal("2"),
            note="Đề nghị thẩm định phần xây dựng",
        )
    assert dossier.status == Status.RECEIVED
    assert dossier.current_department == world.other and dossier.competent_agency == world.other
    row = Handover.objects.filter(dossier=dossier).order_by("-seq").first()
    assert (row.to_agency, row.is_lead, row.step_due_at) == (world.other, True, vn(2026, 12, 9, 14))
    event = DossierEvent.objects.get(dossier=dossier, action="transfer")
    assert event.data["share_days"] == 2.0 and event.data["lead"] is True


def test_the_control_sheet_marks_each_step_early_on_time_or_late(world, at):
    """Mẫu 05: the division's step (70 % of 5 working days = 28 working hours) handed Monday 7/12/2026 09:00 is due
    Thursday 10/12 13:00 (lunch not counted); finished Wednesday → early; the step after, finished past its due
    day → late."""
    with at(vn(2026, 12, 7, 9)):
        dossier = processing_(world)
    with at(vn(2026, 12, 9, 10)):
        dossier = processing.propose(
            dossier=dossier,
            by=world.specialist,
            outcome="approved",
            text=processing.DraftText(title="Quyết định", body="Chấp thuận"),
        )
    with at(vn(2026, 12, 14, 16)):  # the leader's share (20 % = 8 hours) ended Thursday 10/12 10:00
        from dossiers.services import approval

        dossier = approval.send_back(dossier=dossier, by=world.leader, comment="Bổ sung căn cứ pháp lý")
        sheet = documents.issue(dossier, IssuedDocument.Kind.CONTROL_SHEET)
    results = list(Handover.objects.filter(dossier=dossier).order_by("seq").values_list("step_name", "result"))
    assert results[-3][1] == "early"  # the specialist's appraisal
    assert results[-2][1] == "late"  # the leader's approval step
    with sheet.file.open("rb") as handle:
        text = pdf_text(handle.read())
    assert "Trước hạn" in text and "Trễ hạn" in text and dossier.code in text
