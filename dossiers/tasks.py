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
