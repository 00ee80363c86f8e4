"""Celery tasks of the dossiers app: thin wrappers that load by id and call a service (STYLE pattern 3)."""

from __future__ import annotations

from datetime import date

from celery import shared_task

from portal.models import Agency


@shared_task(name="dossiers.tasks.recompute_due_dates", acks_late=True, max_retries=5, default_retry_delay=30)
def recompute_due_dates(dates: list[str], agency_id: int | None = None) -> dict:
    """A calendar change on ``dates`` (ISO strings), for ``agency_id``'s sub-tree or the whole province: recompute
    the due dates of the open dossiers it can move. Idempotent, so a retry or a duplicate delivery is harmless."""
    from dossiers import clock

    agency = Agency.objects.filter(pk=agency_id).first() if agency_id else None
    # An agency deleted since (its overrides went with it): recomputing province-wide is a safe superset.
    report = clock.recompute_open_dossiers(dates=[date.fromisoformat(d) for d in dates], agency=agency)
    return {"examined": report.examined, "changed": len(report.changed)}


@shared_task(name="dossiers.tasks.recompute_due_dates_for_decisions_in_force", acks_late=True)
def recompute_due_dates_for_decisions_in_force(days_back: int = 7) -> dict:
    """Daily: calendar decisions that took effect since ``days_back`` days ago change the calendar in force today;
    recompute the open dossiers they affect (idempotent; a week's window covers a missed run)."""
    from datetime import timedelta

    from dossiers import clock
    from portal import clock as portal_clock

    today = portal_clock.today()
    report = clock.recompute_for_decisions_in_force(since=today - timedelta(days=days_back), until=today)
    return {"examined": report.examined, "changed": len(report.changed)}


@shared_task(
    name="dossiers.tasks.issue_document",
    acks_late=True,
    autoretry_for=(Exception,),
    retry_backoff=10,
    retry_backoff_max=600,
    max_retries=8,
)
def issue_document(dossier_id: int, kind: str, extra: dict | None = None) -> int:
    """Produce a form (Mẫu 01–04, stop notice) after the transition that needs it committed. ``ensure`` is
    idempotent: a retry or a duplicate delivery returns the document already stored."""
    from dossiers import documents
    from dossiers.models import Dossier

    dossier = Dossier.objects.get(pk=dossier_id)
    return documents.ensure(dossier, kind, **(extra or {})).pk


# ------------------------------------------------------------------------------------------------ SLA timers
# Thin wrappers around dossiers.timers (each sweep is idempotent and bounded); beat runs them (portal/schedule.py).
# A run that reached the batch limit (and sent something) queues the next one at once, so a backlog is worked off
# without waiting for beat.


def _sweep(task, name: str) -> dict:
    from dossiers import timers

    report = timers.SWEEPS[name]()
    if report.more and (report.sent or report.settled):  # progress made, more to do; else beat runs it again later
        task.apply_async()
    return report.as_dict()


@shared_task(bind=True, name="dossiers.tasks.remind_desk_checks", acks_late=True, ignore_result=True)
def remind_desk_checks(self) -> dict:
    """Remind the desk of online dossiers whose desk-check SLA is about to end."""
    return _sweep(self, "desk_checks")


@shared_task(bind=True, name="dossiers.tasks.escalate_desk_checks", acks_late=True, ignore_result=True)
def escalate_desk_checks(self) -> dict:
    """Tell the receiving agency's leaders about online dossiers left unchecked past the desk-check SLA."""
    return _sweep(self, "desk_escalations")


@shared_task(bind=True, name="dossiers.tasks.warn_near_due", acks_late=True, ignore_result=True)
def warn_near_due(self) -> dict:
    """Warn the specialist and the department's leaders one working day before a dossier is due."""
    return _sweep(self, "near_due")


@shared_task(bind=True, name="dossiers.tasks.remind_apology_slips", acks_late=True, ignore_result=True)
def remind_apology_slips(self) -> dict:
    """Remind the leaders that a late dossier needs its apology slip at least one working day before due."""
    return _sweep(self, "apology_slips")


@shared_task(bind=True, name="dossiers.tasks.escalate_overdue", acks_late=True, ignore_result=True)
def escalate_overdue(self) -> dict:
    """Mark dossiers past their appointment date late and escalate them."""
    return _sweep(self, "overdue")


@shared_task(bind=True, name="dossiers.tasks.remind_supplement_reviews", acks_late=True, ignore_result=True)
def remind_supplement_reviews(self) -> dict:
    """Remind whoever holds a supplemented dossier that nobody has acted on since the supplement arrived."""
    return _sweep(self, "supplement_reviews")


@shared_task(name="dossiers.tasks.send_leader_digests", acks_late=True, ignore_result=True)
def send_leader_digests() -> dict:
    """The daily digest to each agency leader (sent once a day, from the digest hour, on working days)."""
    from dossiers import timers

    return timers.send_leader_digests().as_dict()
