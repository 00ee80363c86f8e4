"""Reads of the statistics: every page, export and API row comes from :func:`statistics`.

An answer reads three running-total rows per slice (the day before the period, its last day, the reference day;
see ``reporting/models.py``), so its cost depends on the number of slices selected, not on the number of
dossiers or the length of the period. Answers are cached under the versions that ``reporting.services`` moves
on every change (and, for finished periods, only on changes that reach back before today).
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext

from dossiers.models import ApologySlip, Channel
from portal import clock, prepared
from portal.models import Agency
from procedures.models import Procedure, Sector
from reporting import stats
from reporting.models import DailyStat, StatSlice
from reporting.services import stats_version, uncommitted_changes

GROUPINGS = ("agency", "unit", "sector", "procedure", "channel")


def cache_seconds() -> int:
    return int(getattr(settings, "STATS_CACHE_SECONDS", 3600))


@dataclass(frozen=True)
class StatQuery:
    """A period and a filter: the agency and its sub-tree, a sector, a procedure, an intake channel."""

    period: stats.Period
    agency: Agency | None = None
    sector: Sector | None = None
    procedure: Procedure | None = None
    channel: int | None = None

    def cache_key(self, group_by: str | None, reference: date, version: int) -> str:
        parts = (
            self.period.start.isoformat(),
            self.period.end.isoformat(),
            reference.isoformat(),
            str(self.agency.pk if self.agency else ""),
            str(self.sector.pk if self.sector else ""),
            str(self.procedure.pk if self.procedure else ""),
            str(self.channel or ""),
            group_by or "",
            translation.get_language() or "",  # the total's and channels' names are translated
        )
        digest = hashlib.sha256("|".join(parts).encode()).hexdigest()[:32]
        return f"motcua:stats:{version}:{digest}"


@dataclass
class StatRow:
    """One row of a statistics table: ``key`` (a code), ``name``, and the figures."""

    key: str
    name: str
    figures: stats.Figures = field(default_factory=stats.Figures)
    kind: str = ""  # the agency kind for agency and unit rows (departments vs communes on the dashboard)
    code: str = ""  # the filter value that drills down into this row (agency, sector or procedure code)

    def as_dict(self) -> dict:
        return {"key": self.key, "name": self.name, **self.figures.as_dict()}


# ----------------------------------------------------------------------------------------------- answers


def statistics(query: StatQuery, *, group_by: str | None = None, use_cache: bool = True) -> list[StatRow]:
    """The figures of ``query``, one row per group (or one row for the whole selection)."""
    return statistics_by(query, [group_by], use_cache=use_cache)[group_by]


def statistics_by(
    query: StatQuery, groupings: Iterable[str | None], *, use_cache: bool = True
) -> dict[str | None, list[StatRow]]:
    """Several groupings of one query (a dashboard): the running totals are read once for all of them."""
    groupings = list(dict.fromkeys(groupings))
    for group_by in groupings:
        if group_by is not None and group_by not in GROUPINGS:
            raise ValueError(group_by)
    today = clock.today()
    reference = query.period.reference_day(today)
    caching = use_cache and cache_seconds() > 0 and not uncommitted_changes()
    results: dict[str | None, list[StatRow]] = {}
    keys: dict[str | None, str] = {}
    if caching:
        version = stats_version(past=query.period.end < today)
        keys = {g: query.cache_key(g, reference, version) for g in groupings}
        found = cache.get_many(list(keys.values()))
        for group_by, key in keys.items():
            if key in found:
                results[group_by] = found[key]
    missing = [g for g in groupings if g not in results]
    if missing:
        slices = _slice_figures(
            _slice_totals(
                query,
                before_start=query.period.start - stats.ONE_DAY,
                end=query.period.end,
                reference=reference,
            )
        )
        fresh = {g: _group(slices, query, group_by=g) for g in missing}
        if caching:
            cache.set_many({keys[g]: rows for g, rows in fresh.items()}, timeout=cache_seconds())
        results.update(fresh)
    return results


def cached_fragment(query: StatQuery, *, name: str, variant: str, build: Callable[[], str]) -> str:
    """A rendered piece of a page (the dashboard's tables) cached under the same versions as the figures in it."""
    today = clock.today()
    if cache_seconds() <= 0 or uncommitted_changes():
        return build()
    version = stats_version(past=query.period.end < today)
    key = query.cache_key(f"{name}:{variant}:{_templates_digest()}", query.period.reference_day(today), version)
    html = cache.get(key)
    if html is None:
        html = build()
        cache.set(key, html, timeout=cache_seconds())
    return html


@functools.cache
def _templates_digest() -> str:
    """Rendered pages cached by an older release must not outlive it: the key carries the templates' digest."""
    folder = Path(settings.BASE_DIR) / "templates" / "reporting"
    digest = hashlib.sha256()
    for path in sorted(folder.glob("*.html")):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def totals(query: StatQuery, *, use_cache: bool = True) -> stats.Figures:
    rows = statistics(query, group_by=None, use_cache=use_cache)
    return rows[0].figures if rows else stats.Figures()


class Slice(NamedTuple):
    """One slice's names and figures for the period (read with its running totals in one statement)."""

    agency_id: int
    agency_code: str
    agency_name: str
    agency_kind: str
    agency_path: str
    sector_id: int
    sector_code: str
    sector_name: str
    sector_order: int
    procedure_id: int
    procedure_code: str
    procedure_name: str
    channel: int
    figures: stats.Figures


def _slice_figures(rows: list[tuple]) -> list[Slice]:
    out = []
    for row in rows:
        *names, before, at_end, at_reference = row
        figures = stats.figures_from_totals(
            channel=names[12], before_start=before, at_end=at_end, at_reference=at_reference
        )
        out.append(Slice(*names, figures))
    return out


def _group(slices: list[Slice], query: StatQuery, *, group_by: str | None) -> list[StatRow]:
    if group_by is None:
        total = stats.Figures()
        for item in slices:
            total.add(item.figures)
        return [StatRow(key="total", name=gettext("Tổng cộng"), figures=total)]
    if group_by == "unit":
        return _unit_rows(slices, within=query.agency)
    rows: dict[object, tuple[StatRow, object]] = {}
    for item in slices:
        if group_by == "agency":
            key, code, name, kind, order = (
                item.agency_id,
                item.agency_code,
                item.agency_name,
                item.agency_kind,
                item.agency_path.count("/"),
            )
        elif group_by == "sector":
            key, code, name, kind, order = item.sector_id, item.sector_code, item.sector_name, "", item.sector_order
        elif group_by == "procedure":
            key, code, name, kind, order = item.procedure_id, item.procedure_code, item.procedure_name, "", 0
        else:
            key, code, name, kind, order = item.channel, str(item.channel), _channel_name(item.channel), "", 0
        found = rows.get(key)
        if found is None:
            found = rows[key] = (StatRow(key=code, name=name, kind=kind, code=code), order)
        found[0].figures.add(item.figures)
    if group_by == "channel":
        ordered = sorted(rows.items())
    else:
        ordered = sorted(
            rows.items(), key=lambda pair: (pair[1][1], pair[1][0].name if group_by == "sector" else pair[1][0].key)
        )
    return [row for _key, (row, _order) in ordered if not row.figures.is_empty]


def _channel_name(channel: int) -> str:
    try:
        return str(Channel(channel).label)
    except ValueError:
        return str(channel)


def _unit_rows(slices: list[Slice], *, within: Agency | None) -> list[StatRow]:
    """Each agency folded into the unit directly under the filter agency (departments, communes, districts under
    the province), or into the filter agency itself for its own dossiers."""
    base = within or _root()
    folded: dict[int, stats.Figures] = {}
    for item in slices:
        target = _unit_of(item.agency_path, base.path if base else "/")
        folded.setdefault(target, stats.Figures()).add(item.figures)
    agencies = {a.pk: a for a in Agency.objects.filter(pk__in=list(folded)).only("pk", "code", "name", "kind", "path")}
    ordered = sorted(folded, key=lambda pk: (agencies[pk].path.count("/"), agencies[pk].code))
    rows = [
        StatRow(
            key=agencies[pk].code,
            name=agencies[pk].name,
            figures=folded[pk],
            kind=agencies[pk].kind,
            code=agencies[pk].code,
        )
        for pk in ordered
    ]
    return [row for row in rows if not row.figures.is_empty]


def _root() -> Agency | None:
    roots = list(Agency.objects.filter(parent__isnull=True).only("pk", "path")[:2])
    return roots[0] if len(roots) == 1 else None


def _unit_of(path: str, base_path: str) -> int:
    """The id of the agency one level under ``base_path`` on the way to ``path`` (or the base itself)."""
    if not path.startswith(base_path):
        return int(path.strip("/").split("/")[-1])
    rest = [part for part in path[len(base_path) :].split("/") if part]
    if rest:
        return int(rest[0])
    return int(base_path.strip("/").split("/")[-1])


# ----------------------------------------------------------------------------------------------- SQL

_VECTOR_COLUMNS = ", ".join(stats.COUNTERS)


def _slice_filter(query: StatQuery) -> tuple[str, list]:
    where, params = ["1 = 1"], []
    if query.agency is not None:
        where.append("a.path LIKE %s")
        params.append(query.agency.path + "%")
    if query.sector is not None:
        where.append("s.sector_id = %s")
        params.append(query.sector.pk)
    if query.procedure is not None:
        where.append("s.procedure_id = %s")
        params.append(query.procedure.pk)
    if query.channel is not None:
        where.append("s.channel = %s")
        params.append(int(query.channel))
    return " AND ".join(where), params


# The names travel with the totals (Slice's fields, in order): one statement answers a whole dashboard.
_NAME_COLUMNS = (
    "s.agency_id, a.code, a.name, a.kind, a.path, s.sector_id, sec.code, sec.name, sec.sort_order, "
    "s.procedure_id, p.code, p.name, s.channel"
)
_NAMES = 13


def _slice_joins() -> str:
    return (
        f"FROM {StatSlice._meta.db_table} s JOIN {Agency._meta.db_table} a ON a.id = s.agency_id "
        f"JOIN {Sector._meta.db_table} sec ON sec.id = s.sector_id "
        f"JOIN {Procedure._meta.db_table} p ON p.id = s.procedure_id"
    )


def _slice_totals(query: StatQuery, *, before_start: date, end: date, reference: date) -> list[tuple]:
    """Per slice: its names (``_NAME_COLUMNS``), then its running totals on the day before the period, on its last
    day and on the reference day."""
    daily_table = DailyStat._meta.db_table
    where, where_params = _slice_filter(query)
    width, n = stats.WIDTH, _NAMES
    if connection.vendor == "postgresql":
        # One index probe per slice and date (LATERAL … LIMIT 1 walks the (slice, day) index backwards).
        def latest(alias: str) -> str:
            return (
                f"LEFT JOIN LATERAL (SELECT {_VECTOR_COLUMNS} FROM {daily_table} d "  # noqa: S608 - our tables
                f"WHERE d.slice_id = s.id AND d.day <= %s ORDER BY d.day DESC LIMIT 1) {alias} ON TRUE"
            )

        columns = ", ".join(f"{alias}.{c}" for alias in ("b", "e", "r") for c in stats.COUNTERS)
        sql = (
            f"SELECT {_NAME_COLUMNS}, {columns} "
            f"{_slice_joins()} {latest('b')} {latest('e')} {latest('r')} WHERE {where}"
        )
        # Prepared: planning this join of 66 slices with three probes each took as long as running it.
        rows = prepared.fetchall(sql, [before_start, end, reference, *where_params])
        return [
            (*row[:n], *([v or 0 for v in row[n + i * width : n + (i + 1) * width]] for i in range(3))) for row in rows
        ]

    # Portable form (the embedded SQLite default): the ids of the three rows per slice, then the rows.
    def latest_id() -> str:
        return (
            f"(SELECT d.id FROM {daily_table} d "  # noqa: S608 - our tables
            "WHERE d.slice_id = s.id AND d.day <= %s ORDER BY d.day DESC LIMIT 1)"
        )

    sql = f"SELECT {_NAME_COLUMNS}, {latest_id()}, {latest_id()}, {latest_id()} {_slice_joins()} WHERE {where}"
    with connection.cursor() as cursor:
        cursor.execute(sql, [before_start, end, reference, *where_params])
        slices = cursor.fetchall()
    wanted = list({pk for row in slices for pk in row[n : n + 3] if pk is not None})
    vectors = {}
    for i in range(0, len(wanted), 500):
        for row in DailyStat.objects.filter(pk__in=wanted[i : i + 500]).values_list("pk", *stats.COUNTERS):
            vectors[row[0]] = list(row[1:])
    zero = [0] * width
    return [(*row[:n], *(vectors.get(pk, zero) if pk else zero for pk in row[n : n + 3])) for row in slices]


# ----------------------------------------------------------------------------------------------- apology slips


def published_apologies(*, agency: Agency | None = None, period: stats.Period | None = None) -> QuerySet[ApologySlip]:
    """Apology slips published on the portal (Long An 30/2019 art 11.3), newest first, without personal data."""
    qs = ApologySlip.objects.filter(published=True).select_related(
        "dossier", "dossier__procedure", "dossier__competent_agency"
    )
    if agency is not None:
        qs = qs.filter(dossier__competent_agency__path__startswith=agency.path)
    if period is not None:
        qs = qs.filter(issued_at__date__gte=period.start, issued_at__date__lte=period.end)
    return qs.order_by("-issued_at", "-pk")


def agencies_with_statistics() -> Iterable[Agency]:
    """Agencies a visitor can pick on the dashboard: those with dossiers in their sub-tree, in tree order."""
    used = set(StatSlice.objects.values_list("agency__path", flat=True).distinct())
    return [a for a in Agency.objects.order_by("path") if any(p.startswith(a.path) for p in used)]
