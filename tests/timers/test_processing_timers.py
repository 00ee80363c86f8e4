"""Timers of a received dossier: the apology-slip reminder (ND 61/2018 art 19.9, Long An 30/2019 art 11.3), the
near-due warning one working day before, overdue from the day after the appointment date (Long An art 14.4 d) and
the answer owed after a supplement. The procedure takes 3 working days; received Monday 23/11/2026 09:00, it is due
Friday 27/11/2026 09:00 (Tuesday 24/11 is Ngày Văn hóa Việt Nam, a public holiday)."""

from __future__ import annotations

from datetime import datetime

import pytest

from dossiers import timers, workflow
from dossiers.models import DossierEvent, Reminder
from portal.models import Message
from tests.timers.conftest import at, recipients, vn

pytestmark = pytest.mark.django_db

SPECIALIST = "Võ Thị Bình"
LEADER = "Phạm Quốc Dũng"
CITIZEN = "Huỳnh Văn An"


def run(when: datetime) -> None:
    with at(when):
        for sweep in timers.SWEEPS.values():
            sweep(now=when)


def test_received_monday_is_due_friday_0900_over_the_tuesday_holiday(province):
    dossier = province.received(vn(2026, 11, 23, 9))
    assert dossier.due_at == vn(2026, 11, 27, 9)


@pytest.mark.parametrize(
    ("sweep_at", "event", "expected"),
    [
        pytest.param(vn(2026, 11, 25, 8, 59), "officer.apology_due", [], id="apology-wed-0859-more-than-2-days-left"),
        pytest.param(
            vn(2026, 11, 25, 9), "officer.apology_due", [LEADER, SPECIALIST], id="apology-wed-0900-2-working-days-left"
        ),
        pytest.param(vn(2026, 11, 26, 9, 1), "officer.apology_due", [], id="apology-thu-0901-too-late-to-issue-a-slip"),
        pytest.param(vn(2026, 11, 26, 8, 59), "officer.near_due", [], id="near-due-thu-0859-more-than-1-day-left"),
        pytest.param(
            vn(2026, 11, 26, 9), "officer.near_due", [LEADER, SPECIALIST], id="near-due-thu-0900-one-working-day-left"
        ),
        pytest.param(
            vn(2026, 11, 27, 16), "officer.near_due", [LEADER, SPECIALIST], id="near-due-late-run-fri-past-the-hour"
        ),
        pytest.param(vn(2026, 11, 27, 16), "officer.overdue", [], id="fri-1600-not-overdue-on-the-due-date"),
        pytest.param(vn(2026, 11, 28, 0, 1), "officer.near_due", [], id="sat-near-due-gives-way-to-overdue"),
        pytest.param(
            vn(2026, 11, 28, 0, 1), "officer.overdue", [LEADER, SPECIALIST], id="sat-0001-overdue-the-day-after"
        ),
        pytest.param(vn(2026, 11, 28, 0, 1), "dossier.overdue", [CITIZEN], id="sat-0001-the-applicant-is-told"),
    ],
)
def test_one_sweep_on_a_dossier_due_friday_27_11_0900(province, sweep_at, event, expected):
    dossier = province.received(vn(2026, 11, 23, 9))
    run(sweep_at)
    assert recipients(event, dossier) == expected


def test_overdue_marks_the_dossier_late_once_with_one_event(province):
    dossier = province.received(vn(2026, 11, 23, 9))
    for when in (vn(2026, 11, 28, 0, 1), vn(2026, 11, 28, 0, 1), vn(2026, 11, 30, 8)):
        run(when)
    dossier.refresh_from_db()
    assert dossier.was_late
    (event,) = DossierEvent.objects.filter(dossier=dossier, action="overdue")
    assert event.at == vn(2026, 11, 28, 0, 1)
    assert event.due_before == vn(2026, 11, 27, 9)
    assert event.actor is None and event.actor_label == "Hệ thống"
    assert event.from_status == event.to_status == "processing"
    assert recipients("officer.overdue", dossier) == [LEADER, SPECIALIST]
    assert recipients("dossier.overdue", dossier) == [CITIZEN]


def test_mark_overdue_records_nothing_before_the_day_after_or_for_a_resolved_dossier(province):
    dossier = province.received(vn(2026, 11, 23, 9))
    assert workflow.mark_overdue(dossier, at=vn(2026, 11, 27, 16, 59)) is None
    province.propose(dossier, vn(2026, 11, 27, 10))
    province.approve(dossier, vn(2026, 11, 27, 11))
    assert workflow.mark_overdue(dossier, at=vn(2026, 11, 30, 8)) is None
    dossier.refresh_from_db()
    assert not dossier.was_late
    assert not DossierEvent.objects.filter(dossier=dossier, action="overdue").exists()


def test_a_late_run_after_a_week_without_timers_sends_only_what_is_true_now(province):
    """Beat was down all week: the first run sends the overdue escalation, not stale reminders."""
    dossier = province.received(vn(2026, 11, 23, 9))
    run(vn(2026, 11, 30, 8))
    events = sorted(Message.objects.filter(reference=dossier.code).values_list("event", flat=True))
    assert events == ["dossier.accepted", "dossier.overdue", "officer.overdue", "officer.overdue"]


def test_the_whole_week_sends_each_reminder_once(province):
    dossier = province.received(vn(2026, 11, 23, 9))
    # Every hour from Monday 10:00 to Saturday 06:00, as beat would (more often, in fact).
    for when in [vn(2026, 11, day, hour) for day in range(23, 29) for hour in range(24)]:
        if vn(2026, 11, 23, 10) <= when <= vn(2026, 11, 28, 6):
            run(when)
    assert recipients("officer.apology_due", dossier) == [LEADER, SPECIALIST]
    assert recipients("officer.near_due", dossier) == [LEADER, SPECIALIST]
    assert recipients("officer.overdue", dossier) == [LEADER, SPECIALIST]
    assert list(Reminder.objects.filter(dossier=dossier).order_by("sent_at").values_list("kind", "sent_at")) == [
        ("apology_due", vn(2026, 11, 25, 9)),
        ("near_due", vn(2026, 11, 26, 9)),
        ("overdue", vn(2026, 11, 28, 0)),
    ]


def test_a_one_day_procedure_is_warned_at_receipt_and_never_gets_an_apology_reminder(province):
    """The apology window (two working days before due) would open before the dossier was even received."""
    dossier = province.received(vn(2026, 11, 23, 9), version=province.short_version)
    assert dossier.due_at == vn(2026, 11, 25, 9)
    run(vn(2026, 11, 23, 9))
    assert recipients("officer.near_due", dossier) == [LEADER, SPECIALIST]
    assert recipients("officer.apology_due", dossier) == []


def test_an_unassigned_dossier_warns_the_departments_leader(province):
    dossier = province.received(vn(2026, 11, 23, 9), assign=False)
    run(vn(2026, 11, 26, 9))
    assert recipients("officer.near_due", dossier) == [LEADER]
    body = Message.objects.get(event="officer.near_due", reference=dossier.code).body
    assert "chưa phân công chuyên viên" in body
    assert "Hẹn trả kết quả: 09:00 ngày 27/11/2026 (còn 1 ngày làm việc)" in body


def test_a_proposal_awaiting_approval_is_warned_but_not_told_to_apologise(province):
    dossier = province.received(vn(2026, 11, 23, 9))
    province.propose(dossier, vn(2026, 11, 23, 15))
    run(vn(2026, 11, 25, 9))
    run(vn(2026, 11, 26, 9))
    assert recipients("officer.apology_due", dossier) == []
    assert recipients("officer.near_due", dossier) == [LEADER, SPECIALIST]


def test_an_apology_slip_sets_a_new_appointment_that_earns_its_own_warnings(province):
    """Mẫu 04 moves the appointment once; the dossier already counts as late. Missing the new appointment is a
    second overdue event, escalated again."""
    dossier = province.received(vn(2026, 11, 23, 9))
    run(vn(2026, 11, 25, 9))  # apology reminder
    with at(vn(2026, 11, 25, 10)):
        workflow.issue_apology(
            dossier, by=province.leader, reason="Chờ kết quả xác minh", new_due_at=vn(2026, 12, 2, 9)
        )
    for when in (vn(2026, 11, 26, 9), vn(2026, 12, 1, 9), vn(2026, 12, 2, 16), vn(2026, 12, 3, 0, 5)):
        run(when)
    near = Message.objects.filter(event="officer.near_due", user=province.specialist)
    assert [m.subject for m in near] == [f"Sắp đến hạn: hồ sơ {dossier.code} hẹn trả 09:00 02/12/2026"]
    assert recipients("officer.apology_due", dossier) == [LEADER, SPECIALIST]  # only before the slip
    (overdue,) = DossierEvent.objects.filter(dossier=dossier, action="overdue")
    assert overdue.due_before == vn(2026, 12, 2, 9)
    assert "gửi người nộp phiếu xin lỗi" not in Message.objects.get(event="officer.overdue", user=province.leader).body


def test_a_supplement_restarts_the_clock_and_the_new_due_date_earns_new_reminders(province):
    """ND 61/2018 art 19.4: the time limit runs again from zero once the complete supplement arrives."""
    dossier = province.received(vn(2026, 11, 23, 9))
    run(vn(2026, 11, 25, 9))  # apology reminder for Fri 27/11 09:00
    province.ask_supplement(dossier, vn(2026, 11, 25, 9, 30))
    run(vn(2026, 11, 26, 9))  # paused: no near-due warning
    province.answer_supplement(dossier, vn(2026, 11, 26, 10))
    dossier.refresh_from_db()
    assert dossier.due_at == vn(2026, 12, 1, 10)  # Thu 10:00 + 3 working days (Fri, Mon, Tue)
    run(vn(2026, 11, 27, 10))
    apology = Message.objects.filter(event="officer.apology_due", user=province.leader).order_by("pk")
    assert [m.subject for m in apology] == [
        f"Nhắc lập phiếu xin lỗi (nếu chậm): hồ sơ {dossier.code} hẹn trả 27/11/2026",
        f"Nhắc lập phiếu xin lỗi (nếu chậm): hồ sơ {dossier.code} hẹn trả 01/12/2026",
    ]
    assert recipients("officer.near_due", dossier) == []


@pytest.mark.parametrize(
    ("acted", "expected"),
    [
        pytest.param(None, [SPECIALIST], id="nobody-acted-the-specialist-is-reminded"),
        pytest.param("verify", [], id="the-specialist-recorded-a-verification"),
        pytest.param("propose", [], id="the-specialist-proposed-a-result"),
    ],
)
def test_an_answered_supplement_nobody_acted_on_reminds_after_one_working_day(province, acted, expected):
    dossier = province.received(vn(2026, 11, 23, 9))
    province.ask_supplement(dossier, vn(2026, 11, 23, 14))
    province.answer_supplement(dossier, vn(2026, 11, 25, 10))
    if acted == "verify":
        with at(vn(2026, 11, 25, 15)):
            workflow.record_work(dossier, by=province.specialist, kind="verify", note="Đã đối chiếu bản bổ sung")
    elif acted == "propose":
        province.propose(dossier, vn(2026, 11, 25, 15))
    run(vn(2026, 11, 26, 9, 59))
    assert recipients("officer.supplement_review", dossier) == []
    run(vn(2026, 11, 26, 10))
    run(vn(2026, 11, 26, 11))
    assert recipients("officer.supplement_review", dossier) == expected


def test_an_unassigned_supplemented_dossier_reminds_the_leader_to_assign_it(province):
    dossier = province.received(vn(2026, 11, 23, 9), assign=False)
    with at(vn(2026, 11, 23, 14)):
        workflow.request_supplement(
            dossier, by=province.specialist, items=[{"item": "Bản sao hộ chiếu", "reason": "Hết hạn"}]
        )
    province.answer_supplement(dossier, vn(2026, 11, 25, 10))
    run(vn(2026, 11, 26, 10))
    assert recipients("officer.supplement_review", dossier) == [LEADER]
    body = Message.objects.get(event="officer.supplement_review").body
    assert "phân công chuyên viên kiểm tra phần bổ sung" in body
    assert f"Người nộp đã bổ sung hồ sơ {dossier.code}" in body


def test_the_batch_limit_bounds_a_run_and_the_next_run_continues(province, settings):
    settings.TIMERS_BATCH_LIMIT = 2
    dossiers = [province.received(vn(2026, 11, 23, 9), assign=False) for _ in range(3)]
    first = timers.escalate_overdue(now=vn(2026, 11, 28, 8))
    assert (first.sent, first.more) == (2, True)
    second = timers.escalate_overdue(now=vn(2026, 11, 28, 8))
    assert (second.sent, second.more) == (1, False)
    third = timers.escalate_overdue(now=vn(2026, 11, 28, 8))
    assert (third.examined, third.sent) == (0, 0)
    assert sorted(Reminder.objects.values_list("dossier_id", flat=True)) == sorted(d.pk for d in dossiers)
