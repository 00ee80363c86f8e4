"""The clock service (dossiers.clock) on PostgreSQL: the append-only log, ``due_at`` derived from it, and the
recomputation of open dossiers when the working calendar changes (issue 5 points 1 and 4).

These tests drive the clock service itself; the dossiers are put in a received state by the factory, as the
workflow (tested on its own) would leave them, so that each test isolates one clock rule.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.dispatch import receiver

from dossiers import clock
from dossiers.models import ClockEntry, DossierEvent, Status
from dossiers.signals import dossier_changed
from dossiers.tasks import recompute_due_dates
from portal.celery import app as celery_app
from portal.exceptions import InvalidTransition
from portal.models import Agency, CalendarOverride, Message
from portal.workdays import TZ
from tests.factories import AgencyFactory, DossierFactory, ProcedureVersionFactory

pytestmark = pytest.mark.django_db


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


@pytest.fixture
def agencies():
    province = AgencyFactory(name="UBND tỉnh Long An", kind=Agency.Kind.PROVINCE)
    justice = AgencyFactory(name="Sở Tư pháp", parent=province)
    health = AgencyFactory(name="Sở Y tế", parent=province)
    return justice, health


def received(
    agency: Agency,
    *,
    on: datetime,
    limit: int = 10,
    unit: str = "working_days",
    policy: str = "restart",
    status: str = Status.PROCESSING,
    start: bool = True,
):
    version = ProcedureVersionFactory(
        competent_agency=agency,
        processing_time_value=Decimal(limit),
        processing_time_unit=unit,
        supplement_policy=policy,
    )
    dossier = DossierFactory(procedure_version=version, status=status, received_at=on, submitted_at=on)
    if start:
        clock.start(dossier, at=on)
    return dossier


def kinds(dossier) -> list[str]:
    return list(ClockEntry.objects.filter(dossier=dossier).order_by("pk").values_list("kind", flat=True))


def stored_due(dossier) -> datetime | None:
    dossier.refresh_from_db(fields=["due_at"])
    return dossier.due_at


# ------------------------------------------------------------------------------------------------ the log


def test_starting_the_clock_sets_the_appointment(agencies):
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 2, 13), limit=5, start=False)
    before, after = clock.start(dossier, at=at(2026, 2, 13))
    assert (before, after) == (None, at(2026, 2, 27))
    assert dossier.due_at == stored_due(dossier) == at(2026, 2, 27)
    assert kinds(dossier) == ["started"]


def test_a_supplement_pauses_then_restarts_the_clock(agencies):
    """ND 61/2018 art 19.4: no due date while the applicant supplements; the whole limit again afterwards."""
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 3, 2, 9))
    assert clock.pause(dossier, at=at(2026, 3, 5, 9), reason="Chờ bổ sung hồ sơ") == (at(2026, 3, 16, 9), None)
    assert stored_due(dossier) is None
    assert clock.after_supplement(dossier, at=at(2026, 3, 10, 14)) == (None, at(2026, 3, 24, 14))
    assert kinds(dossier) == ["started", "paused", "restarted"]
    assert stored_due(dossier) == at(2026, 3, 24, 14)


def test_a_resume_policy_continues_with_the_time_left(agencies):
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 3, 2, 9), policy="resume")
    clock.pause(dossier, at=at(2026, 3, 5, 9), reason="Chờ bổ sung hồ sơ")
    assert clock.after_supplement(dossier, at=at(2026, 3, 10, 14)) == (None, at(2026, 3, 19, 14))
    assert kinds(dossier) == ["started", "paused", "resumed"]
    state = clock.state(dossier, now=at(2026, 3, 12, 14))
    assert (state.used.total_seconds() / 3600, state.left.total_seconds() / 3600) == (5 * 8, 5 * 8)


def test_an_apology_slip_extends_once(agencies):
    """ND 61/2018 art 19.9: the appointment may be reset only once."""
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 3, 2, 9), limit=5)
    assert clock.extend(
        dossier,
        at=at(2026, 3, 5, 9),
        new_due_at=at(2026, 3, 13, 16),
        reason="Cần xác minh thực địa",
        legal_basis="Khoản 9 Điều 19 Nghị định 61/2018/NĐ-CP",
    ) == (at(2026, 3, 9, 9), at(2026, 3, 13, 16))
    with pytest.raises(InvalidTransition, match="chỉ được điều chỉnh thời hạn một lần"):
        clock.extend(dossier, at=at(2026, 3, 6, 9), new_due_at=at(2026, 3, 20, 9), reason="Lần hai")
    assert kinds(dossier) == ["started", "extended"]
    assert stored_due(dossier) == at(2026, 3, 13, 16)
    entry = ClockEntry.objects.get(dossier=dossier, kind="extended")
    assert (entry.new_due_at, entry.legal_basis) == (at(2026, 3, 13, 16), "Khoản 9 Điều 19 Nghị định 61/2018/NĐ-CP")


def test_a_move_the_log_does_not_allow_changes_nothing(agencies):
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 3, 2, 9))
    with pytest.raises(InvalidTransition, match="Chỉ tiếp tục tính thời hạn khi hồ sơ đang tạm dừng"):
        clock.resume(dossier, at=at(2026, 3, 3, 9))
    with pytest.raises(InvalidTransition, match="đã được bắt đầu tính"):
        clock.start(dossier, at=at(2026, 3, 3, 9))
    assert kinds(dossier) == ["started"]
    assert stored_due(dossier) == at(2026, 3, 16, 9)


def test_the_explanation_reads_the_stored_log(agencies):
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 2, 12, 9), limit=5)
    clock.pause(dossier, at=at(2026, 2, 24, 9), reason="Chờ bổ sung hồ sơ")
    clock.restart(dossier, at=at(2026, 3, 2, 9))
    lines = clock.explain(dossier).lines
    assert lines[0] == "Hồ sơ được tiếp nhận lúc 09:00 Thứ Năm 12/02/2026."
    assert any("Giao thừa Tết Nguyên Đán" in line for line in lines)
    assert lines[-1] == "Hẹn trả kết quả: 09:00 Thứ Hai 09/03/2026."


def test_recompute_logs_a_moved_date(agencies):
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 8, 24, 9))
    assert clock.recompute(dossier) == (at(2026, 9, 10, 9), at(2026, 9, 10, 9))
    assert kinds(dossier) == ["started"]  # nothing moved, nothing logged
    CalendarOverride.objects.create(date=date(2026, 9, 3), kind="day_off", name="Nghỉ lễ hội", agency=justice)
    assert clock.recompute(dossier, reason="Nghỉ lễ hội") == (at(2026, 9, 10, 9), at(2026, 9, 11, 9))
    assert kinds(dossier) == ["started", "recomputed"]
    assert clock.state(dossier).due_at == stored_due(dossier) == at(2026, 9, 11, 9)


# ------------------------------------------------------------------------------------------------ calendar change


@pytest.fixture
def announced():
    seen: list[tuple] = []

    @receiver(dossier_changed, weak=False)
    def remember(sender, dossier, before, after, **kwargs):
        seen.append((dossier.pk, before["due_at"], after["due_at"]))

    yield seen
    dossier_changed.disconnect(remember)


def test_a_day_off_decreed_mid_flight_moves_the_open_dossiers_it_can_affect(agencies, announced):
    """DESIGN §5: when the calendar changes, open dossiers' due dates are recomputed and each change is logged;
    the applicants whose date moved are told."""
    justice, health = agencies
    moved = received(justice, on=at(2026, 8, 24, 9))  # due Thu 10/9/2026 09:00
    other_agency = received(health, on=at(2026, 8, 24, 9))
    paused = received(justice, on=at(2026, 8, 24, 9))
    clock.pause(paused, at=at(2026, 8, 25, 9), reason="Chờ bổ sung hồ sơ")
    resolved = received(justice, on=at(2026, 8, 24, 9), status=Status.RESULT_READY)
    due_before_change = received(justice, on=at(2026, 8, 3, 9), limit=5)  # due Mon 10/8/2026
    extended = received(justice, on=at(2026, 8, 24, 9))
    clock.extend(extended, at=at(2026, 8, 25), new_due_at=at(2026, 9, 15, 9), reason="Xác minh")

    CalendarOverride.objects.create(date=date(2026, 9, 3), kind="day_off", name="Nghỉ lễ hội", agency=justice)
    report = clock.recompute_open_dossiers(dates=[date(2026, 9, 3)], agency=justice)

    assert report.changed == [(moved.pk, at(2026, 9, 10, 9), at(2026, 9, 11, 9))]
    assert report.examined == 2  # ``moved`` and ``extended``; the others cannot be affected
    assert stored_due(moved) == at(2026, 9, 11, 9)
    for untouched, due_at in (
        (other_agency, at(2026, 9, 10, 9)),
        (paused, None),
        (resolved, at(2026, 9, 10, 9)),
        (due_before_change, at(2026, 8, 10, 9)),
        (extended, at(2026, 9, 15, 9)),
    ):
        assert stored_due(untouched) == due_at
    entry = ClockEntry.objects.get(dossier=moved, kind="recomputed")
    assert entry.new_due_at == at(2026, 9, 11, 9)
    assert "03/09/2026" in entry.reason
    event = DossierEvent.objects.get(dossier=moved, action="due_recomputed")
    assert (event.actor, event.due_before, event.due_after) == (None, at(2026, 9, 10, 9), at(2026, 9, 11, 9))
    assert entry.event == event
    assert announced == [(moved.pk, at(2026, 9, 10, 9), at(2026, 9, 11, 9))]
    message = Message.objects.get(event="dossier.due_changed")
    assert message.user == moved.applicant
    assert "Hẹn trả kết quả mới: 09:00 ngày 11/09/2026" in message.body
    assert "Hẹn trả kết quả trước đây: 09:00 ngày 10/09/2026" in message.body

    again = clock.recompute_open_dossiers(dates=[date(2026, 9, 3)], agency=justice)
    assert again.changed == []
    assert DossierEvent.objects.filter(action="due_recomputed").count() == 1
    assert Message.objects.filter(event="dossier.due_changed").count() == 1


def test_a_province_wide_change_reaches_every_agency(agencies):
    justice, health = agencies
    first = received(justice, on=at(2026, 8, 24, 9))
    second = received(health, on=at(2026, 8, 24, 9))
    CalendarOverride.objects.create(date=date(2026, 9, 5), kind="working_day", name="Làm bù")
    report = clock.recompute_open_dossiers(dates=[date(2026, 9, 5)])
    assert sorted(pk for pk, _before, _after in report.changed) == sorted([first.pk, second.pk])
    assert stored_due(first) == stored_due(second) == at(2026, 9, 9, 9)


@pytest.fixture
def eager_celery():
    """Run Celery tasks in the calling process (the broker is not under test here)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_saving_moving_and_deleting_an_override_recomputes_after_commit(
    agencies, eager_celery, django_capture_on_commit_callbacks
):
    """The admin saves a CalendarOverride → after commit → Celery task ``recompute_due_dates``
    (dossiers.calendar_changes)."""
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 8, 24, 9))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        row = CalendarOverride.objects.create(date=date(2026, 9, 3), kind="day_off", name="Nghỉ lễ hội")
    assert callbacks
    assert stored_due(dossier) == at(2026, 9, 11, 9)

    with django_capture_on_commit_callbacks(execute=True):
        row.date = date(2026, 9, 14)  # moved after the appointment: the dossier gets its day back
        row.save()
    assert stored_due(dossier) == at(2026, 9, 10, 9)

    with django_capture_on_commit_callbacks(execute=True):
        row.date = date(2026, 9, 4)
        row.save()
    assert stored_due(dossier) == at(2026, 9, 11, 9)

    with django_capture_on_commit_callbacks(execute=True):
        row.delete()
    assert stored_due(dossier) == at(2026, 9, 10, 9)
    assert DossierEvent.objects.filter(dossier=dossier, action="due_recomputed").count() == 4


def test_the_task_is_a_thin_idempotent_wrapper(agencies):
    justice, _ = agencies
    dossier = received(justice, on=at(2026, 8, 24, 9))
    CalendarOverride.objects.create(date=date(2026, 9, 3), kind="day_off", name="Nghỉ lễ hội", agency=justice)
    assert recompute_due_dates.apply(args=(["2026-09-03"], justice.pk)).get() == {"examined": 1, "changed": 1}
    assert recompute_due_dates.apply(args=(["2026-09-03"], justice.pk)).get() == {"examined": 1, "changed": 0}
    assert stored_due(dossier) == at(2026, 9, 11, 9)


def test_a_decision_entered_ahead_moves_the_dates_on_the_day_it_takes_effect(agencies):
    """``effective_from``: the calendar in force changes on that day, when the daily timer recomputes."""
    from dossiers.tasks import recompute_due_dates_for_decisions_in_force
    from portal import clock as portal_clock

    justice, _ = agencies
    portal_clock.freeze(at(2026, 8, 24, 9))
    dossier = received(justice, on=at(2026, 8, 24, 9))
    CalendarOverride.objects.create(
        date=date(2026, 9, 3), kind="day_off", name="Nghỉ lễ hội", effective_from=date(2026, 8, 28)
    )
    assert clock.recompute_open_dossiers(dates=[date(2026, 9, 3)]).changed == []
    assert stored_due(dossier) == at(2026, 9, 10, 9)
    portal_clock.freeze(at(2026, 8, 28, 0, 10))
    assert recompute_due_dates_for_decisions_in_force.apply().get() == {"examined": 1, "changed": 1}
    assert stored_due(dossier) == at(2026, 9, 11, 9)
    assert recompute_due_dates_for_decisions_in_force.apply().get() == {"examined": 1, "changed": 0}


# ------------------------------------------------------------------------------------------------ with the workflow


@pytest.mark.parametrize(
    ("policy", "due_after_supplement"),
    [
        pytest.param("restart", at(2026, 3, 24, 14), id="restart-gives-10-full-days-from-tue-10-03-2026"),
        pytest.param("resume", at(2026, 3, 20, 14), id="resume-gives-the-8-days-left-from-tue-10-03-2026"),
    ],
)
def test_through_the_workflow_the_stored_due_date_is_always_the_logs(agencies, policy, due_after_supplement):
    """Counter intake → supplement asked during appraisal → supplement answered → apology slip, with the portal clock
    moved through March 2026: after every step ``due_at`` equals what the clock log gives (ND 61/2018 arts 19.4,
    19.9)."""
    from dossiers import workflow
    from dossiers.models import Channel
    from portal import clock as portal_clock
    from portal.models import OfficerPost
    from tests.factories import OfficerPostFactory

    justice, _ = agencies
    receiver_ = OfficerPostFactory(agency=justice, role=OfficerPost.Role.RECEIVER).user
    specialist = OfficerPostFactory(agency=justice, role=OfficerPost.Role.SPECIALIST).user
    leader = OfficerPostFactory(agency=justice, role=OfficerPost.Role.LEADER).user
    version = ProcedureVersionFactory(
        competent_agency=justice, processing_time_value=Decimal(10), supplement_policy=policy
    )
    dossier = DossierFactory(procedure_version=version, channel=Channel.IN_PERSON)

    def check(expected):
        dossier.refresh_from_db()
        assert dossier.due_at == clock.state(dossier).due_at == expected

    portal_clock.freeze(at(2026, 3, 2, 9))
    workflow.intake(dossier, by=receiver_)
    check(at(2026, 3, 16, 9))
    portal_clock.freeze(at(2026, 3, 4, 9))
    workflow.request_supplement(dossier, by=specialist, items=[{"item": "Bản sao giấy khai sinh", "reason": "Mờ"}])
    check(None)
    portal_clock.freeze(at(2026, 3, 10, 14))
    workflow.answer_supplement(dossier, by=dossier.applicant, note="Đã nộp bản sao rõ nét")
    check(due_after_supplement)
    portal_clock.freeze(at(2026, 3, 12, 9))
    new_due = due_after_supplement + timedelta(days=7)
    workflow.issue_apology(dossier, by=leader, reason="Cần xác minh thực địa", new_due_at=new_due)
    check(new_due)
    assert dossier.was_late
    assert kinds(dossier) == ["started", "paused", "restarted" if policy == "restart" else "resumed", "extended"]
    answered = DossierEvent.objects.get(dossier=dossier, action="answer_supplement")
    assert answered.due_before is None
