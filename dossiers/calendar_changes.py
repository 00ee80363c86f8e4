"""When the working calendar changes, recompute the open dossiers it can affect (issue 5 point 4).

A CalendarOverride saved or deleted in the admin → after commit → Celery task ``recompute_due_dates`` with the
dates touched (the old and the new date when an override was moved) and the agency (None: the whole province).
The receivers live here, not in ``portal``, because the kernel must not import the dossiers app (DESIGN §2).
"""

from __future__ import annotations

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_save

from portal.models import CalendarOverride

_BEFORE = "_calendar_change_before"


def _remember_before(sender, instance: CalendarOverride, raw: bool = False, **kwargs) -> None:
    if raw or instance.pk is None:
        return
    setattr(instance, _BEFORE, CalendarOverride.objects.filter(pk=instance.pk).values("date", "agency_id").first())


def _enqueue(dates: set, agency_ids: set) -> None:
    from dossiers.tasks import recompute_due_dates

    # Several agencies (an override moved between them) or a province-wide one: recompute province-wide.
    agency_id = next(iter(agency_ids)) if len(agency_ids) == 1 else None
    payload = sorted(day.isoformat() for day in dates)
    # robust: the override is saved whatever happens to the broker; a failed enqueue is logged by Django.
    transaction.on_commit(lambda: recompute_due_dates.delay(payload, agency_id), robust=True)


def _saved(sender, instance: CalendarOverride, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    dates, agencies = {instance.date}, {instance.agency_id}
    before = getattr(instance, _BEFORE, None)
    if before:
        dates.add(before["date"])
        agencies.add(before["agency_id"])
    _enqueue(dates, agencies)


def _deleted(sender, instance: CalendarOverride, **kwargs) -> None:
    _enqueue({instance.date}, {instance.agency_id})


def connect() -> None:
    pre_save.connect(_remember_before, sender=CalendarOverride, dispatch_uid="dossiers_calendar_before")
    post_save.connect(_saved, sender=CalendarOverride, dispatch_uid="dossiers_calendar_saved")
    post_delete.connect(_deleted, sender=CalendarOverride, dispatch_uid="dossiers_calendar_deleted")
