"""Reads of the kernel. ``calendar_for`` builds the working calendar in force for an agency on a date.

Calendars are immutable values (``portal.workdays.WorkingCalendar``) cached per (agency, date, calendar version):
never a process-wide "current agency" that concurrent requests could mix up (STYLE anti-patterns). The version is a
token in the shared cache, renewed whenever a CalendarOverride or an Agency is saved or deleted, so every process
(web, Celery worker, beat) stops using the old calendar at once; the renewal happens again after commit, so a
process that rebuilt in between from not-yet-committed data cannot keep that copy.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections import OrderedDict
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from portal import clock
from portal.models import Agency, CalendarOverride
from portal.workdays import DEFAULT_CUTOFF, DEFAULT_INTERVALS, DEFAULT_WEEKEND, WorkingCalendar, parse_intervals

VERSION_KEY = "motcua:calendar:version"
_MEMO_SIZE = 256

_memo: OrderedDict[tuple, WorkingCalendar] = OrderedDict()
_memo_lock = threading.Lock()
_local = threading.local()  # per thread (= per database connection): uncommitted calendar changes pending


def _as_date(as_of: date | datetime | None) -> date:
    if as_of is None:
        return clock.today()
    if isinstance(as_of, datetime):
        return timezone.localdate(as_of) if timezone.is_aware(as_of) else as_of.date()
    return as_of


def calendar_version() -> str:
    """The shared token of the calendar data (overrides, desk hours); changes whenever they change."""
    try:
        version = cache.get(VERSION_KEY)
        if version is None:
            version = uuid.uuid4().hex
            if not cache.add(VERSION_KEY, version, timeout=None):
                version = cache.get(VERSION_KEY) or version
        return version
    except Exception:  # a cache outage must not stop deadlines; build without sharing instead
        return uuid.uuid4().hex


def calendar_for(agency: Agency | None = None, *, as_of: date | datetime | None = None) -> WorkingCalendar:
    """The working calendar in force for ``agency`` (the whole province when None) on ``as_of`` (default today).

    * Overrides (CalendarOverride): province-wide ones and those of the agency and its ancestors, only those whose
      decision is already effective (``effective_from <= as_of``). When two overrides name the same date, the one
      of the nearer agency wins, then the later decision.
    * Desk hours: the agency's ``desk_hours``, else its nearest ancestor's, else ``settings.WORKDAY_INTERVALS``.
    * ``settings.WORKDAY_WEEKEND`` and ``settings.WORKDAY_CUTOFF``.
    """
    day = _as_date(as_of)
    key = (agency.pk if agency is not None else None, day, calendar_version())
    pending = getattr(_local, "pending", False)
    if pending and not transaction.get_connection().in_atomic_block:
        # The transaction that changed the calendar ended without a commit hook running: rolled back.
        _local.pending = False
        pending = False
        clear_calendar_cache()
    if not pending:
        with _memo_lock:
            found = _memo.get(key)
            if found is not None:
                _memo.move_to_end(key)
                return found
    calendar = build_calendar(agency, as_of=day)
    if not pending:
        with _memo_lock:
            _memo[key] = calendar
            while len(_memo) > _MEMO_SIZE:
                _memo.popitem(last=False)
    return calendar


def overrides_in_force(agency: Agency | None, *, as_of: date, chain: list[Agency] | None = None):
    """CalendarOverride rows that apply to ``agency`` (province-wide, its own, its ancestors') on ``as_of``."""
    if chain is None:
        chain = list(agency.ancestors()) if agency is not None else []
    chain_ids = [a.pk for a in chain]
    return CalendarOverride.objects.filter(effective_from__lte=as_of).filter(
        Q(agency__isnull=True) | Q(agency_id__in=chain_ids)
    )


def build_calendar(agency: Agency | None, *, as_of: date, exclude: tuple[int, ...] = ()) -> WorkingCalendar:
    """Build (no cache) the calendar of ``agency`` on ``as_of`` from the database and settings; ``exclude`` leaves
    out some overrides (the admin form checks a row against the calendar without it)."""
    chain: list[Agency] = list(agency.ancestors()) if agency is not None else []  # root first
    depth = {a.pk: a.depth for a in chain}
    overrides = overrides_in_force(agency, as_of=as_of, chain=chain).exclude(pk__in=exclude)
    chosen: dict[date, CalendarOverride] = {}
    for override in sorted(
        overrides, key=lambda o: (-1 if o.agency_id is None else depth[o.agency_id], o.effective_from, o.pk)
    ):
        chosen[override.date] = override  # later in the order = nearer agency, then later decision
    days_off = {d: o.name for d, o in chosen.items() if o.kind == CalendarOverride.Kind.DAY_OFF}
    working_days = {d: o.name for d, o in chosen.items() if o.kind == CalendarOverride.Kind.WORKING_DAY}
    intervals = getattr(settings, "WORKDAY_INTERVALS", DEFAULT_INTERVALS)
    for node in reversed(chain):  # the agency itself first, then up the tree
        if node.desk_hours:
            intervals = parse_intervals(node.desk_hours)
            break
    return WorkingCalendar(
        days_off=days_off,
        working_days=working_days,
        intervals=intervals,
        weekend=getattr(settings, "WORKDAY_WEEKEND", DEFAULT_WEEKEND),
        cutoff=getattr(settings, "WORKDAY_CUTOFF", DEFAULT_CUTOFF),
    )


def clear_calendar_cache() -> None:
    """Forget this process's calendars (tests; a calendar change)."""
    with _memo_lock:
        _memo.clear()


def forget_calendars() -> None:
    """Tests: forget every calendar of this process and any pending change (each test's data is rolled back)."""
    _local.pending = False
    clear_calendar_cache()


def _renew_version() -> None:
    # On a cache outage the local memo is still cleared; other processes catch up on the next change.
    with contextlib.suppress(Exception):
        cache.set(VERSION_KEY, uuid.uuid4().hex, timeout=None)
    clear_calendar_cache()


def _committed() -> None:
    _local.pending = False
    _renew_version()


def calendar_changed(**kwargs) -> None:
    """Receiver for CalendarOverride and Agency saves/deletes (connected in PortalConfig.ready)."""
    if kwargs.get("raw"):
        return
    _renew_version()
    connection = transaction.get_connection(kwargs.get("using") or "default")
    if connection.in_atomic_block:
        # Until this transaction commits, calendars built here may include uncommitted data: don't memoise them.
        _local.pending = True
    transaction.on_commit(_committed, using=kwargs.get("using"))


def connect_signals() -> None:
    from django.db.models.signals import post_delete, post_save

    for model in (CalendarOverride, Agency):
        post_save.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_changed_save_{model.__name__}")
        post_delete.connect(calendar_changed, sender=model, dispatch_uid=f"calendar_changed_delete_{model.__name__}")
