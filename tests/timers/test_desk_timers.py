"""The desk-check timers: a reminder before the desk's SLA for an online dossier ends, escalation to the receiving
agency's leaders after (Bình Định 27/2020: 8 working hours; Bắc Ninh 13/2018: 1 working hour; Long An 30/2019 art 9:
after 17:00 it counts from the next working day). Tuesday 24/11/2026 is a public holiday (Ngày Văn hóa Việt Nam)."""

from __future__ import annotations

from datetime import datetime

import pytest

from dossiers import timers, workflow
from dossiers.models import Reminder
from portal.models import Message
from tests.timers.conftest import at, recipients, vn

pytestmark = pytest.mark.django_db

DESK = ["Nguyễn Thị Lan", "Trần Văn Minh"]
DESK_LEADER = ["Lê Văn Hùng"]


def sweep(when: datetime) -> None:
    with at(when):
        timers.remind_desk_checks(now=when)
        timers.escalate_desk_checks(now=when)


@pytest.mark.parametrize(
    ("submitted", "sweep_at", "reminded", "escalated"),
    [
        pytest.param(
            vn(2026, 11, 23, 9), vn(2026, 11, 23, 16, 29), [], [],
            id="mon-0900-due-wed-0900-(tue-holiday)-more-than-2h-left-at-1629",
        ),
        pytest.param(
            vn(2026, 11, 23, 9), vn(2026, 11, 23, 16, 30), DESK, [],
            id="mon-0900-2h-left-at-mon-1630-(0.5h-mon-+-1.5h-wed)",
        ),
        pytest.param(
            vn(2026, 11, 23, 9), vn(2026, 11, 24, 10), DESK, [],
            id="late-run-on-the-tue-holiday-still-2h-left",
        ),
        pytest.param(
            vn(2026, 11, 23, 9), vn(2026, 11, 25, 9), [], DESK_LEADER,
            id="first-run-at-the-deadline-escalates-only",
        ),
        pytest.param(
            vn(2026, 11, 20, 17, 5), vn(2026, 11, 23, 14, 59), [], [],
            id="fri-1705-counts-from-mon-0730-due-wed-0730-nothing-at-mon-1459",
        ),
        pytest.param(
            vn(2026, 11, 20, 17, 5), vn(2026, 11, 23, 15), DESK, [],
            id="fri-1705-reminded-mon-1500",
        ),
        pytest.param(
            vn(2026, 11, 20, 17, 5), vn(2026, 11, 25, 7, 30), [], DESK_LEADER,
            id="fri-1705-escalated-wed-0730",
        ),
    ],
)  # fmt: skip
def test_desk_check_reminder_then_escalation(province, submitted, sweep_at, reminded, escalated):
    dossier = province.submitted(submitted)
    sweep(sweep_at)
    assert recipients("officer.desk_check_due", dossier) == reminded
    assert recipients("officer.desk_check_overdue", dossier) == escalated


@pytest.mark.parametrize(
    ("submitted", "sweep_at", "reminded"),
    [
        pytest.param(vn(2026, 11, 23, 10), vn(2026, 11, 23, 10, 29), [], id="1000-due-1100-nothing-at-1029"),
        pytest.param(vn(2026, 11, 23, 10), vn(2026, 11, 23, 10, 30), DESK, id="1000-reminded-1030"),
        pytest.param(vn(2026, 11, 23, 11, 10), vn(2026, 11, 23, 12), [], id="1110-due-1340-lunch-does-not-count"),
        pytest.param(vn(2026, 11, 23, 11, 10), vn(2026, 11, 23, 13, 10), DESK, id="1110-reminded-1310"),
    ],
)
def test_one_working_hour_desk_sla_of_bac_ninh_reminds_half_an_hour_before(
    province, settings, submitted, sweep_at, reminded
):
    """Bắc Ninh 13/2018: online dossiers are checked within 1 working hour; the reminder comes at most half the SLA
    before its end, so 30 minutes."""
    settings.DESK_CHECK_SLA_HOURS = 1
    dossier = province.submitted(submitted)
    sweep(sweep_at)
    assert recipients("officer.desk_check_due", dossier) == reminded


def test_running_twice_or_again_later_sends_nothing_twice(province):
    dossier = province.submitted(vn(2026, 11, 23, 9))
    for when in (vn(2026, 11, 23, 16, 30), vn(2026, 11, 23, 16, 30), vn(2026, 11, 24, 10), vn(2026, 11, 25, 8)):
        sweep(when)
    for when in (vn(2026, 11, 25, 9), vn(2026, 11, 25, 9), vn(2026, 11, 26, 9)):
        sweep(when)
    assert recipients("officer.desk_check_due", dossier) == DESK
    assert recipients("officer.desk_check_overdue", dossier) == DESK_LEADER
    assert Reminder.objects.filter(dossier=dossier).count() == 2


def test_a_dossier_the_desk_acted_on_is_neither_reminded_nor_escalated(province):
    dossier = province.submitted(vn(2026, 11, 23, 9))
    with at(vn(2026, 11, 23, 10)):
        workflow.accept(dossier, by=province.receiver)
    sweep(vn(2026, 11, 23, 16, 30))
    sweep(vn(2026, 11, 25, 9))
    assert not Message.objects.filter(event__startswith="officer.desk_check").exists()


def test_an_intake_supplement_gives_a_new_desk_deadline_and_a_new_reminder_that_says_so(province):
    """ND 61/2018 art 15.3, 17: the desk asks for a supplement before receiving; when it comes, the desk checks
    again within its SLA — the answer owed to the citizen."""
    dossier = province.submitted(vn(2026, 11, 23, 9))
    sweep(vn(2026, 11, 23, 16, 30))  # first reminder, for Wed 25/11 09:00
    with at(vn(2026, 11, 23, 16, 45)):
        workflow.request_supplement(
            dossier, by=province.receiver, items=[{"item": "Tờ khai", "reason": "Thiếu chữ ký"}]
        )
    province.answer_supplement(dossier, vn(2026, 11, 25, 10))  # new desk due: Thu 26/11 10:00
    dossier.refresh_from_db()
    assert dossier.desk_due_at == vn(2026, 11, 26, 10)
    sweep(vn(2026, 11, 26, 8))
    reminders = Message.objects.filter(event="officer.desk_check_due", user=province.receiver).order_by("pk")
    assert [m.subject for m in reminders] == [
        "Nhắc việc: hồ sơ trực tuyến cần kiểm tra trước 09:00 25/11/2026",
        "Nhắc việc: hồ sơ trực tuyến cần kiểm tra trước 10:00 26/11/2026",
    ]
    assert "đã được bổ sung lúc 10:00 25/11/2026" in reminders[1].body
    assert "còn 2 giờ làm việc" in reminders[1].body


def test_reminder_and_escalation_texts(province):
    dossier = province.submitted(vn(2026, 11, 23, 9))
    sweep(vn(2026, 11, 23, 16, 30))
    sweep(vn(2026, 11, 25, 11))
    reminder = Message.objects.get(event="officer.desk_check_due", user=province.receiver)
    assert "Hạn kiểm tra, tiếp nhận: 09:00 ngày 25/11/2026 (còn 2 giờ làm việc)" in reminder.body
    assert f"/mot-cua/ho-so/{dossier.pk}/" in reminder.body
    escalation = Message.objects.get(event="officer.desk_check_overdue", user=province.desk_leader)
    assert "quá 2 giờ làm việc" in escalation.body
    assert escalation.subject == "Quá hạn kiểm tra hồ sơ trực tuyến tại Trung tâm Phục vụ hành chính công tỉnh"


def test_nobody_at_the_agency_itself_falls_back_to_its_nearest_ancestors_officers(province):
    from tests.factories import AgencyFactory

    counter = AgencyFactory(code="000.01.02.H41", name="Quầy tiếp nhận cơ sở 2", parent=province.desk)
    province.version.receiving_agencies.add(counter)
    with at(vn(2026, 11, 23, 9)):
        draft = workflow.create_draft(
            procedure_version=province.version, applicant=province.citizen, receiving_agency=counter
        )
        province.attach(draft)
        dossier = workflow.submit(draft, by=province.citizen)
    sweep(vn(2026, 11, 23, 16, 30))
    sweep(vn(2026, 11, 25, 9))
    assert recipients("officer.desk_check_due", dossier) == DESK
    assert recipients("officer.desk_check_overdue", dossier) == DESK_LEADER
