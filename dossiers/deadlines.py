"""Deadlines of a dossier (thời hạn giải quyết, hẹn trả kết quả): pure functions, no ORM, no clock.

The processing clock is an append-only log (DESIGN §5): *started* when the dossier is received, *paused* with a
reason while a supplement is awaited, then *resumed* (the remaining time continues) or *restarted* (the whole limit
again, ND 61/2018/NĐ-CP art 19.4: "thời hạn giải quyết được tính lại từ đầu sau khi nhận đủ hồ sơ"), *extended* once
by an apology slip with a new appointment and its basis (Mẫu 04, ND 61 art 19.9), and *recomputed* when the working
calendar changed (informational: due dates are always derived from the log with the calendar in force). From the
log, a procedure version's time limit and a :class:`~portal.workdays.WorkingCalendar`, :func:`derive` gives the due
moment, the time used and left, and whether the clock is paused; :func:`explain_due` says it in plain Vietnamese.

Units (``procedures.models.TimeUnit``), each with its own arithmetic (STYLE pattern 9):

* ``working_days``: one working day is the calendar's working day (8 working hours with the default desk hours).
  N working days from a moment in working time land at the same clock time N working days later; counting starts
  at the moment of receipt, or the next working moment after the 17:00 cut-off (Long An 30/2019 art 9).
* ``working_hours``: working time added hour by hour across lunch breaks, nights, weekends and holidays.
* ``calendar_days``: Civil Code 2015 arts 147–148 — the day of receipt is not counted (art 147.2); the period ends
  at the end of its last day (art 148.1, 148.6), or of the next working day when the last day is a weekend or a
  holiday (art 148.5). For an office "the end of the day" is the close of its working hours, which is what the
  appointment on Mẫu 01 shows (17:00 by default). A pause counts the day it starts as used; the day counting
  resumes is, like the day of receipt, not counted.

While the clock is paused there is no due date (``due_at`` is None): nothing can be late while the applicant holds
the dossier. Classification (early / on time / late, in time / overdue) compares **local dates** in
Asia/Ho_Chi_Minh (Long An QĐ 30/2019 art 14.4; DESIGN §5), and a dossier that was ever late stays late.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from portal.workdays import (
    TZ,
    US_PER_HOUR,
    DayInfo,
    SpanExplanation,
    WorkingCalendar,
    _,
    format_day,
    format_moment,
    format_working_time,
    npgettext,
    pgettext,
    weekday_name,
)

PAPER_TRANSFER_CUTOFF = time(15, 0)  # ND 61/2018 art 18
DEFAULT_DESK_CHECK_HOURS = 8
DEFAULT_DAY_HOURS = 8  # DESIGN §5: a working day is 8 working hours
LABOUR_WEEK_RATIO = Decimal(5) / Decimal(7)  # working days per calendar day in a 5-day week (QĐ 188/1999)
_ONE_US = timedelta(microseconds=1)


class TimeUnit(StrEnum):
    """Mirrors ``procedures.models.TimeUnit`` (kept here so this module needs no model import)."""

    WORKING_DAYS = "working_days"
    WORKING_HOURS = "working_hours"
    CALENDAR_DAYS = "calendar_days"


class SupplementPolicy(StrEnum):
    """Mirrors ``procedures.models.SupplementPolicy``."""

    RESTART = "restart"
    RESUME = "resume"


class ClockKind(StrEnum):
    """Mirrors ``dossiers.models.ClockEntry.Kind``."""

    STARTED = "started"
    PAUSED = "paused"
    RESUMED = "resumed"
    RESTARTED = "restarted"
    EXTENDED = "extended"
    RECOMPUTED = "recomputed"


class Timeliness(StrEnum):
    """How a resolved dossier (or a step of Mẫu 05) met its appointment (Long An 30/2019 art 14.4 a–c)."""

    EARLY = "early"
    ON_TIME = "on_time"
    LATE = "late"

    @property
    def label(self) -> str:
        return {"early": _("Trước hạn"), "on_time": _("Đúng hạn"), "late": _("Trễ hạn")}[self.value]


class OpenTimeliness(StrEnum):
    """Where an open dossier stands (Long An 30/2019 art 14.4 d)."""

    IN_TIME = "in_time"
    OVERDUE = "overdue"

    @property
    def label(self) -> str:
        return {"in_time": _("Trong hạn"), "overdue": _("Quá hạn")}[self.value]


class ClockError(ValueError):
    """The clock log does not make sense (e.g. resumed without a pause); the message is Vietnamese."""


class ClockEntryLike(Protocol):
    kind: str
    at: datetime
    reason: str
    legal_basis: str
    new_due_at: datetime | None


@dataclass(frozen=True)
class ClockEvent:
    """A clock log entry for pure use; ``dossiers.models.ClockEntry`` rows have the same attributes."""

    kind: str
    at: datetime
    reason: str = ""
    legal_basis: str = ""
    new_due_at: datetime | None = None


# ------------------------------------------------------------------------------------------------ the time limit


def _format_number(value: Decimal) -> str:
    value = Decimal(value)
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f").replace(".", ",")


@dataclass(frozen=True)
class TimeLimit:
    """A procedure version's time limit (thời hạn giải quyết) and its supplement rule."""

    value: Decimal
    unit: TimeUnit = TimeUnit.WORKING_DAYS
    supplement_policy: SupplementPolicy = SupplementPolicy.RESTART

    def __post_init__(self) -> None:
        object.__setattr__(self, "value", Decimal(str(self.value)))
        object.__setattr__(self, "unit", TimeUnit(self.unit))
        object.__setattr__(self, "supplement_policy", SupplementPolicy(self.supplement_policy or "restart"))
        if self.value < 0:
            raise ValueError(_("Thời hạn giải quyết không được âm."))

    @classmethod
    def of(cls, version: object) -> TimeLimit:
        """From a ``procedures.models.ProcedureVersion`` (or anything with the same three fields)."""
        return cls(
            value=version.processing_time_value,
            unit=version.processing_time_unit,
            supplement_policy=getattr(version, "supplement_policy", SupplementPolicy.RESTART),
        )

    @property
    def is_calendar(self) -> bool:
        return self.unit == TimeUnit.CALENDAR_DAYS

    @property
    def calendar_days(self) -> int:
        """Whole calendar days (a fraction of a calendar day counts as a whole day)."""
        return math.ceil(self.value)

    def working_us(self, calendar: WorkingCalendar) -> int:
        """The limit as working time in microseconds (working units only)."""
        if self.unit == TimeUnit.WORKING_HOURS:
            return int((self.value * US_PER_HOUR).to_integral_value())
        day_us = calendar.working_day_length // _ONE_US
        return int((self.value * day_us).to_integral_value())

    def label(self) -> str:
        """E.g. "5 ngày làm việc", "4 giờ làm việc", "15 ngày"."""
        number = _format_number(self.value)
        if self.unit == TimeUnit.WORKING_DAYS:
            return _("%(n)s ngày làm việc") % {"n": number}
        if self.unit == TimeUnit.WORKING_HOURS:
            return _("%(n)s giờ làm việc") % {"n": number}
        return _("%(n)s ngày") % {"n": number}


# ------------------------------------------------------------------------------------------------ calendar days


def calendar_days_due(calendar: WorkingCalendar, counted_from: date, days: int) -> tuple[datetime, date, date]:
    """Civil Code 2015 arts 147–148: ``days`` calendar days after the day ``counted_from`` (not counted) end at the
    close of the last day, or of the next working day when that day is not a working day.

    Returns (due moment, last day of the period, day the period actually ends on).
    """
    last = counted_from + timedelta(days=days)
    ends = last if calendar.is_working_day(last) else calendar.next_working_day(last)
    return calendar.closing(ends), last, ends


def _local_date(moment: datetime) -> date:
    return moment.astimezone(TZ).date()


# ------------------------------------------------------------------------------------------------ derivation


@dataclass(frozen=True)
class ClockStep:
    """One entry of the log as the engine understood it, for the explanation."""

    kind: ClockKind
    at: datetime
    counted_from: datetime | None = None
    reason: str = ""
    legal_basis: str = ""
    used: timedelta | None = None  # time of the limit used when the clock paused
    left: timedelta | None = None  # time left when paused / resumed
    due_at: datetime | None = None  # due moment right after this entry


@dataclass(frozen=True)
class ClockState:
    """What the clock log says, as of ``as_of``."""

    limit: TimeLimit
    started: bool = False
    paused: bool = False
    due_at: datetime | None = None
    original_due_at: datetime | None = None  # the appointment before an extension (apology slip)
    extended: bool = False
    counting_from: datetime | None = None  # where the current run of the clock started
    paused_since: datetime | None = None
    pause_reason: str = ""
    used: timedelta = timedelta()  # of the limit (working time, or calendar days for calendar units)
    left: timedelta = timedelta()
    restarts: int = 0
    as_of: datetime | None = None
    steps: tuple[ClockStep, ...] = field(default=(), repr=False)

    @property
    def running(self) -> bool:
        return self.started and not self.paused


class _Run:
    """Mutable state of the fold."""

    def __init__(self, limit: TimeLimit, calendar: WorkingCalendar) -> None:
        self.limit, self.calendar = limit, calendar
        self.state = "new"  # new → running ⇄ paused
        self.start: datetime | None = None  # counted-from moment of the current run
        self.budget = 0  # working µs, or calendar days, available from ``start``
        self.fixed_due: datetime | None = None  # set by an extension
        self.left_paused = 0
        self.paused_since: datetime | None = None
        self.pause_reason = ""
        self.extended = False
        self.original_due: datetime | None = None
        self.restarts = 0

    # ---- limits in the unit's own measure (µs of working time, or days)

    def full(self) -> int:
        return self.limit.calendar_days if self.limit.is_calendar else self.limit.working_us(self.calendar)

    def elapsed(self, until: datetime) -> int:
        """Measure of the current run from ``start`` to ``until`` (never negative)."""
        assert self.start is not None
        if self.limit.is_calendar:
            # The pause day counts as used; the day counting started on does not (Civil Code art 147.2).
            return max(0, (_local_date(until) - _local_date(self.start)).days)
        return max(0, _between_us(self.calendar, self.start, until))

    def left_at(self, moment: datetime) -> int:
        if self.fixed_due is not None:
            if self.limit.is_calendar:
                return (_local_date(self.fixed_due) - _local_date(moment)).days
            return _between_us(self.calendar, moment, self.fixed_due)
        return self.budget - self.elapsed(moment)

    def due(self) -> datetime | None:
        if self.state != "running":
            return None
        if self.fixed_due is not None:
            return self.fixed_due
        assert self.start is not None
        if self.limit.is_calendar:
            return calendar_days_due(self.calendar, _local_date(self.start), self.budget)[0]
        return self.calendar.add_working_hours(self.start, timedelta(microseconds=self.budget))

    def as_timedelta(self, measure: int) -> timedelta:
        return timedelta(days=measure) if self.limit.is_calendar else timedelta(microseconds=measure)

    def begin(self, at: datetime, budget: int) -> datetime:
        self.start = self.calendar.receipt_moment(at)
        self.budget = budget
        self.fixed_due = None
        self.state = "running"
        self.paused_since, self.pause_reason = None, ""
        return self.start


def _between_us(calendar: WorkingCalendar, start: datetime, end: datetime) -> int:
    return calendar.working_time_between(start, end) // _ONE_US


def _check_aware(moment: object) -> None:
    if not isinstance(moment, datetime) or moment.tzinfo is None or moment.utcoffset() is None:
        raise ClockError(_("Các thời điểm trong nhật ký thời hạn phải là datetime có múi giờ."))


def derive(
    *,
    limit: TimeLimit,
    entries: Iterable[ClockEntryLike],
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> ClockState:
    """Fold the clock log, in the order it was written, into the state of the clock.

    ``now`` only affects ``used`` / ``left`` (default: the moment of the last entry). Raises :class:`ClockError`
    for a log that breaks the rules: no start, pause while paused, resume or restart before a start, resume
    without a pause, an extension while paused, a second extension, or an extension that does not move the date
    later.
    """
    run = _Run(limit, calendar)
    steps: list[ClockStep] = []
    last_at: datetime | None = None
    for entry in entries:
        kind = ClockKind(entry.kind)
        at = entry.at
        _check_aware(at)
        last_at = at
        if kind == ClockKind.RECOMPUTED:
            steps.append(ClockStep(kind, at, reason=entry.reason or "", due_at=run.due()))
            continue
        if kind == ClockKind.STARTED:
            if run.state != "new":
                raise ClockError(_("Thời hạn giải quyết của hồ sơ đã được bắt đầu tính trước đó."))
            start = run.begin(at, run.full())
            steps.append(ClockStep(kind, at, counted_from=start, reason=entry.reason or "", due_at=run.due()))
        elif run.state == "new":
            raise ClockError(_("Thời hạn giải quyết chưa được bắt đầu tính (hồ sơ chưa được tiếp nhận)."))
        elif kind == ClockKind.PAUSED:
            if run.state == "paused":
                raise ClockError(_("Thời hạn giải quyết đang tạm dừng."))
            left = run.left_at(at)
            run.left_paused = left
            run.state = "paused"
            run.paused_since, run.pause_reason = at, entry.reason or ""
            used = run.full() - left
            steps.append(
                ClockStep(
                    kind,
                    at,
                    reason=run.pause_reason,
                    used=run.as_timedelta(used),
                    left=run.as_timedelta(left),
                )
            )
        elif kind == ClockKind.RESUMED:
            if run.state != "paused":
                raise ClockError(_("Chỉ tiếp tục tính thời hạn khi hồ sơ đang tạm dừng."))
            start = run.begin(at, run.left_paused)
            steps.append(
                ClockStep(
                    kind,
                    at,
                    counted_from=start,
                    reason=entry.reason or "",
                    left=run.as_timedelta(run.left_paused),
                    due_at=run.due(),
                )
            )
        elif kind == ClockKind.RESTARTED:
            start = run.begin(at, run.full())
            run.restarts += 1
            steps.append(ClockStep(kind, at, counted_from=start, reason=entry.reason or "", due_at=run.due()))
        elif kind == ClockKind.EXTENDED:
            if run.state != "running":
                raise ClockError(_("Không thể gia hạn khi thời hạn giải quyết đang tạm dừng."))
            if run.extended:
                raise ClockError(_("Hồ sơ đã được hẹn lại một lần; chỉ được điều chỉnh thời hạn một lần."))
            new_due = entry.new_due_at
            if new_due is None:
                raise ClockError(_("Gia hạn phải có ngày hẹn trả kết quả mới."))
            _check_aware(new_due)
            current = run.due()
            if current is not None and new_due <= current:
                raise ClockError(
                    _("Ngày hẹn mới (%(new)s) phải sau ngày hẹn hiện tại (%(old)s).")
                    % {"new": format_moment(new_due), "old": format_moment(current)}
                )
            run.original_due = current
            run.fixed_due = new_due
            run.extended = True
            steps.append(
                ClockStep(
                    kind,
                    at,
                    reason=entry.reason or "",
                    legal_basis=entry.legal_basis or "",
                    due_at=new_due,
                )
            )
    if run.state == "new":
        return ClockState(limit=limit, as_of=now, steps=tuple(steps))
    as_of = now or last_at
    left = run.left_paused if run.state == "paused" else run.left_at(as_of)
    used = run.full() - left
    return ClockState(
        limit=limit,
        started=True,
        paused=run.state == "paused",
        due_at=run.due(),
        original_due_at=run.original_due,
        extended=run.extended,
        counting_from=run.start,
        paused_since=run.paused_since,
        pause_reason=run.pause_reason,
        used=run.as_timedelta(used),
        left=run.as_timedelta(left),
        restarts=run.restarts,
        as_of=as_of,
        steps=tuple(steps),
    )


def due_at(*, limit: TimeLimit, entries: Iterable[ClockEntryLike], calendar: WorkingCalendar) -> datetime | None:
    """The due moment the log gives (None before the start and while paused)."""
    return derive(limit=limit, entries=entries, calendar=calendar).due_at


# ------------------------------------------------------------------------------------------------ explanation


@dataclass(frozen=True)
class DueExplanation:
    """A plain-Vietnamese account of a dossier's due date, line by line."""

    lines: tuple[str, ...]
    due_at: datetime | None
    skipped: tuple[DayInfo, ...] = ()
    make_up_days: tuple[DayInfo, ...] = ()

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def __str__(self) -> str:
        return self.text


def _amount(measure: timedelta, limit: TimeLimit, calendar: WorkingCalendar) -> str:
    if limit.is_calendar:
        return npgettext("calendar days", "%(n)s ngày", "%(n)s ngày", measure.days) % {"n": measure.days}
    return pgettext("amount of working time", "%(amount)s làm việc") % {
        "amount": format_working_time(measure, day_length=calendar.working_day_length)
    }


_RUN_STARTS = (ClockKind.STARTED, ClockKind.RESUMED, ClockKind.RESTARTED)
_RUN_ENDS = (ClockKind.PAUSED, ClockKind.RESTARTED, ClockKind.EXTENDED)


def _run_end(steps: Sequence[ClockStep], index: int, state: ClockState) -> datetime | None:
    """Where the run of the clock started by ``steps[index]`` stopped counting on the calendar."""
    for step in steps[index + 1 :]:
        if step.kind in _RUN_ENDS:
            return step.at
    return None if state.paused else state.due_at


def _skipped_lines(calendar: WorkingCalendar, start: datetime, end: datetime) -> tuple[list[str], SpanExplanation]:
    span = calendar.explain(start, end)
    lines = []
    if span.skipped:
        lines.append(_("Không tính các ngày nghỉ:"))
        lines.extend(f"– {line}" for line in span.skipped_lines())
    for info in span.make_up_days:
        lines.append(
            _("Có tính ngày làm việc bù %(day)s (%(name)s).") % {"day": format_day(info.day), "name": info.display_name}
        )
    return lines, span


def explain_due(
    *,
    limit: TimeLimit,
    entries: Sequence[ClockEntryLike],
    calendar: WorkingCalendar,
    now: datetime | None = None,
) -> DueExplanation:
    """Received when, the limit, each pause, resumption, restart and extension, the days off each run of the
    clock skipped (holidays by name) and the make-up days it counted, and the appointment — in plain Vietnamese,
    for the citizen and the officer alike."""
    state = derive(limit=limit, entries=entries, calendar=calendar, now=now)
    if not state.started:
        return DueExplanation((_("Hồ sơ chưa được tiếp nhận nên chưa tính thời hạn giải quyết."),), None)
    lines: list[str] = []
    skipped: list[DayInfo] = []
    make_up: list[DayInfo] = []
    steps = state.steps
    for index, step in enumerate(steps):
        if step.kind == ClockKind.STARTED:
            lines.append(_("Hồ sơ được tiếp nhận lúc %(at)s.") % {"at": format_moment(step.at)})
            if step.counted_from and step.counted_from != step.at:
                lines.append(
                    _("Tiếp nhận ngoài giờ làm việc (hoặc sau %(cutoff)s), nên thời hạn được tính từ %(start)s.")
                    % {"cutoff": f"{calendar.cutoff:%H:%M}", "start": format_moment(step.counted_from)}
                )
            lines.append(_("Thời hạn giải quyết: %(limit)s.") % {"limit": limit.label()})
            if limit.is_calendar:
                lines.append(
                    _(
                        "Thời hạn tính theo ngày: không tính ngày tiếp nhận, kết thúc vào cuối ngày cuối cùng của "
                        "thời hạn (Bộ luật Dân sự 2015, Điều 147–148)."
                    )
                )
        elif step.kind == ClockKind.PAUSED:
            lines.append(
                _("Tạm dừng tính thời hạn lúc %(at)s%(reason)s; đã dùng %(used)s, còn lại %(left)s.")
                % {
                    "at": format_moment(step.at),
                    "reason": f" ({step.reason})" if step.reason else "",
                    "used": _amount(step.used or timedelta(), limit, calendar),
                    "left": _amount(step.left or timedelta(), limit, calendar),
                }
            )
        elif step.kind == ClockKind.RESUMED:
            lines.append(
                _("Tiếp tục tính thời hạn từ %(start)s (thời gian còn lại %(left)s).")
                % {
                    "start": format_moment(step.counted_from),
                    "left": _amount(step.left or timedelta(), limit, calendar),
                }
            )
        elif step.kind == ClockKind.RESTARTED:
            lines.append(
                _(
                    "Nhận đủ hồ sơ bổ sung: thời hạn được tính lại từ đầu (%(limit)s) kể từ %(start)s "
                    "(Nghị định 61/2018/NĐ-CP, Điều 19 khoản 4)."
                )
                % {"limit": limit.label(), "start": format_moment(step.counted_from)}
            )
        elif step.kind == ClockKind.EXTENDED:
            text = _("Ngày %(at)s: phiếu xin lỗi và hẹn lại ngày trả kết quả, hẹn mới %(due)s.") % {
                "at": f"{step.at.astimezone(TZ):%d/%m/%Y}",
                "due": format_moment(step.due_at),
            }
            if step.reason:
                text += " " + _("Lý do: %(reason)s.") % {"reason": step.reason.rstrip(".")}
            if step.legal_basis:
                text += " " + _("Căn cứ: %(basis)s.") % {"basis": step.legal_basis.rstrip(".")}
            lines.append(text)
        elif step.kind == ClockKind.RECOMPUTED:
            lines.append(
                _("Lịch làm việc thay đổi%(reason)s: hạn được tính lại theo lịch mới.")
                % {"reason": f" ({step.reason})" if step.reason else ""}
            )
        if step.kind in _RUN_STARTS and not limit.is_calendar and step.counted_from is not None:
            end = _run_end(steps, index, state)
            if end is not None and end > step.counted_from:
                run_lines, span = _skipped_lines(calendar, step.counted_from, end)
                lines.extend(run_lines)
                skipped.extend(span.skipped)
                make_up.extend(span.make_up_days)
    if state.paused:
        lines.append(
            _("Hồ sơ đang tạm dừng tính thời hạn; thời gian còn lại: %(left)s.")
            % {"left": _amount(state.left, limit, calendar)}
        )
    elif state.due_at is not None:
        if limit.is_calendar and not state.extended:
            lines.extend(_calendar_day_lines(state, calendar))
        lines.append(_("Hẹn trả kết quả: %(due)s.") % {"due": format_moment(state.due_at)})
    return DueExplanation(tuple(lines), state.due_at, tuple(skipped), tuple(make_up))


def _calendar_day_lines(state: ClockState, calendar: WorkingCalendar) -> list[str]:
    """Why a calendar-day period ends where it does (Civil Code 2015 art 148.5)."""
    assert state.counting_from is not None and state.due_at is not None
    budget = state.limit.calendar_days
    for step in reversed(state.steps):
        if step.kind in (ClockKind.STARTED, ClockKind.RESTARTED):
            break
        if step.kind == ClockKind.RESUMED:
            budget = step.left.days if step.left is not None else 0
            break
    last = _local_date(state.counting_from) + timedelta(days=budget)
    if last == _local_date(state.due_at):
        return []
    info = calendar.day_info(last)
    return [
        _(
            "Ngày cuối cùng của thời hạn (%(day)s) là ngày nghỉ (%(reason)s) nên thời hạn kết thúc vào cuối ngày "
            "làm việc tiếp theo (Bộ luật Dân sự 2015, Điều 148 khoản 5)."
        )
        % {"day": format_day(last), "reason": info.reason or weekday_name(last)}
    ]


# ------------------------------------------------------------------------------------------------ steps, SLAs


def _share(value: object) -> Decimal:
    share = Decimal(str(value))
    if share < 0 or share > 100:
        raise ValueError(_("Tỷ lệ thời gian của một bước phải từ 0 đến 100%."))
    return share


def step_due_times(
    *,
    limit: TimeLimit,
    start: datetime,
    shares: Iterable[object],
    calendar: WorkingCalendar,
) -> list[datetime]:
    """Due moment of each step of a route (``RouteStep.share_percent``, in route order) from the moment the clock
    started: step k is due when the cumulative share of the limit up to k is used (ND 61 art 19.6: each agency's
    own deadline on the transfer slip). With shares summing to 100 the last step is due with the dossier."""
    counted_from = calendar.receipt_moment(start)
    total = Decimal(0)
    dues = []
    for value in shares:
        total += _share(value)
        if limit.is_calendar:
            days = math.ceil(limit.value * total / 100)
            dues.append(calendar_days_due(calendar, _local_date(counted_from), days)[0])
        else:
            amount = int((limit.working_us(calendar) * total / 100).to_integral_value())
            dues.append(calendar.add_working_hours(counted_from, timedelta(microseconds=amount)))
    return dues


def step_allowance_hours(version: object, share_percent: object, calendar: WorkingCalendar | None = None) -> float:
    """Working hours a step with ``share_percent`` of the time limit is allowed (for a handover's due time).

    A working day is the calendar's working day (8 hours when no calendar is given, DESIGN §5). Calendar days are
    converted at 5 working days per 7 calendar days (the 5-day week of QĐ 188/1999) — an approximation used only for
    the internal step targets of Mẫu 05; the dossier's own due date follows the Civil Code exactly.
    """
    limit = version if isinstance(version, TimeLimit) else TimeLimit.of(version)
    share = _share(share_percent) / 100
    day_hours = (
        Decimal(calendar.working_day_length // timedelta(microseconds=1)) / US_PER_HOUR
        if calendar is not None
        else Decimal(DEFAULT_DAY_HOURS)
    )
    if limit.unit == TimeUnit.WORKING_HOURS:
        hours = limit.value
    elif limit.unit == TimeUnit.WORKING_DAYS:
        hours = limit.value * day_hours
    else:
        hours = limit.value * LABOUR_WEEK_RATIO * day_hours
    return float(hours * share)


def desk_due(submitted_at: datetime, calendar: WorkingCalendar, hours: float = DEFAULT_DESK_CHECK_HOURS) -> datetime:
    """When the desk must have checked an online dossier: ``hours`` working hours (the province's setting,
    ``DESK_CHECK_SLA_HOURS``: 8 in Bình Định 27/2020, 1 in Bắc Ninh 13/2018) from the moment it counts as received
    (after 17:00, the next working morning: Long An 30/2019 art 9)."""
    return calendar.add_working_hours(calendar.receipt_moment(submitted_at), hours)


def paper_transfer_moment(
    received_at: datetime, calendar: WorkingCalendar, cutoff: time = PAPER_TRANSFER_CUTOFF
) -> datetime:
    """When a paper dossier reaches the competent department: the same working day, or the start of the next
    working day when received after 15:00 (ND 61/2018 art 18)."""
    received = calendar.receipt_moment(received_at)
    local = received.astimezone(TZ)
    if local.time() > cutoff:
        return calendar.opening(calendar.next_working_day(local.date()))
    return received


# ------------------------------------------------------------------------------------------------ classification


def classify_resolved(*, resolved_at: datetime, due_at: datetime, was_late: bool = False) -> Timeliness:
    """Early, on time or late, by the **date** of the result against the appointment date (Long An 30/2019 art
    14.4 a–c: "ngày có kết quả ... trước / trùng / sau ngày hẹn trả kết quả"), in Asia/Ho_Chi_Minh. A dossier
    that was ever late (overdue, or given an apology slip) stays late whatever followed (DESIGN §5)."""
    if was_late:
        return Timeliness.LATE
    result_day, due_day = _local_date(resolved_at), _local_date(due_at)
    if result_day < due_day:
        return Timeliness.EARLY
    if result_day == due_day:
        return Timeliness.ON_TIME
    return Timeliness.LATE


def classify_open(*, now: datetime, due_at: datetime | None) -> OpenTimeliness:
    """In time or overdue for a dossier still being handled (Long An 30/2019 art 14.4 d).

    Compared by date like :func:`classify_resolved`: a dossier resolved on its appointment date is on time
    (art 14.4 b), so it is not overdue earlier that day; it is overdue from the next day on. A paused clock (no due
    date) is never overdue.
    """
    if due_at is None:
        return OpenTimeliness.IN_TIME
    return OpenTimeliness.OVERDUE if _local_date(now) > _local_date(due_at) else OpenTimeliness.IN_TIME


def is_overdue(*, now: datetime, due_at: datetime | None) -> bool:
    return classify_open(now=now, due_at=due_at) == OpenTimeliness.OVERDUE


def classify_step(*, completed_at: datetime, step_due_at: datetime) -> Timeliness:
    """Early / on time / late of one handover step, the result column of Mẫu 05 (TT 01/2018 art 9), with the same
    date rule as the dossier itself."""
    return classify_resolved(resolved_at=completed_at, due_at=step_due_at)
