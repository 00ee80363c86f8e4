"""SLA timers (nhắc việc, cảnh báo, đôn đốc): who must be told, and when, that a dossier needs them (DESIGN §5).

Celery beat runs each sweep (``dossiers/tasks.py``, ``portal/schedule.py``). Every sweep is

* **set-based**: one query finds the dossiers that crossed a threshold and were not yet reminded about that due
  moment (an anti-join on :class:`~dossiers.models.Reminder`); working-time thresholds are first bounded in SQL
  with the latest moment any calendar in use gives, then checked exactly with each agency's calendar;
* **idempotent**: the Reminder row and its messages are written in one transaction, and the row is unique per
  (dossier, kind, moment): a second run, a late run, a retried task or two runs at once send nothing twice. The key
  is the due moment, so a due date that moves (supplement, apology slip, calendar change) earns a new reminder;
* **late-safe**: a run after a gap sends what is still true now (a reminder whose window has passed gives way to
  the escalation that follows it) and catches up on everything it missed;
* **bounded**: at most ``TIMERS_BATCH_LIMIT`` dossiers per run; the report says when more remain (the task then
  queues itself again).

Each sweep takes ``now`` (default ``portal.clock.now()``), so the same code runs under beat, in tests on real dates
and in the benchmark.

The settings (read here with their defaults; a working day is 8 working hours, DESIGN §5):

* ``TIMERS_DESK_REMIND_BEFORE_HOURS`` (2): working hours before the desk-check SLA ends (``desk_due_at``, from
  ``DESK_CHECK_SLA_HOURS``) when the desk's receivers are reminded; never more than half the SLA (Bắc Ninh's one
  working hour → 30 minutes).
* ``TIMERS_DESK_ESCALATE_AFTER_HOURS`` (0): working hours after the desk-check SLA ended before the receiving
  agency's leaders are told.
* ``TIMERS_NEAR_DUE_WORKING_DAYS`` (1): working days before ``due_at`` when the assigned specialist and the handling
  department's leaders are warned.
* ``TIMERS_APOLOGY_REMIND_HOURS`` (8): working hours before the last moment an apology slip may be issued (one
  working day before due, ND 61/2018 art 19.9; Long An 30/2019 art 11.3) when the competent agency's leaders and
  the specialist are reminded — by default two working days before due.
* ``TIMERS_SUPPLEMENT_REVIEW_HOURS`` (8): working hours a dossier supplemented during appraisal may wait with nobody
  acting on it before the specialist (or, unassigned, the department's leaders) is reminded.
* ``TIMERS_SUPPLEMENT_REVIEW_LOOKBACK_DAYS`` (30): how far back that timer looks; an older supplement was reminded
  about long ago, and the dossier's near-due and overdue timers cover it anyway.
* ``TIMERS_DIGEST_HOUR`` (7): local hour from which the daily digest goes to each leader, on working days.
* ``TIMERS_DIGEST_MAX_ROWS`` (20): overdue dossiers (and those due today) listed by name in one digest.
* ``TIMERS_BATCH_LIMIT`` (500): dossiers one run of one sweep handles at most.

Overdue (Long An 30/2019 art 14.4 d: by date, from the day after the appointment date) goes through
``workflow.mark_overdue``, which sets ``was_late`` and records the "overdue" event once per appointment missed; the
assigned specialist, the handling department's leaders and the competent agency's leaders are told. The intake-stage
supplement needs no timer of its own: answering it gives the dossier a new ``desk_due_at``, so the desk timers
remind about it again (and say it was supplemented).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from dossiers import checks, workflow
from dossiers.deadlines import DEFAULT_DAY_HOURS, is_overdue
from dossiers.models import Dossier, DossierEvent, Reminder, Status, SupplementRequest
from dossiers.models.core import CLOCK_STATUSES
from portal import clock
from portal.exceptions import ConcurrentChange
from portal.models import Agency, CalendarOverride, Message, OfficerPost, User
from portal.selectors import calendar_for, calendar_version
from portal.workdays import TZ, WorkingCalendar, format_working_time

log = logging.getLogger("motcua.timers")

Kind = Reminder.Kind
Role = OfficerPost.Role

# ND 61/2018 art 19.9: the apology slip comes at least one working day before the due date (workflow.issue_apology
# refuses it later).
APOLOGY_LEAD_HOURS = DEFAULT_DAY_HOURS
# What an officer does with a dossier in appraisal; any of these after a supplement arrived means someone acted.
HANDLING_ACTIONS = (
    "assign",
    "transfer",
    "consult",
    "verify",
    "propose",
    "send_back",
    "approve",
    "approve_rejection",
    "request_supplement",
    "issue_apology",
    "stop",
)
LAST_RUN_KEY = "motcua:timers:last-run:{name}"
DIGEST_DAY_KEY = "motcua:timers:digests-sent:{day}"


# ------------------------------------------------------------------------------------------------ settings


def desk_remind_before_hours() -> float:
    hours = float(getattr(settings, "TIMERS_DESK_REMIND_BEFORE_HOURS", 2))
    return min(hours, checks.desk_check_hours() / 2)


def desk_escalate_after_hours() -> float:
    return float(getattr(settings, "TIMERS_DESK_ESCALATE_AFTER_HOURS", 0))


def near_due_hours() -> float:
    return float(getattr(settings, "TIMERS_NEAR_DUE_WORKING_DAYS", 1)) * DEFAULT_DAY_HOURS


def apology_remind_hours() -> float:
    return float(getattr(settings, "TIMERS_APOLOGY_REMIND_HOURS", DEFAULT_DAY_HOURS))


def supplement_review_hours() -> float:
    return float(getattr(settings, "TIMERS_SUPPLEMENT_REVIEW_HOURS", DEFAULT_DAY_HOURS))


def supplement_review_lookback() -> timedelta:
    return timedelta(days=int(getattr(settings, "TIMERS_SUPPLEMENT_REVIEW_LOOKBACK_DAYS", 30)))


def digest_time() -> time:
    return time(int(getattr(settings, "TIMERS_DIGEST_HOUR", 7)), 0)


def digest_max_rows() -> int:
    return int(getattr(settings, "TIMERS_DIGEST_MAX_ROWS", 20))


def batch_limit() -> int:
    return int(getattr(settings, "TIMERS_BATCH_LIMIT", 500))


# ------------------------------------------------------------------------------------------------ reports


@dataclass
class SweepReport:
    """What one run of one sweep did."""

    timer: str
    now: datetime
    examined: int = 0  # candidates the query returned
    sent: int = 0  # reminders recorded (each may message several people)
    messages: int = 0  # messages queued
    skipped: int = 0  # another run had it, or an officer held the row: the next run looks again
    settled: int = 0  # nothing to send for this due moment, ever (e.g. too late for an apology slip): recorded
    more: bool = False  # the batch limit was reached: run again
    reminded: list[int] = field(default_factory=list)  # dossier ids (digest: leader user ids)

    def as_dict(self) -> dict:
        return {
            "timer": self.timer,
            "now": self.now.isoformat(),
            "examined": self.examined,
            "sent": self.sent,
            "messages": self.messages,
            "skipped": self.skipped,
            "settled": self.settled,
            "more": self.more,
        }


def _finish(report: SweepReport) -> SweepReport:
    """Remember when each sweep last completed, by the portal clock (monitoring; the tests wait on it)."""
    try:
        cache.set(LAST_RUN_KEY.format(name=report.timer), report.now.isoformat(), timeout=None)
    except Exception:  # a cache outage must not undo the work done
        log.warning("could not record the last run of %s", report.timer, exc_info=True)
    if report.sent or report.skipped or report.settled or report.more:
        log.info("timer %s", report.timer, extra=report.as_dict())
    return report


def last_run(timer: str) -> datetime | None:
    """When the sweep ``timer`` last completed, by the portal clock it ran on (None if never)."""
    value = cache.get(LAST_RUN_KEY.format(name=timer))
    return datetime.fromisoformat(value) if value else None


# ------------------------------------------------------------------------------------------------ calendars, people


def _path_ids(path: str) -> list[int]:
    """Agency ids from the root down to the agency itself, from its materialised path ("/1/5/9/")."""
    return [int(part) for part in path.strip("/").split("/") if part]


_special_memo: dict[str, frozenset[int]] = {}


def _agencies_with_own_calendar() -> frozenset[int]:
    """Agencies with desk hours or calendar overrides of their own. Remembered per calendar version, the shared token
    that changes whenever an Agency or a CalendarOverride is saved (``portal.selectors``)."""
    version = calendar_version()
    found = _special_memo.get(version)
    if found is None:
        own_hours = Agency.objects.filter(desk_hours__isnull=False).values_list("pk", flat=True)
        own_overrides = CalendarOverride.objects.filter(agency__isnull=False).values_list("agency_id", flat=True)
        found = frozenset(own_hours) | frozenset(own_overrides)
        _special_memo.clear()
        _special_memo[version] = found
    return found


class Calendars:
    """The working calendar in force for each agency, for one sweep.

    Most agencies share the province's calendar; only those with desk hours or calendar overrides of their own (or
    under an ancestor that has them) differ. ``latest`` bounds a working-time threshold for SQL over every calendar
    in use, and ``of`` gives the exact calendar of one agency.
    """

    def __init__(self, *, today: date) -> None:
        self.today = today
        self.special = _agencies_with_own_calendar()
        self.province = calendar_for(None, as_of=today)

    def of(self, agency: Agency) -> WorkingCalendar:
        if self.special and not self.special.isdisjoint(_path_ids(agency.path)):
            return calendar_for(agency, as_of=self.today)
        return self.province

    def in_use(self) -> list[WorkingCalendar]:
        calendars = [self.province]
        for agency in Agency.objects.filter(pk__in=self.special):
            calendars.append(calendar_for(agency, as_of=self.today))
        return calendars

    def latest(self, moment: datetime, hours: float) -> datetime:
        """The latest of ``moment`` + ``hours`` working time over every calendar in use (``hours`` may be negative:
        the latest moment with at least that much working time before ``moment``)."""
        return max(calendar.add_working_hours(moment, hours) for calendar in self.in_use())

    def earliest(self, moment: datetime, hours: float) -> datetime:
        """The earliest of ``moment`` + ``hours`` working time over every calendar in use."""
        return min(calendar.add_working_hours(moment, hours) for calendar in self.in_use())


class People:
    """Active officers by (agency, role), loaded once for the agencies a sweep deals with and their ancestors."""

    def __init__(self, agencies: Iterable[Agency | None], roles: Iterable[str]) -> None:
        ids: set[int] = set()
        for agency in agencies:
            if agency is not None:
                ids.update(_path_ids(agency.path))
        self._by: dict[tuple[int, str], list[User]] = defaultdict(list)
        if not ids:
            return
        posts = (
            OfficerPost.objects.filter(
                agency_id__in=ids, role__in=list(roles), is_active=True, user__is_active=True, agency__is_active=True
            )
            .select_related("user")
            .order_by("agency_id", "user_id")
        )
        for post in posts:
            self._by[(post.agency_id, post.role)].append(post.user)

    def nearest(self, agency: Agency | None, role: str) -> list[User]:
        """Officers with ``role`` at ``agency`` itself, else at its nearest ancestor that has some."""
        if agency is None:
            return []
        for pk in reversed(_path_ids(agency.path)):
            found = self._by.get((pk, role))
            if found:
                return list(found)
        return []


def _unique(people: Iterable[User | None]) -> list[User]:
    seen: dict[int, User] = {}
    for person in people:
        if person is not None and person.is_active and person.pk not in seen:
            seen[person.pk] = person
    return list(seen.values())


# ------------------------------------------------------------------------------------------------ helpers


def _now(now: datetime | None) -> datetime:
    return now if now is not None else clock.now()


def _start_of_day(moment: datetime) -> datetime:
    local = moment.astimezone(TZ)
    return datetime.combine(local.date(), time.min, tzinfo=TZ)


def _not_reminded(
    kind: str, moment_field: str, *, since: datetime | None = None, until: datetime | None = None
) -> Exists:
    """No reminder of ``kind`` for the dossier's current moment. ``since`` / ``until`` repeat the window the moment is
    already in, so that PostgreSQL may read just that slice of the reminders (the (kind, moment) index)."""
    reminders = Reminder.objects.filter(dossier=OuterRef("pk"), kind=kind, moment=OuterRef(moment_field))
    if since is not None:
        reminders = reminders.filter(moment__gte=since)
    if until is not None:
        reminders = reminders.filter(moment__lte=until)
    return ~Exists(reminders)


def _dossiers() -> QuerySet[Dossier]:
    return Dossier.objects.select_related(
        "procedure_version",
        "receiving_agency",
        "competent_agency",
        "current_department",
        "assignee",
    )


def _handling_department(dossier: Dossier) -> Agency:
    return dossier.current_department or dossier.competent_agency


def _left_text(amount: timedelta) -> str:
    return format_working_time(max(amount, timedelta()))


def _send(
    *,
    report: SweepReport,
    dossier: Dossier,
    kind: str,
    moment: datetime,
    people: Iterable[User | None],
    event: str,
    context: dict,
    now: datetime,
    before_send: Callable[[], bool] | None = None,
) -> None:
    """Record the reminder and queue one message per person and channel, in one transaction (both or neither).

    ``before_send`` runs first inside that transaction (e.g. marking the dossier overdue); False means "not any
    more" and records nothing. A reminder already recorded by another run (the unique constraint) is skipped.
    """
    from portal.notifications import notify

    recipients = _unique(people)
    try:
        with transaction.atomic():
            if before_send is not None and not before_send():
                return
            Reminder.objects.create(dossier=dossier, kind=kind, moment=moment, sent_at=now, recipients=len(recipients))
            queued = 0
            for person in recipients:
                queued += len(
                    notify(
                        user=person,
                        event=event,
                        context={"dossier": dossier, "recipient": person, "now": now, **context},
                        dedupe_key=f"timers:{kind}:{dossier.pk}:{moment.isoformat()}:{person.pk}",
                        reference=dossier.code or f"#{dossier.pk}",
                    )
                )
    except (IntegrityError, ConcurrentChange):
        report.skipped += 1
        return
    if not recipients:
        log.warning("timer %s: nobody to tell about dossier %s", kind, dossier.pk)
    report.sent += 1
    report.messages += queued
    report.reminded.append(dossier.pk)


def _settle(*, report: SweepReport, dossier: Dossier, kind: str, moment: datetime, now: datetime) -> None:
    """Record that this due moment will never need this reminder (the row leaves the candidates for good)."""
    try:
        with transaction.atomic():
            Reminder.objects.create(dossier=dossier, kind=kind, moment=moment, sent_at=now, recipients=0)
    except IntegrityError:
        report.skipped += 1
        return
    report.settled += 1


def _take(
    candidates: QuerySet[Dossier], limit: int | None, report: SweepReport, **annotations: object
) -> list[Dossier]:
    """The first ``limit`` candidates, in the queryset's order: their ids first (one narrow query, usually empty),
    then the rows with what the messages need. The ids query has no LIMIT on purpose: with one, PostgreSQL probes
    the reminders dossier by dossier hoping to stop early, while without it hashes the window's reminders at once —
    and in the steady state there is nothing to stop early for (the result is empty)."""
    return _load(list(candidates.values_list("pk", flat=True)), limit, report, **annotations)


def _load(ids: list[int], limit: int | None, report: SweepReport, **annotations: object) -> list[Dossier]:
    """The dossiers of the first ``limit`` ids, in that order; the report notes whether more remain."""
    limit = batch_limit() if limit is None else limit
    report.more = len(ids) > limit
    ids = ids[:limit]
    report.examined = len(ids)
    if not ids:
        return []
    rows = _dossiers().filter(pk__in=ids)
    if annotations:
        rows = rows.annotate(**annotations)
    by_pk = {row.pk: row for row in rows}
    return [by_pk[pk] for pk in ids if pk in by_pk]


# ------------------------------------------------------------------------------------------------ the desk


def _latest_intake_supplement() -> Subquery:
    return Subquery(
        SupplementRequest.objects.filter(
            dossier=OuterRef("pk"), stage=SupplementRequest.Stage.INTAKE, answered_at__isnull=False
        )
        .order_by("-answered_at")
        .values("answered_at")[:1]
    )


def remind_desk_checks(*, now: datetime | None = None, limit: int | None = None) -> SweepReport:
    """Online dossiers the desk has not checked yet, whose desk-check SLA ends within
    ``TIMERS_DESK_REMIND_BEFORE_HOURS`` working hours: remind the receiving agency's receivers (the desk). Bình Định
    27/2020 gives the desk 8 working hours, Bắc Ninh 13/2018 one (``DESK_CHECK_SLA_HOURS``)."""
    now = _now(now)
    report = SweepReport("desk_checks", now)
    calendars = Calendars(today=now.astimezone(TZ).date())
    window = desk_remind_before_hours()
    bound = calendars.latest(now, window)
    qs = (
        Dossier.objects.filter(status=Status.SUBMITTED, desk_due_at__gt=now, desk_due_at__lte=bound)
        .filter(_not_reminded(Kind.DESK_CHECK, "desk_due_at", since=now, until=bound))
        .order_by("desk_due_at", "pk")
    )
    rows = _take(qs, limit, report, supplemented_at=_latest_intake_supplement())
    people = People((d.receiving_agency for d in rows), [Role.RECEIVER])
    for dossier in rows:
        left = calendars.of(dossier.receiving_agency).working_time_between(now, dossier.desk_due_at)
        if left > timedelta(hours=window):
            continue
        _send(
            report=report,
            dossier=dossier,
            kind=Kind.DESK_CHECK,
            moment=dossier.desk_due_at,
            people=people.nearest(dossier.receiving_agency, Role.RECEIVER),
            event="officer.desk_check_due",
            context={"left": _left_text(left), "supplemented_at": dossier.supplemented_at},
            now=now,
        )
    return _finish(report)


def escalate_desk_checks(*, now: datetime | None = None, limit: int | None = None) -> SweepReport:
    """Online dossiers still unchecked after the desk-check SLA ended (plus ``TIMERS_DESK_ESCALATE_AFTER_HOURS``):
    tell the receiving agency's leaders, once per desk due moment."""
    now = _now(now)
    report = SweepReport("desk_escalations", now)
    calendars = Calendars(today=now.astimezone(TZ).date())
    after = desk_escalate_after_hours()
    bound = now if not after else calendars.latest(now, -after)  # the latest due moment late by ``after`` anywhere
    qs = (
        Dossier.objects.filter(status=Status.SUBMITTED, desk_due_at__lte=bound)
        .filter(_not_reminded(Kind.DESK_OVERDUE, "desk_due_at", until=bound))
        .order_by("desk_due_at", "pk")
    )
    rows = _take(qs, limit, report, supplemented_at=_latest_intake_supplement())
    people = People((d.receiving_agency for d in rows), [Role.LEADER])
    for dossier in rows:
        late_by = calendars.of(dossier.receiving_agency).working_time_between(dossier.desk_due_at, now)
        if late_by < timedelta(hours=after):
            continue
        _send(
            report=report,
            dossier=dossier,
            kind=Kind.DESK_OVERDUE,
            moment=dossier.desk_due_at,
            people=people.nearest(dossier.receiving_agency, Role.LEADER),
            event="officer.desk_check_overdue",
            context={"late_by": _left_text(late_by), "supplemented_at": dossier.supplemented_at},
            now=now,
        )
    return _finish(report)


# ------------------------------------------------------------------------------------------------ processing


def warn_near_due(*, now: datetime | None = None, limit: int | None = None) -> SweepReport:
    """Dossiers being handled whose appointment falls within ``TIMERS_NEAR_DUE_WORKING_DAYS`` working day(s) and is
    not yet past (by date): warn the assigned specialist and the handling department's leaders."""
    now = _now(now)
    report = SweepReport("near_due", now)
    calendars = Calendars(today=now.astimezone(TZ).date())
    window = near_due_hours()
    since, until = _start_of_day(now), calendars.latest(now, window)  # from the next day on: overdue, another timer
    qs = (
        Dossier.objects.filter(status__in=CLOCK_STATUSES, due_at__gte=since, due_at__lte=until)
        .filter(_not_reminded(Kind.NEAR_DUE, "due_at", since=since, until=until))
        .order_by("due_at", "pk")
    )
    rows = _take(qs, limit, report)
    people = People((_handling_department(d) for d in rows), [Role.LEADER])
    for dossier in rows:
        left = calendars.of(dossier.competent_agency).working_time_between(now, dossier.due_at)
        if left > timedelta(hours=window):
            continue
        _send(
            report=report,
            dossier=dossier,
            kind=Kind.NEAR_DUE,
            moment=dossier.due_at,
            people=[dossier.assignee, *people.nearest(_handling_department(dossier), Role.LEADER)],
            event="officer.near_due",
            context={"left": _left_text(left)},
            now=now,
        )
    return _finish(report)


def remind_apology_slips(*, now: datetime | None = None, limit: int | None = None) -> SweepReport:
    """Dossiers still in appraisal when only ``APOLOGY_LEAD_HOURS`` + ``TIMERS_APOLOGY_REMIND_HOURS`` working hours
    are left: remind the competent agency's leaders (who sign Mẫu 04) and the specialist that, if the result cannot
    be on time, the apology slip and new appointment must be issued at least one working day before the due date
    (ND 61/2018 art 19.9; Long An 30/2019 art 11.3). Skipped when that window would open before the dossier was
    received (procedures too short for it) or has already closed (the slip can no longer be issued)."""
    now = _now(now)
    report = SweepReport("apology_slips", now)
    calendars = Calendars(today=now.astimezone(TZ).date())
    ahead = APOLOGY_LEAD_HOURS + apology_remind_hours()
    # With less than one working day left in every calendar, the slip can no longer be issued.
    since, until = calendars.earliest(now, APOLOGY_LEAD_HOURS), calendars.latest(now, ahead)
    qs = (
        Dossier.objects.filter(
            status__in=(Status.RECEIVED, Status.PROCESSING), apology_issued=False, due_at__gte=since, due_at__lte=until
        )
        .filter(_not_reminded(Kind.APOLOGY_DUE, "due_at", since=since, until=until))
        .order_by("due_at", "pk")
    )
    rows = _take(qs, limit, report)
    people = People((d.competent_agency for d in rows), [Role.LEADER])
    for dossier in rows:
        calendar = calendars.of(dossier.competent_agency)
        left = calendar.working_time_between(now, dossier.due_at)
        if left > timedelta(hours=ahead):
            continue  # not yet, in this agency's calendar
        opens = calendar.add_working_hours(dossier.due_at, -ahead)
        if left < timedelta(hours=APOLOGY_LEAD_HOURS) or dossier.received_at is None or opens <= dossier.received_at:
            # Too late for a slip now, or a procedure too short for the reminder: never for this due moment.
            _settle(report=report, dossier=dossier, kind=Kind.APOLOGY_DUE, moment=dossier.due_at, now=now)
            continue
        last_moment = calendar.add_working_hours(dossier.due_at, -APOLOGY_LEAD_HOURS)
        _send(
            report=report,
            dossier=dossier,
            kind=Kind.APOLOGY_DUE,
            moment=dossier.due_at,
            people=[*people.nearest(dossier.competent_agency, Role.LEADER), dossier.assignee],
            event="officer.apology_due",
            context={"left": _left_text(left), "apology_deadline": last_moment},
            now=now,
        )
    return _finish(report)


def escalate_overdue(*, now: datetime | None = None, limit: int | None = None) -> SweepReport:
    """Dossiers still being handled after their appointment date (overdue from the next day, Long An 30/2019 art
    14.4 d): mark them late through ``workflow.mark_overdue`` (the "overdue" event, ``was_late``, the applicant
    told) and escalate to the specialist, the handling department's leaders and the competent agency's leaders —
    once per appointment missed."""
    now = _now(now)
    report = SweepReport("overdue", now)
    today = _start_of_day(now)
    qs = (
        Dossier.objects.filter(status__in=CLOCK_STATUSES, due_at__lt=today)
        .filter(_not_reminded(Kind.OVERDUE, "due_at", until=today))
        .order_by("due_at", "pk")
    )
    rows = _take(qs, limit, report)
    people = People([agency for d in rows for agency in (_handling_department(d), d.competent_agency)], [Role.LEADER])
    for dossier in rows:

        def still_overdue(dossier: Dossier = dossier) -> bool:
            workflow.mark_overdue(dossier, at=now)  # locks the row until this transaction ends
            fresh = Dossier.objects.filter(pk=dossier.pk).values("status", "due_at").get()
            return (
                fresh["status"] in CLOCK_STATUSES
                and fresh["due_at"] == dossier.due_at
                and is_overdue(now=now, due_at=fresh["due_at"])
            )

        _send(
            report=report,
            dossier=dossier,
            kind=Kind.OVERDUE,
            moment=dossier.due_at,
            people=[
                dossier.assignee,
                *people.nearest(_handling_department(dossier), Role.LEADER),
                *people.nearest(dossier.competent_agency, Role.LEADER),
            ],
            event="officer.overdue",
            context={"days_late": (now.astimezone(TZ).date() - dossier.due_at.astimezone(TZ).date()).days},
            now=now,
            before_send=still_overdue,
        )
    return _finish(report)


def remind_supplement_reviews(*, now: datetime | None = None, limit: int | None = None) -> SweepReport:
    """The citizen supplemented a dossier during appraisal and, ``TIMERS_SUPPLEMENT_REVIEW_HOURS`` working hours
    later, nobody has acted on it (no assignment, verification, proposal, transfer, new request…): the answer owed to
    the citizen is waiting. Remind the assigned specialist, or the department's leaders when nobody is assigned."""
    now = _now(now)
    report = SweepReport("supplement_reviews", now)
    calendars = Calendars(today=now.astimezone(TZ).date())
    hours = supplement_review_hours()
    # Start from the small side: appraisal requests answered at least ``hours`` working hours ago in some calendar
    # in use (checked exactly below), within the look-back. A later request on the same dossier is itself an action
    # after the earlier answer, so only the latest answer can qualify.
    since, until = now - supplement_review_lookback(), calendars.latest(now, -hours)
    acted = DossierEvent.objects.filter(
        dossier=OuterRef("dossier_id"), at__gt=OuterRef("answered_at"), action__in=HANDLING_ACTIONS
    )
    reminded = Reminder.objects.filter(
        dossier=OuterRef("dossier_id"),
        kind=Kind.SUPPLEMENT_REVIEW,
        moment=OuterRef("answered_at"),
        moment__gte=since,
        moment__lte=until,
    )
    answers = list(
        SupplementRequest.objects.filter(
            stage=SupplementRequest.Stage.APPRAISAL,
            answered_at__gte=since,
            answered_at__lte=until,
            dossier__status=Status.PROCESSING,
        )
        .filter(~Exists(acted), ~Exists(reminded))
        .order_by("answered_at", "dossier_id")
        .values_list("dossier_id", "answered_at")
    )
    supplemented_at = dict(answers)
    rows = _load([pk for pk, _answered in answers], limit, report)
    people = People((_handling_department(d) for d in rows), [Role.LEADER])
    for dossier in rows:
        answered = supplemented_at[dossier.pk]
        waited = calendars.of(dossier.competent_agency).working_time_between(answered, now)
        if waited < timedelta(hours=hours):
            continue
        leaders = [] if dossier.assignee else people.nearest(_handling_department(dossier), Role.LEADER)
        _send(
            report=report,
            dossier=dossier,
            kind=Kind.SUPPLEMENT_REVIEW,
            moment=answered,
            people=[dossier.assignee, *leaders],
            event="officer.supplement_review",
            context={"waited": _left_text(waited), "supplemented_at": answered},
            now=now,
        )
    return _finish(report)


# ------------------------------------------------------------------------------------------------ daily digest


@dataclass(frozen=True)
class DigestRow:
    pk: int
    code: str
    procedure: str
    due_at: datetime
    assignee: str
    agency_ids: frozenset[int]


def _digest_rows(qs: QuerySet[Dossier], moment_field: str) -> list[DigestRow]:
    rows = []
    for values in qs.values_list(
        "pk",
        "code",
        "procedure_version__name",
        moment_field,
        "assignee__full_name",
        "competent_agency__path",
        "current_department__path",
        "receiving_agency__path",
    ).order_by(moment_field, "pk"):
        pk, code, procedure, moment, assignee, competent, current, receiving = values
        paths = (receiving,) if moment_field == "desk_due_at" else (competent, current)
        ids = frozenset(pk for path in paths if path for pk in _path_ids(path))
        rows.append(DigestRow(pk, code or f"#{pk}", procedure, moment, assignee or "", ids))
    return rows


def _by_agency(rows: list[DigestRow]) -> dict[int, list[DigestRow]]:
    buckets: dict[int, list[DigestRow]] = defaultdict(list)
    for row in rows:
        for agency_id in row.agency_ids:
            buckets[agency_id].append(row)
    return buckets


def digest_key(*, day: date, user_id: int, agency_id: int) -> str:
    return f"timers:digest:{day.isoformat()}:{user_id}:{agency_id}"


def send_leader_digests(*, now: datetime | None = None) -> SweepReport:
    """Once a day, on working days from ``TIMERS_DIGEST_HOUR``: each leader gets, for their agency and everything
    under it, the overdue dossiers (the longest overdue first, up to ``TIMERS_DIGEST_MAX_ROWS`` by name), those due
    today, and the online dossiers past the desk-check SLA. Nothing is sent to a leader with nothing to report.

    The first complete run of the day is the day's snapshot (marked in the shared cache); later runs that day send
    nothing more, and a run interrupted half-way is completed by the next one (each digest is deduplicated per
    leader, agency and day), so beat may run it as often as it likes."""
    from portal.notifications import notify
    from portal.notifications.outbox import CHANNELS, stored_key

    now = _now(now)
    report = SweepReport("digests", now)
    local = now.astimezone(TZ)
    today = local.date()
    calendars = Calendars(today=today)
    if not calendars.province.is_working_day(today) or local.time() < digest_time():
        return _finish(report)
    day_key = DIGEST_DAY_KEY.format(day=today.isoformat())
    if cache.get(day_key):
        return _finish(report)  # today's digests went out (a leader with nothing then gets none later that day)
    start = _start_of_day(now)
    overdue = _by_agency(_digest_rows(Dossier.objects.filter(status__in=CLOCK_STATUSES, due_at__lt=start), "due_at"))
    due_today = _by_agency(
        _digest_rows(
            Dossier.objects.filter(status__in=CLOCK_STATUSES, due_at__gte=start, due_at__lt=start + timedelta(days=1)),
            "due_at",
        )
    )
    desk_late = _by_agency(
        _digest_rows(Dossier.objects.filter(status=Status.SUBMITTED, desk_due_at__lte=now), "desk_due_at")
    )
    posts = (
        OfficerPost.objects.filter(role=Role.LEADER, is_active=True, user__is_active=True, agency__is_active=True)
        .select_related("user", "agency")
        .order_by("agency__path", "user_id")
    )
    concerned = [
        post
        for post in posts
        if post.agency_id in overdue or post.agency_id in due_today or post.agency_id in desk_late
    ]
    report.examined = len(concerned)
    keys = {post.pk: digest_key(day=today, user_id=post.user_id, agency_id=post.agency_id) for post in concerned}
    done = set(
        Message.objects.filter(
            dedupe_key__in=[stored_key(key, channel) for key in keys.values() for channel in CHANNELS]
        ).values_list("dedupe_key", flat=True)
    )
    limit = digest_max_rows()
    for post in concerned:
        key = keys[post.pk]
        if any(stored_key(key, channel) in done for channel in CHANNELS):
            continue
        late_rows = overdue.get(post.agency_id, [])
        today_rows = due_today.get(post.agency_id, [])
        desk_rows = desk_late.get(post.agency_id, [])
        messages = notify(
            user=post.user,
            event="officer.daily_digest",
            context={
                "recipient": post.user,
                "agency": post.agency,
                "today": today,
                "now": now,
                "overdue": late_rows[:limit],
                "overdue_count": len(late_rows),
                "due_today": today_rows[:limit],
                "due_today_count": len(today_rows),
                "desk_late_count": len(desk_rows),
            },
            dedupe_key=key,
            reference=post.agency.code,
        )
        report.sent += 1
        report.messages += len(messages)
        report.reminded.append(post.user_id)
    cache.set(day_key, now.isoformat(), timeout=3 * 24 * 3600)
    return _finish(report)


# ------------------------------------------------------------------------------------------------ all at once

SWEEPS: dict[str, Callable[..., SweepReport]] = {
    "desk_checks": remind_desk_checks,
    "desk_escalations": escalate_desk_checks,
    "near_due": warn_near_due,
    "apology_slips": remind_apology_slips,
    "overdue": escalate_overdue,
    "supplement_reviews": remind_supplement_reviews,
}


def run_all(*, now: datetime | None = None, limit: int | None = None) -> list[SweepReport]:
    """Every per-dossier sweep once, then the digests (a management command, the benchmark)."""
    now = _now(now)
    reports = [sweep(now=now, limit=limit) for sweep in SWEEPS.values()]
    reports.append(send_leader_digests(now=now))
    return reports
