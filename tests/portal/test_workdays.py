"""The working calendar (portal.workdays) on real 2025–2027 dates, one table per rule, then its properties.

Rules: Labour Code 2019 arts 111.3 and 112 (public holidays, lunar Tết and Giỗ Tổ, compensatory days), the yearly
decisions for civil servants (swaps, make-up Saturdays), QĐ 188/1999 (Monday–Friday week), Long An QĐ 30/2019 art 9
(online after 17:00 counts the next working day) and DESIGN §5 (a working day is 8 working hours; N working days land
at the same clock time N working days later).
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from portal.calendar_decrees import DECREES, WORKING_DAY
from portal.workdays import TZ, DayKind, WorkingCalendar, parse_intervals
from tests import strategies as s

CAL = WorkingCalendar()
# The package's calendar plus the decisions it lacks (portal.calendar_decrees), as calendar_for builds it.
DECREED = WorkingCalendar(
    days_off={d.day: d.name for d in DECREES if d.kind != WORKING_DAY},
    working_days={d.day: d.name for d in DECREES if d.kind == WORKING_DAY},
)


def at(y: int, m: int, d: int, hh: int = 10, mm: int = 0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


# ------------------------------------------------------------------------------------------------ tables


ONE_WORKING_DAY = [
    pytest.param(at(2026, 2, 13), at(2026, 2, 23), id="fri-13-02-2026-plus-1-skips-tet-binh-ngo-lands-mon-23-02"),
    pytest.param(at(2026, 8, 21), at(2026, 8, 22), id="fri-21-08-2026-plus-1-lands-on-make-up-saturday-22-08"),
    pytest.param(at(2026, 8, 28), at(2026, 9, 3), id="fri-28-08-2026-plus-1-skips-swapped-31-08-and-1-2-09"),
    pytest.param(at(2025, 4, 29), at(2025, 5, 5), id="tue-29-04-2025-plus-1-skips-30-04-01-05-swapped-02-05"),
    pytest.param(at(2025, 1, 24), at(2025, 2, 3), id="fri-24-01-2025-plus-1-skips-tet-at-ty-27-31-01"),
    pytest.param(at(2027, 2, 3), at(2027, 2, 11), id="wed-03-02-2027-plus-1-skips-tet-dinh-mui-04-10-02"),
    pytest.param(at(2025, 4, 4), at(2025, 4, 8), id="fri-04-04-2025-plus-1-skips-hung-kings-mon-07-04"),
    pytest.param(at(2026, 4, 24), at(2026, 4, 28), id="fri-24-04-2026-plus-1-skips-hung-kings-sun-26-04-and-mon-27-04"),
    pytest.param(at(2027, 4, 15), at(2027, 4, 19), id="thu-15-04-2027-plus-1-skips-hung-kings-fri-16-04"),
    pytest.param(at(2026, 4, 29), at(2026, 5, 4), id="wed-29-04-2026-plus-1-skips-30-04-and-01-05-no-swap"),
    pytest.param(at(2027, 4, 29), at(2027, 5, 4), id="thu-29-04-2027-plus-1-skips-30-04-and-01-05-observed-mon-03-05"),
    pytest.param(at(2025, 8, 29), at(2025, 9, 3), id="fri-29-08-2025-plus-1-skips-national-day-01-02-09"),
    pytest.param(at(2027, 9, 1), at(2027, 9, 6), id="wed-01-09-2027-plus-1-skips-national-day-02-03-09"),
    pytest.param(at(2026, 11, 23), at(2026, 11, 25), id="mon-23-11-2026-plus-1-skips-vietnam-culture-day-24-11"),
    pytest.param(at(2026, 12, 31), at(2027, 1, 4), id="thu-31-12-2026-plus-1-skips-new-year-fri-01-01-2027"),
    pytest.param(at(2026, 3, 5), at(2026, 3, 6), id="thu-05-03-2026-plus-1-ordinary-week"),
]


@pytest.mark.parametrize(("start", "expected"), ONE_WORKING_DAY)
def test_one_working_day_lands_at_the_same_clock_time_on_the_next_working_day(start, expected):
    """DESIGN §5; Labour Code 2019 art 112; the yearly decisions for civil servants."""
    assert CAL.add_working_days(start, 1) == expected


DECREED_SWAPS = [
    pytest.param(at(2025, 12, 31), at(2026, 1, 5), id="wed-31-12-2025-plus-1-skips-01-01-and-swapped-fri-02-01-2026"),
    pytest.param(at(2026, 1, 9), at(2026, 1, 10), id="fri-09-01-2026-plus-1-lands-on-make-up-saturday-10-01"),
    pytest.param(at(2026, 1, 10), at(2026, 1, 12), id="make-up-sat-10-01-2026-plus-1-lands-mon-12-01"),
]


@pytest.mark.parametrize(("start", "expected"), DECREED_SWAPS)
def test_decisions_the_holidays_library_lacks_come_from_the_overrides(start, expected):
    """New Year 2026: Friday 2/1 off, worked on Saturday 10/1 (Công văn 12729/VPCP-KGVX) — not in the package."""
    assert DECREED.add_working_days(start, 1) == expected
    assert CAL.add_working_days(start, 1) != expected  # without the override the swap is missed


SEVERAL_WORKING_DAYS = [
    pytest.param(at(2026, 2, 12, 9), 5, at(2026, 2, 26, 9), id="thu-12-02-2026-plus-5-across-tet-lands-thu-26-02"),
    pytest.param(at(2026, 8, 20, 14), 3, at(2026, 8, 24, 14), id="thu-20-08-2026-plus-3-counts-sat-22-08-to-mon-24"),
    pytest.param(at(2025, 4, 25, 8), 2, at(2025, 4, 28, 8), id="fri-25-04-2025-plus-2-counts-make-up-sat-26-04"),
    pytest.param(at(2026, 3, 2, 9), 15, at(2026, 3, 23, 9), id="mon-02-03-2026-plus-15-three-weeks"),
    pytest.param(at(2026, 3, 2, 9), 0, at(2026, 3, 2, 9), id="zero-days-is-the-moment-itself"),
    pytest.param(at(2026, 2, 23, 9), -1, at(2026, 2, 13, 9), id="mon-23-02-2026-minus-1-back-over-tet"),
]


@pytest.mark.parametrize(("start", "n", "expected"), SEVERAL_WORKING_DAYS)
def test_n_working_days(start, n, expected):
    """DESIGN §5: N working days land at the same clock time N working days later (or earlier, for N < 0)."""
    assert CAL.add_working_days(start, n) == expected


OUTSIDE_WORKING_TIME = [
    pytest.param(at(2026, 3, 3, 17, 5), at(2026, 3, 4, 7, 30), id="online-tue-17h05-counts-from-wed-07h30"),
    pytest.param(at(2026, 3, 6, 17, 30), at(2026, 3, 9, 7, 30), id="fri-17h30-counts-from-next-mon-07h30"),
    pytest.param(at(2026, 3, 3, 17, 0), at(2026, 3, 4, 7, 30), id="closing-17h00-itself-counts-from-next-day"),
    pytest.param(at(2026, 3, 3, 16, 59), at(2026, 3, 3, 16, 59), id="16h59-is-still-today"),
    pytest.param(at(2026, 3, 3, 6, 45), at(2026, 3, 3, 7, 30), id="before-opening-06h45-counts-from-07h30"),
    pytest.param(at(2026, 3, 3, 12, 10), at(2026, 3, 3, 13, 0), id="lunch-12h10-counts-from-13h00"),
    pytest.param(at(2026, 3, 7, 10), at(2026, 3, 9, 7, 30), id="saturday-counts-from-monday-07h30"),
    pytest.param(at(2026, 8, 22, 9), at(2026, 8, 22, 9), id="make-up-saturday-22-08-2026-is-working-time"),
    pytest.param(at(2026, 2, 13, 17, 30), at(2026, 2, 23, 7, 30), id="eve-of-tet-fri-13-02-2026-17h30-to-mon-23-02"),
]


@pytest.mark.parametrize(("submitted", "received"), OUTSIDE_WORKING_TIME)
def test_receipt_moment(submitted, received):
    """Long An QĐ 30/2019 art 9: "hồ sơ nộp trực tuyến sau 17 giờ ... tiếp nhận vào ngày hôm sau trong giờ hành
    chính"; outside working time, the next working moment (DESIGN §5)."""
    assert CAL.receipt_moment(submitted) == received


def test_a_cutoff_before_closing_sends_late_submissions_to_the_next_working_day():
    """A province may close online intake before the desk closes (cut-off is a setting)."""
    cal = WorkingCalendar(cutoff=time(16, 30))
    assert cal.receipt_moment(at(2026, 3, 3, 16, 45)) == at(2026, 3, 4, 7, 30)
    assert cal.receipt_moment(at(2026, 3, 3, 16, 15)) == at(2026, 3, 3, 16, 15)
    assert cal.next_working_moment(at(2026, 3, 3, 16, 45)) == at(2026, 3, 3, 16, 45)


FROM_OUTSIDE_WORKING_TIME = [
    pytest.param(
        at(2026, 3, 6, 17, 30), at(2026, 3, 10, 7, 30), id="fri-17h30-plus-1-counted-from-mon-lands-tue-07h30"
    ),
    pytest.param(at(2026, 3, 3, 12, 0), at(2026, 3, 4, 13, 0), id="tue-lunch-12h00-plus-1-lands-wed-13h00"),
    pytest.param(at(2026, 3, 7, 10), at(2026, 3, 10, 7, 30), id="saturday-plus-1-lands-tue-07h30"),
    pytest.param(at(2026, 2, 16, 9), at(2026, 2, 24, 7, 30), id="tet-day-16-02-2026-plus-1-lands-tue-24-02-07h30"),
]


@pytest.mark.parametrize(("start", "expected"), FROM_OUTSIDE_WORKING_TIME)
def test_working_days_from_outside_working_time_count_from_the_next_working_moment(start, expected):
    """The documented choice (workdays module docstring; Long An 30/2019 art 9)."""
    assert CAL.add_working_days(start, 1) == expected


WORKING_HOURS = [
    pytest.param(at(2026, 3, 3, 11), 8, at(2026, 3, 4, 11), id="tue-11h00-plus-8h-lands-wed-11h00"),
    pytest.param(at(2026, 3, 3, 11), 1, at(2026, 3, 3, 13, 30), id="11h00-plus-1h-skips-lunch-lands-13h30"),
    pytest.param(at(2026, 3, 3, 11), 0.5, at(2026, 3, 3, 13, 0), id="11h00-plus-30min-ends-morning-given-as-13h00"),
    pytest.param(at(2026, 3, 3, 10), Decimal("1.25"), at(2026, 3, 3, 11, 15), id="10h00-plus-1h15-decimal"),
    pytest.param(at(2026, 3, 2, 7, 30), 8, at(2026, 3, 3, 7, 30), id="07h30-plus-8h-is-next-day-07h30-not-17h00"),
    pytest.param(at(2026, 3, 6, 16), 2, at(2026, 3, 9, 8, 30), id="fri-16h00-plus-2h-lands-mon-08h30"),
    pytest.param(at(2026, 2, 13, 15), 8, at(2026, 2, 23, 15), id="fri-13-02-2026-15h00-plus-8h-across-tet"),
    pytest.param(
        at(2026, 8, 21, 16), 4, at(2026, 8, 22, 10, 30), id="fri-21-08-2026-16h00-plus-4h-lands-make-up-sat-22-08"
    ),
    pytest.param(at(2026, 3, 9, 8), -1, at(2026, 3, 6, 16, 30), id="mon-08h00-minus-1h-is-fri-16h30"),
    pytest.param(at(2026, 3, 3, 10), timedelta(minutes=45), at(2026, 3, 3, 10, 45), id="timedelta-45-minutes"),
]


@pytest.mark.parametrize(("start", "hours", "expected"), WORKING_HOURS)
def test_working_hours(start, hours, expected):
    """Working time is 07:30–11:30 and 13:00–17:00 on working days; a result at the end of an interval is the
    start of the next one (workdays module docstring)."""
    assert CAL.add_working_hours(start, hours) == expected


BETWEEN = [
    pytest.param(at(2026, 2, 13), at(2026, 2, 23), 8.0, id="fri-13-02-to-mon-23-02-2026-is-one-day-across-tet"),
    pytest.param(at(2026, 3, 3, 8), at(2026, 3, 3, 16), 6.5, id="08h00-to-16h00-without-the-lunch-break"),
    pytest.param(at(2026, 3, 6, 16), at(2026, 3, 9, 8, 30), 2.0, id="fri-16h00-to-mon-08h30-over-the-weekend"),
    pytest.param(at(2026, 3, 9, 8, 30), at(2026, 3, 6, 16), -2.0, id="reversed-is-negative"),
    pytest.param(at(2026, 3, 7, 9), at(2026, 3, 8, 15), 0.0, id="saturday-to-sunday-is-nothing"),
    pytest.param(at(2026, 8, 21, 17), at(2026, 8, 24, 7, 30), 8.0, id="fri-to-mon-counts-make-up-sat-22-08-2026"),
    pytest.param(at(2025, 1, 1, 0, 0), at(2026, 1, 1, 0, 0), 250 * 8.0, id="the-year-2025-has-250-working-days"),
]


@pytest.mark.parametrize(("start", "end", "hours"), BETWEEN)
def test_working_hours_between(start, end, hours):
    assert CAL.working_hours_between(start, end) == hours


DAYS = [
    pytest.param(date(2026, 2, 17), DayKind.HOLIDAY, "Tết Nguyên Đán", id="17-02-2026-tet"),
    pytest.param(date(2026, 2, 16), DayKind.HOLIDAY, "Giao thừa Tết Nguyên Đán", id="16-02-2026-giao-thua"),
    pytest.param(date(2026, 4, 26), DayKind.HOLIDAY, "Ngày Giỗ Tổ Hùng Vương", id="sun-26-04-2026-hung-kings"),
    pytest.param(date(2026, 4, 27), DayKind.HOLIDAY, "Ngày Giỗ Tổ Hùng Vương (nghỉ bù)", id="mon-27-04-2026-in-lieu"),
    pytest.param(date(2025, 4, 7), DayKind.HOLIDAY, "Ngày Giỗ Tổ Hùng Vương", id="mon-07-04-2025-hung-kings"),
    pytest.param(date(2027, 4, 16), DayKind.HOLIDAY, "Ngày Giỗ Tổ Hùng Vương", id="fri-16-04-2027-hung-kings"),
    pytest.param(date(2025, 4, 30), DayKind.HOLIDAY, "Ngày Chiến thắng", id="30-04-2025"),
    pytest.param(date(2025, 5, 1), DayKind.HOLIDAY, "Ngày Quốc tế Lao động", id="01-05-2025"),
    pytest.param(date(2025, 5, 2), DayKind.HOLIDAY, "Ngày nghỉ (thay cho ngày 26/04/2025)", id="fri-02-05-2025-swap"),
    pytest.param(
        date(2025, 4, 26), DayKind.MAKE_UP, "Làm việc bù cho ngày nghỉ 02/05/2025", id="sat-26-04-2025-worked"
    ),
    pytest.param(
        date(2026, 8, 22), DayKind.MAKE_UP, "Làm việc bù cho ngày nghỉ 31/08/2026", id="sat-22-08-2026-worked"
    ),
    pytest.param(date(2026, 8, 31), DayKind.HOLIDAY, "Ngày nghỉ (thay cho ngày 22/08/2026)", id="mon-31-08-2026-swap"),
    pytest.param(date(2025, 9, 1), DayKind.HOLIDAY, "Quốc khánh", id="mon-01-09-2025-adjacent-national-day"),
    pytest.param(date(2027, 9, 3), DayKind.HOLIDAY, "Quốc khánh", id="fri-03-09-2027-adjacent-national-day"),
    pytest.param(date(2026, 11, 24), DayKind.HOLIDAY, "Ngày Văn hóa Việt Nam", id="tue-24-11-2026-culture-day"),
    pytest.param(date(2026, 3, 14), DayKind.WEEKEND, "", id="sat-14-03-2026-weekend"),
    pytest.param(date(2026, 3, 16), DayKind.WORKING, "", id="mon-16-03-2026-ordinary"),
]


@pytest.mark.parametrize(("day", "kind", "name"), DAYS)
def test_what_a_day_is_and_why(day, kind, name):
    """Holiday names come in Vietnamese from the holidays package (Labour Code 2019 arts 111–112)."""
    info = CAL.day_info(day)
    assert (info.kind, info.name) == (kind, name)
    assert CAL.is_working_day(day) is info.is_working


def test_decreed_overrides_win_over_the_package_and_the_week():
    """An override is the administrator's decision: a working day on a package holiday, a day off on a make-up
    Saturday or an ordinary Tuesday."""
    cal = WorkingCalendar(
        days_off={date(2026, 8, 22): "Huỷ làm bù", date(2026, 3, 3): "Nghỉ đột xuất"},
        working_days={date(2026, 2, 20): "Làm việc ngày mùng bốn"},
    )
    assert cal.day_info(date(2026, 8, 22)).kind == DayKind.DAY_OFF
    assert cal.day_info(date(2026, 3, 3)).name == "Nghỉ đột xuất"
    assert cal.day_info(date(2026, 2, 20)).kind == DayKind.MAKE_UP
    assert cal.add_working_days(at(2026, 3, 2), 1) == at(2026, 3, 4)


def test_a_day_cannot_be_both_off_and_worked():
    with pytest.raises(ValueError, match="vừa là ngày nghỉ vừa là ngày làm việc bù"):
        WorkingCalendar(days_off=[date(2026, 8, 22)], working_days=[date(2026, 8, 22)])


def test_explanation_names_the_days_skipped():
    explanation = CAL.explain(at(2026, 2, 13), at(2026, 2, 23))
    assert explanation.total == timedelta(hours=8)
    assert explanation.skipped_groups() == [
        (
            date(2026, 2, 14),
            date(2026, 2, 22),
            [
                "nghỉ cuối tuần",
                "Giao thừa Tết Nguyên Đán",
                "Tết Nguyên Đán",
                "Mùng hai Tết Nguyên Đán",
                "Mùng ba Tết Nguyên Đán",
                "Mùng bốn Tết Nguyên Đán",
            ],
        )
    ]
    text = explanation.text()
    assert "Thứ Bảy 14/02/2026 – Chủ nhật 22/02/2026 (9 ngày)" in text
    assert "Đến 10:00 Thứ Hai 23/02/2026: 1 ngày làm việc." in text


def test_explanation_lists_make_up_days_and_a_late_start():
    explanation = CAL.explain(at(2026, 8, 21, 17, 30), at(2026, 8, 24, 7, 30))
    assert [info.day for info in explanation.make_up_days] == [date(2026, 8, 22)]
    assert explanation.counted_from == at(2026, 8, 22, 7, 30)
    assert explanation.total == timedelta(hours=8)
    assert "nằm ngoài giờ làm việc" in explanation.text()


INTERVALS = [
    pytest.param(
        [["07:30", "11:30"], ["13:00", "17:00"]], ((time(7, 30), time(11, 30)), (time(13), time(17))), id="two-shifts"
    ),
    pytest.param(
        '[["07:00", "11:30"], ["13:30", "17:00"]]', ((time(7), time(11, 30)), (time(13, 30), time(17))), id="json-text"
    ),
    pytest.param([[time(8), time(16)]], ((time(8), time(16)),), id="one-shift-of-time-objects"),
]


@pytest.mark.parametrize(("value", "expected"), INTERVALS)
def test_parse_intervals(value, expected):
    assert parse_intervals(value) == expected


BAD_INTERVALS = [
    pytest.param([], "danh sách các ca", id="empty"),
    pytest.param("07:30-17:00", "danh sách các ca", id="not-a-list"),
    pytest.param([["07:30"]], "Ca thứ 1 phải gồm đúng giờ bắt đầu và giờ kết thúc", id="half-a-pair"),
    pytest.param([["7h30", "11:30"]], "không phải là giờ hợp lệ", id="malformed-time"),
    pytest.param([["11:30", "07:30"]], "giờ kết thúc (07:30) phải sau giờ bắt đầu (11:30)", id="reversed"),
    pytest.param([["07:30", "12:00"], ["11:00", "17:00"]], "không chồng lên nhau", id="overlapping"),
    pytest.param([["13:00", "17:00"], ["07:30", "11:30"]], "theo thứ tự", id="out-of-order"),
]


@pytest.mark.parametrize(("value", "message"), BAD_INTERVALS)
def test_parse_intervals_refuses_with_a_vietnamese_message(value, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        parse_intervals(value)


def test_other_desk_hours_keep_the_same_clock_time_rule():
    """An agency open 07:00–11:30 and 13:30–17:00 (8 hours, Thanh Hóa practice): same rules, its own hours."""
    cal = WorkingCalendar(intervals=[["07:00", "11:30"], ["13:30", "17:00"]])
    assert cal.working_day_length == timedelta(hours=8)
    assert cal.add_working_days(at(2026, 3, 6, 7), 1) == at(2026, 3, 9, 7)
    assert cal.add_working_hours(at(2026, 3, 3, 11), 1) == at(2026, 3, 3, 14)
    assert cal.receipt_moment(at(2026, 3, 3, 6, 50)) == at(2026, 3, 3, 7)


def test_naive_datetimes_are_refused():
    naive = datetime(2026, 3, 3, 10)
    for call in (
        lambda: CAL.is_working_time(naive),
        lambda: CAL.next_working_moment(naive),
        lambda: CAL.receipt_moment(naive),
        lambda: CAL.add_working_days(naive, 1),
        lambda: CAL.add_working_hours(naive, 1),
        lambda: CAL.working_hours_between(naive, at(2026, 3, 4)),
        lambda: CAL.explain(naive, at(2026, 3, 4)),
    ):
        with pytest.raises(ValueError, match="múi giờ"):
            call()


def test_any_timezone_is_read_as_vietnamese_local_time():
    utc = datetime(2026, 3, 6, 10, 30, tzinfo=UTC)  # 17:30 in Hà Nội
    assert CAL.receipt_moment(utc) == at(2026, 3, 9, 7, 30)
    assert CAL.add_working_days(utc, 1).tzinfo is TZ


def test_years_outside_the_supported_range_are_refused():
    with pytest.raises(ValueError, match="chỉ hỗ trợ các năm"):
        CAL.is_working_day(date(1980, 1, 2))


def test_working_days_in_the_years_2025_to_2027():
    """Counted from the tables: 365/365/365 days minus weekends and weekday holidays, plus make-up Saturdays."""
    assert [CAL.working_days_in_year(year) for year in (2025, 2026, 2027)] == [250, 249, 249]
    assert DECREED.working_days_in_year(2026) == 249  # the New Year 2026 swap moves a day, it adds none


# ------------------------------------------------------------------------------------------------ properties


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), start=s.moments(), amount=s.working_time())
def test_adding_then_measuring_gives_the_amount_back(cal, start, amount):
    end = cal.add_working_hours(start, amount)
    assert cal.working_time_between(start, end) == amount
    assert cal.add_working_hours(end, -amount) == cal.next_working_moment(start)


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), start=s.moments(), n=s.working_day_counts())
def test_n_working_days_are_n_working_days_of_working_time(cal, start, n):
    end = cal.add_working_days(start, n)
    assert end == cal.add_working_hours(start, cal.working_day_length * n)
    assert cal.working_time_between(start, end) == cal.working_day_length * n
    assert end.time() == cal.next_working_moment(start).time()


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), start=s.moments(), a=s.working_time(), b=s.working_time())
def test_adding_is_additive(cal, start, a, b):
    assert cal.add_working_hours(cal.add_working_hours(start, a), b) == cal.add_working_hours(start, a + b)


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), t1=s.moments(), t2=s.moments(), a=s.working_time(), b=s.working_time())
def test_adding_is_monotonic(cal, t1, t2, a, b):
    t1, t2 = sorted((t1, t2))
    a, b = sorted((a, b))
    assert cal.add_working_hours(t1, a) <= cal.add_working_hours(t1, b)
    assert cal.add_working_hours(t1, a) <= cal.add_working_hours(t2, a)
    assert cal.add_working_days(t1, 3) <= cal.add_working_days(t2, 3)


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), start=s.moments(), amount=s.working_time(), n=s.working_day_counts())
def test_results_are_working_moments_never_on_a_day_off_unless_it_is_a_make_up_day(cal, start, amount, n):
    for result in (cal.add_working_hours(start, amount), cal.add_working_days(start, n), cal.receipt_moment(start)):
        assert cal.is_working_time(result)
        info = cal.day_info(result.date())
        assert info.kind in (DayKind.WORKING, DayKind.MAKE_UP)
        if result.weekday() in cal.weekend:
            assert info.kind == DayKind.MAKE_UP


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), a=s.moments(), b=s.moments())
def test_the_explanation_sums_to_the_duration(cal, a, b):
    a, b = sorted((a, b))
    if (b - a) > timedelta(days=120):
        b = a + timedelta(days=120)
    explanation = cal.explain(a, b)
    assert explanation.total == cal.working_time_between(a, b)
    assert sum(1 for account in explanation.days) == (b.date() - a.date()).days + 1
    assert all(account.counted == timedelta() for account in explanation.days if not account.info.is_working)


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), start=s.moments())
def test_next_working_moment_is_the_first_working_moment(cal, start):
    nxt = cal.next_working_moment(start)
    assert nxt >= start
    assert cal.is_working_time(nxt)
    assert cal.working_time_between(start, nxt) == timedelta()
    assert cal.next_working_moment(nxt) == nxt
    assert cal.receipt_moment(start) >= nxt


@settings(max_examples=200, deadline=None)
@given(cal=s.calendars(), first=s.days(), length=st.integers(min_value=0, max_value=400))
def test_working_day_counts_match_a_day_by_day_count(cal, first, length):
    last = first + timedelta(days=length)
    naive = sum(1 for i in range(length) if cal.is_working_day(first + timedelta(days=i)))
    assert cal.working_days_between(first, last) == naive
    assert cal.working_days_between(last, first) == -naive
