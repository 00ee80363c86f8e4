"""Writes to the statistics rollups: the incremental receiver, bulk merges, the full rebuild, cache invalidation.

Every dossier write that changes a reporting field sends ``dossiers.signals.dossier_changed`` inside its
transaction; :func:`on_dossier_changed` subtracts the old snapshot's contribution and adds the new one in that same
transaction, so the rollups never disagree with the dossiers that are committed. Writers of many dossiers at once
(import, benchmark seeding) merge their contributions with :func:`apply_deltas`, or rebuild everything with
:func:`rebuild_stats`.

Concurrency: the rows of one slice are rewritten under a lock on that slice's row (taken in id order, so two
writers touching the same slices cannot deadlock); ``rebuild_stats`` locks both tables. SQLite serialises writers.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime

from django.core.cache import cache
from django.db import connection, transaction

from dossiers.models import Dossier
from dossiers.signals import REPORTING_FIELDS
from portal import clock
from reporting import stats
from reporting.models import DailyStat, StatSlice

log = logging.getLogger("motcua.reporting")

Deltas = dict[stats.SliceKey, dict[date, stats.Vector]]

# Cached answers are keyed on these versions (reporting.selectors). "all" moves on every change; "past" only
# when a change reaches a day before today, so answers about finished periods stay cached through a day's work.
VERSION_ALL = "motcua:stats:version:all"
VERSION_PAST = "motcua:stats:version:past"


# ----------------------------------------------------------------------------------------------- receiver


def on_dossier_changed(sender, *, dossier=None, before=None, after=None, **kwargs) -> None:
    """Keep the rollups right from the snapshots alone: subtract the old contribution, add the new one."""
    deltas = deltas_between(before, after)
    if deltas:
        apply_deltas(deltas)


def deltas_between(before: Mapping | None, after: Mapping | None) -> Deltas:
    old_facts, new_facts = stats.facts_of(before), stats.facts_of(after)
    old, new = stats.contribution(old_facts), stats.contribution(new_facts)
    out: Deltas = {}
    if old_facts and new_facts and old_facts.key == new_facts.key:
        change = stats.difference(old, new)
        if change:
            out[new_facts.key] = change
        return out
    if old_facts:
        out[old_facts.key] = stats.difference(old, {})
    if new_facts:
        out[new_facts.key] = stats.difference({}, new)
    return out


def on_apology_changed(sender, *, instance=None, **kwargs) -> None:
    """A published (or withdrawn) apology slip changes the dashboard's list: invalidate its cached pages."""
    issued = getattr(instance, "issued_at", None)
    stats_changed(earliest_day=stats.local_day(issued) if issued else date.min)


def add_deltas(total: Deltas, more: Deltas) -> None:
    for key, days in more.items():
        target = total.setdefault(key, {})
        for day, vector in days.items():
            current = target.setdefault(day, [0] * stats.WIDTH)
            for i, value in enumerate(vector):
                current[i] += value


# ----------------------------------------------------------------------------------------------- merging


def slice_ids(keys: Iterable[stats.SliceKey]) -> dict[stats.SliceKey, int]:
    """The ids of these slices, created if new (concurrent creators: the loser's insert is a no-op)."""
    keys = set(keys)
    if not keys:
        return {}
    StatSlice.objects.bulk_create(
        [
            StatSlice(agency_id=k.agency_id, sector_id=k.sector_id, procedure_id=k.procedure_id, channel=k.channel)
            for k in keys
        ],
        ignore_conflicts=True,
    )
    found: dict[stats.SliceKey, int] = {}
    rows = StatSlice.objects.filter(
        agency_id__in={k.agency_id for k in keys}, procedure_id__in={k.procedure_id for k in keys}
    ).values_list("pk", "agency_id", "sector_id", "procedure_id", "channel")
    for pk, agency_id, sector_id, procedure_id, channel in rows:
        key = stats.SliceKey(agency_id, sector_id, procedure_id, channel)
        if key in keys:
            found[key] = pk
    return found


def apply_deltas(deltas: Deltas) -> None:
    """Add per-day counter changes to the running totals of their slices (inside the caller's transaction)."""
    deltas = {key: days for key, days in deltas.items() if days}
    if not deltas:
        return
    with transaction.atomic():
        ids = slice_ids(deltas)
        # Lock the slices in id order: writers touching several slices cannot deadlock.
        locked = list(
            StatSlice.objects.select_for_update()
            .filter(pk__in=ids.values())
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        by_id = {ids[key]: days for key, days in deltas.items()}
        for pk in locked:
            _merge_slice(pk, by_id[pk])
        earliest = min(min(days) for days in deltas.values())
    stats_changed(earliest_day=earliest)


def _merge_slice(slice_id: int, day_deltas: Mapping[date, stats.Vector]) -> None:
    """Rewrite the slice's rows from the first changed day on, with the changes added."""
    first = min(day_deltas)
    base = (
        DailyStat.objects.filter(slice_id=slice_id, day__lt=first).order_by("-day").values_list(*stats.COUNTERS).first()
    )
    existing = {
        row[0]: list(row[1:])
        for row in DailyStat.objects.filter(slice_id=slice_id, day__gte=first).values_list("day", *stats.COUNTERS)
    }
    carried = list(base) if base else [0] * stats.WIDTH  # the old running totals just before the current day
    running = [0] * stats.WIDTH  # the changes accumulated so far
    rows = []
    for day in sorted(set(existing) | set(day_deltas)):
        if day in existing:
            carried = existing[day]
        change = day_deltas.get(day)
        if change:
            running = [a + b for a, b in zip(running, change, strict=True)]
        totals = [a + b for a, b in zip(carried, running, strict=True)]
        rows.append(DailyStat(slice_id=slice_id, day=day, **dict(zip(stats.COUNTERS, totals, strict=True))))
    DailyStat.objects.filter(slice_id=slice_id, day__gte=first).delete()
    DailyStat.objects.bulk_create(rows, batch_size=2000)


# ----------------------------------------------------------------------------------------------- rebuild


@dataclass(frozen=True)
class RebuildReport:
    dossiers: int
    slices: int
    rows: int
    seconds: float


def dossier_snapshots(*, chunk_size: int = 20_000) -> Iterable[dict]:
    """Snapshots (``dossiers.signals.snapshot`` shape) of every dossier that may count, streamed.

    On PostgreSQL a server-side cursor reads moments as epoch seconds (a C-speed float) and turns them into aware
    datetimes here: parsing ten million timestamps through the ORM's text loader would take most of the time.
    """
    fields = list(REPORTING_FIELDS)
    qs = Dossier.objects.filter(received_at__isnull=False, refused_at__isnull=True).order_by()
    if connection.vendor != "postgresql":
        for row in qs.values_list(*fields).iterator(chunk_size=chunk_size):
            yield dict(zip(fields, row, strict=True))
        return
    moments = {f.name for f in Dossier._meta.concrete_fields if f.get_internal_type() == "DateTimeField"}
    columns = [
        f"date_part('epoch', {Dossier._meta.get_field(name).column})"
        if name in moments
        else Dossier._meta.get_field(name.removesuffix("_id")).column
        for name in fields
    ]
    sql = (
        f"SELECT {', '.join(columns)} FROM {Dossier._meta.db_table} "  # noqa: S608 - our table and columns
        "WHERE received_at IS NOT NULL AND refused_at IS NULL"
    )
    epoch_positions = [i for i, name in enumerate(fields) if name in moments]
    fromtimestamp, utc = datetime.fromtimestamp, UTC
    connection.ensure_connection()
    with connection.connection.cursor(name="motcua_rebuild_stats") as cursor:
        cursor.itersize = chunk_size
        cursor.execute(sql)
        for row in cursor:
            row = list(row)
            for i in epoch_positions:
                if row[i] is not None:
                    row[i] = fromtimestamp(row[i], utc)
            yield dict(zip(fields, row, strict=True))


def contributions_of(snapshots: Iterable[Mapping]) -> tuple[Deltas, int]:
    """All snapshots' contributions summed per slice and day, and how many dossiers counted."""
    total: dict[stats.SliceKey, dict[date, stats.Vector]] = defaultdict(dict)
    counted = 0
    for snap in snapshots:
        facts = stats.facts_of(snap)
        if facts is None:
            continue
        counted += 1
        days = total[facts.key]
        for day, vector in stats.contribution(facts).items():
            current = days.get(day)
            if current is None:
                days[day] = vector
            else:
                for i, value in enumerate(vector):
                    if value:
                        current[i] += value
    return dict(total), counted


def rebuild_stats(*, log_line: Callable[[str], None] | None = None) -> RebuildReport:
    """Recompute every rollup from the dossiers (after an import, a bulk load, or to repair)."""
    started = time.monotonic()
    say = log_line or (lambda line: None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                # Writers wait for the rebuild; it reads the dossiers only once it holds the tables.
                cursor.execute(f"LOCK TABLE {StatSlice._meta.db_table}, {DailyStat._meta.db_table} IN EXCLUSIVE MODE")
                # Deferred foreign-key checks of rows this transaction already wrote would block TRUNCATE.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                cursor.execute(f"TRUNCATE {DailyStat._meta.db_table}, {StatSlice._meta.db_table}")
        else:
            DailyStat.objects.all().delete()
            StatSlice.objects.all().delete()
        say("Đang đọc hồ sơ…")
        deltas, counted = contributions_of(dossier_snapshots())
        say(f"Đã đọc {counted} hồ sơ được tính vào thống kê; đang ghi số liệu tổng hợp…")
        ids = slice_ids(deltas)
        rows = write_running_totals({ids[key]: days for key, days in deltas.items()})
    stats_changed(earliest_day=date.min)
    report = RebuildReport(dossiers=counted, slices=len(deltas), rows=rows, seconds=time.monotonic() - started)
    log.info("rebuild_stats", extra={"dossiers": report.dossiers, "rows": report.rows, "seconds": report.seconds})
    return report


def write_running_totals(per_slice: Mapping[int, Mapping[date, stats.Vector]]) -> int:
    """Insert the running totals of slices that have no rows yet (COPY on PostgreSQL)."""
    columns = ("slice_id", "day", *stats.COUNTERS)

    def rows():
        for slice_id in sorted(per_slice):
            running = [0] * stats.WIDTH
            days = per_slice[slice_id]
            for day in sorted(days):
                running = [a + b for a, b in zip(running, days[day], strict=True)]
                yield (slice_id, day, *running)

    count = 0
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            sql = f"COPY {DailyStat._meta.db_table} ({', '.join(columns)}) FROM STDIN"
            with cursor.cursor.copy(sql) as copy:
                for row in rows():
                    copy.write_row(row)
                    count += 1
        return count
    batch: list[DailyStat] = []
    for row in rows():
        batch.append(DailyStat(**dict(zip(columns, row, strict=True))))
        count += 1
        if len(batch) >= 5000:
            DailyStat.objects.bulk_create(batch)
            batch = []
    DailyStat.objects.bulk_create(batch)
    return count


# ----------------------------------------------------------------------------------------------- cache


def stats_version(*, past: bool) -> int:
    key = VERSION_PAST if past else VERSION_ALL
    value = cache.get(key)
    if value is None:
        # A fresh, never-reused start (the key may have been evicted while answers stayed cached).
        cache.add(key, time.time_ns() // 1000, timeout=None)
        value = cache.get(key)
    return int(value or 0)


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:
        cache.add(key, time.time_ns() // 1000, timeout=None)


def stats_changed(*, earliest_day: date) -> None:
    """Invalidate cached answers now and again after commit (an answer computed from the old data in between
    would otherwise be stored under the new version)."""

    def bump() -> None:
        _bump(VERSION_ALL)
        if earliest_day < clock.today():
            _bump(VERSION_PAST)

    bump()
    if connection.in_atomic_block:
        # Until this transaction ends, its own reads see uncommitted rollups: they must not be cached (a rollback
        # would leave them under the current version). See reporting.selectors.
        connection.motcua_stats_dirty = connection.atomic_blocks[0]
    transaction.on_commit(bump)


def uncommitted_changes() -> bool:
    """True inside a transaction that has changed the rollups and not yet committed."""
    dirty = getattr(connection, "motcua_stats_dirty", None)
    return dirty is not None and connection.in_atomic_block and connection.atomic_blocks[0] is dirty
