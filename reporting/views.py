"""The public statistics pages (/thong-ke/): the dashboard, full tables, exports, published apology slips.

Views are thin: the period and filter come from ``reporting.forms``, every number from ``reporting.selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from portal import clock
from portal.models import Agency
from procedures.models import Sector
from reporting import exports, formatting, selectors, stats
from reporting.forms import PeriodForm
from reporting.selectors import StatQuery, StatRow


@dataclass(frozen=True)
class Table:
    """A table of the dashboard: which grouping it reads, which agency kinds it keeps (unit tables)."""

    slug: str
    group_by: str | None
    title: str
    kinds: frozenset[str] | None = None


TABLES = {
    t.slug: t
    for t in (
        Table("total", None, gettext_lazy("Toàn bộ")),
        Table("department", "unit", gettext_lazy("Theo sở, ban, ngành"), frozenset({"department"})),
        Table("locality", "unit", gettext_lazy("Theo UBND cấp xã, cấp huyện"), frozenset({"commune", "district"})),
        # What the province decides itself, or a centre: so that the unit tables add up to the total.
        Table(
            "other", "unit", gettext_lazy("Các cơ quan khác"), frozenset({"province", "centre", "division", "other"})
        ),
        Table("unit", "unit", gettext_lazy("Theo đơn vị trực thuộc")),
        Table("agency", "agency", gettext_lazy("Theo cơ quan giải quyết")),
        Table("sector", "sector", gettext_lazy("Theo lĩnh vực")),
        Table("procedure", "procedure", gettext_lazy("Theo thủ tục hành chính")),
        Table("channel", "channel", gettext_lazy("Theo hình thức tiếp nhận")),
    )
}
TOP_PROCEDURES = 20
CHARTED = ("department", "locality", "unit", "channel", "sector")
# The filter a row of each table drills down to (agency tables: the agency).
DRILL_PARAMS = {"sector": "sector", "procedure": "procedure", "channel": "channel"}
PERIOD_PARAMS = ("kind", "year", "month", "quarter", "start", "end", "agency", "sector", "procedure", "channel")


def _period_form(request: HttpRequest) -> tuple[PeriodForm, StatQuery]:
    """The submitted period and filter, or this year for the whole province; invalid input falls back to it."""
    data = request.GET if any(p in request.GET for p in PERIOD_PARAMS) else None
    today = clock.today()
    form = PeriodForm(data or QueryDict(f"kind=year&year={today.year}"))
    if form.is_valid():
        return form, form.query(form.cleaned_data["period"])
    return form, StatQuery(period=stats.Period(date(today.year, 1, 1), today))


def rows_of(query: StatQuery, table: Table, grouped: dict | None = None) -> list[StatRow]:
    rows = grouped[table.group_by] if grouped is not None else selectors.statistics(query, group_by=table.group_by)
    if table.kinds is not None:
        rows = [row for row in rows if row.kind in table.kinds]
    return rows


def _query_string(request: HttpRequest, **changes: str | None) -> str:
    params = request.GET.copy()
    for key in list(params):
        if key not in PERIOD_PARAMS:
            del params[key]
    for key, value in changes.items():
        if value is None:
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


def _chart_rows(rows: list[StatRow]) -> dict:
    """Resolved dossiers per row, stacked early / on time / late (the table under the chart has every figure)."""
    return {
        "labels": [row.name for row in rows],
        "series": [
            {"label": _("Trước hạn"), "data": [row.figures.resolved_early for row in rows]},
            {"label": _("Đúng hạn"), "data": [row.figures.resolved_on_time for row in rows]},
            {"label": _("Trễ hạn"), "data": [row.figures.resolved_late for row in rows]},
        ],
    }


def present(rows: list[StatRow], *, postal: bool = False) -> list[dict]:
    """Rows with their cells formatted once in Python (thousands of template filter calls are slow)."""
    seps = formatting.separators()
    return [
        {"name": row.name, "code": row.code, "cells": formatting.cells(row.figures, postal=postal, seps=seps)}
        for row in rows
    ]


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Province-wide figures, then per department, commune/district, agency, sector, procedure and channel, with
    charts (each with its table), exports and the published apology slips (Long An 30/2019 art 11, 17).

    The figures and tables are one fragment, cached with the statistics (same versions, same invalidation); htmx
    requests get that fragment alone."""
    form, query = _period_form(request)
    variant = "|".join([_query_string(request), translation.get_language() or ""])
    content = selectors.cached_fragment(
        query,
        name="dashboard",
        variant=variant,
        build=lambda: render_to_string(
            "reporting/dashboard.html#content", _dashboard_context(request, form, query), request=request
        ),
    )
    if request.htmx:
        response = HttpResponse(content)
    else:
        response = render(request, "reporting/dashboard.html", {"content": content, "form": form, "query": query})
    response["Vary"] = "HX-Request, Accept-Language, Cookie"
    return response


def _dashboard_context(request: HttpRequest, form: PeriodForm, query: StatQuery) -> dict:
    grouped = selectors.statistics_by(query, [None, "unit", "agency", "sector", "procedure", "channel"])
    total = grouped[None][0].figures
    scope = query.agency
    province_view = scope is None or scope.parent_id is None
    sections = []
    order = ["department", "locality", "other"] if province_view else ["unit"]
    order += ["agency", "sector", "procedure", "channel"]
    for slug in order:
        table = TABLES[slug]
        rows = rows_of(query, table, grouped)
        if (slug == "unit" and len(rows) <= 1) or (slug == "other" and not rows):
            continue
        shown = rows
        if slug == "procedure":
            shown = sorted(rows, key=lambda r: (-r.figures.received, r.key))[:TOP_PROCEDURES]
        drill_param = DRILL_PARAMS.get(slug, "agency")
        sections.append(
            {
                "table": table,
                "rows": present(shown, postal=slug == "channel"),
                "complete": len(shown) == len(rows),
                "count": len(rows),
                "chart": _chart_rows(shown) if slug in CHARTED and len(shown) > 1 else None,
                "chart_id": f"chart-{slug}",
                "caption_id": f"table-{slug}",
                "drill_url": reverse("reporting:dashboard"),
                "drill_param": drill_param,
                "base_query": _query_string(request, **{drill_param: None}),
                "show_postal": slug == "channel",
            }
        )
    return {
        "form": form,
        "query": query,
        "period": query.period,
        "reference_day": query.period.reference_day(clock.today()),
        "total": total,
        "sections": sections,
        "apologies": list(selectors.published_apologies(agency=scope, period=query.period)[:10]),
        "agency_choices": agency_choices(),
        "sector_choices": list(Sector.objects.order_by("sort_order", "name").values_list("code", "name")),
        "query_string": _query_string(request),
        "timeliness_chart": {
            "labels": [_("Trước hạn"), _("Đúng hạn"), _("Trễ hạn")],
            "values": [total.resolved_early, total.resolved_on_time, total.resolved_late],
        },
        "breadcrumbs": list(scope.ancestors()) if scope else [],
    }


def agency_choices() -> list[tuple[str, str]]:
    """The agency picker, indented by depth in the tree (only agencies with statistics)."""
    return [(a.code, "— " * a.depth + a.name) for a in selectors.agencies_with_statistics()]


def _table(slug: str) -> Table:
    try:
        return TABLES[slug]
    except KeyError:
        raise Http404 from None


@require_GET
def table(request: HttpRequest, slug: str) -> HttpResponse:
    """One table in full (e.g. every procedure), with its exports."""
    spec = _table(slug)
    form, query = _period_form(request)
    rows = rows_of(query, spec)
    context = {
        "form": form,
        "query": query,
        "period": query.period,
        "table": spec,
        "rows": present(rows, postal=slug == "channel"),
        "stat_rows": rows,
        "query_string": _query_string(request),
        "drill_url": reverse("reporting:dashboard"),
        "drill_param": DRILL_PARAMS.get(slug, "agency"),
        "base_query": _query_string(request, **{DRILL_PARAMS.get(slug, "agency"): None}),
        "show_postal": slug == "channel",
        "agency_choices": agency_choices(),
    }
    return render(request, "reporting/table.html", context)


def _describe(query: StatQuery) -> str:
    parts = [_("Kỳ báo cáo: %(period)s") % {"period": query.period}]
    for label, value in (
        (_("Cơ quan"), query.agency),
        (_("Lĩnh vực"), query.sector),
        (_("Thủ tục"), query.procedure.name if query.procedure else None),
    ):
        if value:
            parts.append(f"{label}: {value}")
    if query.channel:
        parts.append(f"{_('Kênh nộp')}: {selectors._channel_name(query.channel)}")
    return "; ".join(parts)


@require_GET
def export(request: HttpRequest, slug: str, fmt: str) -> HttpResponse:
    """``/thong-ke/xuat/<table>.csv`` or ``.xlsx`` with the dashboard's period and filter."""
    spec = _table(slug)
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _form, query = _period_form(request)
    rows = rows_of(query, spec)
    name = f"thong-ke-{slugify(slug)}-{query.period.start:%Y%m%d}-{query.period.end:%Y%m%d}.{fmt}"
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(rows), content_type="text/csv; charset=utf-8")
    else:
        title = _("Thống kê tình hình giải quyết hồ sơ — %(table)s") % {"table": spec.title}
        response = HttpResponse(
            exports.to_xlsx(rows, title=title, subtitle=_describe(query)),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def apologies(request: HttpRequest) -> HttpResponse:
    """Every published apology slip (Long An 30/2019 art 11.3), newest first."""
    agency = None
    if request.GET.get("agency"):
        agency = Agency.objects.filter(code=request.GET["agency"]).first()
    page = Paginator(selectors.published_apologies(agency=agency), 25).get_page(request.GET.get("page"))
    return render(request, "reporting/apologies.html", {"page": page, "agency": agency})
