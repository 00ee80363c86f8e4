"""The portal's clock. Business code asks ``clock.now()`` instead of ``timezone.now()``.

Tests move time for every process at once (web, Celery worker, beat) by storing a frozen moment in the
shared cache; that is honoured only when ``CLOCK_OVERRIDE_ALLOWED`` is on (test settings, never production).
"""

from __future__ import annotations

from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

OVERRIDE_KEY = "motcua:clock:frozen"


def now() -> datetime:
    if settings.CLOCK_OVERRIDE_ALLOWED:
        frozen = cache.get(OVERRIDE_KEY)
        if frozen:
            return datetime.fromisoformat(frozen)
    return timezone.now()


def today() -> date:
    return timezone.localdate(now())


def freeze(moment: datetime) -> None:
    """Set the clock of every process (tests only)."""
    if not settings.CLOCK_OVERRIDE_ALLOWED:
        raise RuntimeError("The clock can only be moved when CLOCK_OVERRIDE_ALLOWED is on.")
    if timezone.is_naive(moment):
        raise ValueError("A frozen moment must be timezone-aware.")
    cache.set(OVERRIDE_KEY, moment.isoformat(), timeout=None)


def unfreeze() -> None:
    cache.delete(OVERRIDE_KEY)
