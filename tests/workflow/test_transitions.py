"""The lifecycle of a dossier (DESIGN §4) through dossiers.workflow, on real dates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from dossiers import workflow
from dossiers.models import ApologySlip, ClockEntry, Dossier, DossierEvent, Handover, Status, SupplementRequest
from dossiers.signals import dossier_changed
from portal.exceptions import InvalidTransition, NotAllowed, ValidationProblems
from portal.models import Message
from tests.factories import CitizenFactory
from tests.workflow.conftest import vn

pytestmark = pytest.mark.django_db


def test_online_submission_after_the_cutoff_on_friday_counts_from_monday_0730(world, at):
    """Long An 30/2019 art 9: submitted online after 17:00 → received the next working day; the desk has 8
    working hours from that moment (Bình Định 27/2020)."""
    with at(vn(2026, 11, 20, 17, 30)):  # Friday
        dossier = world.submitted()
    event = dossier.events.get(action="submit")
    assert event.data["receipt_moment"] == vn(2026, 11, 23, 7, 30).isoformat()  # Monday 07:30
    # 8 working hours from Mon 07:30 = one working day later at the same clock time (DESIGN §5); Tue 24/11 is off.
    assert dossier.desk_due_at == vn(2026, 11, 25, 7, 30)
    assert dossier.status == Status.SUBMITTED
    assert Message.objects.filter(user=world.citizen, event="dossier.submitted").exists()


def test_submission_lists_every_problem_at_once_and_changes_nothing(world, at):
    world.version.required_assurance_level = 2
    world.version.save()
    dossier = world.draft()  # no attachment for the required component, citizen at level 1
    with at(vn(2026, 11, 23, 9)), pytest.raises(ValidationProblems) as refused:
        workflow.submit(dossier, by=world.citizen)
    problems = " ".join(refused.value.problems)
    assert "mức 2" in problems
    assert "Tờ khai" in problems
    dossier.refresh_from_db()
    assert dossier.status == Status.DRAFT
    assert not dossier.events.filter(action="submit").exists()


def test_accept_issues_the_code_starts_the_clock_and_routes_to_the_department(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.submitted()
    with at(vn(2026, 11, 23, 9, 15)):
        dossier = workflow.accept(dossier, by=world.receiver)
    assert dossier.code == "000.00.01.H41-261123-0001"
    assert dossier.status == Status.RECEIVED
    assert dossier.received_at == vn(2026, 11, 23, 9, 15)
    # 5 working days from Monday 09:15 → Monday 30/11 09:15 (24/11 is Vietnam Culture Day, a day off from 2026).
    assert dossier.due_at == vn(2026, 12, 1, 9, 15)
    assert dossier.current_department == world.division
    handover = Handover.objects.get(dossier=dossier)
    assert (handover.from_agency, handover.to_agency, handover.is_lead) == (world.desk, world.division, True)
    assert handover.step_due_at is not None
    assert ClockEntry.objects.filter(dossier=dossier, kind="started").count() == 1
    assert Message.objects.filter(user=world.citizen, event="dossier.accepted").exists()
    stored = Dossier.objects.get(pk=dossier.pk)
    assert (stored.code, stored.due_at, stored.status) == (dossier.code, dossier.due_at, dossier.status)


def test_codes_restart_daily_per_agency(world, at):
    with at(vn(2026, 11, 23, 8)):
        first, second = world.submitted(), world.submitted()
        workflow.accept(first, by=world.receiver)
        workflow.accept(second, by=world.receiver)
    with at(vn(2026, 11, 25, 8)):
        third = workflow.accept(world.submitted(), by=world.receiver)
    codes = sorted(Dossier.objects.exclude(code=None).values_list("code", flat=True))
    assert codes == ["000.00.01.H41-261123-0001", "000.00.01.H41-261123-0002", "000.00.01.H41-261125-0001"]
    assert third.code.endswith("-0001")


def test_accepted_after_1700_counts_as_received_next_working_morning(world, at):
    with at(vn(2026, 11, 23, 16)):
        dossier = world.submitted()
    with at(vn(2026, 11, 23, 17, 20)):
        dossier = workflow.accept(dossier, by=world.receiver)
    assert dossier.received_at == vn(2026, 11, 25, 7, 30)  # 24/11 is a day off
    assert dossier.code.split("-")[1] == "261125"


@pytest.mark.parametrize("who", ["outsider", "citizen", "anonymous", "specialist"])
def test_only_the_receiving_desk_may_accept(world, who, at):
    from django.contrib.auth.models import AnonymousUser

    by = {
        "outsider": world.outsider,
        "citizen": world.citizen,
        "anonymous": AnonymousUser(),
        "specialist": world.specialist,
    }[who]
    with at(vn(2026, 11, 23, 8)):
        dossier = world.submitted()
        with pytest.raises(NotAllowed):
            workflow.accept(dossier, by=by)
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED and dossier.code is None


def test_invalid_transition_says_what_and_why(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.received()
        with pytest.raises(InvalidTransition) as refused:
            workflow.accept(dossier, by=world.receiver)
    assert "Tiếp nhận hồ sơ" in refused.value.message and "Đã tiếp nhận" in refused.value.message


def test_supplement_at_intake_means_never_received_and_goes_back_to_the_desk(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.submitted()
        dossier = workflow.request_supplement(
            dossier, by=world.receiver, items=[{"item": "Bản sao CCCD", "reason": "Ảnh mờ, không đọc được số"}]
        )
    assert dossier.status == Status.INTAKE_SUPPLEMENT and dossier.code is None and dossier.received_at is None
    assert SupplementRequest.objects.get(dossier=dossier).stage == "intake"
    with at(vn(2026, 11, 25, 10)):
        world.attach(dossier)
        dossier = workflow.answer_supplement(dossier, by=world.citizen)
    assert dossier.status == Status.SUBMITTED
    assert dossier.desk_due_at == vn(2026, 11, 26, 10)  # a fresh 8 working hours from the resubmission


def test_supplement_request_needs_items_with_reasons(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.submitted()
        with pytest.raises(ValidationProblems):
            workflow.request_supplement(dossier, by=world.receiver, items=[{"item": "CCCD", "reason": ""}])
    dossier.refresh_from_db()
    assert dossier.status == Status.SUBMITTED


def _in_appraisal(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.received()
        dossier = workflow.assign(dossier, by=world.leader, to_user=world.specialist)
    return dossier


def test_supplement_during_appraisal_stops_the_clock_and_restarts_it_from_zero(world, at):
    """ND 61/2018 art 19.4: the time limit is counted again from the start once the complete supplement arrives."""
    dossier = _in_appraisal(world, at)
    with at(vn(2026, 11, 25, 9)):
        dossier = workflow.request_supplement(
            dossier, by=world.specialist, items=[{"item": "Giấy xác nhận", "reason": "Hết hạn"}]
        )
    assert dossier.status == Status.AWAITING_SUPPLEMENT
    with at(vn(2026, 12, 2, 14)):
        world.attach(dossier)
        dossier = workflow.answer_supplement(dossier, by=world.citizen)
    assert dossier.status == Status.PROCESSING
    assert dossier.due_at == vn(2026, 12, 9, 14)  # a full 5 working days from Wed 2/12 14:00


def test_supplement_during_appraisal_resumes_the_time_left_when_the_procedure_says_so(world, at):
    world.version.supplement_policy = "resume"
    world.version.save()
    dossier = _in_appraisal(world, at)  # received Mon 23/11 08:00, due Tue 1/12 08:00
    with at(vn(2026, 11, 25, 8)):  # one working day used (24/11 is a day off)
        dossier = workflow.request_supplement(
            dossier, by=world.specialist, items=[{"item": "Giấy xác nhận", "reason": "Hết hạn"}]
        )
    with at(vn(2026, 12, 2, 8)):
        world.attach(dossier)
        dossier = workflow.answer_supplement(dossier, by=world.citizen)
    assert dossier.due_at == vn(2026, 12, 8, 8)  # the 4 working days left, from Wed 2/12 08:00


def test_appraisal_supplement_must_come_within_three_working_days(world, at):
    dossier = _in_appraisal(world, at)
    with at(vn(2026, 11, 30, 9)), pytest.raises(InvalidTransition):  # 4 working days after receipt
        workflow.request_supplement(dossier, by=world.specialist, items=[{"item": "X", "reason": "Y"}])


def _proposed(world, at, outcome="approved"):
    from dossiers.models import IssuedDocument

    dossier = _in_appraisal(world, at)
    draft = IssuedDocument.objects.create(dossier=dossier, kind=IssuedDocument.Kind.RESULT_DRAFT, sha256="0" * 64)
    with at(vn(2026, 11, 26, 10)):
        return workflow.propose(
            dossier,
            by=world.specialist,
            outcome=outcome,
            document=draft,
            note="Không đủ điều kiện" if outcome == "rejected" else "",
        )


def test_approval_resolves_the_dossier_early_and_hands_it_back_to_the_desk(world, at):
    from dossiers.models import IssuedDocument

    dossier = _proposed(world, at)
    assert dossier.status == Status.AWAITING_APPROVAL
    signed = IssuedDocument.objects.create(dossier=dossier, kind=IssuedDocument.Kind.RESULT, sha256="1" * 64)
    with at(vn(2026, 11, 27, 10)):
        dossier = workflow.approve(dossier, by=world.leader, signed_result=signed)
    assert (dossier.status, dossier.outcome) == (Status.RESULT_READY, "approved")
    assert dossier.resolved_at == vn(2026, 11, 27, 10) and not dossier.was_late
    steps = list(Handover.objects.filter(dossier=dossier).order_by("seq"))
    assert [s.to_agency for s in steps][-1] == world.desk
    assert all(s.result for s in steps[:-1])  # every finished step is marked early / on time / late (Mẫu 05)
    with at(vn(2026, 11, 27, 14)), pytest.raises(ValidationProblems):
        workflow.return_result(dossier, by=world.receiver, channel="counter")
    with at(vn(2026, 11, 27, 14)):
        dossier = workflow.return_result(dossier, by=world.receiver, channel="counter", received_by_name="Nguyễn An")
    assert dossier.status == Status.RETURNED and dossier.returned_at == vn(2026, 11, 27, 14)


def test_approving_a_proposed_rejection_gives_a_reasoned_rejection(world, at):
    from dossiers.models import IssuedDocument

    dossier = _proposed(world, at, outcome="rejected")
    letter = IssuedDocument.objects.create(dossier=dossier, kind=IssuedDocument.Kind.REJECTION, sha256="2" * 64)
    with at(vn(2026, 11, 27, 10)):
        dossier = workflow.approve(dossier, by=world.leader, signed_result=letter)
    assert (dossier.status, dossier.outcome) == (Status.REJECTED, "rejected")
    assert dossier.resolved_at is not None


def test_only_the_competent_leader_approves(world, at):
    from dossiers.models import IssuedDocument

    dossier = _proposed(world, at)
    signed = IssuedDocument.objects.create(dossier=dossier, kind=IssuedDocument.Kind.RESULT, sha256="1" * 64)
    for by in (world.specialist, world.receiver, world.outsider, world.citizen):
        with pytest.raises(NotAllowed):
            workflow.approve(dossier, by=by, signed_result=signed)


def test_apology_slip_once_at_least_one_working_day_before_due_and_late_forever(world, at):
    """ND 61/2018 art 19.9; Long An 30/2019 art 11.3 and 14.4."""
    dossier = _in_appraisal(world, at)  # due Tue 1/12 08:00
    new_due = vn(2026, 12, 4, 8)
    with at(vn(2026, 11, 30, 9)), pytest.raises(ValidationProblems):  # less than one working day before due
        workflow.issue_apology(dossier, by=world.leader, reason="Chờ ý kiến phối hợp", new_due_at=new_due)
    with at(vn(2026, 11, 27, 9)):
        slip = workflow.issue_apology(dossier, by=world.leader, reason="Chờ ý kiến phối hợp", new_due_at=new_due)
    dossier.refresh_from_db()
    assert slip.original_due_at == vn(2026, 12, 1, 8)
    assert dossier.due_at == new_due and dossier.was_late and dossier.apology_issued
    with at(vn(2026, 11, 27, 9)), pytest.raises(InvalidTransition):
        workflow.issue_apology(dossier, by=world.leader, reason="Lần hai", new_due_at=vn(2026, 12, 10, 8))
    assert ApologySlip.objects.filter(dossier=dossier).count() == 1


def test_withdrawal_needs_the_owner_and_a_reason(world, at):
    with at(vn(2026, 11, 23, 8)):
        dossier = world.received()
        with pytest.raises(NotAllowed):
            workflow.withdraw(dossier, by=CitizenFactory(), reason="Không cần nữa")
        with pytest.raises(ValidationProblems):
            workflow.withdraw(dossier, by=world.citizen, reason=" ")
        dossier = workflow.withdraw(dossier, by=world.citizen, reason="Đã nộp nhầm thủ tục")
    assert dossier.status == Status.WITHDRAWN and dossier.withdrawn_at == vn(2026, 11, 23, 8)


def test_every_transition_sends_one_reporting_snapshot_in_the_transaction(world, at):
    seen = []

    def receiver(sender, dossier, before, after, **kwargs):
        seen.append((before and before["status"], after["status"]))

    dossier_changed.connect(receiver)
    try:
        with at(vn(2026, 11, 23, 8)):
            world.received()
    finally:
        dossier_changed.disconnect(receiver)
    assert seen == [(None, "draft"), ("draft", "submitted"), ("submitted", "received")]


def test_event_log_is_append_only(world, at):
    from portal.models.append_only import AppendOnlyError

    with at(vn(2026, 11, 23, 8)):
        dossier = world.submitted()
    event = dossier.events.first()
    event.note = "sửa"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        DossierEvent.objects.filter(dossier=dossier).update(note="x")


def test_counter_intake_of_a_paper_dossier_after_1500_reaches_the_department_next_working_day(world, at):
    """ND 61/2018 art 18."""
    dossier = world.draft(channel=1)
    world.attach(dossier)
    with at(vn(2026, 11, 25, 15, 30)):
        dossier = workflow.intake(dossier, by=world.receiver)
    handover = Handover.objects.get(dossier=dossier)
    assert dossier.received_at == vn(2026, 11, 25, 15, 30)
    assert handover.handed_at == vn(2026, 11, 26, 7, 30)
    assert dossier.due_at - dossier.received_at > timedelta(days=6)


def test_a_commune_procedure_is_decided_by_the_commune_whose_centre_received_it(world, at):
    """Since 7/2025 every commune has its own centre; the catalogue names one commune as an example."""
    from portal.models import Agency, OfficerPost
    from tests.factories import AgencyFactory, OfficerFactory, OfficerPostFactory, ProcedureVersionFactory

    tan_an = AgencyFactory(kind=Agency.Kind.COMMUNE, parent=world.province, name="UBND phường Tân An")
    tan_an_division = AgencyFactory(kind=Agency.Kind.DIVISION, parent=tan_an)
    duc_hoa = AgencyFactory(kind=Agency.Kind.COMMUNE, parent=world.province, name="UBND xã Đức Hòa")
    duc_hoa_centre = AgencyFactory(kind=Agency.Kind.CENTRE, parent=duc_hoa)
    version = ProcedureVersionFactory(competent_agency=tan_an, administrative_level="commune")
    version.receiving_agencies.add(duc_hoa_centre)
    from procedures.models import RouteStep

    RouteStep.objects.create(
        version=version, order=1, name="Thẩm định", role="specialist", department=tan_an_division, share_percent=80
    )
    receiver = OfficerFactory()
    OfficerPostFactory(user=receiver, agency=duc_hoa_centre, role=OfficerPost.Role.RECEIVER)
    dossier = world.draft(version=version, receiving_agency=duc_hoa_centre)
    assert dossier.competent_agency == duc_hoa
    with at(vn(2026, 11, 23, 8)):
        dossier = workflow.accept(workflow.submit(dossier, by=world.citizen), by=receiver)
    assert dossier.current_department == duc_hoa  # not Tân An's division
