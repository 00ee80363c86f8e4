"""Statistics of dossier handling, defined once (thống kê tình hình giải quyết hồ sơ). Pure Python: no ORM.

The definitions (Long An 30/2019 art 14.4–14.5 and 17; DESIGN §5), for a period [start, end] of dates, both
inclusive, in Asia/Ho_Chi_Minh, over the dossiers a filter selects:

- ``received``: received in the period. A dossier refused at intake was never received and never counts
  anywhere; a dossier withdrawn (or stopped) after it was received counts as received, and is then neither
  resolved nor pending.
- ``carried_over``: received before the period and neither resolved, withdrawn nor refused before it.
- ``resolved``: the result date is in the period (a reasoned rejection after appraisal is a result), split into
  ``resolved_early`` / ``resolved_on_time`` / ``resolved_late`` by ``dossiers.deadlines.classify_resolved``
  (result date before / on / after the appointment date; a dossier late once stays late).
- ``pending``: received by the end of the period and not resolved, withdrawn or stopped by then; of which
  ``pending_overdue`` have an appointment date before the reference day — the period's last day, or today while
  the period runs.
- ``resolution_rate`` = resolved / (received + carried_over); ``on_time_rate`` = (early + on time) / resolved;
  ``None`` when the divisor is 0.
- Channels (art 17.1.c): ``received_in_person``, ``received_online``, ``received_postal`` (intake by public
  post), ``returned_postal`` (results returned by public post in the period), ``online_share`` = online /
  received.

A dossier whose processing was stopped (thông báo dừng giải quyết) is treated like a withdrawn one: it leaves
the pending stock on that day without a result.

Two implementations of these words live here, and tests hold them equal:

* :func:`count_directly` reads them literally over dossier facts (the oracle);
* :func:`contribution` turns one dossier into per-day counter changes, which ``reporting.services`` keeps as
  running totals (the rollups); :func:`figures_from_totals` turns running totals back into the figures.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta
from typing import Any, NamedTuple

from django.utils import timezone

CHANNEL_IN_PERSON, CHANNEL_ONLINE, CHANNEL_POSTAL = 1, 2, 3
POSTAL_RESULT = "postal"
ONE_DAY = timedelta(days=1)

# The per-day counters kept as running totals; their order is the order of the vectors below.
COUNTERS = (
    "received",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "closed_unresolved",  # withdrawn or stopped after receipt, without a result
    "returned_postal",
    "left_pending",  # left the pending stock (result, withdrawal or stop), never before the receipt day
    "overdue_in",  # entered the overdue stock: the day after the appointment date, while pending
    "overdue_out",  # left the overdue stock
)
INDEX = {name: i for i, name in enumerate(COUNTERS)}
WIDTH = len(COUNTERS)
# dossiers.deadlines.Timeliness is a str enum: its members equal these values.
EARLY, ON_TIME, LATE = "early", "on_time", "late"
_TIMELINESS_COUNTER = {
    EARLY: INDEX["resolved_early"],
    ON_TIME: INDEX["resolved_on_time"],
    LATE: INDEX["resolved_late"],
}


def local_day(moment: datetime | None) -> date | None:
    """The calendar day of ``moment`` in the portal's time zone (Asia/Ho_Chi_Minh)."""
    if moment is None:
        return None
    return moment.astimezone(timezone.get_default_timezone()).date()


# ----------------------------------------------------------------------------------------------- periods


@dataclass(frozen=True, slots=True)
class Period:
    """Dates [start, end], both inclusive."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            raise ValueError("start after end")

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1]))

    @classmethod
    def quarter(cls, year: int, quarter: int) -> Period:
        first = 3 * (quarter - 1) + 1
        return cls(date(year, first, 1), cls.month(year, first + 2).end)

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(date(year, 1, 1), date(year, 12, 31))

    def reference_day(self, today: date) -> date:
        """The day stocks are compared with: the last day, or today while the period runs."""
        return min(self.end, today)

    def __str__(self) -> str:
        return f"{self.start:%d/%m/%Y}–{self.end:%d/%m/%Y}"


# ----------------------------------------------------------------------------------------------- facts


class SliceKey(NamedTuple):
    """Where a dossier counts: competent agency, sector, procedure, intake channel."""

    agency_id: int
    sector_id: int
    procedure_id: int
    channel: int


class Facts(NamedTuple):
    """What statistics need of one received dossier, as local days."""

    key: SliceKey
    received: date
    due: date | None = None
    resolved: date | None = None
    timeliness: str | None = None  # early, on_time or late (dossiers.deadlines.Timeliness)
    closed: date | None = None  # withdrawn or stopped, without a result
    returned_postal: date | None = None

    @property
    def exit(self) -> date | None:
        """The day it stopped being pending: its result, withdrawal or stop, whichever came first."""
        if self.resolved is None:
            return self.closed
        if self.closed is None:
            return self.resolved
        return min(self.resolved, self.closed)


def facts_of(snapshot: Mapping[str, Any] | None) -> Facts | None:
    """The statistical facts of a dossier snapshot (``dossiers.signals.snapshot``); None if it never counts."""
    if not snapshot:
        return None
    received_at = snapshot.get("received_at")
    if received_at is None or snapshot.get("refused_at") is not None:
        return None
    zone = timezone.get_default_timezone()
    withdrawn_at, stopped_at = snapshot.get("withdrawn_at"), snapshot.get("stopped_at")
    if withdrawn_at is not None and stopped_at is not None:
        closed_at = min(withdrawn_at, stopped_at)
    else:
        closed_at = withdrawn_at if withdrawn_at is not None else stopped_at
    resolved_at = snapshot.get("resolved_at") if closed_at is None else None
    due_at = snapshot.get("due_at")
    timeliness = None
    if resolved_at is not None:
        # A result without an appointment date (an immediate procedure: no receipt slip, ND 61/2018 art 17.4)
        # is compared with itself: on time, unless it was ever late.
        verdict = _classify_resolved()(
            resolved_at=resolved_at, due_at=due_at or resolved_at, was_late=bool(snapshot.get("was_late"))
        )
        timeliness = verdict.value if hasattr(verdict, "value") else str(verdict)
    returned_at = snapshot.get("returned_at")
    postal_return = returned_at is not None and snapshot.get("result_channel") == POSTAL_RESULT
    return Facts(
        SliceKey(
            snapshot["competent_agency_id"], snapshot["sector_id"], snapshot["procedure_id"], int(snapshot["channel"])
        ),
        received_at.astimezone(zone).date(),
        due_at.astimezone(zone).date() if due_at is not None else None,
        resolved_at.astimezone(zone).date() if resolved_at is not None else None,
        timeliness,
        closed_at.astimezone(zone).date() if closed_at is not None else None,
        returned_at.astimezone(zone).date() if postal_return else None,
    )


_CLASSIFY = None


def _classify_resolved():
    """``dossiers.deadlines.classify_resolved``: the one definition of early / on time / late (imported late so
    this module loads before the dossiers app is ready)."""
    global _CLASSIFY
    if _CLASSIFY is None:
        from dossiers.deadlines import classify_resolved

        _CLASSIFY = classify_resolved
    return _CLASSIFY


# ----------------------------------------------------------------------------------------------- rollups

Vector = list[int]


def contribution(facts: Facts | None) -> dict[date, Vector]:
    """The per-day counter changes one dossier makes (summed over days they give its running totals)."""
    out: dict[date, Vector] = {}
    if facts is None:
        return out

    def add(day: date, counter: str) -> None:
        out.setdefault(day, [0] * WIDTH)[INDEX[counter]] += 1

    add(facts.received, "received")
    if facts.resolved is not None:
        out.setdefault(facts.resolved, [0] * WIDTH)[_TIMELINESS_COUNTER[facts.timeliness]] += 1
    if facts.closed is not None:
        add(facts.closed, "closed_unresolved")
    if facts.returned_postal is not None:
        add(facts.returned_postal, "returned_postal")
    exit_day = facts.exit
    if exit_day is not None:
        # A stock cannot be left before it was entered (a result dated before the receipt moment, which the
        # desk's next-working-moment rule makes possible): the dossier leaves on its receipt day.
        exit_day = max(exit_day, facts.received)
        add(exit_day, "left_pending")
    if facts.due is not None:
        overdue_from = max(facts.received, facts.due + ONE_DAY)
        if exit_day is None or overdue_from < exit_day:
            add(overdue_from, "overdue_in")
            if exit_day is not None:
                add(exit_day, "overdue_out")
    return out


def difference(before: Mapping[date, Vector], after: Mapping[date, Vector]) -> dict[date, Vector]:
    """after − before, without the days that did not change."""
    out: dict[date, Vector] = {}
    for day in set(before) | set(after):
        old, new = before.get(day), after.get(day)
        delta = [(new[i] if new else 0) - (old[i] if old else 0) for i in range(WIDTH)]
        if any(delta):
            out[day] = delta
    return out


# ----------------------------------------------------------------------------------------------- figures


@dataclass(slots=True)
class Figures:
    """The published figures of point 2, for one row of a table (or the whole selection)."""

    received: int = 0
    carried_over: int = 0
    resolved: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending: int = 0
    pending_overdue: int = 0
    received_in_person: int = 0
    received_online: int = 0
    received_postal: int = 0
    returned_postal: int = 0

    @property
    def resolution_rate(self) -> float | None:
        return _ratio(self.resolved, self.received + self.carried_over)

    @property
    def on_time_rate(self) -> float | None:
        return _ratio(self.resolved_early + self.resolved_on_time, self.resolved)

    @property
    def online_share(self) -> float | None:
        return _ratio(self.received_online, self.received)

    @property
    def is_empty(self) -> bool:
        return not (self.received or self.carried_over or self.resolved or self.pending or self.returned_postal)

    def add(self, other: Figures) -> None:
        for name in _COUNT_FIELDS:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, int | float | None]:
        return {name: getattr(self, name) for name in FIGURE_FIELDS}


_COUNT_FIELDS = tuple(f.name for f in fields(Figures))


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


# The published field names, in their published order (API rows, exports, table columns).
FIGURE_FIELDS = (
    "received",
    "carried_over",
    "resolved",
    "resolved_early",
    "resolved_on_time",
    "resolved_late",
    "pending",
    "pending_overdue",
    "resolution_rate",
    "on_time_rate",
    "received_in_person",
    "received_online",
    "received_postal",
    "returned_postal",
    "online_share",
)
RATE_FIELDS = frozenset({"resolution_rate", "on_time_rate", "online_share"})

_CHANNEL_FIELD = {
    CHANNEL_IN_PERSON: "received_in_person",
    CHANNEL_ONLINE: "received_online",
    CHANNEL_POSTAL: "received_postal",
}


def figures_from_totals(*, channel: int, before_start: Vector, at_end: Vector, at_reference: Vector) -> Figures:
    """The figures of one slice from its running totals on the day before the period, its last day, and the
    reference day (see :meth:`Period.reference_day`)."""

    def flow(name: str) -> int:
        return at_end[INDEX[name]] - before_start[INDEX[name]]

    def stock(vector: Vector, entered: str, left: str) -> int:
        return vector[INDEX[entered]] - vector[INDEX[left]]

    out = Figures(
        received=flow("received"),
        carried_over=stock(before_start, "received", "left_pending"),
        resolved_early=flow("resolved_early"),
        resolved_on_time=flow("resolved_on_time"),
        resolved_late=flow("resolved_late"),
        pending=stock(at_end, "received", "left_pending"),
        pending_overdue=stock(at_reference, "overdue_in", "overdue_out"),
        returned_postal=flow("returned_postal"),
    )
    out.resolved = out.resolved_early + out.resolved_on_time + out.resolved_late
    channel_field = _CHANNEL_FIELD.get(channel)
    if channel_field:
        setattr(out, channel_field, out.received)
    return out


# ----------------------------------------------------------------------------------------------- the oracle


def count_directly(facts: Iterable[Facts | None], *, period: Period, today: date) -> Figures:
    """The figures read literally from the definitions above, dossier by dossier (the test oracle, and
    ``rebuild_stats --check``). Deliberately shares nothing with :func:`contribution`."""
    start, end = period.start, period.end
    reference = period.reference_day(today)
    out = Figures()
    before = start - ONE_DAY
    for f in facts:
        if f is None:
            continue
        if start <= f.received <= end:
            out.received += 1
            channel_field = _CHANNEL_FIELD.get(f.key.channel)
            if channel_field:
                setattr(out, channel_field, getattr(out, channel_field) + 1)
        if f.received < start and not _happened_by(f.resolved, before) and not _happened_by(f.closed, before):
            out.carried_over += 1
        if f.resolved is not None and start <= f.resolved <= end:
            out.resolved += 1
            if f.timeliness == EARLY:
                out.resolved_early += 1
            elif f.timeliness == ON_TIME:
                out.resolved_on_time += 1
            else:
                out.resolved_late += 1
        if f.received <= end and not _happened_by(f.resolved, end) and not _happened_by(f.closed, end):
            out.pending += 1
            if f.due is not None and f.due < reference:
                out.pending_overdue += 1
        if f.returned_postal is not None and start <= f.returned_postal <= end:
            out.returned_postal += 1
    return out


def _happened_by(day: date | None, limit: date) -> bool:
    return day is not None and day <= limit
