"""The deadline engine (dossiers.deadlines) on real 2025–2027 dates: one table per rule, then its properties.

Rules: ND 61/2018/NĐ-CP art 18 (paper dossiers after 15:00), 19.4 (the time limit restarts once the complete
supplement arrives), 19.9 (apology slip, new appointment once, still late); Long An QĐ 30/2019 art 9 (after 17:00,
the next working day) and art 14.4 (early / on time / late by the date; overdue); Civil Code 2015 arts 147–148
(periods in days); DESIGN §5.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from dossiers import deadlines
from dossiers.deadlines import (
    ClockError,
    ClockEvent,
    OpenTimeliness,
    TimeLimit,
    Timeliness,
    classify_open,
    classify_resolved,
    classify_step,
    derive,
    desk_due,
    explain_due,
    paper_transfer_moment,
    step_allowance_hours,
    step_due_times,
)
from portal.workdays import TZ, WorkingCalendar
from procedures.models import SupplementPolicy, TimeUnit
from tests import strategies as s

CAL = WorkingCalendar()


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def days(value, policy="restart") -> TimeLimit:
    return TimeLimit(value=Decimal(str(value)), unit="working_days", supplement_policy=policy)


def hours(value) -> TimeLimit:
    return TimeLimit(value=Decimal(str(value)), unit="working_hours")


def calendar_days(value) -> TimeLimit:
    return TimeLimit(value=Decimal(str(value)), unit="calendar_days")


def started(moment: datetime) -> list[ClockEvent]:
    return [ClockEvent("started", moment)]


def due(limit: TimeLimit, entries, calendar: WorkingCalendar = CAL) -> datetime | None:
    return derive(limit=limit, entries=entries, calendar=calendar).due_at


def test_units_and_policies_mirror_the_catalogue():
    assert {u.value for u in deadlines.TimeUnit} == set(TimeUnit.values)
    assert {p.value for p in deadlines.SupplementPolicy} == set(SupplementPolicy.values)


# ------------------------------------------------------------------------------------------------ due dates


DUE_FROM_RECEIPT = [
    pytest.param(days(5), at(2026, 2, 13), at(2026, 2, 27), id="5-working-days-from-fri-13-02-2026-across-tet"),
    pytest.param(days(1), at(2026, 3, 3, 17, 5), at(2026, 3, 5, 7, 30), id="1-day-received-tue-17h05-counts-from-wed"),
    pytest.param(days(1), at(2026, 3, 6, 17, 30), at(2026, 3, 10, 7, 30), id="1-day-received-fri-17h30-due-tue-07h30"),
    pytest.param(days("0.5"), at(2026, 3, 3, 9), at(2026, 3, 3, 14, 30), id="half-a-working-day-is-4-hours"),
    pytest.param(days(3), at(2026, 4, 23, 9), at(2026, 4, 29, 9), id="3-days-from-thu-23-04-2026-skip-hung-kings"),
    pytest.param(days(2), at(2025, 4, 4, 14), at(2025, 4, 9, 14), id="2-days-from-fri-04-04-2025-skip-hung-kings"),
    pytest.param(days(1), at(2026, 11, 23), at(2026, 11, 25), id="1-day-from-mon-23-11-2026-skip-culture-day"),
    pytest.param(days(2), at(2026, 8, 20, 14), at(2026, 8, 22, 14), id="2-days-from-thu-20-08-2026-due-make-up-sat"),
    pytest.param(days(3), at(2025, 4, 28, 9), at(2025, 5, 6, 9), id="3-days-from-mon-28-04-2025-skip-30-04-to-04-05"),
    pytest.param(hours(4), at(2026, 8, 21, 15), at(2026, 8, 22, 9, 30), id="4-working-hours-from-fri-15h00-sat-22-08"),
    pytest.param(hours(8), at(2026, 3, 3, 11), at(2026, 3, 4, 11), id="8-working-hours-11h00-to-11h00-next-day"),
    pytest.param(days(0), at(2026, 3, 3, 9), at(2026, 3, 3, 9), id="immediate-procedure-due-at-receipt"),
]


@pytest.mark.parametrize(("limit", "received", "expected"), DUE_FROM_RECEIPT)
def test_due_in_working_units(limit, received, expected):
    """DESIGN §5 and Long An 30/2019 art 9: counted from receipt (after 17:00, the next working morning)."""
    assert due(limit, started(received)) == expected


DUE_IN_CALENDAR_DAYS = [
    pytest.param(10, at(2026, 3, 2), at(2026, 3, 12, 17), id="10-days-from-mon-02-03-2026-end-thu-12-03"),
    pytest.param(30, at(2026, 1, 14), at(2026, 2, 13, 17), id="30-days-from-wed-14-01-2026-end-fri-13-02"),
    pytest.param(7, at(2026, 2, 10), at(2026, 2, 23, 17), id="7-days-last-day-tet-17-02-moves-to-mon-23-02"),
    pytest.param(15, at(2026, 8, 14), at(2026, 9, 3, 17), id="15-days-last-day-sat-29-08-moves-past-31-08-to-03-09"),
    pytest.param(8, at(2026, 8, 14), at(2026, 8, 22, 17), id="8-days-last-day-is-make-up-sat-22-08-2026"),
    pytest.param(5, at(2025, 4, 25), at(2025, 5, 5, 17), id="5-days-last-day-30-04-2025-moves-to-mon-05-05"),
]


@pytest.mark.parametrize(("n", "received", "expected"), DUE_IN_CALENDAR_DAYS)
def test_due_in_calendar_days_follows_the_civil_code(n, received, expected):
    """Civil Code 2015 art 147.2 (the day of receipt is not counted), 148.1/148.6 (the period ends at the end of its
    last day) and 148.5 (a last day off moves the end to the next working day); the end of the day is the close of
    office hours."""
    assert due(calendar_days(n), started(received)) == expected


# ------------------------------------------------------------------------------------------------ supplements


SUPPLEMENTS = [
    pytest.param(
        days(10, "restart"),
        [("started", at(2026, 3, 2, 9)), ("paused", at(2026, 3, 5, 9)), ("restarted", at(2026, 3, 10, 14))],
        at(2026, 3, 24, 14),
        id="10-days-restart-on-tue-10-03-2026-gives-10-full-days-again",
    ),
    pytest.param(
        days(10, "resume"),
        [("started", at(2026, 3, 2, 9)), ("paused", at(2026, 3, 5, 9)), ("resumed", at(2026, 3, 10, 14))],
        at(2026, 3, 19, 14),
        id="10-days-resume-on-tue-10-03-2026-gives-the-7-days-left",
    ),
    pytest.param(
        days(10, "resume"),
        [("started", at(2026, 3, 2, 9)), ("paused", at(2026, 3, 5, 9)), ("resumed", at(2026, 3, 10, 17, 20))],
        at(2026, 3, 20, 7, 30),
        id="supplement-at-17h20-resumes-from-wed-07h30",
    ),
    pytest.param(
        days(5, "restart"),
        [("started", at(2026, 2, 5)), ("paused", at(2026, 2, 9)), ("restarted", at(2026, 2, 13, 16))],
        at(2026, 2, 27, 16),
        id="restart-on-fri-13-02-2026-counts-5-days-after-tet",
    ),
    pytest.param(
        days(5, "resume"),
        [("started", at(2026, 2, 5)), ("paused", at(2026, 2, 9)), ("resumed", at(2026, 2, 13, 16))],
        at(2026, 2, 25, 16),
        id="resume-on-fri-13-02-2026-counts-the-3-days-left-after-tet",
    ),
    pytest.param(
        days(10, "resume"),
        [
            ("started", at(2026, 3, 2, 9)),
            ("paused", at(2026, 3, 4, 9)),
            ("resumed", at(2026, 3, 9, 9)),
            ("paused", at(2026, 3, 11, 9)),
            ("resumed", at(2026, 3, 16, 9)),
        ],
        at(2026, 3, 24, 9),
        id="two-supplements-resumed-each-pause-moves-the-date",
    ),
    pytest.param(
        days(10, "restart"),
        [("started", at(2026, 3, 2, 9)), ("paused", at(2026, 3, 5, 9))],
        None,
        id="awaiting-the-supplement-there-is-no-due-date",
    ),
]


@pytest.mark.parametrize(("limit", "log", "expected"), SUPPLEMENTS)
def test_supplement_restarts_or_resumes_the_clock(limit, log, expected):
    """ND 61/2018 art 19.4: "thời hạn giải quyết được tính lại từ đầu" once the complete supplement arrives (restart,
    the rule); a procedure may instead resume the time left (Thanh Hóa practice, research/regulations.md §1)."""
    entries = [ClockEvent(kind, moment) for kind, moment in log]
    assert due(limit, entries) == expected


def test_a_paused_clock_reports_what_is_left():
    entries = [ClockEvent("started", at(2026, 3, 2, 9)), ClockEvent("paused", at(2026, 3, 5, 9), reason="Chờ bổ sung")]
    state = derive(limit=days(10), entries=entries, calendar=CAL, now=at(2026, 3, 20))
    assert state.paused and state.due_at is None
    assert (state.used, state.left) == (timedelta(hours=24), timedelta(hours=56))
    assert (state.paused_since, state.pause_reason) == (at(2026, 3, 5, 9), "Chờ bổ sung")
    assert classify_open(now=at(2026, 4, 30), due_at=state.due_at) == OpenTimeliness.IN_TIME


def test_used_and_left_as_of_now():
    state = derive(limit=days(5), entries=started(at(2026, 3, 2, 9)), calendar=CAL, now=at(2026, 3, 4, 14))
    assert state.used == timedelta(hours=2 * 8 + 3.5)  # Wed 09:00–11:30 and 13:00–14:00
    assert state.left == timedelta(hours=5 * 8) - state.used


# ------------------------------------------------------------------------------------------------ extension


def test_an_apology_slip_sets_a_new_appointment_and_the_dossier_stays_late():
    """ND 61/2018 art 19.9 (Mẫu 04): the new date is the slip's, set once; Long An art 11.3 and DESIGN §5: the
    dossier still counts as late."""
    log = [
        ClockEvent("started", at(2026, 3, 2, 9)),
        ClockEvent(
            "extended",
            at(2026, 3, 5, 15),
            reason="Cần xác minh thực địa",
            legal_basis="Khoản 9 Điều 19 Nghị định 61/2018/NĐ-CP",
            new_due_at=at(2026, 3, 13, 16),
        ),
    ]
    state = derive(limit=days(5), entries=log, calendar=CAL)
    assert (state.due_at, state.original_due_at, state.extended) == (at(2026, 3, 13, 16), at(2026, 3, 9, 9), True)
    resolved = at(2026, 3, 12, 10)
    assert classify_resolved(resolved_at=resolved, due_at=state.due_at, was_late=True) == Timeliness.LATE
    explanation = explain_due(limit=days(5), entries=log, calendar=CAL).text
    assert "phiếu xin lỗi và hẹn lại ngày trả kết quả, hẹn mới 16:00 Thứ Sáu 13/03/2026" in explanation
    assert "Lý do: Cần xác minh thực địa." in explanation
    assert "Căn cứ: Khoản 9 Điều 19 Nghị định 61/2018/NĐ-CP." in explanation


def test_a_pause_after_an_extension_resumes_towards_the_new_appointment():
    log = [
        ClockEvent("started", at(2026, 3, 2, 9)),
        ClockEvent("extended", at(2026, 3, 4, 9), new_due_at=at(2026, 3, 12, 9)),
        ClockEvent("paused", at(2026, 3, 5, 9)),
        ClockEvent("resumed", at(2026, 3, 9, 9)),
    ]
    assert due(days(5, "resume"), log) == at(2026, 3, 16, 9)  # 5 working days were left at the pause


BAD_LOGS = [
    pytest.param([("paused", at(2026, 3, 2))], "chưa được bắt đầu", id="pause-before-start"),
    pytest.param([("started", at(2026, 3, 2)), ("started", at(2026, 3, 3))], "đã được bắt đầu", id="start-twice"),
    pytest.param([("started", at(2026, 3, 2)), ("resumed", at(2026, 3, 3))], "đang tạm dừng", id="resume-unpaused"),
    pytest.param(
        [("started", at(2026, 3, 2)), ("paused", at(2026, 3, 3)), ("paused", at(2026, 3, 4))],
        "đang tạm dừng",
        id="pause-twice",
    ),
]


@pytest.mark.parametrize(("log", "message"), BAD_LOGS)
def test_a_log_that_breaks_the_rules_is_refused(log, message):
    with pytest.raises(ClockError, match=message):
        derive(limit=days(5), entries=[ClockEvent(kind, moment) for kind, moment in log], calendar=CAL)


BAD_EXTENSIONS = [
    pytest.param(
        [
            ClockEvent("extended", at(2026, 3, 4), new_due_at=at(2026, 3, 12)),
            ClockEvent("extended", at(2026, 3, 5), new_due_at=at(2026, 3, 13)),
        ],
        "chỉ được điều chỉnh thời hạn một lần",
        id="second-extension",
    ),
    pytest.param(
        [ClockEvent("extended", at(2026, 3, 4), new_due_at=at(2026, 3, 6))],
        "phải sau ngày hẹn hiện tại",
        id="earlier-date",
    ),
    pytest.param(
        [ClockEvent("paused", at(2026, 3, 3)), ClockEvent("extended", at(2026, 3, 4), new_due_at=at(2026, 3, 20))],
        "đang tạm dừng",
        id="while-paused",
    ),
    pytest.param([ClockEvent("extended", at(2026, 3, 4))], "ngày hẹn trả kết quả mới", id="no-new-date"),
]


@pytest.mark.parametrize(("extra", "message"), BAD_EXTENSIONS)
def test_an_extension_is_refused_when_the_law_does_not_allow_it(extra, message):
    """ND 61/2018 art 19.9: "chỉ được điều chỉnh thời hạn một lần"; a new date later than the old one."""
    with pytest.raises(ClockError, match=message):
        derive(limit=days(5), entries=[*started(at(2026, 3, 2)), *extra], calendar=CAL)


def test_naive_moments_are_refused():
    with pytest.raises(ClockError, match="múi giờ"):
        derive(limit=days(5), entries=[ClockEvent("started", datetime(2026, 3, 2, 9))], calendar=CAL)


# ------------------------------------------------------------------------------------------------ calendar change


def test_a_calendar_change_mid_flight_moves_the_due_date():
    """A day off decreed while the dossier is being handled moves its appointment; a make-up Saturday moves it back
    (DESIGN §5: open dossiers are recomputed when the calendar changes)."""
    log = started(at(2026, 8, 24, 9))
    assert due(days(10), log) == at(2026, 9, 10, 9)  # skips 31/8 (swap), 1/9 and 2/9
    day_off = WorkingCalendar(days_off={datetime(2026, 9, 3).date(): "Nghỉ lễ hội địa phương"})
    assert due(days(10), log, day_off) == at(2026, 9, 11, 9)
    with_make_up = WorkingCalendar(
        days_off={datetime(2026, 9, 3).date(): "Nghỉ lễ hội địa phương"},
        working_days={datetime(2026, 9, 5).date(): "Làm bù"},
    )
    assert due(days(10), log, with_make_up) == at(2026, 9, 10, 9)


def test_an_extended_date_does_not_move_with_the_calendar():
    log = [*started(at(2026, 8, 24, 9)), ClockEvent("extended", at(2026, 8, 26), new_due_at=at(2026, 9, 15, 9))]
    day_off = WorkingCalendar(days_off={datetime(2026, 9, 3).date(): "Nghỉ lễ hội địa phương"})
    assert due(days(10), log, day_off) == due(days(10), log) == at(2026, 9, 15, 9)


# ------------------------------------------------------------------------------------------------ classification


RESOLVED = [
    pytest.param(at(2026, 3, 6, 16), at(2026, 3, 9, 9), False, Timeliness.EARLY, id="friday-before-monday-due-early"),
    pytest.param(at(2026, 3, 9, 8), at(2026, 3, 9, 9), False, Timeliness.ON_TIME, id="same-date-before-the-hour"),
    pytest.param(at(2026, 3, 9, 16, 45), at(2026, 3, 9, 9), False, Timeliness.ON_TIME, id="same-date-after-the-hour"),
    pytest.param(at(2026, 3, 10, 7, 31), at(2026, 3, 9, 9), False, Timeliness.LATE, id="next-date-late"),
    pytest.param(at(2026, 3, 2, 9), at(2026, 3, 9, 9), True, Timeliness.LATE, id="late-once-stays-late-even-if-early"),
    pytest.param(
        datetime(2026, 3, 9, 16, 30, tzinfo=UTC),
        at(2026, 3, 9, 9),
        False,
        Timeliness.ON_TIME,
        id="utc-23h30-local-same-date",
    ),
    pytest.param(
        datetime(2026, 3, 9, 17, 30, tzinfo=UTC),
        at(2026, 3, 9, 9),
        False,
        Timeliness.LATE,
        id="utc-17h30-is-next-local-date",
    ),
]


@pytest.mark.parametrize(("resolved", "due_at", "was_late", "expected"), RESOLVED)
def test_classify_resolved_by_the_date(resolved, due_at, was_late, expected):
    """Long An QĐ 30/2019 art 14.4 a–c: compare the result date with the appointment date (Asia/Ho_Chi_Minh)."""
    assert classify_resolved(resolved_at=resolved, due_at=due_at, was_late=was_late) == expected
    assert classify_step(completed_at=resolved, step_due_at=due_at) == (expected if not was_late else Timeliness.EARLY)


OPEN = [
    pytest.param(at(2026, 3, 9, 16), at(2026, 3, 9, 9), OpenTimeliness.IN_TIME, id="due-date-itself-still-in-time"),
    pytest.param(at(2026, 3, 10, 0, 1), at(2026, 3, 9, 9), OpenTimeliness.OVERDUE, id="the-next-day-overdue"),
    pytest.param(at(2026, 3, 2), at(2026, 3, 9, 9), OpenTimeliness.IN_TIME, id="a-week-ahead-in-time"),
    pytest.param(at(2026, 3, 30), None, OpenTimeliness.IN_TIME, id="paused-clock-is-never-overdue"),
]


@pytest.mark.parametrize(("now", "due_at", "expected"), OPEN)
def test_classify_open(now, due_at, expected):
    """Long An art 14.4 d, read with 14.4 b: a dossier that would be on time if resolved now is not overdue."""
    assert classify_open(now=now, due_at=due_at) == expected
    assert deadlines.is_overdue(now=now, due_at=due_at) is (expected == "overdue")


def test_labels_are_vietnamese():
    assert [t.label for t in Timeliness] == ["Trước hạn", "Đúng hạn", "Trễ hạn"]
    assert [t.label for t in OpenTimeliness] == ["Trong hạn", "Quá hạn"]


# ------------------------------------------------------------------------------------------------ desk, paper, steps


DESK = [
    pytest.param(at(2026, 3, 3, 10), 8, at(2026, 3, 4, 10), id="tue-10h00-plus-8-working-hours"),
    pytest.param(at(2026, 2, 13, 17, 5), 8, at(2026, 2, 24, 7, 30), id="eve-of-tet-17h05-counts-from-mon-23-02"),
    pytest.param(at(2026, 2, 13, 17, 5), 1, at(2026, 2, 23, 8, 30), id="one-working-hour-sla-bac-ninh"),
]


@pytest.mark.parametrize(("submitted", "sla", "expected"), DESK)
def test_desk_check_sla(submitted, sla, expected):
    """Bình Định 27/2020: accept or ask for supplements within 8 working hours (Bắc Ninh 13/2018: 1 hour)."""
    assert desk_due(submitted, CAL, sla) == expected


PAPER = [
    pytest.param(at(2026, 3, 3, 14, 59), at(2026, 3, 3, 14, 59), id="14h59-same-working-day"),
    pytest.param(at(2026, 3, 3, 15, 0), at(2026, 3, 3, 15, 0), id="15h00-exactly-same-working-day"),
    pytest.param(at(2026, 3, 3, 15, 1), at(2026, 3, 4, 7, 30), id="15h01-next-working-day"),
    pytest.param(at(2026, 2, 13, 15, 30), at(2026, 2, 23, 7, 30), id="fri-13-02-2026-15h30-after-tet"),
]


@pytest.mark.parametrize(("received", "expected"), PAPER)
def test_paper_dossiers_reach_the_department_the_same_day_or_after_15h_the_next(received, expected):
    """ND 61/2018 art 18."""
    assert paper_transfer_moment(received, CAL) == expected


def test_step_due_times_share_the_limit():
    """ND 61/2018 art 19.6: each agency's own deadline; the last step is due with the dossier."""
    dues = step_due_times(limit=days(10), start=at(2026, 3, 2, 9), shares=[10, 70, 20], calendar=CAL)
    assert dues == [at(2026, 3, 3, 9), at(2026, 3, 12, 9), at(2026, 3, 16, 9)]
    assert dues[-1] == due(days(10), started(at(2026, 3, 2, 9)))
    calendar_dues = step_due_times(limit=calendar_days(15), start=at(2026, 3, 2), shares=[50, 50], calendar=CAL)
    assert calendar_dues == [at(2026, 3, 10, 17), at(2026, 3, 17, 17)]


ALLOWANCES = [
    pytest.param(days(10), 25, 20.0, id="25pct-of-10-working-days-is-20-hours"),
    pytest.param(hours(16), 50, 8.0, id="50pct-of-16-working-hours"),
    pytest.param(calendar_days(14), 50, 40.0, id="50pct-of-14-calendar-days-at-5-of-7"),
]


@pytest.mark.parametrize(("limit", "share", "expected"), ALLOWANCES)
def test_step_allowance_hours(limit, share, expected):
    assert step_allowance_hours(limit, Decimal(share)) == pytest.approx(expected)


# ------------------------------------------------------------------------------------------------ explanation


def test_explanation_of_a_due_date_across_tet():
    text = explain_due(limit=days(1), entries=started(at(2026, 2, 13)), calendar=CAL).text
    assert text.splitlines() == [
        "Hồ sơ được tiếp nhận lúc 10:00 Thứ Sáu 13/02/2026.",
        "Thời hạn giải quyết: 1 ngày làm việc.",
        "Không tính các ngày nghỉ:",
        "– Thứ Bảy 14/02/2026 – Chủ nhật 22/02/2026 (9 ngày): nghỉ cuối tuần; Giao thừa Tết Nguyên Đán; "
        "Tết Nguyên Đán; Mùng hai Tết Nguyên Đán; Mùng ba Tết Nguyên Đán; Mùng bốn Tết Nguyên Đán",
        "Hẹn trả kết quả: 10:00 Thứ Hai 23/02/2026.",
    ]


def test_explanation_of_a_late_receipt_a_pause_and_a_resumption():
    log = [
        ClockEvent("started", at(2026, 3, 2, 17, 20)),
        ClockEvent("paused", at(2026, 3, 5, 7, 30), reason="Chờ bổ sung hồ sơ"),
        ClockEvent("resumed", at(2026, 3, 10, 14)),
    ]
    lines = explain_due(limit=days(10, "resume"), entries=log, calendar=CAL).lines
    assert (
        lines[1] == "Tiếp nhận ngoài giờ làm việc (hoặc sau 17:00), nên thời hạn được tính từ 07:30 Thứ Ba 03/03/2026."
    )
    assert (
        "Tạm dừng tính thời hạn lúc 07:30 Thứ Năm 05/03/2026 (Chờ bổ sung hồ sơ); đã dùng 2 ngày làm việc, "
        "còn lại 8 ngày làm việc." in lines
    )
    assert "Tiếp tục tính thời hạn từ 14:00 Thứ Ba 10/03/2026 (thời gian còn lại 8 ngày làm việc)." in lines
    assert lines[-1] == "Hẹn trả kết quả: 14:00 Thứ Sáu 20/03/2026."
    assert "– Thứ Bảy 14/03/2026 – Chủ nhật 15/03/2026 (2 ngày): nghỉ cuối tuần" in lines


def test_explanation_of_a_restart_cites_the_decree():
    log = [
        ClockEvent("started", at(2026, 3, 2, 9)),
        ClockEvent("paused", at(2026, 3, 5, 9)),
        ClockEvent("restarted", at(2026, 3, 10, 14)),
    ]
    text = explain_due(limit=days(10), entries=log, calendar=CAL).text
    assert (
        "Nhận đủ hồ sơ bổ sung: thời hạn được tính lại từ đầu (10 ngày làm việc) kể từ 14:00 Thứ Ba 10/03/2026 "
        "(Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4)." in text
    )


def test_explanation_of_calendar_days_and_of_a_paused_clock():
    text = explain_due(limit=calendar_days(15), entries=started(at(2026, 8, 14)), calendar=CAL).text
    assert "Bộ luật Dân sự 2015, Điều 147–148" in text
    assert "Ngày cuối cùng của thời hạn (Thứ Bảy 29/08/2026) là ngày nghỉ (nghỉ cuối tuần)" in text
    assert text.endswith("Hẹn trả kết quả: 17:00 Thứ Năm 03/09/2026.")
    paused = [*started(at(2026, 3, 2, 9)), ClockEvent("paused", at(2026, 3, 3, 9))]
    assert explain_due(limit=days(3), entries=paused, calendar=CAL).lines[-1] == (
        "Hồ sơ đang tạm dừng tính thời hạn; thời gian còn lại: 2 ngày làm việc."
    )


def test_explanation_mentions_a_recomputation():
    log = [*started(at(2026, 8, 24, 9)), ClockEvent("recomputed", at(2026, 8, 25), reason="Nghỉ 03/09/2026")]
    assert (
        "Lịch làm việc thay đổi (Nghỉ 03/09/2026): hạn được tính lại theo lịch mới."
        in explain_due(limit=days(10), entries=log, calendar=CAL).lines
    )


# ------------------------------------------------------------------------------------------------ properties

working_limits = st.one_of(
    st.integers(min_value=0, max_value=300).map(lambda tenths: days(Decimal(tenths) / 10)),
    st.integers(min_value=1, max_value=200).map(hours),
)


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), limit=working_limits, received=s.moments())
def test_the_due_date_is_always_a_working_moment(cal, limit, received):
    due_at = due(limit, started(received), cal)
    assert cal.is_working_time(due_at)
    assert cal.working_time_between(cal.receipt_moment(received), due_at) == timedelta(
        microseconds=limit.working_us(cal)
    )


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), n=st.integers(min_value=0, max_value=90), received=s.moments())
def test_a_calendar_day_period_ends_at_the_close_of_a_working_day(cal, n, received):
    due_at = due(calendar_days(n), started(received), cal)
    assert cal.is_working_day(due_at.date())
    assert due_at.time() == cal.closing_time
    assert (due_at.date() - cal.receipt_moment(received).date()).days >= n


@settings(max_examples=200, deadline=None)
@given(data=st.data(), cal=s.calendars(), limit=working_limits, received=s.moments())
def test_pausing_then_resuming_never_makes_the_due_date_earlier(data, cal, limit, received):
    paused_at, resumed_at = data.draw(s.pause_spans(received))
    assume(resumed_at.year <= 2027)
    before = due(limit, started(received), cal)
    for kind in ("resumed", "restarted"):
        log = [*started(received), ClockEvent("paused", paused_at), ClockEvent(kind, resumed_at)]
        after = due(limit, log, cal)
        assert after >= before, kind
        assert cal.is_working_time(after)


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), limit=working_limits, received=s.moments(), later=s.working_time(max_days=60))
def test_used_and_left_add_up_to_the_limit(cal, limit, received, later):
    now = cal.receipt_moment(received) + later
    state = derive(limit=limit, entries=started(received), calendar=cal, now=now)
    assert state.used + state.left == timedelta(microseconds=limit.working_us(cal))
