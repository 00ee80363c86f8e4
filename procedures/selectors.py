"""Reads of the catalogue: the public list and page, history, home-page highlights."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.http import Http404, HttpRequest

from procedures import search, services
from procedures.filters import ProcedureFilter
from procedures.models import Procedure, ProcedureVersion, Sector


def catalogue() -> QuerySet[Procedure]:
    """Published procedures with what a list row shows."""
    return Procedure.objects.published().select_related("sector", "competent_agency", "current_version")


def procedure_search(*, params: Any, request: HttpRequest | None = None) -> ProcedureFilter:
    """The FilterSet over the public catalogue: ``.qs`` for results, ``.form`` for the page."""
    services.refresh_due_procedures()
    # Always bound, so that an empty query still gets the default order.
    return ProcedureFilter(data=params if params is not None else {}, queryset=catalogue(), request=request)


def procedure_page(*, code: str, version_number: int | None = None) -> tuple[Procedure, ProcedureVersion]:
    """A published procedure and the version to show (the one in force, or an older published one). 404 else."""
    services.refresh_due_procedures()
    procedure = Procedure.objects.filter(code=code).select_related("current_version").first()
    if procedure is None or procedure.current_version_id is None:
        raise Http404
    versions = ProcedureVersion.objects.select_related("sector", "competent_agency").prefetch_related(
        "receiving_agencies", "components__document_kinds", "route_steps__department"
    )
    if version_number is None:
        version = versions.get(pk=procedure.current_version_id)
    else:
        version = versions.filter(
            procedure=procedure, number=version_number, status__in=services.IN_FORCE_STATUSES
        ).first()
        if version is None:
            raise Http404
    return procedure, version


def version_history(procedure: Procedure) -> list[ProcedureVersion]:
    """Published versions, newest first (a scheduled one included, so its date can be announced)."""
    return list(
        ProcedureVersion.objects.filter(procedure=procedure, status__in=services.IN_FORCE_STATUSES).order_by(
            "-effective_from", "-number"
        )
    )


def upcoming_version(procedure: Procedure) -> ProcedureVersion | None:
    if procedure.next_version_at is None:
        return None
    return (
        ProcedureVersion.objects.filter(procedure=procedure, effective_from=procedure.next_version_at)
        .exclude(status=ProcedureVersion.Status.DRAFT)
        .first()
    )


def version_for_dossier(*, procedure: Procedure, at: date | datetime | None = None) -> ProcedureVersion:
    """The version a dossier received at ``at`` follows (raises ``services.NoVersionInForce``)."""
    return services.version_in_force(procedure, at)


def popular_sectors(*, limit: int = 8) -> list[Sector]:
    """Sectors with the most published procedures, each with ``procedure_count`` and ``online_count``."""
    counts: dict[int, dict[str, int]] = {}
    for row in (
        Procedure.objects.published()
        .values("sector_id")
        .annotate(total=Count("pk"), online=Count("pk", filter=Q(service_level__gte=3)))
    ):
        counts[row["sector_id"]] = {"total": row["total"], "online": row["online"]}
    sectors = list(Sector.objects.filter(is_active=True, pk__in=counts))
    for sector in sectors:
        sector.procedure_count = counts[sector.pk]["total"]
        sector.online_count = counts[sector.pk]["online"]
    sectors.sort(key=lambda s: (-s.procedure_count, search.normalise(s.name)))
    return sectors[:limit]


def catalogue_totals() -> dict[str, int]:
    """How many published procedures, and how many at each service level."""
    rows = Procedure.objects.published().values("service_level").annotate(n=Count("pk"))
    totals = {f"level_{row['service_level']}": row["n"] for row in rows}
    totals["all"] = sum(row["n"] for row in rows)
    totals["online"] = totals.get("level_3", 0) + totals.get("level_4", 0)
    return totals
