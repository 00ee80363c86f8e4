"""The processing clock of a dossier, in the database: append ClockEntry rows, derive ``due_at`` from them.

``dossiers.workflow`` calls these inside its transaction, with the dossier row locked: each function appends one
``ClockEntry`` (append-only; the log is the truth) and sets ``dossier.due_at`` to what ``dossiers.deadlines`` derives
from the whole log, the procedure version's time limit and the working calendar of the competent agency
(``portal.selectors.calendar_for``). It writes ``due_at`` to the row as well, and returns ``(due_before,
due_after)``; sending ``dossier_changed`` and recording the DossierEvent stay with the workflow.

``recompute_open_dossiers`` is the other way in: when the calendar changes (a CalendarOverride saved or deleted),
every open dossier whose due date the changed dates can move is recomputed; each change is logged (a RECOMPUTED
entry and a "due_recomputed" event) and the applicant is told.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers import deadlines
from dossiers.models import ClockEntry, Dossier
from dossiers.models.core import CLOCK_STATUSES
from dossiers.signals import dossier_changed, snapshot
from portal import clock as portal_clock
from portal.exceptions import InvalidTransition
from portal.models import Agency
from portal.selectors import calendar_for, clear_calendar_cache
from portal.workdays import TZ, WorkingCalendar

log = logging.getLogger("motcua.clock")

Kind = ClockEntry.Kind
RECOMPUTE_BATCH = 200


def time_limit(dossier: Dossier) -> deadlines.TimeLimit:
    """The time limit and supplement rule of the version the dossier was received under."""
    return deadlines.TimeLimit.of(dossier.procedure_version)


def calendar(dossier: Dossier) -> WorkingCalendar:
    return calendar_for(dossier.competent_agency)


def entries(dossier: Dossier) -> list[ClockEntry]:
    """The clock log in the order it was written."""
    return list(ClockEntry.objects.filter(dossier=dossier).order_by("pk"))


def state(dossier: Dossier, *, now: datetime | None = None) -> deadlines.ClockState:
    """What the log says now: due moment, time used and left, paused or not."""
    return deadlines.derive(
        limit=time_limit(dossier), entries=entries(dossier), calendar=calendar(dossier), now=now or portal_clock.now()
    )


def explain(dossier: Dossier, *, now: datetime | None = None) -> deadlines.DueExplanation:
    """The dossier's due date in plain Vietnamese, for the citizen's and the officer's pages."""
    return deadlines.explain_due(
        limit=time_limit(dossier), entries=entries(dossier), calendar=calendar(dossier), now=now or portal_clock.now()
    )


def _require_aware(moment: datetime) -> None:
    if timezone.is_naive(moment):
        raise ValueError("clock moments must be timezone-aware")


def _append(
    dossier: Dossier,
    *,
    kind: str,
    at: datetime,
    event=None,
    reason: str = "",
    legal_basis: str = "",
    new_due_at: datetime | None = None,
) -> tuple[datetime | None, datetime | None]:
    _require_aware(at)
    with transaction.atomic():
        log_so_far = entries(dossier)
        entry = ClockEntry(
            dossier=dossier,
            kind=kind,
            at=at,
            reason=reason[:500],
            legal_basis=legal_basis[:255],
            new_due_at=new_due_at,
            event=event,
        )
        try:
            derived = deadlines.derive(
                limit=time_limit(dossier), entries=[*log_so_far, entry], calendar=calendar(dossier)
            )
        except deadlines.ClockError as exc:
            raise InvalidTransition(str(exc), code="clock") from exc
        entry.save()
        before = dossier.due_at
        dossier.due_at = derived.due_at
        Dossier.objects.filter(pk=dossier.pk).update(due_at=derived.due_at)
    return before, derived.due_at


def start(dossier: Dossier, *, at: datetime, event=None) -> tuple[datetime | None, datetime | None]:
    """The dossier is received: the clock starts at ``at`` (or the next working moment, 17:00 cut-off)."""
    return _append(dossier, kind=Kind.STARTED, at=at, event=event)


def pause(dossier: Dossier, *, at: datetime, reason: str, event=None) -> tuple[datetime | None, datetime | None]:
    """The clock stops (a supplement is awaited); ``due_at`` becomes None until it resumes or restarts."""
    return _append(dossier, kind=Kind.PAUSED, at=at, reason=reason, event=event)


def resume(dossier: Dossier, *, at: datetime, event=None, reason: str = "") -> tuple[datetime | None, datetime | None]:
    """The clock continues with the time that was left (procedures whose policy is "resume")."""
    return _append(dossier, kind=Kind.RESUMED, at=at, reason=reason, event=event)


def restart(dossier: Dossier, *, at: datetime, event=None, reason: str = "") -> tuple[datetime | None, datetime | None]:
    """The complete supplement arrived: the whole time limit runs again from ``at`` (ND 61/2018 art 19.4)."""
    return _append(dossier, kind=Kind.RESTARTED, at=at, reason=reason, event=event)


def after_supplement(dossier: Dossier, *, at: datetime, event=None) -> tuple[datetime | None, datetime | None]:
    """Restart or resume as the dossier's procedure version says (``supplement_policy``)."""
    if time_limit(dossier).supplement_policy == deadlines.SupplementPolicy.RESUME:
        return resume(dossier, at=at, event=event)
    return restart(dossier, at=at, event=event)


def extend(
    dossier: Dossier, *, at: datetime, new_due_at: datetime, reason: str, legal_basis: str = "", event=None
) -> tuple[datetime | None, datetime | None]:
    """An apology slip (Mẫu 04) sets a new appointment, once (ND 61/2018 art 19.9). The workflow checks who signs it
    and that it comes at least one working day before the due date; the dossier counts as late regardless."""
    _require_aware(new_due_at)
    return _append(
        dossier, kind=Kind.EXTENDED, at=at, reason=reason, legal_basis=legal_basis, new_due_at=new_due_at, event=event
    )


def recompute(dossier: Dossier, *, reason: str = "", event=None) -> tuple[datetime | None, datetime | None]:
    """Derive ``due_at`` again from the log with the calendar in force; if it moved, log a RECOMPUTED entry."""
    with transaction.atomic():
        derived = deadlines.derive(limit=time_limit(dossier), entries=entries(dossier), calendar=calendar(dossier))
        before = dossier.due_at
        if derived.due_at == before:
            return before, before
        ClockEntry.objects.create(
            dossier=dossier,
            kind=Kind.RECOMPUTED,
            at=portal_clock.now(),
            reason=reason[:500],
            new_due_at=derived.due_at,
            event=event,
        )
        dossier.due_at = derived.due_at
        Dossier.objects.filter(pk=dossier.pk).update(due_at=derived.due_at)
    return before, derived.due_at


# ------------------------------------------------------------------------------------------------ calendar changes


@dataclass
class RecomputeReport:
    examined: int = 0
    changed: list[tuple[int, datetime | None, datetime | None]] = field(default_factory=list)  # (pk, before, after)

    def __str__(self) -> str:
        return f"{self.examined} examined, {len(self.changed)} changed"


def _dates_note(dates: list[date]) -> str:
    shown = ", ".join(f"{day:%d/%m/%Y}" for day in dates[:5])
    if len(dates) > 5:
        shown += ", …"
    return _("Lịch làm việc thay đổi (ngày %(dates)s)") % {"dates": shown}


def candidates(*, dates: Iterable[date], agency: Agency | None = None):
    """Open dossiers whose due date a change on ``dates`` can move: a running clock (due date set) that started on
    or before the last changed date and is due on or after the first (set-based, one query)."""
    days = sorted(set(dates))
    if not days:
        return Dossier.objects.none()
    first = datetime.combine(days[0], datetime.min.time(), tzinfo=TZ)
    after_last = datetime.combine(days[-1] + timedelta(days=1), datetime.min.time(), tzinfo=TZ)
    qs = Dossier.objects.filter(
        status__in=CLOCK_STATUSES, due_at__isnull=False, due_at__gte=first, received_at__lt=after_last
    )
    if agency is not None:
        qs = qs.filter(competent_agency__path__startswith=agency.path)
    return qs


def recompute_open_dossiers(*, dates: Iterable[date], agency: Agency | None = None) -> RecomputeReport:
    """After a calendar change on ``dates`` (for ``agency``'s sub-tree, or the whole province), recompute every open
    dossier those dates can affect. Each moved due date is logged (ClockEntry RECOMPUTED + DossierEvent
    "due_recomputed", announced with ``dossier_changed``) and the applicant is told (``dossier.due_changed``).
    Idempotent: a second run finds nothing to change."""
    from dossiers.workflow import record_event
    from portal.notifications import notify

    days = sorted(set(dates))
    report = RecomputeReport()
    clear_calendar_cache()  # this process may hold a calendar built before the change
    note = _dates_note(days)
    ids = list(candidates(dates=days, agency=agency).order_by("pk").values_list("pk", flat=True))
    for offset in range(0, len(ids), RECOMPUTE_BATCH):
        batch = ids[offset : offset + RECOMPUTE_BATCH]
        with transaction.atomic():
            locked = (
                Dossier.objects.select_for_update(of=("self",))
                .select_related("procedure_version", "competent_agency", "applicant")
                .filter(pk__in=batch, status__in=CLOCK_STATUSES)
                .order_by("pk")
            )
            for dossier in locked:
                report.examined += 1
                derived = deadlines.derive(
                    limit=time_limit(dossier), entries=entries(dossier), calendar=calendar(dossier)
                )
                before = dossier.due_at
                if derived.due_at == before:
                    continue
                now = portal_clock.now()
                previous = snapshot(dossier)
                event = record_event(
                    dossier,
                    action="due_recomputed",
                    by=None,
                    note=note,
                    data={"dates": [day.isoformat() for day in days]},
                    due_before=before,
                    due_after=derived.due_at,
                    at=now,
                    actor_label=_("Hệ thống"),
                )
                ClockEntry.objects.create(
                    dossier=dossier, kind=Kind.RECOMPUTED, at=now, reason=note, new_due_at=derived.due_at, event=event
                )
                dossier.due_at = derived.due_at
                Dossier.objects.filter(pk=dossier.pk).update(due_at=derived.due_at, updated_at=now)
                dossier_changed.send(sender=Dossier, dossier=dossier, before=previous, after=snapshot(dossier))
                notify(
                    user=dossier.applicant,
                    event="dossier.due_changed",
                    context={"dossier": dossier, "due_before": before, "due_after": derived.due_at, "reason": note},
                    dedupe_key=f"dossier:{dossier.pk}:event:{event.pk}:dossier.due_changed",
                    reference=dossier.code or f"#{dossier.pk}",
                )
                report.changed.append((dossier.pk, before, derived.due_at))
    log.info("due dates recomputed after a calendar change", extra={"dates": [d.isoformat() for d in days]})
    return report


def recompute_for_decisions_in_force(*, since: date, until: date) -> RecomputeReport:
    """Overrides whose decision took effect in ``(since, until]``: the calendar in force changed on that day even
    though nobody saved anything then, so recompute the dossiers their dates can affect (a daily beat timer;
    idempotent, so a window of several days tolerates a missed or late run)."""
    from portal.models import CalendarOverride

    total = RecomputeReport()
    by_agency: dict[int | None, set[date]] = {}
    for row in CalendarOverride.objects.filter(effective_from__gt=since, effective_from__lte=until):
        by_agency.setdefault(row.agency_id, set()).add(row.date)
    agencies = Agency.objects.in_bulk([pk for pk in by_agency if pk is not None])
    for agency_id, dates in by_agency.items():
        report = recompute_open_dossiers(dates=dates, agency=agencies.get(agency_id) if agency_id else None)
        total.examined += report.examined
        total.changed += report.changed
    return total
