"""The working calendar (lịch làm việc): pure Python, no ORM, never asks for the current time.

A :class:`WorkingCalendar` is an immutable value built by ``portal.selectors.calendar_for``; it answers, for the
one-stop desk of an agency:

* is this a working day, a working moment; what is the next working moment;
* when is a dossier submitted at a moment counted as received (the 17:00 cut-off);
* add N working days, add H working hours; how much working time lies between two moments;
* and *why*: which days a span skipped (weekends, public holidays by their Vietnamese names, decreed days off)
  and which make-up days it counted.

What makes a day a working day, in order of precedence:

1. a decreed compensatory working day (``working_days``, e.g. Saturday 22/8/2026) — working;
2. a decreed extra day off (``days_off``) — not working;
3. a public holiday from the ``holidays`` package (Vietnam, ``language="vi"``; Labour Code 2019 art 112, lunar
   dates on the Vietnamese calendar, compensatory days of art 111.3, and the government's yearly swaps that the
   package records, both halves: the day off *and* the weekend day worked in exchange) — not working;
4. the weekly template: Monday–Friday work, Saturday and Sunday rest (QĐ 188/1999/QĐ-TTg art 1).

Working time is the union of the day's intervals, each half-open ``[start, end)`` (default 07:30–11:30 and
13:00–17:00, i.e. 8 working hours). One working day is the day's working time: N working days from a moment
inside working time land at the same clock time N working days later, exactly like adding N × 8 working hours.

From a moment outside working time (before opening, at lunch, after closing, on a day off) counting starts at the
next working moment: Long An QĐ 30/2019/QĐ-UBND art 9 ("hồ sơ nộp trực tuyến sau 17 giờ hàng ngày thì thực hiện
tiếp nhận vào ngày hôm sau trong giờ hành chính") and the design of the one-stop system (DESIGN §5). So Friday
17:30 + 1 working day is Tuesday 07:30 (counted from Monday 07:30), and 12:00 + 1 working day is 13:00 the next
working day. A result that falls exactly on the end of an interval is given as the next working moment (the two are
the same point in working time): 07:30 + 8 working hours is 07:30 the next working day, never 17:00 the same day,
so ``add_working_hours`` and ``add_working_days`` always agree and every result is a working moment.

Speed: per-year tables (a flag per day, the sorted working days, running counts) are built once per calendar and
year, then every question is a few ``bisect`` calls and integer arithmetic on microseconds, with no loop over days
(a span of N years loops over years, not days).
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays as holidays_package

TZ = ZoneInfo("Asia/Ho_Chi_Minh")

DEFAULT_INTERVALS: tuple[tuple[time, time], ...] = ((time(7, 30), time(11, 30)), (time(13, 0), time(17, 0)))
DEFAULT_WEEKEND: tuple[int, ...] = (5, 6)
DEFAULT_CUTOFF = time(17, 0)

# The Vietnamese lunar tables of the holidays package cover this range comfortably.
MIN_YEAR, MAX_YEAR = 1990, 2100

US_PER_SECOND = 1_000_000
US_PER_MINUTE = 60 * US_PER_SECOND
US_PER_HOUR = 60 * US_PER_MINUTE
US_PER_DAY = 24 * US_PER_HOUR


def _(message: str) -> str:
    """gettext that also works where Django settings are not configured (benchmarks, plain scripts)."""
    try:
        from django.utils.translation import gettext

        return gettext(message)
    except Exception:  # ImproperlyConfigured outside a Django process: keep the Vietnamese source text.
        return message


def npgettext(context: str, singular: str, plural: str, number: int) -> str:
    """npgettext with the same fallback (Vietnamese has one form; English needs two: "1 day", "2 days"). The context
    keeps these apart from the same Vietnamese words used elsewhere without a plural."""
    try:
        from django.utils.translation import npgettext as django_npgettext

        return django_npgettext(context, singular, plural, number)
    except Exception:
        return singular if number == 1 else plural


def pgettext(context: str, message: str) -> str:
    """pgettext with the same fallback."""
    try:
        from django.utils.translation import pgettext as django_pgettext

        return django_pgettext(context, message)
    except Exception:
        return message


def gettext_noop(message: str) -> str:
    """Marks a text for the catalog without translating it: tables built once and shared by every request keep the
    Vietnamese source, and each request translates it when shown (see :attr:`DayInfo.display_name`)."""
    return message


def _language() -> str:
    try:
        from django.utils.translation import get_language

        return get_language() or "vi"
    except Exception:
        return "vi"


WEEKDAY_NAMES = (
    gettext_noop("Thứ Hai"),
    gettext_noop("Thứ Ba"),
    gettext_noop("Thứ Tư"),
    gettext_noop("Thứ Năm"),
    gettext_noop("Thứ Sáu"),
    gettext_noop("Thứ Bảy"),
    gettext_noop("Chủ nhật"),
)


def weekday_name(day: date) -> str:
    """Vietnamese weekday name, e.g. "Thứ Sáu"."""
    return _(WEEKDAY_NAMES[day.weekday()])


def format_day(day: date) -> str:
    """E.g. "Thứ Sáu 13/02/2026"."""
    return f"{weekday_name(day)} {day:%d/%m/%Y}"


def format_moment(moment: datetime) -> str:
    """E.g. "10:00 Thứ Sáu 13/02/2026" (local time of Asia/Ho_Chi_Minh)."""
    local = moment.astimezone(TZ)
    return f"{local:%H:%M} {format_day(local.date())}"


class DayKind(StrEnum):
    WORKING = "working"  # an ordinary working day of the weekly template
    MAKE_UP = "make_up"  # a decreed working day that would otherwise be off (ngày làm việc bù)
    WEEKEND = "weekend"  # weekly rest day
    HOLIDAY = "holiday"  # public holiday (ngày lễ, Tết), from the holidays package
    DAY_OFF = "day_off"  # extra day off decreed by the administrator (ngày nghỉ theo quyết định)


@dataclass(frozen=True, slots=True)
class DayInfo:
    """What a date is in this calendar, and why (Vietnamese name of the holiday or decree)."""

    day: date
    kind: DayKind
    name: str = ""
    source: str = "weekly"  # "weekly", "holidays" (the package) or "override" (decreed, from the database)

    @property
    def is_working(self) -> bool:
        return self.kind in (DayKind.WORKING, DayKind.MAKE_UP)

    @property
    def reason(self) -> str:
        """Why the day is special, in the active language ("" for an ordinary working day)."""
        if self.kind == DayKind.WEEKEND:
            return _("nghỉ cuối tuần")
        return self.display_name

    @property
    def display_name(self) -> str:
        """``name`` in the active language. ``name`` itself stays Vietnamese: calendars are cached and shared by
        every request. The package's holidays have English names of their own; the default names of decreed days
        come from the catalog; a name the administrator typed for a decree is shown as typed."""
        if not self.name:
            return ""
        if self.source == "holidays":
            if self.kind == DayKind.MAKE_UP:
                return _make_up_name(self.day, public_holidays(self.day.year)[0], translate=True)
            if _language().startswith("en"):
                return english_holiday_names(self.day.year).get(self.day, self.name)
            return self.name
        return _(self.name)


@dataclass(frozen=True, slots=True)
class DayAccount:
    """One calendar day of an explained span and the working time counted on it."""

    info: DayInfo
    counted: timedelta

    @property
    def day(self) -> date:
        return self.info.day


@dataclass(frozen=True)
class SpanExplanation:
    """Which days a span of working time covered, skipped and counted, day by day."""

    start: datetime  # the moment asked about
    counted_from: datetime  # the next working moment from ``start``
    end: datetime
    days: tuple[DayAccount, ...]

    @property
    def total(self) -> timedelta:
        """The working time counted; equals ``working_time_between(start, end)``."""
        return sum((account.counted for account in self.days), timedelta())

    @property
    def skipped(self) -> tuple[DayInfo, ...]:
        return tuple(account.info for account in self.days if not account.info.is_working)

    @property
    def make_up_days(self) -> tuple[DayInfo, ...]:
        return tuple(account.info for account in self.days if account.info.kind == DayKind.MAKE_UP)

    @property
    def working_days_counted(self) -> int:
        return sum(1 for account in self.days if account.info.is_working and account.counted)

    def skipped_groups(self) -> list[tuple[date, date, list[str]]]:
        """Consecutive skipped days grouped: (first, last, distinct reasons in order)."""
        groups: list[tuple[date, date, list[str]]] = []
        for info in self.skipped:
            if groups and (info.day - groups[-1][1]).days == 1:
                first, _last, reasons = groups[-1]
                if info.reason not in reasons:
                    reasons.append(info.reason)
                groups[-1] = (first, info.day, reasons)
            else:
                groups.append((info.day, info.day, [info.reason]))
        return groups

    def skipped_lines(self) -> list[str]:
        """E.g. "Thứ Bảy 14/02/2026 – Chủ nhật 22/02/2026 (9 ngày): nghỉ cuối tuần; Tết Nguyên Đán"."""
        lines = []
        for first, last, reasons in self.skipped_groups():
            if first == last:
                lines.append(f"{format_day(first)}: {'; '.join(reasons)}")
            else:
                count = (last - first).days + 1
                lines.append(
                    npgettext(
                        "days skipped",
                        "%(first)s – %(last)s (%(count)s ngày): %(reasons)s",
                        "%(first)s – %(last)s (%(count)s ngày): %(reasons)s",
                        count,
                    )
                    % {
                        "first": format_day(first),
                        "last": format_day(last),
                        "count": count,
                        "reasons": "; ".join(reasons),
                    }
                )
        return lines

    def text(self) -> str:
        """A plain-Vietnamese account of the span."""
        lines = [
            _("Tính từ %(start)s.") % {"start": format_moment(self.counted_from)},
        ]
        if self.counted_from != self.start:
            lines.insert(
                0,
                _("Thời điểm %(moment)s nằm ngoài giờ làm việc, nên được tính từ giờ làm việc kế tiếp.")
                % {"moment": format_moment(self.start)},
            )
        skipped = self.skipped_lines()
        if skipped:
            lines.append(_("Không tính các ngày nghỉ:"))
            lines.extend(f"– {line}" for line in skipped)
        for info in self.make_up_days:
            lines.append(
                _("Có tính ngày làm việc bù %(day)s (%(name)s).")
                % {"day": format_day(info.day), "name": info.display_name}
            )
        lines.append(
            _("Đến %(end)s: %(amount)s làm việc.")
            % {"end": format_moment(self.end), "amount": format_working_time(self.total)}
        )
        return "\n".join(lines)


def format_working_time(amount: timedelta, *, day_length: timedelta = timedelta(hours=8)) -> str:
    """E.g. "2 ngày 3 giờ 30 phút" (a working day being ``day_length``); negative amounts get a minus sign."""
    total_us = _timedelta_us(amount)
    sign = "-" if total_us < 0 else ""
    total_us = abs(total_us)
    day_us = _timedelta_us(day_length)
    days, rest = divmod(total_us, day_us)
    hours, rest = divmod(rest, US_PER_HOUR)
    minutes = round(rest / US_PER_MINUTE)
    if minutes == 60:
        hours, minutes = hours + 1, 0
    parts = []
    if days:
        parts.append(npgettext("working time", "%(n)s ngày", "%(n)s ngày", days) % {"n": days})
    if hours:
        parts.append(npgettext("working time", "%(n)s giờ", "%(n)s giờ", hours) % {"n": hours})
    if minutes:
        parts.append(npgettext("working time", "%(n)s phút", "%(n)s phút", minutes) % {"n": minutes})
    return sign + (" ".join(parts) if parts else _("0 giờ"))


# ------------------------------------------------------------------------------------------------ parsing


def _parse_time(value: object) -> time:
    if isinstance(value, time):
        return value
    if isinstance(value, str):
        text = value.strip()
        for fmt in ("%H:%M", "%H:%M:%S"):
            try:
                return datetime.strptime(text, fmt).time()
            except ValueError:
                continue
    raise ValueError(_("“%(value)s” không phải là giờ hợp lệ (dạng HH:MM, ví dụ 07:30).") % {"value": value})


def parse_intervals(value: object) -> tuple[tuple[time, time], ...]:
    """Working intervals of a day from ``[["07:30", "11:30"], ["13:00", "17:00"]]`` (strings or ``time``).

    Used by ``Agency.clean()`` for ``desk_hours`` and by the calendar itself. Raises ValueError with a Vietnamese
    message when the value is not a list of [start, end] pairs, a time is malformed, an interval is empty, or the
    intervals are not in order without overlapping.
    """
    example = '[["07:30", "11:30"], ["13:00", "17:00"]]'
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError:
            raise ValueError(
                _("Giờ làm việc phải là danh sách các ca, ví dụ %(example)s.") % {"example": example}
            ) from None
    if not isinstance(value, list | tuple) or not value:
        raise ValueError(_("Giờ làm việc phải là danh sách các ca, ví dụ %(example)s.") % {"example": example})
    intervals: list[tuple[time, time]] = []
    for number, pair in enumerate(value, start=1):
        if not isinstance(pair, list | tuple) or len(pair) != 2:
            raise ValueError(
                _('Ca thứ %(n)s phải gồm đúng giờ bắt đầu và giờ kết thúc, ví dụ ["07:30", "11:30"].') % {"n": number}
            )
        start, end = _parse_time(pair[0]), _parse_time(pair[1])
        if start.tzinfo is not None or end.tzinfo is not None:
            raise ValueError(_("Giờ làm việc không kèm múi giờ (luôn theo giờ Việt Nam)."))
        if end <= start:
            raise ValueError(
                _("Ca thứ %(n)s: giờ kết thúc (%(end)s) phải sau giờ bắt đầu (%(start)s).")
                % {"n": number, "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
            )
        if intervals and start < intervals[-1][1]:
            raise ValueError(_("Các ca làm việc phải theo thứ tự trong ngày và không chồng lên nhau."))
        intervals.append((start, end))
    return tuple(intervals)


def _time_us(value: time) -> int:
    return ((value.hour * 60 + value.minute) * 60 + value.second) * US_PER_SECOND + value.microsecond


def _timedelta_us(value: timedelta) -> int:
    return (value.days * 86_400 + value.seconds) * US_PER_SECOND + value.microseconds


def _amount_us(hours: float | int | Decimal | timedelta) -> int:
    """Working hours (or a timedelta of working time) as whole microseconds."""
    if isinstance(hours, timedelta):
        return _timedelta_us(hours)
    if isinstance(hours, bool):
        raise TypeError("hours must be a number or a timedelta")
    if isinstance(hours, int):
        return hours * US_PER_HOUR
    if isinstance(hours, Decimal):
        return int((hours * US_PER_HOUR).to_integral_value())
    if isinstance(hours, float):
        return round(hours * US_PER_HOUR)
    raise TypeError("hours must be a number or a timedelta")


def _named_dates(values: Iterable | Mapping, default_name: str) -> dict[date, str]:
    """Accept dates, (date, name) pairs, or a {date: name} mapping."""
    if isinstance(values, Mapping):
        items = values.items()
    else:
        items = ((value, default_name) if isinstance(value, date) else tuple(value) for value in values)
    named: dict[date, str] = {}
    for day, name in items:
        if isinstance(day, datetime) or not isinstance(day, date):
            raise TypeError(f"expected a date, got {day!r}")
        named[day] = str(name or default_name)
    return named


# ------------------------------------------------------------------------------------------------ holidays


@lru_cache(maxsize=256)
def public_holidays(year: int) -> tuple[dict[date, str], frozenset[date]]:
    """Vietnam's public holidays of ``year`` with Vietnamese names, and the weekend days worked in exchange for a
    swap that the package records (e.g. Saturday 26/4/2025 for Friday 2/5/2025). Shared by every calendar."""
    found = holidays_package.country_holidays("VN", years=year, language="vi")
    names = {day: name for day, name in found.items() if day.year == year}
    workdays = frozenset(day for day in getattr(found, "weekend_workdays", ()) if day.year == year)
    return names, workdays


@lru_cache(maxsize=256)
def english_holiday_names(year: int) -> dict[date, str]:
    """The same public holidays named in English by the package (for the English interface only)."""
    found = holidays_package.country_holidays("VN", years=year, language="en_US")
    return {day: name for day, name in found.items() if day.year == year}


def _make_up_name(day: date, year_holidays: dict[date, str], *, translate: bool = False) -> str:
    """Name a package make-up day after the day off it pays for ("Ngày nghỉ (thay cho ngày 26/04/2025)").
    Vietnamese unless ``translate``: the name is kept in a calendar that every request shares."""
    tr = _ if translate else gettext_noop
    key = f"{day:%d/%m/%Y}"
    for off_day, name in sorted(year_holidays.items()):
        if key in name:
            return tr(gettext_noop("Làm việc bù cho ngày nghỉ %(day)s")) % {"day": f"{off_day:%d/%m/%Y}"}
    return tr(gettext_noop("Ngày làm việc bù"))


class _Span:
    """Contiguous tables over whole years ``first_year..last_year``, indexed by ``ordinal - base``: a working flag
    per day, ``rank`` (working days before each day; one extra slot at the end) and the sorted working-day
    ordinals, so that "the working day N after this one" is ``workdays[rank[o] + n]``. Immutable once built; a
    calendar swaps in a wider span when a computation reaches a year it has not seen."""

    __slots__ = ("base", "end", "first_year", "flags", "last_year", "notes", "rank", "workdays")

    def __init__(self, first_year: int, last_year: int, years: dict[int, tuple[bytes, dict[int, DayInfo]]]) -> None:
        self.first_year, self.last_year = first_year, last_year
        self.base = date(first_year, 1, 1).toordinal()
        self.end = date(last_year + 1, 1, 1).toordinal()
        flags = bytearray()
        notes: dict[int, DayInfo] = {}
        for year in range(first_year, last_year + 1):
            year_flags, year_notes = years[year]
            flags += year_flags
            notes.update(year_notes)
        rank = [0] * (len(flags) + 1)
        workdays = []
        count = 0
        base = self.base
        for index, flag in enumerate(flags):
            rank[index] = count
            if flag:
                workdays.append(base + index)
                count += 1
        rank[len(flags)] = count
        self.flags, self.rank, self.workdays, self.notes = bytes(flags), rank, workdays, notes


# ------------------------------------------------------------------------------------------------ calendar


class WorkingCalendar:
    """The working calendar of one desk on one date (immutable; build it with ``portal.selectors.calendar_for``).

    ``days_off`` / ``working_days``: decreed extra days off and compensatory working days, as dates, (date, name)
    pairs or a {date: name} mapping. ``intervals``: the day's working intervals (see :func:`parse_intervals`).
    ``weekend``: weekday numbers of the weekly rest (Monday = 0). ``cutoff``: a submission after this time on a
    working day counts from the next working day (Long An 30/2019 art 9). All datetimes must be timezone-aware
    (naive ones raise ValueError); results are in Asia/Ho_Chi_Minh.
    """

    def __init__(
        self,
        *,
        days_off: Iterable | Mapping = (),
        working_days: Iterable | Mapping = (),
        intervals: object = DEFAULT_INTERVALS,
        weekend: Iterable[int] = DEFAULT_WEEKEND,
        cutoff: time = DEFAULT_CUTOFF,
    ) -> None:
        # Default names stay Vietnamese here (the calendar is cached and shared); DayInfo.display_name translates.
        self.days_off = _named_dates(days_off, gettext_noop("Ngày nghỉ theo quyết định"))
        self.working_days = _named_dates(working_days, gettext_noop("Ngày làm việc bù"))
        both = sorted(set(self.days_off) & set(self.working_days))
        if both:
            raise ValueError(
                _("Một ngày không thể vừa là ngày nghỉ vừa là ngày làm việc bù: %(days)s.")
                % {"days": ", ".join(f"{d:%d/%m/%Y}" for d in both)}
            )
        self.intervals = parse_intervals(intervals)
        self.weekend = frozenset(int(day) for day in weekend)
        if not self.weekend <= set(range(7)) or len(self.weekend) == 7:
            raise ValueError(
                _("Ngày nghỉ hằng tuần phải là các số từ 0 (thứ Hai) đến 6 (Chủ nhật), không phải cả tuần.")
            )
        if not isinstance(cutoff, time):
            cutoff = _parse_time(cutoff)
        self.cutoff = cutoff
        self._cutoff_us = _time_us(cutoff)
        starts = [_time_us(start) for start, _end in self.intervals]
        ends = [_time_us(end) for _start, end in self.intervals]
        self._starts = starts
        self._bounds = [value for pair in zip(starts, ends, strict=True) for value in pair]
        self._cum = [0]  # working time before each interval's start
        for start, end in zip(starts, ends, strict=True):
            self._cum.append(self._cum[-1] + end - start)
        self._day_us = self._cum[-1]
        self._open_us = starts[0]
        self._close_us = ends[-1]
        self._open_time = self.intervals[0][0].replace(tzinfo=TZ)
        self._year_parts: dict[int, tuple[bytes, dict[int, DayInfo]]] = {}
        self._span: _Span | None = None

    def __repr__(self) -> str:
        hours = ", ".join(f"{a:%H:%M}–{b:%H:%M}" for a, b in self.intervals)
        return (
            f"<WorkingCalendar {hours}; {len(self.days_off)} days off, {len(self.working_days)} working days; "
            f"cutoff {self.cutoff:%H:%M}>"
        )

    # -------------------------------------------------------------------------------- tables

    def _classify(self, day: date, year_holidays: dict[date, str], package_workdays: frozenset[date]) -> DayInfo | None:
        """The special status of a day (None for an ordinary day of the weekly template)."""
        if day in self.working_days:
            return DayInfo(day, DayKind.MAKE_UP, self.working_days[day], "override")
        if day in self.days_off:
            return DayInfo(day, DayKind.DAY_OFF, self.days_off[day], "override")
        if day in year_holidays:
            return DayInfo(day, DayKind.HOLIDAY, year_holidays[day], "holidays")
        if day in package_workdays:
            return DayInfo(day, DayKind.MAKE_UP, _make_up_name(day, year_holidays), "holidays")
        if day.weekday() in self.weekend:
            return DayInfo(day, DayKind.WEEKEND, "", "weekly")
        return None

    def _year_part(self, year: int) -> tuple[bytes, dict[int, DayInfo]]:
        part = self._year_parts.get(year)
        if part is None:
            if not MIN_YEAR <= year <= MAX_YEAR:
                raise ValueError(
                    _("Lịch làm việc chỉ hỗ trợ các năm %(min)s–%(max)s.") % {"min": MIN_YEAR, "max": MAX_YEAR}
                )
            year_holidays, package_workdays = public_holidays(year)
            first = date(year, 1, 1).toordinal()
            flags = bytearray(date(year + 1, 1, 1).toordinal() - first)
            notes: dict[int, DayInfo] = {}
            for index in range(len(flags)):
                day = date.fromordinal(first + index)
                info = self._classify(day, year_holidays, package_workdays)
                if info is None:
                    flags[index] = 1
                else:
                    notes[first + index] = info
                    flags[index] = info.is_working
            part = self._year_parts[year] = (bytes(flags), notes)
        return part

    def _cover(self, first_year: int, last_year: int) -> _Span:
        """A span covering at least ``first_year..last_year`` (built lazily, swapped in atomically)."""
        span = self._span
        if span is not None:
            if span.first_year <= first_year and last_year <= span.last_year:
                return span
            first_year, last_year = min(first_year, span.first_year), max(last_year, span.last_year)
        parts = {year: self._year_part(year) for year in range(first_year, last_year + 1)}
        span = self._span = _Span(first_year, last_year, parts)
        return span

    def _span_for(self, ordinal: int) -> _Span:
        span = self._span
        if span is None or not span.base <= ordinal < span.end:
            year = date.fromordinal(ordinal).year
            span = self._cover(year, year)
        return span

    def _workday(self, span: _Span, index: int) -> tuple[_Span, int]:
        """The ``index``-th working day of the span (index may fall outside: the span grows to reach it)."""
        while index >= len(span.workdays):
            # Grow by whole years; a year has well over 200 working days, so this loop runs once or twice.
            missing = index - len(span.workdays)
            span = self._cover(span.first_year, span.last_year + 1 + missing // 200)
        while index < 0:
            before = len(span.workdays)
            span = self._cover(span.first_year - 1 - (-index) // 200, span.last_year)
            index += len(span.workdays) - before
        return span, span.workdays[index]

    # -------------------------------------------------------------------------------- days

    @property
    def working_day_length(self) -> timedelta:
        """Working time of one working day (8 hours with the default intervals)."""
        return timedelta(microseconds=self._day_us)

    @property
    def opening_time(self) -> time:
        return self.intervals[0][0]

    @property
    def closing_time(self) -> time:
        return self.intervals[-1][1]

    def is_working_day(self, day: date) -> bool:
        if isinstance(day, datetime):
            day = self._local(day).date()
        ordinal = day.toordinal()
        span = self._span_for(ordinal)
        return span.flags[ordinal - span.base] == 1

    def day_info(self, day: date) -> DayInfo:
        """What the day is and why (weekend, holiday name, decree name, make-up day)."""
        ordinal = day.toordinal()
        info = self._span_for(ordinal).notes.get(ordinal)
        return info or DayInfo(day, DayKind.WORKING)

    def year_days(self, year: int) -> list[DayInfo]:
        """Every day of ``year`` with its kind (for the administrator's preview)."""
        first = date(year, 1, 1).toordinal()
        notes = self._cover(year, year).notes
        return [
            notes.get(ordinal) or DayInfo(date.fromordinal(ordinal), DayKind.WORKING)
            for ordinal in range(first, date(year + 1, 1, 1).toordinal())
        ]

    def working_days_in_year(self, year: int) -> int:
        return self.working_days_between(date(year, 1, 1), date(year + 1, 1, 1))

    def next_working_day(self, day: date) -> date:
        """The first working day strictly after ``day``."""
        ordinal = day.toordinal()
        span = self._span_for(ordinal)
        _span, found = self._workday(span, span.rank[ordinal - span.base + 1])
        return date.fromordinal(found)

    def previous_working_day(self, day: date) -> date:
        """The last working day strictly before ``day``."""
        ordinal = day.toordinal()
        span = self._span_for(ordinal)
        _span, found = self._workday(span, span.rank[ordinal - span.base] - 1)
        return date.fromordinal(found)

    def working_days_between(self, first: date, last: date) -> int:
        """Number of working days in the half-open range ``[first, last)`` (negative if ``last < first``)."""
        return self._count(first.toordinal(), last.toordinal())

    def _count(self, first: int, last: int) -> int:
        """Working days in ``[first, last)`` given as ordinals (negative if ``last < first``)."""
        span = self._span_for(first)
        if not span.base <= last <= span.end:
            span = self._cover(
                min(span.first_year, date.fromordinal(last).year), max(span.last_year, date.fromordinal(last).year)
            )
        return span.rank[last - span.base] - span.rank[first - span.base]

    # -------------------------------------------------------------------------------- moments

    @staticmethod
    def _local(moment: datetime) -> datetime:
        if not isinstance(moment, datetime):
            raise TypeError(f"expected a datetime, got {moment!r}")
        if moment.tzinfo is None or moment.utcoffset() is None:
            raise ValueError(_("Thời điểm phải kèm múi giờ (datetime có tzinfo); nhận được giờ không có múi giờ."))
        return moment if moment.tzinfo is TZ else moment.astimezone(TZ)

    @staticmethod
    def _us(local: datetime) -> int:
        return ((local.hour * 60 + local.minute) * 60 + local.second) * US_PER_SECOND + local.microsecond

    @staticmethod
    def _moment(ordinal: int, us: int) -> datetime:
        day = date.fromordinal(ordinal)
        hours, rest = divmod(us, US_PER_HOUR)
        minutes, rest = divmod(rest, US_PER_MINUTE)
        seconds, micro = divmod(rest, US_PER_SECOND)
        return datetime(day.year, day.month, day.day, hours, minutes, seconds, micro, tzinfo=TZ)

    def _normalise(self, ordinal: int, us: int) -> tuple[_Span, int, int]:
        """(span, ordinal, microseconds) of the next working moment at or after day ``ordinal`` + ``us``."""
        span = self._span_for(ordinal)
        if span.flags[ordinal - span.base]:
            index = bisect_right(self._bounds, us)
            if index & 1:  # inside [start_k, end_k)
                return span, ordinal, us
            if index < len(self._bounds):  # before an interval of the same day
                return span, ordinal, self._bounds[index]
        span, ordinal = self._workday(span, span.rank[ordinal - span.base + 1])
        return span, ordinal, self._open_us

    def _within(self, us: int) -> int:
        """Working time of a working day elapsed before the clock time ``us``."""
        index = bisect_right(self._bounds, us)
        k = index >> 1
        if index & 1:
            return self._cum[k] + us - self._starts[k]
        return self._cum[k]

    def _clock_time(self, offset: int) -> int:
        """Clock time (microseconds since midnight) at which ``offset`` working time of the day has elapsed."""
        k = bisect_right(self._cum, offset) - 1
        return self._starts[k] + offset - self._cum[k]

    def is_working_time(self, moment: datetime) -> bool:
        local = self._local(moment)
        ordinal = local.toordinal()
        span = self._span_for(ordinal)
        return bool(span.flags[ordinal - span.base] and bisect_right(self._bounds, self._us(local)) & 1)

    def next_working_moment(self, moment: datetime) -> datetime:
        """``moment`` itself if it is working time, else the start of the next working interval."""
        local = self._local(moment)
        _span, ordinal, us = self._normalise(local.toordinal(), self._us(local))
        return self._moment(ordinal, us)

    def receipt_moment(self, submitted_at: datetime) -> datetime:
        """When a dossier submitted at ``submitted_at`` counts as received: the next working moment, and after the
        cut-off (17:00 by default) of a working day, the opening of the next working day (Long An 30/2019 art 9)."""
        local = self._local(submitted_at)
        us = self._us(local)
        if us > self._cutoff_us and self.is_working_day(local.date()):
            return self.opening(self.next_working_day(local.date()))
        _span, ordinal, us = self._normalise(local.toordinal(), us)
        return self._moment(ordinal, us)

    def opening(self, day: date) -> datetime:
        """The first working moment of ``day`` (whether or not the day is a working day)."""
        return datetime.combine(day, self._open_time)

    def closing(self, day: date) -> datetime:
        """The close of working hours on ``day`` (17:00 by default): the end of the working day."""
        return self._moment(day.toordinal(), self._close_us)

    def add_working_days(self, moment: datetime, n: int) -> datetime:
        """N working days after ``moment``: the same clock time N working days later, counted from the next working
        moment if ``moment`` is outside working time (see the module docstring). ``n`` may be zero or negative."""
        if n.__class__ is not int and (isinstance(n, bool) or not isinstance(n, int)):
            raise TypeError("n must be an int (use add_working_hours for fractions of a day)")
        local = moment if moment.tzinfo is TZ else self._local(moment)
        ordinal = local.toordinal()
        us = self._us(local)
        span, start, norm_us = self._normalise(ordinal, us)
        if n:
            span, target = self._workday(span, span.rank[start - span.base] + n)
        else:
            target = start
        if norm_us == us:
            # Same clock time: date arithmetic on the local datetime keeps hour, minute and microsecond.
            return local + timedelta(days=target - ordinal)
        return self._moment(target, norm_us)

    def add_working_hours(self, moment: datetime, hours: float | int | Decimal | timedelta) -> datetime:
        """``hours`` of working time after ``moment`` (a number of hours or a timedelta; may be negative).

        Counting starts at the next working moment; a result at the end of an interval is given as the start of the
        next one, so the result is always a working moment.
        """
        amount = _amount_us(hours)
        local = self._local(moment)
        span, ordinal, us = self._normalise(local.toordinal(), self._us(local))
        days, offset = divmod(self._within(us) + amount, self._day_us)
        if days:
            span, ordinal = self._workday(span, span.rank[ordinal - span.base] + days)
        return self._moment(ordinal, self._clock_time(offset))

    def working_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Working time in ``[start, end)`` (negative if ``end`` is before ``start``), exact to the microsecond."""
        return timedelta(microseconds=self._between_us(start, end))

    def working_hours_between(self, start: datetime, end: datetime) -> float:
        """Working time in ``[start, end)`` in hours (negative if ``end`` is before ``start``)."""
        return self._between_us(start, end) / US_PER_HOUR

    def _between_us(self, start: datetime, end: datetime) -> int:
        a, b = self._local(start), self._local(end)
        sign = 1
        if b < a:
            a, b, sign = b, a, -1
        a_ord, b_ord = a.toordinal(), b.toordinal()
        days = self._count(a_ord, b_ord)
        span = self._span_for(a_ord)
        a_within = self._within(self._us(a)) if span.flags[a_ord - span.base] else 0
        span = self._span_for(b_ord)
        b_within = self._within(self._us(b)) if span.flags[b_ord - span.base] else 0
        return sign * (days * self._day_us + b_within - a_within)

    # -------------------------------------------------------------------------------- explanation

    def explain(self, start: datetime, end: datetime) -> SpanExplanation:
        """Day by day: what the span ``[start, end)`` counted, skipped (with reasons) and which make-up days it
        used. ``explanation.total == working_time_between(start, end)`` for ``start <= end``."""
        if self._local(end) < self._local(start):
            raise ValueError(_("Thời điểm kết thúc phải sau thời điểm bắt đầu."))
        counted_from = self.next_working_moment(start)
        a_local, b_local = self._local(start), self._local(end)
        a_day, a_us = a_local.date(), self._us(a_local)
        b_day, b_us = b_local.date(), self._us(b_local)
        accounts = []
        day = a_day
        while day <= b_day:
            info = self.day_info(day)
            counted = 0
            if info.is_working:
                low = self._within(a_us) if day == a_day else 0
                high = self._within(b_us) if day == b_day else self._day_us
                counted = max(0, high - low)
            accounts.append(DayAccount(info, timedelta(microseconds=counted)))
            day += timedelta(days=1)
        return SpanExplanation(start=start, counted_from=counted_from, end=end, days=tuple(accounts))
