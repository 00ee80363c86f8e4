"""Hypothesis strategies shared by the tests (working calendars, moments, amounts of working time, clock logs).

Moments are timezone-aware in Asia/Ho_Chi_Minh, minute-precise, over 2025–2027: the years whose decisions the
calendar tests check by name. Amounts of working time are whole minutes, so that adding and measuring are exact.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from hypothesis import strategies as st

from portal.workdays import TZ, WorkingCalendar

FIRST_DAY = date(2025, 1, 1)
LAST_DAY = date(2027, 12, 31)

DEFAULT_CALENDAR = WorkingCalendar()


def days(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[date]:
    return st.dates(min_value=first, max_value=last)


def moments(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[datetime]:
    """Any minute of 2025–2027 (working time or not), aware in Asia/Ho_Chi_Minh."""
    span = int((datetime.combine(last, time()) - datetime.combine(first, time())).total_seconds() // 60)
    start = datetime.combine(first, time(), tzinfo=TZ)
    return st.integers(min_value=0, max_value=span).map(lambda minutes: start + timedelta(minutes=minutes))


def office_moments(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[datetime]:
    """Realistic moments: mostly during office hours (06:00–19:00), on any day."""
    return st.builds(
        lambda day, minute: datetime.combine(day, time(6), tzinfo=TZ) + timedelta(minutes=minute),
        days(first, last),
        st.integers(min_value=0, max_value=13 * 60),
    )


def working_moments(calendar: WorkingCalendar = DEFAULT_CALENDAR) -> st.SearchStrategy[datetime]:
    """Moments inside working time of ``calendar``."""
    return moments().map(calendar.next_working_moment)


def working_time(max_days: int = 40, *, allow_zero: bool = True) -> st.SearchStrategy[timedelta]:
    """An amount of working time in whole minutes, up to ``max_days`` working days of 8 hours."""
    return st.integers(min_value=0 if allow_zero else 1, max_value=max_days * 8 * 60).map(
        lambda minutes: timedelta(minutes=minutes)
    )


def working_day_counts(max_days: int = 30) -> st.SearchStrategy[int]:
    return st.integers(min_value=0, max_value=max_days)


def weekdays(first: date = FIRST_DAY, last: date = LAST_DAY) -> st.SearchStrategy[date]:
    return days(first, last).filter(lambda day: day.weekday() < 5)


@st.composite
def calendars(draw: st.DrawFn) -> WorkingCalendar:
    """The default calendar, or one with a few decreed days off and make-up Saturdays and its own desk hours."""
    if draw(st.booleans()):
        return DEFAULT_CALENDAR
    off = draw(st.sets(weekdays(), max_size=6))
    saturdays = draw(st.sets(days().filter(lambda day: day.weekday() == 5), max_size=3))
    intervals = draw(
        st.sampled_from(
            [
                ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0))),
                ((time(7, 0), time(11, 30)), (time(13, 30), time(17, 0))),
                ((time(8, 0), time(12, 0)), (time(13, 30), time(17, 30))),
                ((time(7, 30), time(11, 30)), (time(13, 0), time(15, 0)), (time(15, 15), time(17, 15))),
            ]
        )
    )
    return WorkingCalendar(
        days_off={day: "Ngày nghỉ thử nghiệm" for day in off},
        working_days={day: "Làm bù thử nghiệm" for day in saturdays - off},
        intervals=intervals,
    )


@st.composite
def pause_spans(draw: st.DrawFn, after: datetime) -> tuple[datetime, datetime]:
    """A pause [paused_at, resumed_at) starting within 20 working days of ``after`` and lasting up to 30 days."""
    paused_at = after + timedelta(minutes=draw(st.integers(min_value=0, max_value=28 * 24 * 60)))
    resumed_at = paused_at + timedelta(minutes=draw(st.integers(min_value=0, max_value=30 * 24 * 60)))
    return paused_at, resumed_at
